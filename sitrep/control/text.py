"""Statements of control for a whole document, and for every document already stored.

The events of a document reach the control tables through the store; its statements of control need the
parsed text, so they come here, with the resources extraction already uses (spaCy, gazetteer, actor
catalogue, fact cues) passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from sitrep.actors import find_actors
from sitrep.control.observe import observations_of_statements
from sitrep.control.rules import DEFAULT_RULES, AssessmentRules
from sitrep.control.state import Observation
from sitrep.control.statements import ControlCues, find_control_statements, load_control_cues
from sitrep.control.storage import PLACES, rebuild_control, update_control_for_document
from sitrep.events.extract import Resources
from sitrep.geo import find_places
from sitrep.model import Document, PlaceMention
from sitrep.store import Store
from sitrep.store.schema import DocumentRow, SourceRow


def statement_observations(document: Document, resources: Resources, *, doc: Any | None = None,
                           places: Sequence[PlaceMention] | None = None, cues: ControlCues | None = None
                           ) -> list[Observation]:
    """The document's statements of control as observations dated by its publication. Pass spaCy's `doc`
    and the resolved `places` when extraction already has them."""
    text = document.text
    doc = doc if doc is not None else resources.nlp(text)
    actors = find_actors(text, resources.actors, stance=document.stance, on=document.published)
    if places is None:
        places = find_places(text, gazetteer=resources.gazetteer, doc=doc, doc_id=document.doc_id,
                             exclude=[(a.start, a.end) for a in actors])
    statements = find_control_statements(doc, text, places, actors, cues=cues or resources.control_cues,
                                         fact_cues=resources.fact_cues, profile=resources.actors.profile)
    return observations_of_statements(statements, document)


def stored_documents(store: Store) -> list[Document]:
    """Every stored document as a record (text, provenance), oldest first."""
    query = (select(DocumentRow.doc_id, DocumentRow.text, DocumentRow.published, DocumentRow.stance,
                    DocumentRow.url, DocumentRow.title, SourceRow.name)
             .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id).order_by(DocumentRow.id))
    with store.engine.connect() as connection:
        return [Document(doc_id=r.doc_id, text=r.text, published=r.published, stance=r.stance, url=r.url,
                         title=r.title, source=r.name or "") for r in connection.execute(query)]


def rebuild_control_with_text(store: Store, resources: Resources, rules: AssessmentRules = DEFAULT_RULES) -> int:
    """`rebuild_control`, then every stored document's statements of control; returns the places covered."""
    rebuild_control(store, rules)
    cues = resources.control_cues or load_control_cues()
    documents = stored_documents(store)
    for document, doc in zip(documents, resources.nlp.pipe(d.text for d in documents), strict=True):
        update_control_for_document(store, document.doc_id,
                                    statement_observations(document, resources, doc=doc, cues=cues), rules)
    with store.engine.connect() as connection:
        return len(list(connection.execute(select(PLACES.c.place_id))))
