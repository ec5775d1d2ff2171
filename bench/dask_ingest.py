"""Ingest words per second: one process (`run_batch`) against the Dask engine with 1 and 2 worker processes,
on the same documents, each into a fresh SQLite file; the same events in all; what each worker costs.

    .venv/bin/python bench/dask_ingest.py [--docs 240] [--workers 1 2] [--chunk 16] [--repeat 1] [--writer-db URL...]

The corpus is bench/throughput.py's: the dev corpus, examples and fixtures, varied up to --docs documents.
Reported per run: the batch (read + extract + store) and end to end (with merging and control after the
batch), each in words/s, and the fixed costs that a run pays once: the cluster's start and the resources'
load per worker (seconds, resident memory). The machine's load average is printed before and after:
other processes on the same cores bend every figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import corpus  # bench/ is not a package: its folder is on the path above

from sitrep.cli import _resources
from sitrep.cluster import extract_on_cluster, load_on_workers, open_client, run_batch_on_cluster
from sitrep.events.extract import Extraction
from sitrep.ingest import read_documents
from sitrep.model import Document
from sitrep.pipeline import BatchSummary, finish_batch, run_batch, store_results
from sitrep.settings import Settings
from sitrep.store import open_store

# The cores of the machine the target is set for (the estimate from CPU time assumes them idle).
CORES = 2


@dataclass
class Run:
    name: str
    setup_seconds: float  # starting the cluster and loading the resources (once per run of the command)
    summary: BatchSummary
    total_seconds: float  # the batch end to end, merging and control included
    events: list[Any]
    counts: dict[str, int]
    client_cpu: float  # CPU seconds of this process during the batch (with the LocalCluster's scheduler)
    worker_cpu: tuple[float, ...] = ()  # CPU seconds of each worker process during the batch


def extract_all(folder: Path, settings: Settings) -> list[Extraction]:
    with open_client(workers=2) as client:
        plugin, _ = load_on_workers(client, partial(_resources, settings))
        documents = [d for d in read_documents([folder]) if isinstance(d, Document)]
        return [r for r in extract_on_cluster(client, plugin, documents) if isinstance(r, Extraction)]


def write_corpus(folder: Path, count: int) -> int:
    """The benchmark's documents as Markdown files; returns their words."""
    documents = corpus(count)
    for d in documents:
        header = f"---\npublished: {d.published or ''}\nsource: \"{d.source}\"\nstance: {d.stance}\n---\n"
        (folder / f"{d.doc_id}.md").write_text(header + d.text, encoding="utf-8")
    return sum(len(d.text.split()) for d in documents)


def run_local(folder: Path, db: Path, settings: Settings) -> Run:
    started = time.perf_counter()
    resources = _resources(settings)
    setup = time.perf_counter() - started
    with open_store(str(db)) as store:
        started, cpu = time.perf_counter(), time.process_time()
        summary = run_batch([folder], store, resources)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        return Run("one process", setup, summary, total, store.query_events(), store.counts(), cpu)


def run_dask(folder: Path, db: Path, settings: Settings, workers: int, chunk: int) -> Run:
    started = time.perf_counter()
    with open_client(workers=workers) as client:
        cluster_seconds = time.perf_counter() - started
        plugin, costs = load_on_workers(client, partial(_resources, settings))
        setup = time.perf_counter() - started
        print(f"  dask {workers} worker(s): cluster started in {cluster_seconds:.1f} s, resources loaded "
              f"in {setup - cluster_seconds:.1f} s")
        for cost in costs:
            print(f"    worker {cost.worker}: load {cost.seconds:.1f} s, resident {cost.rss_before_mb:.0f} MB "
                  f"before, {cost.rss_after_mb:.0f} MB after")
        with open_store(str(db)) as store:
            workers_cpu = client.run(time.process_time)
            started, cpu = time.perf_counter(), time.process_time()
            summary = run_batch_on_cluster([folder], store, client, plugin, chunk_documents=chunk)
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
            after = client.run(time.process_time)
            return Run(f"dask, {workers} worker(s)", setup, summary, total, store.query_events(),
                       store.counts(), cpu, tuple(after[w] - workers_cpu[w] for w in sorted(after)))


