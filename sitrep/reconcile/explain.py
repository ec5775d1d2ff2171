"""Reading merged events back, and explaining one: each confidence term with its value, weight and reports."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sitrep.errors import StoreError
from sitrep.reconcile.confidence import (
    DEFAULT_WEIGHTS,
    ConfidenceWeights,
    Term,
    confidence_of,
    confidence_terms,
)
from sitrep.reconcile.report import Report
from sitrep.reconcile.reports import reports_of_merged
from sitrep.reconcile.review import analyst_review, analyst_reviews
from sitrep.reconcile.summary import MergedEvent, find_disputes, summarize
from sitrep.store import Store
from sitrep.store.failures import store_error
from sitrep.store.schema import DocumentCopyRow, DocumentRow, MergedEventRow, MergedReportRow


class ReconcileError(StoreError):
    """A merged event or document asked for is not in the store."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a merged event has its confidence: the terms (summing to it, before clipping) and its reports."""

    event: MergedEvent
    terms: tuple[Term, ...]
    reports: tuple[Report, ...]
    confidence: float


def merged_events(store: Store, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> list[MergedEvent]:
    """Every merged event, summarised from its reports with `weights`, by date (undated last) then id."""
    with _session(store, "cannot read merged events") as session:
        ids = list(session.scalars(select(MergedEventRow.merged_id)))
        grouped = reports_of_merged(session, ids)
        groups = [reports for reports in grouped.values() if reports]
        verdicts = analyst_reviews(session.connection(), groups)
    events = [summarize(reports, weights, verdict) for reports, verdict in zip(groups, verdicts, strict=True)]
    return sorted(events, key=lambda m: (m.event_date is None, m.event_date or m.event_date, m.merged_id))


def merged_event_of(store: Store, event_id: str) -> MergedEvent:
    """The merged event that a merged id or any of its reports' event ids names."""
    return explain_event(store, event_id).event


def explain_event(store: Store, event_id: str, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> Explanation:
    """Explain the merged event named by its merged id or by any of its reports' event ids."""
    with _session(store, f"cannot explain {event_id}") as session:
        merged_id = session.scalar(select(MergedReportRow.merged_id).where(MergedReportRow.event_id == event_id))
        reports = reports_of_merged(session, [merged_id or event_id]).get(merged_id or event_id, [])
        review = analyst_review(session.connection(), [r.event_id for r in reports])
    if not reports:
        raise ReconcileError(f"no merged event or reconciled report with id {event_id!r}")
    terms = tuple(confidence_terms(reports, find_disputes(reports), weights, review))
    confidence = confidence_of(terms)
    return Explanation(event=replace(summarize(reports, weights), confidence=confidence), terms=terms,
                       reports=tuple(reports), confidence=confidence)


def document_copies(store: Store) -> dict[str, str]:
    """Each copy's doc_id with its original's doc_id."""
    with _session(store, "cannot read document copies") as session:
        rows = session.execute(select(DocumentCopyRow.document_id, DocumentCopyRow.original_id))
        pairs = [(copy, original) for copy, original in rows]
        names = {key: doc_id for key, doc_id in session.execute(select(DocumentRow.id, DocumentRow.doc_id))}
    return {names[copy]: names[original] for copy, original in pairs}


class _session:
    """A read transaction whose SQLAlchemy errors become StoreErrors."""

    def __init__(self, store: Store, what: str) -> None:
        self._session = Session(store.engine)
        self._what = what

    def __enter__(self) -> Session:
        return self._session

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        self._session.close()
        if isinstance(error, SQLAlchemyError):
            raise store_error(self._what, error) from error
