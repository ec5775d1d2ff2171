"""The records that date finding returns: a `Resolution` (what a date expression means) and a
`DateMention` (where it stands in the text and what it means)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# ACLED's time precision codes, as the evaluation kit uses them.
PRECISION_DAY = 1  # the day is known
PRECISION_WEEK = 2  # the week (or a stretch of about ten days) is known; the date is its midpoint
PRECISION_MONTH = 3  # only the month is known; the date is its midpoint

# How an expression was anchored.
KIND_ABSOLUTE = "absolute"  # names its own year ("28 July 2016", "July 2016", "28/07/2016")
KIND_RELATIVE = "relative"  # resolved against the publication date, never after it
KIND_FUTURE = "future"  # resolved against the publication date, after it ("next Friday", "tomorrow")
KIND_SPAN = "span"  # a stretch of days that ends on the publication date ("for 3 days straight")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a date expression means: a day, how precisely it is known, and how it was anchored.

    `span_days` is how many days the expression covers starting at `day` (1 for a single day; 3 for
    "for 3 days straight"; 2 for "Thursday to Friday").
    """

    day: date
    precision: int
    kind: str
    span_days: int = 1


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a text. `text[start:end] == surface`."""

    start: int
    end: int
    surface: str
    day: date
    precision: int
    kind: str
    span_days: int = 1

    @property
    def last_day(self) -> date:
        """The last day the expression covers (equal to `day` unless it names a stretch of days)."""
        return self.day + timedelta(days=self.span_days - 1)
