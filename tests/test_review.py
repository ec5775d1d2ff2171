"""Analyst review on a real SQLite store: comments, votes, verdicts, and the verdict's confidence term.

The store holds two reports of one happening from different publishers (written for these tests, in the
register of the bundled examples), ingested by the real pipeline so that they merge into one event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitrep.errors import InputError, NotFoundError
from sitrep.events.extract import load_resources
from sitrep.pipeline import run_batch
from sitrep.reconcile import explain_event
from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, AnalystReview, analyst_review_term
from sitrep.store import Store, open_store
from sitrep.store.review import (
    COMMENT,
    EVENT,
    add_comment,
    comments_of,
    latest_review,
    merged_reviews,
    set_review,
    vote,
    votes_of,
)

REPORTS = {
    "wire.md": """---
source: "Levant Wire"
published: 2016-08-07
stance: neutral
---

Rebel factions captured the Ramouseh Military Complex in southern Aleppo on Saturday, a monitoring group said.
""",
    "desk.md": """---
source: "Aleppo Media Desk"
published: 2016-08-07
stance: opposition
---

Revolutionaries captured the Ramouseh Military Complex in southern Aleppo on Saturday after a day of heavy
fighting with regime forces, the opposition's media office said.
""",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, nlp: Any, gazetteer: Any) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("review")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    with open_store(str(folder / "review.db")) as opened:
        run_batch(sorted(folder.glob("*.md")), opened, load_resources(nlp, gazetteer))
        yield opened


@pytest.fixture(scope="module")
def merged(store: Store) -> list[str]:
    """The event ids of a merged event with two reports."""
    events = store.query_events()
    for event in events:
        explanation = explain_event(store, event.event_id)
        if len(explanation.reports) == 2:
            return [r.event_id for r in explanation.reports]
    pytest.fail("the two reports did not merge into one event")


def test_review_comments_sort_by_time_and_votes(store: Store, merged: list[str]) -> None:
    event = merged[0]
    first = add_comment(store, event, "ana", "Geolocated: the academy's gate.")
    second = add_comment(store, event, "", "<img src=x onerror=alert(1)>")
    third = add_comment(store, event, "bo", "Same footage as in 2015?")
    vote(store, COMMENT, str(third.comment_id), 1, voter="ana")
    vote(store, COMMENT, str(first.comment_id), 1, voter="ana")
    vote(store, COMMENT, str(first.comment_id), 1, voter="bo")
    assert vote(store, COMMENT, str(second.comment_id), -1, voter="ana") == (0, 1)
    ids = [first.comment_id, second.comment_id, third.comment_id]
    assert [c.comment_id for c in comments_of(store, event, "oldest")] == ids
    assert [c.comment_id for c in comments_of(store, event, "newest")] == ids[::-1]
    by_votes = comments_of(store, event, "votes")
    assert [c.comment_id for c in by_votes] == [first.comment_id, third.comment_id, second.comment_id]
    assert [(c.up, c.down, c.score) for c in by_votes] == [(2, 0, 2), (1, 0, 1), (0, 1, -1)]
    assert by_votes[2].text == "<img src=x onerror=alert(1)>"  # stored as written; escaping is the page's job
    assert comments_of(store, merged[1]) == []


def test_review_refuses_bad_input_and_unknown_targets(store: Store, merged: list[str]) -> None:
    with pytest.raises(NotFoundError):
        add_comment(store, "no-such-event", "ana", "text")
    with pytest.raises(InputError):
        add_comment(store, merged[0], "ana", "   ")
    with pytest.raises(InputError):
        add_comment(store, merged[0], "ana", "x" * 10_001)
    with pytest.raises(InputError):
        vote(store, EVENT, merged[0], 0, voter="ana")
    with pytest.raises(NotFoundError):
        vote(store, COMMENT, "123456", 1, voter="ana")
    with pytest.raises(NotFoundError):
        vote(store, COMMENT, "not-a-number", 1, voter="ana")
    with pytest.raises(NotFoundError, match="no comment"):  # past a 64-bit integer: not found, not an overflow
        vote(store, COMMENT, "9" * 40, 1, voter="ana")
    with pytest.raises(InputError):
        set_review(store, merged[0], "confirmed")
    with pytest.raises(InputError):
        comments_of(store, merged[0], "best")


def test_review_event_votes_count_up_and_down(store: Store, merged: list[str]) -> None:
    before = votes_of(store, EVENT, merged[1])
    vote(store, EVENT, merged[1], 1, voter="ana")
    vote(store, EVENT, merged[1], -1, voter="bo")
    vote(store, EVENT, merged[1], 1, voter="cy")
    assert votes_of(store, EVENT, merged[1]) == (before[0] + 2, before[1] + 1)


def test_review_one_vote_per_voter_and_target_the_last_one_counts(store: Store, merged: list[str]) -> None:
    event = merged[1]
    before = votes_of(store, EVENT, event)
    for _ in range(5):
        vote(store, EVENT, event, 1, voter="dee")
    assert votes_of(store, EVENT, event) == (before[0] + 1, before[1])
    assert vote(store, EVENT, event, -1, voter="dee") == (before[0], before[1] + 1)  # changed her mind


@pytest.mark.parametrize("value", [True, False, 1.0, -1.0, "1", 2])
def test_review_vote_refuses_booleans_and_non_integers(store: Store, merged: list[str], value: Any) -> None:
    before = votes_of(store, EVENT, merged[1])
    with pytest.raises(InputError, match="integer 1 or -1"):
        vote(store, EVENT, merged[1], value, voter="eve")
    assert votes_of(store, EVENT, merged[1]) == before


def test_review_votes_cast_before_voters_keep_counting_after_the_migration(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from sitrep.store.database import migrate_database

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate_database(engine, "0008")
    with engine.begin() as connection:
        for value in (1, 1, -1):
            connection.execute(text("INSERT INTO review_votes (target, target_id, value, created) "
                                    "VALUES ('event', 'e1', :value, '2024-01-01')"), {"value": value})
    migrate_database(engine, "head")
    with engine.connect() as connection:
        voters = connection.execute(text("SELECT voter FROM review_votes ORDER BY id")).scalars().all()
        totals = connection.execute(text("SELECT SUM(value > 0), SUM(value < 0) FROM review_votes")).one()
    engine.dispose()
    assert len(set(voters)) == 3 and all(v.startswith("legacy-") for v in voters)
    assert tuple(totals) == (2, 1)


def test_review_verdict_is_the_merged_events_and_moves_its_confidence(store: Store, merged: list[str]) -> None:
    base = explain_event(store, merged[0])
    assert next(t for t in base.terms if t.name == "analyst_review").contribution == 0.0
    set_review(store, merged[1], "verified", "video matches", "ana")
    verified = explain_event(store, merged[0])  # the verdict on one report is the merged event's
    term = next(t for t in verified.terms if t.name == "analyst_review")
    assert (term.value, term.weight, term.event_ids) == (1.0, DEFAULT_WEIGHTS.analyst_verified, (merged[1],))
    unclipped = sum(t.contribution for t in verified.terms)
    assert verified.confidence == round(min(1.0, max(0.0, unclipped)), 4) == verified.event.confidence
    assert verified.confidence >= base.confidence
    set_review(store, merged[0], "disputed", "old footage", "bo")
    disputed = explain_event(store, merged[1])
    assert next(t for t in disputed.terms if t.name == "analyst_review").weight == DEFAULT_WEIGHTS.analyst_disputed
    assert disputed.confidence < base.confidence
    with store.engine.connect() as connection:
        latest = latest_review(connection, merged)
        assert latest is not None and (latest.event_id, latest.status, latest.by) == (merged[0], "disputed", "bo")
        assert {e: r.status for e, r in merged_reviews(connection, merged).items()} == dict.fromkeys(merged,
                                                                                                     "disputed")
    set_review(store, merged[0], "")
    set_review(store, merged[1], "")
    assert explain_event(store, merged[0]).confidence == base.confidence


def test_review_term_is_zero_without_a_verdict() -> None:
    assert analyst_review_term(None).contribution == 0.0
    assert analyst_review_term(AnalystReview("")).contribution == 0.0
    verified = analyst_review_term(AnalystReview("verified", "e1", "ana", "seen"))
    assert verified.contribution == DEFAULT_WEIGHTS.analyst_verified and "ana" in verified.note
    assert analyst_review_term(AnalystReview("disputed")).contribution == DEFAULT_WEIGHTS.analyst_disputed


def test_review_survives_reopening_the_store(store: Store, merged: list[str], tmp_path: Path) -> None:
    path = store.engine.url.database
    assert path
    add_comment(store, merged[0], "cy", "kept")
    with open_store(path) as again:
        assert "kept" in [c.text for c in comments_of(again, merged[0])]


def test_review_verdict_outlives_a_new_report_joining_the_event(store: Store, merged: list[str], nlp: Any,
                                                                 gazetteer: Any, tmp_path: Path) -> None:
    from sqlalchemy import select

    from sitrep.store.schema import MergedEventRow, MergedReportRow

    set_review(store, merged[0], "verified", "", "ana")
    third = tmp_path / "third.md"
    third.write_text(REPORTS["wire.md"].replace("Levant Wire", "Gulf Courier").replace(
        "Rebel factions", "Insurgent factions"), encoding="utf-8")
    run_batch([third], store, load_resources(nlp, gazetteer))
    explanation = explain_event(store, merged[0])
    assert len(explanation.reports) == 3  # merged again, now with the third report
    with store.engine.connect() as connection:
        merged_id = connection.scalar(select(MergedReportRow.merged_id).where(MergedReportRow.event_id == merged[0]))
        stored = connection.scalar(select(MergedEventRow.confidence).where(MergedEventRow.merged_id == merged_id))
    assert stored == explanation.confidence
    assert next(t for t in explanation.terms if t.name == "analyst_review").contribution > 0


def _one_event_document() -> tuple[Any, list[Any]]:
    from datetime import date

    from sitrep.model import Document, Event

    text = "Government forces shelled the town of Kafr Nabl on Tuesday, <b>activists</b> said."
    document = Document(doc_id="backend-review", text=text, source="Idlib <Desk>", published=date(2016, 8, 9),
                        stance="opposition", title="Shelling & more")
    evidence = text.split(",")[0]
    event = Event(event_id="backend-review-1", doc_id=document.doc_id, event_date=date(2016, 8, 9),
                  time_precision=1, event_type="Explosions/Remote violence",
                  sub_event_type="Shelling/artillery/missile attack", actor1="Syrian Arab Army",
                  actor1_side="government", actor2="", actor2_side="", location="Kafr Nabl", latitude=35.6,
                  longitude=36.56, geo_precision=1, fact_status="reported", evidence=evidence, evidence_start=0,
                  evidence_end=len(evidence), source=document.source, stance=document.stance)
    return document, [event]


def test_review_and_api_reads_on_every_backend(backend_url: str) -> None:
    """The review store and the API's event queries on SQLite and PostgreSQL alike."""
    from fastapi.testclient import TestClient

    from sitrep.api import create_app
    from sitrep.settings import Settings

    document, events = _one_event_document()
    with open_store(backend_url) as store:
        store.save_document(document, events)
        event_id = events[0].event_id
        first = add_comment(store, event_id, "ana", "<script>x</script>")
        second = add_comment(store, event_id, "bo", "second")
        vote(store, COMMENT, str(first.comment_id), 1, voter="ana")
        assert [c.comment_id for c in comments_of(store, event_id, "votes")] == [first.comment_id, second.comment_id]
        assert [c.comment_id for c in comments_of(store, event_id, "newest")] == [second.comment_id, first.comment_id]
        set_review(store, event_id, "disputed", "", "cy")
        with store.engine.connect() as connection:
            assert merged_reviews(connection, [event_id])[event_id].status == "disputed"
        client = TestClient(create_app(Settings(db=backend_url), store), base_url="http://localhost")
        page = client.get("/api/events", params={"type": "Explosions/Remote violence", "from": "2016-08-01"}).json()
        assert [(e["event_id"], e["review"], e["source"], e["title"]) for e in page["items"]] == [
            (event_id, "disputed", "Idlib <Desk>", "Shelling & more")]
        detail = client.get(f"/api/events/{event_id}").json()
        assert [c["text"] for c in detail["comments"]] == ["second", "<script>x</script>"]
        assert detail["reports"][0]["evidence"] == events[0].evidence and detail["review"]["by"] == "cy"


