"""Finding stored events: filters as portable SQL, then the exact distance test in Python.

A `near` + `km` search first narrows in SQL, to a latitude/longitude box (plain comparisons, any backend)
or, on PostgreSQL with PostGIS, with `ST_DWithin` over a geography index (`sitrep.store.spatial`); then
keeps the events whose great-circle (haversine) distance is within `km`, so both give the same answers.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from sitrep.errors import StoreError
from sitrep.store.schema import DocumentRow, EventRow, SourceRow
from sitrep.store.spatial import within_km

# Mean Earth radius in km (IUGG), the usual sphere for haversine distances; error under 0.5 %.
EARTH_RADIUS_KM = 6371.0088
# Length of one degree of latitude in km on that sphere (2πR / 360).
KM_PER_DEGREE = 2 * math.pi * EARTH_RADIUS_KM / 360
# Degrees added around the box (about 0.1 mm), so that rounding never leaves out a point the haversine test
# keeps (at km=0, a point a rounding error away from the centre has distance 0).
BOX_SLACK_DEGREES = 1e-9
# Within this many degrees of a pole the longitude box degenerates; search all longitudes there.
POLAR_MARGIN_DEGREES = 1.0


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What `Store.query_events` was asked for; None means no restriction."""

    since: date | None = None
    until: date | None = None
    near: tuple[float, float] | None = None  # (latitude, longitude)
    km: float | None = None
    event_type: str | Collection[str] | None = None
    sub_event_type: str | Collection[str] | None = None
    side: str | None = None  # either actor's side
    status: str | Collection[str] | None = None  # fact_status, e.g. "reported" or sitrep.model.HAPPENED
    source: str | None = None
    limit: int | None = None

    def check(self) -> None:
        if (self.near is None) != (self.km is None):
            raise StoreError("a distance search needs both near=(lat, lon) and km")
        if self.km is not None and self.km < 0:
            raise StoreError(f"km must not be negative, got {self.km}")
        if self.limit is not None and self.limit < 0:
            raise StoreError(f"limit must not be negative, got {self.limit}")


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (latitude, longitude) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(near: tuple[float, float], km: float) -> tuple[float, float, float | None, float | None]:
    """(south, north, west, east) in degrees enclosing every point within `km` of `near`; west/east are
    None when the box would wrap the antimeridian or reach a pole (then longitude is not narrowed)."""
    lat, lon = near
    dlat = km / KM_PER_DEGREE + BOX_SLACK_DEGREES
    south, north = lat - dlat, lat + dlat
    if north >= 90 - POLAR_MARGIN_DEGREES or south <= -90 + POLAR_MARGIN_DEGREES:
        return south, north, None, None
    dlon = dlat / min(math.cos(math.radians(south)), math.cos(math.radians(north))) + BOX_SLACK_DEGREES
    west, east = lon - dlon, lon + dlon
    if west < -180 or east > 180:
        return south, north, None, None
    return south, north, west, east


def select_events(f: EventFilter, *, postgis: bool = False) -> Select[EventRow]:
    """The SQL part of the search, ordered by date (undated last) and id, with related rows loaded;
    `postgis`: narrow a distance search with PostGIS instead of the box."""
    query = select(EventRow).options(
        selectinload(EventRow.document).selectinload(DocumentRow.source),
        selectinload(EventRow.evidence), selectinload(EventRow.framing))
    if f.since is not None:
        query = query.where(EventRow.event_date >= f.since)
    if f.until is not None:
        query = query.where(EventRow.event_date <= f.until)
    for column, wanted in ((EventRow.event_type, f.event_type), (EventRow.sub_event_type, f.sub_event_type),
                           (EventRow.fact_status, f.status)):
        if isinstance(wanted, str):
            query = query.where(column == wanted)
        elif wanted is not None:
            query = query.where(column.in_(sorted(wanted)))
    if f.side is not None:
        query = query.where(or_(EventRow.actor1_side == f.side, EventRow.actor2_side == f.side))
    if f.source is not None:
        query = query.join(EventRow.document).join(DocumentRow.source).where(SourceRow.name == f.source)
    if f.near is not None and f.km is not None and postgis:
        query = query.where(EventRow.latitude.is_not(None), within_km(f.near, f.km))
    elif f.near is not None and f.km is not None:
        query = _within_box(query, f.near, f.km)
    elif f.limit is not None:
        query = query.limit(f.limit)  # with a distance search, the limit applies after the exact test
    return query.order_by(EventRow.event_date.is_(None), EventRow.event_date, EventRow.event_id)


def _within_box(query: Select[EventRow], near: tuple[float, float], km: float) -> Select[EventRow]:
    south, north, west, east = bounding_box(near, km)
    query = query.where(EventRow.latitude.is_not(None), EventRow.latitude >= south, EventRow.latitude <= north)
    if west is not None and east is not None:
        query = query.where(EventRow.longitude >= west, EventRow.longitude <= east)
    return query


def keep_near(rows: list[EventRow], f: EventFilter) -> list[EventRow]:
    """The rows within `f.km` of `f.near` (all rows when there is no distance search), then `f.limit`."""
    if f.near is None or f.km is None:
        return rows
    near, km = f.near, f.km
    kept = [r for r in rows if r.latitude is not None and r.longitude is not None
            and haversine_km(near, (r.latitude, r.longitude)) <= km]
    return kept if f.limit is None else kept[:f.limit]
