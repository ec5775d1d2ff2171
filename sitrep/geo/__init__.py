"""The geoparser: find every place a report names and put it on the map."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sitrep.geo.detect import detect_mentions
from sitrep.geo.gazetteer import Gazetteer, load_gazetteer
from sitrep.geo.resolve import resolve_mentions
from sitrep.model import PlaceMention

__all__ = ["Gazetteer", "find_places", "load_gazetteer"]


def find_places(text: str, *, gazetteer: Gazetteer, nlp: Any | None = None, doc: Any | None = None,
                doc_id: str = "", exclude: Iterable[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Every place mention in `text`, resolved. Pass the spaCy pipeline (`nlp`) or its analysis of this
    very text (`doc`) for better detection; without either, detection uses capitalisation alone."""
    if doc is None and nlp is not None and text:
        doc = nlp(text)
    mentions = detect_mentions(text, gazetteer, doc, doc_id=doc_id, exclude=exclude)
    resolved = resolve_mentions(text, mentions, gazetteer)
    # found only because the gazetteer had a like-sounding name, then not placed: no evidence it is a place
    return [r for r in resolved if r.resolved or r.mention.cues != ("gazetteer",)]
