"""Find date expressions in report text and resolve them against the publication date.

    find_dates(text, published) -> list[DateMention]   every date expression, with offsets, resolved
    resolve_date(expression, published) -> (date, precision) | None   one expression on its own

Precision is ACLED's: 1 day, 2 week (or a ten-day part of a month), 3 month; a week or month is dated
by its midpoint (a month by its 15th). The rules, for a report published on Saturday 2016-07-30:

| expression                                | date        | prec | kind     | rule                           |
|-------------------------------------------|-------------|------|----------|--------------------------------|
| today, tonight, this morning              | 07-30       | 1    | relative | the publication date           |
| yesterday, last night                     | 07-29       | 1    | relative | one day before                 |
| the day before yesterday                  | 07-28       | 1    | relative | two days before                |
| two days ago, 2 days ago                  | 07-28       | 1    | relative | N days before (one..twelve)    |
| a week ago, two weeks ago                 | 07-23       | 2    | relative | 7N days before                 |
| a month ago                               | 06-30       | 3    | relative | same day N months before       |
| last week                                 | 07-21       | 2    | relative | last Mon-Sun week's Thursday   |
| this week, earlier this week              | 07-27       | 2    | relative | midpoint Monday..publication   |
| this month, earlier this month            | 07-15       | 3    | relative | midpoint 1st..publication      |
| last month                                | 06-15       | 3    | relative | 15th of the previous month     |
| early / mid / late last month             | 06-05/15/25 | 2    | relative | days 1-10/11-20/21-end, middle |
| in June, since June                       | 06-15       | 3    | relative | latest June (window below)     |
| (back) in early June, mid-June, late June | 06-05/15/25 | 2    | relative | part of the latest June        |
| June 2016, late June 2016, June-July 2016 | 06-15 / 25  | 3/2  | absolute | as written                     |
| Thursday, on Saturday, Thu., Friday night | 07-28/30/29 | 1    | relative | latest one ON OR BEFORE pub.   |
| this past Thursday, last Thursday         | 07-28       | 1    | relative | latest one STRICTLY BEFORE     |
| next Thursday, this coming Thursday       | 08-04       | 1    | future   | first one strictly after       |
| tomorrow / next week / next month         | 07-31 / ... | 1-3  | future   |                                |
| Thursday to Friday (the night of ...)     | 07-28       | 1    | relative | first day; span_days 2         |
| the 28th, on the 28th, Thursday the 28th  | 07-28       | 1    | relative | see `periods.day_of_month`     |
| for 3 days straight, over the past 3 days | 07-28       | 1    | span     | N days ending at publication   |
| 28 July, July 28th, Thursday, 28 July     | 07-28       | 1    | relative | latest, <= 60 days ahead       |
| 28 July 2016, July 22-29 2016, 28/07/2016 | 07-28       | 1    | absolute | as written (numeric: day 1st)  |

Choices worth knowing:
- A bare weekday reads as the past, because reports tell of the past; "on Saturday" in a Saturday
  report is that Saturday.
- A period still running at publication ("this month", "late July" on 30 July) means its part up to the
  publication date, so that nothing past is dated after the report. Absolute dates are never moved.
- A month or day without a year is the latest one beginning no more than `FUTURE_WINDOW_DAYS` ahead of
  publication (then kind future); "back in June" is never ahead.
- "the 28th" in running text needs a preposition before it ("on the 28th") and no rank-like word after
  it ("the 4th Division"); "June" needs a preposition, a part word or a year ("in June", "early June").
  Month names and weekday abbreviations are case-sensitive ("May" vs "may", "Sat." vs "sat").
- Impossible dates (February 30, "the 31st" when the month in question has 30 days) are skipped.
- Without a publication date only absolute dates are found; relative ones are left out (not returned
  with precision 0), so every returned mention carries a real date.
- Surfaces leave out plain prepositions ("on", "in", "since") but keep words that change the meaning
  ("back in", "this past", "early").
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sitrep.dates.periods import FUTURE_WINDOW_DAYS
from sitrep.dates.records import (
    KIND_ABSOLUTE,
    KIND_FUTURE,
    KIND_RELATIVE,
    KIND_SPAN,
    PRECISION_DAY,
    PRECISION_MONTH,
    PRECISION_WEEK,
    DateMention,
    Resolution,
)
from sitrep.dates.rules import RULES, Rule

__all__ = [
    "FUTURE_WINDOW_DAYS",
    "KIND_ABSOLUTE",
    "KIND_FUTURE",
    "KIND_RELATIVE",
    "KIND_SPAN",
    "PRECISION_DAY",
    "PRECISION_MONTH",
    "PRECISION_WEEK",
    "DateMention",
    "Resolution",
    "find_dates",
    "resolve_date",
    "resolve_expression",
]

# dateparser's periods as ACLED precisions (it has no week; a year-only date is not a usable event date).
DATEPARSER_PRECISION = {"day": PRECISION_DAY, "week": PRECISION_WEEK, "month": PRECISION_MONTH}


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in `text`, resolved against `published`, in text order.

    Where expressions overlap, the longer wins ("Thursday the 28th" over "Thursday"). A match that means
    no real date ("February 30, 2016") still wins over the shorter ones inside it, and is then dropped.
    """
    candidates = [candidate for rule in RULES for candidate in _find_with_rule(rule, text, published)]
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    chosen: list[tuple[int, int, Resolution | None]] = []
    for start, end, resolution in candidates:
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, resolution))
    return [
        DateMention(
            start=start,
            end=end,
            surface=text[start:end],
            day=resolution.day,
            precision=resolution.precision,
            kind=resolution.kind,
            span_days=resolution.span_days,
        )
        for start, end, resolution in sorted(chosen, key=lambda c: c[0])
        if resolution is not None
    ]


