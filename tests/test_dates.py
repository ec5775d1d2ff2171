"""Tests for sitrep.dates: our own short sentences with exact resolved dates, the real seed report, and
property tests for the invariants (offsets equal the surface, nothing past is dated after publication,
no exception on any text)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.dates import (
    KIND_ABSOLUTE,
    KIND_FUTURE,
    KIND_RELATIVE,
    KIND_SPAN,
    DateMention,
    find_dates,
    resolve_date,
)

SATURDAY = date(2016, 7, 30)  # the seed report's publication date
SEED = Path("/work/shared/eval/seed.txt")


def only(text: str, published: date | None = SATURDAY) -> DateMention:
    mentions = find_dates(text, published)
    assert len(mentions) == 1, mentions
    return mentions[0]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("today", (date(2016, 7, 30), 1)),
        ("tonight", (date(2016, 7, 30), 1)),
        ("this morning", (date(2016, 7, 30), 1)),
        ("yesterday", (date(2016, 7, 29), 1)),
        ("last night", (date(2016, 7, 29), 1)),
        ("the day before yesterday", (date(2016, 7, 28), 1)),
        ("two days ago", (date(2016, 7, 28), 1)),
        ("2 days ago", (date(2016, 7, 28), 1)),
        ("three days ago", (date(2016, 7, 27), 1)),
        ("twelve days ago", (date(2016, 7, 18), 1)),
        ("a week ago", (date(2016, 7, 23), 2)),
        ("two weeks ago", (date(2016, 7, 16), 2)),
        ("a month ago", (date(2016, 6, 30), 3)),
    ],
)
def test_dates_offsets_from_publication(expression: str, expected: tuple[date, int]) -> None:
    assert resolve_date(expression, SATURDAY) == expected


def test_dates_last_week_is_previous_weeks_midpoint() -> None:
    # 2016-07-30 is a Saturday; the week before runs Monday 18 to Sunday 24 July, midpoint Thursday 21.
    assert resolve_date("last week", SATURDAY) == (date(2016, 7, 21), 2)


def test_dates_this_week_is_monday_to_publication() -> None:
    assert resolve_date("this week", SATURDAY) == (date(2016, 7, 27), 2)
    assert resolve_date("earlier this week", date(2016, 7, 26)) == (date(2016, 7, 25), 2)


def test_dates_this_month_and_earlier_this_month() -> None:
    assert resolve_date("this month", SATURDAY) == (date(2016, 7, 15), 3)
    assert resolve_date("earlier this month", date(2016, 7, 11)) == (date(2016, 7, 6), 3)


def test_dates_a_year_named_alone_is_the_span_of_its_days() -> None:
    found = find_dates("The first truce was agreed in 2014; last year the talks failed.", SATURDAY)
    assert [(d.surface, d.day, d.span_days) for d in found] == [
        ("in 2014", date(2014, 1, 1), 365), ("last year", date(2015, 1, 1), 365)]
    assert find_dates("the 2015 offensive", SATURDAY) == []  # a year as a name's modifier dates nothing


def test_dates_last_month_is_its_15th() -> None:
    assert resolve_date("last month", SATURDAY) == (date(2016, 6, 15), 3)
    assert resolve_date("last month", date(2016, 1, 4)) == (date(2015, 12, 15), 3)


def test_dates_part_of_last_month() -> None:
    assert resolve_date("late last month", SATURDAY) == (date(2016, 6, 25), 2)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("back in early June", (date(2016, 6, 5), 2)),
        ("in early June", (date(2016, 6, 5), 2)),
        ("mid-June", (date(2016, 6, 15), 2)),
        ("late June", (date(2016, 6, 25), 2)),
        ("late May", (date(2016, 5, 26), 2)),
        ("the end of May", (date(2016, 5, 26), 2)),
        ("in June", (date(2016, 6, 15), 3)),
        ("in December", (date(2015, 12, 15), 3)),
    ],
)
def test_dates_month_names_without_year(expression: str, expected: tuple[date, int]) -> None:
    assert resolve_date(expression, SATURDAY) == expected


def test_dates_running_month_is_clamped_to_publication() -> None:
    # Late July on 24 July: days 21..24 have passed, so the 22nd, not the 26th.
    assert resolve_date("late July", date(2016, 7, 24)) == (date(2016, 7, 22), 2)


def test_dates_next_month_name_is_future_unless_back_in() -> None:
    upcoming = only("The assault is planned for early August.")
    assert (upcoming.day, upcoming.kind) == (date(2016, 8, 5), KIND_FUTURE)
    assert resolve_date("back in early August", SATURDAY) == (date(2015, 8, 5), 2)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Thursday", date(2016, 7, 28)),
        ("on Saturday", date(2016, 7, 30)),
        ("Friday night", date(2016, 7, 29)),
        ("Thu.", date(2016, 7, 28)),
        ("Thurs", date(2016, 7, 28)),
        ("this past Thursday", date(2016, 7, 28)),
        ("last Thursday", date(2016, 7, 28)),
        ("last Saturday", date(2016, 7, 23)),
        ("this past Saturday", date(2016, 7, 23)),
        ("next Thursday", date(2016, 8, 4)),
        ("this coming Saturday", date(2016, 8, 6)),
    ],
)
def test_dates_weekdays(expression: str, expected: date) -> None:
    assert resolve_date(expression, SATURDAY) == (expected, 1)


def test_dates_future_weekday_kind() -> None:
    mention = only("Talks resume next Monday in Geneva.")
    assert (mention.day, mention.kind) == (date(2016, 8, 1), KIND_FUTURE)


def test_dates_weekday_range_is_its_first_day() -> None:
    mention = only("Shelling went on through the night of Tuesday to Wednesday.")
    assert (mention.surface, mention.day, mention.span_days) == ("Tuesday to Wednesday", date(2016, 7, 26), 2)


def test_dates_day_of_month() -> None:
    assert resolve_date("the 28th", SATURDAY) == (date(2016, 7, 28), 1)
    assert resolve_date("on the 30th", SATURDAY) == (date(2016, 7, 30), 1)
    # After the publication day: last month.
    assert resolve_date("the 5th", date(2016, 7, 3)) == (date(2016, 6, 5), 1)
    assert resolve_date("the 3rd of last month", SATURDAY) == (date(2016, 6, 3), 1)


def test_dates_weekday_picks_the_month_it_fits() -> None:
    assert resolve_date("Thursday the 28th", SATURDAY) == (date(2016, 7, 28), 1)
    # The 1st of July 2016 was a Friday; a Wednesday the 1st is June 2016.
    assert resolve_date("Wednesday the 1st", SATURDAY) == (date(2016, 6, 1), 1)


def test_dates_ordinal_needs_a_cue_in_text() -> None:
    text = "The 5th Corps moved with the 4th Division; the raid came on the 12th."
    assert [(m.surface, m.day) for m in find_dates(text, SATURDAY)] == [("the 12th", date(2016, 7, 12))]


def test_dates_spans_end_at_publication() -> None:
    straight = only("Clashes have raged for 3 days straight near the camp.")
    assert (straight.day, straight.span_days, straight.kind) == (date(2016, 7, 28), 3, KIND_SPAN)
    assert straight.last_day == SATURDAY
    past = only("Over the past three days the army shelled the town.")
    assert (past.surface, past.day, past.precision) == ("Over the past three days", date(2016, 7, 28), 1)


def test_dates_recently_is_the_month_before_publication() -> None:
    recent = only("He said eight soldiers had recently been killed near the capital.")
    assert (recent.surface, recent.span_days, recent.last_day) == ("recently", 30, SATURDAY)
    days = only("Rebels seized two villages in recent days, a monitor said.")
    assert (days.surface, days.span_days, days.last_day) == ("in recent days", 7, SATURDAY)
    assert find_dates("The recent unrest in the city worried officials.", SATURDAY) == []


def test_dates_absolute_formats() -> None:
    for expression in ("July 28, 2016", "28 July 2016", "28th of July 2016", "28/07/2016", "2016-07-28"):
        assert resolve_date(expression, SATURDAY) == (date(2016, 7, 28), 1), expression
    assert resolve_date("07/28/2016", SATURDAY) == (date(2016, 7, 28), 1)
    assert resolve_date("March 2011", SATURDAY) == (date(2011, 3, 15), 3)
    assert resolve_date("late June 2016", SATURDAY) == (date(2016, 6, 25), 2)


def test_dates_absolute_without_year_uses_publication_year() -> None:
    assert resolve_date("28 July", SATURDAY) == (date(2016, 7, 28), 1)
    assert resolve_date("Dec. 3", SATURDAY) == (date(2015, 12, 3), 1)
    upcoming = only("Negotiators meet on August 5.")
    assert (upcoming.day, upcoming.kind) == (date(2016, 8, 5), KIND_FUTURE)


def test_dates_dateparser_fallback_for_odd_absolute_formats() -> None:
    assert resolve_date("28-Jul-2016", SATURDAY) == (date(2016, 7, 28), 1)


def test_dates_ranges() -> None:
    assert [(m.day, m.span_days) for m in find_dates("Report for July 22 - 29, 2016.", None)] == [
        (date(2016, 7, 22), 8)
    ]
    mention = only("Covering 31 July - 6 August 2016.", None)
    assert (mention.day, mention.span_days, mention.kind) == (date(2016, 7, 31), 7, KIND_ABSOLUTE)
    assert only("The offensive (June–July 2016) failed.", None).day == date(2016, 6, 15)


def test_dates_impossible_dates_are_skipped() -> None:
    assert resolve_date("February 30", SATURDAY) is None
    assert resolve_date("30 February 2016", SATURDAY) is None
    # On 15 July "the 31st" is June's, which has none.
    assert resolve_date("the 31st", date(2016, 7, 15)) is None
    assert find_dates("It happened on February 30, 2016 or on 31/06/2016.", SATURDAY) == []


def test_dates_without_publication_only_absolute() -> None:
    text = "Yesterday the army, which took the town on 28 July 2016, advanced in early June."
    mentions = find_dates(text, None)
    assert [(m.surface, m.day, m.kind) for m in mentions] == [
        ("28 July 2016", date(2016, 7, 28), KIND_ABSOLUTE)
    ]


def test_dates_month_and_weekday_words_need_their_case() -> None:
    assert find_dates("They may march on; he sat down and wed her.", SATURDAY) == []


def test_dates_surfaces_leave_out_plain_prepositions() -> None:
    text = "Rebels attacked on Friday, in June they had retreated, and back in May they held the hill."
    assert [m.surface for m in find_dates(text, SATURDAY)] == ["Friday", "June", "back in May"]


def test_dates_not_a_date() -> None:
    assert resolve_date("the brigade", SATURDAY) is None
    assert resolve_date("", SATURDAY) is None


# --- The seed report ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_mentions() -> dict[str, DateMention]:
    if not SEED.exists():
        pytest.skip(f"seed report not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    mentions = find_dates(text, SATURDAY)
    assert all(text[m.start : m.end] == m.surface for m in mentions)
    return {m.surface: m for m in mentions}


@pytest.mark.parametrize(
    ("surface", "expected", "precision"),
    [
        ("Thursday the 28th", date(2016, 7, 28), 1),
        ("this past Thursday", date(2016, 7, 28), 1),
        ("Two days ago", date(2016, 7, 28), 1),
        ("back in early June", date(2016, 6, 5), 2),
        ("today", date(2016, 7, 30), 1),
        ("Thursday to Friday", date(2016, 7, 28), 1),
        ("for 3 days straight", date(2016, 7, 28), 1),
    ],
)
def test_dates_seed_report(
    seed_mentions: dict[str, DateMention], surface: str, expected: date, precision: int
) -> None:
    mention = seed_mentions[surface]
    assert (mention.day, mention.precision) == (expected, precision)


def test_dates_seed_report_has_no_false_dates(seed_mentions: dict[str, DateMention]) -> None:
    # "the 4th Mechanized Armored Division", "a 2nd", "a 3rd axis" are ranks, not dates.
    assert set(seed_mentions) == {
        "Thursday the 28th",
        "Thursday to Friday",
        "for 3 days straight",
        "today",
        "this past Thursday",
        "back in early June",
        "Two days ago",
    }


# --- Properties -----------------------------------------------------------------------------------------

DATE_WORDS = [
    "today", "yesterday", "last night", "two days ago", "a week ago", "last week", "this week", "next week",
    "this month", "earlier this month", "last month", "next month", "in June", "back in early June",
    "late May", "Thursday", "this past Thursday", "next Friday", "Thursday the 31st", "on the 29th",
    "28 July", "February 30", "July 22 - 29, 2016", "for 3 days straight", "over the past twelve days",
    "Monday to Sunday", "31/02/2016", "tomorrow", "the 4th Division", "on August 5", "in January",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(DATE_WORDS), st.text(max_size=12)), max_size=8).map(" ".join)
published_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=300, deadline=None)
@given(text=texts, published=st.one_of(st.none(), published_dates))
def test_dates_offsets_equal_surface(text: str, published: date | None) -> None:
    for mention in find_dates(text, published):
        assert text[mention.start : mention.end] == mention.surface
        assert mention.surface.strip() == mention.surface != ""


@settings(max_examples=300, deadline=None)
@given(text=texts, published=published_dates)
def test_dates_relative_never_after_publication(text: str, published: date) -> None:
    for mention in find_dates(text, published):
        if mention.kind in (KIND_RELATIVE, KIND_SPAN):
            assert mention.day <= published, mention
        if mention.kind == KIND_SPAN:
            assert mention.last_day == published
        if mention.kind == KIND_FUTURE:
            assert mention.day > published, mention


@settings(max_examples=300, deadline=None)
@given(text=st.text(), published=st.one_of(st.none(), st.dates()))
def test_dates_no_exception_on_arbitrary_text(text: str, published: date | None) -> None:
    find_dates(text, published)


@settings(max_examples=200, deadline=None)
@given(expression=st.one_of(st.sampled_from(DATE_WORDS), st.text(max_size=30)), published=st.dates())
def test_dates_resolve_never_raises(expression: str, published: date) -> None:
    result = resolve_date(expression, published)
    assert result is None or result[1] in (1, 2, 3)
