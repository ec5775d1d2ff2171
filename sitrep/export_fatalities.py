"""Fatalities as ACLED codes them, from the reports' own counts ("killed at least 20", "three soldiers were
killed", "the death toll rose to 45"): a report's largest figure (its total), the lowest figure when
sources differ (ACLED's conservative rule). Vague quantities ("dozens", "scores") give no number."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from sitrep.model import Event

# Numbers written as words in casualty counts ("killing three soldiers"); "a"/"an" counts one only right
# after a verb of killing ("killing a child"). Vague quantities ("dozens", "scores", "several") have no
# number: ACLED leaves such counts out, and so does sitrep.
NUMBER_WORDS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_NUMBER: Final = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})"
# A bound before the number; ACLED codes the number given ("at least 20" is 20).
_BOUND: Final = r"(?:at\s+least|more\s+than|over|some|about|around|nearly|almost|up\s+to|as\s+many\s+as)\s+"
# Who is counted: a word or two of people after the number ("20 civilians", "three Syrian soldiers").
_COUNTED: Final = (r"(?:\s+[A-Za-z-]+){0,2}?\s+(?:people|persons|civilians|soldiers|troops|fighters|militants|"
                   r"rebels|members|men|women|children|personnel|gunmen|insurgents|terrorists|others|residents|"
                   r"officers|servicemen|policemen|jihadists|combatants|individuals|victims)")
# "killing/killed/kills (at least) N", "N (people) were killed / died / dead", "leaving N (people) dead",
# "death toll ... to N". Only the first takes "a"/"an" as one ("killing a child").
KILLED_PATTERN: Final = re.compile(rf"\bkill(?:ed|ing|s)?\s+(?:{_BOUND})?(?P<n>{_NUMBER}|an?)\b", re.IGNORECASE)
FATALITY_PATTERNS: Final = (
    KILLED_PATTERN,
    re.compile(rf"\b(?:{_BOUND})?(?P<n>{_NUMBER}){_COUNTED}\s+(?:were\s+|have\s+been\s+|had\s+been\s+|was\s+)?"
               r"(?:killed|dead|died|slain|executed)\b", re.IGNORECASE),
    re.compile(rf"\b(?P<n>{_NUMBER})\s+(?:dead|killed|deaths|fatalities)\b", re.IGNORECASE),
    re.compile(rf"\b(?:left|leaving)\s+(?:{_BOUND})?(?P<n>{_NUMBER})(?:{_COUNTED})?\s+dead\b", re.IGNORECASE),
    re.compile(rf"\bdeath\s+toll\b[^.]{{0,40}}?\b(?:to|at|of|reached)\s+(?:{_BOUND})?(?P<n>{_NUMBER})\b",
               re.IGNORECASE),
)


def _number(text: str) -> int | None:
    word = text.lower().replace(",", "")
    if word in ("a", "an"):
        return 1
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def fatalities_in(text: str) -> int | None:
    """The deaths one report's text counts: the largest figure it gives (a report's total usually comes
    with its parts), None when it gives none ("dozens killed", "casualties")."""
    found = [_number(match.group("n")) for pattern in FATALITY_PATTERNS for match in pattern.finditer(text)]
    counts = [n for n in found if n is not None]
    return max(counts) if counts else None


def fatalities_of(reports: Iterable[Event]) -> int | None:
    """A happening's fatalities from its reports' counts: the lowest figure when sources differ (ACLED's
    conservative rule); None when no report gives a number."""
    counts = [n for n in (fatalities_in(e.evidence) for e in reports) if n is not None]
    return min(counts) if counts else None
