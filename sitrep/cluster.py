"""The Dask engine: `run_batch`'s pipeline with the extraction spread over the processes of a Dask cluster.

    client: read -> chunks of documents -> submit (a bounded window) -> results in order -> store (one writer)
            -> after the batch: reconcile and control, once
    worker: the resources (spaCy pipeline, gazetteer, catalogues) loaded once by a WorkerPlugin
            -> per chunk: nlp.pipe + extract, exactly as `extract_documents` does in one process

Results are stored in the documents' order, so the database ends up as the one-process path leaves it;
the window of chunks submitted but not yet stored bounds the results in transit however long the batch
(the stored extractions are kept for merging and control, as in one process).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from sitrep.errors import ClusterError
from sitrep.events.extract import Extraction, Resources
from sitrep.model import Document, Reject
from sitrep.pieces import DEFAULT_BUDGET, DocumentBudget
from sitrep.pipeline import (
    DEFAULT_SCORING,
    BatchSummary,
    Prepare,
    Scoring,
    extract_documents,
    finish_batch,
    read_readable,
    store_results,
)
from sitrep.store import Store

# Documents per task. Each task parses its chunk with nlp.pipe (which batches internally); smaller chunks
# balance the workers better at the end of a batch, larger ones cost fewer round trips. 16 documents of
# ~250 words (the dev corpus) are ~1.5 s of one core (~2,700 words per CPU-second, measured): the
# scheduler's ~1 ms per task is lost in that, and a batch of 240 documents makes 15 tasks.
CHUNK_DOCUMENTS = 16
# Chunks submitted and not yet stored, per worker: one running, one queued so the worker never waits for
# the client, one being stored. Memory on the client stays within this many chunks of results.
CHUNKS_PER_WORKER = 3
# Workers of the LocalCluster started when no scheduler address is given.
DEFAULT_WORKERS = 2
# Seconds to wait for a scheduler given by address before giving up with a ClusterError.
CONNECT_SECONDS = 10
PLUGIN_PREFIX = "sitrep-resources"
# The local cluster's housekeeping, made cheaper: its workers do not sample their threads' stacks every
# 10 ms for the dashboard (which is off; measured at 4% of a worker's CPU on spaCy's deep call stacks), and
# the event loops' health ticks and the resource monitors run every 0.2 / 2 / 1 s instead of 0.02 / 0.5 /
# 0.1 s: measured idle, the client's process (scheduler, nannies) then takes 1.2% of a core instead of
# 4.3% and each worker 0.5% instead of 2.3%, on a machine whose 2 cores the workers need. The workers
# keep one BLAS thread each but not Dask's MALLOC_TRIM_THRESHOLD_, which turns off glibc's adaptive mmap
# threshold: thinc's arrays are then mapped and unmapped at every call, 8-15% more CPU per document
# (measured: the same chunks' task CPU with and without it).
LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "200ms",
                       "distributed.admin.system-monitor.interval": "2s",
                       "distributed.worker.memory.monitor-interval": "1s",
                       "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                                               "OPENBLAS_NUM_THREADS": 1}}
BYTES_PER_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    """What loading the resources cost one worker process."""

    worker: str  # the worker's address
    seconds: float  # wall time of the load
    rss_before_mb: float  # the worker process's resident memory before the load
    rss_after_mb: float  # ...and after it: the per-worker price of the pipeline and gazetteer


class ResourcePlugin(WorkerPlugin):
    """A Dask worker plugin: each worker runs `load` once, when the plugin is registered or it joins.

    `load` must be importable by the workers (a module-level function, or a functools.partial of one)."""

    idempotent = True  # registered again under the same name (the same loader): the loaded copy stays

    def __init__(self, load: Callable[[], Resources]) -> None:
        self.load = load
        self.resources: Resources | None = None
        self.cost: WorkerLoad | None = None

    def setup(self, worker: Any) -> None:
        import psutil

        process = psutil.Process(os.getpid())
        before = process.memory_info().rss
        started = time.perf_counter()
        self.resources = self.load()
        self.cost = WorkerLoad(worker=str(worker.address), seconds=time.perf_counter() - started,
                               rss_before_mb=before / BYTES_PER_MB,
                               rss_after_mb=process.memory_info().rss / BYTES_PER_MB)

    def teardown(self, worker: Any) -> None:
        self.resources = None


@contextmanager
def open_client(scheduler: str | None = None, workers: int = DEFAULT_WORKERS) -> Iterator[Any]:
    """A Dask client on the scheduler at `scheduler`, or on a LocalCluster of `workers` processes with one
    thread each (spaCy holds the GIL: threads would take turns on one core)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is None and workers < 1:
        raise ClusterError(f"--workers must be at least 1, not {workers}")
    try:
        if scheduler is not None:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
            cluster = None
        else:
            with dask.config.set(LOCAL_WORKER_CONFIG):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {e}") from e
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def load_on_workers(client: Any, load: Callable[[], Resources]) -> tuple[str, list[WorkerLoad]]:
    """Have every worker load the resources once; returns the plugin's name (for `run_batch_on_cluster`)
    and what the load cost each worker. A scheduler that already has the same loader keeps it loaded."""
    from dask.base import tokenize

    name = f"{PLUGIN_PREFIX}-{tokenize(load)}"
    if not client.scheduler_info()["workers"]:
        raise ClusterError("the Dask scheduler has no workers")
    try:
        client.register_plugin(ResourcePlugin(load), name=name)
    except Exception as e:  # a remote worker's failure of any kind (no spaCy pipeline there, no gazetteer)
        raise ClusterError(f"a worker could not load the resources: {type(e).__name__}: {e}") from e
    costs = client.run(_load_cost, name)
    return name, sorted((c for c in costs.values() if c is not None), key=lambda c: c.worker)


