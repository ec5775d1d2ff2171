"""Load, briefly: 50 concurrent API clients and two writers of comments and votes against a real `sitrep
serve` (uvicorn) while a real `sitrep ingest` writes to the same SQLite database, until it has ended, get no
errors (bench/load.py runs it for 60 s and times it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.load import run_load

CLIENTS = 50
SECONDS = 10.0
DOCUMENTS = 600  # a quarter ingested first, the rest while the clients read
WRITERS = 2  # clients posting comments and votes meanwhile, until the ingest has ended


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_load_50_clients_during_an_ingest_get_no_errors(tmp_path: Path) -> None:
    result = run_load(tmp_path, CLIENTS, SECONDS, DOCUMENTS, writers=WRITERS, through_ingest=True)
    assert dict(result.errors) == {}
    assert result.requests >= CLIENTS  # every client got answers
    assert {"events", "event", "control", "changes", "places", "comment", "vote"} <= set(result.by_route)
    assert not result.ingest_running_at_end  # the writes went on through the merging after the batch
    assert result.documents_after > result.documents_before  # the ingest was writing meanwhile
