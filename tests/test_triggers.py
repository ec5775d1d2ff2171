"""Trigger words of war reports (sitrep/events/triggers.py), on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitrep.classify import Classifier, load_classifier
from sitrep.errors import ExtractionError
from sitrep.events.triggers import ReportTrigger, find_triggers, load_report_triggers


@pytest.fixture(scope="session")
def classifier(nlp: Any) -> Classifier:
    return load_classifier(nlp)


@pytest.fixture(scope="session")
def report_triggers() -> tuple[ReportTrigger, ...]:
    return load_report_triggers()


def _triggers(text: str, nlp: Any, classifier: Classifier, report: tuple[ReportTrigger, ...]) -> dict[str, str]:
    doc = nlp(text)
    return {doc[t.token].text: t.sub_event_type for t in find_triggers(doc, classifier, report)}


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Army helicopters dropped thousands of leaflets over the eastern districts on Tuesday.", "dropped", "Other"),
        ("A cargo plane dropped aid parcels to the besieged garrison.", "dropped", "Other"),
        ("The militants were given an ultimatum to leave the town within two days.", "ultimatum", "Other"),
        ("Forty gunmen handed themselves over to the police in the suburb.", "handed", "Agreement"),
        ("Security forces opened fire on civilians queueing for bread.", "opened", "Attack"),
        ("Snipers shot at residents crossing the bridge.", "shot", "Attack"),
        ("Government units kept pushing forward inside the camp.", "pushing", "Armed clash"),
        ("The border guards said their checkpoint had come under sniper fire overnight.", "sniper", "Armed clash"),
        ("Sniper fire kept every family from crossing to the other side.", "Sniper", "Attack"),
        ("The army took two hills, threatening to cut off the rebels still in the town.", "cut", "Other"),
        ("By the end of the week the army had fully surrounded Aleppo.", "surrounded", "Other"),
        ("Napalm bombs burn the town's only field hospital", "bombs", "Air/drone strike"),
        ("Militiamen burned dozens of houses in the village.", "burned", "Looting/property destruction"),
        ("The SDF outflanked the militants and surrounded the whole prison.", "surrounded", "Other"),
    ],
)
def test_triggers_strategic_developments_and_attacks(text: str, word: str, expected: str, nlp: Any,
                                                     classifier: Classifier,
                                                     report_triggers: tuple[ReportTrigger, ...]) -> None:
    assert _triggers(text, nlp, classifier, report_triggers).get(word) == expected, text


def test_triggers_aircraft_that_pound_or_shell_carry_out_an_air_strike(
        nlp: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Russian and Syrian warplanes pounded the town overnight.", nlp, classifier, report_triggers)
    assert found.get("pounded") == "Air/drone strike", found
    shelled = _triggers("Government helicopters shelled the village.", nlp, classifier, report_triggers)
    assert "Air/drone strike" in shelled.values() and "Shelling/artillery/missile attack" not in shelled.values()
    ground = _triggers("Artillery pounded the town overnight.", nlp, classifier, report_triggers)
    assert ground.get("pounded") == "Shelling/artillery/missile attack", ground
    # what the verb was done with decides over the wording of its subject
    armed = _triggers("Aircraft also shelled the countryside with artillery.", nlp, classifier, report_triggers)
    assert armed.get("shelled") == "Shelling/artillery/missile attack", armed


def test_triggers_people_driven_out_lost_ground(nlp: Any, classifier: Classifier,
                                              report_triggers: tuple[ReportTrigger, ...]) -> None:
    # the people object of a verb of driving out is who lost the ground, not what was taken
    found = _triggers("Kurdish fighters drove Islamic State militants out of the town on Monday.", nlp, classifier,
                      report_triggers)
    assert found.get("drove") == "territory", found
    taken = _triggers("The army captured twenty fighters near the town on Monday.", nlp, classifier, report_triggers)
    assert taken.get("captured") != "territory", taken


def test_triggers_what_is_dropped_decides(nlp: Any, classifier: Classifier,
                                          report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Helicopters dropped barrel bombs on the town.", nlp, classifier, report_triggers)
    assert found.get("dropped") != "Other"
    assert "Other" not in found.values()


def test_triggers_fire_on_fighters_is_no_attack_on_civilians(nlp: Any, classifier: Classifier,
                                                             report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Rebels opened fire on army positions near the airport.", nlp, classifier, report_triggers)
    assert found.get("opened") == "Armed clash"


def test_triggers_a_campaign_name_is_no_event(nlp: Any, classifier: Classifier,
                                              report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("The town was a key prize in the Battle of Aleppo.", nlp, classifier, report_triggers)
    assert "Battle" not in found
    found = _triggers("A fierce battle raged in the town on Monday.", nlp, classifier, report_triggers)
    assert found.get("battle") == "Armed clash"


def test_triggers_a_participle_describing_a_place_is_no_event(nlp: Any, classifier: Classifier,
                                                              report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Aid workers reached the besieged city on foot.", nlp, classifier, report_triggers)
    assert "besieged" not in found
    found = _triggers("Government forces besieged the city in July.", nlp, classifier, report_triggers)
    assert found.get("besieged") == "Other"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Security forces seized weapons and ammunition in a raid on the village.", "seized"),
        ("The rebels captured twenty soldiers near the checkpoint.", "captured"),
        ("The fighting has driven some 200,000 civilians out of the city.", "driven"),
    ],
)
def test_triggers_taking_people_or_arms_is_no_ground(text: str, word: str, nlp: Any, classifier: Classifier,
                                                     report_triggers: tuple[ReportTrigger, ...]) -> None:
    assert _triggers(text, nlp, classifier, report_triggers).get(word) != "territory", text


def test_triggers_taking_a_town_is_ground(nlp: Any, classifier: Classifier,
                                          report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("The rebels captured the town after a long battle.", nlp, classifier, report_triggers)
    assert found.get("captured") == "territory"


@pytest.mark.parametrize(
    "text",
    [
        "Air defences intercepted several missiles over the capital on Sunday.",
        "Fighters shot down a drone over the dam.",
    ],
)
def test_triggers_weapons_stopped_in_the_air(text: str, nlp: Any, classifier: Classifier,
                                             report_triggers: tuple[ReportTrigger, ...]) -> None:
    assert "Disrupted weapons use" in _triggers(text, nlp, classifier, report_triggers).values(), text


def test_triggers_a_ceasefire_called_for_is_no_agreement(nlp: Any, classifier: Classifier,
                                                         report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("The UN kept pushing for a ceasefire in the city.", nlp, classifier, report_triggers)
    assert "ceasefire" not in found
    found = _triggers("The two sides agreed a ceasefire in the city on Friday.", nlp, classifier, report_triggers)
    assert found.get("ceasefire") == "Agreement"


def test_triggers_what_aircraft_drop_is_an_airdrop_unless_it_is_a_weapon(
        nlp: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Helicopters flying over the besieged districts dropped flour and baby milk on Friday.", nlp,
                      classifier, report_triggers)
    assert found.get("dropped") == "Other", found
    found = _triggers("Regime helicopters dropped barrel bombs on Darayya on Tuesday.", nlp, classifier,
                      report_triggers)
    assert found.get("dropped") != "Other", found


def test_triggers_explosives_made_safe_are_disrupted_weapons_use(
        nlp: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> None:
    assert _triggers("Police defused an explosive device near a school.", nlp, classifier,
                     report_triggers).get("defused") == "Disrupted weapons use"
    assert _triggers("Engineers are clearing mines in the fields.", nlp, classifier,
                     report_triggers).get("clearing") == "Disrupted weapons use"
    assert "clearing" not in _triggers("Workers are clearing rubble in the square.", nlp, classifier, report_triggers)


def test_triggers_an_accord_followed_or_a_thing_condemned_is_no_event(nlp: Any, classifier: Classifier,
                                                                     report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Rebels began leaving the suburb under a deal with the government.", nlp, classifier,
                      report_triggers)
    assert "deal" not in found, found
    found = _triggers("The opposition condemned the corridors on Thursday.", nlp, classifier, report_triggers)
    assert "corridors" not in found, found
    found = _triggers("The government opened two corridors out of the city on Thursday.", nlp, classifier,
                      report_triggers)
    assert found.get("corridors") == "Other", found


@pytest.mark.parametrize(("text", "word", "expected"), [
    ("Syrian air defences confronted an Israeli missile attack on the airport late on Monday.", "confronted",
     "Disrupted weapons use"),
    ("Army units targeted the gatherings of the militants near the village with artillery.", "targeted",
     "Shelling/artillery/missile attack"),
    ("Government troops pounded rebel positions on the hills overnight.", "pounded",
     "Shelling/artillery/missile attack"),
    ("Security forces tracked down the leader of the cell in the town.", "tracked", "Arrests"),
    ("Police captured three inmates who had escaped from the prison.", "captured", "Arrests"),
    ("Gunmen opened fire on a car on the highway, killing its two passengers.", "opened", "Attack"),
])
def test_triggers_air_defences_ground_strikes_arrests_and_fire_on_cars(text: str, word: str, expected: str, nlp: Any,
                                                                      classifier: Classifier,
                                                                      report_triggers: tuple[ReportTrigger, ...]) -> None:
    assert _triggers(text, nlp, classifier, report_triggers).get(word) == expected


def test_triggers_aircraft_striking_positions_stay_air_strikes(nlp: Any, classifier: Classifier,
                                                              report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Warplanes targeted militant positions near the village.", nlp, classifier, report_triggers)
    assert set(found.values()) == {"Air/drone strike"}, found


def test_triggers_fighters_captured_in_battle_are_no_arrest(nlp: Any, classifier: Classifier,
                                                           report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Rebels captured the village after heavy fighting.", nlp, classifier, report_triggers)
    assert "Arrests" not in found.values() and found.get("captured") == "territory", found


def test_triggers_a_security_operation_is_a_clash_only_where_it_meets_fire(
        nlp: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> None:
    fought = _triggers("Police launched a security operation in the hills, killing two gunmen.", nlp, classifier,
                       report_triggers)
    assert fought.get("security") == "Armed clash", fought
    quiet = _triggers("Police launched a security operation in the hills and searched homes.", nlp, classifier,
                      report_triggers)
    assert "Armed clash" not in quiet.values(), quiet


def test_triggers_an_assault_with_rpgs_is_a_clash_mortars_are_shelling(
        nlp: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> None:
    assault = _triggers("Gunmen stormed the checkpoint with RPGs and rifles.", nlp, classifier, report_triggers)
    assert "Shelling/artillery/missile attack" not in assault.values() and "Armed clash" in assault.values()
    shelled = _triggers("Regime forces shelled the town with mortars.", nlp, classifier, report_triggers)
    assert set(shelled.values()) == {"Shelling/artillery/missile attack"}, shelled


def test_triggers_neighbours_take_the_more_specific_type(nlp: Any, classifier: Classifier,
                                                        report_triggers: tuple[ReportTrigger, ...]) -> None:
    bomber = _triggers("A suicide bomber attacked the church during the service.", nlp, classifier, report_triggers)
    assert bomber.get("attacked") == "Suicide bomb", bomber
    met = _triggers("Syrian air defences confronted an Israeli missile attack on the airport late on Monday.", nlp,
                    classifier, report_triggers)
    assert met.get("attack") == "Disrupted weapons use", met


def test_triggers_a_deed_titled_with_its_span_of_dates_names_a_campaign(
        nlp: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> None:
    found = _triggers("Hama offensive (March–April 2017)\n\nRebels shelled Mhardeh on Monday.", nlp, classifier,
                      report_triggers)
    assert "offensive" not in found and "shelled" in found, found


def test_triggers_a_lexicon_word_yaml_reads_as_a_boolean_is_refused(tmp_path: Path) -> None:
    lexicon = tmp_path / "triggers.yaml"
    lexicon.write_text("triggers:\n  - {words: [cut, off], sub_event_type: Other, weight: 3.0}\n", encoding="utf-8")
    with pytest.raises(ExtractionError, match="quote it"):
        load_report_triggers(lexicon)
    lexicon.write_text('triggers:\n  - {words: [cut, "off"], sub_event_type: Other, weight: 3.0}\n', encoding="utf-8")
    assert load_report_triggers(lexicon)[0].words == ("cut", "off")
