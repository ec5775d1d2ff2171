"""The words of English date expressions and the regular-expression pieces built from them.

Month names and weekday abbreviations are matched case-sensitively ("May" the month, not "may" the verb;
"Sat" the day, not "sat"); everything else is matched without regard to case.
"""

from __future__ import annotations

NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "couple of": 2,
}

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# Abbreviations that are not also ordinary English words: safe on their own.
WEEKDAY_ABBREVIATIONS: dict[str, int] = {"tue": 1, "tues": 1, "thu": 3, "thur": 3, "thurs": 3, "fri": 4}
# Abbreviations that are also words or names ("sat", "wed", "Sun", "Mon"): a date only with a full stop
# or inside a longer date expression.
AMBIGUOUS_WEEKDAY_ABBREVIATIONS: dict[str, int] = {"mon": 0, "wed": 2, "sat": 5, "sun": 6}

# Where in a month "early", "mid" and "late" fall (first and last day; None = the month's last day).
# Early = days 1-10 (midpoint the 5th), mid = 11-20 (the 15th), late = 21-end (the 25th or 26th).
MONTH_PARTS: dict[str, tuple[int, int | None]] = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}
PART_WORDS: dict[str, str] = {
    "early": "early",
    "beginning": "early",
    "start": "early",
    "mid": "mid",
    "middle": "mid",
    "late": "late",
    "end": "late",
}


def _alternatives(words: list[str]) -> str:
    """A regex alternation, longest first so that "Thurs" is preferred to "Thu"."""
    return "|".join(sorted(words, key=len, reverse=True))


def _cased(words: list[str]) -> list[str]:
    """Title-case and upper-case spellings ("July", "JULY") for case-sensitive matching."""
    return [w.title() for w in words] + [w.upper() for w in words]


NUMBER_RE = r"(?:\d{1,2}|" + _alternatives(list(NUMBER_WORDS)).replace(" ", r"\s+") + ")"
MONTH_RE = (
    "(?-i:"
    + _alternatives(_cased(list(MONTHS)))
    + "|(?:"
    + _alternatives(_cased(list(MONTH_ABBREVIATIONS)))
    + r")\.?)"
)
WEEKDAY_RE = (
    "(?:"
    + _alternatives(list(WEEKDAYS))
    + "|(?-i:"
    + _alternatives(_cased([*WEEKDAY_ABBREVIATIONS, *AMBIGUOUS_WEEKDAY_ABBREVIATIONS]))
    + r")\.?)"
)
STANDALONE_WEEKDAY_RE = (
    "(?:"
    + _alternatives(list(WEEKDAYS))
    + "|(?-i:"
    + _alternatives(_cased(list(WEEKDAY_ABBREVIATIONS)))
    + r")\.?|(?-i:"
    + _alternatives(_cased(list(AMBIGUOUS_WEEKDAY_ABBREVIATIONS)))
    + r")\.)"
)
DAY_RE = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"
ORDINAL_SUFFIX_RE = r"(?:st|nd|rd|th)"
YEAR_RE = r"(?:19|20)\d{2}(?!\d)"
TIME_OF_DAY_RE = r"(?:\s+(?:morning|afternoon|evening|night))?"
PART_RE = r"(?:(?P<part>early|late|mid|(?:the\s+)?(?:end|beginning|start|middle)\s+of)(?:\s+|-))?"
RANGE_DASH_RE = r"\s*(?:-|–|—|to|through|until|till)\s*"


def number_value(word: str) -> int:
    """The value of a matched number ("3", "three", "a couple of")."""
    key = " ".join(word.lower().split())
    return int(key) if key.isdigit() else NUMBER_WORDS[key]


def month_number(word: str) -> int:
    """The month (1-12) of a matched month name or abbreviation ("July", "Jul.", "SEPT")."""
    key = word.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBREVIATIONS[key]


def weekday_number(word: str) -> int:
    """The weekday (Monday 0 ... Sunday 6) of a matched weekday name or abbreviation."""
    key = word.lower().rstrip(".")
    for table in (WEEKDAYS, WEEKDAY_ABBREVIATIONS, AMBIGUOUS_WEEKDAY_ABBREVIATIONS):
        if key in table:
            return table[key]
    raise KeyError(word)


def part_of_month(phrase: str) -> str:
    """'early', 'mid' or 'late' for a matched part phrase ("the end of" -> 'late')."""
    words = phrase.lower().replace("-", " ").split()
    return next(PART_WORDS[w] for w in words if w in PART_WORDS)
