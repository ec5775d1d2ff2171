"""Who did it, to whom (sitrep/events/participants.py), on sentences written the way wire services, state
media and partisan outlets write them, through the real spaCy parse and the real catalogue."""

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


def _events(text: str, resources: Resources, *, stance: str = "neutral",
            published: date = date(2016, 7, 30)) -> list[Event]:
    document = Document(doc_id="t", text=text, source="test", published=published, stance=stance)
    return extract(document, resources).events


def _one(text: str, resources: Resources, **kwargs: Any) -> Event:
    events = _events(text, resources, **kwargs)
    assert events, f"no event in {text!r}"
    return events[0]


def test_participants_what_is_acted_on_is_not_the_agent(resources: Resources) -> None:
    # the object of the action is removed, not removing: a state outlet's unnamed protagonist is the state
    event = _one("The process of removing terrorists and their families from the eastern neighbourhoods of "
                 "Aleppo through the humanitarian corridor was suspended on Sunday evening.", resources,
                 stance="pro-government")
    assert event.actor1_side == "government"
    assert event.actor1 != "terrorists"


def test_participants_the_subject_of_a_passive_is_the_target(resources: Resources) -> None:
    event = _one("Rebel positions in Kafr Zita were shelled on Monday.", resources)
    assert (event.actor1_side, event.actor2_side) == ("unknown", "opposition")
    event = _one("The town of Kafr Zita was shelled by regime forces on Monday.", resources)
    assert event.actor1_side == "government"


def test_participants_the_agent_of_a_noun_is_read_through_by(resources: Resources) -> None:
    event = _one("Deadly attacks by the PKK/YPG terrorist group near Syria's Tishrin Dam go on putting "
                 "civilians in danger.", resources, stance="pro-turkey", published=date(2025, 1, 21))
    assert event.actor1_side == "kurdish"


def test_participants_a_subject_named_by_its_modifiers(resources: Resources) -> None:
    # "Syrian army units": the actor is a modifier of the subject's head word, not the head itself
    event = _one("On Friday, Syrian army units working with allied forces had pressed on with their operations "
                 "against terrorists' hotbeds in the southern countryside of Idlib, restoring control over "
                 "Qaytal.", resources, stance="pro-iran", published=date(2018, 1, 20))
    assert event.actor1_side == "government"
    assert event.sub_event_type == "Government regains territory"


def test_participants_a_pronoun_subject_points_back(resources: Resources) -> None:
    event = _one("On Wednesday, FSA fighters made big advances in al-Bab. After heavy clashes with ISIS, it "
                 "took control of the court building in al-Bab.", resources, stance="opposition",
                 published=date(2017, 2, 23))
    assert (event.actor1_side, event.actor2_side) == ("opposition", "isis")
    event = _one("Tahrir al-Sham said on a social media feed that it had launched two suicide car bomb attacks "
                 "near Soran in the countryside north of Hama.", resources, published=date(2017, 3, 22))
    assert (event.actor1, event.actor1_side) == ("Hay'at Tahrir al-Sham", "opposition")


def test_participants_army_defectors_are_the_opposition(resources: Resources) -> None:
    # 2011-2013 wire copy's soldiers who left the army to fight it: not the army
    event = _one("Army defectors clashed with troops loyal to President Bashar al-Assad near Rastan on Monday.",
                 resources, published=date(2012, 3, 3))
    assert (event.actor1_side, event.actor2_side) == ("opposition", "government"), event


def test_participants_infighting_between_two_of_one_camp_names_both(resources: Resources) -> None:
    event = _one("Clashes between Ahrar al-Sham and Hayat Tahrir al-Sham left 12 fighters dead in Saraqeb on "
                 "Monday.", resources, published=date(2017, 4, 5))
    assert (event.actor1, event.actor2) == ("Ahrar al-Sham", "Hay'at Tahrir al-Sham"), event


def test_participants_the_subject_raised_from_a_deed_is_its_agent(resources: Resources) -> None:
    event = _one("The Syrian army is expected to launch an assault on Kinsabba in the coming days.", resources)
    assert (event.actor1_side, event.actor2_side, event.fact_status) == ("government", "", "expected"), event


def test_participants_an_unnamed_subject_of_its_own_clause_is_not_the_clause_above(resources: Resources) -> None:
    # the deed's own subject names no actor: the army of the clause it is joined to did not open fire
    event = _one("On Monday a convoy tried to enter Kinsabba. A Syrian army checkpoint in the area stopped the "
                 "convoy, and the driver then opened fire.", resources)
    assert event.actor1 == "" and event.actor1_side == "unknown", event
    own = _one("On Monday a convoy tried to enter Kinsabba. A Syrian army checkpoint in the area stopped the "
               "convoy and then opened fire.", resources)
    assert own.actor1_side == "government", own


