"""Reading stored events as `Report`s: each with its document's publisher and stance, its place's parent,
and, for a copy, the original it repeats (whose publisher it counts as)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from sitrep.reconcile.matching import SAME_PLACE_KM, window_days
from sitrep.reconcile.publishers import publisher_of
from sitrep.reconcile.report import Report
from sitrep.store.query import bounding_box
from sitrep.store.schema import (
    DocumentCopyRow,
    DocumentRow,
    EventRow,
    EvidenceRow,
    MergedReportRow,
    PlaceRow,
    SourceRow,
)

# The columns of a report row: the event, its document's doc_id and stance, its source's name and stance,
# its place's parent, the original's doc_id and source (for a copy), and the evidence text.
ReportSelect = Select[EventRow, str, str, str, str, str | None, str, str, str]
# Values bound per `IN (...)` list: far under SQLite's limit of 32,766 parameters (and PostgreSQL's), large
# enough that a batch of a few thousand reports takes a handful of queries.
IN_CHUNK = 500
# Reaches (one report's type, date window and places or box) OR-ed into one query by `candidates_near`: a step
# of 50 new reports takes a few queries, and each reach's two terms are index searches.
REACHES_PER_QUERY = 40
# Place ids in one reach (a report's place, its parent and the places lying in it; the gazetteer's largest
# city has 73): a query then binds at most 40 * 2 * (1 + 100 + 1) + 80 = 8,240 values, far under SQLite's
# 32,766 and PostgreSQL's 65,535.
PLACES_PER_REACH = 100

_Original = aliased(DocumentRow)
_OriginalSource = aliased(SourceRow)
_Source = aliased(SourceRow)


def _report_select() -> ReportSelect:  # rows: see _to_report
    query = (select(EventRow, DocumentRow.doc_id, DocumentRow.stance, _Source.name, _Source.stance,
                   PlaceRow.parent_id, _Original.doc_id, _OriginalSource.name, EvidenceRow.text)
            .join(DocumentRow, EventRow.document_id == DocumentRow.id)
            .outerjoin(_Source, DocumentRow.source_id == _Source.id)
            .outerjoin(PlaceRow, EventRow.place_id == PlaceRow.place_id)
            .outerjoin(DocumentCopyRow, DocumentCopyRow.document_id == DocumentRow.id)
            .outerjoin(_Original, DocumentCopyRow.original_id == _Original.id)
            .outerjoin(_OriginalSource, _Original.source_id == _OriginalSource.id)
            .outerjoin(EvidenceRow, EvidenceRow.event_id == EventRow.event_id))
    return query


def _to_report(row: Any) -> Report:
    event, doc_id, doc_stance, source, source_stance, parent_id, original_doc_id, original_source, evidence = row
    original = original_doc_id or doc_id
    publisher = publisher_of(original_source if original_doc_id else (source or ""), original)
    return Report(
        event_id=event.event_id, doc_id=doc_id, document_key=event.document_id, event_type=event.event_type,
        sub_event_type=event.sub_event_type, event_date=event.event_date, time_precision=event.time_precision,
        place_id=event.place_id or "", parent_id=parent_id or "", location=event.location,
        latitude=event.latitude, longitude=event.longitude, geo_precision=event.geo_precision,
        fact_status=event.fact_status, actor1_side=event.actor1_side, actor2_side=event.actor2_side,
        hedges=tuple(event.hedges), evidence=evidence or "", publisher=publisher,
        stance=doc_stance or source_stance or "", original_doc_id=original,
        date_stated=event.date_stated, gainer_stated=event.gainer_stated)


def _unique(rows: Iterable[Any]) -> list[Report]:
    seen: dict[str, Report] = {}
    for row in rows:
        report = _to_report(row)
        seen.setdefault(report.event_id, report)  # the first evidence row is the event's evidence
    return sorted(seen.values(), key=lambda r: r.event_id)


def _chunks(values: Iterable[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def reports_of_documents(session: Session, document_ids: Iterable[int]) -> list[Report]:
    rows = (row for chunk in _chunks(document_ids)
            for row in session.execute(_report_select().where(EventRow.document_id.in_(chunk))))
    return _unique(rows)


def reports_of_merged(session: Session, merged_ids: Iterable[str]) -> dict[str, list[Report]]:
    """The reports of each merged event named."""
    wanted = sorted(set(merged_ids))
    merged_of = {event_id: merged_id for chunk in _chunks(wanted)
                 for event_id, merged_id in session.execute(select(MergedReportRow.event_id, MergedReportRow.merged_id)
                                                            .where(MergedReportRow.merged_id.in_(chunk)))}
    reports = _unique(row for chunk in _chunks(merged_of)
                      for row in session.execute(_report_select().where(EventRow.event_id.in_(chunk))))
    grouped: dict[str, list[Report]] = {m: [] for m in wanted}
    for report in reports:
        grouped[merged_of[report.event_id]].append(report)
    return grouped


def merged_ids_of_documents(session: Session, document_ids: Iterable[int]) -> set[str]:
    return {merged_id for chunk in _chunks(document_ids)
            for merged_id in session.scalars(select(MergedReportRow.merged_id).distinct()
                                             .join(EventRow, EventRow.event_id == MergedReportRow.event_id)
                                             .where(EventRow.document_id.in_(chunk)))}


def candidate_reports(session: Session, report: Report) -> list[tuple[Report, str]]:
    """Reconciled reports from other documents that might match `report`, with their merged event's id:
    same event type, a date within reach, a related place id or coordinates within reach."""
    if report.event_date is None:
        return _undated_candidates(session, report)
    reach = timedelta(days=window_days(report))
    related: list[ColumnElement[bool]] = [EventRow.place_id.in_(sorted({report.place_id, report.parent_id} - {""}))]
    if report.place_id:
        children = select(PlaceRow.place_id).where(PlaceRow.parent_id == report.place_id)
        related.append(EventRow.place_id.in_(children))
    if report.latitude is not None and report.longitude is not None:
        south, north, west, east = bounding_box((report.latitude, report.longitude), SAME_PLACE_KM)
        box = and_(EventRow.latitude >= south, EventRow.latitude <= north)
        if west is not None and east is not None:
            box = and_(box, EventRow.longitude >= west, EventRow.longitude <= east)
        related.append(box)
    query = (_report_select().add_columns(MergedReportRow.merged_id)
             .join(MergedReportRow, MergedReportRow.event_id == EventRow.event_id)
             .where(EventRow.event_type == report.event_type, EventRow.document_id != report.document_key,
                    or_(EventRow.event_date.is_(None), and_(EventRow.event_date >= report.event_date - reach,
                                                            EventRow.event_date <= report.event_date + reach)),
                    or_(*related)))
    return [(_to_report(row[:-1]), row[-1]) for row in session.execute(query)]


def _undated_candidates(session: Session, report: Report) -> list[tuple[Report, str]]:
    """An undated report can match only reports at the same place id (see matching.dates_agree)."""
    if not report.place_id:
        return []
    query = (_report_select().add_columns(MergedReportRow.merged_id)
             .join(MergedReportRow, MergedReportRow.event_id == EventRow.event_id)
             .where(EventRow.event_type == report.event_type, EventRow.document_id != report.document_key,
                    EventRow.place_id == report.place_id))
    return [(_to_report(row[:-1]), row[-1]) for row in session.execute(query)]


def candidates_near(session: Session, reports: Sequence[Report]) -> list[tuple[Report, str]]:
    """Reconciled reports with their merged event's id: every one that `candidate_reports` returns for any
    of `reports` (and those of their own documents; `neighbours.in_reach` tells which belong to which),
    read with a few queries that OR each report's own reach (its type, its date window, its related place
    ids or its box) instead of one query per report. Each reach reads only its window's rows, through the
    index on (place id, event type, date) or the one on (event type, date): a batch spanning a year reads
    each report's weeks, not the year of each place."""
    found: dict[str, tuple[Report, str]] = {}
    undated = [r for r in reports if r.event_date is None and r.place_id]
    for types, places in _by_type_chunks(undated, lambda r: [r.place_id]):
        _read_candidates(session, found, EventRow.event_type.in_(types), EventRow.place_id.in_(places))
    dated = [r for r in reports if r.event_date is not None]
    children = _children_of(session, {r.place_id for r in dated if r.place_id})
    _read_reaches(session, found, sorted({reach for r in dated for reach in _reaches(r, children)}))
    return [found[event_id] for event_id in sorted(found)]