def test_review_note_is_shown_as_text_by_explain(store: Store, merged: list[str]) -> None:
    from rich.console import Console

    from sitrep.reconcile.cli import render_explanation

    set_review(store, merged[0], "disputed", "[bold]old[/bold] footage", "[red]ana")
    console = Console(record=True, width=400)
    render_explanation(console, explain_event(store, merged[0]))
    shown = console.export_text()
    assert "disputed by [red]ana: [bold]old[/bold] footage" in shown
    set_review(store, merged[0], "")


def test_review_a_busy_database_is_a_503_with_retry_after_and_never_shows_sql(
        tmp_path: Path, nlp: Any, gazetteer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A comment while another process holds SQLite's write lock past the busy timeout: a StoreBusyError
    in the store, a 503 with Retry-After from the API, and neither carries the SQL or the comment's text."""
    import sqlite3

    from fastapi.testclient import TestClient

    import sitrep.store.database
    from sitrep.api import create_app
    from sitrep.errors import StoreBusyError
    from sitrep.settings import Settings

    monkeypatch.setattr(sitrep.store.database, "SQLITE_BUSY_TIMEOUT_MS", 50)  # fail fast instead of in 10 s
    (tmp_path / "wire.md").write_text(REPORTS["wire.md"], encoding="utf-8")
    db = tmp_path / "busy.db"
    resources = load_resources(nlp, gazetteer)
    with open_store(str(db)) as opened:
        run_batch([tmp_path / "wire.md"], opened, resources)
        event_id = opened.query_events()[0].event_id
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreBusyError) as raised:
                add_comment(opened, event_id, "ana", "secret remark")
            client = TestClient(create_app(Settings(db=str(db), token="busy-token-1234"), opened, gazetteer=gazetteer,
                                           resources=resources), base_url="http://localhost")
            response = client.post(f"/api/events/{event_id}/comments", json={"author": "ana", "text": "secret remark"},
                                   headers={"Authorization": "Bearer busy-token-1234"})
        finally:
            holder.rollback()
            holder.close()
    for message in (str(raised.value), response.text):
        assert "secret remark" not in message and "INSERT" not in message and "[parameters" not in message
    assert "busy" in str(raised.value)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.json()["error"]["code"] == "unavailable"
