"""Tests for sitrep.conflict: the shipped Syria profile and a profile written here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sitrep.conflict import load_conflict
from sitrep.phrases import LexiconError

BEFORE_THE_FALL = date(2016, 7, 30)
AFTER_THE_FALL = date(2025, 3, 10)


def test_conflict_stances_speak_for_the_side_of_their_day() -> None:
    profile = load_conflict()
    assert profile.speaks_for("opposition", BEFORE_THE_FALL) == "opposition"
    assert profile.speaks_for("opposition", AFTER_THE_FALL) == "government"
    assert profile.speaks_for("pro-government", AFTER_THE_FALL) == "government"
    assert profile.speaks_for("pro-iran", BEFORE_THE_FALL) == "government"
    assert profile.speaks_for("pro-iran", AFTER_THE_FALL) == ""
    assert profile.speaks_for("neutral", AFTER_THE_FALL) == ""


def test_conflict_russia_is_the_state_ally_only_until_the_fall() -> None:
    profile = load_conflict()
    assert profile.state_sides(BEFORE_THE_FALL) == {"government", "russia"}
    assert "russia" not in profile.state_sides(AFTER_THE_FALL)
    assert profile.same_camp("government", "russia", BEFORE_THE_FALL)
    assert not profile.same_camp("government", "russia", AFTER_THE_FALL)


def test_conflict_sides_describe_maps_and_aircraft() -> None:
    profile = load_conflict()
    assert profile.flies("israel") and profile.flies("government") and not profile.flies("opposition")
    assert profile.side("former_regime").holds_ground
    assert profile.side("ukraine").label == "ukraine"  # a side the profile does not know is still named


def test_conflict_a_profile_of_another_war(tmp_path: Path) -> None:
    path = tmp_path / "conflict.yaml"
    path.write_text("country: Elsewhere\nsides:\n  - {id: crown, label: royal army, state: true, aircraft: true,"
                    " stance: royalist}\n  - {id: hill_clans, label: hill clans}\n"
                    "stances:\n  royalist: [{side: crown, until: 2020-01-31}]\n"
                    "camps:\n  - {sides: [crown, hill_clans], from: 2019-06-01}\n", encoding="utf-8")
    profile = load_conflict("elsewhere", path)
    assert profile.speaks_for("royalist", date(2019, 1, 1)) == "crown"
    assert profile.speaks_for("royalist", date(2021, 1, 1)) == ""
    assert profile.state_sides(date(2019, 1, 1)) == {"crown"}
    assert profile.state_sides(date(2019, 7, 1)) == {"crown", "hill_clans"}


def test_conflict_a_malformed_profile_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "conflict.yaml"
    path.write_text("sides:\n  - {id: Bad Side}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"conflict\.yaml"):
        load_conflict("bad", path)
    path.write_text("sides:\n  - {id: crown}\nstances:\n  royalist: [{side: crown, from: 2019-13-01}]\n",
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=r"conflict\.yaml"):
        load_conflict("bad", path)


def test_conflict_the_state_changed_hands_on_8_december_2024() -> None:
    profile = load_conflict()
    assert profile.era("government", date(2024, 12, 7)) != profile.era("government", date(2024, 12, 8))
    assert profile.succeeded("government", date(2016, 7, 30), date(2024, 12, 9)) == "former_regime"
    assert profile.succeeded("government", date(2024, 12, 8), date(2025, 3, 10)) == ""
    assert profile.succeeded("kurdish", date(2016, 7, 30), date(2025, 3, 10)) == ""
    # the side's label names the forces of the day, and its one label serves when no day is known
    assert profile.label("government", BEFORE_THE_FALL) != profile.label("government", AFTER_THE_FALL)
    assert profile.label("government", None) == profile.side("government").label
    assert profile.label("kurdish", AFTER_THE_FALL) == profile.side("kurdish").label


def test_conflict_a_succession_needs_its_day(tmp_path: Path) -> None:
    path = tmp_path / "conflict.yaml"
    path.write_text("sides:\n  - {id: crown}\n  - {id: old_crown}\n"
                    "successions:\n  - {side: crown, before: old_crown}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"conflict\.yaml.*'day'"):
        load_conflict("bad", path)
    path.write_text("sides:\n  - {id: crown}\n  - {id: old_crown}\n"
                    "successions:\n  - {side: crown, day: 2020-02-01, before: old_crown}\n", encoding="utf-8")
    profile = load_conflict("good", path)
    assert profile.succeeded("crown", date(2020, 1, 1), date(2020, 3, 1)) == "old_crown"


def test_conflict_who_a_backer_s_proxies_fight_for_is_the_profile_s(tmp_path: Path) -> None:
    from sitrep.actors import find_actors, load_actor_catalogue

    shipped = load_conflict()
    assert shipped.proxy_sides()["russia"] == "government" and shipped.proxy_sides()["turkey"] == "turkey"
    assert "us_coalition" not in shipped.proxy_sides()  # the US backed rebels and the SDF alike
    text = "Russian-backed militants and US-backed militants advanced."
    sides = [m.side for m in find_actors(text, load_actor_catalogue(profile=shipped), on=BEFORE_THE_FALL)
             if m.generic]
    assert sides == ["government", "unknown"]  # a neutral wire's militants: backing by the US tells no side
    overlay = tmp_path / "conflict.yaml"
    overlay.write_text("sides:\n  - {id: us_coalition, label: US-led coalition forces, holds_ground: true,"
                       " aircraft: true, stance: pro-us, proxies: kurdish}\n", encoding="utf-8")
    extended = load_conflict(overlays=[overlay])
    sides = [m.side for m in find_actors(text, load_actor_catalogue(profile=extended), on=BEFORE_THE_FALL)
             if m.generic]
    assert sides == ["government", "kurdish"]  # the overlay's reading of "US-backed", without code
    overlay.write_text("sides:\n  - {id: turkey, label: Turkish forces, proxies: ottoman}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="ottoman"):
        load_conflict(overlays=[overlay])


def test_conflict_the_country_its_box_and_who_calls_each_side_names_are_the_profile_s(tmp_path: Path) -> None:
    path = tmp_path / "conflict.yaml"
    path.write_text("country: Elsewhere\niso_numeric: 999\nregion: Nowhere\nbounds: [10, 12, 20, 23]\n"
                    "sides:\n  - {id: crown, hostile_stance: rebel}\n", encoding="utf-8")
    profile = load_conflict("elsewhere", path)
    assert (profile.country, profile.iso_numeric, profile.region, profile.bounds) == \
        ("Elsewhere", 999, "Nowhere", (10.0, 12.0, 20.0, 23.0))
    assert profile.side("crown").hostile_stance == "rebel"
    syria = load_conflict()
    assert syria.iso_numeric == 760 and syria.bounds is not None and syria.bounds[0] < 33.5 < syria.bounds[1]
    path.write_text("bounds: [12, 10, 20, 23]\nsides:\n  - {id: crown}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"conflict\.yaml:1.*south < north"):
        load_conflict("elsewhere", path)
