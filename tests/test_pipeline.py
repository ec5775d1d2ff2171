"""The runner and the CLI end to end: ingest into a real SQLite file, query, export, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import sitrep.pipeline
from sitrep.control.storage import update_control_after_save
from sitrep.errors import StoreError
from sitrep.events.extract import Extraction, Resources, load_resources
from sitrep.export import events_from_jsonl, events_to_jsonl
from sitrep.geo import Gazetteer
from sitrep.ingest import read_document, read_documents
from sitrep.model import Document
from sitrep.pipeline import extract_documents, run_batch
from sitrep.reconcile import merged_events, reconcile_after_save
from sitrep.store import Store, open_store

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


# Dev-corpus reports reposted on another site in a later batch, so that batches also find near-duplicates.
REPOSTS = 4
# What merging and control leave in the store, in a stable order (row ids aside, documents by doc_id).
AFTER_BATCH_TABLES = {
    "merged_events": "SELECT * FROM merged_events ORDER BY merged_id",
    "merged_reports": "SELECT event_id, merged_id FROM merged_reports ORDER BY event_id",
    "document_copies": "SELECT d.doc_id, o.doc_id, c.similarity FROM document_copies c "
                       "JOIN documents d ON d.id = c.document_id JOIN documents o ON o.id = c.original_id ORDER BY 1",
    "document_bands": "SELECT d.doc_id, b.band, b.bucket FROM document_bands b "
                      "JOIN documents d ON d.id = b.document_id ORDER BY 1, 2",
    "control_observations": "SELECT d.doc_id, o.place_id, o.observed_on, o.side, o.state, o.fact_status, o.claimant, "
                            "o.event_id, o.basis, o.hedged, o.evidence FROM control_observations o "
                            "JOIN documents d ON d.id = o.document_id ORDER BY o.id",
    "control_places": "SELECT * FROM control_places ORDER BY place_id",
    "control_states": "SELECT layer, place_id, place_name, admin1, lat, lon, side, state, valid_from, valid_until, "
                      "confidence, previous_side, event_ids, sources, reports FROM control_states "
                      "ORDER BY place_id, layer, valid_from, valid_until, side, state",
}


def _after_batch_tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as connection:
        return {name: [tuple(row) for row in connection.execute(text(query))]
                for name, query in AFTER_BATCH_TABLES.items()}


def _reposts(shared: Path, folder: Path) -> Path:
    folder.mkdir()
    for path in sorted((shared / "data" / "corpus-dev").glob("*.md"))[:REPOSTS]:
        document = read_document(path)
        (folder / f"{document.doc_id}-mirror.md").write_text(
            f"---\npublished: {document.published or ''}\nsource: Mirror Site\nstance: {document.stance}\n---\n"
            f"Reposted from the original site.\n\n{document.text}\n\nShare this: Twitter | Facebook\n",
            encoding="utf-8")
    return folder


@pytest.mark.slow
def test_pipeline_after_batch_equals_one_document_at_a_time(tmp_path: Path, resources: Resources,
                                                            shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch's merging and control (reconcile_documents, update_control_for_documents, a few documents
    per step) leave the store as the per-document hooks do, batch after batch: merged events, confidence,
    copies, control."""
    monkeypatch.setattr(sitrep.pipeline, "AFTER_BATCH_STEP", 4)  # the dev corpus in four steps
    batches: list[tuple[list[Path], dict[str, Any]]] = [
        ([shared / "data" / "corpus-dev"], {}),
        ([shared / "eval" / "seed.txt"], {"published": date(2016, 7, 30), "source": "Syrian Perspective"}),
        ([_reposts(shared, tmp_path / "reposts")], {}),
    ]
    with open_store(str(tmp_path / "batch.db")) as store:
        for paths, flags in batches:
            summary = run_batch(paths, store, resources, **flags)
            assert not [r for r in summary.rejects if r.stage == "reconcile"]
        batched = _after_batch_tables(store)
        corroborated = [m for m in merged_events(store) if m.independent_sources > 1]
    with open_store(str(tmp_path / "each.db")) as store:
        for paths, flags in batches:
            documents = [d for d in read_documents(paths, **flags) if isinstance(d, Document)]
            for result in extract_documents(documents, resources):
                assert isinstance(result, Extraction)
                places = [p.place for p in result.places if p.place is not None]
                if not store.save_document(result.document, result.events, places).duplicate:
                    reconcile_after_save(store, result.document.doc_id)
                    update_control_after_save(store, result.document.doc_id, result.observations)
        one_at_a_time = _after_batch_tables(store)
    assert len(batched["document_copies"]) >= REPOSTS
    assert corroborated
    assert batched["control_states"] and batched["control_observations"]
    for name in AFTER_BATCH_TABLES:
        assert batched[name] == one_at_a_time[name], name


