"""Near-duplicate documents in the store: the same article reposted elsewhere is one original with copies.

Each reconciled document keeps its MinHash signature and LSH bands. A new document's candidates are the
documents sharing a band; those whose estimated similarity reaches `COPY_THRESHOLD` are its near-duplicates,
and a group of near-duplicates (connected through such pairs) has one original: the earliest published,
then the smallest doc_id. The rule looks only at the group, so the original does not depend on which copy
arrived first; when an earlier original turns up later, the group is re-pointed at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from sitrep.reconcile import minhash
from sitrep.store.schema import DocumentBandRow, DocumentCopyRow, DocumentRow, DocumentSignatureRow

# Estimated Jaccard similarity (5-word shingles) from which two documents are one article: different
# reports of the same week and front in the dev corpus share at most 0.05 of their shingles, while a repost
# that adds a headline, byline, share buttons and a comment footer keeps well over 0.7 of them.
COPY_THRESHOLD = 0.6


# Values bound per `IN (...)` list: far under SQLite's limit of 32,766 parameters.
IN_CHUNK = 500


def reconcile_copies(session: Session, document: DocumentRow) -> set[int]:
    """Sign `document`, find its near-duplicate group and re-point the group at its original.
    Returns the group's document ids when it has copies (their reports' independence may have changed)."""
    return reconcile_copies_many(session, [document])


def reconcile_copies_many(session: Session, documents: Sequence[DocumentRow]) -> set[int]:
    """`reconcile_copies` for many documents at once: sign those not signed yet (one bulk insert), read the
    members of the LSH buckets they fall in, join each of them to every bucket-mate whose similarity reaches
    `COPY_THRESHOLD`, and re-point every group holding one of them at its original. Groups are the connected
    components of the near-duplicate pairs, so this gives what reconciling the documents one after another
    gives; a pair is compared only while its two documents are not yet in one group, so a large group of
    reposts costs comparisons in proportion to its size, not its square. Returns the documents of the groups
    with copies."""
    if not documents:
        return set()
    signatures = _sign_many(session, documents)
    batch = sorted(signatures)
    buckets = _bucket_members(session, {key for document_id in batch
                                         for key in minhash.bands(signatures[document_id])})
    stored = {member for members in buckets.values() for member in members} - signatures.keys()
    signatures |= _stored_signatures(session, stored)
    groups = _Groups(batch)
    for copy, original in _stored_originals(session, stored):  # already one group: never compared again
        groups.join(copy, original)
    in_batch = set(batch)
    for key in sorted(buckets):
        _join_bucket(buckets[key], in_batch, signatures, groups)
    linked = _components_with(groups, in_batch)
    for members in _stored_groups(session, {m for group in linked for m in group} - in_batch):
        first = min(members)  # a stored document brings its whole stored group along
        for member in members:
            groups.join(first, member)
    linked = _components_with(groups, in_batch)
    members = {m for group in linked for m in group}
    signatures |= _stored_signatures(session, members - signatures.keys())
    return _assign_originals(session, linked, signatures)


def _join_bucket(members: Sequence[int], in_batch: set[int], signatures: dict[int, tuple[int, ...]],
                 groups: _Groups) -> None:
    """Join each batch document of one bucket to the bucket's other groups it is a near-duplicate of: a group
    is compared member by member until one is close enough, and once joined it is never compared again."""
    by_root: dict[int, list[int]] = {}
    for member in members:
        by_root.setdefault(groups.root(member), []).append(member)
    for document_id in members:
        if document_id not in in_batch:
            continue  # two stored documents were compared when the later of them arrived
        mine = groups.root(document_id)
        for root in list(by_root):
            if root == mine or root not in by_root:
                continue
            if any(minhash.similarity(signatures[document_id], signatures[other]) >= COPY_THRESHOLD
                   for other in by_root[root]):
                joined = by_root.pop(root) + by_root.pop(mine)
                groups.join(document_id, root)
                mine = groups.root(document_id)
                by_root[mine] = joined


def _components_with(groups: _Groups, document_ids: set[int]) -> list[set[int]]:
    """The groups holding at least one of `document_ids`."""
    return [group for group in groups.components() if not group.isdisjoint(document_ids)]


def _sign_many(session: Session, documents: Sequence[DocumentRow]) -> dict[int, tuple[int, ...]]:
    ids = sorted({d.id for d in documents})
    signatures = _stored_signatures(session, ids)
    new = {d.id: minhash.signature(d.text) for d in documents if d.id not in signatures}
    if new:
        session.execute(insert(DocumentSignatureRow), [{"document_id": i, "signature": minhash.pack(sig)}
                                                       for i, sig in sorted(new.items())])
        bands = [{"band": band, "bucket": bucket, "document_id": i}
                 for i, sig in sorted(new.items()) for band, bucket in minhash.bands(sig)]
        if bands:
            session.execute(insert(DocumentBandRow), bands)
    return signatures | new


def _bucket_members(session: Session, keys: set[tuple[int, str]]) -> dict[tuple[int, str], list[int]]:
    """The stored documents in each of these (band, bucket) keys, in id order: one indexed query per band and
    chunk of buckets, reading as many rows as the buckets hold."""
    by_band: dict[int, list[str]] = {}
    for band, bucket in keys:
        by_band.setdefault(band, []).append(bucket)
    members: dict[tuple[int, str], list[int]] = {}
    for band in sorted(by_band):
        for chunk in _text_chunks(by_band[band]):
            for bucket, document_id in session.execute(
                    select(DocumentBandRow.bucket, DocumentBandRow.document_id)
                    .where(DocumentBandRow.band == band, DocumentBandRow.bucket.in_(chunk))):
                members.setdefault((band, bucket), []).append(document_id)
    return {key: sorted(ids) for key, ids in members.items()}


def _stored_originals(session: Session, document_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(copy, original) for each of these documents that is a stored copy."""
    pairs: list[tuple[int, int]] = []
    for chunk in _chunks(document_ids):
        pairs += [(copy, original) for copy, original in session.execute(
            select(DocumentCopyRow.document_id, DocumentCopyRow.original_id)
            .where(DocumentCopyRow.document_id.in_(chunk)))]
    return pairs


