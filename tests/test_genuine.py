"""Whether a clause asserts a happening (sitrep/events/genuine.py), on sentences written for these tests in
the styles of wire copy, partisan situation reports, think-tank assessments and state media, parsed by the
real spaCy pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from sitrep.events.genuine import (
    dateline_spans,
    describes_a_state,
    is_aimed_at,
    names_a_circumstance,
    names_a_significance,
)


def _token(nlp: Any, text: str, word: str) -> Any:
    doc = nlp(text)
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize(("text", "word"), [
    ("By now the eastern districts are effectively under siege.", "siege"),         # partisan blog
    ("The town has been under heavy fire for weeks, residents say.", "fire"),        # wire copy
    ("Government troops remain deployed along the old frontline.", "deployed"),      # think tank
    ("The road stays closed to all traffic.", "closed"),                             # state media
    ("ISIS has besieged Kobane for over a month, driving out most civilians.", "besieged"),  # Kurdish outlet
    ("Regime forces have been shelling the suburb for two years.", "shelling"),     # opposition outlet
])
def test_genuine_a_copula_with_its_trigger_is_a_state(nlp: Any, text: str, word: str) -> None:
    assert describes_a_state(_token(nlp, text, word))


@pytest.mark.parametrize(("text", "word"), [
    ("Rebels besieged the airbase on Tuesday.", "besieged"),
    ("The village of Tal Rifaat was re-liberated on Friday.", "liberated"),
    ("The district has been under siege since July 7, when the army cut the road.", "siege"),
    ("The army continued to advance toward the dam.", "advance"),
    ("Rebels fought for ten hours before they took the checkpoint.", "fought"),
    ("Militants have shelled the village twice this week.", "shelled"),
])
def test_genuine_a_deed_or_the_start_of_a_state_is_no_state(nlp: Any, text: str, word: str) -> None:
    assert not describes_a_state(_token(nlp, text, word))


@pytest.mark.parametrize(("text", "word"), [
    ("Holding the hills is central to liberating the rest of the province.", "liberating"),   # blog analysis
    ("The quarries give the troops a springboard for storming the camp.", "storming"),
    ("Kurdish fighters are close to capturing the last neighbourhood.", "capturing"),         # wire
    ("The army opened a new front to recapture the town.", "recapture"),
    ("A gunman was arrested on his way to carry out an attack on the shrine.", "attack"),    # ministry
    ("The troops massed near the border in order to launch an offensive.", "offensive"),
    ("The brigade was moved to Idlib to help the Tiger Forces in the offensive to capture the airport.", "capture"),
])
def test_genuine_a_goal_or_purpose_is_aimed_at(nlp: Any, text: str, word: str) -> None:
    assert is_aimed_at(_token(nlp, text, word))


@pytest.mark.parametrize(("text", "word"), [
    ("The army managed to recapture the town after two days.", "recapture"),
    ("The group is responsible for shelling the market last week.", "shelling"),
    ("Fighters claimed to control the hill.", "control"),
    ("Russian jets helped to bomb the convoy.", "bomb"),
    ("The battle for the airport lasted a week.", "battle"),
    ("After capturing the hill, the rebels entered the village.", "capturing"),
])
def test_genuine_a_deed_is_not_aimed_at(nlp: Any, text: str, word: str) -> None:
    assert not is_aimed_at(_token(nlp, text, word))


@pytest.mark.parametrize(("text", "place"), [
    ("Headline here\n\nDAMASCUS - State media said families left.", "DAMASCUS"),                  # AFP
    ("Headline\n\nAleppo, SANA – The process was suspended on Sunday.", "Aleppo"),                  # SANA
    ("Headline\n\nTEHRAN (Tasnim) – The army retook the airbase.", "TEHRAN"),                       # Tasnim
    ("Headline\n\nERBIL, Kurdistan Region – The SDF are fighting.", "ERBIL"),                       # Rudaw
    ("Headline\n\nBEIRUT, July 30 (Reuters) - Rebels shelled the city.", "BEIRUT"),                 # Reuters
])
def test_genuine_datelines_are_found(text: str, place: str) -> None:
    starts = [0, text.index("\n\n") + 2]
    spans = dateline_spans(text, starts)
    assert len(spans) == 1 and text.index(place) >= spans[0][0] and text.index(place) < spans[0][1]


@pytest.mark.parametrize("text", [
    "Headline\n\nRebels attacked the town, the army said - and it retreated.",
    "Headline\n\nAleppo: The army advanced in the south.",
    "Headline\n\nRebels - backed by Turkish artillery - stormed the village.",
    "Headline\n\nUS strikes - the first in months - hit the depot.",
    "Headline\n\nFighting raged all day in the southern districts of the city - witnesses said.",
])
def test_genuine_ordinary_sentences_have_no_dateline(text: str) -> None:
    assert dateline_spans(text, [0, text.index("\n\n") + 2]) == []


@pytest.mark.parametrize(("text", "word", "significance"), [
    ("This fight is central to liberating the whole of Aleppo City.", "liberating", True),     # partisan blog
    ("Control of the road is key to retaking the town.", "retaking", True),                    # think tank
    ("The troops are close to capturing the airbase.", "capturing", False),                   # wire copy: a goal
])
def test_genuine_what_a_deed_matters_for_is_a_significance(nlp: Any, text: str, word: str, significance: bool) -> None:
    assert names_a_significance(_token(nlp, text, word)) is significance


@pytest.mark.parametrize(("text", "circumstance"), [
    ("The humanitarian situation has worsened with the siege that the regime forces imposed on the town.", True),
    ("The committee said the request was a result of the siege and the harsh conditions.", True),
    ("Government forces imposed a siege on the town on Monday.", False),
])
def test_genuine_a_siege_named_as_a_circumstance_is_no_happening(nlp: Any, text: str, circumstance: bool) -> None:
    assert names_a_circumstance(_token(nlp, text, "siege")) is circumstance
