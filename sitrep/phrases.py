"""Phrase lists compiled into one regular expression, and the TSV files they are read from.

The actor catalogue and the framing lexicon both find hundreds of phrases in texts of any size. Searching
each phrase in turn would cost phrases x text; instead `PhraseMatcher` merges all phrases into one trie
shaped regular expression, so each position of the text is tried once against a branch on its first
character. The regex engine then scans the text once (linear in its length), and at each start returns
the longest phrase that matches there.

How a phrase is matched, so that lexicon authors can write each name once:
- case is ignored, except in abbreviations of two or more capitals and no lower-case letter ("SAA",
  "IS", "U.S."): "is" is not the Islamic State;
- an apostrophe-like character (' ’ ‘ ` ʼ ʿ) is optional and matches any other: "Ba'ath" finds "Baath",
  "Ba`ath" and "Ba’ath";
- a hyphen matches a hyphen, a space or nothing ("al-Quds", "al Quds", "alQuds"); a space matches spaces,
  a hyphen or one line break, and may follow a possessive 's ("Assad forces" finds "Assad's forces");
- the phrase may take a plural -s or -es ("rebel" finds "rebels");
- a final `*` matches the rest of the word ("liberat*" finds "liberated", "liberation");
- a phrase wrapped in double quotes matches only between quotation marks of any style ('"moderate"' finds
  “moderate” and 'moderate', quotes included).
A match must start and end on word boundaries; a possessive 's after it is left out of the match.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sitrep.errors import DataFileError

APOSTROPHES: Final = "'’‘`ʼʿʾ´"
HYPHENS: Final = "-‐‑"
OPENING_QUOTES: Final = "\"“„«'‘"
CLOSING_QUOTES: Final = "\"”»'’"

# Regex fragments, one per kind of character in a phrase.
_LINE_SPACE: Final = r"[^\S\n]"  # whitespace that does not end a line
_HYPHEN_CLASS: Final = "[" + re.escape(HYPHENS) + "]"
# Between two words: spaces and/or one hyphen, and at most one line break (reports wrap long names).
_SEPARATOR_BODY: Final = rf"{_LINE_SPACE}*(?:{_HYPHEN_CLASS}{_LINE_SPACE}*)?(?:\n{_LINE_SPACE}*)?"
_POSSESSIVE: Final = "(?:[" + re.escape(APOSTROPHES) + "][sS])?"
_SPACE_UNIT: Final = rf"{_POSSESSIVE}(?=[\s{re.escape(HYPHENS)}]){_SEPARATOR_BODY}"
_HYPHEN_UNIT: Final = _SEPARATOR_BODY  # may be empty: "al-Quds" also finds "alQuds"
_APOSTROPHE_UNIT: Final = "[" + re.escape(APOSTROPHES) + "]?"
_OPEN_QUOTE_UNIT: Final = "[" + re.escape(OPENING_QUOTES) + "]"
_CLOSE_QUOTE_UNIT: Final = "[" + re.escape(CLOSING_QUOTES) + "]"
_WORD_REST_UNIT: Final = r"\w*"
_PLURAL_TAIL: Final = "(?:[eE]?[sS])?"
_ABBREVIATION_PLURAL_TAIL: Final = "s?"  # "SAAs", but never "SAAS"
_END_BOUNDARY: Final = r"(?!\w)"
_START_BOUNDARY: Final = r"(?<!\w)"

# The least number of capitals that makes a phrase an abbreviation matched with its case ("IS", "SAA").
MIN_ABBREVIATION_CAPITALS: Final = 2


class LexiconError(DataFileError):
    """A lexicon data file (actor catalogue, framing lexicon) is missing, unreadable or malformed."""


def read_tsv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """Read a tab-separated data file: `#` lines are comments, the first other line names the columns.

    Every name in `columns` must be present; extra columns are kept; missing trailing cells read as "".
    Raises `LexiconError` naming the file and line for anything malformed.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise LexiconError(f"cannot read lexicon {path}: {e}") from e
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise LexiconError(f"lexicon {path} has no header line")
    reader = csv.reader((line for _, line in numbered), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [cell.strip() for cell in next(reader)]
    missing = [c for c in columns if c not in header]
    if missing:
        raise LexiconError(f"lexicon {path} lacks column(s) {', '.join(missing)}")
    rows = []
    for (number, _), cells in zip(numbered[1:], reader, strict=True):
        if len(cells) > len(header):
            raise LexiconError(f"{path}:{number}: {len(cells)} cells for {len(header)} columns")
        padded = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
        row = dict(zip(header, padded, strict=True))
        row["_line"] = f"{path}:{number}"
        rows.append(row)
    return rows


def split_list(cell: str) -> list[str]:
    """The `|`-separated items of a cell, stripped, without empty ones."""
    return [item.strip() for item in cell.split("|") if item.strip()]


def is_abbreviation(phrase: str) -> bool:
    """True for phrases matched with their case: no lower-case letter and at least two capitals."""
    capitals = sum(ch.isupper() for ch in phrase)
    return capitals >= MIN_ABBREVIATION_CAPITALS and not any(ch.islower() for ch in phrase)


def _letter_unit(ch: str, keep_case: bool) -> str:
    lower, upper = ch.lower(), ch.upper()
    if keep_case or lower == upper or len(lower) != 1 or len(upper) != 1:
        return re.escape(ch)
    return f"[{lower}{upper}]"


def phrase_units(phrase: str) -> tuple[str, ...]:
    """The regex fragments that together match `phrase`, one per character (see the module docstring)."""
    quoted = len(phrase) > 2 and phrase[0] == phrase[-1] == '"'
    body = phrase[1:-1] if quoted else phrase
    keep_case = is_abbreviation(body)
    units: list[str] = [_OPEN_QUOTE_UNIT] if quoted else []
    words = body.split()
    for w, word in enumerate(words):
        if w:
            units.append(_SPACE_UNIT)
        for i, ch in enumerate(word):
            if ch in APOSTROPHES:
                units.append(_APOSTROPHE_UNIT)
            elif ch in HYPHENS:
                units.append(_HYPHEN_UNIT)
            elif ch == "*" and w == len(words) - 1 and i == len(word) - 1:
                units.append(_WORD_REST_UNIT)
            else:
                units.append(_letter_unit(ch, keep_case))
    if quoted:
        units.append(_CLOSE_QUOTE_UNIT)
    return tuple(units)


def _phrase_tail(phrase: str) -> str:
    """What may follow the phrase's last character: a plural ending for words, nothing after a `*`."""
    if phrase.endswith(("*", '"')) or not phrase[-1:].isalpha():
        return _END_BOUNDARY
    if is_abbreviation(phrase):
        return _ABBREVIATION_PLURAL_TAIL + _END_BOUNDARY
    return _PLURAL_TAIL + _END_BOUNDARY


@dataclass
class _Node:
    children: dict[str, _Node]
    payload: int = -1  # index of the phrase that ends here, -1 for none
    tail: str = ""
    depth: int = 0  # the most units below this node, to try longer phrases first


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """One phrase found: `text[start:end]` and the index of the phrase in the matcher's list."""

    start: int
    end: int
    index: int


class PhraseMatcher:
    """Finds many phrases in a text at once, leftmost first and longest at each start, never overlapping.

    Phrases are given in order; when two phrases are written the same way (after the spelling rules of
    this module), the later one wins, so that user lexicons can override built-in ones.
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases: tuple[str, ...] = tuple(phrases)
        root = _Node(children={})
        for index, phrase in enumerate(self.phrases):
            if phrase.strip(' "*'):
                self._insert(root, phrase, index)
        _measure(root)
        body = _emit(root) if root.children else "(?!)"
        self._pattern = re.compile(_START_BOUNDARY + "(?:" + body + ")")

    @staticmethod
    def _insert(root: _Node, phrase: str, index: int) -> None:
        node = root
        for unit in phrase_units(phrase):
            node = node.children.setdefault(unit, _Node(children={}))
        node.payload = index
        node.tail = _phrase_tail(phrase)

    def finditer(self, text: str) -> Iterator[PhraseMatch]:
        """Every phrase occurrence in `text`, left to right; linear in the length of the text."""
        for m in self._pattern.finditer(text):
            name = m.lastgroup
            if name is None:  # cannot happen: every alternative ends in a named group
                continue
            yield PhraseMatch(m.start(), m.end(), int(name[1:]))


def _measure(node: _Node) -> int:
    node.depth = max((1 + _measure(child) for child in node.children.values()), default=0)
    return node.depth


def _emit(node: _Node) -> str:
    """The regex for the subtree under `node`: deeper branches first, the phrase ending here last."""
    ordered = sorted(node.children.items(), key=lambda item: -item[1].depth)
    branches = [unit + _emit(child) for unit, child in ordered]
    if node.payload >= 0:
        branches.append(f"{node.tail}(?P<p{node.payload}>)")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
