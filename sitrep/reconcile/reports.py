"""Reading stored events as `Report`s: each with its document's publisher and stance, its place's parent,
and, for a copy, the original it repeats (whose publisher it counts as)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
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
# Coordinate boxes OR-ed into one query by `candidates_near`: each is four comparisons on every row the
# date and type narrow to, so a few dozen keep a query cheap while saving round trips.
BOXES_PER_QUERY = 50

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
    of `reports` (and some more; `neighbours.in_reach` tells which belong to which), read with a few
    set-based queries per run of overlapping date windows instead of one query per report."""
    found: dict[str, tuple[Report, str]] = {}
    undated = [r for r in reports if r.event_date is None and r.place_id]
    for types, places in _by_type_chunks(undated, lambda r: [r.place_id]):
        _read_candidates(session, found, EventRow.event_type.in_(types), EventRow.place_id.in_(places))
    for first, last, run in _date_runs([r for r in reports if r.event_date is not None]):
        in_dates = or_(EventRow.event_date.is_(None),
                       and_(EventRow.event_date >= first, EventRow.event_date <= last))
        for types, places in _by_type_chunks(run, lambda r: [r.place_id, r.parent_id]):
            _read_candidates(session, found, EventRow.event_type.in_(types), in_dates, EventRow.place_id.in_(places))
        for types, parents in _by_type_chunks(run, lambda r: [r.place_id]):
            children = select(PlaceRow.place_id).where(PlaceRow.parent_id.in_(parents))
            _read_candidates(session, found, EventRow.event_type.in_(types), in_dates,
                             EventRow.place_id.in_(children))
        windows = sorted({(r.event_type, day - timedelta(days=window_days(r)), day + timedelta(days=window_days(r)),
                           r.latitude, r.longitude)
                          for r in run if (day := r.event_date) is not None
                          and r.latitude is not None and r.longitude is not None})
        for start in range(0, len(windows), BOXES_PER_QUERY):
            _read_candidates(session, found, or_(*(term for window in windows[start:start + BOXES_PER_QUERY]
                                                   for term in _box_terms(*window))))
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


def _date_runs(reports: Sequence[Report]) -> Iterator[tuple[date, date, list[Report]]]:
    """The dated reports grouped into runs whose candidate date windows (±`window_days`) overlap, with each
    run's first and last candidate day: a batch spanning years reads a few short stretches, not all of it."""
    windows = sorted(((r.event_date - timedelta(days=window_days(r)), r.event_date + timedelta(days=window_days(r)), r)
                      for r in reports if r.event_date is not None), key=lambda w: (w[0], w[2].event_id))
    run: list[Report] = []
    first = last = date.min
    for start, end, report in windows:
        if run and start > last:
            yield first, last, run
            run = []
        if not run:
            first, last = start, end
        run.append(report)
        last = max(last, end)
    if run:
        yield first, last, run


def _box_terms(event_type: str, first: date, last: date, latitude: float, longitude: float
               ) -> list[ColumnElement[bool]]:
    """What `candidate_reports` asks of coordinates, for one report: its type, a date in its window (or none)
    and its box, as two terms each narrowed by the index on (event type, date), so that a query OR-ing many
    reads the few rows of each report's window instead of every row of the batch's types and dates."""
    box = _box((latitude, longitude))
    return [and_(EventRow.event_type == event_type, EventRow.event_date.is_(None), box),
            and_(EventRow.event_type == event_type, EventRow.event_date >= first, EventRow.event_date <= last, box)]


def _box(point: tuple[float, float]) -> ColumnElement[bool]:
    south, north, west, east = bounding_box(point, SAME_PLACE_KM)
    box = and_(EventRow.latitude >= south, EventRow.latitude <= north)
    if west is not None and east is not None:
        box = and_(box, EventRow.longitude >= west, EventRow.longitude <= east)
    return box
