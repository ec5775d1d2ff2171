"""Control timelines, statements of control, storage, areas and the control command (sitrep/control)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, or_, select
from typer.testing import CliRunner

from sitrep.control import (
    ASSESSED,
    CLAIMED,
    FORECAST,
    Observation,
    build_timeline,
    control_areas,
    control_at,
    control_changes,
    find_control_statements,
    rebuild_control,
    timeline_of,
    update_control_after_save,
)
from sitrep.control.cli import register
from sitrep.control.points import points_json
from sitrep.control.state import ControlState
from sitrep.control.storage import listing_of, span_of, spans_by_deciding_end, spans_containing
from sitrep.model import Document, Event, Place
from sitrep.store import Store, open_store
from sitrep.store.schema import ControlStateRow

DAY = date(2016, 7, 28)


def _seen(side: str, state: str = "held", *, stance: str = "neutral", source: str = "Wire", day: date = DAY,
          status: str = "reported", place: str = "p:1", event_id: str = "") -> Observation:
    return Observation(place_id=place, place_name="Kafr Test", lat=36.2, lon=37.1, admin1="Aleppo", day=day,
                       side=side, state=state, fact_status=status, doc_id=f"{source}-{day}", source=source,
                       stance=stance, event_id=event_id or f"{source}-{side}-{state}-{day}")


# ------------------------------------------------------------------ timelines and confidence rules


def test_control_partisan_own_gain_is_claimed_not_assessed() -> None:
    claim = [_seen("government", stance="pro-government", source="SANA")]
    assert [s.side for s in build_timeline(claim, CLAIMED)] == ["government"]
    assert build_timeline(claim, ASSESSED) == []


def test_control_partisan_admission_of_loss_is_assessed() -> None:
    admission = [_seen("opposition", stance="pro-government", source="SANA")]
    (state,) = build_timeline(admission, ASSESSED)
    assert (state.side, state.state, state.valid_from) == ("opposition", "held", DAY)


def test_control_cross_stance_corroboration_is_assessed_strongly() -> None:
    reports = [_seen("government", stance="pro-government", source="SANA"),
               _seen("government", stance="opposition", source="Orient", day=DAY + timedelta(days=2))]
    (state,) = build_timeline(reports, ASSESSED)
    assert state.side == "government" and state.valid_from == DAY and state.confidence >= 0.85
    assert state.sources == ("Orient", "SANA")


def test_control_sources_speak_for_the_side_of_the_day() -> None:
    from sitrep.control.rules import is_admission, is_own_gain, own_side

    before, after = date(2016, 7, 28), date(2025, 3, 10)
    # an opposition outlet saying the government holds a town admits a loss in 2016, claims a gain in 2025
    assert is_admission(_seen("government", stance="opposition", source="Orient", day=before))
    assert is_own_gain(_seen("government", stance="opposition", source="Orient", day=after))
    # Russian state media wrote as the Syrian state's ally until its fall, and for neither side after it
    assert is_own_gain(_seen("government", stance="russian-state", source="TASS", day=before))
    assert own_side("russian-state", after) == ""
    assert own_side("pro-isis", before) == "isis"


def test_control_forecast_never_changes_control() -> None:
    reports = [_seen("opposition", source="Reuters", day=DAY - timedelta(days=30)),
               _seen("government", status="expected", source="SANA", stance="pro-government")]
    assessed = build_timeline(reports, ASSESSED)
    assert [(s.side, s.valid_until) for s in assessed] == [("opposition", None)]
    assert [s.side for s in build_timeline(reports, FORECAST)] == ["government"]


def test_control_negated_event_removes_the_claim() -> None:
    reports = [_seen("government", source="Wire"), _seen("government", source="Wire", status="negated")]
    assert build_timeline(reports, CLAIMED) == []
    assert build_timeline(reports, ASSESSED) == []


def test_control_contested_spell_ends_with_previous_holder() -> None:
    reports = [_seen("opposition", source="AFP", day=DAY - timedelta(days=60)),
               _seen("", "contested", source="AFP", day=DAY)]
    states = build_timeline(reports, ASSESSED)
    assert [(s.side, s.state) for s in states] == [("opposition", "held"), ("opposition", "contested"),
                                                   ("opposition", "held")]
    assert states[1].valid_until == states[2].valid_from == DAY + timedelta(days=14)
    assert not states[2].changed_hands


observations = st.builds(
    _seen, side=st.sampled_from(["government", "opposition", "kurdish", ""]),
    state=st.sampled_from(["held", "held", "contested", "besieged"]),
    stance=st.sampled_from(["neutral", "pro-government", "opposition"]),
    source=st.sampled_from(["A", "B", "C"]), day=st.dates(date(2016, 1, 1), date(2016, 12, 31)),
    status=st.sampled_from(["reported", "attributed_claim", "expected", "negated"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(observations, max_size=12), st.sampled_from([ASSESSED, CLAIMED, FORECAST]))
def test_control_property_timeline_states_are_ordered_and_never_overlap(reports: list[Observation],
                                                                        layer: str) -> None:
    reports = [r for r in reports if r.side or r.state != "held"]
    states = build_timeline(reports, layer)
    for before, after in pairwise(states):
        assert before.valid_until is not None and before.valid_until <= after.valid_from
    for state in states:
        assert state.valid_until is None or state.valid_from < state.valid_until


@given(st.dates(date(1990, 1, 1), date(2040, 1, 1)), st.integers(1, 5000), st.integers(0, 4999))
def test_control_property_a_stretch_is_found_on_each_of_its_days(start: date, length: int, offset: int) -> None:
    end = start + timedelta(days=length)
    day = start + timedelta(days=offset % length)
    assert span_of(start, end) in spans_containing(day)
    assert span_of(start, None) in spans_containing(day)



@given(st.dates(date(1900, 1, 2), date(2040, 1, 1)), st.integers(1, 5000), st.integers(-6000, 6000),
       st.booleans())
def test_control_property_one_end_decides_in_each_span_of_a_day(start: date, length: int, shift: int,
                                                                 open_ended: bool) -> None:
    # For any stretch and any day after SPAN_EPOCH: if the stretch's span is one where the start decides,
    # its start alone says whether it holds the day; if one where the end decides, its end alone; if
    # neither, it does not hold the day. So control_at reads exact index ranges.
    end = None if open_ended else start + timedelta(days=length)
    day = start + timedelta(days=shift)
    holds = start <= day and (end is None or day < end)
    by_start, by_end = spans_by_deciding_end(day)
    assert sorted(by_start + by_end) == sorted(spans_containing(day))
    span = span_of(start, end)
    if span in by_start:
        assert holds == (start <= day)
    elif span in by_end:
        assert end is not None and holds == (end > day)
    else:
        assert not holds


# ------------------------------------------------------------------ statements of control


def test_control_statements_name_holder_and_siege(nlp: Any, gazetteer: Any) -> None:
    from sitrep.actors import find_actors, load_actor_catalogue
    from sitrep.events.status import load_fact_cues
    from sitrep.geo import find_places

    text = ("Our correspondent found Kafr Hamra still in the hands of the rebels on Tuesday. "
            "Activists said the besieged town of Madaya had no bread. "
            "Shelling hit rebel-held eastern Aleppo, while government-held Mayadin was quiet.")
    doc = nlp(text)
    actors = find_actors(text, load_actor_catalogue(), stance="neutral")
    places = find_places(text, gazetteer=gazetteer, doc=doc, exclude=[(a.start, a.end) for a in actors])
    found = {(s.place.name, s.side, s.state, s.fact_status)
             for s in find_control_statements(doc, text, places, actors, fact_cues=load_fact_cues())}
    assert ("Kafr Hamra", "opposition", "held", "reported") in found
    assert any(name == "Medaya" and state == "besieged" for name, _, state, _ in found)
    assert not any(name == "Aleppo" for name, *_ in found)  # only its eastern part is rebel-held
    for statement in find_control_statements(doc, text, places, actors):
        assert text[statement.start:statement.end] == statement.cue
        assert text[statement.evidence_start:statement.evidence_start + len(statement.evidence)] \
            == statement.evidence


def test_control_only_a_side_the_profile_says_holds_ground_takes_a_place(tmp_path: Path) -> None:
    from sitrep.conflict import load_conflict
    from sitrep.control.observe import observation_of_event

    overlay = tmp_path / "conflict.yaml"
    overlay.write_text("sides:\n  - {id: wagner_group, label: Wagner Group fighters, holds_ground: true}\n"
                       "  - {id: local, label: local armed groups, holds_ground: false}\n", encoding="utf-8")
    shipped, extended = load_conflict(), load_conflict(overlays=[overlay])
    _, (taken,) = _report("w1", "Wire", "neutral", DAY, [(KAFR, TAKE, "wagner_group", "reported")])
    assert observation_of_event(taken) is None  # a side the shipped profile does not know holds nothing
    held = observation_of_event(taken, profile=extended)
    assert held is not None and (held.side, held.state) == ("wagner_group", "held")
    local = replace(taken, actor1_side="local")
    assert observation_of_event(local, profile=shipped) is not None
    assert observation_of_event(local, profile=extended) is None  # the overlay says local groups hold none
    assert observation_of_event(replace(taken, actor1_side="civilians"), profile=shipped) is None


# ------------------------------------------------------------------ the store


PLACES = [Place("test:kafr", "Kafr Test", 36.20, 37.10, "village", "Aleppo"),
          Place("test:tall", "Tall Test", 36.25, 37.20, "village", "Aleppo"),
          Place("test:ayn", "Ayn Test", 35.00, 36.70, "village", "Hamah")]


def _report(doc_id: str, source: str, stance: str, published: date,
            claims: list[tuple[Place, str, str, str]]) -> tuple[Document, list[Event]]:
    """A short report of our own: one sentence per (place, sub-event type, side, fact status)."""
    sentences = [f"At {place.name}, {side or 'both sides'} fought ({sub})." for place, sub, side, _ in claims]
    text = " ".join(sentences)
    document = Document(doc_id=doc_id, text=text, source=source, stance=stance, published=published)
    events, offset = [], 0
    for i, ((place, sub, side, status), sentence) in enumerate(zip(claims, sentences, strict=True)):
        start = text.index(sentence, offset)
        offset = start + len(sentence)
        kind = "Battles" if sub != "Government regains territory" else "Strategic developments"
        events.append(Event(event_id=f"{doc_id}-{i}", doc_id=doc_id, event_date=published, time_precision=1,
                            event_type=kind, sub_event_type=sub, actor1="", actor1_side=side, actor2="",
                            actor2_side="", location=place.name, latitude=place.lat, longitude=place.lon,
                            geo_precision=1, fact_status=status, evidence=sentence, evidence_start=start,
                            evidence_end=offset, place_id=place.place_id, admin1=place.admin1))
    return document, events


GAIN, TAKE, CLASH = "Government regains territory", "Non-state actor overtakes territory", "Armed clash"
KAFR, TALL, AYN = PLACES
REPORTS = [
    ("r1", "Reuters", "neutral", date(2016, 7, 1), [(KAFR, TAKE, "opposition", "reported"),
                                                   (TALL, TAKE, "opposition", "reported")]),
    ("r2", "SANA", "pro-government", date(2016, 7, 20), [(KAFR, GAIN, "government", "reported"),
                                                        (TALL, GAIN, "government", "reported")]),
    ("r3", "Orient", "opposition", date(2016, 7, 21), [(KAFR, GAIN, "government", "reported"),
                                                      (AYN, CLASH, "", "reported")]),
]


@pytest.fixture
def store(backend_url: str) -> Any:
    """An empty store on each backend (tests/conftest.py): a SQLite file, a PostgreSQL database."""
    with open_store(backend_url) as opened:
        yield opened


def _fill(store: Store, incremental: bool) -> None:
    for doc_id, source, stance, published, claims in REPORTS:
        document, events = _report(doc_id, source, stance, published, claims)
        store.save_document(document, events, PLACES)
        if incremental:
            update_control_after_save(store, doc_id)
    if not incremental:
        rebuild_control(store)


def test_control_store_assessed_and_claimed_on_a_day(store: Store) -> None:
    _fill(store, incremental=True)
    day = date(2016, 7, 25)
    assessed = {s.place_name: (s.side, s.state) for s in control_at(store, day, ASSESSED)}
    claimed = {s.place_name: (s.side, s.state) for s in control_at(store, day, CLAIMED)}
    # Kafr: an admission-free pro-government claim corroborated across stances; Tall: SANA alone.
    assert assessed == {"Kafr Test": ("government", "held"), "Tall Test": ("opposition", "held"),
                        "Ayn Test": ("", "contested")}
    assert claimed["Tall Test"] == ("government", "held")
    assert [s.place_name for s in control_at(store, day, ASSESSED, region="hamah")] == ["Ayn Test"]


def test_control_store_changes_list_events_and_sources(store: Store) -> None:
    _fill(store, incremental=True)
    (change,) = [c for c in control_changes(store, date(2016, 7, 10), date(2016, 7, 31))
                 if c.state.previous_side]
    assert (change.state.place_name, change.state.previous_side, change.state.side) \
        == ("Kafr Test", "opposition", "government")
    assert {r.source for r in change.reports} == {"SANA", "Orient"}
    assert {r.event_id for r in change.reports} == {"r2-0", "r3-0"}


def test_control_store_changes_same_day_in_code_point_order(store: Store) -> None:
    # Places changing hands on one day are listed by name in code point order, as `control_at` lists them,
    # whatever the database's collation: English collation would put "al-Bab" before "Aleppo".
    names = ["al-Bab Test", "Aleppo Test", "ain Test", "Zor Test", "Ayn Test"]
    places = [Place(f"test:order{i}", name, 36 + i / 10, 37.0, "village", "Aleppo") for i, name in enumerate(names)]
    document, events = _report("o1", "Reuters", "neutral", date(2016, 7, 20),
                               [(place, TAKE, "opposition", "reported") for place in places])
    store.save_document(document, events, places)
    update_control_after_save(store, "o1")
    changed = [c.state.place_name for c in control_changes(store, date(2016, 7, 1), date(2016, 7, 31), CLAIMED)]
    assert changed == sorted(names)


def test_control_store_incremental_update_equals_rebuild(new_database: Callable[[], str]) -> None:
    # Document by document, each update writes only the states that changed: what is left in the table,
    # every column but the row id, is what one rebuild from all the documents writes.
    timelines, tables = [], []
    columns = [c for c in ControlStateRow.__table__.c if c.name != "id"]
    for incremental in (True, False):
        with open_store(new_database()) as store:
            _fill(store, incremental)
            timelines.append([timeline_of(store, p.place_id, layer) for p in PLACES
                              for layer in (ASSESSED, CLAIMED, FORECAST)])
            with store.engine.connect() as connection:
                tables.append(sorted(map(repr, connection.execute(select(*columns)))))
    assert timelines[0] == timelines[1]
    assert tables[0] == tables[1] and len(tables[0]) > len(PLACES)


def _control_at_by_sql(store: Store, day: date, layer: str, region: str | None) -> list[ControlState]:
    """`control_at` as it was first written: ORDER BY in SQL, SQLAlchemy rows, the frozen constructor."""
    table = ControlStateRow.__table__.c
    query = (select(table.place_id, table.place_name, table.lat, table.lon, table.admin1, table.side, table.state,
                    table.valid_from, table.valid_until, table.confidence, table.event_ids, table.sources,
                    table.previous_side)
             .where(table.layer == layer, table.valid_from <= day,
                    or_(table.valid_until.is_(None), table.valid_until > day)))
    if region:
        query = query.where(table.admin1.ilike(f"{region.strip()}%"))
    with store.engine.connect() as connection:
        rows = connection.execute(query.order_by(table.admin1, table.place_name)).all()
    return [ControlState(place_id, name, lat, lon, admin1, layer, side, state, valid_from, valid_until, confidence,
                         tuple(events.split()), tuple(sources.split("\n")) if sources else (), previous)
            for place_id, name, lat, lon, admin1, side, state, valid_from, valid_until, confidence, events, sources,
            previous in rows]


def test_control_store_at_equals_the_sql_listing(backend_url: str) -> None:
    # 40 places in four governorates, names repeated within one (ties in the listing order), and 150 reports
    # of random territory changes, clashes and statuses over a year: every day's listing read the fast way
    # (cursor tuples, drafts, sorted in Python) equals the plain SQL one, ties put in place id order.
    rng = random.Random(20160730)
    places = [Place(f"test:{i:02d}", f"Qarya {i % 5}", 35 + i / 20, 36 + i / 25, "village",
                    ("Aleppo", "Idlib", "Hamah", "Dar`a")[i % 4]) for i in range(40)]
    subs, sides = (GAIN, TAKE, CLASH), ("government", "opposition", "kurdish", "")
    statuses = ("reported", "reported", "attributed_claim", "expected", "negated")
    with open_store(backend_url) as store:
        for n in range(150):
            claims = [(rng.choice(places), rng.choice(subs), rng.choice(sides), rng.choice(statuses))
                      for _ in range(rng.randint(1, 4))]
            source, stance = rng.choice((("Reuters", "neutral"), ("SANA", "pro-government"),
                                         ("Orient", "opposition"), ("ANHA", "kurdish")))
            document, events = _report(f"d{n}", source, stance, date(2016, 1, 1) + timedelta(days=rng.randrange(366)),
                                       claims)
            store.save_document(document, events, places)
        rebuild_control(store)
        compared = 0
        for day in (date(2016, 1, 1) + timedelta(days=d) for d in range(0, 400, 9)):
            for layer in (ASSESSED, CLAIMED, FORECAST):
                for region in (None, "idlib", "Dar"):
                    listed = _control_at_by_sql(store, day, layer, region)
                    fast = control_at(store, day, layer, region)
                    assert [(s.admin1, s.place_name) for s in fast] == [(s.admin1, s.place_name) for s in listed]
                    assert fast == sorted(listed, key=lambda s: (s.admin1, s.place_name, s.place_id))
                    assert all(type(s) is ControlState for s in fast)
                    compared += len(fast)
        assert compared > 1000


def _point_feature(state: ControlState) -> dict[str, Any]:
    """The API's point feature of a state, written out here as the contract says it (sitrep.control.points)."""
    return {"type": "Feature", "id": state.place_id, "geometry": {"type": "Point", "coordinates": [state.lon, state.lat]},
            "properties": {"place_id": state.place_id, "name": state.place_name, "admin1": state.admin1,
                           "side": state.side, "state": state.state or "unknown", "confidence": state.confidence,
                           "since": state.valid_from.isoformat(),
                           "until": state.valid_until.isoformat() if state.valid_until else None,
                           "events": list(state.event_ids)}}


