"""`sitrep data check`: read a conflict profile's data files and the user's overlay as loading reads them.

    sitrep data check [--conflict NAME] [--data-home DIR]     # defaults: the conflict and data_home settings

Prints one line per file (where it was read from, and its problem with file:line) and exits 1 when any
file has a problem, so that a user can check an overlay (`<data_home>/conflicts/<name>/`, see
sitrep.overlays and docs/extending.md) before ingesting with it. `register(app)` adds the command group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sitrep.cli_output import fail, print_table
from sitrep.errors import SitrepError

# Exit status when a data file has a problem: distinct from 2, a usage or setup error.
PROBLEM_EXIT = 1

data_app = typer.Typer(help="Check the conflict profile's data files and your overlays of them.",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `data` command group to `app`."""
    app.add_typer(data_app, name="data")


@data_app.command(name="check")
def check(
        conflict: Annotated[str | None, typer.Option(
            help="the conflict profile to check (default: the conflict setting)")] = None,
        data_home: Annotated[Path | None, typer.Option(
            help="the folder holding conflicts/<name>/ (default: the data_home setting)")] = None,
        aliases: Annotated[bool, typer.Option(help="also apply the overlay's place aliases to the gazetteer "
                                                   "(loads it)")] = True,
) -> None:
    """Read every data file of a conflict profile with your overlay on top, and say what is wrong where."""
    from sitrep.overlays import check_profile, profile_files
    from sitrep.settings import load_settings

    try:
        settings = load_settings({})
        home = data_home if data_home is not None else Path(settings.data_home)
        files = profile_files(home, conflict or settings.conflict)
        gazetteer = None
        if aliases and files.alias_files():
            from sitrep.geo import load_gazetteer

            gazetteer = load_gazetteer()
        checks = check_profile(files, gazetteer=gazetteer)
    except SitrepError as e:
        fail(e)
    table = Table("file", "read from", "problem", title=Text(f"{files.conflict}: overlay {files.overlay}"))
    for item in checks:  # as text, never markup: a problem quotes the file ("[a]")
        table.add_row(Text(item.what), Text(item.where), Text(item.problem or "ok"))
    print_table(table)
    if any(item.problem for item in checks):
        raise typer.Exit(PROBLEM_EXIT)
