"""`sitrep events` and `sitrep export`: stored events, one per report or one per merged event, every filter
checked against what exists (sitrep.cli_checks) before the store is asked."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from sitrep.cli_output import fail, note, print_table
from sitrep.errors import SitrepError

EVENT_FORMATS: Final = ("table", "jsonl", "csv", "geojson")
EXPORT_FORMATS: Final = ("acled-csv", "geojson", "jsonl")
PER: Final = ("merged", "report")
# `--status` word for every fact status (the export's default is the statuses of what happened).
ALL_STATUSES: Final = "all"
# Most values listed after "known:" in an error; past it only the closest are named.
LISTED_VALUES: Final = 40


def register(app: typer.Typer) -> None:
    app.command(name="events")(events)
    app.command(name="export")(export)


@dataclass(frozen=True, slots=True)
class Filters:
    """A query's filters, each checked and spelled as the store keeps it."""

    since: date | None = None
    until: date | None = None
    near: tuple[float, float] | None = None
    km: float | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    side: str | None = None
    statuses: tuple[str, ...] | None = None
    source: str | None = None
    admin1: str | None = None


def parse_date(value: str | None, flag: str) -> date | None:
    from sitrep.errors import InputError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise InputError(f"{flag}: not a date (YYYY-MM-DD): {value!r}") from e


def parse_statuses(value: str | None) -> tuple[str, ...] | None:
    """`--status`: one fact status, several comma-separated, or "all" (None)."""
    from sitrep.cli_checks import choose
    from sitrep.model import FACT_STATUSES

    if value is None or value.strip().lower() == ALL_STATUSES:
        return None
    return tuple(choose(part.strip(), FACT_STATUSES, "fact status") for part in value.split(",") if part.strip())


def stored_values(store: Any) -> tuple[set[str], set[str]]:
    """The sides and the publishers the store's events have."""
    from sqlalchemy import select, union

    from sitrep.store.schema import EventRow, SourceRow

    with store.engine.connect() as connection:
        sides = set(connection.scalars(union(select(EventRow.actor1_side), select(EventRow.actor2_side))))
        sources = set(connection.scalars(select(SourceRow.name)))
    return {s for s in sides if s}, {s for s in sources if s}


def check_filters(store: Any, gazetteer: Any, *, since: str | None, until: str | None, near: str | None,
                  km: float, type: str | None, side: str | None, status: str | None, source: str | None,
                  region: str | None) -> Filters:
    """The command line's filters, each checked against what exists (an InputError naming the closest known
    values otherwise); `--near` names the place it chose on standard error."""
    from sitrep.admin1 import admin1_name
    from sitrep.cli_checks import check_date_range, choose, near_place, region_admin1
    from sitrep.conflict import load_conflict
    from sitrep.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES

    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    check_date_range(first, last)
    event_type = sub_event_type = None
    if type is not None:
        chosen = choose(type, (*EVENT_TYPES, *SUB_EVENT_TYPES), "event or sub-event type")
        event_type, sub_event_type = (chosen, None) if chosen in EVENT_TYPES else (None, chosen)
    sides, sources = stored_values(store)
    centre = None
    if near is not None:
        place = near_place(gazetteer, near)
        note(f"near {place.name} ({place.kind}{', ' + admin1_name(place.admin1) if place.admin1 else ''}; "
             f"{place.lat:.4f}, {place.lon:.4f}), within {km:g} km")
        centre = (place.lat, place.lon)
    return Filters(
        since=first, until=last, near=centre, km=km if centre else None, event_type=event_type,
        sub_event_type=sub_event_type,
        side=choose(side, sides | set(load_conflict().sides), "side") if side is not None else None,
        statuses=parse_statuses(status),
        source=choose(source, sources, "source", listed=len(sources) <= LISTED_VALUES) if source is not None else None,
        admin1=region_admin1(region) if region is not None else None)


def query(store: Any, f: Filters, *, with_status: bool = True) -> list[Any]:
    rows = store.query_events(since=f.since, until=f.until, near=f.near, km=f.km, event_type=f.event_type,
                              sub_event_type=f.sub_event_type, side=f.side, source=f.source,
                              status=f.statuses if with_status else None)
    return [e for e in rows if f.admin1 is None or e.admin1 == f.admin1]


