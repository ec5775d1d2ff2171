"""How extraction and merging grow with their input (issue 14): time and peak memory, with growth exponents.

    .venv/bin/python bench/scaling.py                      # extraction 25 KB-1 MB, merge 1k-10k documents
    .venv/bin/python bench/scaling.py --sizes 25,50 --counts 500,1000   # a quicker look

Extraction: one long report made of real text (the bundled examples and the dev corpus, repeated in turn
paragraph by paragraph up to the size), read, parsed, extracted and stored by `run_batch`. Merge: N
one-sentence wire-style reports (a dozen sentence shapes, gazetteer places and dates: the worst case for
near-duplicate detection, since such reports share most of their shingles) run through `run_batch`; the time
quoted is the after-batch stage (copies, merged events, control). Every point runs in its own process, so
its peak memory (ru_maxrss) is its own. The growth exponent is the least-squares slope of log(time) or
log(memory) over log(size); 1.0 is linear.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEXT_SOURCES = (REPO / "sitrep" / "data" / "examples", REPO.parent / "shared" / "data" / "corpus-dev")
DEFAULT_SIZES_KB = (25, 50, 100, 200, 500, 1000)  # report sizes (KB of text): the range
DEFAULT_COUNTS = (1000, 2000, 5000, 10000)  # one-sentence reports merged in one batch: the range
TARGET_EXPONENT = 1.2  # the bound on growth: time and memory at most slightly super-linear
SEED = 14  # the random choices of places and dates: fixed, so every run measures the same reports
FIRST_DAY = date(2016, 1, 1)  # the merge reports' dates spread over one year from here (as a real feed's)
DAYS = 365

# Wire-style one-sentence shapes, as agencies and monitors write them; {place} and {day} are filled in.
SHAPES = (
    "Syrian government forces shelled {place} on {day}, a war monitor said.",
    "Rebel fighters attacked army positions near {place} on {day}, activists reported.",
    "Warplanes struck {place} on {day}, killing at least three civilians, according to local medics.",
    "The Syrian army said on {day} it had taken full control of {place} after days of fighting.",
    "Islamic State militants seized {place} on {day}, the group's news agency said.",
    "Clashes broke out between government troops and insurgents in {place} on {day}.",
    "A car bomb exploded in {place} on {day}, wounding several people, state media reported.",
    "Kurdish-led forces captured {place} from Islamic State fighters on {day}, a spokesman said.",
    "Opposition groups said they repelled an army assault on {place} on {day}.",
    "Russian jets bombed {place} on {day}, the Syrian Observatory for Human Rights said.",
    "Government helicopters dropped barrel bombs on {place} on {day}, rescue workers said.",
    "Insurgents shelled government-held parts of {place} on {day}, state television said.",
)


def long_text(size: int) -> str:
    """About `size` characters of real report text: the sources' paragraphs in turn, repeated as needed."""
    paragraphs = [p.strip() for folder in TEXT_SOURCES for path in sorted(folder.glob("*.md"))
                  for p in _body(path.read_text(encoding="utf-8")).split("\n\n") if p.strip()]
    chosen: list[str] = []
    length = 0
    while length < size:
        paragraph = paragraphs[len(chosen) % len(paragraphs)]
        chosen.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(chosen)[:size].rsplit("\n\n", 1)[0] + "\n" if size > 2000 else "\n\n".join(chosen)


def _body(text: str) -> str:
    """The text after a front matter block."""
    if text.startswith("---\n"):
        return text.split("\n---\n", 1)[-1]
    return text


def one_sentence_reports(count: int, places: list[str]) -> list[str]:
    """`count` one-sentence reports as JSON Lines records (text, published, source)."""
    rng = random.Random(SEED)
    records = []
    for i in range(count):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        text = rng.choice(SHAPES).format(place=rng.choice(places), day=day.strftime("%A"))
        records.append(json.dumps({"id": f"wire-{i}", "text": text, "published": day.isoformat(),
                                   "source": f"Agency {i % 7}"}))
    return records


def reposts(count: int) -> list[str]:
    """`count` reposts of one story, each by another outlet with its own tag line: one group of copies as
    large as the batch, the worst case for finding copies (every pair shares its bands)."""
    story = SHAPES[3].format(place="Manbij", day="Friday")
    return [json.dumps({"id": f"repost-{i}", "text": f"{story} Posted by outlet {i}.",
                        "published": (FIRST_DAY + timedelta(days=i % DAYS)).isoformat(),
                        "source": f"Outlet {i}"}) for i in range(count)]


