"""Tests for sitrep.actors: the real catalogue, our own short sentences, and the shared seed report."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.actors import (
    GENERIC,
    NAMED,
    PEJORATIVE,
    SIDES,
    ActorCatalogue,
    ActorMention,
    find_actors,
    load_actor_catalogue,
    normalize_stance,
)
from sitrep.phrases import LexiconError, phrase_units

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "eval" / "seed.txt"

HEADER = "name\tside\tactor_type\tgeneric\tstance_sides\taliases\tpejorative_aliases\n"


@pytest.fixture(scope="module")
def catalogue() -> ActorCatalogue:
    return load_actor_catalogue()


def mention_of(mentions: list[ActorMention], surface: str) -> ActorMention:
    """The first mention with this surface (case-insensitive); fails the test when there is none."""
    for mention in mentions:
        if mention.surface.casefold() == surface.casefold():
            return mention
    found = [m.surface for m in mentions]
    raise AssertionError(f"no mention {surface!r} among {found}")


def sides_of(text: str, catalogue: ActorCatalogue, stance: str = "") -> dict[str, str]:
    return {m.surface: m.side for m in find_actors(text, catalogue, stance=stance)}


def test_actors_catalogue_covers_every_side_and_label_kind(catalogue: ActorCatalogue) -> None:
    assert len(catalogue) >= 100
    assert {actor.side for actor in catalogue} == SIDES
    assert {entry.label for entry in catalogue.entries} == {NAMED, GENERIC, PEJORATIVE}


def test_actors_catalogue_generic_labels_have_side_unknown(catalogue: ActorCatalogue) -> None:
    for entry in catalogue.entries:
        if entry.label != NAMED:
            assert entry.actor.side == "unknown", entry.actor.name
            assert entry.stance_sides, f"{entry.actor.name} has no stance rule"


def test_actors_catalogue_names_start_without_an_article(catalogue: ActorCatalogue) -> None:
    # "the army" would hide "Army of Conquest" in "the Army of Conquest": matches start leftmost.
    names = [name for actor in catalogue for name in (actor.name, *actor.aliases)]
    assert [name for name in names if name.casefold().startswith(("the ", "a ", "an "))] == []


def test_actors_catalogue_names_belong_to_one_actor(catalogue: ActorCatalogue) -> None:
    # on any one day, each spelling names one actor (across the change of state it may name two)
    for day in (None, date(2016, 7, 30), date(2025, 3, 10)):
        owners: dict[tuple[str, ...], str] = {}
        clashes = []
        for entry in catalogue.entries:
            if not entry.holds_on(day):
                continue
            actor = entry.actor
            for name in (actor.name, *actor.aliases):
                owner = owners.setdefault(phrase_units(name), actor.name)
                if owner != actor.name:
                    clashes.append((name, owner, actor.name))
        assert clashes == [], day


@pytest.mark.parametrize(
    ("sentence", "surface", "name", "side"),
    [
        ("The Syrian Arab Army entered the village.", "Syrian Arab Army", "Syrian Arab Army", "government"),
        ("Tiger Forces units moved north.", "Tiger Forces", "Tiger Forces", "government"),
        ("Hezbollah shelled the ridge.", "Hezbollah", "Hezbollah", "government"),
        ("The IRGC sent advisers.", "IRGC", "Islamic Revolutionary Guard Corps", "government"),
        ("Liwa Fatemiyoun held the hill.", "Liwa Fatemiyoun", "Liwa Fatemiyoun", "government"),
        ("Harakat al-Nujaba arrived.", "Harakat al-Nujaba", "Harakat Hezbollah al-Nujaba", "government"),
        ("The Levant Front repelled them.", "Levant Front", "Levant Front", "opposition"),
        ("Jabhat al-Shamiyah repelled them.", "Jabhat al-Shamiyah", "Levant Front", "opposition"),
        ("Nusra Front fighters retreated.", "Nusra Front", "Jabhat Fatah al-Sham", "opposition"),
        ("The Army of Conquest attacked.", "Army of Conquest", "Jaysh al-Fatah", "opposition"),
        ("Jaish al-Islam withdrew from the farms.", "Jaish al-Islam", "Jaish al-Islam", "opposition"),
        (
            "The Turkistan Islamic Party shelled it.",
            "Turkistan Islamic Party",
            "Turkistan Islamic Party",
            "opposition",
        ),
        ("The YPJ took the silos.", "YPJ", "Women's Protection Units", "kurdish"),
        ("The SDF and the Asayish held the town.", "Asayish", "Asayish", "kurdish"),
        (
            "The Manbij Military Council advanced.",
            "Manbij Military Council",
            "Manbij Military Council",
            "kurdish",
        ),
        ("ISIL fighters ambushed the convoy.", "ISIL", "Islamic State", "isis"),
        ("Russian warplanes struck the road.", "Russian warplanes", "Russian Air Force", "russia"),
        ("The Turkish Armed Forces crossed the border.", "Turkish Armed Forces", "Turkey", "turkey"),
        ("The US-led coalition struck a bridge.", "US-led coalition", "US-led coalition", "us_coalition"),
        # the nationality adjective, as "Russian" and "Turkish" are read: "an American airlift", "American jets"
        ("An American airlift dropped arms to the YPG.", "American", "United States", "us_coalition"),
        ("Israeli fighter jets fired missiles at a depot.", "Israeli fighter jets", "Israel", "israel"),
        ("An Israeli drone struck a car near Quneitra.", "Israeli drone", "Israel", "israel"),
        ("The strike killed two members of the Kurdish-led security forces.", "Kurdish-led security forces",
         "Asayish", "kurdish"),
        # SANA's, SOHR's and the wires' "Syrian air defences" (before the fall: Assad's army)
        ("Syrian air defences intercepted the missiles.", "Syrian air defences", "Syrian Arab Army", "government"),
        ("Civilians fled the shelling.", "Civilians", "civilians", "civilians"),
        ("Protesters gathered in the square.", "Protesters", "protesters", "civilians"),
    ],
)
def test_actors_named_groups_have_their_side(
    catalogue: ActorCatalogue, sentence: str, surface: str, name: str, side: str
) -> None:
    mention = mention_of(find_actors(sentence, catalogue), surface)
    assert (mention.actor.name, mention.side, mention.generic) == (name, side, False)


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("Liwa al Quds fighters", "Liwa al Quds"),
        ("Liwaa` al-Quds fighters", "Liwaa` al-Quds"),
        ("Liwaa al-Quds fighters", "Liwaa al-Quds"),
        ("the Baath Brigades", "Baath Brigades"),
        ("the Ba’ath Brigades", "Ba’ath Brigades"),
        ("Jaysh al Islam", "Jaysh al Islam"),
        ("Jaish al-Islam", "Jaish al-Islam"),
        ("the 4th Mechanised Division", "4th Mechanised Division"),
        ("the Kurdish People’s Protection Units", "Kurdish People’s Protection Units"),
    ],
)
def test_actors_transliteration_and_apostrophe_variants(
    catalogue: ActorCatalogue, sentence: str, surface: str
) -> None:
    mention = mention_of(find_actors(sentence, catalogue), surface)
    assert mention.side in {"government", "opposition", "kurdish"}


def test_actors_longest_match_first(catalogue: ActorCatalogue) -> None:
    mentions = find_actors("The Free Syrian Army and the Syrian Arab Army met.", catalogue)
    assert [(m.surface, m.actor.name) for m in mentions] == [
        ("Free Syrian Army", "Free Syrian Army"),
        ("Syrian Arab Army", "Syrian Arab Army"),
    ]


def test_actors_plurals_and_possessives(catalogue: ActorCatalogue) -> None:
    mentions = find_actors("The SAA's tanks, Assad's forces and two mercenaries.", catalogue)
    assert [m.surface for m in mentions] == ["SAA", "Assad's forces", "mercenaries"]
    assert [m.actor.name for m in mentions[:2]] == ["Syrian Arab Army", "Syrian Arab Army"]


def test_actors_line_break_inside_a_name(catalogue: ActorCatalogue) -> None:
    mention = mention_of(find_actors("the Syrian Arab\nArmy", catalogue), "Syrian Arab\nArmy")
    assert mention.actor.name == "Syrian Arab Army"


def test_actors_abbreviations_keep_their_case(catalogue: ActorCatalogue) -> None:
    assert find_actors("This is us, and it is over.", catalogue) == []
    assert mention_of(find_actors("IS fighters withdrew.", catalogue), "IS").side == "isis"


def test_actors_offsets_equal_surfaces_on_our_sentences(catalogue: ActorCatalogue) -> None:
    text = "Near the mill, ISIS militants and the NDF’s men fought Turkish-backed rebels."
    for mention in find_actors(text, catalogue):
        assert text[mention.start : mention.end] == mention.surface


def test_actors_pro_government_stance(catalogue: ActorCatalogue) -> None:
    text = (
        "The army and our forces pushed the terrorists back; the militants and the rebels fled. "
        "Elsewhere ISIS terrorists and Daesh gangs shelled the road."
    )
    mentions = find_actors(text, catalogue, stance="pro-government")
    assert [(m.surface, m.side, m.basis) for m in mentions] == [
        ("army", "government", "stance"),
        ("our forces", "government", "stance"),
        ("terrorists", "opposition", "stance"),
        ("militants", "opposition", "stance"),
        ("rebels", "opposition", "stance"),
        ("ISIS", "isis", "catalogue"),
        ("terrorists", "isis", "qualifier"),
        ("Daesh", "isis", "catalogue"),
        ("gangs", "isis", "qualifier"),
    ]


def test_actors_opposition_stance(catalogue: ActorCatalogue) -> None:
    text = (
        "The regime and Assad's militias shelled the town; the regime forces then withdrew. "
        "The revolutionaries and the rebels held, and our forces repelled the militias."
    )
    sides = sides_of(text, catalogue, "opposition")
    assert sides["regime"] == sides["Assad's militias"] == sides["regime forces"] == "government"
    assert sides["militias"] == "government"
    assert sides["revolutionaries"] == sides["rebels"] == sides["our forces"] == "opposition"


def test_actors_neutral_stance(catalogue: ActorCatalogue) -> None:
    mentions = find_actors(
        "Rebels and militants clashed. ISIS militants and rebel militants fought jihadists, "
        "and the ISIS jihadists withdrew.",
        catalogue,
        stance="neutral",
    )
    by_order = [(m.surface, m.side) for m in mentions]
    assert by_order == [
        ("Rebels", "opposition"),
        ("militants", "unknown"),
        ("ISIS", "isis"),
        ("militants", "isis"),
        ("rebel", "opposition"),
        ("militants", "opposition"),
        ("jihadists", "opposition"),
        ("ISIS", "isis"),
        ("jihadists", "isis"),
    ]


def test_actors_unknown_stance_reads_as_neutral(catalogue: ActorCatalogue) -> None:
    assert normalize_stance("") == normalize_stance("Neutral") == "neutral"
    assert normalize_stance("Pro-Government") == "pro-government"
    assert sides_of("militants attacked", catalogue, "") == {"militants": "unknown"}


def test_actors_backer_and_anti_prefix(catalogue: ActorCatalogue) -> None:
    mentions = find_actors(
        "Turkey-backed rebels, Russian-backed militias and anti-ISIS fighters", catalogue, stance="neutral"
    )
    assert mention_of(mentions, "Turkey-backed rebels").side == "opposition"
    militias = mention_of(mentions, "militias")
    assert (militias.side, militias.basis) == ("government", "backer")
    assert mention_of(mentions, "fighters").side == "unknown"


def test_actors_qualifier_after_the_label(catalogue: ActorCatalogue) -> None:
    mentions = find_actors("fighters loyal to the Islamic State and gunmen from the YPG", catalogue)
    assert mention_of(mentions, "fighters").side == "isis"
    assert mention_of(mentions, "gunmen").side == "kurdish"


def test_actors_a_name_glossed_in_brackets_qualifies_the_label_after_it(catalogue: ActorCatalogue) -> None:
    mentions = find_actors("nearly 100 Daesh (Islamic State) fighters stormed the prison, and Syrian Democratic "
                           "Forces (SDF) troops pushed back; (rebels) said nothing", catalogue, stance="neutral")
    fighters = mention_of(mentions, "fighters")
    assert (fighters.side, fighters.basis) == ("isis", "qualifier")
    assert mention_of(mentions, "troops").side == "kurdish"
    assert mention_of(mentions, "rebels").basis != "qualifier"


def test_actors_a_group_called_backed_by_a_patron_is_on_that_side_through_the_story(
        catalogue: ActorCatalogue) -> None:
    text = ("Turkey-backed Free Syrian Army takes full control of al-Bab city. On Wednesday, FSA fighters "
            "made big advances in al-Bab. Elsewhere Hezbollah and the Free Syrian Army fought.")
    mentions = find_actors(text, catalogue, stance="opposition", on=date(2017, 2, 23))
    assert {m.surface: m.side for m in mentions if m.actor.name == "Free Syrian Army"} == \
        {"Free Syrian Army": "turkey", "FSA": "turkey"}
    assert mention_of(mentions, "fighters").side == "turkey"
    # a group no patron is named for keeps its own side; "anti-" turns the backer around
    assert mention_of(mentions, "Hezbollah").side == "government"
    plain = find_actors("FSA fighters and anti-Turkey-backed Free Syrian Army units", catalogue,
                        on=date(2017, 2, 23))
    assert {m.side for m in plain if m.actor.name == "Free Syrian Army"} == {"opposition"}


def test_actors_pejorative_labels_are_marked(catalogue: ActorCatalogue) -> None:
    mentions = find_actors("terrorists, Daesh, regime forces, shabiha, rebels and ISIS", catalogue)
    flags = {m.surface: m.pejorative for m in mentions}
    assert flags == {
        "terrorists": True,
        "Daesh": True,
        "regime forces": True,
        "shabiha": True,
        "rebels": False,
        "ISIS": False,
    }


def test_actors_user_file_extends_the_catalogue(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "# my additions\n"
        + HEADER
        + "Tiger Forces\t\t\t\t\tNimr boys\t\n"
        + "Mill Brigade\topposition\tRebel group\tno\t\tKataib al-Tahuna\t\n",
        encoding="utf-8",
    )
    catalogue = load_actor_catalogue(extra=[extra])
    mentions = find_actors("The Nimr boys met Kataib al Tahuna.", catalogue)
    assert [(m.actor.name, m.side) for m in mentions] == [
        ("Tiger Forces", "government"),
        ("Mill Brigade", "opposition"),
    ]
    assert "Quwat al-Nimr" in mentions[0].actor.aliases


@pytest.mark.parametrize(
    "row",
    [
        "Mill Brigade\tNo Where!\tRebel group\tno\t\t\t\n",
        "Mill Brigade\topposition\tBand\tno\t\t\t\n",
        "Mill Brigade\topposition\tRebel group\tmaybe\t\t\t\n",
        "Mill Brigade\tunknown\tRebel group\tgeneric\tneutral:opposition\t\t\n",
    ],
)
def test_actors_malformed_rows_are_rejected(tmp_path: Path, row: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.tsv:2"):
        load_actor_catalogue(bad)


def test_actors_missing_file_is_a_lexicon_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError):
        load_actor_catalogue(tmp_path / "absent.tsv")


@pytest.fixture(scope="module")
def seed_mentions(catalogue: ActorCatalogue) -> list[ActorMention]:
    if not SEED.is_file():
        pytest.skip(f"the shared seed report is absent ({SEED})")
    return find_actors(SEED.read_text(encoding="utf-8"), catalogue, stance="pro-government")


@pytest.mark.parametrize(
    ("surface", "side"),
    [
        ("Sea Commandos", "government"),
        ("Desert Hawks", "government"),
        ("Tiger Forces", "government"),
        ("4th Mechanized Armored Division", "government"),
        ("SAA", "government"),
        ("NDF", "government"),
        ("Liwaa` al-Quds", "government"),
        ("Syrian forces", "government"),
        ("YPG", "kurdish"),
        ("Russia", "russia"),
        ("civilians", "civilians"),
        ("terrorists", "opposition"),
    ],
)
def test_actors_seed_actors_have_their_side(
    seed_mentions: list[ActorMention], surface: str, side: str
) -> None:
    assert mention_of(seed_mentions, surface).side == side


def test_actors_seed_terrorists_are_all_opposition_and_pejorative(seed_mentions: list[ActorMention]) -> None:
    labels = [m for m in seed_mentions if m.actor.name == "terrorists"]
    assert len(labels) >= 10
    assert all(m.side == "opposition" and m.pejorative for m in labels)


def test_actors_seed_offsets_equal_surfaces(seed_mentions: list[ActorMention]) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert all(text[m.start : m.end] == m.surface for m in seed_mentions)


STANCES = st.sampled_from(["", "neutral", "pro-government", "opposition", "pro-kurdish", "odd stance"])
ACTORISH_TEXT = st.lists(
    st.sampled_from(
        [
            "ISIS",
            "militants",
            "the regime's",
            "Turkish-backed",
            "rebels",
            "anti-",
            "Liwaa`",
            "al-Quds",
            "'s",
            " ",
            "\n",
            "-",
            "’",
            "of the",
            "SAA",
            "mercenaries",
            "“",
            "”",
            "x",
            "army",
        ]
    )
    | st.text(max_size=8),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=ACTORISH_TEXT, stance=STANCES)
def test_actors_offsets_equal_surfaces_on_any_text(catalogue: ActorCatalogue, text: str, stance: str) -> None:
    mentions = find_actors(text, catalogue, stance=stance)
    ends = [0]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
        assert mention.start >= ends[-1]  # in order, never overlapping
        assert mention.side in SIDES
        ends.append(mention.end)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), stance=st.text(max_size=12))
def test_actors_arbitrary_text_never_raises(catalogue: ActorCatalogue, text: str, stance: str) -> None:
    find_actors(text, catalogue, stance=stance)


# Seconds for a few megabytes of adversarial text: generous, as CI machines are slow; quadratic
# behaviour would take minutes.
LARGE_TEXT_SECONDS = 20.0


@pytest.mark.slow
def test_actors_large_and_adversarial_text_is_linear(catalogue: ActorCatalogue) -> None:
    pieces = [
        "Syrian " * 200_000,  # a name's first word, over and over
        "Syrian" + " " * 500_000 + "army",  # one long gap
        "al-" * 200_000,
        "rebels " * 200_000,  # a mention at every word, each looking at its neighbours
        "x" * 1_000_000,
    ]
    started = time.perf_counter()
    for text in pieces:
        find_actors(text, catalogue, stance="pro-government")
    assert time.perf_counter() - started < LARGE_TEXT_SECONDS


# Sides that change with time: sentences written for these tests, read as of a day before and after the
# fall of Damascus (8 December 2024).
BEFORE_THE_FALL = date(2015, 5, 4)
AFTER_THE_FALL = date(2025, 3, 10)


def _first(text: str, catalogue: ActorCatalogue, stance: str, day: date | None) -> tuple[str, str]:
    mention = find_actors(text, catalogue, stance=stance, on=day)[0]
    return mention.actor.name, mention.side


def test_actors_government_forces_are_the_state_of_the_day(catalogue: ActorCatalogue) -> None:
    text = "Government forces shelled the outskirts of the town overnight."
    assert _first(text, catalogue, "neutral", BEFORE_THE_FALL) == ("Syrian Arab Army", "government")
    after = _first(text, catalogue, "neutral", AFTER_THE_FALL)
    assert after[1] == "government" and after[0] != "Syrian Arab Army"


def test_actors_the_former_regime_after_the_fall(catalogue: ActorCatalogue) -> None:
    text = "Remnants of the former regime ambushed a patrol on the coastal road."
    assert _first(text, catalogue, "pro-government", AFTER_THE_FALL)[1] == "former_regime"
    text = "Assad loyalists attacked a checkpoint near the city."
    assert _first(text, catalogue, "neutral", AFTER_THE_FALL)[1] == "former_regime"
    assert _first(text, catalogue, "neutral", BEFORE_THE_FALL)[1] == "government"
    assert _first("The regime's tanks entered the village.", catalogue, "opposition", AFTER_THE_FALL)[1] == \
        "former_regime"
    assert _first("The regime's tanks entered the village.", catalogue, "opposition", BEFORE_THE_FALL)[1] == \
        "government"


def test_actors_the_rebels_who_became_the_state(catalogue: ActorCatalogue) -> None:
    text = "Hayat Tahrir al-Sham fighters took the hill."
    assert _first(text, catalogue, "neutral", date(2019, 5, 1))[1] == "opposition"
    assert _first(text, catalogue, "neutral", AFTER_THE_FALL)[1] == "government"
    text = "General Security units set up checkpoints around the village."
    assert _first(text, catalogue, "neutral", AFTER_THE_FALL) == ("General Security", "government")
    # a "security operation" or "campaign" (SANA's, the wires' and Syrian outlets' word) is the state's
    text = "A security operation in the Homs countryside arrested three members of a cell."
    assert _first(text, catalogue, "neutral", AFTER_THE_FALL) == ("security forces", "government")
    assert _first(text, catalogue, "opposition", BEFORE_THE_FALL) == ("security forces", "government")


def test_actors_israel_turkey_and_local_groups_have_their_sides(catalogue: ActorCatalogue) -> None:
    assert _first("Israeli warplanes struck a depot.", catalogue, "neutral", date(2018, 1, 9))[1] == "israel"
    assert _first("Israeli warplanes struck a depot.", catalogue, "", None)[1] == "israel"
    assert _first("Druze gunmen held the crossroads.", catalogue, "neutral", AFTER_THE_FALL)[1] == "local"
    assert _first("Tribal fighters stormed the bridge.", catalogue, "neutral", AFTER_THE_FALL)[1] == "local"
    # the SDF's councils, Druze forces named by their leader, Russia's contractors
    assert _first("The Deir ez-Zor Military Council raided the village.", catalogue, "neutral",
                  date(2019, 3, 1)) == ("Deir ez-Zor Military Council", "kurdish")
    assert _first("Fighters loyal to Hikmat al-Hijri closed the road.", catalogue, "neutral",
                  AFTER_THE_FALL)[1] == "local"
    assert _first("Wagner fighters guarded the gas field.", catalogue, "neutral", date(2018, 2, 7))[1] == "russia"
    text = "The Syrian National Army advanced on the dam."
    assert _first(text, catalogue, "neutral", date(2019, 10, 12))[1] == "turkey"


def test_actors_hostile_labels_by_the_stance_of_the_day(catalogue: ActorCatalogue) -> None:
    text = "The terrorists shelled the market."
    assert _first(text, catalogue, "pro-government", BEFORE_THE_FALL)[1] == "opposition"
    assert _first(text, catalogue, "pro-turkey", date(2019, 10, 12))[1] == "kurdish"
    # after the fall a government outlet's "terrorists" are no longer the rebels that now rule, nor (through
    # its Turkish ally) the SDF it negotiates with: ISIS cells or remnants, which the label does not tell
    assert _first(text, catalogue, "pro-government", AFTER_THE_FALL)[1] == "unknown"
    # an opposition outlet's "terrorists" are ISIS as often as the SDF: not its Turkish ally's reading
    assert _first(text, catalogue, "opposition", BEFORE_THE_FALL)[1] == "unknown"
    # Russian state media label as the Syrian state's ally did until its fall
    assert _first(text, catalogue, "russian-state", BEFORE_THE_FALL)[1] == "opposition"


def test_actors_user_catalogue_may_bring_a_new_side(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(HEADER + "Kraken Regiment\tukraine\tExternal/Other forces\tno\t\tKraken\t\n", encoding="utf-8")
    catalogue = load_actor_catalogue(extra=[extra])
    assert _first("Kraken fighters crossed the river.", catalogue, "neutral", None) == ("Kraken Regiment", "ukraine")


def test_actors_bad_validity_dates_are_rejected_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    header = HEADER.rstrip("\n") + "\tvalid_from\tvalid_until\n"
    bad.write_text(header + "Mill Brigade\topposition\tRebel group\tno\t\t\t\t2016-13-01\t\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.tsv:2"):
        load_actor_catalogue(extra=[bad])
    bad.write_text(header + "Mill Brigade\topposition\tRebel group\tno\t\t\t\t2016-05-01\t2015-01-01\n",
                   encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.tsv:2"):
        load_actor_catalogue(extra=[bad])


def test_actors_sides_match_the_conflict_profile(catalogue: ActorCatalogue) -> None:
    assert set(catalogue.profile.sides) == SIDES


def test_actors_an_unresolved_label_takes_the_side_it_is_listed_with(catalogue: ActorCatalogue) -> None:
    day = date(2016, 8, 27)
    mentions = find_actors("Troops and pro-government militiamen stormed the suburb.", catalogue,
                           stance="pro-kurdish", on=day)
    assert [(m.surface, m.side, m.basis) for m in mentions] == [
        ("Troops", "government", "coordinated"), ("pro-government militiamen", "government", "stance")]
    militia = mention_of(find_actors("The army and allied militia cut the last road.", catalogue,
                                     stance="neutral", on=day), "militia")
    assert (militia.side, militia.basis) == ("government", "coordinated")
    militants = mention_of(find_actors("ISIS fighters and other militants held the ridge.", catalogue,
                                       stance="neutral", on=day), "militants")
    assert militants.side == "isis"
    # a list of opponents is no camp
    militants = mention_of(find_actors("Clashes between militants and rebels went on.", catalogue,
                                       stance="neutral", on=day), "militants")
    assert militants.side == "unknown"
    militants = mention_of(find_actors("Rebels and militants clashed on the ridge.", catalogue,
                                       stance="neutral", on=day), "militants")
    assert militants.side == "unknown"


def test_actors_bare_troops_in_a_wire_story_by_the_day(catalogue: ActorCatalogue) -> None:
    # before the fall wire services write "troops" for Assad's army; after it, for whichever army the story
    # named, so the bare word decides nothing
    text = "Troops shelled the outskirts of the town."
    assert _first(text, catalogue, "neutral", BEFORE_THE_FALL)[1] == "government"
    assert _first(text, catalogue, "neutral", AFTER_THE_FALL)[1] == "unknown"
    assert _first("Israeli troops entered the village.", catalogue, "neutral", AFTER_THE_FALL)[1] == "israel"


def test_actors_by_day_resolves_each_epoch_once(catalogue: ActorCatalogue) -> None:
    from sitrep.actors import ActorsByDay

    text = "Assad's forces shelled the town."
    by_day = ActorsByDay(text, catalogue, stance="neutral", published=AFTER_THE_FALL)
    assert by_day.on(None)[0].side == "former_regime"
    assert by_day.on(date(2016, 7, 12))[0].side == "government"
    assert by_day.on(date(2016, 7, 12)) is by_day.on(date(2016, 8, 1))  # one epoch, found once
    assert catalogue.epoch(BEFORE_THE_FALL) != catalogue.epoch(AFTER_THE_FALL)
