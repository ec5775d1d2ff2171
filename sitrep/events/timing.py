"""When it happened: the date expression that governs an event, or the publication date."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sitrep.dates import DateMention
from sitrep.events.participants import SAYING_LEMMAS

# With no date in its sentence or paragraph, a past event ("the victories in Layramoun") is dated to the
# middle of the week before publication, known to the week (ACLED's convention for "this week"); an
# ongoing one ("are advancing", "fighting continues") to the publication day.
UNDATED_PRECISION = 2
WEEK_MIDPOINT_DAYS = 3
# With neither a date in the text nor a publication date, the event has no date; ACLED's coarsest
# precision says so to anyone who sorts by it.
UNKNOWN_DATE_PRECISION = 3
# An expected or imagined event with no date in its own sentence is dated to the publication day, known
# only to the month: a plan or forecast has no day yet, and a date earlier in the paragraph is the date
# of what already happened ("On Friday the army took X. It will now push on to Y").
UNDATED_FUTURE_PRECISION = 3
# Arcs and tags of a non-finite clause (an infinitive or gerund) that takes the tense of the clause it
# depends on.
NON_FINITE_ARCS = frozenset({"xcomp", "advcl", "ccomp", "acl", "pcomp"})
NON_FINITE_TAGS = frozenset({"VB", "VBG", "TO"})
# An event with no date in its paragraph, not told in the present tense, takes the last day named earlier
# in the same story ("On Thursday, the SDF said ... In addition, Turkish warplanes struck ..."): a news
# report goes on from the day it last named, as it does within a paragraph. Only a day this close before
# publication carries (days): an older date in the story is background ("the offensive of 2015"), not the
# day of the report's news.
STORY_DAYS = 7
# Spans of days (see `_day_of`); a span longer than a month ("last year", "in 2015") dates only its own
# sentence: it is background, not the day a paragraph goes on from.
MIN_SPAN_DAYS = 3
WEEK_SPAN_DAYS = 8
MAX_CARRIED_SPAN_DAYS = 31
# What `_day_of` answers for a longer span: known only to the year, finer than no ACLED precision; an event
# so dated is background ("the first truce was agreed in 2014"), which ACLED does not code.
YEAR_PRECISION = 4
# A perfect naming this many places or more with no date is a summary of gains (see `summary_date`), dated
# within this many days before publication.
SUMMARY_PLACES = 3
SUMMARY_DAYS = 30
# A weekday named alone ("Friday", "Friday night"), which the date finder reads as the last one on or before
# publication (reports tell of the past); of an expected or supposed deed it is the next one.
BARE_WEEKDAY_RE = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:\s+(?:morning|afternoon|evening|night))?$",
                             re.IGNORECASE)


def date_event(trigger_char: int, sentence: tuple[int, int], paragraph_start: int,
               dates: Sequence[DateMention], published: date | None,
               past: bool = False, future: bool = False, story_start: int = 0,
               present: bool = False) -> tuple[date | None, int, bool]:
    """(date, time precision, whether the text dates it) for an event whose trigger stands at
    `trigger_char`: the nearest date expression in its sentence, else (unless the event is `future`:
    expected or hypothetical) the last one earlier in its paragraph, else (unless the event is told in the
    `present` tense: still going on) the last recent day named earlier in its story (the section from
    `story_start`), else the publication date (a week earlier, known to the week, for a `past` event)."""
    in_sentence = [d for d in dates if sentence[0] <= d.start < sentence[1]]
    if in_sentence:
        nearest = min(in_sentence, key=lambda d: abs(d.start - trigger_char))
        return (*_day_of(nearest), True)
    if future:
        return published, UNDATED_FUTURE_PRECISION, False
    earlier = [d for d in dates if paragraph_start <= d.start < sentence[0] and d.span_days <= MAX_CARRIED_SPAN_DAYS]
    if earlier:
        return (*_day_of(earlier[-1]), True)
    if published is None:
        return None, UNKNOWN_DATE_PRECISION, False
    story = [d for d in dates if story_start <= d.start < paragraph_start and d.precision == 1
             and d.day is not None and 0 <= (published - d.day).days <= STORY_DAYS]
    if story and not present:
        return (*_day_of(story[-1]), True)
    if past:
        return published - timedelta(days=WEEK_MIDPOINT_DAYS), UNDATED_PRECISION, False
    return published, 1, False


def summary_date(trigger: Any, places: int, published: date | None) -> tuple[date, int] | None:
    """An undated deed told in the perfect over SUMMARY_PLACES places or more ("the army has driven them out
    of the towns of A, B, C and D") sums up weeks of gains: the middle of the SUMMARY_DAYS before
    publication, known to the month; None for anything else."""
    if published is None or places < SUMMARY_PLACES or not _is_perfect(trigger):
        return None
    return published - timedelta(days=SUMMARY_DAYS // 2), 3


def _is_perfect(trigger: Any) -> bool:
    while trigger.dep_ == "conj" and trigger.head.i != trigger.i:
        trigger = trigger.head
    return trigger.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in trigger.children)


def _day_of(mention: DateMention) -> tuple[date | None, int]:
    """An event's day and precision from the date that dates it: a span of MIN_SPAN_DAYS or more ("July
    21-27, 2016", "from 3 to 9 August") by its middle, known to the week (or, past WEEK_SPAN_DAYS, to the
    month; past a month, only to the year: YEAR_PRECISION), the gold's and ACLED's convention; a day, or a
    night across two, as written."""
    if mention.day is None or mention.span_days < MIN_SPAN_DAYS:
        return mention.day, mention.precision
    middle = mention.day + timedelta(days=(mention.span_days - 1) // 2)
    if mention.span_days > MAX_CARRIED_SPAN_DAYS:
        return middle, YEAR_PRECISION
    return middle, max(mention.precision, 2 if mention.span_days <= WEEK_SPAN_DAYS else 3)


def is_past(trigger: Any) -> bool:
    """Whether the trigger's clause is in the past tense ("were", "recaptured", "was re-liberated")."""
    return tense_of(trigger) == "Past"


