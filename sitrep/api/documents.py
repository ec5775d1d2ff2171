"""`POST /api/documents` (token): one report through the real pipeline, stored, merged and mapped."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from sitrep.api.context import ApiContext, checked_date, context, require_token
from sitrep.api.errors import ApiError
from sitrep.api.schemas import (
    MAX_NAME_CHARS,
    MAX_STANCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    DocumentResult,
    NewDocument,
)
from sitrep.errors import InputError
from sitrep.ingest.decode import MAX_DOCUMENT_BYTES
from sitrep.ingest.metadata import Defaults
from sitrep.ingest.readers import parse_document
from sitrep.model import Document, Reject
from sitrep.settings import Settings
from sitrep.store import Store
from sitrep.store.records import content_hash
from sitrep.store.schema import DocumentRow, EventRow

router = APIRouter(tags=["documents"])
ORIGIN = "api"


@router.post("/api/documents", response_model=DocumentResult, status_code=201,
             dependencies=[Depends(require_token)])
def post_document(body: NewDocument, ctx: Annotated[ApiContext, Depends(context)]) -> DocumentResult:
    """Ingest one report (token): text (plain, Markdown with front matter, or HTML) and what is known of it.
    A report that cannot be read or processed is recorded as a reject and answered with 422; so is one whose
    stance is not a known one, whose date is out of range or whose title, url or source is too long, and one
    without a publication date unless the `undated` setting dates it (today: a posted text has no file)."""
    from datetime import date

    from sitrep.undated import date_undated

    try:
        document = checked_document(ctx.settings, document_of(body))
    except InputError as e:
        ctx.store.save_reject(Reject(origin=ORIGIN, reason=str(e)[:MAX_TITLE_CHARS], stage="read"))
        raise
    dated = date_undated(document, ctx.settings.undated, date.today())  # the `undated` setting, as ingest
    if isinstance(dated, Reject):
        reason = dated.reason.replace("--published", "'published' in the body")
        ctx.store.save_reject(Reject(origin=ORIGIN, reason=reason[:MAX_TITLE_CHARS], stage="read"))
        raise ApiError(422, reason, "invalid")
    document = dated
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


def known_stances() -> frozenset[str]:
    """Every stance sitrep reads, as `normalize_stance` spells it: the actor catalogue's synonyms, the
    conflict profile's stances and those of the known publishers ("" for none)."""
    from sitrep.actors import STANCE_SYNONYMS
    from sitrep.conflict import default_profile
    from sitrep.stance import load_publishers

    named = {*STANCE_SYNONYMS, *default_profile().stances, *(p.stance for p in load_publishers())}
    return frozenset(_stance_key(s) for s in named)


def _stance_key(stance: str) -> str:
    return stance.strip().lower().replace("_", "-").replace(" ", "-")


def checked_document(settings: Settings, document: Document) -> Document:
    """The document when its stance is known, its publication date in the settings' range and its title,
    url and source within their limits (from the body or the text's front matter), else 422."""
    stances = known_stances()
    if _stance_key(document.stance) not in stances:
        raise ApiError(422, f"unknown stance {document.stance[:MAX_STANCE_CHARS]!r}; known: "
                            f"{', '.join(sorted(s for s in stances if s))}", "invalid")
    checked_date(settings, document.published, "published")
    for name, value, limit in (("title", document.title, MAX_TITLE_CHARS), ("url", document.url, MAX_URL_CHARS),
                               ("source", document.source, MAX_NAME_CHARS)):
        if len(value) > limit:
            raise ApiError(422, f"the {name} is longer than {limit} characters", "invalid")
    return document


def ingest_document(ctx: ApiContext, document: Document) -> DocumentResult:
    """The pipeline's own stages for one document: extract, store (marked pending until merged), merge
    across sources and update control with the configured weights; failures are recorded as rejects."""
    from sitrep.pipeline import BatchSummary, extract_documents, finish_batch, store_results

    summary = BatchSummary()
    stored = store_results(extract_documents([document], ctx.resources()), ctx.store, summary)
    finish_batch(stored, ctx.store, summary, scoring=ctx.scoring())
    digest = content_hash(document.text)
    if not summary.documents:  # not stored: read or extraction failed, recorded as a reject
        reasons = "; ".join(r.reason for r in summary.rejects) or "not stored"
        raise ApiError(422, f"rejected: {reasons}", "rejected")
    return DocumentResult(doc_id=_stored_doc_id(ctx.store, digest) or document.doc_id,
                          events=_event_ids(ctx.store, digest), duplicate=summary.duplicates > 0)


def _stored_doc_id(store: Store, digest: str) -> str | None:
    with store.engine.connect() as connection:
        return connection.scalar(select(DocumentRow.doc_id).where(DocumentRow.content_hash == digest))


def _event_ids(store: Store, digest: str) -> list[str]:
    """The events stored for the text with this hash (for a duplicate: those of the copy already stored)."""
    with store.engine.connect() as connection:
        return list(connection.scalars(select(EventRow.event_id).join(DocumentRow, DocumentRow.id == EventRow.document_id)
                                       .where(DocumentRow.content_hash == digest).order_by(EventRow.event_id)))
