"""sitrep's JSON API (FastAPI) and `sitrep serve`: see `create_app` in app.py for the routes' contract."""

from __future__ import annotations

from sitrep.api.app import create_app

__all__ = ["create_app"]
