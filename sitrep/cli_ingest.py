"""What `sitrep ingest` shows while and after it works: progress as N of M documents with a rate, a
warning for each document without a publication date (and what it was dated to, by the `undated`
setting), and a summary that names the places it could not resolve."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from sitrep.cli_output import labelled
from sitrep.model import Document, Reject
from sitrep.undated import date_undated

# Unresolved names the summary lists, most frequent first; the rest are counted ("and 12 more").
UNRESOLVED_SHOWN: Final = 20


class RateColumn(ProgressColumn):
    """Documents a second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} docs/s")


def ingest_progress(console: Any) -> Progress:
    """`reading` while documents are read (M grows), then `extracting name` with N of M and the rate."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


@dataclass
class Reading:
    """The ingest's `prepare` hook: counts documents as they are read (the progress bar's M), dates the
    undated ones by `policy` and warns about each."""

    progress: Progress
    task: Any
    policy: str
    today: date
    read: int = 0
    undated: list[str] = field(default_factory=list)  # origins of the documents that had no date

    def __call__(self, document: Document) -> Document | Reject:
        self.read += 1
        self.progress.update(self.task, total=self.read)
        if document.published is not None:
            return document
        origin = document.path or document.doc_id
        self.undated.append(origin)
        dated = date_undated(document, self.policy, self.today)
        shown = dated.reason if isinstance(dated, Reject) else dated.warnings[-1]
        self.progress.console.print(labelled("warning", "yellow", f"{origin}: {shown}"))
        return dated

    def done(self, name: str) -> None:
        self.progress.update(self.task, advance=1, description=f"extracting {name}")


def unresolved_line(names: Mapping[str, tuple[str, ...]]) -> str:
    """The summary's list of unresolved names, most frequent first: "Foo (3), Bar, ... and 4 more"."""
    counts = Counter(name for found in names.values() for name in found)
    shown = [f"{name} ({n})" if n > 1 else name for name, n in counts.most_common(UNRESOLVED_SHOWN)]
    more = len(counts) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
