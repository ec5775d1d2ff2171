"""Reconciliation over the store: near-duplicate documents, merged events and explainable confidence.

    reconcile_document(store, doc_id)   # after saving a document: updates only what it touches
    reconcile_documents(store, doc_ids) # after saving a batch: the same, with a few queries for all of them
    rebuild_all(store)                  # from scratch; equal to incremental application in any order
    explain_event(store, event_id)      # each confidence term with its value, weight and reports
"""

from __future__ import annotations

from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, ConfidenceWeights, Term
from sitrep.reconcile.explain import (
    Explanation,
    ReconcileError,
    document_copies,
    explain_event,
    merged_event_of,
    merged_events,
)
from sitrep.reconcile.matching import same_happening
from sitrep.reconcile.merge import rebuild_all, reconcile_after_save, reconcile_document, reconcile_documents
from sitrep.reconcile.report import Report
from sitrep.reconcile.summary import MergedEvent

__all__ = ["DEFAULT_WEIGHTS", "ConfidenceWeights", "Explanation", "MergedEvent", "ReconcileError", "Report", "Term",
           "document_copies", "explain_event", "merged_event_of", "merged_events", "rebuild_all",
           "reconcile_after_save", "reconcile_document", "reconcile_documents", "same_happening"]