def test_control_points_json_is_control_at_as_geojson(backend_url: str) -> None:
    # Names that JSON must escape (quotes, a backslash, a control character, Arabic script), one that holds
    # the listing separator (so its states have no listing and are read from their columns), and a name
    # long enough to push its listing past LISTING_MAX_BYTES: the text written from the listings parses to
    # control_at's states, feature by feature, in its order.
    names = ['Tall "al-Qarn"', "Kafr\\Nabl", "Dayr\tHafir", "داريا", "Sab\x1f' Biyar", "Jisr " * 500, "Qarya"]
    places = [Place(f"test:p{i}", name, 35 + i / 10, 36 + i / 10, "village", ("Aleppo", "Idlib")[i % 2])
              for i, name in enumerate(names)]
    rng = random.Random(7)
    with open_store(backend_url) as store:
        for n in range(40):
            claims = [(rng.choice(places), rng.choice((GAIN, TAKE, CLASH)),
                       rng.choice(("government", "opposition", "")), rng.choice(("reported", "attributed_claim")))
                      for _ in range(rng.randint(1, 3))]
            document, events = _report(f"p{n}", rng.choice(("Reuters", "SANA", "Orient")), "neutral",
                                       date(2016, 1, 1) + timedelta(days=rng.randrange(200)), claims)
            store.save_document(document, events, places)
        rebuild_control(store)
        with store.engine.connect() as connection:
            assert connection.scalar(select(func.count()).where(ControlStateRow.listing.is_(None))), \
                "no state without a listing: the columns' path is not tested"
        seen = 0
        for day in (date(2016, 1, 1) + timedelta(days=d) for d in range(0, 240, 6)):
            for layer in (ASSESSED, CLAIMED):
                for region in (None, "idl"):
                    states = control_at(store, day, layer, region)
                    body = json.loads(points_json(store, day, layer, region))
                    assert body == {"type": "FeatureCollection", "features": [_point_feature(s) for s in states]}
                    seen += len(states)
        assert seen > 200