def _read_candidates(session: Session, found: dict[str, tuple[Report, str]], *where: ColumnElement[bool]) -> None:
    query = (_report_select().add_columns(MergedReportRow.merged_id)
             .join(MergedReportRow, MergedReportRow.event_id == EventRow.event_id).where(*where))
    for row in session.execute(query):
        if row[0].event_id not in found:  # the first evidence row is the event's evidence, as in _unique
            found[row[0].event_id] = (_to_report(row[:-1]), row[-1])


def _by_type_chunks(reports: Sequence[Report], keys: Any) -> Iterator[tuple[list[str], list[str]]]:
    """(event types, a chunk of the place ids `keys` gives) for the reports with some key."""
    places = {key for r in reports for key in keys(r) if key}
    types = sorted({r.event_type for r in reports if any(keys(r))})
    for chunk in _chunks(places):
        yield types, chunk


def _children_of(session: Session, parents: Iterable[str]) -> dict[str, list[str]]:
    """The stored places lying in each of these places (a city's districts and facilities)."""
    children: dict[str, list[str]] = {}
    for chunk in _chunks(parents):
        for parent_id, place_id in session.execute(select(PlaceRow.parent_id, PlaceRow.place_id)
                                                   .where(PlaceRow.parent_id.in_(chunk))):
            if parent_id is not None:  # always, by the filter
                children.setdefault(parent_id, []).append(place_id)
    return children