def _load_cost(name: str, dask_worker: Any) -> WorkerLoad | None:
    """Run on each worker by `client.run`, which passes the worker as `dask_worker`."""
    plugin = dask_worker.plugins.get(name)
    return plugin.cost if isinstance(plugin, ResourcePlugin) else None


def extract_chunk(documents: list[Document], plugin: str, strict: bool,
                  budget: DocumentBudget = DEFAULT_BUDGET) -> list[Extraction | Reject]:
    """The task each worker runs: its own resources, loaded once, over a chunk of documents."""
    from distributed import get_worker

    loaded = get_worker().plugins.get(plugin)
    resources = loaded.resources if isinstance(loaded, ResourcePlugin) else None
    if resources is None:
        raise ClusterError(f"worker {get_worker().address} has no resources loaded")
    return list(extract_documents(documents, resources, strict=strict, budget=budget))


def run_batch_on_cluster(paths: Iterable[str | Path], store: Store, client: Any, plugin: str, *,
                         published: date | None = None, source: str | None = None, stance: str | None = None,
                         strict: bool = False, on_document: Callable[[str], None] | None = None,
                         scoring: Scoring = DEFAULT_SCORING, chunk_documents: int = CHUNK_DOCUMENTS,
                         budget: DocumentBudget = DEFAULT_BUDGET, prepare: Prepare | None = None) -> BatchSummary:
    """`run_batch` with the extraction on the cluster's workers (`plugin` from `load_on_workers`); reading,
    storing, merging and control run here, as in one process, with the same rejects and summary."""
    summary = BatchSummary()
    started = time.perf_counter()
    resumed = _resume_pending(store, client, plugin, summary, strict=strict, budget=budget)
    readable = read_readable(paths, store, summary, published=published, source=source, stance=stance,
                             prepare=prepare)
    results = extract_on_cluster(client, plugin, readable, strict=strict, chunk_documents=chunk_documents,
                                 budget=budget)
    stored = resumed + store_results(results, store, summary, strict=strict, on_document=on_document)
    summary.extract_seconds = time.perf_counter() - started
    finish_batch(stored, store, summary, strict=strict, scoring=scoring)
    return summary