def test_pipeline_after_batch_failure_falls_back_to_each_document(tmp_path: Path, resources: Resources,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import sitrep.reconcile

    def broken_batch(store: Store, doc_ids: list[str], *weights: object) -> None:
        raise StoreError("the batch cannot be reconciled")

    one_document = sitrep.reconcile.reconcile_after_save

    def broken_for_kt(store: Store, doc_id: str, *weights: Any) -> None:
        if doc_id == "kt":
            raise StoreError("this one cannot be reconciled")
        one_document(store, doc_id, *weights)

    monkeypatch.setattr(sitrep.reconcile, "reconcile_documents", broken_batch)
    monkeypatch.setattr(sitrep.reconcile, "reconcile_after_save", broken_for_kt)
    with open_store(str(tmp_path / "t.db")) as store:
        summary = run_batch([_mixed_folder(tmp_path)], store, resources)
        merged = merged_events(store)
    failed = [r for r in summary.rejects if r.stage == "reconcile"]
    assert summary.documents == 3 and len(summary.rejects) == 5
    assert len(failed) == 1 and "this one cannot be reconciled" in failed[0].reason
    assert merged  # the other documents were reconciled one at a time


def test_pipeline_document_over_the_budget_setting_is_a_reject(tmp_path: Path, resources: Resources,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`SITREP_MAX_DOCUMENT_CHARS` reaches the runner: the longer report is recorded as a Reject with the
    setting's name, the shorter one is stored."""
    from sitrep.settings import document_budget, load_settings

    monkeypatch.setenv("SITREP_MAX_DOCUMENT_CHARS", "500")
    budget = document_budget(load_settings(cwd=tmp_path))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "short.md").write_text(REPORT, encoding="utf-8")
    (folder / "long.md").write_text(REPORT + "\n" + "Rebels shelled the Hamdaniyah district again. " * 20,
                                    encoding="utf-8")
    with open_store(str(tmp_path / "t.db")) as store:
        summary = run_batch([folder], store, resources, budget=budget)
        rejects = store.rejects()
    assert summary.documents == 1 and summary.events > 0
    assert [r.origin for r in rejects] == [str(folder / "long.md")]
    assert "max_document_chars" in rejects[0].reason and "over the limit of 500" in rejects[0].reason


# One-sentence reports in the concurrent-writer test, merged AFTER_STEP_IN_TEST at a time.
CONCURRENT_REPORTS = 300
AFTER_STEP_IN_TEST = 20
# A writer in another process, as the API is: it takes SQLite's write lock every 10 ms until told to stop,
# and prints how long each write waited.
PROBE = """
import sqlite3, sys, time
from pathlib import Path
connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
connection.execute("CREATE TABLE IF NOT EXISTS probe (at REAL)")
while not Path(sys.argv[2]).exists():
    started = time.perf_counter()
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO probe VALUES (?)", (started,))
        connection.execute("COMMIT")
        print(time.perf_counter() - started, flush=True)
    except sqlite3.OperationalError as e:
        print("failed:", e, flush=True)
    time.sleep(0.01)
"""


@pytest.mark.slow
def test_pipeline_after_batch_lets_other_writers_in_between_steps(tmp_path: Path, resources: Resources,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer in another process during a batch is never locked out (none of its writes fails), and the
    after-batch stage commits in steps, none of them holding the write lock for the whole stage."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    from bench.scaling import one_sentence_reports

    monkeypatch.setattr(sitrep.pipeline, "AFTER_BATCH_STEP", AFTER_STEP_IN_TEST)
    names = sorted({p.name for p in resources.gazetteer.places if p.kind == "town" and p.name.isascii()})
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(one_sentence_reports(CONCURRENT_REPORTS, names)) + "\n", encoding="utf-8")
    db, stop = tmp_path / "t.db", tmp_path / "stop"
    with open_store(str(db)) as store:
        writer = subprocess.Popen([sys.executable, "-c", PROBE, str(db), str(stop)], stdout=subprocess.PIPE,
                                  text=True)
        try:
            summary = run_batch([path], store, resources)
        finally:
            stop.touch()
            output, _ = writer.communicate(timeout=60)
    lines = output.split()
    assert summary.documents == CONCURRENT_REPORTS and not summary.rejects
    assert "failed:" not in lines and len(lines) > 100
    assert 0 < summary.longest_write_seconds <= summary.reconcile_seconds


def test_pipeline_after_batch_leaves_the_sqlite_lock_free_between_bursts(
        tmp_path: Path, resources: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's busy handler is not fair, so the after-batch steps leave the write lock free once a burst of
    them has run (here every step: a burst of no length); the documents are merged as without the pauses."""
    monkeypatch.setattr(sitrep.pipeline, "AFTER_BATCH_STEP", 1)
    monkeypatch.setattr(sitrep.pipeline, "LOCK_BURST_SECONDS", 0.0)
    pauses: list[None] = []
    monkeypatch.setattr(sitrep.pipeline, "_yield_lock", lambda: pauses.append(None))
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.md").write_text(REPORT.replace("Hamdaniyah", ["Hamdaniyah", "Ramouseh", "Sukkari"][number]),
                                             encoding="utf-8")
    with open_store(str(tmp_path / "t.db")) as store:
        summary = run_batch([folder], store, resources)
        merged = merged_events(store)
    assert summary.documents == 3 and not summary.rejects and merged
    assert len(pauses) == 3  # one after each step
