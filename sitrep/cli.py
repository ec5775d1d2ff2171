"""The command line: `sitrep places`, `sitrep gazetteer build|import`, `sitrep demo`.

The CLI is the only place that configures logging and turns SitrepError into a one-line message."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from sitrep.errors import SitrepError
from sitrep.settings import Settings, load_settings

app = typer.Typer(help="sitrep: events, claims and control from war reports.", no_args_is_help=True,
                  add_completion=False)
gazetteer_app = typer.Typer(help="Build, extend and inspect the gazetteer.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")
err = Console(stderr=True)
EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
FORMATS = ("table", "jsonl", "geojson")


def _fail(error: Exception) -> None:
    err.print(f"[red]error:[/red] {error}")
    raise typer.Exit(2)


def _settings(**flags: Any) -> Settings:
    try:
        return load_settings(flags)
    except SitrepError as e:
        _fail(e)
        raise  # unreachable; keeps type checkers calm


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
        err.print(f"[yellow]warning:[/yellow] {path}: {warning}")
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
    err.print(f"wrote {count} places to {out or DEFAULT_GAZETTEER}")


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
    err.print(f"imported {count} places from {file} into {target}")


@app.command()
def demo() -> None:
    """Run the main job on the bundled example reports: their places, as a table and as GeoJSON."""
    from sitrep.nlp import load_nlp
    from sitrep.render import places_table, to_geojson

    settings = _settings()
    try:
        gazetteer = _load_gazetteer(settings)
        nlp = load_nlp(settings.nlp_model)
    except SitrepError as e:
        _fail(e)
        return
    console = Console()
    everything = []
    for path in sorted(EXAMPLES.glob("*.md")):
        if path.name == "README.md":
            continue
        records = _place_records(path, gazetteer, nlp)
        everything += records
        console.print(places_table(records, title=path.name))
    out = Path("out")
    out.mkdir(exist_ok=True)
    (out / "demo-places.geojson").write_text(to_geojson(everything) + "\n", encoding="utf-8")
    resolved = sum(1 for r in everything if r["resolved"])
    console.print(f"{len(everything)} place mentions, {resolved} resolved; GeoJSON in out/demo-places.geojson")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
