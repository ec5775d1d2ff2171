"""`sitrep serve`: the API and the map page over uvicorn."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated

import typer
from rich.console import Console

from sitrep.errors import SitrepError
from sitrep.settings import Settings, load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
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
    try:
        settings = load_settings({"db": db})
    except SitrepError as e:
        Console(stderr=True).print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    serve(settings, host, port)


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Run uvicorn on the app until interrupted; prints the address first."""
    import uvicorn

    from sitrep.api.app import create_app

    err = Console(stderr=True)
    settings = with_bound_host(settings, host)
    try:
        app = create_app(settings)
    except SitrepError as e:
        err.print(f"[red]error:[/red] {e}")
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


def with_bound_host(settings: Settings, host: str) -> Settings:
    """The settings with the address the server listens on among the allowed hosts: a client that names
    that address reaches it (a DNS rebinding page names its own domain, which stays refused)."""
    name = host.strip().lower().strip("[]")
    if name in ANY_INTERFACE or name in settings.hosts:
        return settings
    return replace(settings, allowed_hosts=f"{settings.allowed_hosts},{name}")
