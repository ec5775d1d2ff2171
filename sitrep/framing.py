"""Framing: the loaded language a source uses, found with a lexicon of phrases by propaganda technique.

The lexicon (`sitrep/data/framing.tsv`, extendable with user files) maps phrases to six techniques:
name_calling ("terrorists", "Assad's militias"), loaded_language ("liberated", "massacre"), flag_waving
("our heroes"), exaggeration ("hundreds of thousands"), doubt ("so-called", scare quotes as in
“moderate”) and euphemism ("reconciliation"). `find_framing` returns each occurrence as a span.

Compounds are one span: a listed compound ("NATO-backed terrorists") wins as the longest match, a label
after any "X-backed" is widened to take it in ("Saudi-backed mercenaries"), and neighbouring phrases of
the same technique are joined ("takfiri terrorists").

Quotations are kept simple: every phrase is flagged, also inside quotation marks, because partisan
reports put their own labels in quotes as often as they quote others. A span inside a quotation says
`quoted=True`, so that a caller can discount words a source attributes to someone else.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from sitrep.phrases import HYPHENS, LexiconError, PhraseMatcher, read_tsv

DEFAULT_LEXICON: Final = Path(__file__).parent / "data" / "framing.tsv"
LEXICON_COLUMNS: Final = ("phrase", "technique", "note")

NAME_CALLING: Final = "name_calling"
TECHNIQUES: Final = frozenset(
    {NAME_CALLING, "loaded_language", "flag_waving", "exaggeration", "doubt", "euphemism"}
)
# The technique of a name that holds a framing word but frames nothing ("Palestine Liberation Army"):
# matched, so that its words are not flagged, then dropped.
NOT_FRAMING: Final = "none"

# The longest quotation, in characters, whose words are marked `quoted`; longer "quotations" are more
# likely unpaired quotation marks than one person's words.
MAX_QUOTATION_CHARS: Final = 600

_HYPHEN: Final = "[" + re.escape(HYPHENS) + "]"
# Before a name-calling label: "Saudi-backed ", "Gulf-funded " — taken into the label's span.
_BACKER_PREFIX: Final = re.compile(
    rf"(?<![\w.])[A-Za-z][\w.]*{_HYPHEN}(?:backed|sponsored|funded|supported|armed)\s+$", re.IGNORECASE
)
# The longest backer prefix looked at, in characters.
MAX_BACKER_PREFIX: Final = 40
# Between two phrases of one technique that make one compound: spaces or a hyphen, no punctuation.
_JOINER: Final = re.compile(rf"[^\S\n]*{_HYPHEN}?[^\S\n]*")
# Quotations: double quotes of any style, within one paragraph.
_QUOTATION: Final = re.compile(
    rf"“[^”\n]{{1,{MAX_QUOTATION_CHARS}}}”|\"[^\"\n]{{1,{MAX_QUOTATION_CHARS}}}\"|«[^»\n]{{1,{MAX_QUOTATION_CHARS}}}»"
)


@dataclass(frozen=True, slots=True)
class FramingEntry:
    """One lexicon row."""

    phrase: str
    technique: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class FramingSpan:
    """Loaded language found in a text. `text[start:end] == surface`."""

    start: int
    end: int
    surface: str
    technique: str
    phrase: str  # the lexicon phrase (phrases joined by " + " for a compound)
    note: str = ""
    quoted: bool = False  # inside a quotation: perhaps someone else's words


class FramingLexicon:
    """The framing phrases, with one matcher over all of them."""

    def __init__(self, entries: Iterable[FramingEntry]) -> None:
        self.entries: tuple[FramingEntry, ...] = tuple(entries)
        self.matcher = PhraseMatcher([entry.phrase for entry in self.entries])

    def __len__(self) -> int:
        return len(self.entries)


def load_framing_lexicon(path: Path | None = None, extra: Iterable[Path] = ()) -> FramingLexicon:
    """Read the built-in lexicon (or `path`) and the `extra` files; a later row for a phrase wins.

    Raises `LexiconError` for an unreadable file or an unknown technique.
    """
    entries: list[FramingEntry] = []
    for file in (path or DEFAULT_LEXICON, *extra):
        for row in read_tsv(file, LEXICON_COLUMNS):
            if row["technique"] not in TECHNIQUES | {NOT_FRAMING}:
                raise LexiconError(
                    f"{row['_line']}: unknown technique {row['technique']!r} "
                    f"(one of {', '.join(sorted(TECHNIQUES))} or {NOT_FRAMING})"
                )
            if row["phrase"]:
                entries.append(FramingEntry(row["phrase"], row["technique"], row["note"]))
    return FramingLexicon(entries)


@functools.cache
def default_framing_lexicon() -> FramingLexicon:
    """The built-in lexicon, read on first use and then kept."""
    return load_framing_lexicon()


def find_framing(text: str, lexicon: FramingLexicon | None = None) -> list[FramingSpan]:
    """Every framing phrase in `text`, left to right, compounds as one span; linear in the text's length."""
    lexicon = lexicon or default_framing_lexicon()
    spans: list[FramingSpan] = []
    for m in lexicon.matcher.finditer(text):
        entry = lexicon.entries[m.index]
        if entry.technique != NOT_FRAMING:
            floor = spans[-1].end if spans else 0
            spans.append(_widen_backer(text, _span(text, entry, m.start, m.end), floor))
    return _mark_quoted(text, _join_compounds(text, spans))


def _span(text: str, entry: FramingEntry, start: int, end: int) -> FramingSpan:
    return FramingSpan(start, end, text[start:end], entry.technique, entry.phrase, entry.note)


def _widen_backer(text: str, span: FramingSpan, floor: int) -> FramingSpan:
    """Take an "X-backed" before a name-calling label into its span ("Saudi-backed terrorists").

    The span never reaches back before `floor`, the end of the span found before it.
    """
    if span.technique != NAME_CALLING:
        return span
    before = _BACKER_PREFIX.search(text, max(floor, span.start - MAX_BACKER_PREFIX), span.start)
    if before is None:
        return span
    return replace(span, start=before.start(), surface=text[before.start() : span.end])


def _join_compounds(text: str, spans: list[FramingSpan]) -> list[FramingSpan]:
    """Join neighbouring spans of one technique separated only by spaces or a hyphen."""
    joined: list[FramingSpan] = []
    for span in spans:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.technique == span.technique
            and _JOINER.fullmatch(text, last.end, span.start)
        ):
            joined[-1] = replace(
                last,
                end=span.end,
                surface=text[last.start : span.end],
                phrase=f"{last.phrase} + {span.phrase}",
            )
        else:
            joined.append(span)
    return joined


def _mark_quoted(text: str, spans: list[FramingSpan]) -> list[FramingSpan]:
    """Mark the spans that lie inside a quotation (not counting a span's own scare quotes)."""
    if not spans:
        return spans
    quotations = [(m.start(), m.end()) for m in _QUOTATION.finditer(text)]
    starts = [start for start, _ in quotations]
    marked = []
    for span in spans:
        i = bisect.bisect_left(starts, span.start) - 1  # the last quotation opening before the span
        inside = i >= 0 and quotations[i][1] > span.end
        marked.append(replace(span, quoted=True) if inside else span)
    return marked
