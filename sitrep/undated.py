"""What a document without a publication date is dated to at ingest: the `undated` setting.

A report without a date ("published" in its front matter, a feed's pubDate, `--published`) would leave every
event whose text names no day of its own undated: empty in the ACLED export, absent from reports. The
setting chooses instead, once for the whole ingest: the file's modification time (`mtime`: for a folder of
saved or scraped pages, the day they were fetched, close to their publication), `today`, or `reject` (the
document is recorded as a reject and not stored). Whatever it chooses is written into the document's
warnings, which the CLI prints, so that no date is assumed silently.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Final

from sitrep.model import Document, Reject

MTIME: Final = "mtime"
TODAY: Final = "today"
REJECT: Final = "reject"
UNDATED_POLICIES: Final = (MTIME, TODAY, REJECT)
# The beginning of every warning this module adds to a document (the CLI counts them).
UNDATED_WARNING: Final = "no publication date"


def date_undated(document: Document, policy: str, today: date) -> Document | Reject:
    """`document` as it is when it has a publication date; else dated by `policy` (with a warning that
    says so), or a Reject when the policy is `reject`."""
    if document.published is not None:
        return document
    if policy not in UNDATED_POLICIES:
        raise ValueError(f"unknown undated policy {policy!r}: choose one of {', '.join(UNDATED_POLICIES)}")
    origin = document.path or document.doc_id
    if policy == REJECT:
        return Reject(origin=origin, reason=f"{UNDATED_WARNING} (setting undated=reject; give one with "
                                            "--published or front matter 'published:')")
    day, how = today, "today"
    if policy == MTIME:
        modified = _modified(document.path)
        if modified is None:
            how = "today: no file to take a modification time from"
        else:
            day, how = modified, "its file's modification time"
    warning = f"{UNDATED_WARNING}: dated {day.isoformat()} ({how}; setting undated={policy})"
    return replace(document, published=day, warnings=(*document.warnings, warning))


def _modified(path: str) -> date | None:
    """The local day a file was last modified; None for standard input, a batch line or a missing file."""
    if not path:
        return None
    try:
        return date.fromtimestamp(Path(path).stat().st_mtime)
    except (OSError, ValueError):
        return None
