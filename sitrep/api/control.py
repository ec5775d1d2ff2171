"""Routes over control and activity: `/api/control` (points and areas on a day), `/api/changes`,
`/api/timeline` (the map slider's range) and `/api/fronts`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic_core import to_json
from sqlalchemy import func, select

from sitrep.admin1 import admin1_name
from sitrep.api.context import ApiContext, checked_date, context
from sitrep.api.errors import ApiError
from sitrep.api.events import cached_fronts
from sitrep.api.schemas import (
    MAX_NAME_CHARS,
    ChangeItem,
    ChangeList,
    ControlBody,
    FrontItem,
    FrontList,
    Timeline,
    TimelineDay,
)
from sitrep.control.areas import control_areas
from sitrep.control.points import points_json
from sitrep.control.state import CONTESTED, ControlState
from sitrep.control.storage import control_at, control_changes
from sitrep.memory import collector_paused
from sitrep.store.schema import EventRow

router = APIRouter(tags=["control"])
Layer = Literal["assessed", "claimed"]


@router.get("/api/control", response_model=None, responses={200: {"model": ControlBody}})
def get_control(ctx: Annotated[ApiContext, Depends(context)], at: date,
                layer: Annotated[Layer, Query()] = "assessed",
                region: Annotated[str, Query(max_length=MAX_NAME_CHARS,
                                             description="governorate, any usual spelling (Latakia, Lattakia) or its beginning")] = "",
                areas: Annotated[bool, Query(description="false: skip the control areas (faster)")] = True,
                ) -> Response:
    """Who holds each place on `at`: points (held, contested, besieged) and, unless `areas=false`, control
    areas (one polygon per side and state, and front lines where two sides' areas meet, contested)."""
    checked_date(ctx.settings, at, "at")
    region = _region(region)

    def build() -> bytes:
        # The places' text is written from the stored listings (sitrep.control.points); the areas need the
        # states themselves, read a second time only when asked for (their geometry costs far more).
        places = points_json(ctx.store, at, layer, region or None)
        collection: dict[str, Any] = {"type": "FeatureCollection", "features": []}
        if areas:
            with collector_paused():  # tens of thousands of acyclic objects (see sitrep.memory)
                collection = _areas(ctx, control_at(ctx.store, at, layer, region or None), at)
        head = to_json({"at": at, "layer": layer, "region": region})[:-1]
        return b"".join((head, b',"places":', places.encode(), b',"areas":', to_json(collection), b"}"))

    # A map steps a slider back and forth: a day's answer is reused until the store changes.
    return Response(ctx.reuse_response(("control", at, layer, region, areas), build), media_type="application/json")


def _region(name: str) -> str:
    """The governorate `region` names, as the store spells it: any usual spelling ("Latakia", "Al Hasakeh")
    or the beginning of one (a beginning several governorates share is kept as written, matched against
    the stored names); 400 with the closest names for one that names none, never an empty answer."""
    from sitrep.admin1 import governorate, governorates
    from sitrep.cli_checks import region_admin1
    from sitrep.errors import InputError

    if not name:
        return name
    found = governorate(name)
    if found is not None:
        return found.admin1
    start = name.casefold()
    starting = {g.admin1 for g in governorates() if any(s.casefold().startswith(start) for s in g.spellings)}
    if len(starting) == 1:
        return starting.pop()
    if starting:
        return name
    try:
        return region_admin1(name)  # raises, naming the closest governorates
    except InputError as e:
        raise ApiError(400, str(e)) from e


def _areas(ctx: ApiContext, states: list[ControlState], at: date) -> dict[str, Any]:
    """The control areas, computed once per distinct set of points (they depend on nothing else)."""
    key = ("areas", hash(tuple((s.place_id, s.lat, s.lon, s.side, s.state) for s in states)), len(states))
    collection = ctx.remember(key, lambda: control_areas(states, at))
    for feature in collection["features"]:
        properties = feature["properties"]
        properties.setdefault("side", "")
        properties["contested"] = properties.get("kind") == "front" or properties.get("state") == CONTESTED
    return collection


@router.get("/api/changes", response_model=ChangeList)
def get_changes(ctx: Annotated[ApiContext, Depends(context)],
                start: Annotated[date, Query(alias="from", description="changes after this day")],
                end: Annotated[date, Query(alias="to", description="up to and including this day")],
                layer: Annotated[Layer, Query()] = "assessed") -> ChangeList:
    """The places that changed hands after `from` and up to `to`, with the events and sources behind each."""
    for day, name in ((start, "from"), (end, "to")):
        checked_date(ctx.settings, day, name)
    if end < start:
        raise ApiError(400, f"'to' ({end}) is before 'from' ({start})")
    items = [ChangeItem(place_id=s.place_id, name=s.place_name, admin1=admin1_name(s.admin1), lat=s.lat, lon=s.lon,
                        date=s.valid_from, from_side=s.previous_side, to_side=s.side, state=s.state,
                        confidence=s.confidence, events=list(s.event_ids), sources=list(s.sources))
             for s in (change.state for change in control_changes(ctx.store, start, end, layer))]
    return ChangeList(items=items, total=len(items), limit=len(items), offset=0)


@router.get("/api/timeline", response_model=Timeline)
def get_timeline(ctx: Annotated[ApiContext, Depends(context)]) -> Timeline:
    """The first and last event dates, the events of each day (the map slider's range) and the extent of the
    located events (west, south, east, north; the map opens on it before the events are in)."""
    def count_days() -> tuple[list[TimelineDay], list[float] | None]:
        query = (select(EventRow.event_date, func.count()).where(EventRow.event_date.is_not(None))
                 .group_by(EventRow.event_date).order_by(EventRow.event_date))
        located = select(func.min(EventRow.longitude), func.min(EventRow.latitude), func.max(EventRow.longitude),
                         func.max(EventRow.latitude)).where(EventRow.latitude.is_not(None),
                                                            EventRow.longitude.is_not(None))
        with ctx.store.engine.connect() as connection:
            days = [TimelineDay(date=day, events=n) for day, n in connection.execute(query) if day is not None]
            extent = connection.execute(located).one()
        return days, ([float(v) for v in extent] if extent[0] is not None else None)

    days, extent = ctx.cached("timeline", count_days)
    return Timeline(first=days[0].date if days else None, last=days[-1].date if days else None, days=days,
                    extent=extent)


@router.get("/api/fronts", response_model=FrontList)
def get_fronts(ctx: Annotated[ApiContext, Depends(context)]) -> FrontList:
    """The governorates with located events, most active first, with their extent (west, south, east, north)."""
    items = [FrontItem(name=f.name, admin1=f.name, events=f.events, first=f.first, last=f.last, bbox=list(f.bbox))
             for f in cached_fronts(ctx)]
    return FrontList(items=items, total=len(items), limit=len(items), offset=0)
