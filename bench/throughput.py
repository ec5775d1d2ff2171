"""Ingest throughput against the bare spaCy pipeline, on the same texts in the same run, and peak memory.

    .venv/bin/python bench/throughput.py [--docs 200]

The corpus: the dev corpus (../shared/data/corpus-dev), the bundled examples and the test fixtures,
repeated and varied (paragraphs rotated, so no two documents share a content hash) up to --docs documents.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sitrep.events.extract import load_resources
from sitrep.geo import load_gazetteer
from sitrep.ingest import read_document
from sitrep.model import Document
from sitrep.nlp import load_nlp
from sitrep.pipeline import run_batch
from sitrep.store import open_store

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO.parent / "shared" / "data" / "corpus-dev", REPO / "sitrep" / "data" / "examples",
           REPO / "tests" / "fixtures" / "reports"]


def corpus(count: int) -> list[Document]:
    base = [read_document(p) for folder in SOURCES if folder.exists()
            for p in sorted(folder.glob("*.md")) if p.name != "README.md"]
    docs = []
    for i in range(count):
        doc = base[i % len(base)]
        paragraphs = doc.text.split("\n\n")
        turn = (i // len(base)) % max(1, len(paragraphs))
        text = "\n\n".join(paragraphs[turn:] + paragraphs[:turn]) + f"\n\n(Copy {i}.)\n"
        docs.append(replace(doc, doc_id=f"{doc.doc_id}-{i}", text=text))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    documents = corpus(args.docs)
    words = sum(len(d.text.split()) for d in documents)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for d in documents:
            header = f"---\npublished: {d.published or ''}\nsource: \"{d.source}\"\nstance: {d.stance}\n---\n"
            (folder / f"{d.doc_id}.md").write_text(header + d.text, encoding="utf-8")
        # memory first, in a fresh process started while this one is still small (a child's peak counts
        # the parent's pages it was forked from)
        child = subprocess.run([sys.executable, "-m", "sitrep.cli", "ingest", str(folder), "--db",
                                str(Path(tmp) / "memory.db"), "--undated", "mtime"],  # every document, as timed
                               capture_output=True, text=True, check=True)
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        nlp = load_nlp()
        resources = load_resources(nlp, load_gazetteer())
        t0 = time.perf_counter()
        for _ in nlp.pipe(d.text for d in documents):
            pass
        bare = time.perf_counter() - t0
        with open_store(str(Path(tmp) / "bench.db")) as store:
            t0 = time.perf_counter()
            summary = run_batch([folder], store, resources)
            full = time.perf_counter() - t0
    print(f"{len(documents)} documents, {words:,} words")
    print(f"bare spaCy nlp.pipe:   {words / bare:8,.0f} words/s")
    phase = summary.extract_seconds
    print(f"sitrep ingest, read+parse+extract+store: {words / phase:8,.0f} words/s  = {bare / phase:.2f} x bare spaCy")
    print(f"sitrep ingest, end to end (with merging and control after the batch): {words / full:8,.0f} words/s"
          f"  = {bare / full:.2f} x bare spaCy  ({summary.reconcile_seconds:.1f} s of {full:.1f} s merging "
          f"and control)")
    print(f"stored: {summary.documents} documents, {summary.events} events, {len(summary.rejects)} rejects")
    print(f"peak resident memory of `sitrep ingest` on the same documents (a fresh process): "
          f"{child_peak:.0f} MB"
          f"  [{child.stdout.strip().splitlines()[0]}]")
    print(f"peak resident memory of this benchmark process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