def _bound(run: Run) -> float:
    """The least wall time the run's CPU time allows on CORES cores of its own: no process can go faster
    than its own CPU time, and all of them together share the cores."""
    total = run.client_cpu + sum(run.worker_cpu)
    return max(run.client_cpu, *run.worker_cpu, total / CORES)


def time_writer(extractions: list[Extraction], url: str) -> None:
    """The single writer alone: storing ready extractions, then merging and control, into an empty `url`."""
    with open_store(url) as store:
        summary = BatchSummary()
        started, cpu = time.perf_counter(), time.process_time()
        stored = store_results(extractions, store, summary)
        writing, cpu = time.perf_counter() - started, time.process_time() - cpu
        merging = time.process_time()
        finish_batch(stored, store, summary)
        merging = time.process_time() - merging
    events, count = sum(len(e.events) for e in extractions), len(extractions)
    print(f"  writer into {url.split('?')[0]}: {count / writing:,.0f} documents/s, {events / writing:,.0f} "
          f"events/s stored ({1000 * cpu / count:.0f} ms CPU a document); merging and control after the "
          f"batch {summary.reconcile_seconds:.1f} s ({1000 * merging / count:.0f} ms CPU a document)")


def report(runs: list[Run], words: int) -> None:
    base = runs[0]
    print(f"{'run':<20} {'batch w/s':>10} {'x':>6} {'end-to-end w/s':>15} {'x':>6} "
          f"{'with setup w/s':>15} {'x':>6}  setup s  merge+control s")
    for run in runs:
        batch = words / run.summary.extract_seconds
        total = words / run.total_seconds
        whole = words / (run.total_seconds + run.setup_seconds)
        print(f"{run.name:<20} {batch:>10,.0f} {batch * base.summary.extract_seconds / words:>6.2f} "
              f"{total:>15,.0f} {total * base.total_seconds / words:>6.2f} {whole:>15,.0f} "
              f"{whole * (base.total_seconds + base.setup_seconds) / words:>6.2f}  {run.setup_seconds:7.1f}  "
              f"{run.summary.reconcile_seconds:7.1f}")
    print("CPU seconds during the batch (wall clock bends under other load; CPU time much less):")
    for run in runs:
        workers = " + ".join(f"{c:.1f}" for c in run.worker_cpu)
        print(f"  {run.name:<20} this process {run.client_cpu:6.1f}" + (f", workers {workers}" if workers else "")
              + f"  = {run.client_cpu + sum(run.worker_cpu):.1f} s;  on {CORES} cores of its own: "
              f"{base.client_cpu / _bound(run):.2f} x one process (estimate)")
    for run in runs[1:]:
        same = run.events == base.events and run.counts == base.counts
        print(f"same events and table counts as one process ({run.name}): {same} "
              f"({len(run.events)} events, {run.summary.documents} documents, {len(run.summary.rejects)} rejects)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=240)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=16, help="documents per Dask task")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; each run's fastest is reported")
    parser.add_argument("--writer-db", nargs="*", default=[], help="empty databases (URLs) to time the single "
                        "writer on, besides a fresh SQLite file")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        words = write_corpus(folder, args.docs)
        print(f"{args.docs} documents, {words:,} words")
        settings = Settings(data_home=str(Path(tmp) / "data_home"))
        rounds: list[list[Run]] = []
        for round_ in range(args.repeat):  # the runs interleaved, so that others' load falls on all alike
            runs = [run_local(folder, Path(tmp) / f"local{round_}.db", settings)]
            for workers in args.workers:
                runs.append(run_dask(folder, Path(tmp) / f"dask{workers}-{round_}.db", settings, workers,
                                     args.chunk))
            rounds.append(runs)
        best = [min(same, key=lambda run: run.total_seconds) for same in zip(*rounds, strict=True)]
        if args.repeat > 1:
            print(f"the fastest of {args.repeat} interleaved rounds:")
        report(best, words)
        print("the single writer alone, on the same documents' extractions:")
        extractions = extract_all(folder, settings)
        for url in [str(Path(tmp) / "writer.db"), *args.writer_db]:
            time_writer(extractions, url)
    print(f"peak resident memory of this (client) process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
