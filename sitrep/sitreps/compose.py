"""Compose a front's situation report from the store: what changed hands, where fighting is, what is
expected, what is uncertain and the loaded words the sources used, each sentence citing its documents.

    report = compose_report(store, "Aleppo", date(2016, 7, 1), date(2016, 8, 31))

Facts come from the control timelines (`sitrep.control.storage`: the assessed layer's changes of hands,
the claimed layer's changes the assessment does not confirm, the contested and besieged places on the
last day) and from merged events (`sitrep.reconcile`: one happening per merged event, its reports from
every source). Sentences are in sitrep's neutral voice (`wording.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import Session

from sitrep.control.state import ASSESSED, BESIEGED, CLAIMED, CONTESTED, ControlState
from sitrep.control.storage import OBSERVATIONS, ControlChange, control_at, control_changes
from sitrep.errors import SitrepError
from sitrep.fronts import Front, find_front
from sitrep.reconcile.publishers import publisher_of
from sitrep.reconcile.report import NOT_HAPPENED, Report
from sitrep.reconcile.reports import reports_of_merged
from sitrep.sitreps import wording as w
from sitrep.store import Store, as_date
from sitrep.store.schema import DocumentRow, EventRow, FramingSpanRow, MergedReportRow, PlaceRow, SourceRow
from sitrep.taxonomy import BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS

# Event types that count as fighting (ACLED's political violence types).
FIGHTING_TYPES = frozenset({BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS})
# Days after the report's end within which an expected event is still this report's forecast (as the
# sources published by the end expected it).
FORECAST_DAYS = 30
# Sentences per section at most (places under fighting, most active first; changes, forecasts and
# disputes earliest first): a report of a few pages, not a database dump. The section says how many were left out.
MAX_SENTENCES = 40
# Places named in one sentence about contested or besieged places on the last day.
MAX_PLACES_PER_SENTENCE = 12
# "Where fighting is" says one sentence per place, as the map draws them: a place known only by the city it
# lies in (geo_precision 2, such as most of a city's districts) goes under the city, which names at most this
# many of them, the most reported first (the rest counted), and at most this many kinds of fighting.
MAX_PARTS_NAMED = 4
CITY_LEVEL = 2  # geo_precision of a place whose own point is unknown: only the city it lies in
MAX_KINDS_NAMED = 3
# Loaded terms quoted per source: enough to show its framing.
MAX_TERMS_PER_SOURCE = 6
# Framing techniques whose terms are quoted as the sources' words (not doubt's scare quotes or
# exaggeration's intensifiers, which say little about how a side is cast).
QUOTED_TECHNIQUES = frozenset({"name_calling", "loaded_language", "euphemism", "flag_waving"})
# Values per IN (...) list: far under SQLite's parameter limit.
IN_CHUNK = 500
NEGATED = "negated"

CHANGES, FIGHTING, FORECAST, UNCERTAIN, WORDS = ("What changed hands", "Where fighting is",
                                                 "What is expected (forecast)", "What is uncertain",
                                                 "In the sources' own words")


class ReportError(SitrepError):
    """A situation report cannot be composed as asked (bad date range)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A cited document, numbered as the report cites it."""

    number: int
    doc_id: str
    publisher: str
    stance: str
    published: date | None
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence in sitrep's voice (loaded terms only inside quotation marks) and the sources it cites."""

    text: str
    citations: tuple[int, ...]
    forecast: bool = False
    uncertain: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    sentences: tuple[Sentence, ...]
    note: str = ""  # shown when there are no sentences, or when some were left out


@dataclass(frozen=True, slots=True)
class SituationReport:
    front: Front
    start: date
    end: date
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    control: tuple[ControlState, ...]  # the front's assessed control on `end`, for the map

    @property
    def sentences(self) -> list[Sentence]:
        return [s for section in self.sections for s in section.sentences]