def _stored_signatures(session: Session, document_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, tuple[int, ...]] = {}
    for chunk in _chunks(document_ids):
        rows = session.execute(select(DocumentSignatureRow.document_id, DocumentSignatureRow.signature)
                               .where(DocumentSignatureRow.document_id.in_(chunk)))
        found |= {document_id: minhash.unpack(data) for document_id, data in rows}
    return found


def _stored_groups(session: Session, document_ids: Iterable[int]) -> list[set[int]]:
    """The stored near-duplicate groups of these documents: each original with its copies."""
    roots: set[int] = set()
    for chunk in _chunks(document_ids):
        originals = dict(session.execute(select(DocumentCopyRow.document_id, DocumentCopyRow.original_id)
                                         .where(DocumentCopyRow.document_id.in_(chunk))).all())
        roots |= {originals.get(document_id, document_id) for document_id in chunk}
    groups: dict[int, set[int]] = {root: {root} for root in roots}
    for chunk in _chunks(roots):
        for document_id, original_id in session.execute(select(DocumentCopyRow.document_id,
                                                                DocumentCopyRow.original_id)
                                                         .where(DocumentCopyRow.original_id.in_(chunk))):
            groups[original_id].add(document_id)
    return list(groups.values())


def _assign_originals(session: Session, groups: list[set[int]], signatures: dict[int, tuple[int, ...]]
                      ) -> set[int]:
    """Re-point each group's copies at its original (the earliest published, then the smallest doc_id)."""
    members = sorted(set().union(*groups))
    order: dict[int, tuple[date, str, str]] = {}
    for chunk in _chunks(members):
        session.execute(delete(DocumentCopyRow).where(DocumentCopyRow.document_id.in_(chunk)))
        for document_id, published, doc_id, content_hash in session.execute(
                select(DocumentRow.id, DocumentRow.published, DocumentRow.doc_id, DocumentRow.content_hash)
                .where(DocumentRow.id.in_(chunk))):
            order[document_id] = (published or date.max, doc_id, content_hash)
    rows = []
    for group in groups:
        original = min(group, key=lambda document_id: order[document_id])
        rows += [{"document_id": document_id, "original_id": original,
                  "similarity": minhash.similarity(signatures.get(document_id, ()), signatures.get(original, ()))}
                 for document_id in sorted(group - {original})]
    if rows:
        session.execute(insert(DocumentCopyRow), rows)
    return {document_id for group in groups if len(group) > 1 for document_id in group}


class _Groups:
    """Union-find over document ids: the near-duplicate groups being gathered."""

    def __init__(self, document_ids: Iterable[int]) -> None:
        self._parent = {document_id: document_id for document_id in document_ids}

    def root(self, document_id: int) -> int:
        self._parent.setdefault(document_id, document_id)
        while self._parent[document_id] != document_id:
            self._parent[document_id] = self._parent[self._parent[document_id]]
            document_id = self._parent[document_id]
        return document_id

    def join(self, first: int, second: int) -> None:
        a, b = self.root(first), self.root(second)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def members(self) -> set[int]:
        return set(self._parent)

    def components(self) -> list[set[int]]:
        found: dict[int, set[int]] = {}
        for document_id in sorted(self._parent):
            found.setdefault(self.root(document_id), set()).add(document_id)
        return list(found.values())


def _text_chunks(values: Iterable[str], size: int = IN_CHUNK) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def _chunks(values: Iterable[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]
