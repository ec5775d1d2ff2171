"""Crash safety: a real `sitrep ingest` subprocess killed with SIGKILL at random moments and restarted ends
with the database an uninterrupted ingest of the same folder gives (bench/crash.py runs 20 cycles)."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.crash import (
    Cycle,
    compare,
    half_stored,
    kill_once,
    plan_cycle,
    run_to_end,
    snapshot,
    table_count,
    write_corpus,
)

# At least this many documents: thousands of small real-text documents, as the target asks for.
CORPUS_DOCUMENTS = 1000
CYCLES = 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "corpus"
    assert write_corpus(folder, CORPUS_DOCUMENTS) == CORPUS_DOCUMENTS
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path) -> tuple[Path, float]:
    db = corpus.parent / "reference.db"
    return db, run_to_end(corpus, db)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_crash_safety_killed_and_restarted_ingest_equals_an_uninterrupted_one(
        corpus: Path, reference: tuple[Path, float]) -> None:
    reference_db, seconds = reference
    total = table_count(reference_db, "documents")
    assert total == CORPUS_DOCUMENTS and table_count(reference_db, "merged_events") > 0
    assert half_stored(reference_db) == []
    crashed = corpus.parent / "crashed.db"
    rng = random.Random(20261125)
    # One kill in each phase for sure, then one at random.
    plans = [Cycle("storing", target=rng.randint(1, total // 2), delay=0.0),
             Cycle("after-batch", target=total, delay=rng.uniform(0.0, 1.0))]
    cycles = [kill_once(corpus, crashed, plan, total) for plan in plans]
    cycles += [kill_once(corpus, crashed, plan_cycle(rng, crashed, total, seconds * 0.2), total)
               for _ in range(CYCLES - len(plans))]
    assert not any(c.finished for c in cycles[:2]), cycles
    assert 0 < cycles[0].documents < total and cycles[0].pending == cycles[0].documents
    assert cycles[1].documents == total and cycles[1].pending > 0  # killed before its after-batch work ended
    run_to_end(corpus, crashed)
    comparison = compare(crashed, reference_db)
    assert comparison.problems == []
    assert comparison.counts["documents"] == total and comparison.counts["control_states"] > 0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_crash_safety_comparison_sees_a_half_finished_database(corpus: Path, reference: tuple[Path, float],
                                                               tmp_path: Path) -> None:
    """The comparison is not blind: a database killed in its after-batch phase and not restarted differs."""
    reference_db, _ = reference
    total = table_count(reference_db, "documents")
    db = tmp_path / "killed.db"
    cycle = kill_once(corpus, db, Cycle("after-batch", target=total, delay=0.0), total)
    assert not cycle.finished and cycle.pending == total
    problems = compare(db, reference_db).problems
    assert any("still pending" in p for p in problems)
    assert any(p.startswith("merged_events:") for p in problems)


@pytest.mark.slow
def test_crash_safety_redoing_pending_work_changes_nothing(tmp_path: Path, nlp: Any, gazetteer: Any) -> None:
    """A kill after a batch's merging and control committed but before its pending marks were cleared: the
    next run does that work again, and the database ends as it was (both replace what a document gave)."""
    from sqlalchemy import insert, select

    from sitrep.events.extract import load_resources
    from sitrep.pipeline import run_batch
    from sitrep.store import open_store
    from sitrep.store.schema import DocumentRow, PendingDocumentRow

    folder = tmp_path / "corpus"
    write_corpus(folder, 60)
    db = tmp_path / "store.db"
    resources = load_resources(nlp, gazetteer)
    with open_store(str(db)) as store:
        summary = run_batch([folder], store, resources)
        assert summary.documents == 60 and store.pending_documents() == []
    before = snapshot(db)
    assert sum(before["merged_events"].values()) > 0
    with open_store(str(db)) as store:
        with store.engine.begin() as connection:
            ids = list(connection.scalars(select(DocumentRow.id)))
            connection.execute(insert(PendingDocumentRow), [{"document_id": i} for i in ids])
        assert len(store.pending_documents()) == 60
        again = run_batch([], store, resources)
        assert again.documents == 0 and store.pending_documents() == []
    assert snapshot(db) == before