def merged_of(store: Any, settings: Any, reports: list[Any], statuses: tuple[str, ...] | None) -> list[Any]:
    """The merged events with a report among `reports`, whose (strongest) status is among `statuses`."""
    from sitrep.export_merged import merged_records
    from sitrep.reconcile import merged_events
    from sitrep.settings import confidence_weights

    wanted = {e.event_id for e in reports}
    merged = [m for m in merged_events(store, confidence_weights(settings))
              if wanted.intersection(m.event_ids) and (statuses is None or m.fact_status in statuses)]
    everyone = store.query_events() if len(wanted) else []
    return merged_records(merged, everyone)


def print_reports(rows: list[Any], format: str, merged_ids: dict[str, str], title: str = "",
                  acled: Any = None) -> None:
    from sitrep.export import events_to_geojson, events_to_jsonl
    from sitrep.export_merged import reports_to_acled_csv
    from sitrep.render import events_table

    if format == "jsonl":
        sys.stdout.write(events_to_jsonl(rows, merged_ids=merged_ids))
    elif format == "csv":
        sys.stdout.write(reports_to_acled_csv(rows, _catalogue(), acled, merged_ids=merged_ids))
    elif format == "geojson":
        sys.stdout.write(events_to_geojson(rows, merged_ids=merged_ids) + "\n")
    else:
        print_table(events_table(rows, title=title, merged_ids=merged_ids))


def print_merged(records: list[Any], format: str, catalogue: Any = None, acled: Any = None) -> None:
    from sitrep.export_merged import merged_to_acled_csv, merged_to_geojson, merged_to_jsonl
    from sitrep.render import merged_table

    if format == "jsonl":
        sys.stdout.write(merged_to_jsonl(records))
    elif format == "csv":
        sys.stdout.write(merged_to_acled_csv(records, catalogue, acled))
    elif format == "geojson":
        sys.stdout.write(merged_to_geojson(records) + "\n")
    else:
        print_table(merged_table([r.merged for r in records]))


def _open_existing(settings: Any) -> Any:
    from sitrep.cli_checks import existing_database
    from sitrep.store import open_store

    return open_store(existing_database(settings.db))


def events(since: Annotated[str | None, typer.Option(help="from this date (YYYY-MM-DD)")] = None,
           until: Annotated[str | None, typer.Option(help="up to this date")] = None,
           near: Annotated[str | None, typer.Option(help="a place name (transliteration-tolerant)")] = None,
           km: Annotated[float, typer.Option(help="radius around --near, km")] = 25.0,
           type: Annotated[str | None, typer.Option("--type", help="event or sub-event type")] = None,
           side: Annotated[str | None, typer.Option(help="either actor's side, e.g. government")] = None,
           status: Annotated[str | None, typer.Option(help="fact status (or several, comma-separated), e.g. "
                                                           "reported")] = None,
           source: Annotated[str | None, typer.Option(help="publisher")] = None,
           region: Annotated[str | None, typer.Option(help="governorate, any usual spelling (Latakia, "
                                                           "Lattakia)")] = None,
           merged: Annotated[bool, typer.Option("--merged", help="one row per merged event (its reports, "
                                                                 "sources, stances, disputes, confidence)")] = False,
           format: Annotated[str, typer.Option("--format", "-f", help="table, jsonl, csv or geojson")] = "table",
           db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
           ) -> None:
    """Query stored events: one row per report (naming its merged event), or with --merged one per merged
    event. Every filter is checked against what exists; an unknown value is an error with suggestions."""
    from sitrep.cli import _load_gazetteer, _settings
    from sitrep.export_merged import merged_ids
    from sitrep.reconcile import merged_events
    from sitrep.settings import confidence_weights

    if format not in EVENT_FORMATS:
        fail(SitrepError(f"unknown format {format!r}: choose one of {', '.join(EVENT_FORMATS)}"))
    settings = _settings(db=db)
    try:
        with _open_existing(settings) as store:
            gazetteer = _load_gazetteer(settings) if near is not None else None
            f = check_filters(store, gazetteer, since=since, until=until, near=near, km=km, type=type, side=side,
                              status=status, source=source, region=region)
            if merged:
                records = merged_of(store, settings, query(store, f, with_status=False), f.statuses)
            else:
                rows = query(store, f)
                ids = merged_ids(merged_events(store, confidence_weights(settings)))
    except SitrepError as e:
        fail(e)
    acled = _acled_options(settings, inter_names=False) if format == "csv" else None  # as `sitrep export`
    if merged:
        print_merged(records, format, _catalogue() if format == "csv" else None, acled)
    else:
        print_reports(rows, format, ids, acled=acled)


def _catalogue() -> Any:
    from sitrep.actors import load_actor_catalogue

    return load_actor_catalogue()


