"""A source's stance: from the publishers file by name or domain, a user's file first, else its labels."""

from __future__ import annotations

from pathlib import Path

from sitrep.actors import find_actors, load_actor_catalogue
from sitrep.stance import infer_stance, load_publishers, read_publishers, stance_of_source


def test_stance_known_publisher_by_name_and_by_domain() -> None:
    assert stance_of_source("SANA") == "pro-government"
    assert stance_of_source("Orient News correspondent") == "opposition"
    assert stance_of_source("", "https://www.reuters.com/article/x") == "neutral"
    assert stance_of_source("Santana Daily") == ""  # "SANA" only as a whole word


def test_stance_users_file_wins(tmp_path: Path) -> None:
    mine = tmp_path / "sources.yaml"
    mine.write_text("publishers:\n  - {names: [SANA], domains: [], stance: neutral}\n", encoding="utf-8")
    publishers = load_publishers((mine,))
    assert read_publishers(mine)[0].stance == "neutral"
    assert stance_of_source("SANA", publishers=publishers) == "neutral"


def test_stance_inferred_from_hostile_labels() -> None:
    catalogue = load_actor_catalogue()
    progov = ("The terrorists shelled the city again. Our heroes pushed the terrorists back, and the "
              "takfiri terrorists fled.")
    opposition = "The regime bombed the market. Assad's militias and the regime's shabiha looted homes."
    neutral = "Government forces and rebels clashed near the town, a monitoring group said."
    assert infer_stance(find_actors(progov, catalogue), catalogue) == "pro-government"
    assert infer_stance(find_actors(opposition, catalogue), catalogue) == "opposition"
    assert infer_stance(find_actors(neutral, catalogue), catalogue) == ""


def test_stance_publishers_of_every_camp_are_known() -> None:
    from sitrep.stance import stance_of_source

    assert stance_of_source("Daily Sabah") == "pro-turkey"
    assert stance_of_source("The Times of Israel") == "israeli"
    assert stance_of_source("", "https://www.tasnimnews.com/en/news/1") == "iranian-state"
    assert stance_of_source("Rudaw") == "kurdish"