def resolve_expression(expression: str, published: date) -> Resolution | None:
    """What one date expression means (its day, precision, kind and span), or None."""
    expression = " ".join(expression.split())
    for rule in RULES:
        match = rule.pattern.fullmatch(expression)
        if match is not None and (resolution := _resolve_safely(rule, match, published)) is not None:
            return resolution
    return _resolve_within(expression, published) or _resolve_with_dateparser(expression, published)


def resolve_date(expression: str, published: date) -> tuple[date, int] | None:
    """The date and ACLED precision of one date expression, or None when it is not one."""
    resolution = resolve_expression(expression, published)
    return None if resolution is None else (resolution.day, resolution.precision)


def _resolve_within(expression: str, published: date) -> Resolution | None:
    """The one date expression inside a longer one ("on Saturday", "the nights of Thursday to Friday"),
    provided that what surrounds it holds no digits (which would belong to a date the rules misread)."""
    mentions = find_dates(expression, published)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    rest = expression[: mention.start] + expression[mention.end :]
    if any(ch.isdigit() for ch in rest):
        return None
    return Resolution(mention.day, mention.precision, mention.kind, mention.span_days)


def _find_with_rule(
    rule: Rule, text: str, published: date | None
) -> list[tuple[int, int, Resolution | None]]:
    """(start, end, resolution or None) for each licensed match of one rule."""
    found = []
    for match in rule.pattern.finditer(text):
        if rule.licensed_by and not any(match.groupdict().get(g) for g in rule.licensed_by):
            continue
        start, end = match.span("body")
        found.append((start, end, _resolve_safely(rule, match, published)))
    return found


def _resolve_safely(rule: Rule, match: re.Match[str], published: date | None) -> Resolution | None:
    """A rule's resolution; None where the arithmetic leaves the calendar (before year 1, after 9999)."""
    try:
        return rule.resolve(match, published)
    except OverflowError:
        return None


def _resolve_with_dateparser(expression: str, published: date) -> Resolution | None:
    """Last resort for absolute dates in formats the rules do not know ("2016 July 28", "28-Jul-2016").

    Only dateparser's absolute parsers run: its relative-date reading is not trusted here.
    """
    if not any(ch.isdigit() for ch in expression):
        return None
    from dateparser.date import DateDataParser  # imported here: loading it takes about a second

    parser = DateDataParser(
        languages=["en"],
        settings={
            "PARSERS": ["custom-formats", "absolute-time"],
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": datetime(published.year, published.month, published.day),
            "STRICT_PARSING": True,
        },
    )
    data = parser.get_date_data(expression)
    precision = DATEPARSER_PRECISION.get(data.period or "")
    if data.date_obj is None or precision is None:
        return None
    return Resolution(data.date_obj.date(), precision, KIND_ABSOLUTE)
