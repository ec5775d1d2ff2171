"""Routes: `GET /api/events` (reports: filters, paging, JSON or GeoJSON), `GET /api/event-columns` (the same,
column by column, in pages of up to 100,000: the map's feed), `GET /api/events/{event_id}` and
`GET /api/merged-events` (one item per happening, with its reports, sources, stances and disputes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from sitrep.api.context import (
    ApiContext,
    accepts_gzip,
    checked_date,
    context,
    json_bytes,
    json_bytes_response,
    json_response,
)
from sitrep.api.detail import event_detail
from sitrep.api.errors import ApiError
from sitrep.api.eventquery import EVENT_FIELDS, EventQuery, as_columns, as_feature_collection, event_page
from sitrep.api.schemas import (
    MAX_LIST_CHARS,
    MAX_NAME_CHARS,
    MAX_OFFSET,
    MAX_STANCE_CHARS,
    EventColumns,
    EventDetail,
    EventId,
    EventPage,
    MergedEventPage,
)
from sitrep.fronts import Front, fronts, match_front
from sitrep.taxonomy import EVENT_TYPES

router = APIRouter(tags=["events"])
# Most events one page may hold, and how many when the request does not say.
MAX_PAGE = 1000
DEFAULT_PAGE = 100
# Most events one page of /api/event-columns holds (and its default): a country's whole record for the map
# in one request (10,000 events of the map's 15 fields are 1.7 MB of JSON, 0.26 MB gzip'd).
MAX_COLUMN_PAGE = 100_000
# Default radius (km) around `near`, as `sitrep events --km`.
DEFAULT_KM = 25.0


def event_filters(
    ctx: Annotated[ApiContext, Depends(context)],
    since: Annotated[date | None, Query(alias="from", description="first event date, YYYY-MM-DD")] = None,
    until: Annotated[date | None, Query(alias="to", description="last event date, YYYY-MM-DD")] = None,
    type: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="an ACLED event type or sub-event type")] = None,
    sub_type: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="an ACLED sub-event type")] = None,
    side: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="either actor's side, e.g. government")] = None,
    status: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="fact status, e.g. reported")] = None,
    source: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="publisher")] = None,
    stance: Annotated[str | None, Query(max_length=MAX_STANCE_CHARS, description="the reporting document's stance")] = None,
    front: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="a front (governorate), see /api/fronts")] = None,
    near: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="a place name (transliteration-tolerant)")] = None,
    km: Annotated[float, Query(gt=0, le=2000, description="radius around `near`, km")] = DEFAULT_KM,
    bbox: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="west,south,east,north in degrees")] = None,
) -> EventQuery:
    """FastAPI dependency: the event filters of a request (paging left at its defaults), checked."""
    since, until = checked_date(ctx.settings, since, "from"), checked_date(ctx.settings, until, "to")
    _check_range(since, until)
    side, source, stance = _stored_values(ctx, side, source, stance)
    type, sub_type, status = _known(type, sub_type, status)
    event_type = type if type in EVENT_TYPES else None
    sub_event_type = sub_type or (type if type and type not in EVENT_TYPES else None)
    if sub_type and type and type not in EVENT_TYPES and type != sub_type:
        raise ApiError(400, f"type {type!r} and sub_type {sub_type!r} disagree")
    return EventQuery(since=since, until=until, event_type=event_type, sub_event_type=sub_event_type, side=side,
                      status=status, source=source, stance=stance,
                      admin1=_front(ctx, front).admin1 if front else None,
                      near=_centre(ctx, near) if near else None, km=km, bbox=parse_bbox(bbox) if bbox else None)


FIELDS_HELP = "the event fields to return, comma-separated (default: all)"


@router.get("/api/events", response_model=None, responses={200: {"model": EventPage}})
def list_events(
    ctx: Annotated[ApiContext, Depends(context)],
    filters: Annotated[EventQuery, Depends(event_filters)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    format: Annotated[Literal["json", "geojson"], Query()] = "json",
    fields: Annotated[str | None, Query(max_length=MAX_LIST_CHARS,
                                        description=f"{FIELDS_HELP}; GeoJSON always has the point")] = None,
) -> Response:
    """Stored events (one per report) matching every filter, dated ones by date then id, undated last.
    `total` is exact up to 10,000 matches; beyond, `total_exact` is false and `total` a floor."""
    wanted = _fields(fields)
    if format == "geojson" and isinstance(wanted, frozenset):
        wanted |= {"lat", "lon"}  # the point
    with ctx.store.engine.connect() as connection:
        page = event_page(connection, replace(filters, limit=limit, offset=offset), wanted)
    members = {"total": page.total, "total_exact": page.total_exact, "limit": limit, "offset": offset}
    if format == "geojson":
        return json_response(as_feature_collection(page.rows, **members))
    return json_response({"items": page.rows, **members})


@router.get("/api/event-columns", response_model=None, responses={200: {"model": EventColumns}})
def list_event_columns(
    ctx: Annotated[ApiContext, Depends(context)],
    request: Request,
    filters: Annotated[EventQuery, Depends(event_filters)],
    limit: Annotated[int, Query(ge=1, le=MAX_COLUMN_PAGE)] = MAX_COLUMN_PAGE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    fields: Annotated[str | None, Query(max_length=MAX_LIST_CHARS, description=FIELDS_HELP)] = None,
) -> Response:
    """The events of /api/events (same filters, same order), column by column and up to 100,000 in one page:
    `columns[field][i]` is the i-th event's field; `count` events. Gzip'd for a client that accepts it. The
    map page reads all its events so, in one request. While the store is unchanged, a page asked again is
    answered from memory."""
    wanted = _fields(fields)
    gzipped = accepts_gzip(request)

    def build() -> bytes:
        with ctx.store.engine.connect() as connection:
            page = event_page(connection, replace(filters, limit=limit, offset=offset), wanted)
        return json_bytes({"columns": as_columns(page.rows, wanted), "count": len(page.rows), "total": page.total,
                           "total_exact": page.total_exact, "limit": limit, "offset": offset}, gzipped)

    key = ("event-columns", filters, limit, offset, tuple(sorted(wanted)), gzipped)
    return json_bytes_response(ctx.reuse_response(key, build))


@router.get("/api/events/{event_id}", response_model=EventDetail)
def get_event(event_id: EventId, ctx: Annotated[ApiContext, Depends(context)]) -> EventDetail:
    """One event with every report of its merged event (quotes with offsets, framing), its confidence term
    by term, the analyst's comments, votes and verdict."""
    return event_detail(ctx.store, event_id, ctx.weights())


