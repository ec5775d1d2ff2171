"""The command line: places, extract, ingest, events, export, classify, gazetteer build|import, demo.

The CLI is the only place that configures logging and turns SitrepError into a one-line message."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from sitrep.errors import SitrepError
from sitrep.render import clean_text
from sitrep.settings import Settings, document_budget, load_settings

app = typer.Typer(help="sitrep: events, claims and control from war reports.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
gazetteer_app = typer.Typer(help="Build, extend and inspect the gazetteer.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


def _register_commands() -> None:
    """Commands that live with their stage (explain with reconcile, control with control)."""
    from sitrep.api.cli import register as register_serve
    from sitrep.control.cli import register as register_control
    from sitrep.reconcile.cli import register as register_explain
    from sitrep.sitreps.cli import register as register_report

    register_explain(app)
    register_control(app)
    register_serve(app)
    register_report(app)


_register_commands()
err = Console(stderr=True)
EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
FORMATS = ("table", "jsonl", "geojson")


# Exit status of `ingest` when not one document could be read (all missing or rejected, or none given):
# distinct from 2, a usage or setup error, so that scripts can tell an empty run from a broken one.
NOTHING_READ_EXIT = 1


def _labelled(label: str, style: str, message: object) -> Text:
    """`label: message` for the terminal; the message (report text, paths, errors) shown as text, never
    as markup, without escape sequences or control characters."""
    return Text.assemble((f"{label}:", style), " ", clean_text(str(message)))


def _fail(error: Exception) -> None:
    err.print(_labelled("error", "red", error))
    raise typer.Exit(2)


def _warn(origin: object, warning: str) -> None:
    err.print(_labelled("warning", "yellow", f"{origin}: {warning}"))


def _settings(**flags: Any) -> Settings:
    try:
        return load_settings(flags)
    except SitrepError as e:
        _fail(e)
        raise  # unreachable; keeps type checkers calm


def _scoring(settings: Settings) -> Any:
    """The after-batch stages' weights from the settings' `[confidence]` and `[assessment]` tables."""
    from sitrep.pipeline import Scoring
    from sitrep.settings import assessment_rules, confidence_weights

    return Scoring(confidence_weights(settings), assessment_rules(settings))


def _load_gazetteer(settings: Settings) -> Any:
    from sitrep.geo import load_gazetteer

    extra = sorted(settings.gazetteer_dir.glob("*.tsv.gz")) if settings.gazetteer_dir.exists() else []
    from sitrep.geo.gazetteer import DEFAULT_ALIAS_DIR

    aliases = sorted(DEFAULT_ALIAS_DIR.glob("*.tsv"))
    if settings.alias_dir.exists():
        aliases += sorted(settings.alias_dir.glob("*.tsv"))
    return load_gazetteer(extra=extra, alias_files=aliases)


def _place_records(path: Path, gazetteer: Any, nlp: Any) -> list[dict[str, Any]]:
    from sitrep.geo import find_places
    from sitrep.ingest import read_document
    from sitrep.render import place_record

    document = read_document(path)
    for warning in document.warnings:
        _warn(path, warning)
    found = find_places(document.text, gazetteer=gazetteer, nlp=nlp, doc_id=document.doc_id)
    return [place_record(pm) for pm in found]


@app.command()
def places(file: Annotated[Path, typer.Argument(help="a report: text, Markdown, HTML, or - for stdin")],
           format: Annotated[str, typer.Option("--format", "-f", help="table, jsonl or geojson")] = "table",
           ) -> None:
    """Find every Syrian place a report names and resolve it against the gazetteer."""
    if format not in FORMATS:
        _fail(SitrepError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}"))
    settings = _settings()
    try:
        from sitrep.nlp import load_nlp
        from sitrep.render import places_table, to_geojson, to_jsonl

        gazetteer = _load_gazetteer(settings)
        records = _place_records(file, gazetteer, load_nlp(settings.nlp_model))
    except SitrepError as e:
        _fail(e)
        return
    if format == "jsonl":
        sys.stdout.write(to_jsonl(records))
    elif format == "geojson":
        sys.stdout.write(to_geojson(records) + "\n")
    else:
        Console().print(places_table(records, title=str(file)))


@gazetteer_app.command("build")
def gazetteer_build(
        data_dir: Annotated[Path | None, typer.Option(help="folder with wof_sy.tsv, syria_wikimap.tsv, "
                                                           "syria_districts.tsv")] = None,
        out: Annotated[Path | None, typer.Option(help="where to write (default: the package's file)")] = None,
) -> None:
    """Rebuild the gazetteer from the source data sets."""
    from sitrep.geo.build import build_gazetteer
    from sitrep.geo.gazetteer import DEFAULT_GAZETTEER, write_places

    settings = _settings()
    source = data_dir or Path(settings.shared_data)
    try:
        count = write_places(build_gazetteer(source), out or DEFAULT_GAZETTEER)
    except SitrepError as e:
        _fail(e)
        return
    err.print(Text(clean_text(f"wrote {count} places to {out or DEFAULT_GAZETTEER}")))


@gazetteer_app.command("import")
def gazetteer_import(
        file: Annotated[Path, typer.Argument(help="a GeoNames dump, e.g. UA.txt or allCountries.txt")],
        out: Annotated[Path | None, typer.Option(help="where to write (default: <data_home>/gazetteer.d/)")] = None,
) -> None:
    """Add a GeoNames dump to the gazetteer, so sitrep serves other conflicts too."""
    from sitrep.geo.build import read_geonames
    from sitrep.geo.gazetteer import write_places

    settings = _settings()
    target = out or settings.gazetteer_dir / f"{file.stem}.tsv.gz"
    try:
        count = write_places(read_geonames(file), target)
    except SitrepError as e:
        _fail(e)
        return
    err.print(Text(clean_text(f"imported {count} places from {file} into {target}")))


def _parse_date(value: str | None) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(SitrepError(f"not a date (YYYY-MM-DD): {value!r}"))


def _resources(settings: Settings) -> Any:
    from sitrep.events.extract import load_resources
    from sitrep.nlp import load_nlp

    return load_resources(load_nlp(settings.nlp_model), _load_gazetteer(settings), Path(settings.data_home))


def _print_events(events: list[Any], format: str, title: str = "") -> None:
    from sitrep.export import events_to_acled_csv, events_to_geojson, events_to_jsonl
    from sitrep.render import events_table

    if format == "jsonl":
        sys.stdout.write(events_to_jsonl(events))
    elif format == "csv":
        sys.stdout.write(events_to_acled_csv(events))
    elif format == "geojson":
        sys.stdout.write(events_to_geojson(events) + "\n")
    else:
        Console(width=200).print(events_table(events, title=title))


EVENT_FORMATS = ("table", "jsonl", "csv", "geojson")


@app.command()
def extract(file: Annotated[Path, typer.Argument(help="a report: text, Markdown, HTML, or - for stdin")],
            published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD")] = None,
            source: Annotated[str | None, typer.Option(help="publisher")] = None,
            stance: Annotated[str | None, typer.Option(help="pro-government, opposition, neutral...")] = None,
            format: Annotated[str, typer.Option("--format", "-f", help="jsonl, table or csv")] = "table",
            ) -> None:
    """Print a report's events (no database). Flags override the file's own front matter."""
    from dataclasses import replace

    from sitrep.events.extract import extract as extract_document
    from sitrep.ingest import read_document

    if format not in EVENT_FORMATS:
        _fail(SitrepError(f"unknown format {format!r}: choose one of {', '.join(EVENT_FORMATS)}"))
    settings = _settings()
    day = _parse_date(published)
    try:
        document = read_document(file)
        document = replace(document, published=day or document.published, source=source or document.source,
                           stance=stance or document.stance)
        for warning in document.warnings:
            _warn(file, warning)
        result = extract_document(document, _resources(settings))
    except SitrepError as e:
        _fail(e)
        return
    _print_events(result.events, format, title=str(file))


@app.command()
def ingest(paths: Annotated[list[str], typer.Argument(help="files, folders, or - for stdin")],
           published: Annotated[str | None, typer.Option(help="publication date for files without one")] = None,
           source: Annotated[str | None, typer.Option(help="publisher for files without one")] = None,
           stance: Annotated[str | None, typer.Option(help="stance for files without one")] = None,
           db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
           strict: Annotated[bool, typer.Option(help="stop at the first failure instead of recording it")] = False,
           engine: Annotated[str, typer.Option(help="local (this process) or dask (a Dask cluster)")] = "local",
           scheduler: Annotated[str | None, typer.Option(help="with --engine dask: a running scheduler's "
                                                              "address (default: start a local cluster)")] = None,
           workers: Annotated[int, typer.Option(help="with --engine dask: worker processes of the local "
                                                     "cluster")] = 2,
           ) -> None:
    """Read reports, extract their events and store them. Bad documents are recorded, never fatal; but when
    not one document could be read, the exit status is 1."""
    from rich.progress import Progress

    from sitrep.pipeline import run_batch
    from sitrep.store import open_store

    if engine not in ("local", "dask"):
        _fail(SitrepError(f"unknown engine {engine!r}: choose local or dask"))
    settings = _settings(db=db)
    loads: list[Any] = []
    try:
        with open_store(settings.db) as store, Progress(console=err, transient=True) as progress:
            task = progress.add_task("loading", total=None)
            flags = {"published": _parse_date(published), "source": source, "stance": stance, "strict": strict,
                     "on_document": lambda name: progress.update(task, advance=1, description=name),
                     "scoring": _scoring(settings), "budget": document_budget(settings)}
            if engine == "dask":
                from functools import partial

                from sitrep.cluster import ingest_on_cluster

                logging.getLogger("distributed").setLevel(logging.WARNING)  # its import set it to INFO
                # at the end, a worker still freeing its pipeline is killed: expected, not worth a warning
                logging.getLogger("distributed.nanny").setLevel(logging.ERROR)
                # the settings the resources depend on: a long-lived cluster keeps them loaded across runs
                recipe = Settings(nlp_model=settings.nlp_model, data_home=settings.data_home)
                summary, loads = ingest_on_cluster(paths, store, partial(_resources, recipe),
                                                   scheduler=scheduler, workers=workers, **flags)
            else:
                summary = run_batch(paths, store, _resources(settings), **flags)
    except SitrepError as e:
        _fail(e)
        return
    console = Console()
    console.print(f"documents: {summary.documents} ({summary.duplicates} already stored)  events: "
                  f"{summary.events}  unresolved places: {summary.unresolved_places}  "
                  f"rejects: {len(summary.rejects)}  ({summary.extract_seconds:.1f} s extracting, "
                  f"{summary.reconcile_seconds:.1f} s merging sources and updating control)")
    for load in loads:
        console.print(f"  worker {load.worker}: resources loaded in {load.seconds:.1f} s, "
                      f"{load.rss_after_mb:.0f} MB resident")
    for reject in summary.rejects:
        console.print(Text("  ") + _labelled("rejected", "yellow", f"{reject.origin}: {reject.reason}"))
    if summary.documents == 0:
        err.print(_labelled("error", "red", f"nothing could be read from {', '.join(paths)}"
                                            + (f" ({len(summary.rejects)} rejected)" if summary.rejects else "")))
        raise typer.Exit(NOTHING_READ_EXIT)


@app.command()
def events(since: Annotated[str | None, typer.Option(help="from this date (YYYY-MM-DD)")] = None,
           until: Annotated[str | None, typer.Option(help="up to this date")] = None,
           near: Annotated[str | None, typer.Option(help="a place name (transliteration-tolerant)")] = None,
           km: Annotated[float, typer.Option(help="radius around --near, km")] = 25.0,
           type: Annotated[str | None, typer.Option("--type", help="event or sub-event type")] = None,
           side: Annotated[str | None, typer.Option(help="actor side, e.g. government")] = None,
           status: Annotated[str | None, typer.Option(help="fact status, e.g. reported")] = None,
           source: Annotated[str | None, typer.Option(help="publisher")] = None,
           format: Annotated[str, typer.Option("--format", "-f", help="table, jsonl, csv or geojson")] = "table",
           db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
           ) -> None:
    """Query stored events."""
    from sitrep.store import open_store
    from sitrep.taxonomy import EVENT_TYPES

    if format not in EVENT_FORMATS:
        _fail(SitrepError(f"unknown format {format!r}: choose one of {', '.join(EVENT_FORMATS)}"))
    settings = _settings(db=db)
    try:
        centre = None
        if near:
            found = _load_gazetteer(settings).search(near, limit=1)
            if not found:
                _fail(SitrepError(f"no place called {near!r} in the gazetteer"))
            centre = (found[0].lat, found[0].lon)
        event_type = type if type in EVENT_TYPES else None
        sub_event_type = type if type and type not in EVENT_TYPES else None
        with open_store(settings.db) as store:
            rows = store.query_events(since=_parse_date(since), until=_parse_date(until), near=centre,
                                      km=km if centre else None, event_type=event_type,
                                      sub_event_type=sub_event_type, side=side, status=status, source=source)
    except SitrepError as e:
        _fail(e)
        return
    _print_events(rows, format)


@app.command()
def export(format: Annotated[str, typer.Option("--format", "-f", help="acled-csv, geojson or jsonl")] = "acled-csv",
           out: Annotated[Path | None, typer.Option(help="write here instead of standard output")] = None,
           db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
           ) -> None:
    """Export every stored event: ACLED's CSV columns, RFC 7946 GeoJSON, or JSON Lines."""
    from sitrep.export import events_to_acled_csv, events_to_geojson, events_to_jsonl
    from sitrep.store import open_store

    writers = {"acled-csv": events_to_acled_csv, "geojson": events_to_geojson, "jsonl": events_to_jsonl}
    if format not in writers:
        _fail(SitrepError(f"unknown format {format!r}: choose one of {', '.join(writers)}"))
    settings = _settings(db=db)
    try:
        with open_store(settings.db) as store:
            text = writers[format](store.query_events())
    except SitrepError as e:
        _fail(e)
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        err.print(Text(clean_text(f"wrote {out}")))


