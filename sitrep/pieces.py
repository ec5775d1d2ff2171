"""Long documents in bounded pieces: parsed and extracted one paragraph-bounded piece at a time, with every
offset mapped back to the whole text, so that time and memory grow with a document's length, not its square.

A document of at most `PIECE_CHARS` characters is one piece and is extracted exactly as before. A longer one
is cut after paragraph breaks ("\\n\\n") into pieces of at most `PIECE_CHARS`; a paragraph longer than that is
cut after its last line break, sentence end or space before the limit. Each piece is extracted as a document
of its own (the first piece's stance, given or inferred, goes to all of them), its events, places and
statements of control are shifted by the piece's start, and ACLED's rule of one event per location, day and
type is applied again across the pieces, as it is within one. `DocumentBudget` bounds what one document may
cost: more characters than `max_chars` is refused before parsing, and extraction stops with a reject once it
has run past `max_seconds` (checked between pieces, each of which takes a bounded time).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, replace
from typing import Any

from sitrep.errors import InputError
from sitrep.events.dedupe import one_per_location_and_day
from sitrep.events.extract import Extraction, Resources, extract, with_stance
from sitrep.model import Document, Event, PlaceMention, Span
from sitrep.settings import Settings

# Characters per piece: about 3,000 words, longer than nearly every news report, blog post or weekly
# brief (the gold documents are all under 7,000), so those are extracted whole; a book-length report is cut
# every 20,000 characters, where the few costs that grow faster than the text (sentence-by-sentence
# lookups over the whole parse) stay small.
PIECE_CHARS = 20_000
# Where a paragraph longer than a piece is cut, in order of preference: after a line break, after a
# sentence's end, after any space.
_CUTS = (re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))


_DEFAULTS = Settings()  # the declared defaults, the budget's own


class DocumentBudgetError(InputError):
    """A document that would cost more than the budget allows (too long, or extraction ran too long)."""


@dataclass(frozen=True, slots=True)
class DocumentBudget:
    """What one document may cost: the settings `max_document_chars` and `max_document_seconds`
    (`sitrep.settings.document_budget`), where their values are explained."""

    max_chars: int = _DEFAULTS.max_document_chars  # characters of text
    max_seconds: float = _DEFAULTS.max_document_seconds  # seconds of parsing and extraction


DEFAULT_BUDGET = DocumentBudget()


def split_pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces covering `text`, each at most `limit` characters, cut after
    paragraph breaks where possible."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = window.rfind("\n\n")
        end = start + cut + 2 if cut > 0 else start + _cut_inside(window)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def _cut_inside(window: str) -> int:
    """Where to cut one paragraph longer than a piece: after the last line break, sentence end or space."""
    for pattern in _CUTS:
        ends = [m.end() for m in pattern.finditer(window)]
        if ends and ends[-1] > len(window) // 2:
            return ends[-1]
    return len(window)


def check_size(document: Document, budget: DocumentBudget) -> None:
    """Refuse a document longer than the budget, before any parsing."""
    if len(document.text) > budget.max_chars:
        raise DocumentBudgetError(f"{len(document.text):,} characters, over the limit of {budget.max_chars:,} "
                                  "(setting max_document_chars)")


def extract_in_pieces(document: Document, resources: Resources, cues: Any, budget: DocumentBudget,
                      started: float | None = None) -> Extraction:
    """`extract` (with statements of control) over a long document, piece by piece; the result's offsets
    index the whole text."""
    from sitrep.control.text import statement_observations

    started = time.perf_counter() if started is None else started
    spans = split_pieces(document.text)
    events: list[Event] = []
    places: list[PlaceMention] = []
    observations: list[Any] = []
    whole = with_stance(document, resources.actors, resources.publishers)  # one stance for every piece
    for number, (start, end) in enumerate(spans):
        if time.perf_counter() - started > budget.max_seconds:
            raise DocumentBudgetError(f"extraction ran past {budget.max_seconds:g} s (setting "
                                      f"max_document_seconds), stopped after piece {number} of {len(spans)}")
        piece = replace(whole, text=document.text[start:end])
        doc = resources.nlp(piece.text)
        result = extract(piece, resources, doc, stance_read=True)
        if number == 0:  # its warnings are the document's
            whole = replace(result.document, text=document.text)
        events += [_shift_event(e, start) for e in result.events]
        places += [_shift_place(p, start) for p in result.places]
        observations += statement_observations(result.document, resources, doc=doc, places=result.places,
                                               cues=cues)
    return Extraction(whole, one_per_location_and_day(events), places, tuple(observations))


def _shift_event(event: Event, offset: int) -> Event:
    if not offset:
        return event
    key = f"{event.event_id}|{offset}"  # ids are made from piece offsets: keep two pieces' ids apart
    return replace(event, event_id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
                   evidence_start=event.evidence_start + offset, evidence_end=event.evidence_end + offset,
                   framing=tuple(_shift_span(s, offset) for s in event.framing))


def _shift_span(span: Span, offset: int) -> Span:
    return replace(span, start=span.start + offset, end=span.end + offset)


def _shift_place(place: PlaceMention, offset: int) -> PlaceMention:
    if not offset:
        return place
    mention = place.mention
    return replace(place, mention=replace(mention, start=mention.start + offset, end=mention.end + offset))
