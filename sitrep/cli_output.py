"""What the CLI prints besides data: one-line errors and warnings on standard error, and tables that are
never cut to the terminal's width when the output goes to a pipe or a file.

On a terminal a table fits the window (long cells fold); piped (`sitrep events | cat`, `> file`), it is as
wide as its longest row, so no value is ever truncated to "2016-0…".
"""

from __future__ import annotations

import sys
from typing import Any, Final, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from sitrep.render import clean_text

# Errors and warnings: one line each, however long (the terminal wraps them; a log file keeps them whole).
err = Console(stderr=True, soft_wrap=True)
# Width of a table written to a pipe or a file, in characters: wider than any row (a row is at most the
# columns' longest values, a few hundred characters), so that Rich never wraps or cuts a cell.
PIPED_WIDTH: Final = 100_000
# Exit status of a usage or setup error (a bad value, a missing file or database).
USAGE_EXIT: Final = 2


def labelled(label: str, style: str, message: object) -> Text:
    """`label: message` for the terminal; the message (report text, paths, errors) shown as text, never
    as markup, without escape sequences or control characters."""
    return Text.assemble((f"{label}:", style), " ", clean_text(str(message)))


def fail(error: Exception) -> NoReturn:
    """Print `error: ...` in one line and exit with USAGE_EXIT."""
    err.print(labelled("error", "red", error))
    raise typer.Exit(USAGE_EXIT)


def warn(origin: object, warning: str) -> None:
    err.print(labelled("warning", "yellow", f"{origin}: {warning}"))


def note(message: str) -> None:
    """A line for people on standard error (what was assumed or chosen), never mixed into the data."""
    err.print(Text(clean_text(message), style="dim"))


def out_console() -> Console:
    """A console for standard output: the terminal's width on a terminal, else `PIPED_WIDTH`."""
    if sys.stdout.isatty():
        return Console()
    return Console(width=PIPED_WIDTH, soft_wrap=False)


def print_table(table: Any) -> None:
    """A Rich table on standard output: fitted to a terminal, at full width (trailing blanks trimmed) in a
    pipe or a file."""
    console = out_console()
    if sys.stdout.isatty():
        console.print(table)
        return
    with console.capture() as captured:
        console.print(table)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
