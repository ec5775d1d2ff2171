"""Near-duplicate documents in the store: the same article reposted elsewhere is one original with copies.

Each reconciled document keeps its MinHash signature and LSH bands. A new document's candidates are the
documents sharing a band; those whose estimated similarity reaches `COPY_THRESHOLD` are its near-duplicates,
and a group of near-duplicates (connected through such pairs) has one original: the earliest published,
then the smallest doc_id. The rule looks only at the group, so the original does not depend on which copy
arrived first; when an earlier original turns up later, the group is re-pointed at it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import CursorResult, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from sitrep.reconcile import minhash
from sitrep.store.schema import DocumentBandRow, DocumentCopyRow, DocumentRow, DocumentSignatureRow

# Estimated Jaccard similarity (5-word shingles) from which two documents are one article: different
# reports of the same week and front in the dev corpus share at most 0.05 of their shingles, while a repost
# that adds a headline, byline, share buttons and a comment footer keeps well over 0.7 of them.
COPY_THRESHOLD = 0.6


# Rows a near-duplicate group keeps in one LSH bucket: its smallest document ids. A new document falling in
# the bucket is compared with these (and joins the group at the first close enough), so thousands of reposts
# of one article cost a new repost at most this many comparisons per band, not one per repost; a group with
# up to this many members in a bucket (every group of the dev corpus and the gold sets: 2 at most) is
# compared member by member, as an exhaustive comparison would. A bucket untouched since two large groups in
# it were joined keeps up to this many rows of each until the next document falling in it trims it.
GROUP_ROWS_PER_BUCKET = 8

# Near-duplicate groups an LSH bucket may hold before it counts as boilerplate: a band whose minima all come
# from shingles that many unrelated reports share (an agency's "a war monitor said", a site's footer) puts
# every one of them in one bucket, which then grows with the store and makes each new report's comparisons
# grow with it (10,000 one-sentence wire reports: buckets of up to 499 groups, merging time growing as
# N^1.23). A bucket whose stored rows already belong to this many groups is not compared in, and a new
# document's row there is not kept, so it stops growing; a document finds its reposts through its other
# bands, those whose minima include its own words (a repost shares all 32 bands; losing one needs all of
# its shared bands to be boilerplate). What such a bucket still joined were reports of one template about
# other places and days ("... repelled an army assault on Hamah on Wednesday" and "... on Jalamah on
# Sunday"), no copies. A constant, like the bands: a store's groups depend on it, so changing it asks for
# `sitrep reconcile` (a rebuild). 64: no bucket of the dev corpus, the seed and the gold sets comes near it.
BOILERPLATE_GROUPS = 64

# Values bound per `IN (...)` list: far under SQLite's limit of 32,766 parameters.
IN_CHUNK = 500

# The signature of a document without words, and of one not read: compared with nothing.
NO_SIGNATURE = np.empty(0, dtype=np.uint64)


def reconcile_copies(session: Session, document: DocumentRow) -> set[int]:
    """Sign `document`, find its near-duplicate group and re-point the group at its original.
    Returns the group's document ids when it has copies (their reports' independence may have changed)."""
    return reconcile_copies_many(session, [document])


def reconcile_copies_many(session: Session, documents: Sequence[DocumentRow]) -> set[int]:
    """`reconcile_copies` for many documents at once: sign those not signed yet (one bulk insert), read the
    members of the LSH buckets they fall in, join each of them to every bucket-mate whose similarity reaches
    `COPY_THRESHOLD`, and re-point at its original every group that one of them joined. Groups are the
    connected components of the near-duplicate pairs, so this gives what reconciling the documents one after
    another gives; a pair is compared only while its two documents are not yet in one group, and a bucket
    keeps `GROUP_ROWS_PER_BUCKET` members of a group, so a large group of reposts costs a new document a few
    comparisons, not one per repost, and only the documents whose original changes are rewritten. Returns
    those documents (their reports' independence may have changed)."""
    if not documents:
        return set()
    signatures, keys = _sign_many(session, documents)
    batch = sorted(signatures)
    in_batch = set(batch)
    read, stored_originals = _bucket_members(session, {key for document_id in batch for key in keys[document_id]})
    # copy -> original, as stored before this batch
    originals = {copy: original for copy, original in stored_originals.items() if copy not in in_batch}
    crowded = _boilerplate(read, in_batch, originals)
    buckets = {key: members for key, members in read.items() if key not in crowded}
    nodes = {member for members in buckets.values() for member in members} | in_batch
    signatures |= _stored_signatures(session, nodes - signatures.keys())
    groups = _Groups(batch)
    for copy, original in originals.items():  # already one group: never compared again
        groups.join(copy, original)
    misses: set[tuple[int, int]] = set()
    rows = _SignatureRows(signatures)
    for key in sorted(buckets):
        _join_bucket(buckets[key], in_batch, rows, groups, originals, misses)
    _join_trimmed(session, misses, signatures, groups)
    linked = _components_with(groups, in_batch)
    changed, original_of = _repoint(session, linked, originals, signatures)
    _trim_buckets(session, buckets, {member: original_of.get(member, originals.get(member, member))
                                     for member in nodes})
    _drop_from_boilerplate(session, {key: read[key] for key in crowded}, in_batch)
    return changed


def _boilerplate(buckets: dict[tuple[int, str], list[int]], in_batch: set[int],
                 originals: dict[int, int]) -> set[tuple[int, str]]:
    """The buckets whose stored rows belong to `BOILERPLATE_GROUPS` groups or more (see there). Counted
    over the rows stored before the batch, so a batch decides as its documents one at a time would, but for
    documents of the batch that would have filled a bucket to the limit between them."""
    return {key for key, members in buckets.items()
            if len({originals.get(m, m) for m in members if m not in in_batch}) >= BOILERPLATE_GROUPS}


def _drop_from_boilerplate(session: Session, buckets: dict[tuple[int, str], list[int]], in_batch: set[int]) -> None:
    """Delete the batch documents' rows from boilerplate buckets: they were not compared there, and the bucket
    keeps only what made it boilerplate, so reading it costs the same however large the store grows."""
    rows = [{"b_band": band, "b_bucket": bucket, "b_document_id": member}
            for (band, bucket), members in sorted(buckets.items()) for member in members if member in in_batch]
    if rows:
        _delete_band_rows(session, rows)


def _repoint(session: Session, linked: list[set[int]], originals: dict[int, int],
             signatures: dict[int, np.ndarray]) -> tuple[set[int], dict[int, int]]:
    """Point each linked group at its original (the earliest published, then the smallest doc_id). A group
    is made of stored groups (each an original with its copies, or a document alone) and new documents; the
    new original is the first of their originals, so only the stored groups led by another original are
    read and rewritten. Returns the documents whose original changed, and each linked node's original."""
    roots = [{originals.get(node, node) for node in group} for group in linked]
    order = _publication_order(session, set().union(*roots))
    original_of: dict[int, int] = {}
    repointed: dict[int, int] = {}  # stale root -> the original its group now follows
    for group, group_roots in zip(linked, roots, strict=True):
        original = min(group_roots, key=lambda document_id: order[document_id])
        original_of |= dict.fromkeys(group, original)
        repointed |= dict.fromkeys(group_roots - {original}, original)
    members = {root: {root} for root in repointed}
    for copy, root in _copies_of(session, repointed):
        members[root].add(copy)
    changed = {member for group in members.values() for member in group}
    signatures |= _stored_signatures(session, (changed | set(repointed.values())) - signatures.keys())
    for chunk in _chunks(changed):
        session.execute(delete(DocumentCopyRow).where(DocumentCopyRow.document_id.in_(chunk)))
    rows = [{"document_id": member, "original_id": original,
             "similarity": minhash.similarity(signatures.get(member, NO_SIGNATURE),
                                                signatures.get(original, NO_SIGNATURE))}
            for root, original in sorted(repointed.items()) for member in sorted(members[root])]
    if rows:
        session.execute(insert(DocumentCopyRow), rows)
    return changed, original_of


def _trim_buckets(session: Session, buckets: dict[tuple[int, str], list[int]], original_of: dict[int, int]) -> None:
    """Keep in each bucket read only the `GROUP_ROWS_PER_BUCKET` smallest document ids of each group."""
    extra: list[dict[str, Any]] = []
    for (band, bucket), members in sorted(buckets.items()):
        by_group: dict[int, list[int]] = {}
        for member in members:  # in id order
            by_group.setdefault(original_of[member], []).append(member)
        extra += [{"b_band": band, "b_bucket": bucket, "b_document_id": member}
                  for group in by_group.values() for member in group[GROUP_ROWS_PER_BUCKET:]]
    if extra:
        _delete_band_rows(session, extra)


def _delete_band_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Delete these (b_band, b_bucket, b_document_id) rows of document_bands: one statement, run per row."""
    session.connection().execute(delete(DocumentBandRow).where(
        DocumentBandRow.band == bindparam("b_band"), DocumentBandRow.bucket == bindparam("b_bucket"),
        DocumentBandRow.document_id == bindparam("b_document_id")), rows)


def _join_bucket(members: Sequence[int], in_batch: set[int], rows: _SignatureRows, groups: _Groups,
                 originals: dict[int, int], misses: set[tuple[int, int]]) -> None:
    """Join each batch document of one bucket to the bucket's other groups it is a near-duplicate of: a group
    is compared member by member until one is close enough, and once joined it is never compared again (a
    document's similarities to the bucket are computed at once, when it has some other group to compare
    with). A stored group none of whose members here is close enough goes into `misses` (the document, the
    group's original) when its rows here may have been trimmed (see `_join_trimmed`): a trimmed bucket keeps
    `GROUP_ROWS_PER_BUCKET` rows of the group, and groups only ever grow, so one listed fewer times is whole."""
    if len(members) < 2:
        return
    by_root: dict[int, list[int]] = {}
    for member in members:
        by_root.setdefault(groups.root(member), []).append(member)
    rows_of = Counter(originals.get(member, member) for member in members if member not in in_batch)
    for document_id in members:
        if document_id not in in_batch or len(by_root) < 2:
            continue  # two stored documents were compared when the later of them arrived
        mine = groups.root(document_id)
        close: dict[int, float] = {}
        for root in list(by_root):
            if root == mine or root not in by_root:
                continue
            if not close:
                close = rows.close_to(document_id, members)
            if any(close[other] >= COPY_THRESHOLD for other in by_root[root]):
                joined = by_root.pop(root) + by_root.pop(mine)
                groups.join(document_id, root)
                mine = groups.root(document_id)
                by_root[mine] = joined
            else:
                misses |= {(document_id, group) for other in by_root[root] if other not in in_batch
                           and rows_of[group := originals.get(other, other)] >= GROUP_ROWS_PER_BUCKET}


def _join_trimmed(session: Session, misses: set[tuple[int, int]], signatures: dict[int, np.ndarray],
                  groups: _Groups) -> None:
    """Compare each missed document with the members of the missed group that its buckets no longer list: a
    group large enough to have been trimmed is read whole, and a member counts as the bucket-mate it was
    when it shares a band with the document (the same minima: the same bucket key). So a document joins
    exactly the groups that comparing it with every untrimmed bucket-mate would join it to."""
    pending = sorted((document_id, original) for document_id, original in misses
                     if groups.root(document_id) != groups.root(original))
    if not pending:
        return
    members: dict[int, set[int]] = {original: {original} for _, original in pending}
    for copy, original in _copies_of(session, members):
        members[original].add(copy)
    trimmed = {original for original, group in members.items() if len(group) > GROUP_ROWS_PER_BUCKET}
    signatures |= _stored_signatures(session, {m for o in trimmed for m in members[o]} - signatures.keys())
    for document_id, original in pending:
        if original not in trimmed or groups.root(document_id) == groups.root(original):
            continue
        mine = signatures[document_id]
        for member in sorted(members[original]):
            theirs = signatures.get(member, NO_SIGNATURE)
            if minhash.share_band(mine, theirs) and minhash.similarity(mine, theirs) >= COPY_THRESHOLD:
                groups.join(document_id, member)
                break


def _components_with(groups: _Groups, document_ids: set[int]) -> list[set[int]]:
    """The groups holding at least one of `document_ids`."""
    return [group for group in groups.components() if not group.isdisjoint(document_ids)]


def _sign_many(session: Session, documents: Sequence[DocumentRow]
               ) -> tuple[dict[int, np.ndarray], dict[int, list[tuple[int, str]]]]:
    """The documents' signatures and LSH bands, those not signed yet signed and stored (Core bulk inserts:
    a batch of one-sentence reports writes 32 band rows per document)."""
    ids = sorted({d.id for d in documents})
    signatures = _stored_signatures(session, ids)
    new = {d.id: minhash.signature(d.text) for d in documents if d.id not in signatures}
    keys = {i: minhash.bands(sig) for i, sig in sorted((signatures | new).items())}
    if new:
        connection = session.connection()
        connection.execute(insert(DocumentSignatureRow), [{"document_id": i, "signature": minhash.pack(sig)}
                                                          for i, sig in sorted(new.items())])
        bands = [{"band": band, "bucket": bucket, "document_id": i} for i in sorted(new) for band, bucket in keys[i]]
        if bands:
            connection.execute(insert(DocumentBandRow), bands)
    return signatures | {i: minhash.as_array(sig) for i, sig in new.items()}, keys


def _bucket_members(session: Session, keys: set[tuple[int, str]]
                    ) -> tuple[dict[tuple[int, str], list[int]], dict[int, int]]:
    """The stored documents in each of these (band, bucket) keys, in id order, and the stored original of
    each of them that is a copy: one indexed query per band and chunk of buckets, reading as many rows as
    the buckets hold, each with its copy row (an index search in the same statement, not a second query
    over thousands of ids). The rows come in the order of the band index, (bucket, document id), so a
    bucket's rows are consecutive and already in id order (SQLite sorts nothing: it reads the index in that
    order); they are fetched as the DB-API cursor gives them, plain tuples, without SQLAlchemy's Row objects,
    as the buckets of a large store hold a few thousand rows a step (10,000 one-sentence reports: 4,400)."""
    by_band: dict[int, list[str]] = {}
    for band, bucket in keys:
        by_band.setdefault(band, []).append(bucket)
    members: dict[tuple[int, str], list[int]] = {}
    originals: dict[int, int] = {}
    query = (select(DocumentBandRow.bucket, DocumentBandRow.document_id, DocumentCopyRow.original_id)
             .outerjoin(DocumentCopyRow, DocumentCopyRow.document_id == DocumentBandRow.document_id)
             .where(DocumentBandRow.band == bindparam("band"),
                    DocumentBandRow.bucket.in_(bindparam("buckets", expanding=True)))
             .order_by(DocumentBandRow.bucket, DocumentBandRow.document_id))
    connection = session.connection()  # Core: the rows are plain triples, read by the hundred thousand
    for band in sorted(by_band):
        for chunk in _text_chunks(by_band[band]):
            ids: list[int] = []
            last = None
            for bucket, document_id, original_id in _plain_rows(connection.execute(
                    query, {"band": band, "buckets": chunk})):
                if bucket != last:
                    ids = members[(band, bucket)] = []
                    last = bucket
                ids.append(document_id)
                if original_id is not None:
                    originals[document_id] = original_id
    return members, originals


def _plain_rows(result: CursorResult[Any]) -> list[Any]:
    """A result's rows as the DB-API cursor fetches them (columns that need no conversion on either backend:
    integers and text)."""
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _stored_signatures(session: Session, document_ids: Iterable[int]) -> dict[int, np.ndarray]:
    """The stored signatures of these documents, as arrays (Core: plain rows, hundreds a step)."""
    found: dict[int, np.ndarray] = {}
    connection = session.connection()
    for chunk in _chunks(document_ids):
        rows = connection.execute(select(DocumentSignatureRow.document_id, DocumentSignatureRow.signature)
                                  .where(DocumentSignatureRow.document_id.in_(chunk)))
        found |= {document_id: minhash.unpack_array(data) for document_id, data in rows}
    return found


def _copies_of(session: Session, originals: Iterable[int]) -> list[tuple[int, int]]:
    """(copy, original) for each stored copy of these originals."""
    pairs: list[tuple[int, int]] = []
    for chunk in _chunks(originals):
        pairs += [(copy, original) for copy, original in session.execute(
            select(DocumentCopyRow.document_id, DocumentCopyRow.original_id)
            .where(DocumentCopyRow.original_id.in_(chunk)))]
    return pairs


def _publication_order(session: Session, document_ids: Iterable[int]) -> dict[int, tuple[date, str, str]]:
    """What decides which document of a group is the original: the earliest published, then the smallest
    doc_id (then the text's hash, for two stored under one doc_id)."""
    order: dict[int, tuple[date, str, str]] = {}
    for chunk in _chunks(document_ids):
        for document_id, published, doc_id, content_hash in session.execute(
                select(DocumentRow.id, DocumentRow.published, DocumentRow.doc_id, DocumentRow.content_hash)
                .where(DocumentRow.id.in_(chunk))):
            order[document_id] = (published or date.max, doc_id, content_hash)
    return order


class _SignatureRows:
    """The signatures of one reconciliation as arrays (each converted once), compared a bucket at a time."""

    def __init__(self, signatures: dict[int, np.ndarray]) -> None:
        self._signatures = signatures

    def close_to(self, document_id: int, members: Sequence[int]) -> dict[int, float]:
        """`minhash.similarity` of the document with each member (0.0 where either has no words)."""
        found = dict.fromkeys(members, 0.0)
        full = [member for member in members if len(self._signatures[member])]
        if not len(self._signatures[document_id]) or not full:
            return found
        matrix = np.stack([self._signatures[member] for member in full])
        return found | dict(zip(full, minhash.similarities(self._signatures[document_id], matrix).tolist(),
                                strict=True))


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