class _Citations:
    """Documents numbered in the order the report first cites them."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cite(self, doc_ids: Iterable[str]) -> tuple[int, ...]:
        wanted = sorted(set(doc_ids))
        for doc_id in wanted:
            self.numbers.setdefault(doc_id, len(self.numbers) + 1)
        return tuple(sorted(self.numbers[d] for d in wanted))

    def documents(self, numbers: Iterable[int]) -> list[str]:
        """The documents cited under `numbers`."""
        wanted = set(numbers)
        return [doc_id for doc_id, number in self.numbers.items() if number in wanted]


def compose_report(store: Store, front_name: str, start: date, end: date) -> SituationReport:
    """The situation report on the front called `front_name` from `start` to `end` (both included)."""
    if end < start:
        raise ReportError(f"the report ends ({end}) before it starts ({start})")
    front = find_front(store, front_name)
    citations = _Citations()
    with store.engine.connect() as connection:
        changes = _changes_section(store, connection, front, start, end, citations)
        control = [s for s in control_at(store, end, ASSESSED, front.admin1) if s.admin1 == front.admin1]
        with Session(bind=connection) as session:
            merged = _merged_reports(session, front, start, end)
        in_range = [m for m in merged if (day := _day_of(m)) is not None and start <= day <= end]
        happened = [m for m in in_range if _lead(m).fact_status not in NOT_HAPPENED | {NEGATED}]
        fighting = _with_undated(_fighting_section(connection, happened, control, end, citations),
                                 _undated_fighting(connection, front))
        forecast = _forecast_section(_known_by(connection, [m for m in merged if _lead(m).fact_status in NOT_HAPPENED],
                                               end), start, citations)
        uncertain = _uncertain_section([m for m in in_range if _lead(m).fact_status not in NOT_HAPPENED], citations)
        words = _words_section(connection, [r for m in happened for r in m], citations)
        sources = _sources(connection, citations)
    return SituationReport(front, start, end, (changes, fighting, forecast, uncertain, words), tuple(sources),
                           tuple(control))


# ---------------------------------------------------------------- changes of control


def _changes_section(store: Store, connection: Connection, front: Front, start: date, end: date,
                     citations: _Citations) -> Section:
    before = start - timedelta(days=1)  # control_changes lists changes after its first day
    assessed = [c for c in control_changes(store, before, end, ASSESSED) if c.state.admin1 == front.admin1]
    claimed = [c for c in control_changes(store, before, end, CLAIMED) if c.state.admin1 == front.admin1]
    confirmed = {(c.state.place_id, c.state.side) for c in assessed}
    unconfirmed = [c for c in claimed if (c.state.place_id, c.state.side) not in confirmed]
    listed = [(c, True) for c in assessed] + [(c, False) for c in unconfirmed]
    sentences = [_change_sentence(connection, c, citations, confirmed=sure) for c, sure in listed[:MAX_SENTENCES]]
    return Section(CHANGES, tuple(s for s in sentences if s.citations),
                   _left_out(len(listed), "changes of hands",
                             "No source in the store reports a place changing hands in this period."))


def _left_out(found: int, what: str, none: str) -> str:
    """A section's note: what was left out beyond MAX_SENTENCES, or that there was nothing."""
    if not found:
        return none
    return f"{found - MAX_SENTENCES} more {what} are left out." if found > MAX_SENTENCES else ""


def _change_sentence(connection: Connection, change: ControlChange, citations: _Citations, *,
                     confirmed: bool) -> Sentence:
    state = change.state
    publishers = {r.source: r.stance for r in change.reports}
    stances = list(publishers.values()) or [""]
    took = (f"{w.side_label(state.side, state.valid_from)} took control of {w.as_name(state.place_name)} "
            f"{w.days_words([state.valid_from])}")
    if state.previous_side and state.previous_side != state.side:  # named as it was called the day before
        took += f" from {w.side_label(state.previous_side, state.valid_from - timedelta(days=1))}"
    cited = citations.cite(_documents_of_change(connection, change))
    if not confirmed:
        text = (f"{w.capitalized(w.sources_words(stances))} {'reports' if len(stances) == 1 else 'report'} that "
                f"{took}; sitrep's assessment does not confirm it")
        return Sentence(text + ".", cited, uncertain=True)
    single = len(publishers) == 1 and w.is_partisan(stances[0])
    claims = bool(change.reports) and all(r.fact_status == "attributed_claim" for r in change.reports)
    text = w.capitalized(took)
    if single:
        text += f", according to {w.sources_words(stances)}; no other source confirms it"
    elif claims:
        text += ", as the sources attribute to others' claims; none reports it first-hand"
    return Sentence(text + ".", cited, uncertain=single or claims)


