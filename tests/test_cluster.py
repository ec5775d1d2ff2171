"""The Dask engine on a real LocalCluster of two worker processes: the same store as one process, the same
rejects, a failing task recorded per document, and `sitrep ingest --engine dask --scheduler ADDRESS`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from sitrep.cli import _resources
from sitrep.cluster import extract_on_cluster, load_on_workers, open_client, run_batch_on_cluster
from sitrep.errors import SitrepError
from sitrep.events.extract import Extraction, Resources, extract
from sitrep.ingest import read_documents
from sitrep.model import Document, Reject
from sitrep.pipeline import run_batch
from sitrep.reconcile import merged_events
from sitrep.settings import Settings
from sitrep.store import Store, open_store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "sitrep" / "data" / "examples"
DEV_CORPUS = REPO.parent / "shared" / "data" / "corpus-dev"
# Dev corpus reports added to the examples when ../shared is present: enough for several chunks per worker.
DEV_REPORTS = 10
# Documents per task in these tests: small, so that even the examples make several chunks.
SMALL_CHUNK = 2


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with an empty data home, so that no user gazetteer or alias file changes the results."""
    return Settings(data_home=str(tmp_path_factory.mktemp("data_home")))


@pytest.fixture(scope="module")
def cluster(settings: Settings) -> Iterator[tuple[Any, str]]:
    with open_client(workers=2) as client:
        plugin, costs = load_on_workers(client, partial(_resources, settings))
        assert len(costs) == 2 and all(c.seconds > 0 and c.rss_after_mb > c.rss_before_mb for c in costs)
        yield client, plugin


@pytest.fixture(scope="module")
def resources(settings: Settings) -> Resources:
    return _resources(settings)


def _reports(tmp_path: Path) -> list[Path]:
    paths = [EXAMPLES]
    if DEV_CORPUS.exists():
        folder = tmp_path / "dev"
        folder.mkdir()
        for report in sorted(DEV_CORPUS.glob("*.md"))[:DEV_REPORTS]:
            (folder / report.name).write_bytes(report.read_bytes())
        paths.append(folder)
    return paths


def _stored(store: Store) -> dict[str, Any]:
    return {"events": store.query_events(), "counts": store.counts(),
            "merged": sorted(repr(m) for m in merged_events(store)),
            "rejects": sorted((r.origin, r.reason, r.stage) for r in store.rejects())}


def test_cluster_stores_the_same_as_one_process(tmp_path: Path, cluster: tuple[Any, str],
                                                resources: Resources) -> None:
    client, plugin = cluster
    paths = _reports(tmp_path)
    with open_store(str(tmp_path / "local.db")) as store:
        local = run_batch(paths, store, resources)
        expected = _stored(store)
    seen: list[str] = []
    with open_store(str(tmp_path / "dask.db")) as store:
        distributed = run_batch_on_cluster(paths, store, client, plugin, chunk_documents=SMALL_CHUNK,
                                           on_document=seen.append)
        got = _stored(store)
    assert distributed.documents == local.documents == len(seen) >= 5
    assert distributed.events == local.events > 0 and not distributed.rejects
    assert got["events"] == expected["events"]
    assert got == expected