@app.command()
def classify(file: Annotated[Path, typer.Argument(help="TSV: id, snippet (a header row is allowed)")]) -> None:
    """Print `id<TAB>ACLED sub-event type` (or None) for each snippet of a TSV file."""
    import csv

    from sitrep.classify import classify_snippets, load_classifier
    from sitrep.nlp import load_nlp

    settings = _settings()
    try:
        with file.open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.reader(f, delimiter="\t") if len(r) >= 2]
    except (OSError, UnicodeDecodeError) as e:
        _fail(SitrepError(f"{file}: cannot read: {e}"))
        return
    if rows and rows[0][0].strip().lower() in ("id", "#id", "snippet_id"):
        rows = rows[1:]
    try:
        labels = classify_snippets([r[1] for r in rows], load_classifier(load_nlp(settings.nlp_model)))
    except SitrepError as e:
        _fail(e)
        return
    for row, label in zip(rows, labels, strict=True):
        sys.stdout.write(f"{row[0]}\t{label}\n")


@app.command()
def demo(db: Annotated[str, typer.Option(help="database the demo fills")] = "out/demo.db",
         serve: Annotated[bool, typer.Option("--serve", help="then serve the API and map (sitrep serve)")] = False,
         host: Annotated[str, typer.Option(help="with --serve: address to listen on")] = "127.0.0.1",
         port: Annotated[int, typer.Option(help="with --serve: port to listen on")] = 8000,
         ) -> None:
    """The main job on the bundled example reports: ingest them, print their events, write GeoJSON;
    with --serve, then serve the API and the map page over them."""
    from sitrep.export import events_to_geojson
    from sitrep.pipeline import run_batch
    from sitrep.render import to_geojson
    from sitrep.store import open_store

    out = Path(db).parent
    out.mkdir(parents=True, exist_ok=True)
    settings = _settings(db=db)
    reports = sorted(EXAMPLES.glob("*.md"))
    try:
        resources = _resources(settings)
        with open_store(settings.db) as store:
            summary = run_batch(reports, store, resources, scoring=_scoring(settings))
            stored = store.query_events()
        places = [r for path in reports for r in _place_records(path, resources.gazetteer, resources.nlp)]
    except SitrepError as e:
        _fail(e)
        return
    console = Console(width=200)
    _print_events(stored, "table", title=f"{len(reports)} example reports")
    (out / "demo-events.geojson").write_text(events_to_geojson(stored) + "\n", encoding="utf-8")
    (out / "demo-places.geojson").write_text(to_geojson(places) + "\n", encoding="utf-8")
    console.print(Text(clean_text(f"documents: {summary.documents} ({summary.duplicates} already stored), new events: "
                  f"{summary.events}, unresolved places: {summary.unresolved_places}, rejects: "
                  f"{len(summary.rejects)}; database {settings.db}; GeoJSON in {out}/")))
    if serve:
        from sitrep.api.cli import serve as serve_api

        serve_api(settings, host, port)


# Exit status for a failure sitrep did not foresee (a bug): distinct from 2, a clear user-facing error.
BUG_EXIT = 3


def main() -> None:
    """Entry point: configures logging; a bug is reported in one line (SITREP_DEBUG=1 shows the trace)."""
    import os

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except Exception as e:  # the outermost boundary: nothing but a one-line report escapes
        if os.environ.get("SITREP_DEBUG"):
            raise
        err.print(_labelled("internal error", "red", f"{type(e).__name__}: {e} (please report it; "
                                                      "SITREP_DEBUG=1 shows the trace)"))
        raise SystemExit(BUG_EXIT) from e


if __name__ == "__main__":
    main()