def _documents_of_change(connection: Connection, change: ControlChange) -> list[str]:
    """The documents behind a change: its reports' events, and statements of the same state in its time."""
    event_ids = [r.event_id for r in change.reports if r.event_id]
    found = set(_documents_of_events(connection, event_ids).values())
    if any(not r.event_id for r in change.reports) or not found:
        s = change.state
        until = s.valid_until or date.max
        query = (select(DocumentRow.doc_id).distinct()
                 .join(OBSERVATIONS, OBSERVATIONS.c.document_id == DocumentRow.id)
                 .where(OBSERVATIONS.c.place_id == s.place_id, OBSERVATIONS.c.side == s.side,
                        OBSERVATIONS.c.state == s.state, OBSERVATIONS.c.observed_on >= s.valid_from,
                        OBSERVATIONS.c.observed_on < until))
        found |= set(connection.scalars(query))
    return sorted(found)


def _documents_of_events(connection: Connection, event_ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(event_ids))
    found: dict[str, str] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        query = (select(EventRow.event_id, DocumentRow.doc_id).join(DocumentRow, DocumentRow.id == EventRow.document_id)
                 .where(EventRow.event_id.in_(wanted[i:i + IN_CHUNK])))
        found.update({event_id: doc_id for event_id, doc_id in connection.execute(query)})
    return found


# ---------------------------------------------------------------- merged events


def _merged_reports(session: Session, front: Front, start: date, end: date) -> list[list[Report]]:
    """The reports of each merged fighting event with a report in the front between `start` and `end`, or
    with an expected or hypothetical report up to FORECAST_DAYS after `end`."""
    def merged_ids(first: date, last: date, *where: Any) -> set[str]:
        query = (select(MergedReportRow.merged_id).distinct()
                 .join(EventRow, EventRow.event_id == MergedReportRow.event_id)
                 .where(EventRow.admin1 == front.admin1, EventRow.event_date >= first, EventRow.event_date <= last,
                        EventRow.event_type.in_(sorted(FIGHTING_TYPES)), *where))
        return set(session.scalars(query))

    ids = merged_ids(start, end) | merged_ids(end + timedelta(days=1), end + timedelta(days=FORECAST_DAYS),
                                              EventRow.fact_status.in_(sorted(NOT_HAPPENED)))
    grouped = reports_of_merged(session, ids)
    return [reports for _, reports in sorted(grouped.items()) if reports]


def _known_by(connection: Connection, expected: Sequence[list[Report]], end: date) -> list[list[Report]]:
    """The expectations as they stood at the report's end: of each merged event's reports, those whose
    document was published by `end` (or bears no date); the event is kept while one of them expects it.
    A forecast published later is hindsight, not what was expected then."""
    doc_ids = sorted({r.doc_id for reports in expected for r in reports})
    late = set(connection.scalars(select(DocumentRow.doc_id).where(DocumentRow.doc_id.in_(doc_ids),
                                                                   DocumentRow.published > end)))
    kept = [[r for r in reports if r.doc_id not in late] for reports in expected]
    return [reports for reports in kept if reports and _lead(reports).fact_status in NOT_HAPPENED]


def _lead(reports: Sequence[Report]) -> Report:
    """The report that speaks for a merged event (as `sitrep.reconcile.summary.lead_report`)."""
    return min(reports, key=lambda r: (r.status_rank, r.geo_precision, r.time_precision, r.is_copy, r.event_id))


def _day_of(reports: Sequence[Report]) -> date | None:
    return _lead(reports).event_date


def _place_of(reports: Sequence[Report]) -> str:
    return _lead(reports).location or "an unnamed place"


def _stances(reports: Iterable[Report]) -> list[str]:
    """One stance per independent publisher."""
    return list({r.publisher: r.stance for r in reports}.values())


def _sides(reports: Iterable[Report], day: date | None) -> list[str]:
    sides = sorted({side for r in reports for side in (r.actor1_side, r.actor2_side)
                    if side and side not in ("unknown", "civilians")})
    return [w.side_label(s, day) for s in sides]


def _fighting_section(connection: Connection, happened: Sequence[list[Report]], control: Sequence[ControlState],
                      end: date, citations: _Citations) -> Section:
    """One sentence per place where fighting is reported (a district known only by its city under the city),
    those that matter first: reported by the most independent publishers, then the most recent, then the most
    events."""
    cities = _place_names(connection, {_lead(m).parent_id for m in happened if _lead(m).geo_precision == CITY_LEVEL}
                          - {""})
    by_place: dict[str, list[list[Report]]] = defaultdict(list)
    names: dict[str, str] = {}
    for reports in happened:
        lead = _lead(reports)
        in_city = lead.geo_precision == CITY_LEVEL and lead.parent_id in cities
        key = lead.parent_id if in_city else (lead.place_id or _place_of(reports))
        names.setdefault(key, cities.get(key) or _place_of(reports))
        by_place[key].append(reports)
    ranked = sorted(by_place.items(), key=lambda item: (*_weight(item[1]), names[item[0]]))
    sentences = [_fighting_sentence(names[key], merged, citations) for key, merged in ranked[:MAX_SENTENCES]]
    sentences += _state_sentences(connection, control, end, citations)
    note = _left_out(len(ranked), "less active places",
                     "" if sentences else "No source in the store reports fighting on this front in this period.")
    return Section(FIGHTING, tuple(sentences), note)


