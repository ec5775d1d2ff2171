"""Tests for sitrep/events/status.py: fact status, hedge cues and claimants of one event's clause.

The short sentences are written for these tests; the seed check reads ../shared/eval (never copied).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.events.status import Statement, assess_statement, load_fact_cues
from sitrep.phrases import LexiconError

# Agreement with the gold fact_status over the seed's evidence clauses (trigger unknown), a fraction.
# Reached 24/24 when pinned; the floor leaves room for one changed parse in a new spaCy model.
SEED_AGREEMENT_FLOOR = 0.95


@pytest.fixture(scope="module")
def cues() -> Any:
    return load_fact_cues()


def assess(nlp: Any, cues: Any, text: str, trigger: str | None = None) -> Statement:
    """The statement about the event at the first occurrence of `trigger` in a one-sentence text."""
    doc = nlp(text)
    offset = None if trigger is None else text.index(trigger)
    return assess_statement(doc, 0, len(text), cues, trigger=offset)


def labels(statement: Statement) -> set[tuple[str, str]]:
    return {(h.surface, h.label) for h in statement.hedges}


@pytest.mark.parametrize(("text", "trigger"), [
    ("Militia fighters shelled the bakery at dawn.", "shelled"),
    ("The brigade entered the northern quarter on Monday.", "entered"),
    ("Jets bombed the highway in May.", "bombed"),
])
def test_status_plain_report(nlp: Any, cues: Any, text: str, trigger: str) -> None:
    statement = assess(nlp, cues, text, trigger)
    assert statement == Statement("reported", (), "")


@pytest.mark.parametrize(("text", "trigger", "claimant"), [
    ("Insurgents claimed that they shot down a helicopter.", "shot", "Insurgents"),
    ("The gunmen claimed to hold the ridge.", "hold", "The gunmen"),
    ("According to the monitoring group, aircraft struck the bridge.", "struck", "the monitoring group"),
    ("State television said troops entered the district.", "entered", "State television"),
    ("The Observatory reported that shells hit the school.", "hit", "The Observatory"),
    ("Clashes were reported by the ministry near the dam.", "Clashes", "the ministry"),
    ("Gunmen reportedly seized the station.", "seized", ""),
])
def test_status_attributed_claim(nlp: Any, cues: Any, text: str, trigger: str, claimant: str) -> None:
    statement = assess(nlp, cues, text, trigger)
    assert statement.fact_status == "attributed_claim"
    assert statement.claimant == claimant


def test_status_a_verb_after_but_keeps_none_of_the_first_verbs_negation(nlp: Any, cues: Any) -> None:
    said = assess(nlp, cues, "State television did not mention the base but said the army had killed terrorists.",
                  "killed")
    assert said.fact_status == "attributed_claim", said
    both = assess(nlp, cues, "The army did not enter the town and did not shell it.", "shell")
    assert both.fact_status == "negated", both


def test_status_agentless_passive_report_stays_reported(nlp: Any, cues: Any) -> None:
    statement = assess(nlp, cues, "Heavy clashes were reported near the dam.", "clashes")
    assert statement.fact_status == "reported"
    assert labels(statement) == {("reported", "attribution")}


def test_status_author_is_no_claimant(nlp: Any, cues: Any) -> None:
    statement = assess(nlp, cues, "We reported yesterday that troops entered the district.", "entered")
    assert statement.fact_status == "reported"


def test_status_dateline_is_cut_from_claimant(nlp: Any, cues: Any) -> None:
    statement = assess(nlp, cues, "HOMS - State radio said rebels left the suburb.", "left")
    assert statement.claimant == "State radio"


@pytest.mark.parametrize(("text", "trigger", "cue"), [
    ("The brigade is expected to storm the village.", "storm", "is expected to"),
    ("An offensive on the valley is imminent.", "offensive", "imminent"),
    ("The army is preparing to assault the airport.", "assault", "preparing"),
    ("The upcoming push toward the coast has alarmed the militia.", "push", "upcoming"),
    ("The second wave of the assault is about to begin.", "begin", "about to"),
    ("Government troops will most likely cross the river tonight.", "cross", "will"),
    ("The commander vowed to retake the town.", "retake", "vowed"),
    ("Rebels may shell the suburb tonight.", "shell", "may"),
])
def test_status_expected(nlp: Any, cues: Any, text: str, trigger: str, cue: str) -> None:
    statement = assess(nlp, cues, text, trigger)
    assert statement.fact_status == "expected"
    assert cue in {h.surface for h in statement.hedges}


@pytest.mark.parametrize(("text", "trigger", "claimant"), [
    ("Later that night, the spokesman added, the gunmen stormed two checkpoints.", "stormed", "the spokesman"),
    ("The militants, the ministry said, shelled the bakery at dawn.", "shelled", "the ministry"),
    ("On Friday, activists reported, jets bombed the market twice.", "bombed", "activists"),
])
def test_status_a_reporting_verb_set_inside_the_clause_attributes_it(nlp: Any, cues: Any, text: str,
                                                                     trigger: str, claimant: str) -> None:
    statement = assess(nlp, cues, text, trigger)
    assert (statement.fact_status, statement.claimant) == ("attributed_claim", claimant)


@pytest.mark.parametrize(("text", "trigger"), [
    ("We think a Turkish assault on the town is unlikely this year.", "assault"),
    ("A renewed offensive on the city is improbable before winter.", "offensive"),
])
def test_status_an_unlikely_event_is_expected_not_reported(nlp: Any, cues: Any, text: str, trigger: str) -> None:
    assert assess(nlp, cues, text, trigger).fact_status == "expected"


def test_status_hedges_are_recorded_with_labels(nlp: Any, cues: Any) -> None:
    statement = assess(nlp, cues, "Government troops will most likely cross the river tonight.", "cross")
    assert labels(statement) == {("will", "expectation"), ("most likely", "hedge")}


@pytest.mark.parametrize(("text", "trigger"), [
    ("Rebels probably shelled the suburb.", "shelled"),
    ("Rebels may have shelled the suburb.", "shelled"),
    ("Rebel units apparently withdrew from the ridge.", "withdrew"),
])
def test_status_hedged_past_stays_reported(nlp: Any, cues: Any, text: str, trigger: str) -> None:
    statement = assess(nlp, cues, text, trigger)
    assert statement.fact_status == "reported"
    assert [h.label for h in statement.hedges] == ["hedge"]


@pytest.mark.parametrize(("text", "trigger"), [
    ("If the militia withdraws, the army would enter the town.", "enter"),
    ("If the militia withdraws, the army would enter the town.", "withdraws"),
    ("The army will enter the town if the militia withdraws.", "enter"),
    ("Unless talks resume, the fighters will attack the depot.", "attack"),
    ("The troops will have to cross the river first.", "cross"),
    ("The capture of the airport would be a turning point.", "capture"),
    ("Should they attack, the army would respond.", "attack"),
])
def test_status_hypothetical(nlp: Any, cues: Any, text: str, trigger: str) -> None:
    assert assess(nlp, cues, text, trigger).fact_status == "hypothetical"


@pytest.mark.parametrize(("text", "trigger"), [
    ("The army did not capture the village.", "capture"),
    ("Militants failed to take the checkpoint.", "take"),
    ("No shelling was reported in the town overnight.", "shelling"),
    ("The ministry denied that its jets bombed the market.", "bombed"),
    ("Government forces never reached the crossroads.", "reached"),
    ("Troops have not yet entered the old city.", "entered"),
])
def test_status_negated(nlp: Any, cues: Any, text: str, trigger: str) -> None:
    statement = assess(nlp, cues, text, trigger)
    assert statement.fact_status == "negated"
    assert "negation" in {h.label for h in statement.hedges}


@pytest.mark.parametrize(("text", "trigger"), [
    ("The assault failed to dislodge the defenders.", "assault"),  # the assault happened
    ("The shelling claimed the lives of four children.", "shelling"),  # no one claims the shelling
    ("Troops stormed the hill with no losses.", "stormed"),  # "no" modifies the losses
    ("Troops not only stormed the hill but also held it.", "stormed"),  # "not only" is no negation
    ("The spokesman denied the charge on Tuesday.", "denied"),  # the denial itself happened
])
def test_status_cue_that_does_not_govern_the_trigger(nlp: Any, cues: Any, text: str, trigger: str) -> None:
    assert assess(nlp, cues, text, trigger).fact_status == "reported"


@pytest.mark.parametrize(("text", "trigger", "status"), [
    ("The army said it will not attack the city.", "attack", "negated"),  # negated > expected, claim
    ("Officials claimed the brigade would storm the base if talks failed.", "storm", "hypothetical"),
    ("Activists said the army is preparing to shell the camp.", "shell", "expected"),
    ("Activists said the army shelled the camp.", "shelled", "attributed_claim"),
])
def test_status_precedence(nlp: Any, cues: Any, text: str, trigger: str, status: str) -> None:
    assert assess(nlp, cues, text, trigger).fact_status == status


def test_status_future_in_reported_speech_is_expected(nlp: Any, cues: Any) -> None:
    statement = assess(nlp, cues, "Moscow announced that the corridors would open on Friday.", "open")
    assert statement.fact_status == "expected"
    assert statement.claimant == "Moscow"
    assert ("would", "expectation") in labels(statement)


@pytest.mark.parametrize(("text", "trigger", "status"), [
    ("Rebels captured the hill, and the army will counter-attack.", "captured", "reported"),
    ("Rebels captured the hill, and the army will counter-attack.", "counter", "expected"),
    ("The army will retaliate after rebels attacked the base.", "attacked", "reported"),
    ("The army will retaliate after rebels attacked the base.", "retaliate", "expected"),
    ("Soldiers looted shops, and rebels said they burned houses.", "looted", "reported"),
    ("Soldiers looted shops, and rebels said they burned houses.", "burned", "attributed_claim"),
    ("Activists said soldiers looted shops and burned houses.", "burned", "attributed_claim"),
    ("The army will besiege and storm the town.", "storm", "expected"),
])
def test_status_clause_scoping(nlp: Any, cues: Any, text: str, trigger: str, status: str) -> None:
    assert assess(nlp, cues, text, trigger).fact_status == status


def test_status_without_trigger_uses_span_head(nlp: Any, cues: Any) -> None:
    text = "Rebels captured the hill, and the army will counter-attack."
    doc = nlp(text)
    first = text.index(",")
    assert assess_statement(doc, 0, first, cues).fact_status == "reported"
    assert assess_statement(doc, first + 1, len(text), cues).fact_status == "expected"


def test_status_empty_span_is_reported(nlp: Any, cues: Any) -> None:
    doc = nlp("  ")
    assert assess_statement(doc, 0, 2, cues) == Statement("reported")


def test_status_lexicon_can_be_extended(nlp: Any, tmp_path: Path) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text("groups:\n  - status: expected\n    label: expectation\n    phrases: [on the cards]\n",
                    encoding="utf-8")
    statement = assess(nlp, load_fact_cues(path), "An assault on the airport is on the cards.", "assault")
    assert statement.fact_status == "expected"


@pytest.mark.parametrize("content", [
    "groups: 3\n",
    "groups:\n  - status: rumoured\n    label: hedge\n    phrases: [x]\n",
    "groups:\n  - status: expected\n    label: guess\n    phrases: [x]\n",
    "groups: [\n",
])
def test_status_bad_lexicon_raises(tmp_path: Path, content: str) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError):
        load_fact_cues(path)


def test_status_missing_lexicon_raises(tmp_path: Path) -> None:
    with pytest.raises(LexiconError):
        load_fact_cues(tmp_path / "absent.yaml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=120), start=st.integers(-5, 130), end=st.integers(-5, 130),
       trigger=st.one_of(st.none(), st.integers(-5, 130)))
def test_status_never_raises_and_hedges_index_text(nlp: Any, cues: Any, text: str, start: int, end: int,
                                                     trigger: int | None) -> None:
    doc = nlp(text)
    statement = assess_statement(doc, start, end, cues, trigger=trigger)
    assert statement.fact_status in ("reported", "attributed_claim", "expected", "hypothetical", "negated")
    for hedge in statement.hedges:
        assert text[hedge.start:hedge.end] == hedge.surface


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(["rebels", "said", "will", "not", "if", "would", "claimed",
                                       "according", "to", "the", "army", "captured", "town", ",", "and",
                                       "reportedly", "no", "may", "have", "expected", "."]), max_size=25),
       data=st.data())
def test_status_cue_soup_never_raises(nlp: Any, cues: Any, words: list[str], data: Any) -> None:
    text = " ".join(words)
    doc = nlp(text)
    trigger = data.draw(st.integers(0, max(0, len(text))))
    statement = assess_statement(doc, 0, len(text), cues, trigger=trigger)
    for hedge in statement.hedges:
        assert text[hedge.start:hedge.end] == hedge.surface


def test_status_seed_agreement(nlp: Any, cues: Any, shared: Path) -> None:
    """The shared fixture skips when ../shared (Path(__file__).resolve().parents[2] / "shared") is absent."""
    text = (shared / "eval" / "seed.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    gold_lines = (shared / "eval" / "seed.gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [json.loads(line) for line in gold_lines if line.strip()]
    misses = []
    for event in gold:
        start = text.find(event["evidence"])
        assert start >= 0, event["evidence"]
        statement = assess_statement(doc, start, start + len(event["evidence"]), cues)
        if statement.fact_status != event["fact_status"]:
            misses.append((event["evidence"], event["fact_status"], statement.fact_status))
    agreement = 1 - len(misses) / len(gold)
    print(f"seed fact_status agreement: {agreement:.3f} ({len(gold) - len(misses)}/{len(gold)})")
    assert agreement >= SEED_AGREEMENT_FLOOR, misses
