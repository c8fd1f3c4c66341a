"""The dashboard of ``portcap serve``: pages over the public API (see :mod:`portcap.web.app`)."""

from __future__ import annotations

from portcap.web.app import create_app

__all__ = ["create_app"]
