"""Reading stored events as `Report`s: each with its document's publisher and stance, its place's parent,
and, for a copy, the original it repeats (whose publisher it counts as)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from sitrep.reconcile.matching import SAME_PLACE_KM, window_days
from sitrep.reconcile.publishers import publisher_of
from sitrep.reconcile.report import Report, date_stated, gainer_stated
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
        date_stated=date_stated(event.notes or ()), gainer_stated=gainer_stated(event.notes or ()))


def _unique(rows: Iterable[Any]) -> list[Report]:
    seen: dict[str, Report] = {}
    for row in rows:
        report = _to_report(row)
        seen.setdefault(report.event_id, report)  # the first evidence row is the event's evidence
    return sorted(seen.values(), key=lambda r: r.event_id)


def reports_of_documents(session: Session, document_ids: Iterable[int]) -> list[Report]:
    wanted = sorted(set(document_ids))
    return _unique(session.execute(_report_select().where(EventRow.document_id.in_(wanted))))


def reports_of_merged(session: Session, merged_ids: Iterable[str]) -> dict[str, list[Report]]:
    """The reports of each merged event named."""
    wanted = sorted(set(merged_ids))
    rows = session.execute(select(MergedReportRow.event_id, MergedReportRow.merged_id)
                           .where(MergedReportRow.merged_id.in_(wanted)))
    merged_of = {event_id: merged_id for event_id, merged_id in rows}
    reports = _unique(session.execute(_report_select().where(EventRow.event_id.in_(sorted(merged_of)))))
    grouped: dict[str, list[Report]] = {m: [] for m in wanted}
    for report in reports:
        grouped[merged_of[report.event_id]].append(report)
    return grouped


def merged_ids_of_documents(session: Session, document_ids: Iterable[int]) -> set[str]:
    return set(session.scalars(select(MergedReportRow.merged_id).distinct()
                               .join(EventRow, EventRow.event_id == MergedReportRow.event_id)
                               .where(EventRow.document_id.in_(sorted(set(document_ids))))))


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
