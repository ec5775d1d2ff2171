"""The API's edge, before any route runs: which Host it answers, the token of a write checked before its
body is read, the body's size bounded while it arrives, and the browser's security headers on every answer.

It is plain ASGI middleware (`ApiEdge`), so that a refusal costs nothing: an unauthenticated 1 GB POST is
answered 401 from its headers alone, and an authenticated one 413 as soon as its declared length (or, when
it declares none, the bytes that arrived) passes `Settings.max_body_bytes`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitrep.api.errors import ApiError, error_response
from sitrep.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ANY_HOST = "*"
# The API docs (Swagger UI, vendored with the map's assets): scripts and data from sitrep itself only; inline
# styles allowed, as Swagger UI's components set them. They show only sitrep's own OpenAPI schema.
DOCS_PATHS = ("/docs",)
# The map page's policy: its scripts, styles, workers and data from sitrep itself; images also as data:
# and blob: URLs (MapLibre decodes its icons and tiles from them); nothing may frame it.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; "
               "style-src 'self'; img-src 'self' data: blob:{tiles}; connect-src 'self'{tiles}; "
               "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
TILE_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_origin(tile_url: str) -> str:
    """The CSP source of a tile URL template ("https://{s}.tile.example/{z}/{x}/{y}.png" ->
    "https://*.tile.example"); "" for none or a template that names no web origin."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = TILE_PLACEHOLDER.sub("*", parts.netloc.rpartition("@")[2])
    if not re.fullmatch(r"[A-Za-z0-9.*:\[\]-]+", host) or "*" in host.lstrip("*."):
        return ""  # a placeholder other than a leading label cannot be written as a CSP source
    return f"{parts.scheme}://{host}"


def security_headers(path: str, tile_url: str) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries: a content security policy, no framing, no content sniffing."""
    if path.startswith(DOCS_PATHS):
        policy = DOCS_POLICY
    else:
        origin = tile_origin(tile_url)
        policy = PAGE_POLICY.format(tiles=f" {origin}" if origin else "")
    return [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


def host_name(header: str) -> str:
    """The host of a Host header, lower-case, without its port ("[::1]:8000" -> "::1")."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") == 1:
        return header.partition(":")[0]
    return header


def host_allowed(header: str, allowed: Iterable[str]) -> bool:
    """Whether a Host header names an allowed host (an exact name or address, or "*" for any)."""
    hosts = frozenset(allowed)
    if ANY_HOST in hosts:
        return True
    name = host_name(header)
    if not name:
        return False
    if name in hosts:
        return True
    try:  # "::0:1" is "::1"
        return str(ipaddress.ip_address(name)) in hosts
    except ValueError:
        return False


def token_refusal(settings: Settings, authorization: str) -> ApiError | None:
    """Why a write with this Authorization header is refused, or None when it carries the token. With no
    token configured every write is refused (403); a missing token is 401, a wrong one 403."""
    import hmac

    if not settings.token:
        return ApiError(403, "writes are disabled: no API token is configured (set SITREP_TOKEN)")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return ApiError(401, "this write needs an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
        return ApiError(403, "wrong API token")
    return None


def too_large(limit: int) -> str:
    return f"the request body is over the {limit:,}-byte limit (setting max_body_bytes)"


class ApiEdge:
    """ASGI middleware: Host allow-list, token before body, body limit, security headers (see the module)."""

    def __init__(self, app: ASGIApp, settings: Settings, routes: list[BaseRoute]) -> None:
        self.app = app
        self.settings = settings
        self.routes = routes
        self.hosts = settings.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""), self.settings.tile_url)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                message["headers"] = [*message.get("headers", ()), *(h for h in extra if h[0] not in present)]
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
            await error_response(refusal.status, str(refusal), refusal.code, headers)(scope, receive, send_with_headers)
            return
        await self.app(scope, self._bounded(receive), send_with_headers)

    def _refusal(self, scope: Scope) -> ApiError | None:
        """What the request's headers alone are refused for, or None."""
        headers = Headers(scope=scope)
        if not host_allowed(headers.get("host", ""), self.hosts):
            return ApiError(400, f"this server does not answer for host {headers.get('host', '')[:100]!r} "
                                 "(setting allowed_hosts)", "bad_host")
        if scope.get("method", "GET") not in SAFE_METHODS and self._is_write(scope):
            refused = token_refusal(self.settings, headers.get("authorization", ""))
            if refused is not None:
                return refused
        declared = headers.get("content-length", "")
        if declared:
            if not declared.isdigit():
                return ApiError(400, "Content-Length is not a number")
            if int(declared) > self.settings.max_body_bytes:
                return ApiError(413, too_large(self.settings.max_body_bytes))
        return None

    def _is_write(self, scope: Scope) -> bool:
        """Whether a route of the app takes this method on this path (every such route is a write; mounted
        static files take none)."""
        return any(not isinstance(route, Mount) and route.matches(scope)[0] == Match.FULL for route in self.routes)

    def _bounded(self, receive: Receive) -> Receive:
        """`receive`, raising HTTP 413 once the body's bytes pass the limit (the route answers it)."""
        limit = self.settings.max_body_bytes
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, too_large(limit))
            return message

        return bounded