def test_control_store_0003_database_upgraded_lists_the_same(backend_url: str) -> None:
    # A store filled at revision 0003 (made by downgrading), then opened: revision 0004 packs each state's
    # text fields into `listing`, as `control_at` writes it, and the listings stay those of the columns. A
    # place whose name holds the separator gets no packed listing and is still listed, from its columns.
    from alembic import command
    from sqlalchemy import inspect

    from sitrep.store.database import current_revision, head_revision, migration_config

    odd = Place("test:odd", "Odd\x1fName", 35.5, 36.9, "village", "Idlib")
    days = [date(2016, 7, d) for d in (1, 15, 20, 21, 22, 25)]
    layers = (ASSESSED, CLAIMED, FORECAST)
    path = backend_url
    with open_store(path) as store:
        _fill(store, incremental=True)
        document, events = _report("r4", "ANHA", "kurdish", date(2016, 7, 22), [(odd, TAKE, "kurdish", "reported")])
        store.save_document(document, events, [odd])
        update_control_after_save(store, "r4")
        before = [control_at(store, day, layer) for day in days for layer in layers]
        assert before == [sorted(_control_at_by_sql(store, day, layer, None),
                                 key=lambda s: (s.admin1, s.place_name, s.place_id))
                          for day in days for layer in layers]
        assert any(s.place_name == odd.name for listing in before for s in listing)
        config = migration_config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        assert current_revision(store.engine) == "0003"
        assert "listing" not in {c["name"] for c in inspect(store.engine).get_columns("control_states")}
    with open_store(path) as store:
        assert current_revision(store.engine) == head_revision() != "0003"
        assert [control_at(store, day, layer) for day in days for layer in layers] == before
        table = ControlStateRow.__table__.c
        with store.engine.connect() as connection:
            rows = connection.execute(select(table.listing, *(table[c] for c in (
                "place_id", "place_name", "lat", "lon", "admin1", "layer", "side", "state", "valid_from",
                "valid_until", "confidence", "event_ids", "sources", "previous_side")))).all()
        for listing, *fields in rows:
            state = ControlState(*fields[:11], tuple(fields[11].split()),
                                 tuple(fields[12].split("\n")) if fields[12] else (), fields[13])
            assert listing == listing_of(state)
            assert (listing is None) == (state.place_id == odd.place_id)


