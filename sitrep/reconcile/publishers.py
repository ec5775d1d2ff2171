"""Who originally published a report: wire copies ("Reuters report, as published by Gulf Times") name the
wire, and a source's qualifiers ("Syrian Perspective (SyrPer), author Canthama") are dropped, so that one
publisher counts once however its reports reached the store."""

from __future__ import annotations

import re
from functools import lru_cache

# News agencies whose stories newspapers reprint: a source naming one of these first is that agency.
WIRE_AGENCIES = ("reuters", "afp", "agence france-presse", "associated press", "ap", "anadolu", "sana", "tass",
                 "dpa", "xinhua")
# Where a source's name ends and its qualifiers begin: "(", ",", a quoted title or " as published by".
QUALIFIER = re.compile(r"\s*(?:\(|,|\s\"|\bas published by\b|\brepublished by\b).*$", re.IGNORECASE | re.DOTALL)
# Trailing words that describe the item rather than the publisher.
ITEM_WORDS = re.compile(r"\s+(?:report|feature|article|english)$", re.IGNORECASE)


# Source names whose normalised publisher is remembered: reconciling a batch reads the same few sources for
# thousands of reports (each normalisation is a dozen regular-expression matches).
PUBLISHER_CACHE_SIZE = 4096


def publisher_of(source: str | None, doc_id: str) -> str:
    """A normalised publisher key for a document's source; the doc_id when the source is unknown."""
    return _publisher_name(source or "") or f"document:{doc_id}"


@lru_cache(maxsize=PUBLISHER_CACHE_SIZE)
def _publisher_name(source: str) -> str:
    name = source.strip().strip('"').lower()
    for wire in WIRE_AGENCIES:
        if re.match(rf"{re.escape(wire)}\b", name):
            return wire
    name = QUALIFIER.sub("", name).strip().strip('"')
    while ITEM_WORDS.search(name):
        name = ITEM_WORDS.sub("", name)
    return name