def _measure(kind: str, size: int) -> dict[str, float]:
    """One point, in this process: run the batch and report its times and this process's peak memory."""
    from sitrep.events.extract import load_resources
    from sitrep.geo import load_gazetteer
    from sitrep.nlp import load_nlp
    from sitrep.pipeline import run_batch
    from sitrep.store import open_store

    resources = load_resources(load_nlp(), load_gazetteer())
    baseline = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "scaling.db"))
        if kind == "extract":
            path = Path(folder) / "long.md"
            path.write_text(f"---\npublished: 2016-08-01\nsource: Scaling bench\n---\n\n{long_text(size * 1000)}",
                            encoding="utf-8")
        elif kind == "copies":
            path = Path(folder) / "reposts.jsonl"
            path.write_text("\n".join(reposts(size)) + "\n", encoding="utf-8")
        else:
            names = sorted({p.name for p in resources.gazetteer.places
                            if p.kind in ("town", "village", "city") and p.name.isascii()})
            path = Path(folder) / "wire.jsonl"
            path.write_text("\n".join(one_sentence_reports(size, names)) + "\n", encoding="utf-8")
        started = time.perf_counter()
        summary = run_batch([path], store, resources)
        total = time.perf_counter() - started
        store.close()
    return {"seconds": total, "extract_seconds": summary.extract_seconds,
            "reconcile_seconds": summary.reconcile_seconds, "events": summary.events,
            "longest_write_seconds": summary.longest_write_seconds,
            "rejects": len(summary.rejects), "peak_mb": _peak_mb(), "baseline_mb": baseline}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


def _run_point(kind: str, size: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--point", kind, str(size)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} {size} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def growth_exponent(sizes: list[float], values: list[float]) -> float:
    """The least-squares slope of log(value) over log(size): 1.0 for linear growth, 2.0 for quadratic."""
    xs, ys = [math.log(s) for s in sizes], [math.log(max(v, 1e-9)) for v in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def _report(kind: str, sizes: list[int], unit: str, time_key: str) -> None:
    points = []
    for size in sizes:
        point = _run_point(kind, size)
        points.append(point)
        print(f"{kind:8} {size:>6} {unit:9} {point[time_key]:8.1f} s   peak {point['peak_mb']:7.0f} MB "
              f"(after loading {point['baseline_mb']:.0f} MB)   events {point['events']:.0f}   "
              f"longest write {point.get('longest_write_seconds', 0.0):.2f} s   "
              f"rejects {point['rejects']:.0f}", flush=True)
    # A point whose document was rejected (the time budget stopped it) says nothing of growth: left out.
    kept = [(size, point) for size, point in zip(sizes, points, strict=True) if not point["rejects"]]
    if len(kept) < len(sizes):
        print(f"{kind:8} left out of the exponent (rejected): {[size for size, point in zip(sizes, points, strict=True) if point['rejects']]}",
              flush=True)
    if len(kept) > 1:
        seconds = growth_exponent([float(s) for s, _ in kept], [p[time_key] for _, p in kept])
        memory = growth_exponent([float(s) for s, _ in kept], [max(p["peak_mb"] - p["baseline_mb"], 1.0)
                                                               for _, p in kept])
        verdict = "ok" if seconds <= TARGET_EXPONENT else "over target"
        print(f"{kind:8} growth exponent: time {seconds:.2f} ({verdict}, target <= {TARGET_EXPONENT}), "
              f"memory above the loaded resources {memory:.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES_KB)), help="report sizes in KB")
    parser.add_argument("--counts", default=",".join(map(str, DEFAULT_COUNTS)), help="reports per merge")
    parser.add_argument("--only", choices=("extract", "merge", "copies"), help="run one of the two benches")
    parser.add_argument("--point", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.point:
        print(json.dumps(_measure(args.point[0], int(args.point[1]))))
        return
    if args.only in (None, "extract"):
        _report("extract", [int(s) for s in args.sizes.split(",")], "KB", "extract_seconds")
    if args.only in (None, "merge"):
        _report("merge", [int(s) for s in args.counts.split(",")], "reports", "reconcile_seconds")
    if args.only in (None, "copies"):
        _report("copies", [int(s) for s in args.counts.split(",")], "reposts", "reconcile_seconds")


if __name__ == "__main__":
    main()