def test_control_store_state_behind_many_reports_is_listed_from_its_columns(backend_url: str) -> None:
    # 200 reports of one capture: the state's event ids make its listing too long for an index entry
    # (PostgreSQL refuses B-tree entries over 2,704 bytes), so it has none and is read from its columns.
    place = Place("test:busy", "Tall Busy", 36.1, 37.2, "village", "Aleppo")
    with open_store(backend_url) as store:
        for n in range(200):
            document, events = _report(f"busy{n}", f"Monitor {n}", "neutral", date(2016, 7, 22),
                                       [(place, TAKE, "kurdish", "reported")])
            document = replace(document, text=f"{document.text} Report {n}.")  # another text, not a duplicate
            store.save_document(document, events, [place])
        rebuild_control(store)
        listed = control_at(store, date(2016, 7, 23), CLAIMED)
        assert [s.place_id for s in listed] == [place.place_id]
        assert len(listed[0].event_ids) == 200 and listing_of(listed[0]) is None
        assert listed == _control_at_by_sql(store, date(2016, 7, 23), CLAIMED, None)


# ------------------------------------------------------------------ areas and the command


def test_control_areas_are_rfc7946_with_contested_fronts(store: Store) -> None:
    _fill(store, incremental=True)
    day = date(2016, 7, 25)
    collection = control_areas(control_at(store, day, CLAIMED) + _opposition_neighbour(day), day)
    import shapely
    from shapely.geometry import shape

    kinds = {(f["properties"]["kind"], f["properties"].get("side", ""))
             for f in collection["features"]}
    assert ("area", "government") in kinds and ("area", "opposition") in kinds
    fronts = [f for f in collection["features"] if f["properties"]["kind"] == "front"]
    assert fronts and fronts[0]["properties"]["state"] == "contested"
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        lon, lat = geometry.representative_point().coords[0]
        assert 35 < lon < 39 and 34 < lat < 37  # [lon, lat], not [lat, lon]
        if feature["geometry"]["type"] == "Polygon":
            assert shapely.is_ccw(geometry.exterior)


