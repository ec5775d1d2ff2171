"""Tests for sitrep.framing: the real lexicon, our own short sentences, and the shared seed report."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.framing import (
    NOT_FRAMING,
    TECHNIQUES,
    FramingLexicon,
    FramingSpan,
    default_framing_lexicon,
    find_framing,
    load_framing_lexicon,
)
from sitrep.phrases import LexiconError

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "eval" / "seed.txt"

HEADER = "phrase\ttechnique\tnote\n"


@pytest.fixture(scope="module")
def lexicon() -> FramingLexicon:
    return load_framing_lexicon()


def spans_of(text: str, lexicon: FramingLexicon) -> list[tuple[str, str]]:
    return [(span.surface, span.technique) for span in find_framing(text, lexicon)]


def test_framing_lexicon_covers_every_technique(lexicon: FramingLexicon) -> None:
    assert len(lexicon) >= 100
    assert {entry.technique for entry in lexicon.entries} - {NOT_FRAMING} == TECHNIQUES


def test_framing_names_holding_framing_words_are_not_flagged(lexicon: FramingLexicon) -> None:
    text = "The Palestine Liberation Army joined the liberation of the hill."
    assert spans_of(text, lexicon) == [("liberation", "loaded_language")]


@pytest.mark.parametrize(
    ("sentence", "surface", "technique"),
    [
        ("Mercenaries looted the mill.", "Mercenaries", "name_calling"),
        ("The rats fled the town.", "rats", "name_calling"),
        ("Assad's militias entered the village.", "Assad's militias", "name_calling"),
        ("The hill was liberated on Monday.", "liberated", "loaded_language"),
        ("It was a cowardly attack.", "cowardly", "loaded_language"),
        ("The martyrs were buried at noon.", "martyrs", "loaded_language"),
        ("Our heroes held the line.", "Our heroes", "flag_waving"),
        ("Hundreds of thousands cheered.", "Hundreds of thousands", "exaggeration"),
        ("The front is in total collapse.", "total collapse", "exaggeration"),
        ("The so-called council met.", "so-called", "doubt"),
        ("The alleged attack was denied.", "alleged", "doubt"),
        ("Fighters accepted reconciliation.", "reconciliation", "euphemism"),
        ("The cleansing of the farms went on.", "cleansing", "euphemism"),
    ],
)
def test_framing_each_technique(lexicon: FramingLexicon, sentence: str, surface: str, technique: str) -> None:
    assert (surface, technique) in spans_of(sentence, lexicon)


def test_framing_compound_names_are_one_span(lexicon: FramingLexicon) -> None:
    text = "NATO-backed terrorists, Gulf-funded mercenaries and takfiri terrorists attacked."
    assert spans_of(text, lexicon) == [
        ("NATO-backed terrorists", "name_calling"),
        ("Gulf-funded mercenaries", "name_calling"),
        ("takfiri terrorists", "name_calling"),
    ]


def test_framing_word_forms(lexicon: FramingLexicon) -> None:
    text = "They re-liberated the hill, re-liberating it twice, after massacres and a liberation."
    assert [span.surface for span in find_framing(text, lexicon)] == [
        "re-liberated",
        "re-liberating",
        "massacres",
        "liberation",
    ]


def test_framing_scare_quotes_are_doubt(lexicon: FramingLexicon) -> None:
    assert spans_of("the “moderate” rebels and its 'moderate' partners", lexicon) == [
        ("“moderate”", "doubt"),
        ("'moderate'", "doubt"),
    ]
    assert spans_of("a moderate rise in prices", lexicon) == []


def test_framing_spans_inside_quotations_are_marked(lexicon: FramingLexicon) -> None:
    spans = find_framing('He said "the mercenaries fled", and mercenaries did flee.', lexicon)
    assert [(span.surface, span.quoted) for span in spans] == [("mercenaries", True), ("mercenaries", False)]
    (scare,) = find_framing("the “moderate” partners", lexicon)
    assert not scare.quoted


def test_framing_default_lexicon_is_used_when_none_given() -> None:
    assert default_framing_lexicon() is default_framing_lexicon()
    assert [span.technique for span in find_framing("so-called")] == ["doubt"]


def test_framing_user_file_extends_the_lexicon(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("# my additions\n" + HEADER + "mill bandits\tname_calling\tour test label\n", "utf-8")
    lexicon = load_framing_lexicon(extra=[extra])
    assert spans_of("The mill bandits and the mercenaries.", lexicon) == [
        ("mill bandits", "name_calling"),
        ("mercenaries", "name_calling"),
    ]


def test_framing_unknown_technique_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "mill bandits\tshouting\t\n", "utf-8")
    with pytest.raises(LexiconError, match=r"bad\.tsv:2"):
        load_framing_lexicon(bad)


@pytest.fixture(scope="module")
def seed_spans(lexicon: FramingLexicon) -> list[FramingSpan]:
    if not SEED.is_file():
        pytest.skip(f"the shared seed report is absent ({SEED})")
    return find_framing(SEED.read_text(encoding="utf-8"), lexicon)


def test_framing_seed_nato_backed_terrorists_is_name_calling(seed_spans: list[FramingSpan]) -> None:
    assert ("NATO-backed terrorists", "name_calling") in [(s.surface, s.technique) for s in seed_spans]


def test_framing_seed_re_liberate_is_loaded_language(seed_spans: list[FramingSpan]) -> None:
    found = {(s.surface, s.technique) for s in seed_spans}
    assert {("re-liberate", "loaded_language"), ("re-liberated", "loaded_language")} <= found


def test_framing_seed_offsets_equal_surfaces(seed_spans: list[FramingSpan]) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert all(text[s.start : s.end] == s.surface for s in seed_spans)


FRAMINGISH_TEXT = st.lists(
    st.sampled_from(
        [
            "terrorists",
            "NATO",
            "-backed",
            "Saudi-backed ",
            "takfiri",
            " ",
            "\n",
            "“",
            "”",
            '"',
            "'",
            "moderate",
            "liberat",
            "ed",
            "so-called",
            "x",
            "re-",
        ]
    )
    | st.text(max_size=8),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=FRAMINGISH_TEXT)
def test_framing_offsets_equal_surfaces_on_any_text(lexicon: FramingLexicon, text: str) -> None:
    end = 0
    for span in find_framing(text, lexicon):
        assert text[span.start : span.end] == span.surface
        assert span.start >= end  # in order, never overlapping
        assert span.technique in TECHNIQUES
        end = span.end


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_framing_arbitrary_text_never_raises(lexicon: FramingLexicon, text: str) -> None:
    find_framing(text, lexicon)
