"""Load: 50 concurrent API clients on loopback against `sitrep serve` while a large `sitrep ingest` writes to
the same SQLite database, and a few writers post comments and votes; every request's status and latency
counted.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--think 0] [--docs 1400] [--work DIR]
    .venv/bin/python bench/load.py --docs 2300 --writers 4 --through-ingest   # issue 14's: a 2,000-document ingest

The database first holds a few hundred documents (so every route has something to read); then the large
ingest starts, and once it is storing documents the clients run for --seconds (bounded: each stops at the
deadline, the whole run is cut off at twice it) against the read routes of the API, in a mix drawn with a
fixed seed: event pages (filters, offsets, GeoJSON, near a place), event details, control on a day (both
layers), changes, timeline, fronts, places, sources and config. An error is any response other than 200 or
any failed request (timeout, refused connection). By default the clients run without pause between requests
(closed loop), so a latency includes the wait behind the other 49 clients' requests on the server; --think
gives each client a pause (seconds, drawn uniformly up to twice it) after each answer, as a person reading
the map would. --writers adds clients that post a comment or a vote on a random event (with the server's
token) every `WRITE_PAUSE_SECONDS`, a success being 201; with --through-ingest every client keeps going
until the ingest has ended (its merging and control after the batch included, when SQLite's write lock is
busiest), at least --seconds. Statuses are counted apart: a 500 is a failure of the server, a 503 a write
refused while another writer held the database past the busy timeout.
Targets: issue 6, 0 errors and p99 <= 250 ms; issue 14, 0 HTTP 500s with a 2,000-document ingest and
comment writes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.crash import run_to_end, sitrep_command, table_count, write_corpus

# Documents ingested before the clients start (the rest is the large ingest that writes during the load).
SEED_DOCUMENTS = 300
# Seconds a single request may take before it counts as an error.
REQUEST_TIMEOUT_SECONDS = 30.0
# Seconds a client keeps an idle connection: under uvicorn's 5 s keep-alive timeout, so that a client never
# sends on a connection the server is closing at that moment (as browsers, which retry then, would not see).
KEEPALIVE_EXPIRY_SECONDS = 2.0
# Seconds to wait for `sitrep serve` to answer its first request (it loads the gazetteer).
SERVER_START_SECONDS = 120.0
# Rounds of the route mix, each every route once with its own parameters drawn.
MIX_ROUNDS = 40
# Seconds a writer waits between two writes: a few analysts commenting and voting, not a flood.
WRITE_PAUSE_SECONDS = 0.5
# The token the server is started with, which the writers send.
LOAD_TOKEN = "load-bench-token"
# Seconds the clients may go on waiting for the ingest to end with --through-ingest.
INGEST_LIMIT_SECONDS = 1800.0
PLACE_QUERIES = ("Aleppo", "Daraya", "Darayya", "Manbij", "Ramouseh", "Hasakah", "Tell Kurdi", "Kinsibba")


@dataclass
class LoadResult:
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)  # every answer's HTTP status (0: no answer)
    writes: int = 0  # comments and votes posted
    latencies: list[float] = field(default_factory=list)  # seconds, successful and failed requests alike
    by_route: dict[str, list[float]] = field(default_factory=dict)  # each route's latencies
    seconds: float = 0.0
    documents_before: int = 0
    documents_after: int = 0
    ingest_running_at_end: bool = False

    def percentile(self, share: float, route: str | None = None) -> float:
        """The latency below which `share` of the requests (to `route`, or all) fall, in milliseconds."""
        latencies = self.latencies if route is None else self.by_route.get(route, [])
        if not latencies:
            return 0.0
        ordered = sorted(latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """`sitrep serve` on the database (writes allowed with `LOAD_TOKEN`), answering once this returns
    (raises if it never does)."""
    process = subprocess.Popen([*sitrep_command(), "serve", "--db", str(db), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "SITREP_TOKEN": LOAD_TOKEN})
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sitrep serve ended: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/config", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("sitrep serve did not answer in time")


def route_mix(base: str, event_ids: list[str], first: date, last: date) -> list[tuple[str, str]]:
    """(route name, path) pairs the clients draw from: every read route, with varied parameters."""
    rng = random.Random(6)
    days = [first + timedelta(days=n) for n in range(max(1, (last - first).days + 1))]
    mix: list[tuple[str, str]] = []
    for _ in range(MIX_ROUNDS):
        day, other = sorted(rng.sample(days, 2)) if len(days) > 1 else (first, last)
        mix += [
            ("events", f"/api/events?limit=100&offset={rng.randrange(0, 300)}"),
            ("events", f"/api/events?from={day}&to={other}&type=Battles"),
            ("events", f"/api/events?near={rng.choice(PLACE_QUERIES)}&km=25"),
            ("events", "/api/events?format=geojson&limit=200"),
            ("event", f"/api/events/{rng.choice(event_ids)}"),
            ("control", f"/api/control?at={day}"),
            ("control", f"/api/control?at={day}&layer=claimed"),
            ("changes", f"/api/changes?from={day}&to={other}"),
            ("timeline", "/api/timeline"),
            ("fronts", "/api/fronts"),
            ("places", f"/api/places?q={rng.choice(PLACE_QUERIES)}"),
            ("sources", "/api/sources"),
            ("config", "/api/config"),
        ]
    return [(name, base + path) for name, path in mix]


@dataclass(frozen=True)
class Clock:
    """When the clients stop: at `deadline`, or, with `ingest`, once it has ended too (by `limit` at most)."""

    deadline: float
    limit: float
    ingest: subprocess.Popen[bytes] | None = None

    def running(self) -> bool:
        now = time.monotonic()
        ingesting = self.ingest is not None and self.ingest.poll() is None
        return now < self.deadline or (ingesting and now < self.limit)


async def _timed(result: LoadResult, name: str, expected: int, request: Awaitable[httpx.Response]) -> None:
    """Send one request, counting its status, latency and any error (an answer other than `expected`)."""
    started = time.perf_counter()
    try:
        response = await request
        result.statuses[response.status_code] += 1
        if response.status_code != expected:
            result.errors[f"{name}: HTTP {response.status_code} {response.text[:120]}"] += 1
    except httpx.HTTPError as e:
        result.statuses[0] += 1
        result.errors[f"{name}: {type(e).__name__}"] += 1
    result.latencies.append(time.perf_counter() - started)
    result.requests += 1
    result.by_route.setdefault(name, []).append(result.latencies[-1])


async def client(number: int, mix: list[tuple[str, str]], clock: Clock, result: LoadResult,
                 http: httpx.AsyncClient, think: float) -> None:
    rng = random.Random(number)
    while clock.running():
        name, url = rng.choice(mix)
        await _timed(result, name, 200, http.get(url))
        if think:
            await asyncio.sleep(min(rng.uniform(0, 2 * think), max(0.0, clock.deadline - time.monotonic())))


async def writer(number: int, base: str, event_ids: list[str], clock: Clock, result: LoadResult,
                 http: httpx.AsyncClient) -> None:
    """Comments and votes on random events, one every `WRITE_PAUSE_SECONDS`, each answered 201."""
    rng = random.Random(1000 + number)
    headers = {"Authorization": f"Bearer {LOAD_TOKEN}"}
    while clock.running():
        event_id = rng.choice(event_ids)
        if rng.random() < 0.5:
            body: dict[str, Any] = {"author": f"analyst {number}", "text": f"Load comment {result.writes}."}
            await _timed(result, "comment", 201, http.post(f"{base}/api/events/{event_id}/comments", json=body,
                                                            headers=headers))
        else:
            await _timed(result, "vote", 201, http.post(f"{base}/api/events/{event_id}/votes",
                                                         json={"value": rng.choice((1, -1))}, headers=headers))
        result.writes += 1
        await asyncio.sleep(WRITE_PAUSE_SECONDS)


async def run_clients(mix: list[tuple[str, str]], clients: int, seconds: float, result: LoadResult,
                      think: float = 0.0, writers: int = 0, base: str = "", event_ids: list[str] | None = None,
                      ingest: subprocess.Popen[bytes] | None = None) -> None:
    now = time.monotonic()
    clock = Clock(now + seconds, now + INGEST_LIMIT_SECONDS, ingest)
    limits = httpx.Limits(max_connections=clients + writers, max_keepalive_connections=clients + writers,
                          keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS, limits=limits) as http:
        tasks = [client(n, mix, clock, result, http, think) for n in range(clients)]
        tasks += [writer(n, base, event_ids or [], clock, result, http) for n in range(writers)]
        # Bounded: each client stops with the clock; anything still waiting is cut off after the last one.
        longest = INGEST_LIMIT_SECONDS if ingest is not None else 2 * seconds
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=longest + REQUEST_TIMEOUT_SECONDS)


def read_catalogue(base: str) -> tuple[list[str], date, date]:
    """Event ids to ask for, and the timeline's first and last day."""
    events = httpx.get(f"{base}/api/events?limit=1000", timeout=REQUEST_TIMEOUT_SECONDS).json()["items"]
    timeline = httpx.get(f"{base}/api/timeline", timeout=REQUEST_TIMEOUT_SECONDS).json()
    first, last = date.fromisoformat(timeline["first"]), date.fromisoformat(timeline["last"])
    return [e["event_id"] for e in events], first, last