@router.get("/api/merged-events", response_model=MergedEventPage)
def list_merged_events(
    ctx: Annotated[ApiContext, Depends(context)],
    since: Annotated[date | None, Query(alias="from", description="first event date, YYYY-MM-DD")] = None,
    until: Annotated[date | None, Query(alias="to", description="last event date, YYYY-MM-DD")] = None,
    type: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="an ACLED event type or sub-event type")] = None,
    status: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="the merged event's (strongest) fact status")] = None,
    front: Annotated[str | None, Query(max_length=MAX_NAME_CHARS, description="a front (governorate), see /api/fronts")] = None,
    min_sources: Annotated[int, Query(ge=1, le=1000, description="at least this many independent sources")] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> MergedEventPage:
    """Merged events (one per happening, however many reports tell of it), dated ones by date then id,
    undated last: each with its reports' count and ids, independent sources, stances, disputes, the merged
    confidence and the fatalities its reports count. `report_ids` name the `/api/events` items."""
    from sitrep.export_merged import merged_record, merged_records
    from sitrep.reconcile import merged_events

    since, until = checked_date(ctx.settings, since, "from"), checked_date(ctx.settings, until, "to")
    _check_range(since, until)
    type, _, status = _known(type, None, status)
    admin1 = _front(ctx, front).admin1 if front else None
    merged = [m for m in merged_events(ctx.store, ctx.weights())
              if (since is None or (m.event_date is not None and m.event_date >= since))
              and (until is None or (m.event_date is not None and m.event_date <= until))
              and (type is None or type in (m.event_type, m.sub_event_type))
              and (status is None or m.fact_status == status) and m.independent_sources >= min_sources]
    records = [r for r in merged_records(merged, ctx.store.query_events()) if admin1 is None or r.lead.admin1 == admin1]
    items = [merged_record(r) for r in records[offset:offset + limit]]
    return MergedEventPage.model_validate({"items": items, "total": len(records), "limit": limit, "offset": offset})


