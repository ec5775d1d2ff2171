"""MinHash signatures of word shingles, and LSH bands over them: finding reposts of one article.

A document's text becomes the set of its overlapping `SHINGLE_WORDS`-word sequences (lower-cased words);
two texts' Jaccard similarity of those sets is estimated by the share of equal minima over
`PERMUTATIONS` seeded hash permutations. Banding the signature (`BANDS` bands of `ROWS_PER_BAND` minima)
makes documents that share any whole band candidates, so a store finds a document's copies with an
indexed lookup instead of comparing it with every stored text. Everything is deterministic: the
permutations come from fixed seeds, the shingle hash is blake2b.
"""

from __future__ import annotations

import hashlib
import operator
import re
import struct
from collections.abc import Sequence

import numpy as np

# Words per shingle: five-word sequences are rare enough that two different articles on the same topic
# share few of them, yet a repost with a changed headline or footer keeps nearly all.
SHINGLE_WORDS = 5
# Hash permutations per signature: the standard error of the Jaccard estimate is about 1/sqrt(128) ≈ 0.09
# at worst (J = 0.5), far less near 0 and 1 where the copy decision is made.
PERMUTATIONS = 128
# LSH banding: 32 bands of 4 minima. Documents become candidates with probability 1-(1-J^4)^32, about 0.5
# at J ≈ 0.42 and above 0.99 at J ≥ 0.7, so no pair near the copy threshold is missed.
BANDS = 32
ROWS_PER_BAND = PERMUTATIONS // BANDS
# Permutations are (a·x + b) mod MERSENNE_PRIME over 32-bit shingle hashes: with a < 2^31 and x < 2^32
# every product fits an unsigned 64-bit integer, so numpy computes all permutations of all shingles at once.
MERSENNE_PRIME = (1 << 31) - 1
SHINGLE_HASH_BYTES = 4
# The seed the permutation coefficients are derived from; changing it invalidates stored signatures.
PERMUTATION_SEED = b"sitrep-minhash-v2"
# Bytes of a band's bucket key (hex-encoded to 16 characters in the store).
BUCKET_BYTES = 8

WORD = re.compile(r"\w+")
_PACKING = struct.Struct(f">{PERMUTATIONS}Q")


def _coefficients() -> tuple[tuple[int, int], ...]:
    pairs = []
    for i in range(PERMUTATIONS):
        digest = hashlib.sha256(PERMUTATION_SEED + i.to_bytes(4, "big")).digest()
        a = int.from_bytes(digest[:8], "big") % (MERSENNE_PRIME - 1) + 1
        b = int.from_bytes(digest[8:16], "big") % MERSENNE_PRIME
        pairs.append((a, b))
    return tuple(pairs)


COEFFICIENTS = _coefficients()
_A = np.array([[a] for a, _ in COEFFICIENTS], dtype=np.uint64)
_B = np.array([[b] for _, b in COEFFICIENTS], dtype=np.uint64)


def shingles(text: str) -> set[int]:
    """The 64-bit hashes of the text's `SHINGLE_WORDS`-word shingles (the whole text when shorter)."""
    words = [w.lower() for w in WORD.findall(text)]
    if not words:
        return set()
    width = min(SHINGLE_WORDS, len(words))
    return {int.from_bytes(hashlib.blake2b(" ".join(words[i:i + width]).encode("utf-8"),
                                           digest_size=SHINGLE_HASH_BYTES).digest(), "big")
            for i in range(len(words) - width + 1)}


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of `text`: `PERMUTATIONS` minima; empty for a text without words."""
    hashes = shingles(text)
    if not hashes:
        return ()
    xs = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    minima = ((_A * xs[None, :] + _B) % np.uint64(MERSENNE_PRIME)).min(axis=1)
    return tuple(int(m) for m in minima)


def similarity(first: Sequence[int] | np.ndarray, second: Sequence[int] | np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets (0.0 when either is empty); each
    a tuple of minima or an array as `as_array` and `unpack_array` give it."""
    if not len(first) or not len(second):
        return 0.0
    if len(first) != len(second):
        raise ValueError(f"signatures of {len(first)} and {len(second)} minima")
    if isinstance(first, np.ndarray) and isinstance(second, np.ndarray):
        return int(np.count_nonzero(first == second)) / len(first)
    return sum(map(operator.eq, first, second)) / len(first)


def similarities(first: np.ndarray, others: np.ndarray) -> np.ndarray:
    """`similarity` of one signature with each row of a matrix of signatures of as many minima (both as
    `as_array` gives them), computed at once: a bucket of a few hundred reports sharing a boilerplate
    shingle costs one array comparison, not a Python loop per member."""
    if others.ndim != 2 or others.shape[1] != first.shape[0]:
        raise ValueError(f"signatures of {others.shape[1:]} and {first.shape[0]} minima")
    counts: np.ndarray = (others == first).sum(axis=1)
    return counts / first.shape[0]


def as_array(sig: Sequence[int]) -> np.ndarray:
    """A signature as an array of unsigned 64-bit minima, for `similarities`."""
    return np.array(sig, dtype=np.uint64)


def share_band(first: Sequence[int] | np.ndarray, second: Sequence[int] | np.ndarray) -> bool:
    """Whether two signatures (tuples or arrays) fall in one LSH bucket of some band (all its minima equal)."""
    if not len(first) or not len(second):
        return False
    if isinstance(first, np.ndarray) and isinstance(second, np.ndarray):
        equal = (first[:BANDS * ROWS_PER_BAND] == second[:BANDS * ROWS_PER_BAND]).reshape(BANDS, ROWS_PER_BAND)
        return bool(equal.all(axis=1).any())
    return any(first[start:start + ROWS_PER_BAND] == second[start:start + ROWS_PER_BAND]
               for start in range(0, BANDS * ROWS_PER_BAND, ROWS_PER_BAND))


def bands(sig: Sequence[int] | np.ndarray) -> list[tuple[int, str]]:
    """(band number, bucket key) for each LSH band of a signature."""
    keys = []
    for band in range(BANDS if len(sig) else 0):
        rows = sig[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND]
        packed = struct.pack(f">{len(rows)}Q", *rows)
        keys.append((band, hashlib.blake2b(packed, digest_size=BUCKET_BYTES).hexdigest()))
    return keys


def pack(sig: Sequence[int]) -> bytes:
    return _PACKING.pack(*sig) if sig else b""


def unpack(data: bytes) -> tuple[int, ...]:
    return _PACKING.unpack(data) if data else ()


def unpack_array(data: bytes) -> np.ndarray:
    """A packed signature straight into the array `as_array` makes of it (empty for no words): read without
    building a tuple of Python integers, since a merge step reads hundreds of stored signatures."""
    return np.frombuffer(data, dtype=">u8").astype(np.uint64) if data else np.empty(0, dtype=np.uint64)
