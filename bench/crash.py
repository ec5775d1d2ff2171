"""Crash safety: `sitrep ingest` killed with SIGKILL at random moments, restarted, and compared with an
uninterrupted run of the same folder into a second database.

    .venv/bin/python bench/crash.py [--docs 1200] [--cycles 20] [--rounds 5] [--seed 7]

The corpus: paragraph-sized documents of consecutive real sentences (1 to 6) from the dev corpus
(../shared/data/corpus-dev) and the bundled examples, each with its report's front matter, one file each;
past the 1,299 such windows, wire roundups composed from bench/scaling.py's sentence shapes.
Each cycle kills the ingest either while it stores documents (once a random number more are in) or in its
after-batch phase (all stored; a random delay into merging and control). The cycles are spread over
--rounds fresh databases (once a database is complete, a kill finds nothing left to break); each round ends
with one run to the end and is compared with the uninterrupted run. The two databases must hold every document exactly once, each with all its events and their evidence,
and the same events, copies, merged events and control (observations, places, states); nothing pending.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from sitrep.ingest import read_document
from sitrep.model import Document

REPO = Path(__file__).resolve().parents[1]
CORPUS_DEV = REPO.parent / "shared" / "data" / "corpus-dev"
EXAMPLES = REPO / "sitrep" / "data" / "examples"
# Sentences per document: one to six, so that documents are paragraph-sized and overlap like reposts.
WINDOWS = (2, 3, 1, 4, 5, 6)
# A sentence ends at . ! or ? (maybe closing a quote) before white space and a capital or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“‘(])")
# Seconds between two looks at the database while waiting for the moment to kill.
POLL_SECONDS = 0.05
# The after-batch phase's share of an uninterrupted ingest's time (2 s of 37 s, measured on this corpus),
# with room: kills in that phase are drawn over this share of the reference run's time.
AFTER_BATCH_SHARE = 0.08
# Seconds one ingest may take before the bench gives up on it (a hang is a failure too).
RUN_TIMEOUT_SECONDS = 1800.0
# Sentences of a composed wire roundup (fewest, most): a short agency report of the day's fighting.
ROUNDUP_SENTENCES = (2, 4)
# The roundups' random choices (shapes, towns, dates): fixed, so every run writes the same corpus.
ROUNDUP_SEED = 14
# Agencies the roundups are credited to in turn.
ROUNDUP_AGENCIES = 7


def sentences_of(document: Document) -> list[str]:
    """The document's sentences, paragraph by paragraph, headings and one-word lines left out."""
    found: list[str] = []
    for paragraph in document.text.split("\n\n"):
        flat = " ".join(paragraph.split())
        if len(flat.split()) < 6 or flat.startswith("#"):
            continue
        found += [s for s in _SENTENCE_END.split(flat) if len(s.split()) >= 4]
    return found


def documents_for_corpus(count: int) -> Iterator[tuple[Document, str]]:
    """`count` distinct (report, text) pairs: windows of consecutive sentences of the real reports (1,299 of
    them), then as many composed wire roundups as it takes."""
    reports = [read_document(p) for folder in (CORPUS_DEV, EXAMPLES) if folder.exists()
               for p in sorted(folder.glob("*.md")) if p.name != "README.md"]
    split = [(report, sentences_of(report)) for report in reports]
    seen: set[str] = set()
    for window in WINDOWS:
        for report, sentences in split:
            for start in range(0, max(0, len(sentences) - window + 1)):
                text = " ".join(sentences[start:start + window])
                if text in seen:
                    continue
                seen.add(text)
                yield report, text
                if len(seen) >= count:
                    return
    for report in wire_roundups():
        if report.text in seen:
            continue
        seen.add(report.text)
        yield report, report.text
        if len(seen) >= count:
            return


def wire_roundups() -> Iterator[Document]:
    """Endless wire roundups, each two to four of bench/scaling.py's sentence shapes (written for sitrep:
    shelling, strikes, captures, clashes, car bombs) about gazetteer towns and villages, on one weekday, from
    one of a few agencies, published through 2016."""
    from sitrep.geo import load_gazetteer

    scaling = _scaling_bench()
    places = sorted({p.name for p in load_gazetteer().places
                     if p.kind in ("town", "village", "city") and p.name.isascii()})
    rng = random.Random(ROUNDUP_SEED)
    number = 0
    while True:
        published = scaling.FIRST_DAY + timedelta(days=rng.randrange(scaling.DAYS))
        day = (published - timedelta(days=rng.randrange(2))).strftime("%A")  # that day or the day before
        sentences = [rng.choice(scaling.SHAPES).format(place=rng.choice(places), day=day)
                     for _ in range(rng.randint(*ROUNDUP_SENTENCES))]
        yield Document(doc_id=f"roundup-{number}", text=" ".join(sentences), published=published,
                       source=f"Agency {number % ROUNDUP_AGENCIES}")
        number += 1


