"""`sitrep serve`: the API and the map page over uvicorn."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from sitrep.errors import SitrepError
from sitrep.settings import Settings, load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_PORT = 65535  # the largest TCP port number (16 bits)
# Addresses that mean "every interface": what clients call the server then is not known here.
ANY_INTERFACE = frozenset({"0.0.0.0", "::", ""})


def register(app: typer.Typer) -> None:
    """Add the `serve` command to sitrep's CLI."""
    app.command("serve")(serve_command)


def serve_command(
    db: Annotated[str | None, typer.Option("--db", help="database: a SQLite path or an SQLAlchemy URL")] = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="port to listen on")] = DEFAULT_PORT,
) -> None:
    """Serve the JSON API (/api, docs at /docs) and the map page (/) over HTTP."""
    from sitrep.cli_checks import existing_database

    try:
        settings = load_settings({"db": db})
        existing_database(settings.db)  # never serve an empty database made by a typo
    except SitrepError as e:
        Console(stderr=True, soft_wrap=True).print(Text.assemble(("error:", "red"), f" {e}"))
        raise typer.Exit(2) from e
    serve(settings, host, port)


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Run uvicorn on the app until interrupted; prints the address first."""
    import uvicorn

    from sitrep.api.app import create_app

    err = Console(stderr=True, soft_wrap=True)
    settings = with_bound_host(settings, host)
    try:
        check_port_free(host, port)
        app = create_app(settings)
    except SitrepError as e:
        err.print(Text.assemble(("error:", "red"), f" {e}"))
        raise typer.Exit(2) from e
    shown = f"[{host}]" if ":" in host else host
    writes = "writes need the bearer token" if settings.token else "read-only (set SITREP_TOKEN to allow writes)"
    # Plain text, flushed: the address must reach a log or a pipe whole (no markup, no wrapping).
    print(f"sitrep serving {settings.db} at http://{shown}:{port}/ (API docs: /docs; {writes})", file=sys.stderr,
          flush=True)
    if host in ANY_INTERFACE and "*" not in settings.hosts:
        print(f"note: only requests for the hosts {settings.allowed_hosts} are answered (setting allowed_hosts)",
              file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def check_port_free(host: str, port: int) -> None:
    """A SitrepError in one line when `host:port` cannot be listened on (taken, or not this machine's)."""
    import errno
    import socket

    if not 0 < port <= MAX_PORT:
        raise SitrepError(f"port {port} is not a TCP port: choose one from 1 to {MAX_PORT} with --port")
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise SitrepError(f"cannot listen on {host!r}: {e.strerror}") from e
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise SitrepError(f"port {port} on {host} is already in use (another sitrep serve?): stop it or "
                                  f"choose another with --port") from e
            raise SitrepError(f"cannot listen on {host}:{port}: {e.strerror}") from e


def with_bound_host(settings: Settings, host: str) -> Settings:
    """The settings with the address the server listens on among the allowed hosts: a client that names
    that address reaches it (a DNS rebinding page names its own domain, which stays refused)."""
    name = host.strip().lower().strip("[]")
    if name in ANY_INTERFACE or name in settings.hosts:
        return settings
    return replace(settings, allowed_hosts=f"{settings.allowed_hosts},{name}")
