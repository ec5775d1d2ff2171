"""Near-duplicate documents in the store: the same article reposted elsewhere is one original with copies.

Each reconciled document keeps its MinHash signature and LSH bands. A new document's candidates are the
documents sharing a band; those whose estimated similarity reaches `COPY_THRESHOLD` are its near-duplicates,
and a group of near-duplicates (connected through such pairs) has one original: the earliest published,
then the smallest doc_id. The rule looks only at the group, so the original does not depend on which copy
arrived first; when an earlier original turns up later, the group is re-pointed at it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased

from sitrep.reconcile import minhash
from sitrep.store.schema import DocumentBandRow, DocumentCopyRow, DocumentRow, DocumentSignatureRow

# Estimated Jaccard similarity (5-word shingles) from which two documents are one article: different
# reports of the same week and front in the dev corpus share at most 0.05 of their shingles, while a repost
# that adds a headline, byline, share buttons and a comment footer keeps well over 0.7 of them.
COPY_THRESHOLD = 0.6


def reconcile_copies(session: Session, document: DocumentRow) -> set[int]:
    """Sign `document`, find its near-duplicate group and re-point the group at its original.
    Returns the group's document ids when it has copies (their reports' independence may have changed)."""
    signature = _sign(session, document)
    group = {document.id}
    for other_id, other_signature in _candidates(session, document.id):
        if minhash.similarity(signature, other_signature) >= COPY_THRESHOLD:
            group |= _group_of(session, other_id)
    return _assign_original(session, group)


def _sign(session: Session, document: DocumentRow) -> tuple[int, ...]:
    stored = session.get(DocumentSignatureRow, document.id)
    if stored is not None:
        return minhash.unpack(stored.signature)
    signature = minhash.signature(document.text)
    session.add(DocumentSignatureRow(document_id=document.id, signature=minhash.pack(signature)))
    session.add_all(DocumentBandRow(band=band, bucket=bucket, document_id=document.id)
                    for band, bucket in minhash.bands(signature))
    session.flush()
    return signature


def _candidates(session: Session, document_id: int) -> list[tuple[int, tuple[int, ...]]]:
    mine, other = aliased(DocumentBandRow), aliased(DocumentBandRow)
    sharing = (select(other.document_id).distinct()
               .join(mine, (mine.band == other.band) & (mine.bucket == other.bucket))
               .where(mine.document_id == document_id, other.document_id != document_id))
    rows = session.execute(select(DocumentSignatureRow.document_id, DocumentSignatureRow.signature)
                           .where(DocumentSignatureRow.document_id.in_(sharing))
                           .order_by(DocumentSignatureRow.document_id))
    return [(document_id, minhash.unpack(data)) for document_id, data in rows]


def _group_of(session: Session, document_id: int) -> set[int]:
    """The near-duplicate group a stored document belongs to: its original and the original's copies."""
    original = session.scalar(select(DocumentCopyRow.original_id).where(DocumentCopyRow.document_id == document_id))
    root = document_id if original is None else original
    copies = session.scalars(select(DocumentCopyRow.document_id).where(DocumentCopyRow.original_id == root))
    return {root, *copies}


def _assign_original(session: Session, group: set[int]) -> set[int]:
    documents = list(session.scalars(select(DocumentRow).where(DocumentRow.id.in_(sorted(group)))))
    original = min(documents, key=_original_order)
    session.execute(delete(DocumentCopyRow).where(DocumentCopyRow.document_id.in_(sorted(group))))
    original_signature = _stored_signature(session, original.id)
    for document in documents:
        if document.id != original.id:
            similarity = minhash.similarity(_stored_signature(session, document.id), original_signature)
            session.add(DocumentCopyRow(document_id=document.id, original_id=original.id, similarity=similarity))
    session.flush()
    return group if len(group) > 1 else set()


def _original_order(document: DocumentRow) -> tuple[date, str, str]:
    return (document.published or date.max, document.doc_id, document.content_hash)


def _stored_signature(session: Session, document_id: int) -> tuple[int, ...]:
    stored = session.get(DocumentSignatureRow, document_id)
    return minhash.unpack(stored.signature) if stored is not None else ()
