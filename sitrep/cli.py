"""The command line: places, extract, ingest, classify, gazetteer build|import, demo (events and export in
sitrep.cli_events; explain, control, serve and report with their stages).

The CLI is the only place that configures logging and turns SitrepError into a one-line message."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from sitrep.cli_events import EVENT_FORMATS
from sitrep.cli_output import err, fail, labelled, print_table, warn
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
    from sitrep.cli_data import register as register_data
    from sitrep.cli_events import register as register_events
    from sitrep.control.cli import register as register_control
    from sitrep.reconcile.cli import register as register_explain
    from sitrep.sitreps.cli import register as register_report

    register_events(app)
    register_explain(app)
    register_control(app)
    register_serve(app)
    register_report(app)
    register_data(app)


_register_commands()


def _version(value: bool) -> None:
    if value:
        from sitrep import __version__

        sys.stdout.write(f"sitrep {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main_options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                        help="print the version and exit")] = False) -> None:
    """sitrep: events, claims and control from war reports."""
EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
FORMATS = ("table", "jsonl", "geojson")


# Exit status of `ingest` when not one document could be read (all missing or rejected, or none given):
# distinct from 2, a usage or setup error, so that scripts can tell an empty run from a broken one.
NOTHING_READ_EXIT = 1


_labelled = labelled
_fail = fail
_warn = warn


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
    from sitrep.resources import load_configured_gazetteer

    return load_configured_gazetteer(settings)


def _place_records(path: Path, gazetteer: Any, nlp: Any, readers: tuple[Any, Any]) -> list[dict[str, Any]]:
    from sitrep.events.extract import report_places
    from sitrep.ingest import read_document
    from sitrep.render import place_record

    document = read_document(path)
    for warning in document.warnings:
        _warn(path, warning)
    actors, publishers = readers
    _, found = report_places(document, actors, gazetteer, nlp(document.text), metonyms=True, publishers=publishers)
    return [place_record(pm) for pm in found]


def _name_readers(settings: Settings) -> tuple[Any, Any]:
    """The actor catalogue and the publishers: the names that are no places."""
    from sitrep.overlays import profile_files

    files = profile_files(Path(settings.data_home), settings.conflict)
    return files.load_actors(files.load_profile()), files.load_publishers()


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
        records = _place_records(file, gazetteer, load_nlp(settings.nlp_model), _name_readers(settings))
    except SitrepError as e:
        _fail(e)
        return
    if format == "jsonl":
        sys.stdout.write(to_jsonl(records))
    elif format == "geojson":
        sys.stdout.write(to_geojson(records) + "\n")
    else:
        print_table(places_table(records, title=str(file)))


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
        _check_gazetteer_inputs(source, named_by="--data-dir" if data_dir else None)
        count = write_places(build_gazetteer(source), out or DEFAULT_GAZETTEER)
    except SitrepError as e:
        _fail(e)
        return
    err.print(Text(clean_text(f"wrote {count} places to {out or DEFAULT_GAZETTEER}")))


# The source files `sitrep gazetteer build` reads from its data folder.
GAZETTEER_INPUTS = ("wof_sy.tsv", "syria_wikimap.tsv", "syria_districts.tsv")


def _check_gazetteer_inputs(folder: Path, named_by: str | None) -> None:
    """A SitrepError naming the missing source files and the flag or setting that names their folder."""
    missing = [name for name in GAZETTEER_INPUTS if not (folder / name).is_file()]
    if not missing:
        return
    where = (f"the folder given by {named_by}" if named_by else
             "the folder of the shared_data setting (SITREP_SHARED_DATA, or shared_data in sitrep.toml; "
             "default <checkout>/../shared/data)")
    raise SitrepError(f"cannot build the gazetteer: {', '.join(missing)} not found in {folder}, {where}; "
                      f"point --data-dir or SITREP_SHARED_DATA at the folder holding "
                      f"{', '.join(GAZETTEER_INPUTS)} (the shipped gazetteer is used until then)")


@gazetteer_app.command("import")
def gazetteer_import(
        file: Annotated[Path, typer.Argument(help="a GeoNames dump, e.g. UA.txt or allCountries.txt")],
        out: Annotated[Path | None, typer.Option(help="where to write (default: the gazetteer.d folder of the data_home setting)")] = None,
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


def _parse_date(value: str | None, settings: Settings | None = None) -> Any:
    """A --published day: ISO, and with `settings` within the range the API accepts (earliest_date to
    days_ahead past today), so that a typo ("2061" for "2016") does not date every event of a report."""
    from datetime import date

    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        _fail(SitrepError(f"not a date (YYYY-MM-DD): {value!r}"))
    if settings is not None:
        from sitrep.cli_ingest import out_of_range, publication_range

        wrong = out_of_range(day, *publication_range(settings, date.today()))
        if wrong:
            _fail(SitrepError(f"--published {wrong}"))
    return day


def _resources(settings: Settings) -> Any:
    from sitrep.resources import load_resources

    return load_resources(settings)


def _print_events(events: list[Any], format: str, title: str = "") -> None:
    from sitrep.cli_events import print_reports

    print_reports(events, format, {}, title=title)


def _checked_stance(stance: str | None) -> str | None:
    from sitrep.cli_checks import checked_stance

    return checked_stance(stance)


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
    day = _parse_date(published, settings)
    try:
        stance = _checked_stance(stance)
        document = read_document(file)
        if day is None and document.published is not None:  # the file's own date, checked as --published is
            from datetime import date

            from sitrep.cli_ingest import out_of_range, publication_range

            wrong = out_of_range(document.published, *publication_range(settings, date.today()))
            if wrong:
                raise SitrepError(f"{file}: its publication date {wrong}: correct it or give --published")
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
           undated: Annotated[str | None, typer.Option(help="what a document without a publication date is "
                                                            "dated to: reject (not stored), mtime or today "
                                                            "(setting undated, default reject)")] = None,
           db: Annotated[str | None, typer.Option(help="database (default sitrep.db; SITREP_DB)")] = None,
           strict: Annotated[bool, typer.Option(help="stop at the first failure instead of recording it")] = False,
           engine: Annotated[str, typer.Option(help="local (this process) or dask (a Dask cluster)")] = "local",
           scheduler: Annotated[str | None, typer.Option(help="with --engine dask: a running scheduler's "
                                                              "address (default: start a local cluster)")] = None,
           workers: Annotated[int, typer.Option(help="with --engine dask: worker processes of the local "
                                                     "cluster")] = 2,
           verbose: Annotated[bool, typer.Option("--verbose", "-v", help="list each document's unresolved "
                                                                        "places")] = False,
           ) -> None:
    """Read reports, extract their events and store them. Bad documents are recorded, never fatal; but when
    not one document could be read, the exit status is 1. A document without a publication date is warned
    about and rejected, unless --undated dates it (its file's modification time, or today); so is one whose
    own date lies outside the settings' range (earliest_date to days_ahead past today)."""
    from datetime import date

    from sitrep.cli_ingest import Reading, ingest_progress, publication_range
    from sitrep.pipeline import run_batch
    from sitrep.store import open_store

    if engine not in ("local", "dask"):
        _fail(SitrepError(f"unknown engine {engine!r}: choose local or dask"))
    settings = _settings(db=db, undated=undated)
    loads: list[Any] = []
    try:
        stance = _checked_stance(stance)
        published_day = _parse_date(published, settings)  # checked before the database is opened (or created)
        with open_store(settings.db) as store, ingest_progress(err) as progress:
            today = date.today()
            reading = Reading(progress, progress.add_task("reading", total=None), settings.undated, today,
                              *publication_range(settings, today))
            flags = {"published": published_day, "source": source, "stance": stance, "strict": strict,
                     "on_document": reading.done, "prepare": reading,
                     "scoring": _scoring(settings), "budget": document_budget(settings)}
            if engine == "dask":
                from functools import partial

                from sitrep.cluster import ingest_on_cluster
                from sitrep.resources import load_resources

                logging.getLogger("distributed").setLevel(logging.WARNING)  # its import set it to INFO
                # at the end, a worker still freeing its pipeline is killed: expected, not worth a warning
                logging.getLogger("distributed.nanny").setLevel(logging.ERROR)
                # the settings the resources depend on: a long-lived cluster keeps them loaded across runs
                recipe = Settings(nlp_model=settings.nlp_model, data_home=settings.data_home, conflict=settings.conflict)
                summary, loads = ingest_on_cluster(paths, store, partial(load_resources, recipe),
                                                   scheduler=scheduler, workers=workers, **flags)
            else:
                summary = run_batch(paths, store, _resources(settings), **flags)
    except SitrepError as e:
        _fail(e)
        return
    _print_summary(summary, loads, reading, settings.undated, verbose)
    if summary.documents == 0:
        err.print(_labelled("error", "red", f"nothing could be read from {', '.join(paths)}"
                                            + (f" ({len(summary.rejects)} rejected)" if summary.rejects else "")))
        raise typer.Exit(NOTHING_READ_EXIT)


def _print_summary(summary: Any, loads: list[Any], reading: Any, policy: str, verbose: bool) -> None:
    from sitrep.cli_ingest import unresolved_line

    console = Console(width=None if sys.stdout.isatty() else 100_000)
    console.print(Text(f"documents: {summary.documents} ({summary.duplicates} already stored)  events: "
                       f"{summary.events}  unresolved places: {summary.unresolved_places}  "
                       f"rejects: {len(summary.rejects)}  undated: {len(reading.undated)}  "
                       f"({summary.extract_seconds:.1f} s extracting, "
                       f"{summary.reconcile_seconds:.1f} s merging sources and updating control)"))
    if reading.undated:
        how = "rejected" if policy == "reject" else f"dated by undated={policy}"
        console.print(Text("  ") + _labelled("undated", "yellow", f"{len(reading.undated)} document(s) without a "
                                             f"publication date, {how}: {', '.join(reading.undated)}"))
    if summary.unresolved_names:
        console.print(Text("  ") + _labelled("unresolved", "yellow", unresolved_line(summary.unresolved_names)))
        if verbose:
            for doc_id, names in summary.unresolved_names.items():
                console.print(Text(clean_text(f"    {doc_id}: {', '.join(names)}")))
    for load in loads:
        console.print(f"  worker {load.worker}: resources loaded in {load.seconds:.1f} s, "
                      f"{load.rss_after_mb:.0f} MB resident")
    for reject in summary.rejects:
        console.print(Text("  ") + _labelled("rejected", "yellow", f"{reject.origin}: {reject.reason}"))


# Line numbers of skipped lines that `classify` names (the rest are counted).
SKIPPED_SHOWN = 20


@app.command()
def classify(file: Annotated[Path, typer.Argument(help="TSV: id, snippet (a header row is allowed)")]) -> None:
    """Print each snippet's id, a tab and its ACLED sub-event type (or None), for a TSV file of snippets;
    lines without a tab are skipped and named."""
    import csv

    from sitrep.classify import classify_snippets, load_classifier
    from sitrep.nlp import load_nlp

    settings = _settings()
    try:
        with file.open(encoding="utf-8", newline="") as f:
            numbered = list(enumerate(csv.reader(f, delimiter="\t"), start=1))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        _fail(SitrepError(f"{file}: cannot read: {e}"))
        return
    rows = [r for _, r in numbered if len(r) >= 2]
    skipped = [n for n, r in numbered if len(r) < 2 and any(cell.strip() for cell in r)]
    if skipped:
        shown = ", ".join(map(str, skipped[:SKIPPED_SHOWN])) + (" ..." if len(skipped) > SKIPPED_SHOWN else "")
        _warn(file, f"skipped {len(skipped)} line(s) without a tab between id and snippet: line {shown}")
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
        places = [r for path in reports for r in _place_records(path, resources.gazetteer, resources.nlp,
                                                                (resources.actors, resources.publishers))]
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
