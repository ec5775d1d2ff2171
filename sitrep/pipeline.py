"""The runner: documents in, events out, one stage after another, one document's failure never the batch's.

    read (ingest) -> parse (spaCy, batched) -> extract (places, actors, dates, triggers, status) -> store
    -> after the batch: reconcile (merge with other sources' reports of the same happening) and control,
       a step of AFTER_BATCH_STEP documents per short transaction, so that other writers never wait long

A document longer than one piece (sitrep.pieces) is parsed and extracted piece by piece, and one over the
per-document budget (settings max_document_chars, max_document_seconds) is a Reject.

`run_batch` sends each failure to the error handler: by default it is recorded as a Reject and the batch
goes on; `strict=True` raises instead (for debugging).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.control.rules import DEFAULT_RULES, AssessmentRules
from sitrep.errors import SitrepError
from sitrep.events.extract import Extraction, Resources, extract
from sitrep.ingest import read_documents
from sitrep.model import Document, Reject
from sitrep.pieces import DEFAULT_BUDGET, PIECE_CHARS, DocumentBudget, check_size, extract_in_pieces
from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, ConfidenceWeights
from sitrep.store import Store

if TYPE_CHECKING:
    from sitrep.control.statements import ControlCues

# Documents whose merging and control commit together after a batch. Each step's transactions hold SQLite's
# write lock while they run, and an API write waits for it at most SQLITE_BUSY_TIMEOUT_MS (10 s): 50
# one-page reports take about 0.1-0.3 s to merge into a store of 10,000 (bench/scaling.py), while steps
# much smaller would pay the queries of a step more often for nothing.
AFTER_BATCH_STEP = 50
# Seconds of back-to-back after-batch transactions after which the batch pauses for `LOCK_YIELD_SECONDS`
# (SQLite only). SQLite's busy handler is not fair: a waiting writer (an API comment) sleeps and retries, up
# to 100 ms between tries, and steps that follow one another within a millisecond take the lock again before
# it looks; a pause longer than its longest sleep lets it in. Every 2 s: waits stay far under the 10 s busy
# timeout, and a long merge pays about 6% for it.
LOCK_BURST_SECONDS = 2.0
# Seconds the batch leaves the write lock free: over SQLite's longest busy-handler sleep (100 ms).
LOCK_YIELD_SECONDS = 0.12
# Documents parsed per spaCy batch: big enough for nlp.pipe to pay off, small enough to bound memory.
PARSE_BATCH = 32


@dataclass(frozen=True, slots=True)
class Scoring:
    """The weights of the after-batch stages: merged events' confidence and the assessed control layer
    (settings `[confidence]` and `[assessment]`: `sitrep.settings.confidence_weights`, `assessment_rules`)."""

    weights: ConfidenceWeights = DEFAULT_WEIGHTS
    rules: AssessmentRules = DEFAULT_RULES


DEFAULT_SCORING = Scoring()


# What a caller may do to each document as it is read: return it (changed or not) or a Reject.
Prepare = Callable[[Document], "Document | Reject"]


@dataclass
class BatchSummary:
    documents: int = 0
    duplicates: int = 0
    events: int = 0
    unresolved_places: int = 0
    rejects: list[Reject] = field(default_factory=list)
    unresolved_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # doc_id -> names not placed
    extract_seconds: float = 0.0  # reading, parsing, extracting and storing
    reconcile_seconds: float = 0.0  # merging across sources and updating control, after the batch
    longest_write_seconds: float = 0.0  # the longest after-batch transaction: how long others' writes wait


def extract_documents(documents: Iterable[Document], resources: Resources, *, strict: bool = False,
                      budget: DocumentBudget = DEFAULT_BUDGET) -> Iterator[Extraction | Reject]:
    """Parse in batches and extract each document, one result per document in order; a failure becomes a
    Reject (or raises, if strict). A document over `budget` is refused with the reason."""
    from sitrep.control.statements import load_control_cues

    cues = resources.control_cues or load_control_cues()  # once for the run, the overlay's with the profile's
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= PARSE_BATCH:
            yield from _extract_batch(batch, resources, cues, budget, strict)
            batch = []
    if batch:
        yield from _extract_batch(batch, resources, cues, budget, strict)


def _extract_batch(batch: list[Document], resources: Resources, cues: ControlCues, budget: DocumentBudget,
                   strict: bool) -> Iterator[Extraction | Reject]:
    """The batch's documents of one piece parsed together (`nlp.pipe`), the longer ones piece by piece."""
    short = [d for d in batch if len(d.text) <= PIECE_CHARS]
    try:
        parsed = dict(zip((id(d) for d in short), resources.nlp.pipe(d.text for d in short), strict=True))
    except (ValueError, MemoryError) as e:  # spaCy refuses some inputs; fall back to one at a time
        if strict:
            raise SitrepError(f"parsing failed: {e}") from e
        parsed = {}
    for document in batch:
        try:
            check_size(document, budget)
            if len(document.text) > PIECE_CHARS:
                yield extract_in_pieces(document, resources, cues, budget)
                continue
            doc = parsed.get(id(document))
            result = extract(document, resources, doc)
            yield replace(result, observations=tuple(_statements(result, resources, doc, cues)))
        except (SitrepError, ValueError, MemoryError, RecursionError) as e:
            if strict:
                raise
            yield Reject(origin=document.path or document.doc_id, reason=f"extraction failed: {e}",
                         stage="extract")


