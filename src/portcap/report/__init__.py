"""Reports: charts and (later) the HTML report; presentation only, no model logic."""
