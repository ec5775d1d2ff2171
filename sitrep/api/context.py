"""What the API's routes share: the settings, the store, and the heavy resources, each loaded once.

The gazetteer is loaded on the first request that needs it (place search, `near=`), the spaCy pipeline on
the first document posted; both under a lock, so that concurrent first requests load them once. Answers
that scan the whole events table (fronts, the timeline) are kept for `SUMMARY_TTL_S` seconds, and dropped
at once when the API itself writes.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from fastapi import Request, Response
from pydantic_core import to_json

from sitrep.api.edge import token_refusal
from sitrep.api.errors import ApiError
from sitrep.geo.gazetteer import Gazetteer
from sitrep.reconcile.confidence import ConfidenceWeights
from sitrep.settings import Settings, confidence_weights
from sitrep.store import Store

T = TypeVar("T")
# How long (seconds) a whole-table summary (fronts, timeline) is served from memory: a map session's
# requests share one scan, and an ingest by another process shows up within this time.
SUMMARY_TTL_S = 30.0
# Answers kept by `remember` (least recently used dropped first): a country's control areas are about a
# megabyte, and a map session steps through a few dozen days.
REMEMBERED = 64
# Bytes of whole responses kept by `reuse_response`: a country's control points are 4 MB of JSON (6 MB with
# areas), so about fifty days of a slider's range; a front's answers are a tenth of that.
RESPONSE_BYTES_KEPT = 256 * 2**20



@dataclass
class ApiContext:
    settings: Settings
    store: Store
    gazetteer_loader: Callable[[], Gazetteer]
    _gazetteer: Gazetteer | None = None
    _resources: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cache: dict[Any, tuple[float, Any]] = field(default_factory=dict)
    _remembered: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    _responses: OrderedDict[Hashable, bytes] = field(default_factory=OrderedDict)
    _response_bytes: int = 0
    _watcher: Any = None  # a DB-API connection kept aside to read SQLite's data_version
    write_lock: threading.Lock = field(default_factory=threading.Lock)  # one pipeline run at a time

    def gazetteer(self) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = self.gazetteer_loader()
            return self._gazetteer

    def resources(self) -> Any:
        """The extraction resources (spaCy pipeline, gazetteer, catalogues), loaded on first use."""
        gazetteer = self.gazetteer()
        with self._lock:
            if self._resources is None:
                from sitrep.resources import load_resources

                self._resources = load_resources(self.settings, gazetteer=gazetteer)
            return self._resources

    def scoring(self) -> Any:
        """The after-batch weights from the settings (`[confidence]`, `[assessment]`), as the CLI's ingest."""
        from sitrep.pipeline import Scoring
        from sitrep.settings import assessment_rules

        return Scoring(weights=self.weights(), rules=assessment_rules(self.settings))

    def weights(self) -> ConfidenceWeights:
        """The merged-event confidence weights from the settings."""
        return confidence_weights(self.settings)

    def cached(self, key: Any, compute: Callable[[], T], ttl: float = SUMMARY_TTL_S) -> T:
        """`compute()`, remembered under `key` for `ttl` seconds (or until the API writes)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._cache[key] = (now, value)
        return value

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` for a key that fully determines the answer, kept for the REMEMBERED latest keys."""
        with self._lock:
            if key in self._remembered:
                self._remembered.move_to_end(key)
                return self._remembered[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._remembered[key] = value
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return value

    def store_version(self) -> int | None:
        """A number that changes whenever any connection (this process's or another's) commits to the store:
        SQLite's `PRAGMA data_version`, read on a connection of its own that never writes. None where that
        does not hold (other backends, an in-memory database shared by one connection): nothing is reused."""
        engine = self.store.engine
        if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
            return None
        with self._lock:
            if self._watcher is None:
                self._watcher = engine.raw_connection()
            cursor = self._watcher.cursor()
            try:
                cursor.execute("PRAGMA data_version")
                return int(cursor.fetchone()[0])
            finally:
                cursor.close()

    def reuse_response(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The body built for `key` while the store has not changed since (see `store_version`); the latest
        are kept, up to RESPONSE_BYTES_KEPT. Without a store version every call builds."""
        version = self.store_version()
        if version is None:
            return build()
        full_key = (key, version)
        with self._lock:
            if full_key in self._responses:
                self._responses.move_to_end(full_key)
                return self._responses[full_key]
        body = build()
        with self._lock:
            self._responses[full_key] = body
            self._response_bytes += len(body)
            while self._response_bytes > RESPONSE_BYTES_KEPT and len(self._responses) > 1:
                self._response_bytes -= len(self._responses.popitem(last=False)[1])
        return body

    def close(self) -> None:
        """Give back the connection kept for `store_version`."""
        with self._lock:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None

    def forget(self) -> None:
        """Drop every remembered answer: the store has changed."""
        with self._lock:
            self._cache.clear()


def json_response(body: Any, status_code: int = 200) -> Response:
    """A JSON response serialized by pydantic-core's encoder (dates as ISO text): for the large bodies
    (a country's control points, a page of events) it is several times faster than validating them
    against their response models first; the models still document them in the OpenAPI schema."""
    return Response(to_json(body), status_code=status_code, media_type="application/json")


# Responses of /api/event-columns are gzip'd at this zlib level for a client that accepts it: level 1 shrinks
# the map's 1.7 MB feed to 0.26 MB in 6 ms (level 6: 0.19 MB in 25 ms, time the page waits for).
GZIP_LEVEL = 1
GZIP_FROM_BYTES = 1024  # smaller bodies go as they are: a header and a round of zlib would outweigh them
GZIP_MAGIC = b"\x1f\x8b"  # how a gzip stream begins (a JSON text never does)


def accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def json_bytes(body: Any, gzipped: bool) -> bytes:
    """`body` as JSON (as `json_response` encodes it), gzip'd when `gzipped` and it is large enough to gain."""
    encoded = to_json(body)
    return gzip.compress(encoded, GZIP_LEVEL, mtime=0) if gzipped and len(encoded) >= GZIP_FROM_BYTES else encoded


def json_bytes_response(body: bytes) -> Response:
    """A response of `json_bytes`' output, saying whether it is gzip'd (and that this depends on the request)."""
    headers = {"Vary": "Accept-Encoding"}
    if body.startswith(GZIP_MAGIC):
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)


def checked_date(settings: Settings, day: date | None, name: str) -> date | None:
    """`day` when it lies from `settings.earliest_date` to `settings.days_ahead` days past today, else 422:
    a date of year 1 or 9999 would stretch the map's timeline to millions of days (and overflow date
    arithmetic)."""
    if day is None:
        return None
    last = date.today() + timedelta(days=settings.days_ahead)
    if not settings.first_date <= day <= last:
        raise ApiError(422, f"{name} {day.isoformat()} is not between {settings.first_date.isoformat()} and "
                            f"{last.isoformat()} (settings earliest_date, days_ahead)", "invalid")
    return day


def context(request: Request) -> ApiContext:
    """FastAPI dependency: the app's shared context."""
    return request.app.state.sitrep  # type: ignore[no-any-return]


def require_token(request: Request) -> None:
    """FastAPI dependency of every write: `Authorization: Bearer <settings.token>` (see `token_refusal`). The
    app's edge (sitrep.api.edge) has checked it already, before the body was read; this keeps the rule
    with the route and in its OpenAPI description."""
    refused = token_refusal(context(request).settings, request.headers.get("authorization", ""))
    if refused is not None:
        raise refused