def test_control_areas_stay_valid_when_rounded() -> None:
    # 300 places of three sides packed into 60 x 80 km: rounding the merged cells' coordinates makes some
    # rings cross themselves unless repaired
    from shapely.geometry import shape

    day = date(2016, 7, 25)
    rng = random.Random(7)
    states = [ControlState(f"test:{i}", f"Place {i}", 36.0 + rng.random() * 0.6, 36.8 + rng.random() * 0.8, "Aleppo",
                           CLAIMED, rng.choice(["government", "opposition", "kurdish"]), "held",
                           day - timedelta(days=5), None, 0.6) for i in range(300)]
    features = control_areas(states, day)["features"]
    areas = [shape(f["geometry"]) for f in features if f["properties"]["kind"] == "area"]
    assert len(areas) == 3 and all(a.is_valid and a.geom_type in ("Polygon", "MultiPolygon") for a in areas)


def _opposition_neighbour(day: date) -> list[Any]:
    return [ControlState("test:near", "Near Test", 36.22, 37.18, "Aleppo", CLAIMED, "opposition", "held",
                         day - timedelta(days=5), None, 0.6)]


def test_control_cli_at_and_changes(store: Store, backend_url: str) -> None:
    _fill(store, incremental=True)
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """sitrep."""

    register(app)
    db = backend_url
    runner = CliRunner()
    at = runner.invoke(app, ["control", "--at", "2016-07-25", "--format", "jsonl", "--db", db])
    assert at.exit_code == 0, at.output
    assert '"place_name": "Kafr Test"' in at.output and '"side": "government"' in at.output
    changes = runner.invoke(app, ["control", "--changes", "2016-07-10", "2016-07-31", "--db", db])
    assert changes.exit_code == 0 and "Kafr Test" in changes.output and "SANA" in changes.output
    geojson = runner.invoke(app, ["control", "--at", "2016-07-25", "-f", "geojson", "--db", db])
    assert geojson.exit_code == 0 and '"FeatureCollection"' in geojson.output
    bad = runner.invoke(app, ["control", "--db", db])
    assert bad.exit_code == 2