def _acled_options(settings: Any, *, inter_names: bool) -> Any:
    """The ACLED export's options: admin units from the gazetteer's places, the catalogue's actor types."""
    from sitrep.cli import _load_gazetteer
    from sitrep.export import AcledOptions
    from sitrep.export_merged import actor_types
    from sitrep.geo.admin import AdminLookup

    return AcledOptions(actor_types=actor_types(_catalogue()), admins=AdminLookup(_load_gazetteer(settings).places),
                        inter_names=inter_names)


def export(format: Annotated[str, typer.Option("--format", "-f", help="acled-csv, geojson or jsonl")] = "acled-csv",
           per: Annotated[str, typer.Option(help="merged (one row per merged event, ACLED's unit) or report "
                                                 "(one per report)")] = "merged",
           status: Annotated[str | None, typer.Option(help="fact statuses to export, comma-separated, or all "
                                                           "(default: what happened: reported, "
                                                           "attributed_claim)")] = None,
           out: Annotated[Path | None, typer.Option(help="write here instead of standard output")] = None,
           inter: Annotated[str, typer.Option(help="inter1/inter2/interaction as ACLED's codebook numbers "
                                                   "(codes: 1, 12) or as its newer files' names (names: "
                                                   "State forces, State forces-Rebel group)")] = "codes",
           db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
           ) -> None:
    """Export stored events: ACLED's CSV columns with ACLED's meaning (one row per merged event, the
    catalogue's actor names, fatalities from the texts, ACLED's governorate names), RFC 7946 GeoJSON, or
    JSON Lines. Only events that happened, unless --status asks for more."""
    from sitrep.cli import _settings
    from sitrep.export import events_to_geojson, events_to_jsonl
    from sitrep.export_merged import (
        first_date,
        merged_ids,
        merged_to_acled_csv,
        merged_to_geojson,
        merged_to_jsonl,
        reports_to_acled_csv,
    )
    from sitrep.model import HAPPENED
    from sitrep.reconcile import merged_events
    from sitrep.settings import confidence_weights

    if format not in EXPORT_FORMATS:
        fail(SitrepError(f"unknown format {format!r}: choose one of {', '.join(EXPORT_FORMATS)}"))
    if per not in PER:
        fail(SitrepError(f"unknown --per {per!r}: choose merged or report"))
    if inter not in ("codes", "names"):
        fail(SitrepError(f"unknown --inter {inter!r}: choose codes or names"))
    settings = _settings(db=db)
    try:
        if out is not None:
            from sitrep.cli_checks import writable_file

            writable_file(out)
        acled = _acled_options(settings, inter_names=inter == "names") if format == "acled-csv" else None
        statuses = tuple(sorted(HAPPENED)) if status is None else parse_statuses(status)
        with _open_existing(settings) as store:
            f = Filters(statuses=statuses)
            if per == "merged":
                records = merged_of(store, settings, query(store, f, with_status=False), statuses)
                left_out = [r.merged.merged_id for r in records if first_date(r)[0] is None]
                records = [r for r in records if r.merged.merged_id not in left_out]
                writers = {"acled-csv": lambda: merged_to_acled_csv(records, _catalogue(), acled),
                           "geojson": lambda: merged_to_geojson(records), "jsonl": lambda: merged_to_jsonl(records)}
            else:
                rows = query(store, f)
                ids = merged_ids(merged_events(store, confidence_weights(settings)))
                # ACLED rows always have a date: a report with neither an event nor a publication date is left
                # out of the CSV (JSON Lines and GeoJSON keep every report as stored)
                left_out = [e.event_id for e in rows if e.event_date is None and e.published is None] \
                    if format == "acled-csv" else []
                dated = [e for e in rows if e.event_id not in left_out]
                writers = {"acled-csv": lambda: reports_to_acled_csv(dated, _catalogue(), acled, merged_ids=ids),
                           "geojson": lambda: events_to_geojson(rows, merged_ids=ids),
                           "jsonl": lambda: events_to_jsonl(rows, merged_ids=ids)}
            text = writers[format]()
    except SitrepError as e:
        fail(e)
    if left_out:
        unit = "merged event(s)" if per == "merged" else "report(s)"
        note(f"left out {len(left_out)} {unit} with no date at all (no date in the text and an undated "
             f"document; ingest again with --published or the undated setting): {', '.join(left_out)}")
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as e:  # a read-only folder, a full disk
            fail(SitrepError(f"cannot write {str(out)!r}: {e.strerror or e}"))
        note(f"wrote {out}")
