"""The date rules: one regular expression and one resolver each.

Every pattern has a group `body`, the expression itself (its span is the mention's span), and may have a
group `cue`, a preposition before it ("on", "in", "since") that licenses an otherwise doubtful reading
("in June", "on the 28th") but is not part of the surface. A resolver turns a match and the publication
date (None when unknown) into a `Resolution`, or None when the match means no real date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sitrep.dates import periods
from sitrep.dates.lexicon import (
    DAY_RE,
    MONTH_RE,
    NUMBER_RE,
    ORDINAL_SUFFIX_RE,
    PART_RE,
    RANGE_DASH_RE,
    STANDALONE_WEEKDAY_RE,
    TIME_OF_DAY_RE,
    WEEKDAY_RE,
    YEAR_RE,
    month_number,
    number_value,
    part_of_month,
    weekday_number,
)
from sitrep.dates.records import (
    KIND_ABSOLUTE,
    KIND_FUTURE,
    KIND_RELATIVE,
    KIND_SPAN,
    PRECISION_DAY,
    PRECISION_MONTH,
    PRECISION_WEEK,
    Resolution,
)

Resolver = Callable[[re.Match[str], date | None], Resolution | None]

CUE_RE = (
    r"(?:\b(?P<cue>on|in|since|during|by|until|till|from|through|throughout|at|of|before|after"
    r"|between|and|to)\s+)?"
)
# Words after "the 4th" that make it a rank, not a date ("the 4th Division", "the 5th day").
NOT_A_DATE_AFTER_ORDINAL_RE = (
    r"(?!\s+(?:(?-i:[A-Z])|(?:days?|times?|anniversary|round|century|floor|brigade|division|regiment"
    r"|battalion|corps|army|axis|fleet|largest|biggest|consecutive|straight|years?|weeks?|months?)\b))"
)


@dataclass(frozen=True)
class Rule:
    """A date pattern, what it means, and (for text search) when a match counts as a date."""

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    # In running text, count a match only when one of these groups took part (e.g. a preposition before
    # "the 28th" or "June"); empty = always. `resolve_date` on a lone expression does not ask.
    licensed_by: tuple[str, ...] = ()


def _compile(body: str, cue: bool = False) -> re.Pattern[str]:
    return re.compile((CUE_RE if cue else "") + "(?P<body>" + body + ")", re.IGNORECASE)


def _group(match: re.Match[str], name: str) -> str | None:
    """A named group's text, or None when the pattern has no such group or it did not take part."""
    return match.groupdict().get(name)


def _relative(published: date, days: int, precision: int = PRECISION_DAY) -> Resolution:
    day = published + timedelta(days=days)
    return Resolution(day, precision, KIND_FUTURE if days > 0 else KIND_RELATIVE)


# --- Words relative to the publication date ------------------------------------------------------------


def _offset_rule(days: int) -> Resolver:
    def resolve(match: re.Match[str], published: date | None) -> Resolution | None:
        return None if published is None else _relative(published, days)

    return resolve


def _resolve_ago(match: re.Match[str], published: date | None) -> Resolution | None:
    """'three days ago' (day), 'a week ago' (7 days back, week precision), 'two months ago'."""
    if published is None:
        return None
    count, unit = number_value(match["n"]), match["unit"].lower()
    if unit.startswith("day"):
        return _relative(published, -count)
    if unit.startswith("week"):
        return _relative(published, -periods.DAYS_PER_WEEK * count, PRECISION_WEEK)
    return Resolution(periods.shift_months(published, -count), PRECISION_MONTH, KIND_RELATIVE)


def _resolve_week(match: re.Match[str], published: date | None) -> Resolution | None:
    """'last week' / 'next week' (that week's midpoint, a Thursday); 'this week' (Monday to publication)."""
    if published is None:
        return None
    which = match["which"].lower().split()[-1]
    shift = {"last": -1, "this": 0, "next": 1}[which]
    first, last = periods.week_bounds(published + timedelta(days=periods.DAYS_PER_WEEK * shift))
    return periods.resolve_period(first, last, published, PRECISION_WEEK)