# ------------------------------------------------------------------ real multi-source text


@pytest.mark.slow
def test_control_real_seed_and_dev_corpus_on_2016_07_30(tmp_path: Path, nlp: Any, gazetteer: Any,
                                                         shared: Path) -> None:
    from sitrep.control.text import rebuild_control_with_text
    from sitrep.events.extract import load_resources
    from sitrep.pipeline import run_batch

    resources = load_resources(nlp, gazetteer)
    with open_store(str(tmp_path / "real.db")) as store:
        run_batch([shared / "eval" / "seed.txt"], store, resources, published=date(2016, 7, 30),
                  source="Syrian Perspective", stance="pro-government")
        run_batch(sorted((shared / "data" / "corpus-dev").glob("*.md")), store, resources)
        rebuild_control_with_text(store, resources)
        day = date(2016, 7, 30)
        claimed = {s.place_name: s for s in control_at(store, day, CLAIMED)}
        assessed = {s.place_name: s for s in control_at(store, day, ASSESSED)}
    # The seed (pro-government) claims the Aleppo districts taken on the 27th-28th: claimed, yet not
    # assessed on its word alone.
    for district in ("al-Layramoun", "al-Ashrafiyah", "Shillif"):
        assert claimed[district].side == "government"
        assert district not in assessed or assessed[district].side != "government" \
            or len(assessed[district].sources) > 1
    # Neutral reports of the government's June-July gains in Eastern Ghouta are assessed.
    assert assessed["Mayda`a"].side == "government"
    assert all(s.valid_on(day) for s in assessed.values())


