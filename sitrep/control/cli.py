"""`sitrep control`: who holds what on a day, and what changed hands between two days.

    sitrep control --at 2016-07-30 [--region Aleppo] [--layer assessed|claimed|forecast] [--format table|jsonl|geojson]
    sitrep control --changes 2016-07-01 2016-08-31 [--layer claimed]
    sitrep control --rebuild                 # derive every timeline from the stored events

`register(app)` adds the command to sitrep's Typer app; the CLI module wires it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sitrep.control.state import ASSESSED, LAYERS, ControlState
from sitrep.control.storage import ControlChange
from sitrep.errors import SitrepError
from sitrep.render import terminal_text

CONTROL_FORMATS = ("table", "jsonl", "geojson")
err = Console(stderr=True, soft_wrap=True)  # an error on one line, however narrow the terminal


def register(app: typer.Typer) -> None:
    """Add the `control` command to `app`."""
    app.command(name="control")(control)


def control(
        at: Annotated[str | None, typer.Option(help="the day to show (YYYY-MM-DD)")] = None,
        changes: Annotated[tuple[str, str] | None, typer.Option(
            help="FROM TO: what changed hands after FROM, up to TO (YYYY-MM-DD YYYY-MM-DD)")] = None,
        region: Annotated[str | None, typer.Option(help="governorate (admin1) name, e.g. Aleppo")] = None,
        layer: Annotated[str, typer.Option(help="assessed, claimed or forecast")] = ASSESSED,
        format: Annotated[str, typer.Option("--format", "-f", help="table, jsonl or geojson")] = "table",
        rebuild: Annotated[bool, typer.Option(
            help="first derive every timeline from the stored events (after changing [assessment] rules)")] = False,
        db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
) -> None:
    """Who controls which place on a day (with --at), or what changed hands (with --changes)."""
    from sitrep.settings import assessment_rules, load_settings
    from sitrep.store import open_store

    try:
        _check(at, changes, layer, format)
        settings = load_settings({"db": db})
        from sitrep.cli_checks import existing_database, region_admin1

        region = region_admin1(region) if region is not None else None  # any usual spelling, checked
        with open_store(existing_database(settings.db)) as store:
            if rebuild:
                from sitrep.control.storage import rebuild_control

                err.print(f"control timelines for {rebuild_control(store, assessment_rules(settings))} places")
            if at is not None:
                _print_states(_control_at(store, _day(at), layer, region), _day(at), format)
            elif changes is not None:
                start, end = _day(changes[0]), _day(changes[1])
                if start > end:
                    raise SitrepError(f"--changes {start} {end}: the first day is after the last, nothing can match")
                _print_changes(_changes(store, start, end, layer), format)
    except SitrepError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(2) from e


def _check(at: str | None, changes: tuple[str, str] | None, layer: str, format: str) -> None:
    if (at is None) == (changes is None):
        raise SitrepError("give exactly one of --at DATE or --changes FROM TO")
    if layer not in LAYERS:
        raise SitrepError(f"unknown layer {layer!r}: choose one of {', '.join(LAYERS)}")
    if format not in CONTROL_FORMATS:
        raise SitrepError(f"unknown format {format!r}: choose one of {', '.join(CONTROL_FORMATS)}")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise SitrepError(f"not a date (YYYY-MM-DD): {value!r}") from e


def _control_at(store: Any, day: date, layer: str, region: str | None) -> list[ControlState]:
    from sitrep.control.storage import control_at

    return control_at(store, day, layer, region)


def _changes(store: Any, start: date, end: date, layer: str) -> list[ControlChange]:
    from sitrep.control.storage import control_changes

    return control_changes(store, start, end, layer)


def state_record(state: ControlState) -> dict[str, Any]:
    """A state as a JSON object (dates as YYYY-MM-DD, the governorate by sitrep's one name for it)."""
    from sitrep.admin1 import admin1_name

    record = asdict(state)
    record["admin1"] = admin1_name(state.admin1)
    record["valid_from"] = state.valid_from.isoformat()
    record["valid_until"] = state.valid_until.isoformat() if state.valid_until else None
    record["event_ids"], record["sources"] = list(state.event_ids), list(state.sources)
    return record


def _print_states(states: list[ControlState], day: date, format: str) -> None:
    if format == "jsonl":
        sys.stdout.write("".join(json.dumps(state_record(s), ensure_ascii=False) + "\n" for s in states))
    elif format == "geojson":
        from sitrep.control.areas import control_areas

        collection = control_areas(states, day)
        collection["features"] = [_point_feature(s) for s in states] + collection["features"]
        sys.stdout.write(json.dumps(collection, ensure_ascii=False) + "\n")
    else:
        table = Table(title=f"control on {day.isoformat()}")
        for column in ("place", "governorate", "side", "state", "since", "until", "confidence", "sources"):
            table.add_column(column)
        from sitrep.admin1 import admin1_name
        from sitrep.cli_output import print_table

        for s in states:
            table.add_row(terminal_text(s.place_name), admin1_name(s.admin1), s.side or "?", s.state,
                          s.valid_from.isoformat(), s.valid_until.isoformat() if s.valid_until else "",
                          f"{s.confidence:.2f}", terminal_text("; ".join(s.sources)))
        print_table(table)  # full width in a pipe: never "2016-0…"


def _point_feature(state: ControlState) -> dict[str, Any]:
    properties = state_record(state)
    properties["kind"] = "place"
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [state.lon, state.lat]},
            "properties": properties}


def _print_changes(changes: list[ControlChange], format: str) -> None:
    if format != "table":
        for change in changes:
            record = state_record(change.state) | {"reports": [asdict(r) for r in change.reports]}
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    from sitrep.admin1 import admin1_name

    console = Console()
    for change in changes:
        s = change.state
        # report text (sources, quotes) as text, never as markup (sitrep.render.terminal_text)
        console.print(terminal_text(f"{s.valid_from.isoformat()}  {s.place_name}", "bold")
                      + terminal_text(f" ({admin1_name(s.admin1)}): {s.previous_side or '?'} -> {s.side}  confidence "
                                      f"{s.confidence:.2f}"))
        for report in change.reports:
            console.print(terminal_text(f"    {report.source} [{report.stance or 'stance unknown'}, "
                                        f"{report.fact_status}] {report.event_id}: {report.evidence}"),
                          highlight=False)
    if not changes:
        console.print("no place changed hands")
