"""ACLED's rule of one event per location, day and type, applied to one report's events: restatements of a
dated event, the fighting that is part of a capture and a second reading of one capture are dropped; of the
tellings left at one location and day the most certain is kept, with the actors the others name.

`one_per_location_and_day` runs once on each piece of a report and again across its pieces (`sitrep.pieces`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sitrep.geo.translit import fold
from sitrep.model import HAPPENED, Event, SubEventType
from sitrep.taxonomy import STRATEGIC_DEVELOPMENTS

GOVERNMENT_REGAINS: str = SubEventType.GOVERNMENT_REGAINS_TERRITORY.value
NON_STATE_OVERTAKES: str = SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY.value
ARMED_CLASH: str = SubEventType.ARMED_CLASH.value
EXCESSIVE_FORCE: str = SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS.value
PROTEST_WITH_INTERVENTION: str = SubEventType.PROTEST_WITH_INTERVENTION.value
PEACEFUL_PROTEST: str = SubEventType.PEACEFUL_PROTEST.value
# An event mentioned again without a date of its own is the same happening as a dated one at the same
# place and of the same type within this many days before it (a summary, not a second event); half a month
# for one known only to the month.
REPEAT_DAYS = 7
MONTH_REPEAT_DAYS = 16
# Which of two tellings of one happening is kept: the more certain.
STATUS_RANK = {"reported": 0, "attributed_claim": 1, "expected": 2, "hypothetical": 3, "negated": 4}
# Event types whose unattributed reports at a place take the author the report names for another there.
SHARED_AUTHOR_TYPES = frozenset({"Explosions/Remote violence", "Violence against civilians"})


def _drop_repeats(events: Sequence[Event]) -> list[Event]:
    """Leave out undated restatements of a dated event ("the victories in Bani Zayd" after "the victory
    in Bani Zayd on Thursday the 28th"); the dated one takes the actors a restatement names where it names
    none ("a Daesh cell carried out the deadly bombing" before "Sunday's attack on Mar Elias Church")."""
    out = list(events)
    dated = [i for i, e in enumerate(events) if e.date_stated]
    dropped = set()
    for j, event in enumerate(events):
        i = None if event.date_stated else next((i for i in dated if _restates(events[i], event)), None)
        if i is not None:
            out[i] = _with_actors_of(out[i], event)
            dropped.add(j)
    return [e for j, e in enumerate(out) if j not in dropped]


def _restates(dated: Event, undated: Event) -> bool:
    return _same_location(dated, undated) and _same_kind(dated, undated) and dated.event_date is not None \
        and undated.event_date is not None \
        and abs((undated.event_date - dated.event_date).days) <= _repeat_days(undated) \
        and (dated.fact_status in HAPPENED) == (undated.fact_status in HAPPENED)


def _same_location(dated: Event, undated: Event) -> bool:
    """The undated event is at the dated one's location, or at the place the dated one is a part of and
    placed at ("the deadly bombing at a church near Damascus" after "Sunday's attack on Mar Elias Church")."""
    return dated.place_id == undated.place_id and (
        dated.location == undated.location or (undated.geo_precision == 1 and dated.geo_precision > 1))


def _repeat_days(event: Event) -> int:
    """How far from a dated event an undated one may lie and still restate it: REPEAT_DAYS, or half a
    month for one known only to the month (a summary of gains)."""
    return MONTH_REPEAT_DAYS if event.time_precision >= 3 else REPEAT_DAYS


def _drop_peaceful_beside_force(events: list[Event]) -> list[Event]:
    """A protest its own sentence tells was met by a force at the same place ("clashed with Israeli forces at a
    protest") was not a peaceful one."""
    violent = {(e.place_id, e.evidence_start) for e in events
               if e.sub_event_type in (EXCESSIVE_FORCE, PROTEST_WITH_INTERVENTION)}
    return [e for e in events if e.sub_event_type != PEACEFUL_PROTEST or (e.place_id, e.evidence_start) not in violent]


def _drop_clashes_of_captures(events: list[Event]) -> list[Event]:
    """ACLED: fighting that ends in a capture is one event, the capture. A clash at the place and on the
    day of a change of control is part of it, whether the report tells of it or the capture's own claimant
    does; only another's word that the fighting goes on ("State TV said the army held full control of
    Qusair", "a rebel source said the rebels were still fighting in the city") is a contradiction, kept.
    Forecasts are each their own statement ("preparing a new offensive" and "an ideal springboard for
    storming the city" are two)."""
    captures: dict[tuple[str, str, date | None], set[str]] = {}
    for e in events:
        if e.sub_event_type in (GOVERNMENT_REGAINS, NON_STATE_OVERTAKES) and e.fact_status in HAPPENED:
            captures.setdefault((e.place_id, e.location, e.event_date), set()).add(_teller(e))
    return [e for e in events if e.sub_event_type != ARMED_CLASH or e.fact_status not in HAPPENED
            or (e.place_id, e.location, e.event_date) not in captures
            or _counter_claim(e, captures[(e.place_id, e.location, e.event_date)])]


def _teller(event: Event) -> str:
    """Who tells of the event: the claimant of a claim, "" for the report's own word."""
    return event.claimant.lower() if event.fact_status == "attributed_claim" else ""


def _counter_claim(clash: Event, capture_tellers: set[str]) -> bool:
    """A clash someone claims whom no telling of the capture is from."""
    return clash.fact_status == "attributed_claim" and bool(_teller(clash)) and _teller(clash) not in capture_tellers


def _one_capture_per_statement(events: list[Event]) -> list[Event]:
    """One sentence that tells of ground changing hands at a place twice ("retaking it would be Assad's
    biggest victory") tells of one change: the reading that says who gained it is kept."""
    best: dict[tuple[str, str, date | None, int, bool], Event] = {}
    for e in events:
        if e.sub_event_type in (GOVERNMENT_REGAINS, NON_STATE_OVERTAKES):
            key = (e.place_id, e.location, e.event_date, e.evidence_start, e.fact_status in HAPPENED)
            old = best.get(key)
            if old is None or (e.gainer_stated and not old.gainer_stated):
                best[key] = e
    kept = {id(e) for e in best.values()}
    return [e for e in events if e.sub_event_type not in (GOVERNMENT_REGAINS, NON_STATE_OVERTAKES) or id(e) in kept]




def one_per_location_and_day(events: Sequence[Event], headline: int = 0) -> list[Event]:
    """ACLED's rule: one event per location, day and type; the most certain report of it is kept (the
    earliest, between equals, a telling in the body before the `headline`'s, which ends at that offset).
    Applied within a document's piece and again across its pieces."""
    kept: dict[tuple[tuple[Any, ...], date | None, str, bool, int], Event] = {}
    in_order = sorted(_one_capture_per_statement(_drop_clashes_of_captures(_drop_peaceful_beside_force(
        _drop_repeats(events)))),
                      key=lambda e: e.evidence_start)
    locations = _location_keys(in_order)
    for event in in_order:
        key = (locations[id(event)], event.event_date, event.sub_event_type,
               event.fact_status in HAPPENED, _distinct_development(event))
        old = kept.get(key)
        if old is None:
            kept[key] = event
        elif STATUS_RANK[event.fact_status] < STATUS_RANK[old.fact_status] or (
                STATUS_RANK[event.fact_status] == STATUS_RANK[old.fact_status]
                and old.evidence_start < headline <= event.evidence_start):
            kept[key] = _with_actors_of(event, old)
        else:
            kept[key] = _with_actors_of(old, event)
    return _share_authors_by_place(sorted(kept.values(), key=lambda e: (e.evidence_start, e.event_id)))


def _location_keys(events: list[Event]) -> dict[int, tuple[Any, ...]]:
    """ACLED's location of each event: its place, unless it is a part of a place named for it and placed at
    its point ("Daraa al-Balad", the old town of Daraa, placed at Daraa's point), which is that place's
    location. Other places sharing a point (an unknown hill placed beside a village) stay their own."""
    names: dict[tuple[float, float], list[str]] = {}
    for event in events:
        if event.latitude is not None and event.longitude is not None:
            names.setdefault((round(event.latitude, 4), round(event.longitude, 4)), []).append(event.location)
    keys: dict[int, tuple[Any, ...]] = {}
    for event in events:
        key: tuple[Any, ...] = (event.place_id, event.location)
        if event.latitude is not None and event.longitude is not None:
            point = (round(event.latitude, 4), round(event.longitude, 4))
            whole = min((n for n in names[point] if _names_part_of(event.location, n)), key=len, default=None)
            key = (point, whole) if whole is not None else key
        keys[id(event)] = key
    return keys


def _names_part_of(name: str, whole: str) -> bool:
    """"Daraa al-Balad" is named for "Daraa" (and any name for itself)."""
    a, b = fold(name), fold(whole)
    return a == b or a.startswith(b + " ")


def _share_authors_by_place(events: list[Event]) -> list[Event]:
    """A report's unattributed explosion or attack at a place where it attributes another of the same kind
    ("a Daesh sleeper cell carried out the deadly bombing at a church near Damascus" ... "Sunday's attack on
    Mar Elias Church") is told of the same hand: it takes the first such actors. Battles are left alone:
    fights at one town in one report are often between other parties."""
    authors: dict[tuple[str, str], Event] = {}
    for event in events:
        if event.actor1 and event.event_type in SHARED_AUTHOR_TYPES:
            authors.setdefault((event.place_id, event.event_type), event)
    return [_with_actors_of(e, authors[(e.place_id, e.event_type)])
            if not e.actor1 and (e.place_id, e.event_type) in authors else e for e in events]


def _with_actors_of(kept: Event, other: Event) -> Event:
    """The kept report of a happening, with the actors another report of it names where it names none ("The
    accord came at a critical moment" after "the SDF signed an agreement with Damascus")."""
    if kept.actor1 or not other.actor1:
        return kept
    return replace(kept, actor1=other.actor1, actor1_side=other.actor1_side, actor2=other.actor2,
                   actor2_side=other.actor2_side)


def _distinct_development(event: Event) -> int:
    """A strategic development is one deed per sentence (an amnesty, a corridor, a leaflet drop at the same
    city on the same day are three), and so is a forecast or a supposition (each is its writer's statement,
    not a report of one happening), where reports of a battle at a place on a day are one battle; so are
    reports of an accord reached at a place on a day ("the agreement", "the accord", "the deal" of one story)."""
    distinct = (event.event_type == STRATEGIC_DEVELOPMENTS and event.sub_event_type != SubEventType.AGREEMENT) \
        or event.fact_status not in HAPPENED
    return event.evidence_start if distinct else -1


def _same_kind(dated: Event, undated: Event) -> bool:
    """Whether an undated event may restate a dated one: of the same event type when both happened ("the
    victories in Bani Zayd" after "the victory in Bani Zayd on Thursday"), of the same sub-event type when
    both are forecasts (corridors that "would be set up" are not the leaflets that asked people to leave)."""
    if undated.fact_status in HAPPENED:
        return dated.event_type == undated.event_type
    return dated.sub_event_type == undated.sub_event_type