def tense_of(trigger: Any) -> str | None:
    """"Past" or "Pres", the tense of the trigger's clause, or None where no word of it shows one
    ("airstrikes on villages" in a headline). A listed word takes the tense of the list's head ("artillery,
    tank and mortar fire accompanied ...")."""
    while trigger.dep_ in ("conj", "compound") and trigger.head.i != trigger.i:
        trigger = trigger.head
    for token in (trigger, trigger.head, *[c for c in trigger.children if c.dep_ in ("aux", "auxpass")],
                  *[c for c in trigger.head.children if c.dep_ in ("aux", "auxpass")]):
        tense = token.morph.get("Tense")
        if tense:
            if token.dep_ in ("aux", "auxpass"):
                return "Past" if "Past" in tense else "Pres"  # "was re-liberated", "are advancing"
            if token.tag_ == "VBN":
                return None  # a bare participle is no tense
            return "Past" if "Past" in tense else "Pres"
    return _governing_tense(trigger.head)


def _governing_tense(token: Any) -> str | None:
    """The tense of the finite clause a non-finite one hangs from ("Russia is having a presence, helping to
    drop food": "drop" is told in the present)."""
    while token.dep_ in NON_FINITE_ARCS and token.tag_ in NON_FINITE_TAGS and token.head.i != token.i:
        token = token.head
        auxiliaries = [c for c in token.children if c.dep_ in ("aux", "auxpass") and c.morph.get("Tense")]
        tense = (auxiliaries[0] if auxiliaries else token).morph.get("Tense")
        if tense and (auxiliaries or token.tag_ != "VBN"):
            return "Past" if "Past" in tense else "Pres"
    return None


def weekday_ahead(day: date | None, sentence_dates: Sequence[DateMention], trigger: Any, doc: Any,
                  published: date | None) -> date | None:
    """The day of an expected or supposed deed dated by a weekday named alone in its own clause ("the troops
    will withdraw on Friday"): the next such weekday, where the date finder read the last one (reports tell
    of the past). A weekday that dates the saying ("said on Monday it would attack") stays as it is."""
    if day is None or published is None or day >= published:
        return day
    nearest = min(sentence_dates, key=lambda d: abs(d.start - trigger.idx), default=None)
    if nearest is None or nearest.day != day or not BARE_WEEKDAY_RE.match(nearest.surface) or \
            _dates_a_saying_over(nearest, trigger, doc) or _before_the_reported_clause(nearest, trigger, doc):
        return day
    return day + timedelta(days=7)


def _before_the_reported_clause(mention: DateMention, trigger: Any, doc: Any) -> bool:
    """"The army said on Monday it would shell the town": a date between a saying verb and the subject of the
    clause it reports is the saying's, however the parser hangs it."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    for verb in trigger.sent:
        if verb.lemma_.lower() not in SAYING_LEMMAS or verb.i >= span.start:
            continue
        for clause in (c for c in verb.children if c.dep_ == "ccomp"):
            subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if clause.left_edge.i <= trigger.i <= clause.right_edge.i and subject is not None and \
                    span.end <= subject.left_edge.i:
                return True
    return False


def dates_only_the_saying(mentions: Sequence[DateMention], trigger: Any, doc: Any) -> bool:
    """Every date in the trigger's sentence is the day someone told of the deed, not the deed's own ("the
    ministry said Tuesday that a cell carried out the bombing"): the deed happened by then, on a day the
    sentence does not state. False when the sentence has no date."""
    return bool(mentions) and all(_dates_a_saying_over(m, trigger, doc) for m in mentions)


def _dates_a_saying_over(mention: DateMention, trigger: Any, doc: Any) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    return verb is not None and verb.lemma_.lower() in SAYING_LEMMAS and verb.i != trigger.i and \
        any(child.dep_ == "ccomp" and child.left_edge.i <= trigger.i <= child.right_edge.i for child in verb.children)
