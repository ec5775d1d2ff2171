"""The shared vocabulary (sitrep/model.py): fact statuses, event and sub-event types and the built-in
profile's sides as StrEnums, equal to the strings the gold files, the store and the data files spell."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from sitrep.conflict import load_conflict
from sitrep.model import FACT_STATUSES, HAPPENED, Event, EventType, FactStatus, Side, SubEventType
from sitrep.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES, event_type_of

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def test_model_enums_are_the_strings_acled_and_the_gold_spell() -> None:
    assert FactStatus.ATTRIBUTED_CLAIM == "attributed_claim"
    assert "reported" in HAPPENED and FactStatus.EXPECTED not in HAPPENED
    assert FACT_STATUSES == ("reported", "attributed_claim", "expected", "hypothetical", "negated")
    assert tuple(EventType) == EVENT_TYPES
    assert tuple(SubEventType) == SUB_EVENT_TYPES and len(SUB_EVENT_TYPES) == 25
    assert event_type_of("Air/drone strike") is EventType.EXPLOSIONS
    # a plain string read from a file finds the member, and a member writes out as its plain string
    assert {SubEventType.ARMED_CLASH: 1}["Armed clash"] == 1
    assert json.dumps({"s": FactStatus.NEGATED}) == '{"s": "negated"}'


def test_model_sides_are_the_built_in_profile_s() -> None:
    assert set(Side) == set(load_conflict().sides)


def test_model_an_event_with_enum_values_round_trips_through_json() -> None:
    event = Event(event_id="e", doc_id="d", event_date=date(2025, 3, 7), time_precision=1,
                  event_type=EventType.BATTLES, sub_event_type=SubEventType.ARMED_CLASH, actor1="",
                  actor1_side=Side.FORMER_REGIME, actor2="", actor2_side=Side.GOVERNMENT, location="Baniyas",
                  latitude=35.18, longitude=35.94, geo_precision=1, fact_status=FactStatus.REPORTED,
                  evidence="x", evidence_start=0, evidence_end=1)
    record = json.loads(json.dumps(asdict(event), default=str))
    assert record["sub_event_type"] == "Armed clash" and record["actor1_side"] == "former_regime"


def test_model_every_gold_value_is_a_member() -> None:
    files = [f for f in [*sorted(EVAL.glob("*/events.gold.jsonl")), EVAL / "seed.gold.jsonl"] if f.exists()]
    if not files:
        pytest.skip(f"no gold sets under {EVAL}")
    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        assert row["fact_status"] in set(FactStatus)
        assert row["event_type"] in set(EventType) and row["sub_event_type"] in set(SubEventType)
        assert row.get("actor1_side", "unknown") in set(Side) | {""}
