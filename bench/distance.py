"""Distance search (`Store.query_events(near=..., km=...)`) on SQLite and PostgreSQL, box path vs PostGIS.

    .venv/bin/python bench/distance.py [--events 200000] [--postgres URL]

Synthetic events (seeded) at random points over Syria's extent, bulk inserted through SQLAlchemy core, 100
per document, into a fresh SQLite file and, when PostgreSQL can be had (`--postgres`, or a throwaway
cluster as in the tests), a fresh PostgreSQL database with PostGIS. Then each search (Aleppo's citadel,
several radii) is timed (median of REPEATS) on SQLite (box), PostgreSQL by box, and PostgreSQL by
PostGIS; all three must return the same events.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from sitrep.store import Store, open_store
from sitrep.store.schema import DocumentRow, EventRow, EvidenceRow

REPO = Path(__file__).resolve().parents[1]
EVENTS_PER_DOCUMENT = 100
BATCH = 10_000
# Syria's extent in degrees (south, north, west, east).
EXTENT = (32.3, 37.3, 35.7, 42.4)
CENTRE = (36.1993, 37.1630)  # Aleppo's citadel
RADII_KM = (1.0, 5.0, 25.0, 100.0)
REPEATS = 5


def fill(store: Store, events: int, seed: int = 20160730) -> None:
    rng = random.Random(seed)
    documents = (events + EVENTS_PER_DOCUMENT - 1) // EVENTS_PER_DOCUMENT
    now = datetime.now(UTC)
    with store.engine.begin() as connection:
        connection.execute(insert(DocumentRow), [
            {"id": d + 1, "content_hash": f"{d:064x}", "doc_id": f"bench-{d}", "url": "", "title": "",
             "published": date(2016, 1, 1), "source_id": None, "stance": "", "ingested_at": now,
             "text": f"synthetic report {d}"} for d in range(documents)])
        south, north, west, east = EXTENT
        rows, evidence = [], []
        for n in range(events):
            rows.append({"event_id": f"e{n:08d}", "document_id": n // EVENTS_PER_DOCUMENT + 1,
                         "event_date": date(2016, 1, 1 + n % 28), "time_precision": 1, "event_type": "Battles",
                         "sub_event_type": "Armed clash", "latitude": rng.uniform(south, north),
                         "longitude": rng.uniform(west, east), "geo_precision": 1, "fact_status": "reported",
                         "hedges": [], "notes": [], "confidence": 0.5})
            evidence.append({"event_id": f"e{n:08d}", "start": 0, "end": 9, "text": "synthetic"})
            if len(rows) >= BATCH:
                connection.execute(insert(EventRow), rows)
                connection.execute(insert(EvidenceRow), evidence)
                rows, evidence = [], []
        if rows:
            connection.execute(insert(EventRow), rows)
            connection.execute(insert(EvidenceRow), evidence)
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def timed(store: Store, km: float) -> tuple[float, list[str]]:
    seconds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        found = store.query_events(near=CENTRE, km=km)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), [e.event_id for e in found]


def postgres_url(argument: str | None) -> tuple[str, Any]:
    """A fresh PostgreSQL database with PostGIS (the server's URL, or a throwaway cluster) and a cleanup."""
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import PostgresDatabases, start_postgres

    folder, stop = None, None
    if argument is None:
        folder = Path(tempfile.mkdtemp(prefix="sitrep-postgres-"))
        argument, stop = start_postgres(folder)
    databases = PostgresDatabases(argument)

    def cleanup() -> None:
        databases.drop_all()
        if stop is not None:
            import subprocess

            subprocess.run(stop, check=False, capture_output=True)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    return databases.create(icu_locale=""), cleanup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--postgres", help="a server URL whose user may create databases")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sitrep-bench-distance-"))
    url, cleanup = postgres_url(args.postgres)
    try:
        with open_store(str(folder / "bench.db")) as sqlite, open_store(url) as postgres:
            for store in (sqlite, postgres):
                started = time.perf_counter()
                fill(store, args.events)
                print(f"{store.engine.dialect.name}: {args.events:,} events loaded in "
                      f"{time.perf_counter() - started:.1f} s; PostGIS: {store.postgis}")
            print("\n| km | events found | SQLite box | PostgreSQL box | PostgreSQL PostGIS |\n|---|---|---|---|---|")
            for km in RADII_KM:
                lite, expected = timed(sqlite, km)
                postgres.postgis = False
                box, by_box = timed(postgres, km)
                postgres.postgis = True
                gis, by_gis = timed(postgres, km)
                assert by_box == expected and by_gis == expected, "the paths disagree"
                print(f"| {km:g} | {len(expected):,} | {lite * 1000:.1f} ms | {box * 1000:.1f} ms | {gis * 1000:.1f} ms |")
    finally:
        cleanup()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