def test_participants_a_modifier_of_the_trigger_is_its_agent(resources: Resources) -> None:
    event = _one("Five rebel counter-attacks on Castello Road were repelled.", resources)
    assert event.actor1_side == "opposition"


def test_participants_no_named_agent_is_an_unknown_side(resources: Resources) -> None:
    event = _one("Airstrikes on 25 July damaged the hospital in Atareb.", resources)
    assert (event.actor1, event.actor1_side) == ("", "unknown")


def test_participants_sides_are_those_of_the_event_day(resources: Resources) -> None:
    # a report of 2025 about 2016: Assad's forces were the state then, not the former regime
    event = _one("On 12 July 2016, Assad's forces shelled the town of Kafr Zita.", resources,
                 published=date(2025, 3, 10))
    assert (event.event_date, event.actor1_side) == (date(2016, 7, 12), "government")
    # a report of late December 2024 about the offensive of 27 November: HTS was not yet the state
    event = _one("On 27 November, Hayat Tahrir al-Sham fighters captured the town of Maarat al-Numan.",
                 resources, published=date(2024, 12, 20))
    assert (event.actor1_side, event.sub_event_type) == ("opposition", "Non-state actor overtakes territory")
    # the same sentence about a day after the fall: the state's forces regain ground
    event = _one("On 10 December, Hayat Tahrir al-Sham fighters captured the town of Maarat al-Numan.",
                 resources, published=date(2024, 12, 20))
    assert (event.actor1_side, event.sub_event_type) == ("government", "Government regains territory")


def test_participants_a_holder_of_ground_is_not_an_agent(resources: Resources) -> None:
    # "opposition-held", "government-held", "areas held by": who holds a place, not who acts
    text = ("State media said dozens of civilians left the besieged, battered opposition-held east of Aleppo "
            "on Saturday, crossing to the government-held west through a humanitarian corridor.")
    sides = {e.actor1_side for e in _events(text, resources, published=date(2016, 7, 31))}
    assert sides and not sides & {"government", "opposition"}


def test_participants_what_a_clause_suffers_is_not_its_agent(resources: Resources) -> None:
    # "they have been under siege since the army cut the road": they are besieged, the army besieges
    text = ("Some 250,000 civilians remain in eastern Aleppo. They have been effectively under siege since "
            "the army and allied militia cut the last road into the rebel districts in early July.")
    events = _events(text, resources)
    assert events
    assert all(e.actor1_side != "civilians" for e in events)


def test_participants_who_tells_of_its_own_point_under_fire_is_not_the_agent(resources: Resources) -> None:
    event = _one("Asayish said on Monday that one of its points near Sheikh Maqsoud had come under sniper fire.",
                 resources)
    assert (event.sub_event_type, event.actor1) == ("Armed clash", ""), event
    assert event.fact_status == "attributed_claim", event


def test_participants_the_object_of_a_control_verb_acts(resources: Resources) -> None:
    # "forced ISIS to begin evacuating": ISIS evacuates; the army's advance is what forced it
    event = _one("The rapid advances of the Syrian government forces in the east of Homs province have forced "
                 "the ISIS terrorist group to begin evacuating its fighters from Palmyra.", resources,
                 stance="pro-iran", published=date(2016, 3, 8))
    assert (event.actor1, event.actor1_side) == ("Islamic State", "isis")


def test_participants_who_is_helped_to_act_acts(resources: Resources) -> None:
    event = _one("The whole brigade has been moved to the front to help the Tiger Forces in the offensive to capture "
                 "the strategic Kinsabba hill.", resources)
    assert (event.actor1, event.fact_status) == ("Tiger Forces", "expected"), event


def test_participants_the_operator_of_a_target_is_not_the_agent(resources: Resources) -> None:
    # "a drone operated by X was shot down": X owns what is hit; who shot it down is another
    event = _one("According to the SDF, a drone operated by Turkish-backed factions was shot down near the "
                 "Tishrin Dam on Monday.", resources, published=date(2025, 2, 13))
    assert event.actor1_side == "kurdish"


def test_participants_a_headline_noun_is_not_climbed_past(resources: Resources) -> None:
    # a wire headline parsed as nouns in a row: the troops wounded do not shell
    event = _one("Militants in Hama zone shell Syrian army positions, two troops wounded", resources,
                 stance="russian-state", published=date(2021, 8, 19))
    assert event.actor1_side == "opposition"


