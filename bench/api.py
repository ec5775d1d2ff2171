"""API latency on a store of 1,000,000 synthetic events: p50/p95 of `/api/control` and `/api/events` over
1,000 requests each, from a client to `sitrep serve` on loopback (a separate process, one connection kept).

    .venv/bin/python bench/api.py [--events 1000000] [--db out/bench-api.db] [--reuse] [--requests 1000]

The store is built as bench/control.py builds it (its `build`, then `rebuild_control`). Requests vary the way
a map session does, drawn with a fixed seed:
- `/api/events` first pages and pages at random offsets below 10,000, then a random month's first page;
- `/api/control` on random days in 2012-2019 (assessed layer), points only (`areas=false`); the same on days
  drawn from 30 (a session stepping a slider back and forth: a day's answer is reused until the store
  changes); with the control areas on those 30 days; and the cold cost of areas on 20 new days.
Targets (issue 5): `/api/control` p95 <= 100 ms and `/api/events` (one page) p95 <= 50 ms.

    .venv/bin/python bench/api.py --memory       # the server's peak memory per request (issue 14)

With --memory: `sitrep serve` on a fresh store, with a token, answers in turn a 0.5 MB report posted to
`POST /api/documents` with the token (real report text, bench/scaling.py's long report), then 1 GB bodies
streamed to it in 1 MiB chunks without a declared length (chunked), without the token and with it. Before
each request the server's peak resident memory is reset (`/proc/PID/clear_refs`), after it read (VmHWM): the
request's own peak. Printed for each: the status, the seconds to the answer, how much of the body had been
sent by then, the peak and the resident memory after. Target (issue 14): nothing takes the server past 2 GB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SEED = 20160730
FIRST_DAY, DAYS = date(2012, 1, 1), 8 * 365  # the synthetic store's span (bench/control.py)
STARTUP_S = 120.0  # how long the server may take to open (and migrate) the store
MEMORY_TOKEN = "memory-bench-token"  # the token the --memory server is started with
REPORT_BYTES = 500_000  # the posted report of --memory: the 0.5 MB POST /api/documents
HUGE_BYTES = 2**30  # the streamed bodies of --memory: the 1 GB POSTs
CHUNK_BYTES = 2**20  # the streamed bodies' chunks
POST_TIMEOUT_S = 600.0  # how long --memory waits for one answer (the 0.5 MB report is extracted first)
TARGET_MB = 2048  # issue 14: no single input takes the server past 2 GB


def _control_bench() -> object:
    spec = importlib.util.spec_from_file_location("bench_control", REPO / "bench" / "control.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(db: str, count: int) -> None:
    from sitrep.control.storage import rebuild_control
    from sitrep.store import open_store

    path = Path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    start = time.perf_counter()
    _control_bench().build(db, count)  # type: ignore[attr-defined]
    with open_store(db) as store:
        rebuild_control(store)
    print(f"built {count:,} synthetic events with their control in {time.perf_counter() - start:.0f} s")


def _count_events(db: str) -> int:
    from sqlalchemy import func, select

    from sitrep.store import open_store
    from sitrep.store.schema import EventRow

    with open_store(db) as store, store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(EventRow)) or 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, token: str = "") -> subprocess.Popen[bytes]:
    command = [str(REPO / ".venv" / "bin" / "sitrep"), "serve", "--db", db, "--port", str(port)]
    server = subprocess.Popen(command, env={**os.environ, "SITREP_TOKEN": token}, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/config", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"sitrep serve did not answer within {STARTUP_S:.0f} s")


def measure(client: httpx.Client, name: str, urls: list[str]) -> None:
    """Request each URL in turn; print p50, p95 and max of the wall time per request (ms)."""
    times, size = [], 0
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:200]}")
        size = max(size, len(response.content))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
          f"({len(urls)} requests, largest body {size / 1024:.0f} KiB)")


def scenarios(rng: random.Random, n: int) -> list[tuple[str, list[str]]]:
    def day() -> date:
        return FIRST_DAY + timedelta(days=rng.randrange(DAYS))

    def many(make: Callable[[], str], count: int = n) -> list[str]:
        return [make() for _ in range(count)]

    slider = [day() for _ in range(30)]
    return [
        ("/api/events first page", many(lambda: "/api/events")),
        ("/api/events page at offset < 10,000", many(lambda: f"/api/events?offset={rng.randrange(100) * 100}")),
        ("/api/events a month's first page",
         many(lambda: (lambda d: f"/api/events?from={d}&to={d + timedelta(days=30)}")(day()))),
        ("/api/control points (areas=false), random days", many(lambda: f"/api/control?at={day()}&areas=false")),
        ("/api/control points (areas=false), days from a 30-day slider",
         many(lambda: f"/api/control?at={rng.choice(slider)}&areas=false")),
        ("/api/control with areas, days from a 30-day slider", many(lambda: f"/api/control?at={rng.choice(slider)}")),
        ("/api/control with areas, cold (new days)", many(lambda: f"/api/control?at={day()}", 20)),
    ]


def _memory_kb(pid: int, field: str) -> int:
    """A field of /proc/PID/status in kB (VmHWM: peak resident memory since the last reset; VmRSS: now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/{pid}/status")


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the peak resident set size to the current


def post_report(port: int, text: str) -> tuple[int, int]:
    """POST /api/documents with the token: (status, bytes of the body)."""
    body = json.dumps({"text": text, "published": "2016-08-01", "source": "Memory bench"}).encode()
    response = httpx.post(f"http://127.0.0.1:{port}/api/documents", content=body, timeout=POST_TIMEOUT_S,
                          headers={"Authorization": f"Bearer {MEMORY_TOKEN}", "Content-Type": "application/json"})
    return response.status_code, len(body)


def stream_huge(port: int, token: str) -> tuple[int, int]:
    """Stream HUGE_BYTES of a JSON body to POST /api/documents in chunks, without a declared length, until the
    server answers or closes the connection: (status, or 0 for none; bytes of the body sent by then)."""
    head = (f"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n" + (f"Authorization: Bearer {token}\r\n" if token else "") + "\r\n")
    chunk = b"%x\r\n" % CHUNK_BYTES + b'{"text": "' + b"a" * (CHUNK_BYTES - 10) + b'\r\n'
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", port), timeout=POST_TIMEOUT_S) as connection:
        connection.sendall(head.encode())
        while sent < HUGE_BYTES and not answer:
            if select.select([connection], [], [], 0)[0]:
                answer = connection.recv(4096)
                break
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK_BYTES
        if not answer:
            try:
                connection.sendall(b"0\r\n\r\n")
                answer = connection.recv(4096)
            except OSError:
                pass
    status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") else b"0"
    return int(status), sent


def measure_memory() -> None:
    """The server's peak resident memory while it answers each of the issue's three requests."""
    scaling = importlib.util.spec_from_file_location("bench_scaling", REPO / "bench" / "scaling.py")
    assert scaling is not None and scaling.loader is not None
    module = importlib.util.module_from_spec(scaling)
    scaling.loader.exec_module(module)
    report = module.long_text(REPORT_BYTES)
    from sitrep.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "memory.db")
        open_store(db).close()  # an empty store, migrated: the server opens only an existing one
        port = free_port()
        server = start_server(db, port, MEMORY_TOKEN)
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=60)
            print(f"server idle: {_memory_kb(server.pid, 'VmRSS') / 1024:.0f} MB resident")
            requests: list[tuple[str, Callable[[], tuple[int, int]]]] = [
                (f"POST /api/documents, token, {len(report.encode()) / 1e6:.2f} MB report",
                 lambda: post_report(port, report)),
                ("POST 1 GB chunked, no token", lambda: stream_huge(port, "")),
                ("POST 1 GB chunked, token", lambda: stream_huge(port, MEMORY_TOKEN)),
            ]
            worst = 0.0
            for name, send in requests:
                _reset_peak(server.pid)
                start = time.perf_counter()
                status, sent = send()
                seconds = time.perf_counter() - start
                peak = _memory_kb(server.pid, "VmHWM") / 1024
                worst = max(worst, peak)
                print(f"{name}: {status} after {seconds:.1f} s, {sent / 2**20:,.1f} MiB of the body sent; server "
                      f"peak {peak:.0f} MB, {_memory_kb(server.pid, 'VmRSS') / 1024:.0f} MB resident after")
            print(f"largest peak {worst:.0f} MB: {'ok' if worst <= TARGET_MB else 'over'} (target <= {TARGET_MB} MB)")
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default=str(REPO / "out" / "bench-api.db"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing store (skip building)")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--memory", action="store_true", help="the server's peak memory per request instead")
    args = parser.parse_args()
    if args.memory:
        measure_memory()
        return
    if not (args.reuse and Path(args.db).exists()):
        build_store(args.db, args.events)
    events = _count_events(args.db)  # opens the store first: any migration happens before the clock
    port = free_port()
    server = start_server(args.db, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            print(f"store {args.db}: {events:,} events; client and server on one machine "
                  f"({os.cpu_count()} CPUs), Python {sys.version.split()[0]}")
            client.get(f"/api/control?at={FIRST_DAY}&areas=false")  # warm: first connection, first read
            for name, urls in scenarios(random.Random(SEED), args.requests):
                measure(client, name, urls)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