def _resolve_month(match: re.Match[str], published: date | None) -> Resolution | None:
    """'last month' (the 15th), 'this month' / 'earlier this month' (1st to publication), 'next month';
    with a part ('early last month') the part's midpoint, week precision."""
    if published is None:
        return None
    which = match["which"].lower().split()[-1]
    year, month = periods.add_months(
        published.year, published.month, {"last": -1, "this": 0, "next": 1}[which]
    )
    part = part_of_month(match["part"]) if _group(match, "part") else None
    first, last = periods.month_part_bounds(year, month, part)
    return periods.resolve_period(first, last, published, PRECISION_WEEK if part else PRECISION_MONTH)


def _resolve_span(match: re.Match[str], published: date | None) -> Resolution | None:
    """'for 3 days straight', 'over the past three days', 'the past week': N days ending at publication."""
    if published is None:
        return None
    count = number_value(match["n"]) if _group(match, "n") else 1
    days = count * (periods.DAYS_PER_WEEK if match["unit"].lower().startswith("week") else 1)
    return Resolution(published - timedelta(days=days - 1), PRECISION_DAY, KIND_SPAN, span_days=days)


def _resolve_recent(match: re.Match[str], published: date | None) -> Resolution | None:
    """'recently', 'in recent weeks' (the RECENT_DAYS ending at publication: dated by their middle, known to
    the month); 'in recent days' (the week ending at publication)."""
    if published is None:
        return None
    days = periods.DAYS_PER_WEEK if (match["unit"] or "").lower() == "days" else RECENT_DAYS
    return Resolution(published - timedelta(days=days - 1), PRECISION_DAY, KIND_SPAN, span_days=days)


# --- Weekdays --------------------------------------------------------------------------------------------


def _resolve_weekday(match: re.Match[str], published: date | None) -> Resolution | None:
    """A bare weekday: the most recent one on or before publication (reports tell of the past)."""
    if published is None:
        return None
    return Resolution(
        periods.weekday_on_or_before(published, weekday_number(match["wd"])), PRECISION_DAY, KIND_RELATIVE
    )


def _resolve_modified_weekday(match: re.Match[str], published: date | None) -> Resolution | None:
    """'this past / last Thursday': strictly before publication; 'next / this coming Thursday': after."""
    if published is None:
        return None
    weekday = weekday_number(match["wd"])
    if match["which"].lower().split()[-1] in ("next", "coming"):
        return Resolution(periods.weekday_after(published, weekday), PRECISION_DAY, KIND_FUTURE)
    return Resolution(periods.weekday_before(published, weekday), PRECISION_DAY, KIND_RELATIVE)


def _resolve_weekday_range(match: re.Match[str], published: date | None) -> Resolution | None:
    """'Thursday to Friday' (e.g. 'the night of'): the first day, the last being the most recent one."""
    if published is None:
        return None
    end = periods.weekday_on_or_before(published, weekday_number(match["wd2"]))
    gap = (end.weekday() - weekday_number(match["wd"])) % periods.DAYS_PER_WEEK or periods.DAYS_PER_WEEK
    return Resolution(end - timedelta(days=gap), PRECISION_DAY, KIND_RELATIVE, span_days=gap + 1)


def _resolve_day_of_month(match: re.Match[str], published: date | None) -> Resolution | None:
    """'the 28th', 'Thursday the 28th', 'the 3rd of last month'."""
    if published is None:
        return None
    weekday = weekday_number(match["wd"]) if _group(match, "wd") else None
    which = _group(match, "which")
    months_back = None if which is None else (1 if which.lower() == "last" else 0)
    day = periods.day_of_month(int(match["day"]), published, weekday, months_back)
    return None if day is None else Resolution(day, PRECISION_DAY, KIND_RELATIVE)


