"""Control timelines in the store (revision 0003): observations per document, states per place and layer.

Writing: `rebuild_control` derives everything from the stored events; `update_control_for_document`
replaces one document's observations and recomputes only the places they touch (old and new), so one
more report costs a few places' timelines, not the world's.

Reading: `control_at` must find, among hundreds of thousands of stretches, the one per place valid on a
day. Each stretch [valid_from, valid_until) is filed under a `span`: the smallest block of 2^k days,
aligned on multiples of 2^k from `SPAN_EPOCH`, that contains it (k = 0..`SPAN_LEVELS` - 1), or the open
span for a stretch without end. The stretches valid on a day lie in the blocks that contain the day, one
per level, plus the open span (a hierarchical interval grid). A stretch filed at level k >= 1 crosses the
middle of its block, so within a block that holds the day only one of its ends needs checking: the start
when the day lies in the block's first half, the end when it lies in the second. `control_at` therefore
reads `SPAN_LEVELS` + 1 exact ranges, of the index (layer, span, valid_from) or (layer, span, valid_until),
and every entry it reads is a state valid on the day (revision 0007; with one index, blocks of the second
kind were read whole: 42,000 entries for 13,000 states). `control_changes` scans (layer, valid_from).

A listing reads each state's text fields from one column, `listing` (revision 0004): the ten joined by
`LISTING_SEPARATOR`, since Python's sqlite3 pays about 150 ns per value read, whatever its size. A state
whose fields contain the separator has no `listing` and is read from its columns.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Select,
    Table,
    delete,
    insert,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.types import String

from sitrep.control.observe import CLASH_TYPES, STRATEGIC, TERRITORY_TYPES, observation_of_event
from sitrep.control.rules import DEFAULT_RULES, AssessmentRules
from sitrep.control.state import ASSESSED, LAYERS, ControlState, ControlStateDraft, Observation, freeze_drafts
from sitrep.control.timeline import build_timeline
from sitrep.memory import collector_paused
from sitrep.model import Event
from sitrep.store import Store, as_date
from sitrep.store.schema import (
    ControlObservationRow,
    ControlPlaceRow,
    ControlStateRow,
    DocumentRow,
    EventRow,
    EvidenceRow,
    PlaceRow,
    SourceRow,
)

# Supporting reports kept per state for `control --changes` (the strongest evidence is in the first few).
MAX_REPORTS_PER_STATE = 20
# Characters of evidence kept per report in a state's `reports`: a sentence, enough to show the claim.
REPORT_EVIDENCE_CHARS = 240
# Rows per INSERT batch when writing many states or observations (SQLite's executemany sweet spot).
INSERT_BATCH = 5_000

# Day 0 of the span grid.
SPAN_EPOCH = date(1900, 1, 1)
# The longest listing kept (bytes): the listing is part of covering index entries, and a PostgreSQL B-tree
# entry must fit in a third of an 8 kB page (2,704 bytes). A longer one (a state behind ~100 events) is None,
# and that state is read from its columns.
LISTING_MAX_BYTES = 2000
# Block sizes 2^0 .. 2^(SPAN_LEVELS - 1) days: 2^17 days is 359 years, longer than any timeline.
SPAN_LEVELS = 18
# Spans encode (level, block) as level * SPAN_LEVEL_FACTOR + block; blocks number fewer than this.
SPAN_LEVEL_FACTOR = 1 << 32
# The span of stretches still valid (no end): above every level.
OPEN_SPAN = SPAN_LEVELS * SPAN_LEVEL_FACTOR

# Joins the text fields of a state's `listing`: the ASCII unit separator, which names and ids do not contain.
LISTING_SEPARATOR = "\x1f"

# The sub-event types of events that can tell who holds a place (besides strategic developments' sieges).
_CONTROL_SUB_TYPES = TERRITORY_TYPES | CLASH_TYPES

OBSERVATIONS = cast(Table, ControlObservationRow.__table__)
PLACES = cast(Table, ControlPlaceRow.__table__)
STATES = cast(Table, ControlStateRow.__table__)


@dataclass(frozen=True, slots=True)
class Report:
    """One report behind a control state, as `control --changes` shows it."""

    event_id: str
    source: str
    stance: str
    fact_status: str
    evidence: str


@dataclass(frozen=True, slots=True)
class ControlChange:
    """A place changing hands: the new state and the reports behind it."""

    state: ControlState
    reports: tuple[Report, ...]


# ---------------------------------------------------------------- writing


def rebuild_control(store: Store, rules: AssessmentRules = DEFAULT_RULES) -> int:
    """Derive every control observation and timeline from the stored events; returns the places covered.
    Statements of control need the parsed text: add them per document with `update_control_for_document`."""
    with store.engine.begin() as connection:
        for table in (STATES, PLACES, OBSERVATIONS):
            connection.execute(delete(table))
        found = list(_observations_of(connection, _control_events()))
        _insert_observations(connection, found)
        by_place = _group_by_place(o for o, _ in found)
        _insert_places(connection, by_place)
        _insert_states(connection, _timelines(by_place, rules))
    return len(by_place)


def update_control_for_document(store: Store, doc_id: str, observations: Sequence[Observation] = (),
                                rules: AssessmentRules = DEFAULT_RULES) -> set[str]:
    """Replace the control observations of the stored document `doc_id` by those of its events plus
    `observations` (its statements of control, see `observations_of_statements`), and recompute the
    timelines of every place touched; returns those place ids."""
    with store.engine.begin() as connection:
        document_ids = list(connection.scalars(select(DocumentRow.id).where(DocumentRow.doc_id == doc_id)))
        if not document_ids:
            return set()
        touched = set(connection.scalars(select(OBSERVATIONS.c.place_id).distinct()
                                         .where(OBSERVATIONS.c.document_id.in_(document_ids))))
        connection.execute(delete(OBSERVATIONS).where(OBSERVATIONS.c.document_id.in_(document_ids)))
        query = _control_events(by_type=False).where(EventRow.document_id.in_(document_ids))
        found = list(_observations_of(connection, query)) + [(o, document_ids[-1]) for o in observations]
        _insert_observations(connection, found)
        by_place = _group_by_place(o for o, _ in found)
        _insert_places(connection, by_place, only_new=True)
        touched |= set(by_place)
        refresh_places(connection, touched, rules)
    return touched


def update_control_after_save(store: Store, doc_id: str, observations: Sequence[Observation] = (),
                              rules: AssessmentRules = DEFAULT_RULES) -> set[str]:
    """The pipeline's hook after `Store.save_document`: the document's control observations and the
    timelines of the places they touch (see `update_control_for_document`)."""
    return update_control_for_document(store, doc_id, observations, rules)


def refresh_places(connection: Connection, place_ids: Iterable[str], rules: AssessmentRules = DEFAULT_RULES
                   ) -> None:
    """Recompute the timelines of these places from their stored observations, and write only what
    changed: a new report usually moves a timeline's last stretches, and each state written costs three
    index entries carrying its listing."""
    wanted = sorted(place_ids)
    if not wanted:
        return
    stored = _stored_observations(connection, wanted)
    rows = [_state_row(state, reports) for state, reports in _timelines(_group_by_place(stored), rules)]
    kept: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for stored_row in connection.execute(select(STATES.c.id, *(STATES.c[name] for name in _COMPARED))
                                         .where(STATES.c.place_id.in_(wanted))).mappings():
        kept[_compared(stored_row)].append(stored_row["id"])
    new: list[dict[str, Any]] = []
    for row in rows:
        same = kept.get(_compared(row))
        if same:
            same.pop()  # stored as it is: it stays
        else:
            new.append(row)
    gone = [row_id for ids in kept.values() for row_id in ids]
    for start in range(0, len(gone), INSERT_BATCH):
        connection.execute(delete(STATES).where(STATES.c.id.in_(gone[start:start + INSERT_BATCH])))
    _insert_batches(connection, STATES, new)


def _control_events(*, by_type: bool = True) -> Select[Any]:
    """The events that can say who holds a place, with their document's provenance and place kind. Without
    `by_type`, every event (for a query narrowed to a few documents: `_observations_of` skips the others). A
    few documents' events must be read through their document's index, and with the type condition SQLite's
    planner read instead every territory, clash and strategic event of the store through the type indexes
    (a MULTI-INDEX OR): one merge step of 50 reports read them all."""
    query = cast("Select[Any]", select(EventRow.event_id, EventRow.event_date, EventRow.time_precision, EventRow.event_type,
                   EventRow.sub_event_type, EventRow.actor1_side, EventRow.actor2_side, EventRow.location,
                   EventRow.admin1, EventRow.place_id, EventRow.latitude, EventRow.longitude,
                   EventRow.geo_precision, EventRow.fact_status, EventRow.hedges, EventRow.claimant,
                   EventRow.document_id, DocumentRow.doc_id, DocumentRow.published, DocumentRow.stance,
                   SourceRow.name.label("source"), PlaceRow.kind, EvidenceRow.text.label("evidence"))
            .join(DocumentRow, DocumentRow.id == EventRow.document_id)
            .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
            .outerjoin(PlaceRow, PlaceRow.place_id == EventRow.place_id)
            .outerjoin(EvidenceRow, EvidenceRow.event_id == EventRow.event_id))
    if not by_type:
        return query
    return query.where(or_(EventRow.sub_event_type.in_(sorted(TERRITORY_TYPES | CLASH_TYPES)),
                           EventRow.event_type == STRATEGIC))


def _observations_of(connection: Connection, query: Select[Any]) -> Iterator[tuple[Observation, int]]:
    """Each event row's observation with its document's row id (rows of other types skipped at once)."""
    for row in connection.execute(query):
        if row.sub_event_type not in _CONTROL_SUB_TYPES and row.event_type != STRATEGIC:
            continue  # says nothing of control (observation_of_event would say None)
        event = Event(event_id=row.event_id, doc_id=row.doc_id, event_date=row.event_date,
                      time_precision=row.time_precision, event_type=row.event_type,
                      sub_event_type=row.sub_event_type, actor1="", actor1_side=row.actor1_side, actor2="",
                      actor2_side=row.actor2_side, location=row.location, latitude=row.latitude,
                      longitude=row.longitude, geo_precision=row.geo_precision, fact_status=row.fact_status,
                      evidence=row.evidence or "", evidence_start=0, evidence_end=0, place_id=row.place_id or "",
                      admin1=row.admin1, hedges=tuple(row.hedges or ()), claimant=row.claimant,
                      source=row.source or "", stance=row.stance, published=row.published)
        observation = observation_of_event(event, row.kind or "")
        if observation is not None:
            yield observation, row.document_id


def _insert_observations(connection: Connection, observations: Sequence[tuple[Observation, int]]) -> None:
    rows = [{"document_id": document_id, "place_id": o.place_id, "observed_on": o.day,
             "side": o.side, "state": o.state, "fact_status": o.fact_status, "claimant": o.claimant,
             "event_id": o.event_id, "basis": o.basis, "hedged": o.hedged, "evidence": o.evidence}
            for o, document_id in observations]
    _insert_batches(connection, OBSERVATIONS, rows)


def _insert_places(connection: Connection, by_place: dict[str, list[Observation]], *,
                   only_new: bool = False) -> None:
    wanted = sorted(by_place)
    if only_new and wanted:
        stored = set(connection.scalars(select(PLACES.c.place_id).where(PLACES.c.place_id.in_(wanted))))
        wanted = [p for p in wanted if p not in stored]
    rows = [{"place_id": p, "name": by_place[p][0].place_name, "admin1": by_place[p][0].admin1,
             "lat": by_place[p][0].lat, "lon": by_place[p][0].lon} for p in wanted]
    _insert_batches(connection, PLACES, rows)


def span_of(valid_from: date, valid_until: date | None) -> int:
    """The span a stretch [valid_from, valid_until) is filed under (see the module doc)."""
    if valid_until is None:
        return OPEN_SPAN
    first, last = _day_number(valid_from), max(_day_number(valid_until) - 1, _day_number(valid_from))
    level = 0
    while first >> level != last >> level:
        level += 1
    return level * SPAN_LEVEL_FACTOR + (first >> level)


def spans_containing(day: date) -> list[int]:
    """Every span whose stretches may be valid on `day`: its block at each level, and the open span."""
    number = _day_number(day)
    return [level * SPAN_LEVEL_FACTOR + (number >> level) for level in range(SPAN_LEVELS)] + [OPEN_SPAN]


def spans_by_deciding_end(day: date) -> tuple[list[int], list[int]]:
    """`spans_containing(day)` split in two: the spans whose stretches hold `day` when they start on or
    before it, and those whose stretches hold it when they end after it. A level-k block's stretches (k >= 1)
    cross its middle; a level-0 block holds stretches of that one day; the open span, stretches without end."""
    number = _day_number(day)
    by_start: list[int] = [OPEN_SPAN, number]
    by_end: list[int] = []
    for level in range(1, SPAN_LEVELS):
        in_second_half = (number >> (level - 1)) & 1
        (by_end if in_second_half else by_start).append(level * SPAN_LEVEL_FACTOR + (number >> level))
    return by_start, by_end


def _day_number(day: date) -> int:
    return max(0, day.toordinal() - SPAN_EPOCH.toordinal())


def _insert_states(connection: Connection, states: Iterable[tuple[ControlState, list[list[str]]]]) -> None:
    _insert_batches(connection, STATES, (_state_row(s, reports) for s, reports in states))


def _state_row(s: ControlState, reports: list[list[str]]) -> dict[str, Any]:
    return {"layer": s.layer, "place_id": s.place_id, "place_name": s.place_name, "admin1": s.admin1,
            "lat": s.lat, "lon": s.lon, "side": s.side, "state": s.state, "valid_from": s.valid_from,
            "valid_until": s.valid_until, "span": span_of(s.valid_from, s.valid_until), "confidence": s.confidence,
            "previous_side": s.previous_side, "event_ids": " ".join(s.event_ids),
            "sources": "\n".join(s.sources), "reports": reports, "listing": listing_of(s)}


# The columns whose values make a stored state the same as a recomputed one (all but the id).
_COMPARED = ("layer", "place_id", "place_name", "admin1", "lat", "lon", "side", "state", "valid_from", "valid_until",
             "span", "confidence", "previous_side", "event_ids", "sources", "reports", "listing")


def _compared(row: Mapping[Any, Any]) -> tuple[Any, ...]:
    """A state row's values as compared: dates as read back on either backend, reports as JSON text."""
    return tuple(as_date(row[name]) if name in ("valid_from", "valid_until")
                 else json.dumps(row[name]) if name == "reports" else row[name] for name in _COMPARED)


