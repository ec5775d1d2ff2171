"""RSS and Atom feeds (a saved feed file): one document per entry, with its publisher, author, date and
URL. Entry bodies are HTML more often than not; their text is taken through the same HTML reader as pages.
A malformed entry becomes a Reject; the rest of the feed is still read."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sitrep.errors import InputError
from sitrep.ingest.decode import MAX_DOCUMENT_BYTES, normalise_newlines, too_large_message
from sitrep.ingest.metadata import Defaults, Metadata, build_document
from sitrep.model import Document, Reject

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
# How far into a file (bytes) to look for the root element that marks a feed.
SNIFF_BYTES = 2048
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def looks_like_feed(head: bytes) -> bool:
    return bool(_FEED_ROOT.search(head[:SNIFF_BYTES]))


def read_feed(path: Path, defaults: Defaults) -> Iterator[Document | Reject]:
    """Every entry of the feed file at `path` as a Document (or a Reject saying why not)."""
    import feedparser

    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(too_large_message(str(path), size))
        data = path.read_bytes()
    except OSError as e:
        yield Reject(origin=str(path), reason=e.strerror or type(e).__name__)
        return
    except InputError as e:
        yield Reject(origin=str(path), reason=str(e))
        return
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        yield Reject(origin=str(path), reason=f"no feed entries found{f' ({problem})' if problem else ''}")
        return
    publisher = str(parsed.feed.get("title", "")).strip()
    for number, entry in enumerate(parsed.entries, 1):
        origin = f"{path}#{number}"
        try:
            yield _entry_document(entry, publisher, defaults, path, number)
        except InputError as e:
            yield Reject(origin=origin, reason=str(e))


def _entry_document(entry: Any, publisher: str, defaults: Defaults, path: Path, number: int) -> Document:
    title = str(entry.get("title", "")).strip()
    body = _entry_text(entry)
    if not body.strip():
        raise InputError("entry has no text")
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    author = str(entry.get("author", "")).strip()
    source = publisher or author
    metadata = Metadata(doc_id=str(entry.get("id", "")).strip()[:200], source=source,
                        url=str(entry.get("link", "")).strip(), published=_entry_date(entry), title=title)
    warnings = (f"author: {author}",) if author and publisher else ()
    return build_document(normalise_newlines(text), metadata, defaults, doc_id=f"{path.stem}-{number}",
                          path=str(path), warnings=warnings)


def _entry_text(entry: Any) -> str:
    """The fullest text the entry has: its content, else its summary; HTML is reduced to text."""
    from sitrep.ingest.html import extract_html

    parts = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    raw = max(parts, key=len) if parts else str(entry.get("summary", ""))
    if "<" not in raw:
        return raw.strip()
    try:
        body, _, _ = extract_html(f"<html><body><article>{raw}</article></body></html>", "feed entry")
        return body.strip()
    except InputError:
        return re.sub(r"\s+", " ", _TAG.sub(" ", raw)).strip()


def _entry_date(entry: Any) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return date.fromtimestamp(time.mktime(parsed))
    except (OverflowError, ValueError, TypeError):
        return None
