"""ACLED's taxonomy and the CASE 2021 code mapping."""

from __future__ import annotations

import pytest

from sitrep.errors import SitrepError
from sitrep.taxonomy import (
    CASE_CODE_TO_SUB_EVENT_TYPE,
    EVENT_TYPE_OF,
    EVENT_TYPES,
    SUB_EVENT_TYPES,
    SUB_EVENT_TYPES_BY_TYPE,
    UnknownLabelError,
    event_type_of,
    sub_event_type_from_case,
)

NON_ACLED_CASE_CODES = ("DIPLO", "ATTRIB", "ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER")


def test_taxonomy_has_six_event_types_and_twenty_five_sub_event_types() -> None:
    assert len(EVENT_TYPES) == 6
    assert len(SUB_EVENT_TYPES) == 25
    assert len(set(SUB_EVENT_TYPES)) == 25


def test_taxonomy_spells_types_as_acled_does() -> None:
    assert EVENT_TYPES == (
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    )
    for spelled in (
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Abduction/forced disappearance",
        "Excessive force against protesters",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Change to group/activity",
    ):
        assert spelled in SUB_EVENT_TYPES


def test_taxonomy_maps_every_sub_event_type_to_its_type() -> None:
    assert set(EVENT_TYPE_OF) == set(SUB_EVENT_TYPES)
    assert event_type_of("Air/drone strike") == "Explosions/Remote violence"
    assert event_type_of("Arrests") == "Strategic developments"
    assert event_type_of("Mob violence") == "Riots"
    for event_type, subs in SUB_EVENT_TYPES_BY_TYPE.items():
        assert all(EVENT_TYPE_OF[sub] == event_type for sub in subs)


def test_taxonomy_case_codes_cover_acled_and_five_outside_types() -> None:
    acled = {code: sub for code, sub in CASE_CODE_TO_SUB_EVENT_TYPE.items() if sub is not None}
    assert set(acled.values()) == set(SUB_EVENT_TYPES)
    assert sub_event_type_from_case("ART_MISS_ATTACK") == "Shelling/artillery/missile attack"
    assert sub_event_type_from_case("gov_regains_terit") == "Government regains territory"
    for code in NON_ACLED_CASE_CODES:
        assert sub_event_type_from_case(code) is None


def test_taxonomy_rejects_unknown_labels() -> None:
    with pytest.raises(UnknownLabelError):
        event_type_of("Armed Clash")  # ACLED's capitalisation is exact
    with pytest.raises(SitrepError):
        sub_event_type_from_case("RIOT")
