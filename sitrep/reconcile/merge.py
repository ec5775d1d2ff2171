"""Merging reports of one happening, incrementally: new documents touch only the merged events their
events match, and the result is the same whatever order the documents arrived in.

The merged events are complete-link clusters (clusters.py) of each connected component of the
`same_happening` graph over reconciled reports. `reconcile_documents` adds a batch of documents: their
copies are found (copies.py, one document after another), their events are matched against each other in
memory and against the reconciled reports near them (a few set-based queries, reports.candidates_near),
the merged events they reach are followed, match by match, to whole components (each merged event names its
component, so a component reached is read whole without comparing its reports again), and each component
is clustered again. Every edge between two documents is examined when the later one arrives, so the
components equal those of the whole graph, and a batch gives what its documents reconciled one at a time give;
`rebuild_all` clears everything and replays the stored documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sitrep.errors import StoreError
from sitrep.reconcile.clusters import cluster_reports
from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, ConfidenceWeights
from sitrep.reconcile.copies import reconcile_copies_many
from sitrep.reconcile.matching import same_happening
from sitrep.reconcile.neighbours import ReportIndex
from sitrep.reconcile.report import Report
from sitrep.reconcile.reports import (
    IN_CHUNK,
    candidates_near,
    merged_ids_of_documents,
    reports_of_documents,
    reports_of_merged,
)
from sitrep.reconcile.review import analyst_reviews
from sitrep.reconcile.summary import MergedEvent, summarize
from sitrep.store import Store
from sitrep.store.failures import store_error
from sitrep.store.schema import (
    DocumentBandRow,
    DocumentCopyRow,
    DocumentRow,
    DocumentSignatureRow,
    MergedEventRow,
    MergedReportRow,
)

# Documents reconciled together by `rebuild_all`: a batch's reports and their components stay in memory.
REBUILD_BATCH = 500


def reconcile_document(store: Store, doc_id: str, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> None:
    """Reconcile the stored document(s) with this doc_id: copies, then merged events, in one transaction."""
    reconcile_documents(store, [doc_id], weights)


def reconcile_documents(store: Store, doc_ids: Sequence[str], weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> None:
    """Reconcile the stored documents with these doc_ids together, in one transaction: the same merged
    events and copies as `reconcile_document` on each in turn, with a few queries for the whole batch."""
    doc_ids = list(dict.fromkeys(doc_ids))  # a doc_id named twice is reconciled once
    try:
        with Session(store.engine) as session, session.begin():
            rows: dict[str, list[DocumentRow]] = {doc_id: [] for doc_id in doc_ids} | _documents_by_doc_id(session, doc_ids)
            reconcile_stored_many(session, [document for doc_id in doc_ids for document in rows[doc_id]], weights)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot reconcile documents {', '.join(doc_ids[:3])}"
                         f"{'...' if len(doc_ids) > 3 else ''}: {e}") from e


def _documents_by_doc_id(session: Session, doc_ids: Sequence[str]) -> dict[str, list[DocumentRow]]:
    found: dict[str, list[DocumentRow]] = {}
    for start in range(0, len(doc_ids), IN_CHUNK):
        chunk = sorted(set(doc_ids[start:start + IN_CHUNK]))
        for document in session.scalars(select(DocumentRow).where(DocumentRow.doc_id.in_(chunk))
                                        .order_by(DocumentRow.id)):
            found.setdefault(document.doc_id, []).append(document)
    return found


def reconcile_after_save(store: Store, saved_doc_id: str, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> None:
    """The pipeline's hook: call after `Store.save_document` (a duplicate save is reconciled again, harmlessly)."""
    reconcile_document(store, saved_doc_id, weights)