def _undated_fighting(connection: Connection, front: Front) -> int:
    """The front's reports of fighting that bear no date (an undated document whose text names no day): no
    period can hold them, so every report leaves them out, and says how many."""
    query = (select(func.count()).select_from(EventRow)
             .where(EventRow.admin1 == front.admin1, EventRow.event_date.is_(None),
                    EventRow.event_type.in_(sorted(FIGHTING_TYPES))))
    return connection.scalar(query) or 0


def _with_undated(section: Section, undated: int) -> Section:
    """`section` whose note also says how many undated reports were left out, and how to date them."""
    if not undated:
        return section
    said = (f"{undated} report{'s' if undated > 1 else ''} of fighting on this front bear{'' if undated > 1 else 's'}"
            " no date and are left out: their documents have no publication date (at ingest, --published, "
            "front matter 'published:' or the undated setting dates such a document).")
    return replace(section, note=f"{section.note} {said}".strip())


def _weight(merged: Sequence[list[Report]]) -> tuple[int, int, int]:
    """What makes a place's fighting matter, as a sort key (smallest first): more independent publishers,
    a later last day, more events."""
    last = max((d for m in merged if (d := _day_of(m)) is not None), default=date.min)
    return -len(_stances(r for m in merged for r in m)), -last.toordinal(), -len(merged)


def _most_reported(items: Iterable[str]) -> list[str]:
    """Distinct items, the most frequent first (ties in the order first seen)."""
    counts = Counter(items)
    return sorted(counts, key=lambda item: -counts[item])


def _fighting_sentence(place: str, merged: Sequence[list[Report]], citations: _Citations) -> Sentence:
    reports = [r for m in merged for r in m]
    days = [d for m in merged if (d := _day_of(m)) is not None]
    kinds = _most_reported(w.kind_words(_lead(m).sub_event_type) for m in merged)
    named = kinds[:MAX_KINDS_NAMED] + ([f"{len(kinds) - MAX_KINDS_NAMED} other kinds of fighting"]
                                       if len(kinds) > MAX_KINDS_NAMED else [])
    text = f"Reports describe {w.listed(named)} at {w.as_name(place)}"
    parts = [p for p in _most_reported(_place_of(m) for m in merged) if p != place]
    if parts:
        more = len(parts) - MAX_PARTS_NAMED
        shown = [w.as_name(p) for p in parts[:MAX_PARTS_NAMED]] + ([f"{more} more places"] if more > 0 else [])
        text += f" (in {w.listed(shown)})"
    text += f" {w.days_words(days)}"
    sides = _sides(reports, max(days, default=None))
    if sides:
        text += f", involving {w.listed(sides)}"
    stances = _stances(reports)
    single = len(stances) == 1 and w.is_partisan(stances[0])
    claims = all(r.fact_status == "attributed_claim" for r in reports)
    if single:
        text += f"; this rests on {w.sources_words(stances)}"
    elif claims and len(stances) > 1:  # the count the ranking used, said as well
        text += f"; {len(stances)} independent sources report it, each as others' claims"
    elif claims:
        text += "; the reports attribute this to others' claims"
    elif len(stances) > 1:
        text += f"; {len(stances)} independent sources report it"
    return Sentence(text + ".", citations.cite(r.doc_id for r in reports), uncertain=single or claims)


def _place_names(connection: Connection, place_ids: Iterable[str]) -> dict[str, str]:
    """The names of the stored places among `place_ids` (a city that its districts' events name as parent)."""
    wanted = sorted(set(place_ids))
    found: dict[str, str] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        query = select(PlaceRow.place_id, PlaceRow.name).where(PlaceRow.place_id.in_(wanted[i:i + IN_CHUNK]))
        found.update({place_id: name for place_id, name in connection.execute(query)})
    return found


