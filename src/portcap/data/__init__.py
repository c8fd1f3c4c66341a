"""Packaged data: factor tables, geography and the default AIS snapshot."""