def listing_of(state: ControlState) -> str | None:
    """The state's `listing` column: place_id, place_name, admin1, side, state, valid_from, valid_until (ISO,
    "" for none), event_ids, sources, previous_side, as stored in their columns, joined by LISTING_SEPARATOR;
    None when one of them contains the separator or the whole is longer than LISTING_MAX_BYTES."""
    fields = (state.place_id, state.place_name, state.admin1, state.side, state.state, state.valid_from.isoformat(),
              state.valid_until.isoformat() if state.valid_until else "", " ".join(state.event_ids),
              "\n".join(state.sources), state.previous_side)
    if any(LISTING_SEPARATOR in field for field in fields):
        return None
    listing = LISTING_SEPARATOR.join(fields)
    return listing if len(listing.encode()) <= LISTING_MAX_BYTES else None


def _insert_batches(connection: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= INSERT_BATCH:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)


def _group_by_place(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    by_place: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_place[observation.place_id].append(observation)
    return by_place


def _timelines(by_place: dict[str, list[Observation]], rules: AssessmentRules
               ) -> Iterator[tuple[ControlState, list[list[str]]]]:
    for observations in by_place.values():
        by_event = {o.event_id: o for o in observations if o.event_id}
        for layer in LAYERS:
            for state in build_timeline(observations, layer, rules):
                yield state, _reports(state, observations, by_event)


def _reports(state: ControlState, observations: Sequence[Observation], by_event: dict[str, Observation]
             ) -> list[list[str]]:
    """The reports behind a state: its events, then statements of the same state in its time."""
    chosen = [by_event[e] for e in state.event_ids if e in by_event]
    chosen += [o for o in observations if not o.event_id and o.state == state.state and o.side == state.side
               and state.valid_on(o.day)]
    return [[o.event_id, o.publisher, o.stance, o.fact_status, o.evidence[:REPORT_EVIDENCE_CHARS]]
            for o in chosen[:MAX_REPORTS_PER_STATE]]


def _stored_observations(connection: Connection, place_ids: Sequence[str]) -> list[Observation]:
    query = (select(OBSERVATIONS, PLACES.c.name, PLACES.c.admin1, PLACES.c.lat, PLACES.c.lon,
                    DocumentRow.doc_id, DocumentRow.stance, SourceRow.name.label("source"))
             .join(PLACES, PLACES.c.place_id == OBSERVATIONS.c.place_id)
             .join(DocumentRow, DocumentRow.id == OBSERVATIONS.c.document_id)
             .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
             .where(OBSERVATIONS.c.place_id.in_(place_ids)))
    return [Observation(place_id=r.place_id, place_name=r.name, lat=r.lat, lon=r.lon, admin1=r.admin1,
                        day=r.observed_on, side=r.side, state=r.state, fact_status=r.fact_status,
                        doc_id=r.doc_id, source=r.source or "", stance=r.stance, claimant=r.claimant,
                        event_id=r.event_id, basis=r.basis, evidence=r.evidence, hedged=r.hedged)
            for r in connection.execute(query)]


# ---------------------------------------------------------------- reading


def control_at(store: Store, day: date, layer: str = ASSESSED, region: str | None = None) -> list[ControlState]:
    """Every place's control state on `day` in `layer`, by governorate (admin1) then place name; `region`
    keeps the places whose governorate starts with it, ignoring case ("aleppo", "Hasaka")."""
    listed, unlisted = listings_at(store, day, layer, region)
    with collector_paused():
        states = _states_of_listings(listed, layer) + unlisted
    # Sorted here rather than by ORDER BY: half the time SQLite takes, and in code point order whatever the
    # database's collation, so that SQLite and PostgreSQL list places alike. Built first, then sorted: the
    # rows are read in the order they were allocated, which is a quarter faster than in sorted order.
    states.sort(key=_listing_key)
    return states


def listings_at(store: Store, day: date, layer: str = ASSESSED, region: str | None = None
                ) -> tuple[list[tuple[str, float, float, float]], list[ControlState]]:
    """What `control_at` reads, in no order: the rows (listing, lat, lon, confidence) of the states valid on
    `day` that have a listing (see `listing_fields`), and the states of those without one."""
    with store.engine.connect() as connection, collector_paused():
        rows = _fetch_tuples(connection, _at_query(select(STATES.c.listing, STATES.c.lat, STATES.c.lon,
                                                          STATES.c.confidence), day, layer, region))
        listed = [row for row in rows if row[0] is not None]
        unlisted = [] if len(listed) == len(rows) else _states_of_rows(_fetch_tuples(
            connection, _at_query(select(*_state_columns()), day, layer, region, STATES.c.listing.is_(None))), layer)
    return listed, unlisted


def listing_fields(listing: str) -> list[str]:
    """A listing's fields: place_id, place_name, admin1, side, state, valid_from, valid_until ("" for none),
    event_ids (space-separated), sources (newline-separated), previous_side."""
    return listing.split(LISTING_SEPARATOR)


def _at_query(columns: Select[Any], day: date, layer: str, region: str | None, *more: Any) -> CompoundSelect[Any]:
    """The states valid on `day`: the blocks where the start decides, read by start, then those where the end
    does, read by end. Both ends are checked everywhere (the other check is free: the index covers it, and it
    keeps days before SPAN_EPOCH right); SQLite is told which index reads which half."""
    by_start, by_end = spans_by_deciding_end(day)
    conditions = [STATES.c.layer == layer, STATES.c.valid_from <= day,
                  or_(STATES.c.valid_until.is_(None), STATES.c.valid_until > day), *more]
    if region:
        # its beginning as written: "%" and "_" are letters here, not LIKE's wildcards
        conditions.append(STATES.c.admin1.istartswith(region.strip(), autoescape=True))
    return union_all(
        columns.where(STATES.c.span.in_(by_start), *conditions)
        .with_hint(STATES, "INDEXED BY ix_control_states_layer_span", "sqlite"),
        columns.where(STATES.c.span.in_(by_end), *conditions)
        .with_hint(STATES, "INDEXED BY ix_control_states_layer_span_until", "sqlite"))


def _state_columns() -> list[Any]:
    # Dates read as text on SQLite and parsed with date.fromisoformat: several times faster than the Date
    # type's own conversion, which matters for tens of thousands of rows.
    return [STATES.c.place_id, STATES.c.place_name, STATES.c.lat, STATES.c.lon, STATES.c.admin1, STATES.c.side,
            STATES.c.state, type_coerce(STATES.c.valid_from, String).label("valid_from"),
            type_coerce(STATES.c.valid_until, String).label("valid_until"), STATES.c.confidence,
            STATES.c.event_ids, STATES.c.sources, STATES.c.previous_side]


def _listing_key(state: ControlState) -> str:
    """The order of `control --at`: governorate, place name, then place id (one string, compared faster
    than a tuple; NUL sorts before any character, so this is the tuple's order)."""
    return f"{state.admin1}\0{state.place_name}\0{state.place_id}"


def _fetch_tuples(connection: Connection, query: Select[Any] | CompoundSelect[Any]) -> list[Any]:
    """The query's rows as the DB-API cursor gives them (plain tuples), without SQLAlchemy's Row objects:
    the columns of `_state_columns` need no result processing, and that saves 10% on 13,000 rows."""
    result = connection.execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _states_of_rows(rows: Iterable[Sequence[Any]], layer: str) -> list[ControlState]:
    """The ControlStates of rows of `_state_columns`, in their order, built as drafts (see `freeze_drafts`);
    the few distinct dates and source lists are parsed once each."""
    dates, sources_of = _ParsedDates(), _SplitSources()
    return freeze_drafts([ControlStateDraft(place_id, name, lat, lon, admin1, layer, side, state, dates[valid_from],
                                            dates[valid_until], confidence, tuple(events.split()),
                                            sources_of[sources], previous)
                          for place_id, name, lat, lon, admin1, side, state, valid_from, valid_until, confidence,
                          events, sources, previous in rows])


def _states_of_listings(rows: Iterable[Sequence[Any]], layer: str) -> list[ControlState]:
    """The ControlStates of rows (listing, lat, lon, confidence) whose listing is not None, as drafts (see
    `_states_of_rows`)."""
    dates, sources_of, separator = _ParsedDates({"": None}), _SplitSources(), LISTING_SEPARATOR
    return freeze_drafts([ControlStateDraft(place_id, name, lat, lon, admin1, layer, side, state, dates[valid_from],
                                            dates[valid_until], confidence, tuple(events.split()),
                                            sources_of[sources], previous)
                          for listing, lat, lon, confidence in rows if listing is not None
                          for place_id, name, admin1, side, state, valid_from, valid_until, events, sources, previous
                          in (listing.split(separator),)])  # listing_fields, inlined: 13,000 calls saved


class _ParsedDates(dict[Any, date | None]):
    """A date column's values (ISO text on SQLite, dates elsewhere, None) and their dates, parsed on first use."""

    def __missing__(self, value: Any) -> date | None:
        parsed = self[value] = as_date(value)
        return parsed


class _SplitSources(dict[str | None, tuple[str, ...]]):
    """The `sources` column's values (newline-separated publishers) and their tuples, split on first use."""

    def __missing__(self, value: str | None) -> tuple[str, ...]:
        split = self[value] = tuple(value.split("\n")) if value else ()
        return split



def _state_of_row(row: Any, layer: str) -> ControlState:
    place_id, name, lat, lon, admin1, side, state, valid_from, valid_until, confidence, events, sources, \
        previous = row[:13]
    return ControlState(place_id, name, lat, lon, admin1, layer, side, state, as_date(valid_from) or date.min,
                        as_date(valid_until), confidence, tuple(events.split()),
                        tuple(sources.split("\n")) if sources else (), previous)


def control_changes(store: Store, start: date, end: date, layer: str = ASSESSED) -> list[ControlChange]:
    """The places that changed hands after `start` and up to `end` in `layer`, with the reports behind
    each change: held states whose side differs from the previous holder (or, with no holder known
    before, that rest on a reported change of control)."""
    query = (select(*_state_columns(), STATES.c.reports)
             .where(STATES.c.layer == layer, STATES.c.valid_from > start, STATES.c.valid_from <= end,
                    STATES.c.state == "held", STATES.c.side != STATES.c.previous_side,
                    or_(STATES.c.previous_side != "", STATES.c.event_ids != "")))
    with store.engine.connect() as connection:
        changes = [ControlChange(_state_of_row(r, layer), tuple(Report(*report) for report in r.reports or ()))
                   for r in connection.execute(query)]
    # Sorted here, in code point order, rather than by ORDER BY in the database's collation (see control_at).
    return sorted(changes, key=lambda c: (c.state.valid_from, c.state.place_name, c.state.place_id))


def timeline_of(store: Store, place_id: str, layer: str = ASSESSED) -> list[ControlState]:
    """One place's whole timeline in `layer`, oldest first."""
    query = (select(*_state_columns())
             .where(STATES.c.layer == layer, STATES.c.place_id == place_id).order_by(STATES.c.valid_from))
    with store.engine.connect() as connection:
        return [_state_of_row(r, layer) for r in connection.execute(query)]
