"""Calendar arithmetic for date resolution: month and week bounds, midpoints, weekdays, year choice.

Impossible dates come back as None, never as an exception.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sitrep.dates.lexicon import MONTH_PARTS
from sitrep.dates.records import KIND_FUTURE, KIND_RELATIVE, PRECISION_MONTH, Resolution

MID_MONTH_DAY = 15  # ACLED dates a month-precision event on the 15th
DAYS_PER_WEEK = 7
MONTHS_PER_YEAR = 12
# Days ahead of the publication date that a date without a year may lie and still be read as upcoming
# ("on 5 August" in a report of 30 July); further ahead it is taken to be last year's. Two months:
# reports announce plans weeks ahead, and name the year when they look back further than a season.
FUTURE_WINDOW_DAYS = 60
# How many months back "Thursday the 28th" may reach to find a month where the 28th is a Thursday.
WEEKDAY_FIT_MONTHS_BACK = 3


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None where it does not exist (February 30, the 31st of June, year 0)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """The (year, month) `months` after (or before, when negative) the given one."""
    index = year * MONTHS_PER_YEAR + (month - 1) + months
    return index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1


def shift_months(day: date, months: int) -> date:
    """The same day of the month `months` later or earlier, clamped to the month's end."""
    year, month = add_months(day.year, day.month, months)
    return date(year, month, min(day.day, days_in_month(year, month)))


def midpoint(first: date, last: date) -> date:
    return first + timedelta(days=(last - first).days // 2)


def month_middle(year: int, month: int) -> date:
    return date(year, month, MID_MONTH_DAY)


def month_part_bounds(year: int, month: int, part: str | None) -> tuple[date, date]:
    """First and last day of a month, or of its early (1-10), mid (11-20) or late (21-end) part."""
    last_of_month = days_in_month(year, month)
    if part is None:
        return date(year, month, 1), date(year, month, last_of_month)
    first, last = MONTH_PARTS[part]
    return date(year, month, first), date(year, month, last or last_of_month)


def period_day(first: date, last: date, precision: int) -> date:
    """The date that stands for a whole period: the 15th for a whole month, else the midpoint."""
    whole_month = first.day == 1 and last.day == days_in_month(last.year, last.month)
    if precision == PRECISION_MONTH and whole_month and first.month == last.month:
        return month_middle(first.year, first.month)
    return midpoint(first, last)


def resolve_period(first: date, last: date, published: date, precision: int) -> Resolution:
    """A period read against the publication date.

    A period that has not begun is upcoming (kind future, its midpoint). A period still running at
    publication means the part of it up to the publication date ("this month" on the 10th is the 5th),
    so that a past event is never dated after the report that tells of it.
    """
    if first > published:
        return Resolution(period_day(first, last, precision), precision, KIND_FUTURE)
    if last <= published:
        return Resolution(period_day(first, last, precision), precision, KIND_RELATIVE)
    return Resolution(midpoint(first, published), precision, KIND_RELATIVE)


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the (ISO) week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=DAYS_PER_WEEK - 1)


def weekday_on_or_before(published: date, weekday: int) -> date:
    return published - timedelta(days=(published.weekday() - weekday) % DAYS_PER_WEEK)


def weekday_before(published: date, weekday: int) -> date:
    """The most recent such weekday strictly before the publication date."""
    return weekday_on_or_before(published - timedelta(days=1), weekday)


def weekday_after(published: date, weekday: int) -> date:
    """The next such weekday strictly after the publication date."""
    return published + timedelta(days=(weekday - published.weekday() - 1) % DAYS_PER_WEEK + 1)


def within_window(day: date, published: date, allow_future: bool) -> bool:
    """Whether a date without a year may be meant: not after publication, or just ahead of it."""
    ahead = (day - published).days
    return ahead <= 0 or (allow_future and ahead <= FUTURE_WINDOW_DAYS)


def choose_year_for_day(
    month: int, day: int, published: date, weekday: int | None, allow_future: bool
) -> date | None:
    """The date of "28 July" (no year): the latest one within the window, preferring one that falls on
    the stated weekday. None when the day does not exist (February 30)."""
    years = (published.year + 1, published.year, published.year - 1)
    dates = [d for y in years if (d := safe_date(y, month, day)) is not None]
    dates = [d for d in dates if within_window(d, published, allow_future)]
    fitting = [d for d in dates if weekday is not None and d.weekday() == weekday]
    chosen = fitting or dates
    return chosen[0] if chosen else None


def choose_year_for_month(month: int, published: date, first_day: int, allow_future: bool) -> int:
    """The year of "June" or "early June" (no year): the latest whose period begins within the window."""
    for year in (published.year + 1, published.year):
        if within_window(date(year, month, first_day), published, allow_future):
            return year
    return published.year - 1


def day_of_month(day: int, published: date, weekday: int | None, months_back: int | None) -> date | None:
    """The date of "the 28th" / "Thursday the 28th".

    Without a weekday: this month when the 28th is not after publication, else last month; None when
    that month has no such day. With a weekday: the latest of the last few months where the day falls on
    that weekday, else the plain choice. `months_back` pins the month ("of last month" = 1).
    """
    if months_back is not None:
        year, month = add_months(published.year, published.month, -months_back)
        return safe_date(year, month, day)
    if weekday is not None:
        for back in range(WEEKDAY_FIT_MONTHS_BACK + 1):
            year, month = add_months(published.year, published.month, -back)
            candidate = safe_date(year, month, day)
            if candidate is not None and candidate <= published and candidate.weekday() == weekday:
                return candidate
    back = 0 if day <= published.day else 1
    year, month = add_months(published.year, published.month, -back)
    return safe_date(year, month, day)
