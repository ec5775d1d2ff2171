"""The FastAPI app: JSON API under /api, the map page at / and its assets under /static, docs at /docs.

    app = create_app(load_settings(), store)   # or create_app(settings): opens settings.db

The store, the gazetteer and the spaCy pipeline are opened or loaded once per app (the latter two on first
use) and shared by the routes through `ApiContext`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

import sitrep
from sitrep.api import catalog, control, documents, events, profile, review
from sitrep.api.context import ApiContext
from sitrep.api.edge import ApiEdge
from sitrep.api.errors import ApiError, install_error_handlers
from sitrep.geo.gazetteer import Gazetteer
from sitrep.resources import load_configured_gazetteer
from sitrep.settings import Settings
from sitrep.store import Store, open_store

STATIC_DIR = Path(__file__).resolve().parents[1] / "web" / "static"


def create_app(settings: Settings, store: Store | None = None,
               gazetteer: Gazetteer | Callable[[], Gazetteer] | None = None, resources: Any = None) -> FastAPI:
    """The app over `store` (default: `settings.db`, opened now and closed with the app). `gazetteer` is a
    loaded one or a loader, `resources` loaded extraction resources; by default the configured gazetteer
    and spaCy pipeline are loaded on first use."""
    own_store = store is None
    opened = open_store(settings.db) if store is None else store
    loader: Callable[[], Gazetteer]
    if isinstance(gazetteer, Gazetteer):
        loaded = gazetteer
        loader = lambda: loaded  # noqa: E731
    else:
        loader = gazetteer or (lambda: load_configured_gazetteer(settings))

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        yield
        started.state.sitrep.close()
        if own_store:
            opened.close()

    app = FastAPI(title="sitrep", version=sitrep.__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Events, claims and control of places from war reports. Reads are open; writes "
                              "need `Authorization: Bearer <SITREP_TOKEN>`. Every error is "
                              '`{"error": {"status", "code", "message"}}`.')
    app.state.sitrep = ApiContext(settings=settings, store=opened, gazetteer_loader=loader, _resources=resources)
    install_error_handlers(app)
    app.add_middleware(ApiEdge, settings=settings, routes=app.router.routes)
    for module in (events, review, control, catalog, profile, documents):
        app.include_router(module.router)
    _add_page(app)
    return app


def _add_page(app: FastAPI) -> None:
    """The map page (sitrep/web/static/index.html) at / and its assets under /static."""
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = STATIC_DIR / "index.html"
        if not page.is_file():
            raise ApiError(404, "the map page is not installed (sitrep/web/static/index.html)")
        return FileResponse(page, media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """Swagger UI from the map's vendored assets (make web), never a CDN: the docs work offline."""
        page = STATIC_DIR / "docs.html"
        if not (STATIC_DIR / "vendor" / "swagger-ui-bundle.js").is_file():
            raise ApiError(404, "the API docs are not built: run `make web` (the schema is at /openapi.json)")
        return FileResponse(page, media_type="text/html")