@dataclass(frozen=True, order=True, slots=True)
class _Reach:
    """Part of what `candidate_reports` asks of a candidate for one dated report: its event type, a date
    from `first` to `last` (or none), and one of `places` or, without places, a spot in the box around
    `point`."""

    event_type: str
    first: date
    last: date
    places: tuple[str, ...] = ()
    point: tuple[float, float] | None = None

    def values(self, i: int) -> dict[str, Any]:
        """The values of this reach as the `i`-th of a query made by `_reach_query`."""
        values: dict[str, Any] = {f"type{i}": self.event_type, f"first{i}": self.first, f"last{i}": self.last}
        if self.point is None:
            return values | {f"places{i}": list(self.places)}
        south, north, west, east = bounding_box(self.point, SAME_PLACE_KM)
        # Near a pole the box spans every longitude (bounding_box gives none): the widest range says as much.
        return values | {f"south{i}": south, f"north{i}": north, f"west{i}": -180.0 if west is None else west,
                         f"east{i}": 180.0 if east is None else east}


def _reaches(report: Report, children: dict[str, list[str]]) -> Iterator[_Reach]:
    """`candidate_reports`' narrowing of one dated report, as reaches: its place, its parent and the places
    lying in its place (`PLACES_PER_REACH` at a time), and its box."""
    assert report.event_date is not None
    days = timedelta(days=window_days(report))
    first, last = report.event_date - days, report.event_date + days
    places = sorted({report.place_id, report.parent_id, *children.get(report.place_id, ())} - {""})
    for start in range(0, len(places), PLACES_PER_REACH):
        yield _Reach(report.event_type, first, last, places=tuple(places[start:start + PLACES_PER_REACH]))
    if report.latitude is not None and report.longitude is not None:
        yield _Reach(report.event_type, first, last, point=(report.latitude, report.longitude))


def _read_reaches(session: Session, found: dict[str, tuple[Report, str]], reaches: Sequence[_Reach]) -> None:
    """Read the candidates of these reaches, `REACHES_PER_QUERY` of one kind (places or box) per query; the
    last query of a kind is filled up by repeating its last reach, so that every query is one of two
    statements compiled once."""
    for by_box in (False, True):
        kind = [reach for reach in reaches if (reach.point is not None) == by_box]
        for start in range(0, len(kind), REACHES_PER_QUERY):
            chunk = kind[start:start + REACHES_PER_QUERY]
            chunk += [chunk[-1]] * (REACHES_PER_QUERY - len(chunk))
            values = {key: value for i, reach in enumerate(chunk) for key, value in reach.values(i).items()}
            for row in session.execute(_reach_query(by_box), values):
                if row[0].event_id not in found:  # the first evidence row is the event's evidence
                    found[row[0].event_id] = (_to_report(row[:-1]), row[-1])


@cache
def _reach_query(by_box: bool) -> Select[Any]:
    """The report rows of `REACHES_PER_QUERY` reaches, each two terms (undated, dated) searched through one
    index: (place id, event type, date) for places, (event type, date) for a box. SQLite's OR optimisation
    and PostgreSQL's bitmap OR need every term indexed, so the date's `IS NULL OR BETWEEN` is split in two."""
    terms: list[ColumnElement[bool]] = []
    for i in range(REACHES_PER_QUERY):
        if by_box:
            related = and_(EventRow.latitude >= bindparam(f"south{i}"), EventRow.latitude <= bindparam(f"north{i}"),
                           EventRow.longitude >= bindparam(f"west{i}"), EventRow.longitude <= bindparam(f"east{i}"))
        else:
            related = EventRow.place_id.in_(bindparam(f"places{i}", expanding=True))
        kind = EventRow.event_type == bindparam(f"type{i}")
        terms += [and_(kind, EventRow.event_date.is_(None), related),
                  and_(kind, EventRow.event_date >= bindparam(f"first{i}"),
                       EventRow.event_date <= bindparam(f"last{i}"), related)]
    query: Select[Any] = (_report_select().add_columns(MergedReportRow.merged_id)
                          .join(MergedReportRow, MergedReportRow.event_id == EventRow.event_id).where(or_(*terms)))
    return query