def _mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text((EXAMPLES / sorted(p.name for p in EXAMPLES.glob("*.md"))[0]).read_text(
        encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    lines = [json.dumps({"text": "Rebels captured Khan Tuman on Friday.", "published": "2016-08-06",
                         "source": "Batch Wire", "id": "kt"}), "{not json"]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_cluster_records_bad_documents_as_one_process_does(tmp_path: Path, cluster: tuple[Any, str],
                                                           resources: Resources) -> None:
    client, plugin = cluster
    folder = _mixed_folder(tmp_path)
    with open_store(str(tmp_path / "local.db")) as store:
        local = run_batch([folder], store, resources)
        expected = _stored(store)
    with open_store(str(tmp_path / "dask.db")) as store:
        distributed = run_batch_on_cluster([folder], store, client, plugin)
        got = _stored(store)
    assert distributed.documents == local.documents == 2
    assert len(got["rejects"]) == len(distributed.rejects) == 3
    assert got == expected


def test_cluster_failed_task_is_recorded_per_document(cluster: tuple[Any, str]) -> None:
    """A task that fails on the worker (here: a plugin no worker has loaded) becomes one Reject per document
    of its chunk, after each was tried on its own; strict mode raises instead."""
    client, _ = cluster
    documents = [d for d in read_documents([EXAMPLES]) if isinstance(d, Document)][:3]
    results = list(extract_on_cluster(client, "sitrep-resources-never-loaded", documents, chunk_documents=3))
    assert [r.origin for r in results if isinstance(r, Reject)] == [d.path or d.doc_id for d in documents]
    assert all(isinstance(r, Reject) and r.stage == "extract" and "no resources loaded" in r.reason
               for r in results)
    with pytest.raises(SitrepError, match="no resources loaded"):
        list(extract_on_cluster(client, "sitrep-resources-never-loaded", documents, strict=True))


def test_cluster_results_come_in_document_order(cluster: tuple[Any, str]) -> None:
    client, plugin = cluster
    documents = [d for d in read_documents([EXAMPLES]) if isinstance(d, Document)]
    results = list(extract_on_cluster(client, plugin, documents, chunk_documents=1))
    assert [r.document.doc_id for r in results if isinstance(r, Extraction)] == [d.doc_id for d in documents]


def _sitrep(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SITREP_DATA_HOME": settings.data_home}
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env)


def test_cluster_cli_ingests_on_a_given_scheduler(tmp_path: Path, cluster: tuple[Any, str],
                                                  settings: Settings) -> None:
    client, _ = cluster
    address = client.scheduler.address
    workers = sorted(client.scheduler_info()["workers"])
    env_db = str(tmp_path / "cli.db")
    done = _sitrep(settings, "ingest", str(EXAMPLES), "--engine", "dask", "--scheduler", address, "--db", env_db)
    assert done.returncode == 0, done.stderr
    assert [line.split()[1].rstrip(":") for line in done.stdout.splitlines()
            if line.strip().startswith("worker ")] == workers
    with open_store(str(tmp_path / "local.db")) as store:
        run_batch([EXAMPLES], store, _resources(settings))
        expected = store.query_events()
    with open_store(env_db) as store:
        assert store.query_events() == expected


def test_cluster_cli_unreachable_scheduler_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    done = _sitrep(settings, "ingest", str(EXAMPLES), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
                   "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in done.stderr


def test_cluster_finishes_what_a_killed_run_left_pending(tmp_path: Path, cluster: tuple[Any, str],
                                                         resources: Resources) -> None:
    """Documents stored but never merged (a run killed before its after-batch work) are finished by the
    next run on the cluster exactly as by the next run in one process."""
    client, plugin = cluster
    documents = [d for d in read_documents([EXAMPLES]) if isinstance(d, Document)]
    stores = {}
    for name in ("local", "dask"):
        store = stores[name] = open_store(str(tmp_path / f"{name}.db"))
        for document in documents:
            result = extract(document, resources)
            places = [p.place for p in result.places if p.place is not None]
            store.save_document(document, result.events, places, pending=True)
        assert len(store.pending_documents()) == len(documents)
    with stores["local"] as store:
        run_batch([], store, resources)
        expected = _stored(store)
    with stores["dask"] as store:
        run_batch_on_cluster([], store, client, plugin)
        assert not store.pending_documents()
        got = _stored(store)
    assert got["merged"] and got == expected


def test_cluster_cli_workers_that_cannot_load_are_a_clear_error(tmp_path: Path, cluster: tuple[Any, str],
                                                                 settings: Settings) -> None:
    client, _ = cluster
    done = subprocess.run([sys.executable, "-m", "sitrep.cli", "ingest", str(EXAMPLES), "--engine", "dask",
                           "--scheduler", client.scheduler.address, "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "SITREP_DATA_HOME": settings.data_home,
                               "SITREP_NLP_MODEL": "no_such_spacy_pipeline"})
    assert done.returncode == 2, done.stderr
    message = " ".join(done.stderr.split())  # the console wraps long lines
    assert "a worker could not load the resources: NlpError" in message
    assert "no_such_spacy_pipeline" in message
