"""`sitrep report` timings (target: a front's report in 5 s or less).

    .venv/bin/python bench/report.py [--skip-large] [--events 1000000] [--reuse]

1. A store built by ingesting ../shared/data/corpus-dev/ and the seed (../shared/eval/seed.txt, published
   2016-07-30): for every front, the report from 2016-06-01 to 2016-08-31 composed, its map drawn and
   rendered as Markdown, HTML and PDF (median of REPEATS, in process), then the whole command
   `sitrep report --format pdf` as a fresh process (imports included) for the busiest front.
2. A synthetic store of `--events` events over the real gazetteer, built as bench/control.py builds it
   (documents, events, evidence, control timelines), with each event its own merged event (the reconcile
   tables filled one report per happening, as the synthetic events have no neighbours to merge with): the
   busiest front's report for a month and for a quarter, in process, and the command as a fresh process.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from sitrep.fronts import fronts
from sitrep.sitreps.compose import compose_report
from sitrep.sitreps.mapimage import control_map_png
from sitrep.sitreps.render import render
from sitrep.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REPEATS = 5  # timed runs per measure; the median is reported
DEV_RANGE = (date(2016, 6, 1), date(2016, 8, 31))
LARGE_RANGES = ((date(2016, 7, 1), date(2016, 7, 31)), (date(2016, 6, 1), date(2016, 8, 31)))
TARGET_SECONDS = 5.0


def timed(call: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    """Median wall time in seconds of `repeats` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def build_dev(db: Path) -> None:
    from sitrep.events.extract import load_resources
    from sitrep.geo import load_gazetteer
    from sitrep.nlp import load_nlp
    from sitrep.pipeline import run_batch

    db.unlink(missing_ok=True)
    resources = load_resources(load_nlp(), load_gazetteer())
    with open_store(str(db)) as store:
        run_batch(sorted((SHARED / "data" / "corpus-dev").glob("*.md")), store, resources)
        run_batch([SHARED / "eval" / "seed.txt"], store, resources, published=date(2016, 7, 30))


def build_large(db: Path, events: int) -> None:
    """The synthetic store of bench/control.py, plus one merged event per event."""
    from sitrep.control.storage import rebuild_control

    spec = importlib.util.spec_from_file_location("bench_control", REPO / "bench" / "control.py")
    assert spec is not None and spec.loader is not None
    control_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(control_bench)
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    control_bench.build(str(db), events)
    with open_store(str(db)) as store:
        rebuild_control(store)
        with store.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO merged_events (merged_id, event_type, sub_event_type, event_date, time_precision, "
                "place_id, location, latitude, longitude, fact_status, reports_count, independent_sources, "
                "stances, disputes, confidence) SELECT event_id, event_type, sub_event_type, event_date, "
                "time_precision, place_id, location, latitude, longitude, fact_status, 1, 1, '[]', '[]', "
                "confidence FROM events"))
            connection.execute(text("INSERT INTO merged_reports (event_id, merged_id) "
                                    "SELECT event_id, event_id FROM events"))


def time_front(store: Store, name: str, start: date, end: date) -> str:
    compose_s, report = timed(lambda: compose_report(store, name, start, end))
    map_s, png = timed(lambda: control_map_png(report))
    renders = {f: timed(lambda f=f: render(report, f, png, "map.png"))[0] for f in ("md", "html", "pdf")}
    total = compose_s + map_s + renders["pdf"]
    return (f"{name:<12} {start}..{end}: {len(report.sentences):3d} sentences, {len(report.sources):4d} sources; "
            f"compose {compose_s * 1000:7.1f} ms, map {map_s * 1000:6.1f} ms, md {renders['md'] * 1000:5.1f} ms, "
            f"html {renders['html'] * 1000:5.1f} ms, pdf {renders['pdf'] * 1000:6.1f} ms; "
            f"compose+map+pdf {total:.2f} s {'ok' if total <= TARGET_SECONDS else 'OVER TARGET'}")


def time_command(db: Path, front: str, start: date, end: date, out: Path) -> str:
    """The whole command as a user runs it: a fresh process, imports and all."""
    command = [str(REPO / ".venv" / "bin" / "sitrep"), "report", "--front", front, "--from", start.isoformat(),
               "--to", end.isoformat(), "--format", "pdf", "--out", str(out), "--db", str(db)]
    seconds, startup = _run_seconds(command), _run_seconds([command[0], "--help"])
    return (f"`sitrep report --front {front} --from {start} --to {end} --format pdf` (fresh process, median of 3): "
            f"{seconds:.2f} s {'ok' if seconds <= TARGET_SECONDS else 'OVER TARGET'}; of which the CLI's own "
            f"start-up (`sitrep --help`, every command's imports): {startup:.2f} s")


def _run_seconds(command: list[str], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dev-db", type=Path, default=REPO / "out" / "bench-report-dev.db")
    parser.add_argument("--large-db", type=Path, default=REPO / "out" / "bench-report-large.db")
    parser.add_argument("--reuse", action="store_true", help="keep existing stores (skip building)")
    parser.add_argument("--skip-large", action="store_true", help="only the dev corpus store")
    args = parser.parse_args()
    args.dev_db.parent.mkdir(parents=True, exist_ok=True)
    if not (SHARED / "eval" / "seed.txt").exists():
        sys.exit(f"{SHARED} is absent: the dev corpus and seed are read from there")
    if not (args.reuse and args.dev_db.exists()):
        build_dev(args.dev_db)
    with open_store(str(args.dev_db)) as store:
        known = fronts(store)
        print(f"dev corpus + seed store: {sum(f.events for f in known)} located events, {len(known)} fronts")
        for front in known:
            print(time_front(store, front.name, *DEV_RANGE))
    print(time_command(args.dev_db, known[0].name, *DEV_RANGE, args.dev_db.with_suffix(".pdf")))
    if args.skip_large:
        return
    if not (args.reuse and args.large_db.exists()):
        begin = time.perf_counter()
        build_large(args.large_db, args.events)
        print(f"built the synthetic store ({args.events:,} events) in {time.perf_counter() - begin:.0f} s")
    with open_store(str(args.large_db)) as store:
        busiest = fronts(store)[0]
        print(f"synthetic store: {busiest.name} has {busiest.events:,} of its events")
        for start, end in LARGE_RANGES:
            print(time_front(store, busiest.name, start, end))
    print(time_command(args.large_db, busiest.name, *LARGE_RANGES[0], args.large_db.with_suffix(".pdf")))


if __name__ == "__main__":
    main()
