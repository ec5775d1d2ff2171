"""The runner and the CLI end to end: ingest into a real SQLite file, query, export, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sitrep.events.extract import Resources, load_resources
from sitrep.export import events_from_jsonl, events_to_jsonl
from sitrep.geo import Gazetteer
from sitrep.pipeline import run_batch
from sitrep.store import open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples"
REPORT = """---
source: "Test Wire"
published: 2016-08-10
stance: neutral
---
Government warplanes struck Anadan and Hraytan on Monday, residents said. Rebels shelled the
Hamdaniyah district of Aleppo on Tuesday.
"""


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Gazetteer) -> Resources:
    return load_resources(nlp, gazetteer)


def _mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(REPORT, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "cut.html").write_text("<html><body><article><p>Syrian army units shelled Douma on Sunday, "
                                     "state media said. The bombardment went on into the", encoding="utf-8")
    lines = [json.dumps({"text": "Rebels captured Khan Tuman on Friday.", "published": "2016-08-06",
                         "source": "Batch Wire", "id": "kt"}), "{not json", json.dumps({"no_text": 1})]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_pipeline_bad_documents_never_spoil_the_batch(tmp_path: Path, resources: Resources) -> None:
    with open_store(str(tmp_path / "t.db")) as store:
        summary = run_batch([_mixed_folder(tmp_path)], store, resources)
        counts = store.counts()
        rejects = store.rejects()
    assert summary.documents == 3  # good.md, cut.html, the good JSON Lines line
    origins = {Path(r.origin.split(":")[0]).name for r in rejects}
    assert {"empty.txt", "binary.txt", "batch.jsonl"} <= origins
    assert len(rejects) == len(summary.rejects) == 4
    assert counts["documents"] == 3 and counts["rejects"] == 4
    assert counts["events"] == summary.events > 0


def test_pipeline_ingest_is_idempotent(tmp_path: Path, resources: Resources) -> None:
    folder = _mixed_folder(tmp_path)
    with open_store(str(tmp_path / "t.db")) as store:
        run_batch([folder], store, resources)
        first = store.counts()
        again = run_batch([folder], store, resources)
        second = store.counts()
    assert again.duplicates == again.documents == 3 and again.events == 0
    assert {k: v for k, v in first.items() if k != "rejects"} == {k: v for k, v in second.items() if k != "rejects"}


def test_pipeline_export_round_trip(tmp_path: Path, resources: Resources) -> None:
    with open_store(str(tmp_path / "t.db")) as store:
        run_batch(sorted(EXAMPLES.glob("0*.md")), store, resources)
        stored = store.query_events()
    assert len(stored) > 10
    assert events_from_jsonl(events_to_jsonl(stored)) == stored


def _sitrep(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow
def test_pipeline_cli_ingest_query_export(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text(REPORT, encoding="utf-8")
    db = str(tmp_path / "cli.db")
    ingest = _sitrep("ingest", str(tmp_path / "report.md"), "--db", db, cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    assert "documents: 1" in ingest.stdout
    listed = _sitrep("events", "--db", db, "--format", "jsonl", "--type", "Air/drone strike", cwd=tmp_path)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert any("Anadan" in r["location"] for r in rows)
    assert {r["sub_event_type"] for r in rows} == {"Air/drone strike"}
    near = _sitrep("events", "--db", db, "--format", "jsonl", "--near", "Aleppo", "--km", "15", cwd=tmp_path)
    assert all(json.loads(line)["location"] for line in near.stdout.splitlines())
    exported = _sitrep("export", "--db", db, "--format", "acled-csv", cwd=tmp_path)
    table = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert table and {"event_date", "sub_event_type", "latitude", "longitude"} <= set(table[0])


@pytest.mark.slow
def test_pipeline_cli_extract_and_classify(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text(REPORT, encoding="utf-8")
    out = _sitrep("extract", str(tmp_path / "report.md"), "--format", "jsonl", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events and all(e["source"] == "Test Wire" for e in events)
    snippets = tmp_path / "s.tsv"
    snippets.write_text("id\tsnippet\n1\tPolice arrested a journalist at his home in Hama on Monday.\n"
                        "2\tThe central bank raised interest rates again.\n", encoding="utf-8")
    labels = _sitrep("classify", str(snippets), cwd=tmp_path)
    assert labels.stdout.splitlines() == ["1\tArrests", "2\tNone"]


@pytest.mark.slow
def test_pipeline_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    out = _sitrep("extract", str(tmp_path / "empty.md"), cwd=tmp_path)
    assert out.returncode == 2 and "empty" in out.stderr and "Traceback" not in out.stderr
    out = _sitrep("extract", str(tmp_path / "report.md"), "--published", "2016-02-30", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