def test_participants_what_falls_to_someone_is_their_gain(resources: Resources) -> None:
    # "fell to", "lost ... to": the one after "to" takes the ground, whoever the source speaks for
    event = _one("The village of Tal Shaer fell to Islamic State fighters early on Thursday.", resources,
                 stance="pro-kurdish", published=date(2014, 10, 23))
    assert (event.actor1_side, event.sub_event_type) == ("isis", "Non-state actor overtakes territory")


def test_participants_a_preposed_phrase_is_a_frame_not_a_target(resources: Resources) -> None:
    # "On Monday regime forces ...": a sentence-initial "on" phrase dates the clause, it is not acted on
    events = _events("Clashes went on. On Monday regime forces raked rebel-held districts in Homs with fire "
                     "from helicopter gunships and hammered them with shelling.", resources,
                     published=date(2012, 7, 31))
    assert events
    event = events[-1]
    assert event.actor1_side == "government"


def test_participants_a_fight_between_two_named_sides(resources: Resources) -> None:
    # "the fighting between X and Y": X is actor1 and Y actor2, in the order the report names them
    text = "On 22 January, the fighting between the SDF and Islamic State militants grew more intense in Hasakeh."
    event = _one(text, resources, published=date(2022, 1, 25))
    assert (event.actor1_side, event.actor2_side) == ("kurdish", "isis")


def test_participants_the_group_of_the_wounded_is_not_the_agent(resources: Resources) -> None:
    # "two soldiers of the Syrian army were wounded": the army's men are hit; the militants shell
    events = _events("Two soldiers of the Syrian army were wounded on Tuesday when terrorists opened mortar fire "
                     "on their post near Kafr Nabl.", resources, stance="russian-state", published=date(2021, 8, 19))
    assert events and all(e.actor1_side == "opposition" for e in events), [(e.evidence, e.actor1) for e in events]


def test_participants_an_apposition_only_describes(resources: Resources) -> None:
    # "Russia, a key ally of President Bashar Assad, announced": the ally announces, not Assad
    events = _events("On Thursday Russia, a key ally of President Bashar al-Assad, announced humanitarian "
                     "corridors for civilians who want to leave eastern Aleppo.", resources,
                     published=date(2016, 7, 29))
    assert events and all(e.actor1_side == "russia" for e in events), [(e.evidence, e.actor1) for e in events]


def test_participants_the_speaker_of_a_reported_clause_is_not_its_agent(resources: Resources) -> None:
    # "He claimed that soldiers had been killed in battles with rebels": he said it; the rebels fought
    text = ("Hezbollah's leader spoke on Tuesday. He claimed that six Hezbollah fighters had been killed in "
            "battles with rebels near Qusayr.")
    events = _events(text, resources, published=date(2013, 6, 5))
    assert events and all(e.actor1_side == "opposition" for e in events), [(e.evidence, e.actor1) for e in events]


def _air_strike(text: str, resources: Resources, **kwargs: Any) -> Event:
    strikes = [e for e in _events(text, resources, **kwargs) if e.sub_event_type == "Air/drone strike"]
    assert strikes, f"no air strike in {text!r}"
    return strikes[0]


def test_participants_an_unattributed_air_strike_is_flown_by_whose_planes_fly_for_whom(
        resources: Resources) -> None:
    # a Kurdish outlet of 2014: strikes that stopped the Islamic State's advance are its camp's (the coalition's)
    event = _air_strike("ISIS has besieged Kobani for over a month. The town was close to falling before days "
                        "of intense airstrikes halted their advance.", resources, stance="pro-kurdish",
                        published=date(2014, 10, 23))
    assert event.actor1_side == "us_coalition"
    # an opposition outlet of 2016: strikes on its own side's districts are the state's, as before
    event = _air_strike("Rebels held their lines in Aleppo. Airstrikes hit the Sukkari district on Monday.",
                        resources, stance="opposition", published=date(2016, 7, 30))
    assert event.actor1_side == "government"
    # an opponent that flies, named just before, flew it
    event = _air_strike("Turkish forces pressed their attack on Manbij. A drone strike hit a car near Manbij "
                        "on Monday.", resources, stance="pro-kurdish", published=date(2022, 7, 30))
    assert event.actor1_side == "turkey"


