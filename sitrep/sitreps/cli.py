"""`sitrep report`: a front's situation report, neutral and cited, with a static map of its control.

    sitrep report --front Aleppo --from 2016-07-01 --to 2016-08-31 --format html --out aleppo.html
    sitrep report --front "Rif Dimashq" --from 2016-07-01 --to 2016-07-31 --out rif.md   # map: rif.png

`register(app)` adds the command to sitrep's Typer app; the CLI module wires it.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sitrep.errors import SitrepError

err = Console(stderr=True, soft_wrap=True)  # an error on one line, however narrow the terminal


def register(app: typer.Typer) -> None:
    """Add the `report` command to `app`."""
    app.command(name="report")(report_command)


def report_command(
        front: Annotated[str, typer.Option(help="the front: a governorate, e.g. Aleppo or Rif Dimashq (a unique prefix will do)")],
        start: Annotated[str, typer.Option("--from", help="first day (YYYY-MM-DD)")],
        end: Annotated[str, typer.Option("--to", help="last day (YYYY-MM-DD)")],
        format: Annotated[str, typer.Option("--format", "-f", help="md, html or pdf")] = "md",
        out: Annotated[Path | None, typer.Option(help="write here instead of standard output")] = None,
        map: Annotated[Path | None, typer.Option(
            "--map", help="also write the map PNG here (md: default next to --out, as .png)")] = None,
        db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
) -> None:
    """A neutral situation report on one front: what changed hands, where fighting is, what is expected
    (marked as forecast), what is uncertain, each sentence citing its sources; with a map of control."""
    from sitrep.cli_checks import existing_database
    from sitrep.settings import load_settings
    from sitrep.sitreps.compose import compose_report
    from sitrep.sitreps.mapimage import control_map_png
    from sitrep.sitreps.render import FORMATS, RenderError, render
    from sitrep.store import open_store

    try:
        if format not in FORMATS:
            raise RenderError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
        settings = load_settings({"db": db})
        with open_store(existing_database(settings.db)) as store:
            report = compose_report(store, front, _day(start), _day(end))
        map_path = map or (out.with_suffix(".png") if out is not None and format == "md" else None)
        png = control_map_png(report) if format != "md" or map_path else None
        link = None
        if map_path is not None and png is not None:
            _write(map_path, png)
            link = map_path.name if out is not None and map_path.parent == out.parent else str(map_path)
        document = render(report, format, png, link)
        if out is None:
            sys.stdout.buffer.write(document)
            sys.stdout.flush()
        else:
            _write(out, document)
            err.print(f"wrote {escape(str(out))}" + (f" and {escape(str(map_path))}" if map_path else ""))
    except SitrepError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(2) from e


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise SitrepError(f"not a date (YYYY-MM-DD): {value!r}") from e


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as e:
        raise SitrepError(f"cannot write {path}: {e.strerror or e}") from e
