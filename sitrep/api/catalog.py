"""Routes for looking things up: `/api/places` (gazetteer search), `/api/sources`, `/api/config`."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query
from sqlalchemy import distinct, func, select

import sitrep
from sitrep.admin1 import admin1_name
from sitrep.api.context import ApiContext, context
from sitrep.api.schemas import ConfigBody, PlaceItem, PlaceList, SourceItem, SourceList
from sitrep.store.schema import DocumentRow, EventRow, SourceRow

router = APIRouter(tags=["catalog"])
# Most places one search answers.
MAX_PLACES = 100


@router.get("/api/places", response_model=PlaceList)
def search_places(ctx: Annotated[ApiContext, Depends(context)],
                  q: Annotated[str, Query(min_length=1, max_length=200, description="a place name, any spelling")],
                  limit: Annotated[int, Query(ge=1, le=MAX_PLACES)] = 10) -> PlaceList:
    """Transliteration-tolerant search over the gazetteer ("Daarayyaa" finds Darayya), best match first."""
    hits = ctx.gazetteer().lookup(q)
    hits.sort(key=lambda h: (-h.similarity, -h.place.population, h.place.place_id))
    items = [PlaceItem(place_id=h.place.place_id, name=h.place.name, kind=h.place.kind, admin1=admin1_name(h.place.admin1),
                       lat=h.place.lat, lon=h.place.lon, score=round(h.similarity, 4)) for h in hits[:limit]]
    return PlaceList(items=items, total=len(hits), limit=limit, offset=0)


@router.get("/api/sources", response_model=SourceList)
def list_sources(ctx: Annotated[ApiContext, Depends(context)]) -> SourceList:
    """Every publisher with its stance, the web domains of its documents, and how much it reported."""
    items = ctx.cached("sources", lambda: _sources(ctx))
    return SourceList(items=items, total=len(items), limit=len(items), offset=0)


def _sources(ctx: ApiContext) -> list[SourceItem]:
    documents = (select(SourceRow.id, SourceRow.name, SourceRow.stance, func.count(distinct(DocumentRow.id)))
                 .join(DocumentRow, DocumentRow.source_id == SourceRow.id).group_by(SourceRow.id)
                 .order_by(SourceRow.name))
    events = (select(DocumentRow.source_id, func.count()).join(EventRow, EventRow.document_id == DocumentRow.id)
              .group_by(DocumentRow.source_id))
    urls = select(DocumentRow.source_id, DocumentRow.url).where(DocumentRow.url != "").distinct()
    with ctx.store.engine.connect() as connection:
        rows = connection.execute(documents).all()
        counts = {source_id: n for source_id, n in connection.execute(events)}
        domains: dict[int, set[str]] = {}
        for source_id, url in connection.execute(urls):
            host = urlsplit(url).hostname or ""
            if host and source_id is not None:
                domains.setdefault(source_id, set()).add(host.removeprefix("www."))
    return [SourceItem(publisher=name, stance=stance, domains=sorted(domains.get(source_id, ())),
                       documents=n, events=counts.get(source_id, 0)) for source_id, name, stance, n in rows]


@router.get("/api/config", response_model=ConfigBody)
def get_config(ctx: Annotated[ApiContext, Depends(context)]) -> ConfigBody:
    """What the map page needs to know: the tile URL template ("" = the bundled basemap) and the version."""
    return ConfigBody(tile_url=ctx.settings.tile_url, version=sitrep.__version__)
