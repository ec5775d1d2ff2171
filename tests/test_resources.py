"""The one assembly of resources from the settings (sitrep/resources.py), as the CLI, the API and the Dask
workers call it: the profile the `conflict` setting names, with the user's overlay under `data_home`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sitrep.actors import find_actors
from sitrep.resources import load_resources
from sitrep.settings import Settings

ACTORS_HEADER = "name\tside\tactor_type\tgeneric\tstance_sides\taliases\tpejorative_aliases\tvalid_from\tvalid_until\n"


def test_resources_from_settings_read_the_users_overlay(tmp_path: Path, gazetteer: Any) -> None:
    folder = tmp_path / "conflicts" / "syria"
    folder.mkdir(parents=True)
    (folder / "actors.tsv").write_text(ACTORS_HEADER + "Zarya Group\trussia\tExternal/Other forces\tno\t\t"
                                       "Zarya fighters\t\t\t\n", encoding="utf-8")
    (folder / "control_cues.yaml").write_text("holder_after:\n  - in the grip of\n", encoding="utf-8")
    resources = load_resources(Settings(data_home=tmp_path), gazetteer=gazetteer)
    assert resources.gazetteer is gazetteer and resources.nlp is not None
    assert [m.actor.name for m in find_actors("Zarya fighters advanced", resources.actors)] == ["Zarya Group"]
    assert any(p.search("Kafr Zita, in the grip of ISIS") for p in resources.control_cues.holder_after)
    plain = load_resources(Settings(data_home=tmp_path / "elsewhere"), gazetteer=gazetteer)
    assert all(m.actor.name != "Zarya Group" for m in find_actors("Zarya fighters advanced", plain.actors))
    assert not any(p.search("Kafr Zita, in the grip of ISIS") for p in plain.control_cues.holder_after)
