"""Geoparser benchmark: quality on the seed (scored by ../shared/eval/score.py), found/resolved mentions
on the dev corpus with the unresolved ones listed, then speed and memory measured in a fresh process:
gazetteer load time and resident memory, resolutions per second on names seen for the first time and on
names seen before (one mention at a time, no context: the worst case), and on whole documents.

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
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
RESOLUTION_ROUNDS = 20  # repeat the name list this many times so the timing is not noise
DOCUMENT_ROUNDS = 5  # and the dev documents this many times


def rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """Resident memory of this process now (MB; Linux), else its peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return rss_mb()
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    from sitrep.geo import find_places, load_gazetteer
    from sitrep.ingest import read_document
    from sitrep.nlp import load_nlp
    from sitrep.render import place_record

    if not (SHARED / "eval" / "seed.txt").exists():
        sys.exit(f"{SHARED} is absent: nothing to score")
    gazetteer = load_gazetteer()
    nlp = load_nlp()
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
    documents: list[dict[str, Any]] = []
    total = resolved = 0
    for path in sorted((SHARED / "data" / "corpus-dev").glob("*.md")):
        doc = read_document(path)
        places = find_places(doc.text, gazetteer=gazetteer, nlp=nlp, doc_id=doc.doc_id)
        names += [p.mention.surface for p in places]
        documents.append({"text": doc.text, "mentions": [_mention_fields(p.mention) for p in places]})
        unresolved = sorted({p.mention.surface for p in places if not p.resolved})
        total += len(places)
        resolved += sum(1 for p in places if p.resolved)
        print(f"  {path.name}: {len(places)} found, {sum(1 for p in places if p.resolved)} resolved"
              + (f"; unresolved: {', '.join(unresolved)}" if unresolved else ""))
    print(f"corpus-dev: {total} mentions found, {resolved} resolved ({resolved / max(total, 1):.1%})")
    print(f"peak resident memory: {rss_mb():.0f} MB (gazetteer + spaCy, this process)")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"names": names, "documents": documents}, f)
    speed = subprocess.run([sys.executable, __file__, "--speed", f.name], capture_output=True, text=True,
                           check=True)
    print(speed.stdout, end="")


def _mention_fields(mention: Any) -> dict[str, Any]:
    return {"surface": mention.surface, "start": mention.start, "end": mention.end, "cues": mention.cues,
            "feature": mention.feature, "name": mention.name}


def measure_speed(workload: Path) -> None:
    """Run in a fresh process: nothing imported, loaded or cached before it is timed."""
    t0 = time.perf_counter()
    from sitrep.geo import load_gazetteer
    from sitrep.geo.resolve import resolve_mentions
    from sitrep.model import Mention

    import_s = time.perf_counter() - t0
    base = resident_mb()
    t0 = time.perf_counter()
    gazetteer = load_gazetteer()
    load_s = time.perf_counter() - t0
    loaded_mb = resident_mb() - base
    print(f"gazetteer: {len(gazetteer)} places, load {load_s:.2f} s in a fresh process "
          f"(+{import_s:.2f} s importing sitrep.geo), resident +{loaded_mb:.0f} MB")
    data = json.loads(workload.read_text(encoding="utf-8"))
    mentions = [Mention("bench", n, 0, len(n), ("gazetteer",), name=n) for n in data["names"]]
    first = list({m.surface: m for m in mentions}.values())
    t0 = time.perf_counter()
    for mention in first:  # every name for the first time: look-ups, keys and candidates all computed
        resolve_mentions(mention.surface, [mention], gazetteer)
    print(f"resolution, first sight of each name: {len(first) / (time.perf_counter() - t0):,.0f}/s "
          f"({len(first)} distinct names)")
    t0 = time.perf_counter()
    for _ in range(RESOLUTION_ROUNDS):
        for mention in mentions:  # one at a time: no shared context, the worst case for speed
            resolve_mentions(mention.surface, [mention], gazetteer)
    elapsed = time.perf_counter() - t0
    print(f"resolution, names seen before: {RESOLUTION_ROUNDS * len(mentions) / elapsed:,.0f} resolutions/s "
          f"on one core ({len(mentions)} mentions)")
    documents = [(d["text"], [Mention("bench", **{**m, "cues": tuple(m["cues"])}) for m in d["mentions"]])
                 for d in data["documents"]]
    count = sum(len(ms) for _, ms in documents)
    t0 = time.perf_counter()
    for _ in range(DOCUMENT_ROUNDS):
        for text, doc_mentions in documents:  # whole documents: headings and neighbours in play
            resolve_mentions(text, doc_mentions, gazetteer)
    elapsed = time.perf_counter() - t0
    print(f"resolution, whole dev documents: {DOCUMENT_ROUNDS * count / elapsed:,.0f} mentions/s "
          f"({len(documents)} documents)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--speed"]:
        measure_speed(Path(sys.argv[2]))
    else:
        main()