def warm_up(mix: list[tuple[str, str]]) -> None:
    """One request per distinct route and parameter kind before the clock: the server loads some resources
    (the gazetteer for `near`) on first use, a cost paid once per process, not per client."""
    with httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS) as http:
        for _, url in mix[:len(mix) // MIX_ROUNDS]:
            http.get(url)


def wait_for_writes(ingest: subprocess.Popen[bytes], db: Path, before: int) -> None:
    """Return once the ingest has stored its first document (it loads spaCy and the gazetteer first)."""
    while table_count(db, "documents") <= before and ingest.poll() is None:
        time.sleep(0.2)


def run_load(work: Path, clients: int, seconds: float, docs: int, think: float = 0.0, writers: int = 0,
             through_ingest: bool = False) -> LoadResult:
    """Seed a database, start the server and the large ingest, run the clients (and writers, for --seconds
    or, `through_ingest`, until the ingest has ended too); stop both after."""
    corpus = work / "corpus"
    total = write_corpus(corpus, docs)
    seed_folder, large = work / "seed", work / "large"
    seed_folder.mkdir(exist_ok=True)
    large.mkdir(exist_ok=True)
    for number, path in enumerate(sorted(corpus.glob("*.md"))):
        path.rename((seed_folder if number < min(SEED_DOCUMENTS, total // 4) else large) / path.name)
    db = work / "load.db"
    run_to_end(seed_folder, db)
    port = free_port()
    server = start_server(db, port)
    ingest: subprocess.Popen[bytes] | None = None
    try:
        base = f"http://127.0.0.1:{port}"
        event_ids, first, last = read_catalogue(base)
        mix = route_mix(base, event_ids, first, last)
        warm_up(mix)
        result = LoadResult(documents_before=table_count(db, "documents"))
        ingest = subprocess.Popen([*sitrep_command(), "ingest", str(large), "--db", str(db), "--undated", "mtime"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_writes(ingest, db, result.documents_before)
        result.documents_before = table_count(db, "documents")
        started = time.perf_counter()
        asyncio.run(run_clients(mix, clients, seconds, result, think, writers, base, event_ids,
                                ingest if through_ingest else None))
        result.seconds = time.perf_counter() - started
        result.documents_after = table_count(db, "documents")
        result.ingest_running_at_end = ingest.poll() is None
        if ingest.poll() is not None and ingest.returncode != 0:
            err = ingest.stderr.read().decode(errors="replace") if ingest.stderr else ""
            result.errors[f"ingest failed ({ingest.returncode}): {err[-300:]}"] += 1
        return result
    finally:
        for process in (ingest, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause after each answer, seconds")
    parser.add_argument("--docs", type=int, default=1400)
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and database")
    parser.add_argument("--writers", type=int, default=0, help="clients posting comments and votes")
    parser.add_argument("--through-ingest", action="store_true", help="run until the ingest has ended too")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sitrep-load-"))
    result = run_load(work, args.clients, args.seconds, args.docs, args.think, args.writers, args.through_ingest)
    rate = result.requests / result.seconds if result.seconds else 0.0
    print(f"{args.clients} clients (pause {args.think} s) and {args.writers} writers for {result.seconds:.1f} s: "
          f"{result.requests} requests ({rate:.0f}/s, {result.writes} writes), {sum(result.errors.values())} errors")
    print("statuses: " + ", ".join(f"{status or 'no answer'} x {count}"
                                   for status, count in sorted(result.statuses.items())))
    print(f"latency ms: p50 {result.percentile(0.5):.0f}  p95 {result.percentile(0.95):.0f}  "
          f"p99 {result.percentile(0.99):.0f}  max {result.percentile(1.0):.0f}"
          f"  (mean {1000 * statistics.fmean(result.latencies or [0.0]):.0f})")
    print(f"ingest wrote {result.documents_after - result.documents_before} documents during the load "
          f"({result.documents_before} -> {result.documents_after}); still running at the end: "
          f"{result.ingest_running_at_end}")
    print("by route (requests, p50/p99 ms): " + ", ".join(
        f"{k} {len(v)} {result.percentile(0.5, k):.0f}/{result.percentile(0.99, k):.0f}"
        for k, v in sorted(result.by_route.items())))
    for error, count in result.errors.most_common(10):
        print(f"  {count} x {error}")
    sys.exit(1 if result.errors else 0)


if __name__ == "__main__":
    main()
