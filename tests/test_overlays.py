"""User overlays of a conflict profile (sitrep/overlays.py): a temporary data_home whose
`conflicts/syria/` adds to the shipped files, read through the real loaders, spaCy and gazetteer."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sitrep.errors import DataFileError
from sitrep.events.extract import extract, load_resources
from sitrep.export import event_record
from sitrep.geo import Gazetteer
from sitrep.ingest import read_document
from sitrep.model import Document
from sitrep.overlays import check_profile, profile_files

ACTORS_HEADER = "name\tside\tactor_type\tgeneric\tstance_sides\taliases\tpejorative_aliases\tvalid_from\tvalid_until\n"


def _overlay(data_home: Path, files: dict[str, str]) -> Path:
    folder = data_home / "conflicts" / "syria"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_overlays_an_actor_and_a_side_added_by_a_user(tmp_path: Path, nlp: Any, gazetteer: Gazetteer) -> None:
    # a Wagner-style contractor the shipped catalogue does not know, on a side of the user's own
    _overlay(tmp_path, {
        "conflict.yaml": "sides:\n  - {id: contractors, label: private military contractors, colour: '#663399',"
                         " acled_type: External/Other forces, holds_ground: true}\n",
        "actors.tsv": ACTORS_HEADER + "Zarya Group\tcontractors\tExternal/Other forces\tno\t\t"
                                      "Zarya fighters|Zarya contractors\t\t\t\n",
    })
    resources = load_resources(nlp, gazetteer, tmp_path)
    assert resources.actors.profile.side("contractors").label == "private military contractors"
    document = Document(doc_id="t", text="Zarya fighters stormed the village of Kafr Zita on Monday.",
                        source="test", published=date(2018, 2, 7), stance="neutral")
    events = extract(document, resources).events
    assert events and (events[0].actor1, events[0].actor1_side) == ("Zarya Group", "contractors")
    # without the overlay the name is nobody
    plain = extract(document, load_resources(nlp, gazetteer, tmp_path / "elsewhere")).events
    assert all(e.actor1 != "Zarya Group" for e in plain)


def test_overlays_a_user_row_extends_a_shipped_actor(tmp_path: Path) -> None:
    _overlay(tmp_path, {"actors.tsv": ACTORS_HEADER + "Tiger Forces\tgovernment\tState forces\tno\t\t"
                                                      "Nimr's men\t\t\t\n"})
    files = profile_files(tmp_path)
    catalogue = files.load_actors(files.load_profile())
    entry = catalogue.get("Nimr's men")
    assert entry is not None and entry.actor.name == "Tiger Forces"


def test_overlays_a_broken_actor_row_names_its_file_and_line(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, {"actors.tsv": ACTORS_HEADER + "Good Group\topposition\tRebel group\tno\t\t\t\t\t\n"
                                                               "Bad Group\tNot A Side\tRebel group\tno\t\t\t\t\t\n"})
    files = profile_files(tmp_path)
    with pytest.raises(DataFileError, match=rf"{folder / 'actors.tsv'}:3: bad side 'Not A Side'"):
        files.load_actors(files.load_profile())


def test_overlays_a_broken_profile_entry_names_its_file_and_line(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, {"conflict.yaml": "stances:\n  pro-kurdish:\n    - {side: kurdish}\n"
                                                  "    - {side: kurdish, from: 2019-02-30}\n"})
    with pytest.raises(DataFileError, match=rf"{folder / 'conflict.yaml'}:4: not a day"):
        profile_files(tmp_path).load_profile()
    (folder / "conflict.yaml").write_text("camps:\n  - {sides: [kurdish, wagner], from: 2018-01-01}\n",
                                          encoding="utf-8")
    with pytest.raises(DataFileError, match="'wagner' is used but not among the profile's sides"):
        profile_files(tmp_path).load_profile()


def test_overlays_a_profile_overlay_replaces_a_stance(tmp_path: Path) -> None:
    _overlay(tmp_path, {"conflict.yaml": "stances:\n  pro-russia: [{side: government}]\n"})
    profile = profile_files(tmp_path).load_profile()
    assert profile.speaks_for("pro-russia", date(2025, 3, 1)) == "government"
    assert profile_files(None).load_profile().speaks_for("pro-russia", date(2025, 3, 1)) == ""


def test_overlays_a_yaml_lexicon_is_merged_and_its_bad_entry_located(tmp_path: Path) -> None:
    files = profile_files(tmp_path)
    shipped = len(files.load_fact_cues().groups)
    folder = _overlay(tmp_path, {"fact_cues.yaml": "groups:\n  - status: expected\n    label: expectation\n"
                                                   "    phrases: [is gearing up to]\n"})
    assert len(files.load_fact_cues().groups) == shipped + 1
    (folder / "fact_cues.yaml").write_text("groups:\n  - status: expected\n    label: expectation\n    phrases: [a]\n"
                                           "  - status: rumoured\n    label: expectation\n    phrases: [b]\n",
                                           encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"{folder / 'fact_cues.yaml'}:5: .*rumoured"):
        files.load_fact_cues()


def test_overlays_check_reports_every_file(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, {"framing.tsv": "phrase\ttechnique\tnote\nliberated\tno-such-technique\t\n",
                                 "actor.tsv": "a misspelt file name\n"})
    checks = check_profile(profile_files(tmp_path))
    problems = {c.what: c.problem for c in checks if c.problem}
    assert f"{folder / 'framing.tsv'}:2" in problems["framing lexicon"]
    assert "actors.tsv" in problems["unknown file"]
    assert {c.what for c in checks if not c.problem} >= {"conflict profile", "actor catalogue", "event triggers"}


def test_overlays_cli_data_check_names_the_bad_row(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sitrep.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["data", "check", "--data-home", str(tmp_path)]).exit_code == 0
    _overlay(tmp_path, {"actors.tsv": ACTORS_HEADER + "Zarya Group\tNo Side\tRebel group\tno\t\t\t\t\t\n"})
    result = runner.invoke(app, ["data", "check", "--data-home", str(tmp_path)], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert "actors.tsv:2: bad side 'No Side'" in result.output


# The worked example of docs/extending.md: its files are the fenced blocks marked `file=<path>`.
EXTENDING = Path(__file__).resolve().parents[1] / "docs" / "extending.md"
_BLOCK = re.compile(r"^```(\w+) (file=(\S+)|expected)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_overlays_the_worked_example_of_a_new_conflict(tmp_path: Path) -> None:
    # as docs/extending.md loads it: sitrep.resources.load_resources from the settings alone
    from sitrep.resources import load_resources as load_configured_resources
    from sitrep.settings import Settings

    blocks = [(m.group(3), m.group(4)) for m in _BLOCK.finditer(EXTENDING.read_text(encoding="utf-8"))]
    for name, text in blocks:
        if name is not None:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text, encoding="utf-8")
    expected = [json.loads(line) for name, text in blocks if name is None for line in text.splitlines()]
    assert expected and (tmp_path / "conflicts" / "ruritania" / "conflict.yaml").exists()
    files = profile_files(tmp_path, "ruritania")
    assert not [c for c in check_profile(files) if c.problem]
    resources = load_configured_resources(Settings(data_home=tmp_path, conflict="ruritania"))
    assert resources.actors.get("Tiger Forces") is None  # the Syrian catalogue is not read
    report = read_document(tmp_path / "report.txt", published=date(2026, 5, 17), source="Strelsau Gazette")
    events = [event_record(e) for e in extract(report, resources).events]
    for wanted in expected:
        assert any(all(str(e.get(k)) == str(v) for k, v in wanted.items()) for e in events), (wanted, events)


def test_overlays_the_conflict_setting_chooses_the_profile(tmp_path: Path) -> None:
    # the CLI reads SITREP_CONFLICT: the worked example's profile, actors and places from the data home
    from typer.testing import CliRunner

    from sitrep.cli import app

    for match in _BLOCK.finditer(EXTENDING.read_text(encoding="utf-8")):
        if match.group(3):
            (tmp_path / match.group(3)).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / match.group(3)).write_text(match.group(4), encoding="utf-8")
    env = {"SITREP_DATA_HOME": str(tmp_path), "SITREP_CONFLICT": "ruritania", "COLUMNS": "300"}
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "report.txt"), "--published", "2026-05-17",
                                      "--source", "Strelsau Gazette", "--format", "jsonl"], env=env)
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert any((e["actor1"], e["actor1_side"], e["location"]) == ("Royal Army", "crown", "Zenda") for e in events)


def test_overlays_a_conflict_name_is_a_plain_folder_name(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="lower-case letters"):
        profile_files(tmp_path, "../elsewhere")


def test_overlays_control_cues_of_the_overlay_reach_the_pipeline(tmp_path: Path, nlp: Any,
                                                                 gazetteer: Gazetteer) -> None:
    # a holder phrase the shipped control cues lack, added by the user: the batch's statements of control use it
    from sitrep.pipeline import extract_documents

    _overlay(tmp_path, {"control_cues.yaml": "holder_after:\n  - in the grip of\n"})
    document = Document(doc_id="t", text="The village of Kafr Zita, in the grip of ISIS for a year, was quiet.",
                        source="test", published=date(2015, 3, 2), stance="neutral")

    def held(data_home: Path) -> set[tuple[str, str]]:
        results = list(extract_documents([document], load_resources(nlp, gazetteer, data_home), strict=True))
        return {o.side for r in results for o in getattr(r, "observations", ())}

    assert held(tmp_path) == {"isis"}
    assert held(tmp_path / "elsewhere") == set()