def _known(type: str | None, sub_type: str | None,
           status: str | None) -> tuple[str | None, str | None, str | None]:
    """Type and status spelled as stored, checked against ACLED's taxonomy and sitrep's fact statuses: 400
    naming the closest otherwise. (Sides are not: a user's catalogue may add its own.)"""
    from sitrep.cli_checks import choose
    from sitrep.errors import InputError
    from sitrep.model import FACT_STATUSES
    from sitrep.taxonomy import SUB_EVENT_TYPES

    try:
        return (choose(type, (*EVENT_TYPES, *SUB_EVENT_TYPES), "event or sub-event type") if type else type,
                choose(sub_type, SUB_EVENT_TYPES, "sub-event type") if sub_type else sub_type,
                choose(status, FACT_STATUSES, "fact status") if status else status)
    except InputError as e:
        raise ApiError(400, str(e)) from e


def _check_range(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise ApiError(400, f"from {since} is after to {until}: nothing can match")


def _stored_values(ctx: ApiContext, side: str | None, source: str | None,
                   stance: str | None) -> tuple[str | None, str | None, str | None]:
    """Side, publisher and stance spelled as stored, checked against what exists (the store's sides and the
    conflict profile's, the store's publishers, the stances sitrep reads and the store's): 400 naming the
    closest otherwise, as `sitrep events` does, never an empty page for a typo."""
    from sitrep.cli_checks import choose
    from sitrep.cli_events import LISTED_VALUES
    from sitrep.errors import InputError

    if side is None and source is None and stance is None:
        return side, source, stance
    sides, sources, stances = ctx.cached("stored values", lambda: _stored_sides_sources_stances(ctx))
    try:
        return (choose(side, sides, "side") if side else side,
                choose(source, sources, "source", listed=len(sources) <= LISTED_VALUES) if source else source,
                choose(stance, stances, "stance") if stance else stance)
    except InputError as e:
        raise ApiError(400, str(e)) from e


def _stored_sides_sources_stances(ctx: ApiContext) -> tuple[set[str], set[str], set[str]]:
    """The store's sides with the conflict profile's, its publishers, and its stances with those sitrep reads."""
    from sqlalchemy import select

    from sitrep.cli_checks import known_stances
    from sitrep.cli_events import stored_values
    from sitrep.conflict import load_conflict
    from sitrep.store.schema import DocumentRow

    sides, sources = stored_values(ctx.store)
    with ctx.store.engine.connect() as connection:
        stances = {s for s in connection.scalars(select(DocumentRow.stance).distinct()) if s}
    return sides | set(load_conflict(ctx.settings.conflict).sides), sources, stances | set(known_stances())


def _fields(text: str | None) -> frozenset[str] | tuple[str, ...]:
    """A sparse fieldset: the named fields (each an event field), event_id always among them."""
    if text is None:
        return EVENT_FIELDS
    named = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(named - set(EVENT_FIELDS))
    if unknown:
        raise ApiError(400, f"unknown event fields {', '.join(unknown)}; known: {', '.join(EVENT_FIELDS)}")
    return frozenset(named | {"event_id"})


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`west,south,east,north` in degrees, checked."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError as e:
        raise ApiError(400, f"bbox must be four numbers west,south,east,north, not {text!r}") from e
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ApiError(400, f"bbox {text!r} is not west<=east in [-180, 180] and south<=north in [-90, 90]")
    return west, south, east, north


def _centre(ctx: ApiContext, name: str) -> tuple[float, float]:
    """The point of the place `near` names, as `sitrep events --near` chooses it (a name the gazetteer
    knows up to transliteration); 404 with the closest names otherwise (as an unknown front), never a loose
    guess elsewhere ("Atlantis" was some village)."""
    from sitrep.cli_checks import near_place
    from sitrep.errors import InputError, NotFoundError

    try:
        place = near_place(ctx.gazetteer(), name)
    except InputError as e:
        raise NotFoundError(str(e)) from e
    return place.lat, place.lon


def cached_fronts(ctx: ApiContext) -> list[Front]:
    return ctx.cached("fronts", lambda: fronts(ctx.store))


def _front(ctx: ApiContext, name: str) -> Front:
    return match_front(cached_fronts(ctx), name)