def _scaling_bench() -> Any:
    """bench/scaling.py as a module (this bench runs as a script, without the bench package on its path)."""
    spec = importlib.util.spec_from_file_location("bench_scaling", REPO / "bench" / "scaling.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_corpus(folder: Path, count: int) -> int:
    """Write up to `count` Markdown documents (front matter of their report) into `folder`; how many."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for report, text in documents_for_corpus(count):
        fields = {"source": report.source, "url": report.url, "stance": report.stance,
                  "published": report.published.isoformat() if report.published else None}
        header = yaml.safe_dump({k: v for k, v in fields.items() if v}, allow_unicode=True, sort_keys=True)
        (folder / f"{written:05d}.md").write_text(f"---\n{header}---\n\n{text}\n", encoding="utf-8")
        written += 1
    return written


def sitrep_command() -> list[str]:
    """The installed `sitrep` script next to this Python."""
    return [str(Path(sys.executable).with_name("sitrep"))]


def ingest(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    # --undated mtime: the windows of the undated reports are stored too (dated the day they were written,
    # not rejected as by default), so every document of the corpus is written and compared
    return subprocess.Popen([*sitrep_command(), "ingest", str(folder), "--db", str(db), "--undated", "mtime"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_to_end(folder: Path, db: Path) -> float:
    """One ingest, never interrupted; its wall time in seconds. Raises if it fails."""
    started = time.perf_counter()
    process = ingest(folder, db)
    _, err = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
    if process.returncode != 0:
        raise RuntimeError(f"sitrep ingest failed ({process.returncode}): {err.decode(errors='replace')[-2000:]}")
    return time.perf_counter() - started


def table_count(db: Path, table: str) -> int:
    """Rows in `table`, read through a separate read-only connection; 0 before the table exists."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet, or busy: count again at the next look
        return 0


@dataclass
class Cycle:
    mode: str  # "storing" (killed after `target` documents) or "after-batch" (all stored, then `delay` s)
    target: int
    delay: float
    killed_at: float = 0.0  # seconds after start
    documents: int = 0  # documents stored when killed
    pending: int = 0  # of those, marked pending when killed
    finished: bool = False  # the ingest ended by itself before the moment came


def kill_once(folder: Path, db: Path, cycle: Cycle, total: int) -> Cycle:
    """Start an ingest and SIGKILL it at the cycle's moment (unless it ends first)."""
    process = ingest(folder, db)
    started = time.perf_counter()
    all_stored_at: float | None = None
    while process.poll() is None and time.perf_counter() - started < RUN_TIMEOUT_SECONDS:
        stored = table_count(db, "documents")
        now = time.perf_counter()
        if cycle.mode == "storing" and stored >= cycle.target:
            break
        if cycle.mode == "after-batch" and stored >= total:
            all_stored_at = all_stored_at or now
            if now - all_stored_at >= cycle.delay:
                break
        time.sleep(POLL_SECONDS)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    else:
        cycle.finished = True
    process.wait()
    cycle.killed_at = time.perf_counter() - started
    cycle.documents, cycle.pending = table_count(db, "documents"), table_count(db, "pending_documents")
    return cycle


def plan_cycle(rng: random.Random, db: Path, total: int, after_seconds: float) -> Cycle:
    """A random moment: half the time while documents are being stored, else in the after-batch phase."""
    stored = table_count(db, "documents")
    if stored < total and rng.random() < 0.5:
        return Cycle("storing", target=rng.randint(stored + 1, total), delay=0.0)
    return Cycle("after-batch", target=total, delay=rng.uniform(0.0, after_seconds))


@dataclass
class Comparison:
    """What differs between the crashed-and-restarted database and the uninterrupted one."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# Per table, the columns compared: row ids differ between the two runs, so documents are named by their
# content hash and everything else by what it holds.
_SNAPSHOT_QUERIES = {
    "documents": "SELECT content_hash, doc_id, url, title, published, stance, text FROM documents",
    "events": "SELECT d.content_hash, e.event_id, e.event_date, e.time_precision, e.event_type, "
              "e.sub_event_type, e.actor1, e.actor1_side, e.actor2, e.actor2_side, e.location, e.admin1, "
              "e.place_id, e.latitude, e.longitude, e.geo_precision, e.fact_status, e.hedges, e.claimant, "
              "e.confidence, e.notes FROM events e JOIN documents d ON d.id = e.document_id",
    "evidence": "SELECT event_id, start, \"end\", text FROM evidence",
    "framing_spans": "SELECT event_id, start, \"end\", surface, technique FROM framing_spans",
    "places": "SELECT * FROM places",
    "document_copies": "SELECT d.content_hash, o.content_hash, c.similarity FROM document_copies c "
                       "JOIN documents d ON d.id = c.document_id JOIN documents o ON o.id = c.original_id",
    "document_signatures": "SELECT d.content_hash, s.signature FROM document_signatures s "
                           "JOIN documents d ON d.id = s.document_id",
    "merged_events": "SELECT * FROM merged_events",
    "merged_reports": "SELECT * FROM merged_reports",
    "control_observations": "SELECT d.content_hash, o.place_id, o.observed_on, o.side, o.state, o.fact_status, "
                            "o.claimant, o.event_id, o.basis, o.hedged, o.evidence FROM control_observations o "
                            "JOIN documents d ON d.id = o.document_id",
    "control_places": "SELECT * FROM control_places",
    "control_states": "SELECT layer, place_id, place_name, admin1, lat, lon, side, state, valid_from, valid_until, "
                      "span, confidence, previous_side, event_ids, sources, reports, listing FROM control_states",
}


def snapshot(db: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every compared table as a multiset of rows."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return {table: Counter(tuple(row) for row in connection.execute(query))
                for table, query in _SNAPSHOT_QUERIES.items()}


def half_stored(db: Path) -> list[str]:
    """Events without evidence, and documents still pending: what a torn write would leave."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        bare = [r[0] for r in connection.execute(
            "SELECT event_id FROM events WHERE event_id NOT IN (SELECT event_id FROM evidence)")]
        unmerged = [r[0] for r in connection.execute(
            "SELECT event_id FROM events WHERE event_id NOT IN (SELECT event_id FROM merged_reports)")]
        pending = [r[0] for r in connection.execute("SELECT document_id FROM pending_documents")]
        repeated = [r[0] for r in connection.execute(
            "SELECT content_hash FROM documents GROUP BY content_hash HAVING count(*) > 1")]
    return ([f"event {e} has no evidence" for e in bare] + [f"event {e} is in no merged event" for e in unmerged]
            + [f"document row {d} still pending" for d in pending]
            + [f"document {h[:12]} stored more than once" for h in repeated])


