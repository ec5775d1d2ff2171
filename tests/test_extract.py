"""Event extraction on real text: the seed with its gold (CI's quality gate), our fixtures, the dev corpus."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sitrep.events.extract import Resources, extract, load_resources, report_places
from sitrep.geo import Gazetteer, find_places
from sitrep.ingest import read_document
from sitrep.model import FACT_STATUSES, HAPPENED, Document, Event
from sitrep.taxonomy import EVENT_TYPE_OF

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# CI's quality gate on the seed: the targets (shares, 0..1). Today's scores are above them.
SEED_FLOORS = {"happened_f1": 0.85, "sub_event_type_agreement": 0.8, "actor1_side_agreement": 0.9,
               "expected_f1": 0.7}
# On our own fixture reports (written for tests, never tuned on) extraction is weaker; this floor
# guards against regressions, a little under today's 0.63.
FIXTURE_HAPPENED_F1_FLOOR = 0.55


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Gazetteer) -> Resources:
    return load_resources(nlp, gazetteer)


def _score(gold: Path, events: list[Event], shared: Path, tmp_path: Path) -> dict[str, Any]:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(asdict(e), default=str) + "\n" for e in events), encoding="utf-8")
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "events", str(gold), str(pred),
                          "--json"], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _seed(shared: Path) -> Document:
    return read_document(shared / "eval" / "seed.txt", published=date(2016, 7, 30), source="Syrian Perspective")


def test_extract_seed_meets_the_quality_gate(shared: Path, resources: Resources, tmp_path: Path) -> None:
    events = extract(_seed(shared), resources).events
    scores = _score(shared / "eval" / "seed.gold.jsonl", events, shared, tmp_path)
    for name, floor in SEED_FLOORS.items():
        assert scores[name] is not None and scores[name] >= floor, (name, scores)


def test_extract_seed_without_a_source_infers_the_stance(shared: Path, resources: Resources,
                                                         tmp_path: Path) -> None:
    document = read_document(shared / "eval" / "seed.txt", published=date(2016, 7, 30))
    events = extract(document, resources).events
    assert {e.stance for e in events} == {"pro-government"}
    scores = _score(shared / "eval" / "seed.gold.jsonl", events, shared, tmp_path)
    assert scores["happened_f1"] >= SEED_FLOORS["happened_f1"]


def _fixture_gold(tmp_path: Path) -> tuple[Path, list[str]]:
    with (FIXTURES / "places_expected.tsv").open(encoding="utf-8") as f:
        coords = {(r["file"], r["gazetteer_name"]): (float(r["latitude"]), float(r["longitude"]))
                  for r in csv.DictReader(f, delimiter="\t") if r["latitude"]}
    with (FIXTURES / "events_expected.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    gold = []
    for r in rows:
        lat, lon = coords[(r["file"], r["location"])]
        gold.append({"doc_id": r["file"].removesuffix(".md"), "event_date": r["event_date"], "time_precision": 1,
                     "event_type": r["event_type"], "sub_event_type": r["sub_event_type"],
                     "actor1_side": r["actor1_side"], "latitude": lat, "longitude": lon,
                     "fact_status": r["fact_status"]})
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    return path, sorted({r["file"] for r in rows})


def test_extract_fixture_reports_hold_their_floor(shared: Path, resources: Resources, tmp_path: Path) -> None:
    gold, files = _fixture_gold(tmp_path)
    events = [e for name in files for e in extract(read_document(FIXTURES / "reports" / name), resources).events]
    scores = _score(gold, events, shared, tmp_path)
    assert scores["happened_f1"] >= FIXTURE_HAPPENED_F1_FLOOR, scores


def _check_event(event: Event, text: str) -> None:
    assert text[event.evidence_start:event.evidence_end] == event.evidence
    assert EVENT_TYPE_OF[event.sub_event_type] == event.event_type
    assert event.fact_status in FACT_STATUSES
    assert event.time_precision in (1, 2, 3)
    assert event.latitude is not None and 32.0 <= event.latitude <= 37.6
    assert event.longitude is not None and 35.5 <= event.longitude <= 42.5
    for span in event.framing:
        assert text[span.start:span.end] == span.surface


@pytest.mark.slow
def test_extract_dev_corpus_events_are_well_formed(shared: Path, resources: Resources) -> None:
    total = 0
    for path in sorted((shared / "data" / "corpus-dev").glob("*.md")):
        document = read_document(path)
        result = extract(document, resources)
        for event in result.events:
            _check_event(event, document.text)
        assert len({e.event_id for e in result.events}) == len(result.events)
        total += len(result.events)
    assert total > 30


def _doc(text: str, stance: str = "neutral", published: date = date(2016, 8, 10)) -> Document:
    return Document(doc_id="t", text=text, source="test wire", published=published, stance=stance)


def _events(text: str, resources: Resources, stance: str = "neutral", *,
            published: date = date(2016, 8, 10)) -> list[Event]:
    document = _doc(text, stance, published)
    events = extract(document, resources).events
    for event in events:
        _check_event(event, text)
    return events


def test_extract_capture_by_rebels_is_non_state_overtakes(resources: Resources) -> None:
    events = _events("Rebel fighters captured the town of Khan Tuman on Friday after heavy clashes.", resources)
    capture = [e for e in events if e.location.startswith("Khan")]
    assert capture and capture[0].sub_event_type == "Non-state actor overtakes territory"
    assert capture[0].actor1_side == "opposition" and capture[0].event_date == date(2016, 8, 5)


def test_extract_fighting_at_a_captured_place_is_the_capture_unless_another_says_it_goes_on(
        resources: Resources) -> None:
    told = _events("On Tuesday the army recaptured Kinsabba. Fighting raged in Kinsabba on Tuesday.", resources)
    assert [e.sub_event_type for e in told] == ["Government regains territory"], told
    contested = _events("On Tuesday state TV said the army held full control of Kinsabba. A rebel source said "
                        "the rebels were still fighting in Kinsabba.", resources)
    assert {(e.sub_event_type, e.fact_status) for e in contested} == {
        ("Government regains territory", "attributed_claim"), ("Armed clash", "attributed_claim")}, contested


def test_extract_capture_by_the_army_is_government_regains(resources: Resources) -> None:
    events = _events("The Syrian army recaptured Kinsabba on Tuesday.", resources)
    assert [(e.sub_event_type, e.actor1_side, e.event_date) for e in events] == [
        ("Government regains territory", "government", date(2016, 8, 9))]


def test_extract_an_ally_is_not_the_other_side(resources: Resources) -> None:
    # Russia backs the state: named beside the regime's gain, it is no opponent (actor2 stays unknown); an
    # opposition force named beside the army is one.
    events = _events("In the Turkmen Mountain, the regime seized Rabia'a in January with Russian support.", resources,
                     stance="opposition")
    gain = [e for e in events if e.sub_event_type == "Government regains territory"]
    assert gain and gain[0].actor1_side == "government" and gain[0].actor2_side not in ("government", "russia")
    events = _events("The Syrian army captured Kinsabba from rebel fighters on Thursday.", resources)
    gain = [e for e in events if e.sub_event_type == "Government regains territory"]
    assert gain and (gain[0].actor1_side, gain[0].actor2_side) == ("government", "opposition")


def test_extract_list_of_places_gives_one_event_each(resources: Resources) -> None:
    events = _events("Government warplanes struck Anadan, Hraytan and Kafr Hamra yesterday.", resources)
    assert len({e.place_id for e in events}) == 3
    assert {e.sub_event_type for e in events} == {"Air/drone strike"}


def test_extract_keeps_claims_expectations_and_denials_apart(resources: Resources) -> None:
    text = ("According to SANA, the army shelled Douma on Monday. "
            "The army is expected to storm Darayya next week. "
            "The rebels did not capture Handarat.")
    status = {e.location: e.fact_status for e in _events(text, resources)}
    assert status.get("Douma") == "attributed_claim"
    assert any(v == "expected" for k, v in status.items() if k.startswith("D\u0101rayy") or k == "Darayya")
    assert status.get("Handarat") == "negated"


def test_extract_a_state_a_goal_and_a_dateline_are_no_happenings(resources: Resources) -> None:
    text = ("Army closes in on the city\n\n"
            "HOMS - Rebels shelled Talbiseh on Monday, activists said. In practice Rastan is already under siege. "
            "Holding the hills is central to liberating Al-Qusayr. The troops are close to capturing Tadmur.")
    events = _events(text, resources)
    happened = {e.location for e in events if e.fact_status in ("reported", "attributed_claim")}
    assert happened == {"Talbisah"}, events  # not the dateline's Homs, nor Rastan's siege
    assert not [e for e in events if "Qusayr" in e.location], events  # what a deed matters for: no event
    assert [e.fact_status for e in events if e.location == "Palmyra"] == ["expected"], events  # a goal


def test_extract_an_undated_plan_takes_the_publication_day_known_to_the_month(resources: Resources) -> None:
    text = "On Monday the army took Kinsabba. Its commanders said the army will storm Rabia next."
    plans = [e for e in _events(text, resources) if e.fact_status == "expected"]
    assert plans and all((e.event_date, e.time_precision) == (date(2016, 8, 10), 3) for e in plans)


def test_extract_an_undated_perfect_over_several_places_sums_up_the_month_before(resources: Resources) -> None:
    # published Wednesday 10 August 2016; the paragraph names a day, the gains' sentence does not
    text = ("Army sources spoke on Monday. According to them, the troops have driven the rebels out of Kinsabba, "
            "Rabia, Salma and Kabani. They said the army took Rabia on Monday.")
    events = _events(text, resources)
    summed = [e for e in events if e.evidence.startswith("According")]
    assert len(summed) == 3 and all((e.event_date, e.time_precision) == (date(2016, 7, 26), 3) for e in summed), events
    assert all(not e.date_stated for e in summed), summed
    rabia = [e for e in events if e.location.startswith("Rabi")]  # the summed-up Rabia is the dated one
    assert [(e.event_date, e.time_precision) for e in rabia] == [(date(2016, 8, 8), 1)], events
    single = _events("The troops have driven the rebels out of Kinsabba.", resources)
    assert [(e.event_date, e.time_precision) for e in single] == [(date(2016, 8, 10), 1)], single


def test_extract_ground_only_tried_for_is_a_clash(resources: Resources) -> None:
    tried = _events("On Monday a convoy of gunmen tried to enter Jaramana, and rebels attempted to storm Kinsabba.",
                    resources)
    assert {(e.location, e.sub_event_type) for e in tried} == {("Jaramana", "Armed clash"),
                                                                 ("Kinnsibba", "Armed clash")}, tried
    phrase = _events("On Monday Kurdish fighters tried to take control of Kinsabba.", resources)
    assert [e.sub_event_type for e in phrase] == ["Armed clash"], phrase  # a phrase trigger: "take control"
    taken = _events("On Monday rebels captured Kinsabba.", resources)
    assert [e.sub_event_type for e in taken] == ["Non-state actor overtakes territory"], taken
    control = _events("On Monday Kurdish fighters took control of Kinsabba.", resources)
    assert [e.sub_event_type for e in control] == ["Non-state actor overtakes territory"], control


def test_extract_a_bigger_place_qualifying_a_named_one_only_says_where_it_lies(resources: Resources) -> None:
    # wire copy's "the <province or city> <feature> of <place>": the scene is the place after "of"
    town = _events("Clashes broke out in the Idlib town of Saraqeb on Monday.", resources)
    assert [e.location for e in town] == ["Sarāqib"], town
    suburb = _events("Security forces shelled the Damascus suburb of Douma on Monday.", resources)
    assert [e.location for e in suburb] == ["Douma"], suburb
    # the same words the other way round: the district is the scene, the city after "of" contains it
    district = _events("Clashes broke out in the Sheikh Maqsood district of Aleppo on Monday.", resources)
    assert [e.location for e in district] == ["Sheikh Maqsoud"], district
    both = _events("Clashes broke out in Idlib and Saraqeb on Monday.", resources)
    assert {e.location for e in both} == {"Idlib", "Sarāqib"}, both


def test_extract_arms_destroyed_on_the_ground_are_a_battle(resources: Resources) -> None:
    tanks = _events("Rebels destroyed three army tanks near Saraqeb on Monday.", resources)
    assert [e.sub_event_type for e in tanks] == ["Armed clash"], tanks
    flown = _events("Russian jets destroyed three tanks near Saraqeb on Monday.", resources)
    assert [e.sub_event_type for e in flown] == ["Air/drone strike"], flown
    outcome = _events("The troops struck terrorist gatherings near Saraqeb on Monday, killing a number of "
                      "terrorists and destroying their vehicles.", resources)
    assert len(outcome) == 1, outcome  # what the strike destroyed is its outcome, not a second deed
    floods = _events("Floods destroyed three vehicles near Saraqeb on Monday.", resources)
    assert floods == [], floods


def test_extract_a_clash_between_named_sides_at_a_town_off_a_bearing(resources: Resources) -> None:
    events = _events("Clashes broke out on Monday between government security forces and Druze gunmen in the town "
                     "of Jaramana, south-east of Damascus, killing at least six people.", resources,
                     published=date(2025, 8, 1))
    # one clash (the gunmen are a side of it, not a second deed), at the town the bearing is taken from
    # Damascus, between the sides in the order named
    assert [(e.sub_event_type, e.location, e.actor1_side, e.actor2_side) for e in events] == [
        ("Armed clash", "Jaramana", "government", "local")], events


def test_extract_a_deed_someone_is_accused_of_is_no_new_event(resources: Resources) -> None:
    events = _events("Security forces arrested a former officer accused of involvement in the Tadamon massacre "
                     "in Damascus on Monday.", resources, published=date(2025, 8, 1))
    assert [e.sub_event_type for e in events] == ["Arrests"], events


def test_extract_a_bombing_in_a_church_of_a_city_is_one_event(resources: Resources) -> None:
    events = _events("A suicide bomber blew himself up inside the Mar Elias church in the Dweila neighbourhood of "
                     "Damascus on Sunday, killing 25 worshippers.", resources, published=date(2025, 6, 24))
    assert [(e.sub_event_type, e.location) for e in events] == [("Suicide bomb", "Mar Elias")], events


def test_extract_security_restored_to_a_town_is_ground_regained(resources: Resources) -> None:
    events = _events("On Monday army units restored security and stability to the town of Kafr Nabudah after "
                     "eliminating the last terrorist gatherings there.", resources)
    assert [(e.sub_event_type, e.actor1_side) for e in events] == [("Government regains territory", "government")]


def test_extract_a_weekday_of_an_expected_deed_is_the_next_one(resources: Resources) -> None:
    # published Wednesday 10 August 2016: a weekday alone is the last one for a report, the next for a plan
    planned = _events("The troops will withdraw from Kinsabba on Friday.", resources)
    assert [(e.fact_status, e.event_date) for e in planned] == [("expected", date(2016, 8, 12))], planned
    done = _events("The troops withdrew from Kinsabba on Friday.", resources)
    assert [e.event_date for e in done] == [date(2016, 8, 5)], done
    said = _events("The army said on Monday it would shell Kinsabba.", resources)
    assert [e.event_date for e in said] == [date(2016, 8, 8)], said  # the day of the saying, as before


def test_extract_fighters_leaving_a_place_under_a_deal_hand_it_over(resources: Resources) -> None:
    deal = _events("The rebels will leave Kinsabba on Saturday under the deal.", resources)
    assert [(e.sub_event_type, e.fact_status) for e in deal] == [("Non-violent transfer of territory", "expected")]
    plain = _events("The rebels left Kinsabba on Monday.", resources)
    assert plain == [], plain  # no deal named: where they went, and why, is not told


def test_extract_evidence_leaves_out_the_dateline(resources: Resources) -> None:
    text = "Rebels take base\n\nBEIRUT, March 14 - Syrian rebels captured a military base near Kafr Nabl on Thursday."
    events = _events(text, resources, published=date(2013, 3, 14))
    assert events and all(e.evidence.startswith("Syrian rebels captured") for e in events), events


def test_extract_a_raid_in_which_people_are_arrested_is_the_arrest(resources: Resources) -> None:
    raids = _events("Security forces arrested dozens of activists in raids across Douma on Monday.", resources)
    assert [e.sub_event_type for e in raids] == ["Arrests"], raids
    fought = _events("Rebels raided an army checkpoint near Saraqeb on Monday, killing five soldiers.", resources)
    assert [e.sub_event_type for e in fought] == ["Armed clash"], fought


def test_extract_places_as_far_from_the_deed_are_each_its_scene_but_between_two_is_one(resources: Resources) -> None:
    events = _events("On Monday the army advanced to several new sites in Eastern Palmyra, including Wadi al-Dhakara, "
                     "after a battle with IS.", resources)
    assert {e.location for e in events} == {"Palmyra", "Wadi Al-Dhakara"}, events
    between = _events("On Monday clashes broke out at an army checkpoint between the towns of Al-Musaifra and Karak.",
                      resources)
    assert len({e.location for e in between}) == 1, between


def test_extract_a_date_in_a_relative_clause_is_no_day_the_story_goes_on_from(resources: Resources) -> None:
    # published Wednesday 10 August 2016: "On Monday" is the 8th, "three days ago" the 7th
    text = ("On Monday government forces shelled Kinsabba, after the breakdown of the truce that was reached three "
            "days ago.\n\nAccording to activists, the army fired more than 40 rockets at Rabia.")
    rabia = [e for e in _events(text, resources) if e.location.startswith("Rabi")]
    assert [e.event_date for e in rabia] == [date(2016, 8, 8)], rabia


def test_extract_a_story_goes_on_from_the_day_it_last_named_until_a_new_section(resources: Resources) -> None:
    # published Wednesday 10 August 2016: "On Monday" is the 8th
    text = ("On Monday, rebels shelled Talbiseh, activists said.\n\n"
            "In addition, government warplanes struck Anadan and Hraytan.\n\n"
            "Fighting is still raging in Kinsabba.\n\n"
            "Daraa: Rebels shelled Busra al-Harir.")
    dates = {e.location: (e.event_date, e.time_precision) for e in _events(text, resources)}
    assert dates.get("Anadan") == (date(2016, 8, 8), 1), dates  # the paragraph after Monday's
    assert dates.get("Kinsabba", (date(2016, 8, 10), 1)) == (date(2016, 8, 10), 1), dates  # still going on
    busra = [d for k, d in dates.items() if k.startswith("Bu")]
    assert busra and busra[0] != (date(2016, 8, 8), 1), dates  # a new section is a new story


def test_extract_a_headline_that_sums_up_the_body_adds_no_event(resources: Resources) -> None:
    body = ("On Monday, rebels said their attack near Kafr Nabl killed two soldiers. A drone was also shot down "
            "over Maarat al-Numan, they said.")
    events = _events("Rebels say they killed two soldiers and downed a drone\n\n" + body, resources)
    drones = [e for e in events if e.sub_event_type == "Disrupted weapons use"]
    assert len(drones) == 1 and drones[0].location.startswith("Ma"), events  # the body's, not one at Kafr Nabl
    # a headline that names its own place keeps its event
    titled = _events("Rebels say they downed a drone over Kafr Nabl\n\n" + body, resources)
    assert {e.location for e in titled if e.sub_event_type == "Disrupted weapons use"} >= {"Kafr Nabl"}, titled
    # a place the headline names as a bearing ("a town near ...") is not its scene
    near = _events("Toll of clashes in a town near Hama climbs to 11\n\nOn Tuesday gunmen clashed with police "
                   "in Souran, killing eleven.", resources)
    assert {e.location for e in near if e.sub_event_type == "Armed clash"} == {"Souran"}, near


def test_extract_a_headline_and_body_telling_the_same_event_keep_the_body(resources: Resources) -> None:
    text = "Regime jets bomb Douma's main hospital\n\nRegime warplanes kept bombing Douma, hitting it with barrel bombs."
    strikes = [e for e in _events(text, resources) if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1 and strikes[0].evidence_start > text.index("\n\n"), strikes


def test_extract_the_day_a_known_deed_was_told_of_is_not_its_day(resources: Resources) -> None:
    # published Wednesday 10 August 2016: Tuesday is when police spoke, Sunday when the attack was
    text = "Police said on Tuesday that gunmen carried out the attack in Jableh. The attack on Sunday killed four people in Jableh."
    attacks = [e for e in _events(text, resources) if e.location == "Jablah"]
    assert [(e.event_date, e.actor1) for e in attacks] == [(date(2016, 8, 7), "gunmen")], attacks


def test_extract_a_deed_takes_the_place_of_the_clause_it_governs(resources: Resources) -> None:
    text = "A gunman was arrested on Monday on his way to carry out a bombing at a church in Jaramana."
    arrests = [e for e in _events(text, resources) if e.sub_event_type == "Arrests"]
    assert [e.location for e in arrests] == ["Jaramana"], arrests


def test_extract_a_place_hit_goes_to_the_subjects_deed(resources: Resources) -> None:
    text = "Heavy artillery, tank and mortar fire accompanied the airstrikes, hitting Kafr Nabl and Hass."
    events = _events(text, resources)
    assert events and {e.sub_event_type for e in events} == {"Shelling/artillery/missile attack"}, events
    assert len({e.event_date for e in events}) == 1, events  # a list's words share its tense, so its date


@pytest.mark.parametrize("text", [
    "Gunmen set several buses on fire near Saraqib on Sunday, while dozens of families had gone into the town of "
    "Binnish.",
    "Rebels attacked a checkpoint in Saraqib on Sunday and hundreds of civilians fled to Binnish.",
])
def test_extract_a_place_of_a_clause_with_its_own_subject_is_not_the_deeds(resources: Resources, text: str) -> None:
    events = _events(text, resources)
    assert events and {e.location for e in events} == {"Sarāqib"}, events


def test_extract_an_actor_name_is_no_place_but_a_seat_of_power_is_named(resources: Resources) -> None:
    text = ("The Kurdish-led Internal Security Forces (Asayish) said on Monday that one of their points in Sheikh "
            "Maqsoud had been targeted.\n\nAsayish blamed what it called government factions. The SDF signed a "
            "deal with the Damascus government.")
    alone = find_places(text, gazetteer=resources.gazetteer, nlp=resources.nlp)
    assert "Asayish" in {p.mention.surface for p in alone}  # the geoparser alone hears a village
    doc = resources.nlp(text)
    _, scenes = report_places(_doc(text), resources.actors, resources.gazetteer, doc)
    assert [p.mention.surface for p in scenes] == ["Sheikh Maqsoud"], scenes
    _, named = report_places(_doc(text), resources.actors, resources.gazetteer, doc, metonyms=True)
    assert [p.mention.surface for p in named] == ["Sheikh Maqsoud", "Damascus"], named  # no Asayish still


def test_extract_a_news_outlet_is_no_place(resources: Resources) -> None:
    text = "Shafaq News/ On Thursday, Turkish drones struck Kobani, the Kurdistan 24 channel said."
    alone = find_places(text, gazetteer=resources.gazetteer, nlp=resources.nlp)
    assert "Shafaq" in {p.mention.surface for p in alone}  # the geoparser alone hears a village
    document = Document(doc_id="t", text=text, source="Shafaq News", published=date(2025, 2, 13))
    _, places = report_places(document, resources.actors, resources.gazetteer, resources.nlp(text),
                              publishers=resources.publishers)
    assert [p.mention.surface for p in places] == ["Kobani"], places


def test_extract_a_strike_from_one_place_on_another_is_at_its_target(resources: Resources) -> None:
    text = "Militants carried out an artillery strike from the area of Azaz on army positions near Maraanaz on Tuesday."
    events = _events(text, resources)
    assert [e.location for e in events] == ["Mar`anaz"], events  # one happening, where it hit


def test_extract_a_movers_route_is_no_scene(resources: Resources) -> None:
    text = ("Gunmen clashed with police in Jaramana on Monday.\n\n"
            "On Tuesday the gunmen opened fire on a minibus coming from Homs, killing four.")
    places = {e.location for e in _events(text, resources)}
    assert "Jaramana" in places and not any(p.startswith("Homs") for p in places), places
    buses = _events("Militants attacked a convoy of buses heading to Aleppo and burned two of them.", resources)
    assert not any(e.location.startswith("Aleppo") for e in buses), buses


def test_extract_a_date_in_a_relative_clause_is_that_clauses(resources: Resources) -> None:
    text = ("The Syrian National Army, which seized Manbij on 9 July, is now fighting Kurdish forces "
            "near the Tishrin Dam.")
    fight = [e for e in _events(text, resources) if e.location == "Tishrin Dam"]
    assert fight and fight[0].event_date == date(2016, 8, 10), fight  # the report's day, not 9 July


def test_extract_in_the_city_refers_back_past_a_province_in_another_clause(resources: Resources) -> None:
    text = ("Government troops stormed the town of Talbiseh on Monday.\n\n"
            "A governor's aide in Hama province denied it, but an opposition activist said the rebels were "
            "still fighting in the town.")
    clashes = [e for e in _events(text, resources) if e.sub_event_type == "Armed clash"]
    assert clashes and {e.location for e in clashes} == {"Talbisah"}, clashes


def test_extract_an_attack_named_by_its_target_is_not_the_partisan_sources(resources: Resources) -> None:
    text = "The attack on the church in Qamishli on Sunday killed eleven worshippers."
    attacks = _events(text, resources, stance="pro-government")
    assert attacks and all(e.actor1_side != "government" for e in attacks), attacks


def test_extract_a_place_taken_in_the_passive_is_captured(resources: Resources) -> None:
    text = "A rebel commander said the Anadan checkpoint was taken on Sunday morning after ten hours of fighting."
    captures = [e for e in _events(text, resources) if e.event_type == "Battles" and "territory" in e.sub_event_type]
    assert [e.location for e in captures] == ["Anadan"], captures


def test_extract_every_place_of_a_long_list_is_hit(resources: Resources) -> None:
    # spaCy hangs "Malhah" on "San'a" as a modifier, not as a member of the list: still one of the places hit
    text = ("Kurdish forces said Turkish artillery fire accompanied the airstrikes on Kobani, hitting areas such "
            "as Jadda, Bir Hesso, Ghassak, Dikan, Malhah, San'a, and the hills of Sifi.")
    listed = {p.place.name for p in find_places(text, gazetteer=resources.gazetteer, nlp=resources.nlp)
              if p.place is not None}
    assert {e.location for e in _events(text, resources)} == listed


def test_extract_one_sentence_tells_of_one_change_of_hands_at_a_place(resources: Resources) -> None:
    text = ("Aleppo has been divided between government forces and rebels since 2012, and retaking it would be "
            "Assad's biggest victory of the war so far.")
    changes = [e for e in _events(text, resources) if e.sub_event_type.endswith("territory")]
    assert len(changes) == 1 and changes[0].fact_status == "hypothetical", changes


def test_extract_a_place_named_near_another_is_the_scene(resources: Resources) -> None:
    events = _events("Rebels shelled Kafr Nabl near Maarat al-Numan on Monday.", resources)
    assert [e.location for e in events] == ["Kafr Nabl"], events  # the town near it only locates it


def test_extract_a_strike_an_air_force_is_to_be_allowed_is_expected(resources: Resources) -> None:
    text = ("The army pulled back from the castle in order to allow the Russian Air Force to bombard the "
            "militants around Mount Qassoun near Palmyra.")
    strikes = [e for e in _events(text, resources) if e.sub_event_type == "Air/drone strike"]
    assert strikes and {e.fact_status for e in strikes} == {"expected"}, strikes


def test_extract_mines_cleared_in_the_village_of_the_paragraph_before(resources: Resources) -> None:
    text = ("On Friday, army units restored control over Qaytal village after killing a number of militants.\n\n"
            "Engineering units are still clearing mines in the village, state media reported.")
    cleared = [e for e in _events(text, resources) if e.sub_event_type == "Disrupted weapons use"]
    assert [e.location for e in cleared] == ["Qaytal"], cleared


def test_extract_a_document_without_publication_date_says_its_events_are_undated(resources: Resources) -> None:
    document = Document(doc_id="t", text="Government warplanes struck Anadan and Hraytan.", source="blog")
    result = extract(document, resources)
    assert result.events and all(e.event_date is None for e in result.events)
    assert all("no publication date" in " ".join(e.notes) for e in result.events)
    assert any("no publication date" in w for w in result.document.warnings)


def test_extract_records_pejorative_labels_as_framing(resources: Resources) -> None:
    text = "The heroic army liberated Shillif from the NATO-backed terrorists on Sunday."
    events = _events(text, resources, stance="pro-government")
    assert events and events[0].sub_event_type == "Government regains territory"
    assert {s.label for s in events[0].framing} >= {"name_calling"}


def test_extract_text_without_events_gives_none(resources: Resources) -> None:
    assert _events("The weather in Aleppo was mild and markets were busy.", resources) == []


def test_extract_empty_document_gives_none(resources: Resources) -> None:
    assert extract(_doc(""), resources).events == []


def test_extract_refuses_text_that_is_not_valid_unicode(resources: Resources) -> None:
    from sitrep.errors import ExtractionError

    document = Document(doc_id="bad", text="Rebels shelled Aleppo \ud800 on Monday.", source="api")
    with pytest.raises(ExtractionError, match="not valid Unicode"):
        extract(document, resources)


def test_extract_a_place_named_as_where_another_lies_only_locates_it(resources: Resources) -> None:
    events = _events("On Thursday militants stormed the Ghwayran prison in Hasakeh. Jets bombed "
                     "Kafr Nabl in Idlib province on Tuesday.", resources)
    assert {e.location for e in events} & {"Al Hasakah", "Idlib"} == set(), events
    assert "Kafr Nabl" in {e.location for e in events}


def test_extract_a_name_spelled_like_one_place_and_sounding_like_others_is_that_place(resources: Resources) -> None:
    events = _events("The SDF fought Islamic State fighters in the village of Baghouz on Monday.", resources)
    assert [(e.location, e.admin1) for e in events] == [("Baghuz", "Days Az Zawr")], events


def test_extract_one_accord_at_a_place_on_a_day_is_one_event_with_its_parties(resources: Resources) -> None:
    text = ("Government negotiators and rebel commanders signed an agreement in Daraa on Tuesday.\n\n"
            "The deal came after weeks of shelling.\n\n"
            "Under the agreement reached in Daraa on Tuesday, fighters will hand over heavy weapons.")
    accords = [e for e in _events(text, resources) if e.sub_event_type == "Agreement" and e.fact_status in HAPPENED]
    assert len(accords) == 1 and accords[0].actor1, accords


def test_extract_where_the_subject_is_based_is_not_the_scene(resources: Resources) -> None:
    text = "Security forces in Latakia raided a hideout in the countryside of Jableh on Wednesday, killing two gunmen."
    assert {e.location for e in _events(text, resources)} == {"Jablah"}


def test_extract_a_date_in_an_after_phrase_pushes_the_event_only_when_it_dates_it(resources: Resources) -> None:
    own_day = _events("On Tuesday troops shelled the town of Nawa, after the collapse of a truce agreed three "
                      "days ago.", resources)
    shelled = [e for e in own_day if e.location == "Nawa"]
    assert shelled and shelled[0].event_date == date(2016, 8, 9), shelled  # its own Tuesday
    later = _events("After the attack on Thursday, the army recaptured the town of Nawa.", resources)
    retaken = [e for e in later if e.location == "Nawa"]
    assert retaken and retaken[0].event_date > date(2016, 8, 4), retaken


def test_extract_forces_described_as_deployed_are_no_deployment(resources: Resources) -> None:
    text = "Two protesters were wounded in clashes with Turkish troops deployed near Tal Abyad on Friday."
    assert not [e for e in _events(text, resources) if e.sub_event_type == "Change to group/activity"]
    moved = _events("Turkish troops deployed near Tal Abyad on Friday.", resources)
    assert [e.sub_event_type for e in moved] == ["Change to group/activity"], moved


def test_extract_an_offensive_is_dated_by_its_start_not_by_its_bracketed_span(resources: Resources) -> None:
    begun = _events("The army launched an offensive in the north of Hama province that began in late March 2016.",
                    resources)
    assert begun and begun[0].event_date == date(2016, 3, 26), begun  # the middle of 21-31 March
    aside = _events("Rebels shelled Mhardeh (as during the March–April 2016 fighting) on 4 April 2016.", resources)
    assert aside and aside[0].event_date == date(2016, 4, 4), aside


def test_extract_a_tally_shares_the_counted_deeds_out_among_its_places(resources: Resources) -> None:
    text = ("Over the past day, 17 incidents of shelling by militants were recorded in the de-escalation zone. "
            "Nine of the incidents were registered in Idlib Province, five in Latakia Province and three in "
            "Hama Province.")
    shelled = [e for e in _events(text, resources) if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert len({e.place_id for e in shelled}) == 3 and {e.actor1 for e in shelled} == {"militants"}, shelled
    unrelated = _events("Militants shelled Kafr Nabl on Monday. Nine of the residents were treated in hospitals "
                        "in Idlib Province and Hama Province.", resources)
    assert [e.location for e in unrelated] == ["Kafr Nabl"], unrelated


def test_extract_a_deed_left_without_a_place_takes_the_one_the_next_sentences_tell(resources: Resources) -> None:
    text = "Three soldiers were killed in an ambush in eastern Syria on Friday. The incident took place near Mayadin."
    ambush = [e for e in _events(text, resources) if e.sub_event_type == "Armed clash"]
    assert ambush and {e.location for e in ambush} == {"Mayādīn"}, ambush


def test_extract_a_clash_at_a_protest_is_a_protest_met_by_force(resources: Resources) -> None:
    hurt = _events("Three protesters were wounded on Friday in clashes between demonstrators and security forces "
                   "in Sweida.", resources)
    assert [(e.event_type, e.sub_event_type) for e in hurt] == [("Protests", "Excessive force against protesters")]
    met = _events("Residents of Tal Rifaat clashed with Turkish troops at a protest on Friday.", resources)
    assert [e.sub_event_type for e in met] == ["Protest with intervention"], met
    assert _events("Rebels clashed with the army in Tal Rifaat on Friday.", resources)[0].sub_event_type == "Armed clash"


def test_extract_a_week_named_as_a_span_dates_its_events_to_its_middle(resources: Resources) -> None:
    text = "Weekly summary, August 3-9, 2016\n\nGovernment forces shelled Kafr Nabl and Maarat al-Numan."
    events = _events(text, resources)
    assert events and {(e.event_date, e.time_precision) for e in events} == {(date(2016, 8, 6), 2)}, events
    night = _events("Rebels attacked Kafr Nabl on the night of 4-5 August.", resources)
    assert night and night[0].event_date == date(2016, 8, 4) and night[0].time_precision == 1, night


def test_extract_a_deed_named_again_by_its_target_types_the_first_telling(resources: Resources) -> None:
    text = ("Islamic State militants detonated explosives at a market in Qamishli on Monday.\n\n"
            "Tuesday's attack on the Mar Gewargis Church in Qamishli killed nine people.\n\n"
            "Police said the suicide bomber behind the church attack came from Hasakah.")
    events = _events(text, resources)
    church = [e for e in events if e.evidence.startswith("Tuesday")]
    assert church and church[0].sub_event_type == "Suicide bomb", events
    assert church[0].actor1_side == "isis", church  # the hand the report names for the other blast there
    generic = _events("Tuesday's attack on the Mar Gewargis Church in Qamishli killed nine people. Two car bomb "
                      "attacks hit Hasakah the same day.", resources)
    assert [e.sub_event_type for e in generic if e.evidence.startswith("Tuesday")] != ["Suicide bomb"], generic


def test_extract_a_quarter_placed_at_its_citys_point_is_the_citys_location(resources: Resources) -> None:
    text = ("Regime forces shelled Daraa on Sunday.\n\n"
            "On Sunday the Fourth Division shelled the neighbourhoods of Daraa al-Balad with rockets.")
    shelled = [e for e in _events(text, resources) if e.sub_event_type == "Shelling/artillery/missile attack"]
    points = {(e.latitude, e.longitude) for e in shelled}
    assert len(shelled) == len(points), shelled  # one event per location and day


def test_extract_armed_men_named_without_harm_are_no_attack(resources: Resources) -> None:
    named = _events("Under the deal, about 500 gunmen will be allowed to travel safely to Idlib.", resources)
    assert not [e for e in named if e.sub_event_type == "Attack"], named
    harm = _events("Gunmen shot dead two farmers near Nawa on Monday.", resources)
    assert [e.sub_event_type for e in harm] == ["Attack"], harm


def test_extract_a_deeds_outcome_is_no_deed_of_its_own(resources: Resources) -> None:
    shelled = _events("The shelling of Nawa killed five civilians on Monday.", resources)
    assert [e.sub_event_type for e in shelled] == ["Shelling/artillery/missile attack"], shelled
    assert [e.sub_event_type for e in _events("Gunmen killed two farmers in Nawa.", resources)] == ["Attack"]


def test_extract_a_deed_named_as_risking_a_consequence_is_no_event(resources: Resources) -> None:
    assert _events("The new siege of Daraa al-Balad risks a humanitarian catastrophe.", resources) == []


def test_extract_a_strike_placed_only_where_it_was_fired_from_is_not_placed(resources: Resources) -> None:
    assert _events("Israeli jets fired missiles from over the Golan Heights on Tuesday.", resources) == []
    assert [e.location for e in _events("Rebels shelled Nubl from Anadan on Tuesday.", resources)] == ["Nubul"]


def test_extract_a_deed_known_only_to_its_year_is_background(resources: Resources) -> None:
    text = ("Rebels left Daraya on Friday under a deal with the government. The first truce in the area was "
            "agreed in 2014 in Moadamieh.")
    assert not [e for e in _events(text, resources) if e.event_date is not None and e.event_date.year == 2014]
    assert not [e for e in _events(text, resources) if e.location.startswith("Mu")]


def test_extract_people_taken_hostage_are_abducted(resources: Resources) -> None:
    taken = _events("Gunmen took 12 people hostage in Sweida on Monday.", resources)
    assert [e.sub_event_type for e in taken] == ["Abduction/forced disappearance"], taken
    assert [e.sub_event_type for e in _events("The army took the town of Tal Tamr on Monday.", resources)] == [
        "Government regains territory"]


def test_extract_ground_taken_near_a_place_is_taken_there(resources: Resources) -> None:
    hills = _events("Government forces took two hills near Khan Tuman on Monday.", resources)
    assert [(e.sub_event_type, e.location) for e in hills] == [("Government regains territory", "Khan Tuman")]
    assert _events("The army took 20 prisoners in Aleppo on Monday.", resources) == []  # people, not ground


def test_extract_a_verb_whose_object_names_a_place_happened_there(resources: Resources) -> None:
    text = ("Government forces consolidated their control of the Castello Road and fully besieged the "
            "rebel-held districts of eastern Aleppo on Sunday.")
    sieges = [e for e in _events(text, resources) if e.sub_event_type == "Other"]
    assert sieges and {e.location for e in sieges} == {"Aleppo"}, sieges


def test_extract_control_a_side_takes_and_a_place_newly_captured_are_captures(resources: Resources) -> None:
    taken = _events("Government forces consolidated their control of Castello Road on Sunday.", resources)
    assert [e.sub_event_type for e in taken] == ["Government regains territory"], taken
    new = _events("The army said the newly captured village of Hawsh al-Nasri lies five kilometres from Douma.",
                  resources)
    assert [(e.sub_event_type, e.location) for e in new] == [("Government regains territory", "Hawsh Nasri")], new
    assert _events("Rebels control Kafr Nabl.", resources) == []  # who holds a place, claimed by no one


def test_extract_a_corridor_is_one_for_people_to_leave_by(resources: Resources) -> None:
    assert _events("Both sides prize Qusair, which sits along a land corridor joining two strongholds.", resources) == []
    opened = _events("The army opened three humanitarian corridors out of eastern Aleppo on Thursday.", resources)
    assert [e.sub_event_type for e in opened] == ["Other"], opened


def test_extract_a_plan_stopped_short_is_no_expected_event(resources: Resources) -> None:
    events = _events("A second attacker was detained on Monday on his way to carry out an attack on a church in "
                     "Qamishli.", resources)
    assert [e.sub_event_type for e in events] == ["Arrests"], events
    aimed = _events("Rebels launched an offensive on Monday to capture Kafr Nabl.", resources)
    assert any(e.fact_status == "expected" for e in aimed), aimed


def test_extract_an_unnamed_suburb_of_a_city_is_the_suburb_the_report_names(resources: Resources) -> None:
    text = ("The Daraya rebels agreed on Thursday to evacuate Daraya.\n\n"
            "On Friday rebels and their families began leaving a long-besieged Damascus suburb under the deal.")
    left = [e for e in _events(text, resources) if e.sub_event_type == "Non-violent transfer of territory"]
    assert left and {e.location for e in left} == {"Dārayyā"}, left
    alone = _events("Rebels shelled a Damascus suburb on Friday.", resources)
    assert [e.location for e in alone] == ["Damascus"], alone  # no suburb named: the city