def _statements(result: Extraction, resources: Resources, doc: Any, cues: ControlCues) -> list[Any]:
    """Statements of control ("rebel-held X") need the parse, so they are read while it is at hand."""
    from sitrep.control.text import statement_observations

    return statement_observations(result.document, resources, doc=doc, places=result.places, cues=cues)


def run_batch(paths: Iterable[str | Path], store: Store, resources: Resources, *,
              published: date | None = None, source: str | None = None, stance: str | None = None,
              strict: bool = False, on_document: Callable[[str], None] | None = None,
              scoring: Scoring = DEFAULT_SCORING, budget: DocumentBudget = DEFAULT_BUDGET,
              prepare: Prepare | None = None) -> BatchSummary:
    """Read, extract and store every document under `paths`, then reconcile what is new (merging across
    sources, control timelines) once, after the batch, with `scoring`'s weights; returns what happened.
    A document over `budget` (too long, or extracting too long) is a Reject; `prepare` sees each document
    as read and returns it (changed) or a Reject (the CLI's policy for undated documents)."""
    summary = BatchSummary()
    started = time.perf_counter()
    resumed = resume_pending(store, resources, summary, strict=strict, budget=budget)
    readable = read_readable(paths, store, summary, published=published, source=source, stance=stance,
                             prepare=prepare)
    results = extract_documents(readable, resources, strict=strict, budget=budget)
    stored = resumed + store_results(results, store, summary, strict=strict, on_document=on_document)
    summary.extract_seconds = time.perf_counter() - started
    finish_batch(stored, store, summary, strict=strict, scoring=scoring)
    return summary


def resume_pending(store: Store, resources: Resources, summary: BatchSummary, *, strict: bool = False,
                   budget: DocumentBudget = DEFAULT_BUDGET) -> list[Extraction]:
    """The stored documents whose after-batch work an earlier run never committed (it was killed), extracted
    again from their stored text for their statements of control; they go first into this batch's
    `finish_batch`, so that they end as an uninterrupted run would have left them."""
    pending = store.pending_documents()
    resumed: list[Extraction] = []
    results = extract_documents(pending, resources, strict=strict, budget=budget)
    for document, result in zip(pending, results, strict=True):
        if isinstance(result, Reject):  # stored, but its statements cannot be read again: its events only
            store.save_reject(result)
            summary.rejects.append(result)
            result = Extraction(document=document, events=[], places=[])
        resumed.append(result)
    return resumed


def read_readable(paths: Iterable[str | Path], store: Store, summary: BatchSummary, *,
                  published: date | None = None, source: str | None = None, stance: str | None = None,
                  prepare: Prepare | None = None) -> list[Document]:
    """The documents under `paths` that could be read (each passed through `prepare`); each one that could
    not is recorded as a Reject."""
    readable: list[Document] = []
    for item in read_documents(paths, published=published, source=source, stance=stance):
        if prepare is not None and not isinstance(item, Reject):
            item = prepare(item)
        if isinstance(item, Reject):
            store.save_reject(item)
            summary.rejects.append(item)
        else:
            readable.append(item)
    return readable


def store_results(results: Iterable[Extraction | Reject], store: Store, summary: BatchSummary, *,
                  strict: bool = False, on_document: Callable[[str], None] | None = None,
                  ) -> list[Extraction]:
    """Store each extraction (recording each Reject); returns the new ones, for `finish_batch`."""
    stored: list[Extraction] = []
    for result in results:
        if isinstance(result, Reject):
            store.save_reject(result)
            summary.rejects.append(result)
        elif _store_one(result, store, summary, strict):
            stored.append(result)
        if on_document is not None:
            on_document(result.origin if isinstance(result, Reject) else result.document.doc_id)
    return stored


