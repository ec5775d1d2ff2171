"""The spaCy pipeline as sitrep loads it: sentence starts at paragraph breaks, common nouns' lemmas."""

from __future__ import annotations

from typing import Any


def test_nlp_capitalised_common_noun_gets_its_common_lemma(nlp: Any) -> None:
    # After a blank line the small English model tags "Warplanes" as a plural proper noun, whose lemma
    # would be its own text; the trigger lexicons look for "warplane".
    doc = nlp("Rebels shelled the road on Sunday.\n\nWarplanes struck the town on Monday.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Warplanes"] == "warplane"
    assert lemmas["Rebels"] == "rebel"


def test_nlp_names_keep_their_own_lemma(nlp: Any) -> None:
    doc = nlp("Homs and Aleppo were quiet.\n\nAl-Bab fell to the Euphrates Shield forces.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Aleppo"] == "Aleppo" and lemmas["Euphrates"] == "Euphrates"


def test_nlp_blank_line_starts_a_sentence(nlp: Any) -> None:
    doc = nlp("Aleppo:\nClashes continued in the east\n\nwhile the west was calm.")
    starts = [t.text for t in doc if t.is_sent_start]
    assert "while" in starts
