"""Geoparser benchmark: quality on the seed (scored by ../shared/eval/score.py), found/resolved mentions
on the dev corpus with the unresolved ones listed, resolutions per second, gazetteer load time and memory.

    .venv/bin/python bench/places.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitrep.geo import find_places, load_gazetteer
from sitrep.geo.resolve import resolve_mentions
from sitrep.ingest import read_document
from sitrep.model import Mention
from sitrep.nlp import load_nlp
from sitrep.render import place_record

SHARED = Path(__file__).resolve().parents[2] / "shared"
RESOLUTION_ROUNDS = 20  # repeat the name list this many times so the timing is not noise


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    base = rss_mb()
    t0 = time.perf_counter()
    gazetteer = load_gazetteer()
    load_s = time.perf_counter() - t0
    print(f"gazetteer: {len(gazetteer)} places, load {load_s:.2f} s, resident +{rss_mb() - base:.0f} MB")
    nlp = load_nlp()
    if not (SHARED / "eval" / "seed.txt").exists():
        sys.exit(f"{SHARED} is absent: nothing to score")
    seed = (SHARED / "eval" / "seed.txt").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    found = find_places(seed, gazetteer=gazetteer, nlp=nlp, doc_id="seed")
    seed_s = time.perf_counter() - t0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write("".join(json.dumps(place_record(p)) + "\n" for p in found))
    score = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "places",
                            str(SHARED / "eval" / "seed.places.jsonl"), f.name, "--json"],
                           capture_output=True, text=True, check=True)
    print(f"seed: {score.stdout.strip()}  ({seed_s:.2f} s with spaCy)")
    names: list[str] = [p.mention.surface for p in found]
    total = resolved = 0
    for path in sorted((SHARED / "data" / "corpus-dev").glob("*.md")):
        doc = read_document(path)
        places = find_places(doc.text, gazetteer=gazetteer, nlp=nlp, doc_id=doc.doc_id)
        names += [p.mention.surface for p in places]
        unresolved = sorted({p.mention.surface for p in places if not p.resolved})
        total += len(places)
        resolved += sum(1 for p in places if p.resolved)
        print(f"  {path.name}: {len(places)} found, {sum(1 for p in places if p.resolved)} resolved"
              + (f"; unresolved: {', '.join(unresolved)}" if unresolved else ""))
    print(f"corpus-dev: {total} mentions found, {resolved} resolved ({resolved / max(total, 1):.1%})")
    mentions = [Mention("bench", n, 0, len(n), ("gazetteer",), name=n) for n in names]
    cold = load_gazetteer()  # a fresh gazetteer: every distinct name is looked up for the first time
    t0 = time.perf_counter()
    for mention in mentions:
        resolve_mentions(mention.surface, [mention], cold)
    print(f"resolution, first sight of each name: {len(mentions) / (time.perf_counter() - t0):,.0f}/s")
    t0 = time.perf_counter()
    for _ in range(RESOLUTION_ROUNDS):
        for mention in mentions:  # one at a time: no shared context, the worst case for speed
            resolve_mentions(mention.surface, [mention], gazetteer)
    elapsed = time.perf_counter() - t0
    count = RESOLUTION_ROUNDS * len(mentions)
    print(f"resolution: {count / elapsed:,.0f} resolutions/s on one core ({len(set(names))} distinct names)")
    print(f"peak resident memory: {rss_mb():.0f} MB (gazetteer + spaCy)")


if __name__ == "__main__":
    main()
