"""Control timings on a store of 1,000,000 synthetic events over the real gazetteer.

    .venv/bin/python bench/control.py [--events 1000000] [--db out/bench-control.db] [--reuse]

How the store is built (bulk insert through SQLAlchemy core, not `Store.save_document`, which checks and
writes one document per transaction and would take hours for a million events):
- the real gazetteer's places (all but governorates, regions and countries) go into `places`;
- 30 publishers of four stances into `sources`; one document per EVENTS_PER_DOCUMENT events, published on
  a day between 2012-01-01 and 2019-12-31, with a unique synthetic text (so a unique content hash);
- events drawn at random (seeded): a place (uniform), a type (territory changes, clashes, sieges and
  shelling in SHARES), sides, a fact status (STATUSES), a date within 3 days before publication; each
  with its evidence row, as the store writes them;
- `executemany` batches of BATCH rows inside one transaction per table, SQLite journal off while loading.
Then `rebuild_control` derives the control tables (timed too), and the bench times `control_at` (whole
country and one governorate), `control_changes` (a week and a month), and one new document: its save
with `Store.save_document` and its incremental control update `update_control_after_save`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from sitrep.control.storage import control_at, control_changes, rebuild_control, update_control_after_save
from sitrep.geo import load_gazetteer
from sitrep.model import Document, Event, Place
from sitrep.store import Store, open_store
from sitrep.store.schema import DocumentRow, EventRow, EvidenceRow, PlaceRow, SourceRow

REPO = Path(__file__).resolve().parents[1]
SEED = 20160730
EVENTS_PER_DOCUMENT = 10  # a situation report names about ten events
BATCH = 50_000  # rows per executemany
FIRST_DAY, DAYS = date(2012, 1, 1), 8 * 365
COARSE = frozenset({"governorate", "region", "country"})
SIDES = ("government", "opposition", "kurdish", "isis")
STANCES = ("neutral", "pro-government", "opposition", "kurdish")
# (sub_event_type, event_type, share of events)
SHARES = (("Government regains territory", "Strategic developments", 0.12),
          ("Non-state actor overtakes territory", "Battles", 0.10),
          ("Armed clash", "Battles", 0.38),
          ("Other", "Strategic developments", 0.10),
          ("Shelling/artillery/missile attack", "Explosions/Remote violence", 0.30))
STATUSES = (("reported", 0.70), ("attributed_claim", 0.15), ("expected", 0.10), ("negated", 0.05))
REPEATS = 7  # timed runs per measure; the median is reported


def build(db: str, count: int) -> None:
    rng = random.Random(SEED)
    places = [p for p in load_gazetteer().places if p.kind not in COARSE]
    with open_store(db) as store, store.engine.begin() as connection:
        connection.execute(text("PRAGMA synchronous=OFF"))
        connection.execute(insert(PlaceRow), [{"place_id": p.place_id, "name": p.name, "lat": p.lat, "lon": p.lon,
                                               "kind": p.kind, "admin1": p.admin1} for p in places])
        connection.execute(insert(SourceRow), [{"id": i + 1, "name": f"Publisher {i}", "stance": STANCES[i % 4]}
                                               for i in range(30)])
        documents = count // EVENTS_PER_DOCUMENT
        published = [FIRST_DAY + timedelta(days=rng.randrange(DAYS)) for _ in range(documents)]
        _insert(connection, DocumentRow, ({"id": d + 1, "content_hash": hashlib.sha256(str(d).encode()).hexdigest(),
                                           "doc_id": f"synthetic-{d}", "url": "", "title": "",
                                           "published": published[d], "source_id": d % 30 + 1,
                                           "stance": STANCES[d % 30 % 4], "ingested_at": datetime.now(UTC),
                                           "text": f"Synthetic report {d}."} for d in range(documents)))
        events = list(_events(rng, places, published, count))
        _insert(connection, EventRow, (e for e, _ in events))
        _insert(connection, EvidenceRow, (ev for _, ev in events))


def _events(rng: random.Random, places: list[Place], published: list[date], count: int
            ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    kinds, weights = [s[:2] for s in SHARES], [s[2] for s in SHARES]
    statuses, status_weights = [s for s, _ in STATUSES], [w for _, w in STATUSES]
    for i in range(count):
        place = places[rng.randrange(len(places))]
        (sub, kind), status = rng.choices(kinds, weights)[0], rng.choices(statuses, status_weights)[0]
        document = i // EVENTS_PER_DOCUMENT
        side = "government" if sub.startswith("Government") else rng.choice(SIDES)
        evidence = f"Forces besieged {place.name}." if sub == "Other" and i % 3 == 0 else f"Fighting at {place.name}."
        event_id = f"e{i:08d}"
        yield ({"event_id": event_id, "document_id": document + 1,
                "event_date": published[document] - timedelta(days=rng.randrange(4)), "time_precision": 1,
                "event_type": kind, "sub_event_type": sub, "actor1": "", "actor1_side": side, "actor2": "",
                "actor2_side": rng.choice(SIDES), "location": place.name, "admin1": place.admin1,
                "place_id": place.place_id, "latitude": place.lat, "longitude": place.lon, "geo_precision": 1,
                "fact_status": status, "hedges": [], "claimant": "", "confidence": 0.5, "notes": []},
               {"event_id": event_id, "start": 0, "end": len(evidence), "text": evidence})


def _insert(connection: Any, model: Any, rows: Iterator[dict[str, Any]] | Any) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(insert(model), batch)
            batch = []
    if batch:
        connection.execute(insert(model), batch)


def timed(call: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    """The median wall time (ms) of `repeats` calls, and the last result. The previous call's result is
    freed before the clock starts: freeing 13,000 control states takes milliseconds that are not the call's."""
    times, result = [], None
    for _ in range(repeats):
        result = None
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def new_document(store: Store, n: int) -> tuple[Document, list[Event], list[Place]]:
    """A fresh report of EVENTS_PER_DOCUMENT territory changes and clashes at stored places."""
    with store.engine.connect() as connection:
        rows = connection.execute(select(PlaceRow).order_by(PlaceRow.place_id).limit(EVENTS_PER_DOCUMENT)
                                  .offset(n * EVENTS_PER_DOCUMENT)).all()
    sentences = [f"Government forces took {r.name} on Monday." for r in rows]
    body = " ".join(sentences)
    document = Document(doc_id=f"bench-new-{n}", text=body, source="Publisher 1", stance="pro-government",
                        published=date(2017, 6, 5))
    events, offset = [], 0
    for i, (row, sentence) in enumerate(zip(rows, sentences, strict=True)):
        start = body.index(sentence, offset)
        offset = start + len(sentence)
        events.append(Event(event_id=f"bench-{n}-{i}", doc_id=document.doc_id, event_date=date(2017, 6, 5),
                            time_precision=1, event_type="Strategic developments",
                            sub_event_type="Government regains territory", actor1="Syrian Arab Army",
                            actor1_side="government", actor2="", actor2_side="", location=row.name,
                            latitude=row.lat, longitude=row.lon, geo_precision=1, fact_status="reported",
                            evidence=sentence, evidence_start=start, evidence_end=offset, place_id=row.place_id,
                            admin1=row.admin1))
    return document, events, []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default=str(REPO / "out" / "bench-control.db"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing store (skip building)")
    args = parser.parse_args()
    path = Path(args.db)
    if not (args.reuse and path.exists()):
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        start = time.perf_counter()
        build(args.db, args.events)
        print(f"built {args.events:,} synthetic events in {time.perf_counter() - start:.0f} s")
        with open_store(args.db) as store:
            start = time.perf_counter()
            covered = rebuild_control(store)
            print(f"rebuild_control: {covered:,} places in {time.perf_counter() - start:.0f} s")
    with open_store(args.db) as store:
        with store.engine.connect() as connection:
            events = connection.scalar(select(func.count()).select_from(EventRow))
            states = connection.scalar(text("SELECT count(*) FROM control_states"))
        print(f"store: {events:,} events, {states:,} control states ({path.stat().st_size / 2**20:.0f} MiB)")
        day = date(2016, 7, 30)
        for layer in ("assessed", "claimed"):
            ms, found = timed(partial(control_at, store, day, layer))
            print(f"control --at {day} --layer {layer}: {ms:.1f} ms ({len(found):,} places)")
        ms, found = timed(lambda: control_at(store, day, "assessed", "Idlib"))
        print(f"control --at {day} --region Idlib: {ms:.1f} ms ({len(found):,} places)")
        for first, last in ((date(2016, 7, 23), date(2016, 7, 30)), (date(2016, 7, 1), date(2016, 7, 31))):
            ms, found = timed(partial(control_changes, store, first, last))
            print(f"control --changes {first} {last}: {ms:.1f} ms ({len(found):,} changes)")
        saves, updates, touched = [], [], 0
        for n in range(REPEATS):
            document, new_events, places = new_document(store, n)
            start_time = time.perf_counter()
            store.save_document(document, new_events, places)
            saved_time = time.perf_counter()
            touched = len(update_control_after_save(store, document.doc_id))
            saves.append((saved_time - start_time) * 1000)
            updates.append((time.perf_counter() - saved_time) * 1000)
        print(f"one new document ({EVENTS_PER_DOCUMENT} events, {touched} places): save "
              f"{statistics.median(saves):.1f} ms + control update {statistics.median(updates):.1f} ms = "
              f"{statistics.median(s + u for s, u in zip(saves, updates, strict=True)):.1f} ms (median of {REPEATS})")


if __name__ == "__main__":
    main()