def test_control_the_state_held_before_and_after_its_fall_changed_hands() -> None:
    from sitrep.conflict import default_profile

    before, after = date(2024, 12, 7), date(2024, 12, 9)
    reports = [_seen("government", source="AFP", day=date(2024, 11, 1)),
               _seen("government", source="AFP", day=before), _seen("government", source="Reuters", day=after)]
    states = build_timeline(reports, CLAIMED)
    assert [(s.side, s.previous_side, s.valid_from, s.valid_until) for s in states] == [
        ("government", "", date(2024, 11, 1), after), ("government", "former_regime", after, None)]
    assert states[1].changed_hands and not states[0].changed_hands
    profile = default_profile()
    assert profile.label("government", states[0].valid_from) != profile.label("government", states[1].valid_from)
    # reports on either side of the fall never corroborate each other: each is its own step
    (state,) = build_timeline([_seen("government", source="AFP", day=after),
                               _seen("government", source="Reuters", day=date(2024, 12, 12))], CLAIMED)
    assert state.sources == ("AFP", "Reuters")
    assert [s.side for s in build_timeline(reports[1:], CLAIMED)] == ["government", "government"]


def test_control_store_lists_the_fall_of_the_state_as_a_change(store: Store) -> None:
    for doc_id, source, published in (("f1", "Reuters", date(2024, 12, 7)), ("f2", "AFP", date(2024, 12, 9))):
        # two different reports (a store keeps one copy of a text), each of the state holding Kafr
        claims = [(KAFR, GAIN, "government", "reported")] + ([(AYN, CLASH, "", "reported")] if doc_id == "f2" else [])
        document, events = _report(doc_id, source, "neutral", published, claims)
        store.save_document(document, events, PLACES)
        update_control_after_save(store, doc_id)
    (change,) = control_changes(store, date(2024, 12, 8), date(2024, 12, 10), CLAIMED)
    assert (change.state.previous_side, change.state.side, change.state.valid_from) == \
        ("former_regime", "government", date(2024, 12, 9))
    held = control_at(store, date(2024, 12, 7), CLAIMED)
    assert [(s.side, s.valid_until) for s in held] == [("government", date(2024, 12, 9))]


def test_control_storage_reads_a_steps_documents_events_through_their_index(tmp_path: Path) -> None:
    """The events of a merge step's 50 documents are read through the events' document index: with the
    control types in the query, SQLite's planner read every territory, clash and strategic event of the
    store through the type indexes instead (a MULTI-INDEX OR), so each step cost more the larger the store."""
    from sqlalchemy.dialects import sqlite

    from sitrep.control.storage import _control_events
    from sitrep.store.schema import EventRow

    query = _control_events(by_type=False).where(EventRow.document_id.in_(list(range(1, 51))))
    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with open_store(str(tmp_path / "plan.db")) as store, store.engine.connect() as connection:  # SQLite's planner
        plan = " / ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_events_document_id" in plan, plan
    assert "MULTI-INDEX OR" not in plan, plan