def finish_batch(stored: list[Extraction], store: Store, summary: BatchSummary, *, strict: bool = False,
                 scoring: Scoring = DEFAULT_SCORING) -> None:
    """Merging across sources and control, once for the batch's new documents, timed in the summary."""
    started = time.perf_counter()
    _after_batch(stored, store, summary, strict, scoring)
    summary.reconcile_seconds = time.perf_counter() - started


def _store_one(result: Extraction, store: Store, summary: BatchSummary, strict: bool) -> bool:
    """Store one document with its events; True when it was new."""
    places = [p.place for p in result.places if p.place is not None]
    try:
        saved = store.save_document(result.document, result.events, places, pending=True)
    except SitrepError as e:
        if strict:
            raise
        reject = Reject(origin=result.document.path or result.document.doc_id, reason=str(e), stage="store")
        store.save_reject(reject)
        summary.rejects.append(reject)
        return False
    summary.documents += 1
    if saved.duplicate:
        summary.duplicates += 1
        return False
    summary.events += len(result.events)
    summary.unresolved_places += len(result.unresolved)
    if result.unresolved:
        summary.unresolved_names[result.document.doc_id] = tuple(pm.mention.surface for pm in result.unresolved)
    return True


def _after_batch(stored: list[Extraction], store: Store, summary: BatchSummary, strict: bool,
                 scoring: Scoring) -> None:
    """Merging across sources and control for the batch's new documents, `AFTER_BATCH_STEP` documents at a
    time, each step in short transactions of its own (the same result as one document after another, with a
    few queries for each step); if a step fails, its documents one at a time, so that one document's failure
    is recorded against it and spoils nothing else."""
    fair = store.engine.dialect.name == "sqlite"  # PostgreSQL's row locks need no pause
    burst_started = time.perf_counter()
    for start in range(0, len(stored), AFTER_BATCH_STEP):
        _after_step(stored[start:start + AFTER_BATCH_STEP], store, summary, strict, scoring)
        if fair and time.perf_counter() - burst_started >= LOCK_BURST_SECONDS:
            _yield_lock()
            burst_started = time.perf_counter()


def _yield_lock() -> None:
    """Leave SQLite's write lock free long enough for a waiting writer's next try (see LOCK_BURST_SECONDS)."""
    time.sleep(LOCK_YIELD_SECONDS)


def _after_step(step: list[Extraction], store: Store, summary: BatchSummary, strict: bool,
                scoring: Scoring) -> None:
    from sitrep.control.batch import update_control_for_documents
    from sitrep.reconcile import reconcile_documents

    doc_ids = [result.document.doc_id for result in step]
    try:
        with _timed(summary):
            reconcile_documents(store, doc_ids, scoring.weights)
        with _timed(summary):
            update_control_for_documents(store, doc_ids, {r.document.doc_id: r.observations for r in step},
                                         scoring.rules)
    except Exception:  # a stored batch's later stage: retry document by document, which records each failure
        if strict:
            raise
        for result in step:
            _after_save(result, store, summary, strict, scoring)
            store.clear_pending([result.document.doc_id])
        return
    # Its own transaction: a kill just before it leaves the documents pending, and redoing their merging
    # and control is harmless (both replace what a document gave before), so the next run ends the same.
    store.clear_pending(doc_ids)


@contextmanager
def _timed(summary: BatchSummary) -> Iterator[None]:
    """Keep the longest after-batch transaction's duration in the summary."""
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.longest_write_seconds = max(summary.longest_write_seconds, time.perf_counter() - started)


def _after_save(result: Extraction, store: Store, summary: BatchSummary, strict: bool, scoring: Scoring) -> None:
    """Merging across sources and control run over the store once a document is in; the document stays
    stored if they fail (both can be replayed: `rebuild_all`, `sitrep control --rebuild`), and the failure
    is recorded."""
    from sitrep.control.storage import update_control_after_save
    from sitrep.reconcile import reconcile_after_save

    try:
        reconcile_after_save(store, result.document.doc_id, scoring.weights)
        update_control_after_save(store, result.document.doc_id, result.observations, scoring.rules)
    except Exception as e:  # a stored document's later stage: record any failure, keep the batch going
        if strict:
            raise
        reject = Reject(origin=result.document.path or result.document.doc_id,
                        reason=f"{type(e).__name__}: {e}", stage="reconcile")
        store.save_reject(reject)
        summary.rejects.append(reject)