def test_participants_a_protest_is_its_protesters_and_whoever_met_them(resources: Resources) -> None:
    # ACLED codes every Protests event with the protesters as actor1 and an intervening force as actor2
    events = _events("A group of Syrians who live in the buffer zone clashed with Israeli forces at a protest "
                     "against the presence of Israeli troops in Quneitra on Wednesday.", resources,
                     published=date(2024, 12, 25))
    protests = [e for e in events if e.event_type == "Protests"]
    assert protests, events
    assert {(e.actor1_side, e.actor2_side) for e in protests} == {("civilians", "israel")}
    event = _one("Hundreds of demonstrators protested in Suwayda on Friday against the government.", resources,
                 published=date(2023, 8, 25))
    assert (event.event_type, event.actor1, event.actor1_side) == ("Protests", "protesters", "civilians")


def test_participants_a_repelled_attack_is_its_authors(resources: Resources) -> None:
    # ACLED's actor1 is the initiator: the one whose attack was repelled, the one repelling is actor2
    event = _one("Syrian army units repelled an attack by Jabhat al-Nusra on the town of Kafr Zita on Monday.",
                 resources, stance="pro-government")
    assert (event.actor1_side, event.actor2_side) == ("opposition", "government")
    event = _one("Five rebel counter-attacks on the Castello Road were repelled on Monday.", resources)
    assert event.actor1_side == "opposition"
    event = _one("Kurdish fighters repulsed an assault by ISIS militants on the town of Kobani on Monday.",
                 resources, published=date(2015, 6, 30))
    assert (event.actor1_side, event.actor2_side) == ("isis", "kurdish")


def test_participants_who_inflicts_a_siege_is_named_by_since_when(resources: Resources) -> None:
    # "under siege since X closed the road": X besieges (Al Jazeera's and Reuters' wording of Aleppo, 2016)
    events = _events("Eastern Aleppo has been under siege since government forces closed the Castello Road.",
                     resources, published=date(2016, 8, 3))
    assert events and {e.actor1_side for e in events} == {"government"}
    # with no such clause the one suffering is still no agent
    events = _events("Eastern Aleppo has been under siege for weeks, the rebels said.", resources,
                     published=date(2016, 8, 3))
    assert all(e.actor1_side != "opposition" for e in events)


@pytest.mark.parametrize(("stance", "published", "side", "name"), [
    ("pro-government", date(2016, 7, 30), "government", "Assad government forces"),
    ("opposition", date(2025, 3, 10), "government", "Syrian transitional government forces"),
    ("pro-kurdish", date(2016, 7, 30), "kurdish", "Kurdish-led forces"),
])
def test_participants_an_unnamed_protagonist_is_named_by_the_profile_label_of_the_day(
        resources: Resources, stance: str, published: date, side: str, name: str) -> None:
    # no actor in the text: a partisan source's own side, named as the conflict profile names it that day
    # (an opposition outlet of 2025 writes for the new state)
    event = _one("The village of Kinsabba was liberated on Friday.", resources, stance=stance, published=published)
    assert (event.actor1_side, event.actor1) == (side, name)
    assert event.actor1 == resources.actors.profile.label(side, published)


def test_participants_a_relative_clause_about_someone_else_names_no_participant(resources: Resources) -> None:
    # the wires' speaker described by a relative clause: whom the resident fled is no party to the shelling
    event = _one("A resident who had fled the Islamic State last year said the village of Kinsabba was shelled "
                 "on Monday.", resources)
    assert "isis" not in (event.actor1_side, event.actor2_side)
    # a clause closed by its comma ends there, whatever the parse: the main clause's subject still acts
    event = _one("After an assault in which the terrorists claimed to control the hill, Syrian troops recaptured "
                 "Kinsabba on Friday.", resources)
    assert event.actor1_side == "government"
    # a clause on the deed's own object still names the other side
    event = _one("Rebels stormed a checkpoint in Kinsabba that government forces had set up on Monday.", resources)
    assert (event.actor1_side, event.actor2_side) == ("opposition", "government")


def test_participants_a_teller_beside_its_own_people_hit_is_not_the_agent(resources: Any) -> None:
    hit = _events("Two Russian soldiers were killed in an ambush near Palmyra on Friday, according to the "
                  "Russian Defence Ministry.", resources)
    assert hit and all(e.actor1_side != "russia" for e in hit), hit
    own = _events("According to the SDF, a drone operated by Turkish-backed factions was shot down near Ain Issa on "
                  "Friday.", resources)
    assert own and own[0].actor1_side == "kurdish", own


def test_participants_what_is_fought_is_no_agent(resources: Any) -> None:
    text = "Coalition troops on counter-ISIS patrols were attacked near Shaddadi on Monday."
    assert all(e.actor1_side != "isis" for e in _events(text, resources))