def _resume_pending(store: Store, client: Any, plugin: str, summary: BatchSummary, *, strict: bool,
                    budget: DocumentBudget = DEFAULT_BUDGET) -> list[Extraction]:
    """`sitrep.pipeline.resume_pending` with the extraction on the workers: what a killed run left pending
    goes first into this batch's merging and control."""
    pending = store.pending_documents()
    resumed: list[Extraction] = []
    results = extract_on_cluster(client, plugin, pending, strict=strict, budget=budget)
    for document, result in zip(pending, results, strict=True):
        if isinstance(result, Reject):  # stored, but its statements cannot be read again: its events only
            store.save_reject(result)
            summary.rejects.append(result)
            result = Extraction(document=document, events=[], places=[])
        resumed.append(result)
    return resumed


def extract_on_cluster(client: Any, plugin: str, documents: list[Document], *, strict: bool = False,
                       chunk_documents: int = CHUNK_DOCUMENTS, budget: DocumentBudget = DEFAULT_BUDGET,
                       ) -> Iterator[Extraction | Reject]:
    """Each document's extraction (or Reject), in the documents' order, computed on the workers with at
    most CHUNKS_PER_WORKER chunks per worker in flight."""
    size = max(1, chunk_documents)
    chunks = [documents[i:i + size] for i in range(0, len(documents), size)]
    window = CHUNKS_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    futures: dict[int, Any] = {}
    for index, chunk in enumerate(chunks):
        while len(futures) < window and index + len(futures) < len(chunks):
            ahead = index + len(futures)
            futures[ahead] = client.submit(extract_chunk, chunks[ahead], plugin, strict, budget, pure=False)
        yield from _chunk_results(client, futures.pop(index), chunk, plugin, strict, budget)


def _chunk_results(client: Any, future: Any, chunk: list[Document], plugin: str, strict: bool,
                   budget: DocumentBudget) -> list[Extraction | Reject]:
    """A chunk's results; if the task itself failed (a worker died on it, a bug), each document again on
    its own, so that only the document at fault is recorded as a Reject."""
    try:
        return list(future.result())
    except Exception as e:  # a remote task's failure, of any kind: the boundary where it is recorded
        if strict:
            raise
        if len(chunk) == 1:
            document = chunk[0]
            return [Reject(origin=document.path or document.doc_id,
                           reason=f"extraction failed: {type(e).__name__}: {e}", stage="extract")]
    results: list[Extraction | Reject] = []
    for document in chunk:
        single = client.submit(extract_chunk, [document], plugin, strict, budget, pure=False)
        results.extend(_chunk_results(client, single, [document], plugin, strict, budget))
    return results


def ingest_on_cluster(paths: Iterable[str | Path], store: Store, load: Callable[[], Resources], *,
                      scheduler: str | None = None, workers: int = DEFAULT_WORKERS,
                      published: date | None = None, source: str | None = None, stance: str | None = None,
                      strict: bool = False, on_document: Callable[[str], None] | None = None,
                      scoring: Scoring = DEFAULT_SCORING, budget: DocumentBudget = DEFAULT_BUDGET,
                      prepare: Prepare | None = None) -> tuple[BatchSummary, list[WorkerLoad]]:
    """`sitrep ingest --engine dask`: a client (a LocalCluster of `workers`, or the scheduler at
    `scheduler`), the resources loaded once per worker, the batch; returns its summary and the load costs."""
    with open_client(scheduler, workers) as client:
        plugin, costs = load_on_workers(client, load)
        summary = run_batch_on_cluster(paths, store, client, plugin, published=published, source=source,
                                       stance=stance, strict=strict, on_document=on_document,
                                       scoring=scoring, budget=budget, prepare=prepare)
    return summary, costs
