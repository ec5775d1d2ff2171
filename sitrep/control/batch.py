"""Control timelines for a batch of new documents at once: the same tables as `update_control_for_document`
on each document in turn, with one delete, one read of their events, one insert and one recomputation of
every place they touch, instead of one of each per document.

A place's timeline is a function of its stored observations, so recomputing it once after all the batch's
observations are in gives what recomputing it after each document gives. The observations are inserted in
the order the per-document updates insert them (document by document, events then statements), and a new
place is named after its first observation in that order, as the first document touching it names it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TypeVar

from sqlalchemy import delete, select

from sitrep.control.rules import DEFAULT_RULES, AssessmentRules
from sitrep.control.state import Observation
from sitrep.control.storage import (
    OBSERVATIONS,
    _control_events,
    _group_by_place,
    _insert_observations,
    _insert_places,
    _observations_of,
    refresh_places,
)
from sitrep.store import Store
from sitrep.store.schema import DocumentRow, EventRow

# Values bound per `IN (...)` list (documents or places): far under SQLite's limit of 32,766 parameters.
IN_CHUNK = 500

T = TypeVar("T")


def update_control_for_documents(store: Store, doc_ids: Sequence[str],
                                 observations_by_doc: Mapping[str, Sequence[Observation]] | None = None,
                                 rules: AssessmentRules = DEFAULT_RULES) -> set[str]:
    """`update_control_for_document(store, doc_id, observations_by_doc[doc_id])` for every doc_id, in one
    transaction; returns the place ids whose timelines were recomputed."""
    statements = observations_by_doc or {}
    wanted = list(dict.fromkeys(doc_ids))
    with store.engine.begin() as connection:
        rows: dict[str, list[int]] = defaultdict(list)
        for chunk in _chunks(wanted):
            for row_id, doc_id in connection.execute(select(DocumentRow.id, DocumentRow.doc_id)
                                                     .where(DocumentRow.doc_id.in_(chunk)).order_by(DocumentRow.id)):
                rows[doc_id].append(row_id)
        document_ids = [row_id for doc_id in wanted for row_id in rows.get(doc_id, [])]
        if not document_ids:
            return set()
        touched: set[str] = set()
        by_document: dict[int, list[tuple[Observation, int]]] = defaultdict(list)
        for id_chunk in _chunks(document_ids):
            touched |= set(connection.scalars(select(OBSERVATIONS.c.place_id).distinct()
                                              .where(OBSERVATIONS.c.document_id.in_(id_chunk))))
            connection.execute(delete(OBSERVATIONS).where(OBSERVATIONS.c.document_id.in_(id_chunk)))
            for observation, document_id in _observations_of(connection, _control_events(by_type=False)
                                                             .where(EventRow.document_id.in_(id_chunk))):
                by_document[document_id].append((observation, document_id))
        found: list[tuple[Observation, int]] = []
        for doc_id in wanted:
            if doc_id in rows:
                found += [pair for row_id in rows[doc_id] for pair in by_document[row_id]]
                found += [(o, rows[doc_id][-1]) for o in statements.get(doc_id, ())]
        _insert_observations(connection, found)
        by_place = _group_by_place(o for o, _ in found)
        _insert_places(connection, by_place, only_new=True)
        touched |= set(by_place)
        for places in _chunks(sorted(touched)):  # each place's timeline is its own: chunks change nothing
            refresh_places(connection, places, rules)
    return touched


def _chunks(values: Sequence[T]) -> list[list[T]]:
    return [list(values[start:start + IN_CHUNK]) for start in range(0, len(values), IN_CHUNK)]
