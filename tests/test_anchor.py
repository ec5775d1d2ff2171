"""Events whose sentence names no place (sitrep/events/anchor.py), on reports written for these tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sitrep.events.extract import Resources, extract, load_resources
from sitrep.geo import Gazetteer
from sitrep.model import Document, Event


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Gazetteer) -> Resources:
    return load_resources(nlp, gazetteer)


def _events(text: str, resources: Resources) -> list[Event]:
    result = extract(Document(doc_id="anchor", text=text, source="a wire", published=date(2016, 7, 29)), resources)
    placed = {p.place.place_id for p in result.places if p.place is not None}
    assert all(e.place_id in placed for e in result.events)  # every event's place travels with the document
    return result.events


def test_anchor_a_head_of_states_decree_is_coded_at_the_capital(resources: Resources) -> None:
    events = _events("Rebels shelled the western districts of Aleppo on Monday. President Bashar al-Assad "
                     "offered an amnesty to rebels who surrender within three months.", resources)
    amnesty = [e for e in events if "amnesty" in e.evidence]
    assert [(e.location, e.sub_event_type, e.geo_precision) for e in amnesty] == [("Damascus", "Agreement", 3)]


def test_anchor_a_placeless_development_takes_the_place_its_paragraph_is_about(resources: Resources) -> None:
    events = _events("Fighting raged around Manbij on Sunday. Russia announced on Thursday that passages "
                     "would open for civilians and fighters who wished to leave.", resources)
    passages = [e for e in events if "passages" in e.evidence]
    assert [(e.location, e.event_type) for e in passages] == [("Manbij", "Strategic developments")]


def test_anchor_a_definite_feature_word_refers_back_to_the_place_named(resources: Resources) -> None:
    events = _events("The army shelled the village of Kinsabba on Monday. Later the village was bombed by jets.",
                     resources)
    bombed = [e for e in events if e.evidence.startswith("Later")]
    assert [(e.location, e.sub_event_type) for e in bombed] == [("Kinnsibba", "Air/drone strike")]


def test_anchor_never_guesses_where_a_battle_was(resources: Resources) -> None:
    events = _events("Fighting raged around Manbij on Sunday. Elsewhere, rebels attacked an army convoy.",
                     resources)
    assert not [e for e in events if "convoy" in e.evidence], events


def test_anchor_the_armed_group_acts_where_its_last_deed_was_told(resources: Resources) -> None:
    text = ("On Tuesday evening an armed group attacked several checkpoints across Ashrafiyat Sahnaya.\n\n"
            "In the early hours of Wednesday, the armed group opened fire on a vehicle coming from Daraa, killing "
            "six of its passengers.")
    shot = [e for e in _events(text, resources) if e.evidence.startswith("In the early")]
    assert [(e.location, e.sub_event_type) for e in shot] == [("Ashrafiyat Sahnaya", "Attack")], shot
    elsewhere = _events("Fighting raged around Manbij on Sunday. Elsewhere, rebels opened fire on a vehicle coming "
                        "from Daraa, killing six.", resources)  # no group pointed back to: no place guessed
    assert not [e for e in elsewhere if "vehicle" in e.evidence], elsewhere


def test_anchor_the_road_refers_back_to_a_road_not_to_the_last_place(resources: Resources) -> None:
    text = ("Three soldiers were wounded in an ambush near Palmyra on Saturday. The casualties were flown by "
            "helicopter to the al-Tanf garrison near the border with Jordan. The road was sealed for a time during "
            "the evacuation.")
    sealed = [e for e in _events(text, resources) if e.evidence.startswith("The road")]
    assert all(e.location != "At Tanf" for e in sealed), sealed
    named = ("The wounded were flown to the al-Tanf garrison, near the M2 highway. "
             "The road was sealed for a time during the evacuation.")
    assert [e.location for e in _events(named, resources) if e.evidence.startswith("The road")] == [], named


def test_anchor_the_prison_refers_back_to_the_prison_named_paragraphs_before(resources: Resources) -> None:
    text = ("On Thursday IS militants attacked the Ghwayran prison in Hasakeh.\n\n"
            "On Friday the SDF fought the militants in the Zuhour neighbourhood.\n\n"
            "On Saturday the SDF surrounded the whole prison.")
    surrounded = [e for e in _events(text, resources) if e.evidence.startswith("On Saturday")]
    assert [(e.location, e.sub_event_type) for e in surrounded] == [("Ghwayran", "Other")], surrounded
    house = _events("On Monday in Jableh the house where the men were hiding was surrounded.", resources)
    assert house == [], house  # a house in a raid is no siege


def test_anchor_a_present_tense_background_sentence_is_no_deed(resources: Resources) -> None:
    events = _events("Fighting raged around Manbij on Sunday. The reconciliation centre goes on negotiating "
                     "an agreement with the elders.", resources)
    assert not [e for e in events if "reconciliation" in e.evidence], events
