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
import re
import struct
from collections.abc import Sequence

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
# A Mersenne prime above every 64-bit shingle hash: permutations are (a·x + b) mod MERSENNE_PRIME.
MERSENNE_PRIME = (1 << 61) - 1
# The seed the permutation coefficients are derived from; changing it invalidates stored signatures.
PERMUTATION_SEED = b"sitrep-minhash-v1"
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


def shingles(text: str) -> set[int]:
    """The 64-bit hashes of the text's `SHINGLE_WORDS`-word shingles (the whole text when shorter)."""
    words = [w.lower() for w in WORD.findall(text)]
    if not words:
        return set()
    width = min(SHINGLE_WORDS, len(words))
    return {int.from_bytes(hashlib.blake2b(" ".join(words[i:i + width]).encode("utf-8"), digest_size=8).digest(),
                           "big") for i in range(len(words) - width + 1)}


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of `text`: `PERMUTATIONS` minima; empty for a text without words."""
    hashes = shingles(text)
    if not hashes:
        return ()
    return tuple(min((a * x + b) % MERSENNE_PRIME for x in hashes) for a, b in COEFFICIENTS)


def similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets (0.0 when either is empty)."""
    if not first or not second:
        return 0.0
    return sum(1 for x, y in zip(first, second, strict=True) if x == y) / len(first)


def bands(sig: Sequence[int]) -> list[tuple[int, str]]:
    """(band number, bucket key) for each LSH band of a signature."""
    keys = []
    for band in range(BANDS if sig else 0):
        rows = sig[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND]
        packed = struct.pack(f">{len(rows)}Q", *rows)
        keys.append((band, hashlib.blake2b(packed, digest_size=BUCKET_BYTES).hexdigest()))
    return keys


def pack(sig: Sequence[int]) -> bytes:
    return _PACKING.pack(*sig) if sig else b""


def unpack(data: bytes) -> tuple[int, ...]:
    return _PACKING.unpack(data) if data else ()
