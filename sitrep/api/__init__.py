"""sitrep's JSON API (FastAPI) and `sitrep serve`: see `create_app` in app.py for the routes' contract.

`create_app` is imported on first use, so that the CLI, which registers `serve` from here, starts without
loading FastAPI."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from sitrep.api.app import create_app

        return create_app
    raise AttributeError(f"module 'sitrep.api' has no attribute {name!r}")