# --- Calendar dates --------------------------------------------------------------------------------------


def _resolve_calendar_day(match: re.Match[str], published: date | None) -> Resolution | None:
    """'28 July 2016', 'July 28', 'Thursday, 28 July', 'July 22-29, 2016' (a range: its first day)."""
    month, day = month_number(match["month"]), int(match["day"])
    day2 = int(match["day2"]) if _group(match, "day2") else None
    span_days = day2 - day + 1 if day2 is not None and day2 > day else 1
    if _group(match, "year"):
        found = periods.safe_date(int(match["year"]), month, day)
        return None if found is None else Resolution(found, PRECISION_DAY, KIND_ABSOLUTE, span_days)
    if published is None:
        return None
    weekday = weekday_number(match["wd"]) if _group(match, "wd") else None
    found = periods.choose_year_for_day(month, day, published, weekday, allow_future=True)
    if found is None:
        return None
    kind = KIND_FUTURE if found > published else KIND_RELATIVE
    return Resolution(found, PRECISION_DAY, kind, span_days)


def _resolve_calendar_range(match: re.Match[str], published: date | None) -> Resolution | None:
    """'31 July - 6 August 2016', 'July 31 - August 6, 2016', 'June–July 2016': the first day (or month),
    the year taken from the end (the year before when the first month comes later in the year)."""
    month, month2, year = month_number(match["month"]), month_number(match["month2"]), int(match["year"])
    first_year = year - 1 if month > month2 else year
    if not _group(match, "day"):
        return Resolution(periods.month_middle(first_year, month), PRECISION_MONTH, KIND_ABSOLUTE)
    first = periods.safe_date(first_year, month, int(match["day"]))
    last = periods.safe_date(year, month2, int(match["day2"]))
    if first is None or last is None or last < first:
        return None
    return Resolution(first, PRECISION_DAY, KIND_ABSOLUTE, span_days=(last - first).days + 1)


def _resolve_month_period(match: re.Match[str], published: date | None) -> Resolution | None:
    """'June 2016', 'late June 2016' (absolute); 'in June', 'back in early June' (the latest such
    period, upcoming only when it begins within the window and the text does not say 'back in')."""
    month = month_number(match["month"])
    part = part_of_month(match["part"]) if _group(match, "part") else None
    precision = PRECISION_WEEK if part else PRECISION_MONTH
    if _group(match, "year"):
        first, last = periods.month_part_bounds(int(match["year"]), month, part)
        return Resolution(periods.period_day(first, last, precision), precision, KIND_ABSOLUTE)
    if published is None:
        return None
    first_day = periods.month_part_bounds(published.year, month, part)[0].day
    year = periods.choose_year_for_month(month, published, first_day, allow_future=not _group(match, "back"))
    first, last = periods.month_part_bounds(year, month, part)
    return periods.resolve_period(first, last, published, precision)


def _resolve_numeric(match: re.Match[str], published: date | None) -> Resolution | None:
    """'28/07/2016', '28.07.2016' (day first unless only month first fits), '07/28/2016'."""
    first, second, year = int(match["a"]), int(match["b"]), int(match["year"])
    if len(match["year"]) == 2:
        year += 2000
    day, month = (second, first) if second > periods.MONTHS_PER_YEAR >= first else (first, second)
    found = periods.safe_date(year, month, day)
    return None if found is None else Resolution(found, PRECISION_DAY, KIND_ABSOLUTE)


def _resolve_iso(match: re.Match[str], published: date | None) -> Resolution | None:
    found = periods.safe_date(int(match["year"]), int(match["m"]), int(match["d"]))
    return None if found is None else Resolution(found, PRECISION_DAY, KIND_ABSOLUTE)