def _state_sentences(connection: Connection, control: Sequence[ControlState], end: date,
                     citations: _Citations) -> list[Sentence]:
    """The places contested or besieged on the last day, from the assessed control layer."""
    sentences = []
    documents = _documents_of_events(connection, [e for s in control for e in s.event_ids])
    contested = [s for s in control if s.state == CONTESTED][:MAX_PLACES_PER_SENTENCE]
    if contested:
        names = w.listed(w.as_name(s.place_name) for s in contested)
        verb = "was" if len(contested) == 1 else "were"
        cited = citations.cite(documents[e] for s in contested for e in s.event_ids if e in documents)
        sentences.append(Sentence(f"On {w.day_words(end)}, {names} {verb} contested.", cited))
    for state in [s for s in control if s.state == BESIEGED][:MAX_PLACES_PER_SENTENCE]:
        holder = f", held by {w.side_label(state.side, end)}," if state.side else ""
        cited = citations.cite(documents[e] for e in state.event_ids if e in documents)
        sentences.append(Sentence(f"On {w.day_words(end)}, {w.as_name(state.place_name)}{holder} was under siege.",
                                  cited))
    publishers = _publishers(connection, set(documents.values()))
    return [_resting_on(s, {publishers[d] for d in citations.documents(s.citations) if d in publishers})
            for s in sentences if s.citations]


def _resting_on(sentence: Sentence, publishers: set[tuple[str, str]]) -> Sentence:
    """A sentence on control that one partisan publisher alone supports says so, and is uncertain."""
    stances = [stance for _, stance in publishers]
    if len(stances) != 1 or not w.is_partisan(stances[0]):
        return sentence
    text = f"{sentence.text.removesuffix('.')}; this rests on {w.sources_words(stances)}."
    return replace(sentence, text=text, uncertain=True)


