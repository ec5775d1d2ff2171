"""`POST /api/documents` (token): one report through the real pipeline, stored, merged and mapped."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from sitrep.api.context import ApiContext, context, require_token
from sitrep.api.errors import ApiError
from sitrep.api.schemas import DocumentResult, NewDocument
from sitrep.errors import InputError
from sitrep.ingest.decode import MAX_DOCUMENT_BYTES
from sitrep.ingest.metadata import Defaults
from sitrep.ingest.readers import parse_document
from sitrep.model import Document, Reject
from sitrep.store import Store
from sitrep.store.schema import DocumentRow, EventRow

router = APIRouter(tags=["documents"])
ORIGIN = "api"


@router.post("/api/documents", response_model=DocumentResult, status_code=201,
             dependencies=[Depends(require_token)])
def post_document(body: NewDocument, ctx: Annotated[ApiContext, Depends(context)]) -> DocumentResult:
    """Ingest one report (token): text (plain, Markdown with front matter, or HTML) and what is known of it.
    A report that cannot be read or processed is recorded as a reject and answered with 422."""
    try:
        document = document_of(body)
    except InputError as e:
        ctx.store.save_reject(Reject(origin=ORIGIN, reason=str(e), stage="read"))
        raise
    with ctx.write_lock:
        result = ingest_document(ctx, document)
    ctx.forget()
    return result


def document_of(body: NewDocument) -> Document:
    """The Document for a posted body; its fields win over any front matter in the text."""
    data = body.text.encode("utf-8")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ApiError(413, f"the text is over the {MAX_DOCUMENT_BYTES // 2**20} MiB limit for one document")
    doc_id = f"{ORIGIN}-{hashlib.sha256(data).hexdigest()[:16]}"
    document = parse_document(data, origin=ORIGIN, doc_id=doc_id, path="",
                              defaults=Defaults(published=body.published, source=body.source, stance=body.stance))
    return replace(document, title=body.title or document.title, url=body.url or document.url,
                   source=body.source or document.source, stance=body.stance or document.stance,
                   published=body.published or document.published)


def ingest_document(ctx: ApiContext, document: Document) -> DocumentResult:
    from sitrep.control.batch import update_control_for_documents
    from sitrep.pipeline import extract_documents
    from sitrep.reconcile import reconcile_documents

    result = next(iter(extract_documents([document], ctx.resources())))
    if isinstance(result, Reject):
        ctx.store.save_reject(result)
        raise ApiError(422, f"rejected: {result.reason}", "rejected")
    places = [p.place for p in result.places if p.place is not None]
    saved = ctx.store.save_document(result.document, result.events, places)
    if not saved.duplicate:
        try:
            reconcile_documents(ctx.store, [document.doc_id])
            update_control_for_documents(ctx.store, [document.doc_id], {document.doc_id: result.observations})
        except Exception as e:  # as the pipeline: the document stays stored, the failure is recorded
            ctx.store.save_reject(Reject(origin=document.doc_id, reason=f"{type(e).__name__}: {e}",
                                         stage="reconcile"))
    return DocumentResult(doc_id=_stored_doc_id(ctx.store, saved.content_hash) or document.doc_id,
                          events=_event_ids(ctx.store, saved.content_hash), duplicate=saved.duplicate)


def _stored_doc_id(store: Store, digest: str) -> str | None:
    with store.engine.connect() as connection:
        return connection.scalar(select(DocumentRow.doc_id).where(DocumentRow.content_hash == digest))


def _event_ids(store: Store, digest: str) -> list[str]:
    """The events stored for the text with this hash (for a duplicate: those of the copy already stored)."""
    with store.engine.connect() as connection:
        return list(connection.scalars(select(EventRow.event_id).join(DocumentRow, DocumentRow.id == EventRow.document_id)
                                       .where(DocumentRow.content_hash == digest).order_by(EventRow.event_id)))