def _resolve_last_year(match: re.Match[str], published: date | None) -> Resolution | None:
    """"last year": the year before publication, a span of its days (an event it dates takes the middle at
    the coarsest precision ACLED has)."""
    return None if published is None else _year(published.year - 1, KIND_RELATIVE)


def _resolve_year(match: re.Match[str], published: date | None) -> Resolution | None:
    """"in 2015", "during 2012": a year named alone, a span of its days."""
    return _year(int(match["year"]), KIND_ABSOLUTE)


def _year(year: int, kind: str) -> Resolution:
    first = date(year, 1, 1)
    return Resolution(first, PRECISION_MONTH, kind, span_days=(date(year + 1, 1, 1) - first).days)


_WEEKDAY_PREFIX = rf"(?:(?P<wd>{WEEKDAY_RE}),?\s+)?"
_ORDINAL_DAY = rf"(?P<day>{DAY_RE}){ORDINAL_SUFFIX_RE}\b"
_OF_MONTH = r"(?:\s+of\s+(?P<which>this|last)\s+month)?"

# Longer matches win over shorter ones; among equally long ones, the earlier rule wins.
# "recently" with no date of its own: some time in the month before publication, the gold's convention
# ("coded to the middle of the month before publication").
RECENT_DAYS = 30

RULES: tuple[Rule, ...] = (
    Rule("today", _compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b"), _offset_rule(0)),
    Rule("day_before_yesterday", _compile(r"\bthe\s+day\s+before\s+yesterday\b"), _offset_rule(-2)),
    Rule("yesterday", _compile(r"\b(?:yesterday|last\s+night)\b"), _offset_rule(-1)),
    Rule("tomorrow", _compile(r"\btomorrow\b"), _offset_rule(1)),
    Rule("ago", _compile(rf"\b(?P<n>{NUMBER_RE})\s+(?P<unit>days?|weeks?|months?)\s+ago\b"), _resolve_ago),
    Rule(
        "relative_week",
        _compile(r"\b(?P<which>(?:earlier\s+)?this|last|next)\s+week\b(?!end)"),
        _resolve_week,
    ),
    Rule(
        "relative_month",
        _compile(rf"\b{PART_RE}(?P<which>(?:earlier\s+)?this|last|next)\s+month\b"),
        _resolve_month,
    ),
    Rule(
        "span_past",
        _compile(
            rf"\b(?:(?:for|over|in|during)\s+)?the\s+(?:past|last)\s+(?P<n>{NUMBER_RE})\s+(?P<unit>days|weeks)\b"
        ),
        _resolve_span,
    ),
    Rule(
        "span_straight",
        _compile(
            rf"\bfor\s+(?P<n>{NUMBER_RE})\s+(?P<unit>days?|weeks?)\s+(?:straight|running|in\s+a\s+row|now)\b"
        ),
        _resolve_span,
    ),
    Rule(
        "recent",
        _compile(r"\b(?:recently|lately|(?:in|over|during)\s+(?:the\s+)?recent\s+(?P<unit>days|weeks|months))\b"),
        _resolve_recent,
    ),
    Rule(
        "span_past_week",
        _compile(r"\b(?:(?:for|over|in|during)\s+)?the\s+past\s+(?P<unit>week)\b"),
        _resolve_span,
    ),
    Rule(
        "weekday_range",
        _compile(rf"\b(?P<wd>{WEEKDAY_RE}){RANGE_DASH_RE}(?P<wd2>{WEEKDAY_RE})(?!\w)"),
        _resolve_weekday_range,
    ),
    Rule(
        "weekday_ordinal",
        _compile(rf"\b(?P<wd>{WEEKDAY_RE}),?\s+(?:the\s+)?{_ORDINAL_DAY}{_OF_MONTH}"),
        _resolve_day_of_month,
    ),
    Rule(
        "ordinal",
        _compile(rf"\bthe\s+{_ORDINAL_DAY}{_OF_MONTH}{NOT_A_DATE_AFTER_ORDINAL_RE}", cue=True),
        _resolve_day_of_month,
        licensed_by=("cue",),
    ),
    Rule(
        "modified_weekday",
        _compile(
            rf"\b(?P<which>this\s+past|past|last|next|this\s+coming|coming)\s+(?P<wd>{WEEKDAY_RE}){TIME_OF_DAY_RE}(?!\w)"
        ),
        _resolve_modified_weekday,
    ),
    Rule("weekday", _compile(rf"\b(?P<wd>{STANDALONE_WEEKDAY_RE}){TIME_OF_DAY_RE}(?!\w)"), _resolve_weekday),
    Rule(
        "day_month",
        _compile(
            rf"\b{_WEEKDAY_PREFIX}(?:the\s+)?(?P<day>{DAY_RE}){ORDINAL_SUFFIX_RE}?"
            rf"(?:{RANGE_DASH_RE}(?P<day2>{DAY_RE}){ORDINAL_SUFFIX_RE}?)?(?:\s+of)?\s+(?P<month>{MONTH_RE})"
            rf"(?:,?\s+(?P<year>{YEAR_RE}))?(?!\w)"
        ),
        _resolve_calendar_day,
    ),
    Rule(
        "month_day",
        _compile(
            rf"\b{_WEEKDAY_PREFIX}(?P<month>{MONTH_RE})\s+(?P<day>{DAY_RE}){ORDINAL_SUFFIX_RE}?"
            rf"(?:{RANGE_DASH_RE}(?P<day2>{DAY_RE}){ORDINAL_SUFFIX_RE}?)?(?:,?\s+(?P<year>{YEAR_RE}))?(?!\w)"
        ),
        _resolve_calendar_day,
    ),
    Rule(
        "day_month_range",
        _compile(
            rf"\b(?P<day>{DAY_RE}){ORDINAL_SUFFIX_RE}?\s+(?P<month>{MONTH_RE}){RANGE_DASH_RE}"
            rf"(?P<day2>{DAY_RE}){ORDINAL_SUFFIX_RE}?\s+(?P<month2>{MONTH_RE}),?\s+(?P<year>{YEAR_RE})"
        ),
        _resolve_calendar_range,
    ),
    Rule(
        "month_day_range",
        _compile(
            rf"\b(?P<month>{MONTH_RE})\s+(?P<day>{DAY_RE}){ORDINAL_SUFFIX_RE}?{RANGE_DASH_RE}"
            rf"(?P<month2>{MONTH_RE})\s+(?P<day2>{DAY_RE}){ORDINAL_SUFFIX_RE}?,?\s+(?P<year>{YEAR_RE})"
        ),
        _resolve_calendar_range,
    ),
    Rule(
        "month_range",
        _compile(rf"\b(?P<month>{MONTH_RE}){RANGE_DASH_RE}(?P<month2>{MONTH_RE}),?\s+(?P<year>{YEAR_RE})"),
        _resolve_calendar_range,
    ),
    Rule(
        "month_year",
        _compile(rf"\b(?P<back>back\s+in\s+)?{PART_RE}(?P<month>{MONTH_RE}),?\s+(?P<year>{YEAR_RE})"),
        _resolve_month_period,
    ),
    Rule(
        "month_name",
        _compile(rf"\b(?P<back>back\s+in\s+)?{PART_RE}(?P<month>{MONTH_RE})(?!\w)", cue=True),
        _resolve_month_period,
        licensed_by=("cue", "part", "back"),
    ),
    Rule(
        "numeric",
        _compile(r"\b(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/.]\d)"),
        _resolve_numeric,
    ),
    Rule("iso", _compile(r"\b(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"), _resolve_iso),
    Rule("last_year", _compile(r"\blast\s+year\b"), _resolve_last_year),
    Rule("year", _compile(rf"\b(?:in|during|throughout)\s+(?P<year>{YEAR_RE})(?![\w-])"), _resolve_year),
)