def compare(crashed: Path, reference: Path) -> Comparison:
    """Every difference between the two databases, table by table, and the crashed one's torn writes."""
    result = Comparison(problems=half_stored(crashed))
    got, want = snapshot(crashed), snapshot(reference)
    for table, rows in want.items():
        result.counts[table] = sum(rows.values())
        missing, extra = rows - got[table], got[table] - rows
        if missing or extra:
            result.problems.append(f"{table}: {sum(missing.values())} rows missing, {sum(extra.values())} extra, "
                                   f"e.g. {next(iter(missing or extra))!r:.300}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1200)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and databases")
    args = parser.parse_args()
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix="sitrep-crash-"))
    folder, reference = work / "corpus", work / "reference.db"
    total = write_corpus(folder, args.docs)
    print(f"corpus: {total} documents in {folder}")
    seconds = run_to_end(folder, reference)
    stored = table_count(reference, "documents")
    print(f"uninterrupted: {seconds:.1f} s, {stored} documents, {table_count(reference, 'events')} events, "
          f"{table_count(reference, 'merged_events')} merged events, {table_count(reference, 'control_states')} "
          f"control states")
    rng = random.Random(args.seed)
    after_seconds = max(1.0, seconds * AFTER_BATCH_SHARE)
    problems, kills = 0, 0
    for round_number in range(args.rounds):
        crashed = work / f"crashed-{round_number + 1}.db"
        cycles = args.cycles // args.rounds + (round_number < args.cycles % args.rounds)
        for _ in range(cycles):
            cycle = kill_once(folder, crashed, plan_cycle(rng, crashed, stored, after_seconds), stored)
            kills += not cycle.finished
            print(f"round {round_number + 1}: {cycle.mode:11s} killed at {cycle.killed_at:6.1f} s with "
                  f"{cycle.documents} documents stored, {cycle.pending} pending"
                  + ("  (ended by itself first)" if cycle.finished else ""), flush=True)
        run_to_end(folder, crashed)
        comparison = compare(crashed, reference)
        problems += len(comparison.problems)
        print(f"round {round_number + 1} compared rows: " + ", ".join(f"{t} {n}" for t, n in comparison.counts.items()))
        print(f"round {round_number + 1} problems: {len(comparison.problems)}", flush=True)
        for problem in comparison.problems[:20]:
            print(f"  {problem}")
    print(f"{kills} SIGKILLs in {args.cycles} cycles over {args.rounds} rounds: {problems} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
