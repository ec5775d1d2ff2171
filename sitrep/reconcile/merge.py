"""Merging reports of one happening, incrementally: a new document touches only the merged events its
events match, and the result is the same whatever order the documents arrived in.

The merged events are complete-link clusters (clusters.py) of each connected component of the
`same_happening` graph over reconciled reports. `reconcile_document` adds one document: its copies are found
(copies.py), each of its events is matched against the reconciled reports near it (an indexed query), the
merged events it reaches are followed, match by match, to the whole component, and that component is
clustered again. Every edge between two documents is examined when the later one arrives, so the components
equal those of the whole graph; `rebuild_all` clears everything and replays each stored document.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sitrep.errors import StoreError
from sitrep.reconcile.clusters import cluster_reports
from sitrep.reconcile.copies import reconcile_copies
from sitrep.reconcile.matching import same_happening
from sitrep.reconcile.report import Report
from sitrep.reconcile.reports import (
    candidate_reports,
    merged_ids_of_documents,
    reports_of_documents,
    reports_of_merged,
)
from sitrep.reconcile.summary import MergedEvent, summarize
from sitrep.store import Store
from sitrep.store.schema import (
    DocumentBandRow,
    DocumentCopyRow,
    DocumentRow,
    DocumentSignatureRow,
    MergedEventRow,
    MergedReportRow,
)


def reconcile_document(store: Store, doc_id: str) -> None:
    """Reconcile the stored document(s) with this doc_id: copies, then merged events, in one transaction."""
    try:
        with Session(store.engine) as session, session.begin():
            for document in session.scalars(select(DocumentRow).where(DocumentRow.doc_id == doc_id)
                                            .order_by(DocumentRow.id)):
                reconcile_stored(session, document)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot reconcile document {doc_id}: {e}") from e


def reconcile_after_save(store: Store, saved_doc_id: str) -> None:
    """The pipeline's hook: call after `Store.save_document` (a duplicate save is reconciled again, harmlessly)."""
    reconcile_document(store, saved_doc_id)


def rebuild_all(store: Store) -> None:
    """Forget every reconciliation and replay the stored documents in storage order."""
    try:
        with Session(store.engine) as session, session.begin():
            for table in (MergedReportRow, MergedEventRow, DocumentCopyRow, DocumentBandRow, DocumentSignatureRow):
                session.execute(delete(table))
            for document in session.scalars(select(DocumentRow).order_by(DocumentRow.id)):
                reconcile_stored(session, document)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot rebuild merged events: {e}") from e


def reconcile_stored(session: Session, document: DocumentRow) -> None:
    """Reconcile one stored document within an open transaction."""
    changed_documents = reconcile_copies(session, document)
    new_reports = reports_of_documents(session, [document.id])
    touched = merged_ids_of_documents(session, [document.id, *changed_documents])
    reports = {r.event_id: r for group in reports_of_merged(session, touched).values() for r in group}
    reports |= {r.event_id: r for r in new_reports}
    frontier = list(reports.values())
    while frontier:  # gather whole components of the match graph: clustering is a function of those
        reached = _matched_merged_ids(session, frontier) - touched
        touched |= reached
        frontier = [r for group in reports_of_merged(session, reached).values() for r in group
                    if r.event_id not in reports]
        reports |= {r.event_id: r for r in frontier}
    _replace(session, touched, cluster_reports(list(reports.values())))


def _matched_merged_ids(session: Session, reports: Iterable[Report]) -> set[str]:
    """The merged events holding a stored report that one of `reports` matches."""
    return {merged_id for report in reports for candidate, merged_id in candidate_reports(session, report)
            if same_happening(report, candidate)}


def _replace(session: Session, touched: Iterable[str], components: list[list[Report]]) -> None:
    stale = sorted(set(touched))
    members = sorted(r.event_id for group in components for r in group)
    session.execute(delete(MergedReportRow).where(MergedReportRow.event_id.in_(members)))
    session.execute(delete(MergedReportRow).where(MergedReportRow.merged_id.in_(stale)))
    session.execute(delete(MergedEventRow).where(MergedEventRow.merged_id.in_(stale)))
    session.flush()
    for group in components:
        merged = summarize(group)
        session.add(merged_row(merged))
        session.flush()
        session.add_all(MergedReportRow(event_id=e, merged_id=merged.merged_id) for e in merged.event_ids)
    session.flush()


def merged_row(merged: MergedEvent) -> MergedEventRow:
    return MergedEventRow(
        merged_id=merged.merged_id, event_type=merged.event_type, sub_event_type=merged.sub_event_type,
        event_date=merged.event_date, time_precision=merged.time_precision, place_id=merged.place_id or None,
        location=merged.location, latitude=merged.latitude, longitude=merged.longitude,
        fact_status=merged.fact_status, reports_count=merged.reports_count,
        independent_sources=merged.independent_sources, stances=list(merged.stances),
        disputes=list(merged.disputes), confidence=merged.confidence)
