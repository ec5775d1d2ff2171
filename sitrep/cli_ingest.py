"""What `sitrep ingest` shows while and after it works: progress as N of M documents with a rate, a
warning for each document without a publication date (and what it was dated to, by the `undated`
setting) or with one out of the settings' range (rejected: "2061" for "2016" in its front matter would date
every event of the report), and a summary that names the places it could not resolve."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
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


def publication_range(settings: Any, today: date) -> tuple[date, date]:
    """The publication dates sitrep takes, as the API does: the settings' `earliest_date` to `days_ahead`
    days past `today`."""
    return settings.first_date, today + timedelta(days=settings.days_ahead)


def out_of_range(day: date, earliest: date, latest: date) -> str:
    """"" when `earliest` <= `day` <= `latest`, else why not, for people."""
    if earliest <= day <= latest:
        return ""
    return (f"{day.isoformat()} is not between {earliest.isoformat()} and {latest.isoformat()} "
            "(settings earliest_date, days_ahead)")


@dataclass
class Reading:
    """The ingest's `prepare` hook: counts documents as they are read (the progress bar's M), rejects one
    whose own publication date (front matter, a feed's, a page's) lies outside `earliest`-`latest`, dates
    the undated ones by `policy`, and warns about each."""

    progress: Progress
    task: Any
    policy: str
    today: date
    earliest: date = date.min  # the publication dates taken (`publication_range`); unbounded by default
    latest: date = date.max
    read: int = 0
    undated: list[str] = field(default_factory=list)  # origins of the documents that had no date

    def __call__(self, document: Document) -> Document | Reject:
        self.read += 1
        self.progress.update(self.task, total=self.read)
        origin = document.path or document.doc_id
        if document.published is not None:
            wrong = out_of_range(document.published, self.earliest, self.latest)
            if not wrong:
                return document
            reason = (f"its publication date {wrong}: correct the document's own date (front matter "
                      "'published:', the feed's or the page's)")
            self.progress.console.print(labelled("warning", "yellow", f"{origin}: {reason}; rejected"))
            return Reject(origin=origin, reason=reason, stage="read")
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