def rebuild_all(store: Store, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> None:
    """Forget every reconciliation and replay the stored documents in storage order, a batch at a time."""
    try:
        with Session(store.engine) as session, session.begin():
            for table in (MergedReportRow, MergedEventRow, DocumentCopyRow, DocumentBandRow, DocumentSignatureRow):
                session.execute(delete(table))
            ids = list(session.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))
            for start in range(0, len(ids), REBUILD_BATCH):
                chunk = ids[start:start + REBUILD_BATCH]
                reconcile_stored_many(session, list(session.scalars(
                    select(DocumentRow).where(DocumentRow.id.in_(chunk)).order_by(DocumentRow.id))), weights)
    except SQLAlchemyError as e:
        raise store_error("cannot rebuild merged events", e) from e


def reconcile_stored(session: Session, document: DocumentRow, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> None:
    """Reconcile one stored document within an open transaction."""
    reconcile_stored_many(session, [document], weights)


def reconcile_stored_many(session: Session, documents: Sequence[DocumentRow],
                          weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> None:
    """Reconcile stored documents together within an open transaction: their copies, then one gathering of
    the components their reports reach, clustered again.

    Only the new reports (and those of merged events written before components were stored) are compared
    with their neighbours: every match between two reconciled reports was found when the later of them
    arrived and lies within one stored component, so a component reached is read whole by its key."""
    changed_documents = reconcile_copies_many(session, documents)
    document_ids = [d.id for d in documents]
    new_reports = reports_of_documents(session, document_ids)
    gathered = _Gathered()
    legacy = gathered.add(session, merged_ids_of_documents(session, [*document_ids, *changed_documents]))
    gathered.reports |= {r.event_id: r for r in new_reports}
    index = ReportIndex(new_reports)  # the batch's reports, not reconciled yet, are matched in memory
    merged_of: dict[str, str] = {}
    links: list[tuple[str, str]] = []
    new_ids = {r.event_id for r in new_reports}
    frontier = [*new_reports, *(r for r in legacy if r.event_id not in new_ids)]
    while frontier:  # gather whole components of the match graph: clustering is a function of those
        loaded = candidates_near(session, frontier)
        merged_of |= {report.event_id: merged_id for report, merged_id in loaded}
        index.add(report for report, _ in loaded)
        reached: set[str] = set()
        for report in frontier:
            for other in index.near(report):
                if same_happening(report, other):
                    links.append((report.event_id, other.event_id))
                    if other.event_id in merged_of:
                        reached.add(merged_of[other.event_id])
        frontier = [r for r in gathered.add(session, reached - gathered.merged) if r.event_id not in new_ids]
    links += gathered.stored_links()
    clusters = [(cluster, component[0].event_id) for component in _components(gathered.reports, links)
                for cluster in cluster_reports(component)]
    _replace(session, gathered.merged, clusters, weights)


class _Gathered:
    """The stored merged events gathered for one reconciliation, each with its whole stored component."""

    def __init__(self) -> None:
        self.merged: set[str] = set()
        self.reports: dict[str, Report] = {}
        self._by_merged: dict[str, list[Report]] = {}
        self._component_of: dict[str, str] = {}

    def add(self, session: Session, merged_ids: Iterable[str]) -> list[Report]:
        """Gather these merged events with every other of their components; returns the reports of those
        without a component (written before revision 0010), whose matches must be found by comparing."""
        wanted = set(merged_ids) - self.merged
        components = _components_of(session, wanted)
        wanted |= _merged_of_components(session, set(components.values()) - set(self._component_of.values()))
        wanted -= self.merged
        components |= _components_of(session, wanted - components.keys())
        self.merged |= wanted
        self._component_of |= components
        grouped = reports_of_merged(session, wanted)
        self._by_merged |= grouped
        self.reports |= {r.event_id: r for group in grouped.values() for r in group}
        return [r for merged_id in sorted(wanted) if merged_id not in components for r in grouped[merged_id]]

    def stored_links(self) -> list[tuple[str, str]]:
        """Links joining the reports of each gathered merged event and of each stored component: the matches
        that connected them when they were reconciled."""
        first_of: dict[str, str] = {}
        links: list[tuple[str, str]] = []
        for merged_id, reports in sorted(self._by_merged.items()):
            if not reports:
                continue
            key = self._component_of.get(merged_id, merged_id)
            first = first_of.setdefault(key, reports[0].event_id)
            links += [(first, r.event_id) for r in reports]
        return links


def _components_of(session: Session, merged_ids: Iterable[str]) -> dict[str, str]:
    """The stored component of each of these merged events that has one."""
    return {merged_id: component for chunk in _chunks(merged_ids)
            for merged_id, component in session.execute(
                select(MergedEventRow.merged_id, MergedEventRow.component)
                .where(MergedEventRow.merged_id.in_(chunk), MergedEventRow.component.is_not(None)))
            if component is not None}


def _merged_of_components(session: Session, components: Iterable[str]) -> set[str]:
    """Every merged event of these stored components."""
    return {merged_id for chunk in _chunks(components)
            for merged_id in session.scalars(select(MergedEventRow.merged_id)
                                             .where(MergedEventRow.component.in_(chunk)))}


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start:start + IN_CHUNK]


def _components(reports: dict[str, Report], links: Iterable[tuple[str, str]]) -> list[list[Report]]:
    """The connected components of the reports under the links (union-find), each in event_id order."""
    parent = {event_id: event_id for event_id in reports}

    def root(event_id: str) -> str:
        while parent[event_id] != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    for a, b in links:
        first, second = root(a), root(b)
        if first != second:
            parent[max(first, second)] = min(first, second)
    groups: dict[str, list[Report]] = {}
    for event_id in sorted(reports):
        groups.setdefault(root(event_id), []).append(reports[event_id])
    return list(groups.values())


def _replace(session: Session, touched: Iterable[str], clusters: list[tuple[list[Report], str]],
             weights: ConfidenceWeights) -> None:
    """Replace the touched merged events by the clusters' summaries (each with its component's key), with
    bulk deletes and inserts."""
    stale = sorted(set(touched))
    members = sorted(r.event_id for group, _ in clusters for r in group)
    for start in range(0, len(members), IN_CHUNK):
        session.execute(delete(MergedReportRow).where(MergedReportRow.event_id.in_(members[start:start + IN_CHUNK])))
    for start in range(0, len(stale), IN_CHUNK):
        chunk = stale[start:start + IN_CHUNK]
        session.execute(delete(MergedReportRow).where(MergedReportRow.merged_id.in_(chunk)))
        session.execute(delete(MergedEventRow).where(MergedEventRow.merged_id.in_(chunk)))
    groups = [group for group, _ in clusters]
    verdicts = analyst_reviews(session.connection(), groups)  # an analyst's verdict outlives re-merging
    merged = [summarize(group, weights, verdict) for group, verdict in zip(groups, verdicts, strict=True)]
    if merged:
        session.execute(insert(MergedEventRow), [merged_values(m) | {"component": component}
                                                 for m, (_, component) in zip(merged, clusters, strict=True)])
        session.execute(insert(MergedReportRow), [{"event_id": e, "merged_id": m.merged_id}
                                                  for m in merged for e in m.event_ids])


def merged_values(merged: MergedEvent) -> dict[str, Any]:
    """A merged event's column values, for a bulk insert into merged_events."""
    return {"merged_id": merged.merged_id, "event_type": merged.event_type, "sub_event_type": merged.sub_event_type,
            "event_date": merged.event_date, "time_precision": merged.time_precision,
            "place_id": merged.place_id or None, "location": merged.location, "latitude": merged.latitude,
            "longitude": merged.longitude, "fact_status": merged.fact_status, "reports_count": merged.reports_count,
            "independent_sources": merged.independent_sources, "stances": list(merged.stances),
            "disputes": list(merged.disputes), "confidence": merged.confidence}

