"""Pages of stored events for the API: the CLI's filters plus stance, front and bounding box, with paging.

A page is found in two steps. First the ids: dated events in (event_date, event_id) order, read from the
index of that name (revision 0005) so that no page sorts the table, then undated ones by id; only the
filters that need them join documents and sources. Then the page's rows with their document, first quote,
merged confidence and review. The total is counted up to `COUNT_CAP` matches (`total_exact` says whether
it is exact), so that a page costs the same however many events match.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, literal, or_, select

from sitrep.admin1 import admin1_name
from sitrep.store.query import bounding_box, haversine_km
from sitrep.store.review import merged_reviews
from sitrep.store.schema import (
    DocumentRow,
    EventRow,
    EvidenceRow,
    MergedEventRow,
    MergedReportRow,
    SourceRow,
)

# Matches counted at most for a page's `total` (beyond it `total_exact` is false): counting 10,000 index
# entries takes a few milliseconds; counting a million takes a hundred.
COUNT_CAP = 10_000
# Ids bound in one `IN (...)` when a page's rows are read: SQLite takes at most 32,766 parameters a statement.
IDS_PER_QUERY = 5000
# The fields of an event as pages list them, in their order (`_item`).
EVENT_FIELDS = ("event_id", "date", "time_precision", "event_type", "sub_event_type", "actor1", "actor1_side",
                "actor2", "actor2_side", "location", "admin1", "place_id", "lat", "lon", "geo_precision",
                "fact_status", "hedges", "claimant", "confidence", "source", "stance", "url", "title", "evidence",
                "review", "merged_id")


@dataclass(frozen=True, slots=True)
class EventQuery:
    """What a page of events is asked for; None means no restriction."""

    since: date | None = None
    until: date | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    side: str | None = None
    status: str | None = None
    source: str | None = None
    stance: str | None = None
    admin1: str | None = None  # a front's governorate
    near: tuple[float, float] | None = None  # (lat, lon), with km
    km: float = 25.0
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class EventPage:
    rows: list[dict[str, Any]]
    total: int
    total_exact: bool


def _conditions(q: EventQuery) -> list[ColumnElement[bool]]:
    e = EventRow
    found: list[ColumnElement[bool]] = []
    if q.since is not None:
        found.append(e.event_date >= q.since)
    if q.until is not None:
        found.append(e.event_date <= q.until)
    for column, wanted in ((e.event_type, q.event_type), (e.sub_event_type, q.sub_event_type),
                           (e.fact_status, q.status), (e.admin1, q.admin1)):
        if wanted is not None:
            found.append(column == wanted)
    if q.side is not None:
        found.append(or_(e.actor1_side == q.side, e.actor2_side == q.side))
    if q.bbox is not None:
        west, south, east, north = q.bbox
        found += [e.latitude >= south, e.latitude <= north, e.longitude >= west, e.longitude <= east]
    if q.near is not None:
        south, north, west_or_none, east_or_none = bounding_box(q.near, q.km)
        found += [e.latitude >= south, e.latitude <= north]
        if west_or_none is not None and east_or_none is not None:
            found += [e.longitude >= west_or_none, e.longitude <= east_or_none]
    return found


def _filtered(columns: Sequence[Any], q: EventQuery) -> Select[Any]:
    query = select(*columns).select_from(EventRow)
    if q.source is not None or q.stance is not None:
        query = query.join(DocumentRow, DocumentRow.id == EventRow.document_id)
        if q.stance is not None:
            query = query.where(DocumentRow.stance == q.stance)
        if q.source is not None:
            query = query.join(SourceRow, SourceRow.id == DocumentRow.source_id).where(SourceRow.name == q.source)
    conditions = _conditions(q)
    return query.where(and_(*conditions)) if conditions else query


def event_page(connection: Connection, q: EventQuery, fields: Collection[str] = EVENT_FIELDS) -> EventPage:
    """One page of the events matching `q`: dated ones by date and id, then undated ones by id; each with
    `fields` (see `page_rows`). A page of any size: its rows are read `IDS_PER_QUERY` ids at a time."""
    if q.near is not None:
        ids, total, exact = _ids_near(connection, q)
    else:
        ids = _page_ids(connection, q)
        total, exact = _count(connection, q)
        if ids and not exact:  # past the cap: at least what this page reaches
            total = max(total, q.offset + len(ids))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        rows += page_rows(connection, ids[start:start + IDS_PER_QUERY], fields)
    return EventPage(rows=rows, total=total, total_exact=exact)


def as_columns(rows: Sequence[dict[str, Any]], fields: Collection[str]) -> dict[str, list[Any]]:
    """The rows' `fields` column by column, in EVENT_FIELDS' order."""
    return {name: [row[name] for row in rows] for name in EVENT_FIELDS if name in fields}


def _page_ids(connection: Connection, q: EventQuery) -> list[str]:
    dated = (_filtered([EventRow.event_id], q).where(EventRow.event_date.is_not(None))
             .order_by(EventRow.event_date, EventRow.event_id))
    ids = list(connection.scalars(dated.limit(q.limit).offset(q.offset)))
    if len(ids) == q.limit or q.since is not None or q.until is not None:
        return ids  # a full page; or a date filter, which no undated event passes
    skipped_dated = q.offset + len(ids) if ids else _count_upto(connection, dated.order_by(None), q.offset)
    undated = (_filtered([EventRow.event_id], q).where(EventRow.event_date.is_(None)).order_by(EventRow.event_id)
               .limit(q.limit - len(ids)).offset(max(0, q.offset - skipped_dated)))
    return ids + list(connection.scalars(undated))


def _count_upto(connection: Connection, query: Select[Any], cap: int) -> int:
    """How many rows `query` has, counting no further than `cap`."""
    return connection.scalar(select(func.count()).select_from(query.limit(cap).subquery())) or 0


def _count(connection: Connection, q: EventQuery) -> tuple[int, bool]:
    # A constant, not a column: any index that narrows the filter then answers alone, without the rows.
    counted = _count_upto(connection, _filtered([literal(1)], q), COUNT_CAP + 1)
    return min(counted, COUNT_CAP), counted <= COUNT_CAP


def _ids_near(connection: Connection, q: EventQuery) -> tuple[list[str], int, bool]:
    """A distance search: the box in SQL, the exact great-circle test here, then the page (exact total)."""
    assert q.near is not None
    near, km = q.near, q.km
    rows = connection.execute(_filtered([EventRow.event_id, EventRow.event_date, EventRow.latitude,
                                         EventRow.longitude], q).where(EventRow.latitude.is_not(None))).all()
    kept = [(r[1] is None, r[1] or date.min, r[0]) for r in rows
            if r[3] is not None and haversine_km(near, (r[2], r[3])) <= km]
    kept.sort()
    return [k[2] for k in kept[q.offset:q.offset + q.limit]], len(kept), True


def page_rows(connection: Connection, ids: Sequence[str],
              fields: Collection[str] = EVENT_FIELDS) -> list[dict[str, Any]]:
    """The API's event fields for `ids`, in that order; only `fields` (a sparse fieldset: the quotes and the
    reviews are not even read when they are left out)."""
    if not ids:
        return []
    e, d = EventRow, DocumentRow
    query = (select(e.event_id, e.event_date, e.time_precision, e.event_type, e.sub_event_type, e.actor1,
                    e.actor1_side, e.actor2, e.actor2_side, e.location, e.admin1, e.place_id, e.latitude,
                    e.longitude, e.geo_precision, e.fact_status,
                    e.hedges if "hedges" in fields else literal(None), e.claimant, e.confidence,
                    SourceRow.name, d.stance, d.url, d.title, MergedEventRow.confidence, MergedReportRow.merged_id)
             .join(d, d.id == e.document_id).outerjoin(SourceRow, SourceRow.id == d.source_id)
             .outerjoin(MergedReportRow, MergedReportRow.event_id == e.event_id)
             .outerjoin(MergedEventRow, MergedEventRow.merged_id == MergedReportRow.merged_id)
             .where(e.event_id.in_(list(ids))))
    found = {r[0]: r for r in connection.execute(query).all()}  # all(): fetched at once, not row by row
    quotes: dict[str, str] = {}
    if "evidence" in fields:
        for event_id, text in connection.execute(select(EvidenceRow.event_id, EvidenceRow.text)
                                                 .where(EvidenceRow.event_id.in_(list(ids))).order_by(EvidenceRow.id)):
            quotes.setdefault(event_id, text)
    reviews = merged_reviews(connection, ids) if "review" in fields else {}
    items = [_item(found[i], quotes.get(i, ""), reviews[i].status if i in reviews else "") for i in ids if i in found]
    if len(fields) < len(EVENT_FIELDS):
        return [{name: item[name] for name in EVENT_FIELDS if name in fields} for item in items]
    return items


def _item(r: Any, quote: str, review: str) -> dict[str, Any]:
    return {"event_id": r[0], "date": r[1], "time_precision": r[2], "event_type": r[3], "sub_event_type": r[4],
            "actor1": r[5], "actor1_side": r[6], "actor2": r[7], "actor2_side": r[8], "location": r[9],
            "admin1": admin1_name(r[10]), "place_id": r[11] or "", "lat": r[12], "lon": r[13], "geo_precision": r[14],
            "fact_status": r[15], "hedges": list(r[16] or ()), "claimant": r[17],
            "confidence": r[23] if r[23] is not None else r[18], "source": r[19] or "", "stance": r[20],
            "url": r[21], "title": r[22], "evidence": quote, "review": review, "merged_id": r[24] or ""}


def as_feature_collection(items: Sequence[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """RFC 7946: the located events as Point features ([lon, lat]) with the event fields as properties;
    `members` (total, limit, offset) ride along as foreign members."""
    features = [{"type": "Feature", "id": item["event_id"],
                 "geometry": {"type": "Point", "coordinates": [item["lon"], item["lat"]]},
                 "properties": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items()}}
                for item in items if item.get("lat") is not None and item.get("lon") is not None]
    return {"type": "FeatureCollection", "features": features, **members}