def _publishers(connection: Connection, doc_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Each document's publisher and stance, as `Report` has them (the document's stance, else its source's)."""
    wanted = sorted(set(doc_ids))
    found: dict[str, tuple[str, str]] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        query = (select(DocumentRow.doc_id, SourceRow.name, DocumentRow.stance, SourceRow.stance)
                 .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
                 .where(DocumentRow.doc_id.in_(wanted[i:i + IN_CHUNK])))
        found.update({doc_id: (publisher_of(source, doc_id), stance or source_stance or "")
                      for doc_id, source, stance, source_stance in connection.execute(query)})
    return found


def _forecast_section(expected: Sequence[list[Report]], start: date, citations: _Citations) -> Section:
    sentences = []
    ordered = sorted(expected, key=lambda m: (_day_of(m) or date.max, _place_of(m)))
    for reports in ordered[:MAX_SENTENCES]:
        lead = _lead(reports)
        stances = _stances(reports)
        verb = "expects" if lead.fact_status == "expected" else "considers possible"
        if len(stances) > 1:
            verb = "expect" if lead.fact_status == "expected" else "consider possible"
        when = f" around {w.day_words(lead.event_date)}" if lead.event_date and lead.event_date >= start else ""
        # Marked as a forecast once, by the renderers (Sentence.forecast): the words say who expects what.
        text = (f"{w.capitalized(w.sources_words(stances))} {verb} {w.kind_words(lead.sub_event_type)}"
                f" at {w.as_name(_place_of(reports))}{when}.")
        sentences.append(Sentence(text, citations.cite(r.doc_id for r in reports), forecast=True, uncertain=True))
    return Section(FORECAST, _merge_repeats(sentences),
                   _left_out(len(ordered), "forecasts", "No source in the store expects an event here."))


def _merge_repeats(sentences: Sequence[Sentence]) -> tuple[Sentence, ...]:
    """Sentences with the same words once, citing all their sources."""
    merged: dict[str, Sentence] = {}
    for s in sentences:
        earlier = merged.get(s.text)
        merged[s.text] = replace(s, citations=tuple(sorted(set(earlier.citations) | set(s.citations)))) \
            if earlier else s
    return tuple(merged.values())


def _uncertain_section(merged: Sequence[list[Report]], citations: _Citations) -> Section:
    """Merged events whose sources disagree (different kinds of event, or a denial), and denials alone."""
    disputed = sorted((m for m in merged if _disputed(m)), key=lambda m: (_day_of(m) or date.max, _place_of(m)))
    sentences = []
    for reports in disputed[:MAX_SENTENCES]:
        kinds: dict[str, list[Report]] = defaultdict(list)
        for r in reports:
            if r.fact_status != NEGATED:
                kinds[w.kind_words(r.sub_event_type)].append(r)
        denials = [r for r in reports if r.fact_status == NEGATED]
        day = _day_of(reports)
        where = f"{w.as_name(_place_of(reports))}{' ' + w.days_words([day]) if day else ''}"
        if not kinds:
            text = (f"{w.capitalized(_says(denials, 'denies', 'deny'))} "
                    f"{w.kind_words(_lead(reports).sub_event_type)} at {where}, and no source in the store says it happened.")
        else:
            parts = [f"{_says(rs, 'reports', 'report')} {kind}" for kind, rs in sorted(kinds.items())]
            if denials:
                parts.append(f"{_says(denials, 'denies', 'deny')} it")
            text = f"Sources disagree about {where}: {'; '.join(parts)}."
        sentences.append(Sentence(text, citations.cite(r.doc_id for r in reports), uncertain=True))
    return Section(UNCERTAIN, tuple(sentences), _left_out(len(disputed), "disputes",
                   "No two sources contradict each other on this front in this period."))


def _disputed(reports: Sequence[Report]) -> bool:
    """Whether the reports of one happening say different kinds of event happened, or one denies it."""
    kinds = {w.kind_words(r.sub_event_type) for r in reports if r.fact_status != NEGATED}
    return len(kinds) > 1 or any(r.fact_status == NEGATED for r in reports)


def _says(reports: Sequence[Report], one: str, many: str) -> str:
    """"a single opposition source denies", "2 sources (neutral, opposition) report"."""
    stances = _stances(reports)
    return f"{w.sources_words(stances)} {one if len(stances) == 1 else many}"


# ---------------------------------------------------------------- the sources' words and the source list


def _words_section(connection: Connection, reports: Sequence[Report], citations: _Citations) -> Section:
    """The loaded terms each publisher used in the reports cited, quoted as its words."""
    document_of = {r.event_id: r.doc_id for r in reports}
    wanted = sorted(document_of)
    spans = [row for i in range(0, len(wanted), IN_CHUNK) for row in connection.execute(
        select(FramingSpanRow.event_id, FramingSpanRow.surface)
        .where(and_(FramingSpanRow.event_id.in_(wanted[i:i + IN_CHUNK]),
                    FramingSpanRow.technique.in_(sorted(QUOTED_TECHNIQUES))))
        .order_by(FramingSpanRow.id))]
    info = _documents_info(connection, {document_of[event_id] for event_id, _ in spans})
    terms: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event_id, surface in spans:
        source = info[document_of[event_id]]
        key = (source.publisher, source.stance)
        terms[key][" ".join(surface.split())] = None
        docs[key].add(source.doc_id)
    sentences = []
    for (publisher, stance), found in sorted(terms.items()):
        shown = w.listed(w.quoted(t) for t in _unique_ignoring_case(found)[:MAX_TERMS_PER_SOURCE])
        text = f"{w.as_name(publisher)}, {w.with_article(w.stance_words(stance))} source, writes {shown}."
        sentences.append(Sentence(text, citations.cite(docs[(publisher, stance)])))
    note = "" if sentences else "The reports cited use no term of the framing lexicon."
    return Section(WORDS, tuple(sentences), note)


def _unique_ignoring_case(terms: Iterable[str]) -> list[str]:
    return list({t.lower(): t for t in reversed(list(terms))}.values())[::-1]


def _documents_info(connection: Connection, doc_ids: Iterable[str]) -> dict[str, Source]:
    """Each document's publisher, stance, date, title and URL (numbered 0: not yet cited)."""
    wanted = sorted(set(doc_ids))
    found: dict[str, Source] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        query = (select(DocumentRow.doc_id, SourceRow.name, DocumentRow.stance, SourceRow.stance,
                        DocumentRow.published, DocumentRow.title, DocumentRow.url)
                 .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
                 .where(DocumentRow.doc_id.in_(wanted[i:i + IN_CHUNK])))
        for doc_id, name, stance, source_stance, published, title, url in connection.execute(query):
            found.setdefault(doc_id, Source(0, doc_id, name or doc_id, stance or source_stance or "",
                                            as_date(published), title or "", url or ""))
    return found


def _sources(connection: Connection, citations: _Citations) -> list[Source]:
    info = _documents_info(connection, citations.numbers)
    sources = [replace(info[doc_id], number=number) for doc_id, number in citations.numbers.items()
               if doc_id in info]
    return sorted(sources, key=lambda s: s.number)
