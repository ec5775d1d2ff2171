"""Paths to Documents: files, folders (walked recursively), "-" for standard input.

Each file's own metadata (front matter, HTML metadata, JSON Lines fields) wins over the caller's
`published`, `source` and `stance`, which fill the gaps for files that carry none.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from sitrep.errors import InputError
from sitrep.ingest.decode import MAX_DOCUMENT_BYTES, read_text, too_large_message
from sitrep.ingest.feeds import FEED_SUFFIXES, looks_like_feed, read_feed
from sitrep.ingest.frontmatter import split_front_matter
from sitrep.ingest.html import HTML_SUFFIXES, extract_html, looks_like_html
from sitrep.ingest.jsonl import JSONL_SUFFIXES, read_jsonl
from sitrep.ingest.metadata import Defaults, Metadata, build_document, metadata_from_mapping
from sitrep.model import Document, Reject

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES  # what a folder walk takes
STDIN_PATH = "-"
STDIN_ORIGIN = "<stdin>"
STDIN_DOC_ID = "stdin"


def read_documents(
    paths: Iterable[str | Path] | str | Path,
    *,
    published: date | None = None,
    source: str | None = None,
    stance: str | None = None,
) -> Iterator[Document | Reject]:
    """Read every document under `paths`, in order; anything unreadable becomes a Reject.

    A folder is walked recursively in sorted order, taking only READABLE_SUFFIXES and skipping hidden
    names; a file named explicitly is read whatever its suffix. A single path may be passed bare.
    """
    defaults = Defaults(published=published, source=source or "", stance=stance or "")
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    for item in paths:
        if str(item) == STDIN_PATH:
            yield _reject_on_error(STDIN_ORIGIN, lambda: _read_stdin(defaults))
        elif Path(item).is_dir():
            for file in _walk_folder(Path(item)):
                outside = _link_out_of(file, Path(item))
                if outside:
                    yield Reject(origin=str(file), reason=outside)
                else:
                    yield from _read_file(file, defaults)
        else:
            yield from _read_file(Path(item), defaults)


def read_document(
    path: str | Path,
    *,
    published: date | None = None,
    source: str | None = None,
    stance: str | None = None,
) -> Document:
    """Read one document ("-" for standard input). Raises InputError when it cannot be read."""
    defaults = Defaults(published=published, source=source or "", stance=stance or "")
    if str(path) == STDIN_PATH:
        return _read_stdin(defaults)
    path = Path(path)
    if path.suffix.lower() in JSONL_SUFFIXES:
        raise InputError(f"{path}: a JSON Lines batch holds many documents; read it with read_documents")
    return _read_single_file(path, defaults)


def parse_document(
    data: bytes, *, origin: str, doc_id: str, path: str, defaults: Defaults, is_html: bool = False
) -> Document:
    """One document from its bytes: HTML (by `is_html` or by sniffing) or text with front matter."""
    text, warnings = read_text(data, origin)
    metadata: Metadata
    if is_html or looks_like_html(text):
        body, metadata, more = extract_html(text, origin)
    else:
        fields, body, more = split_front_matter(text)
        metadata, field_warnings = metadata_from_mapping(fields, id_key="doc_id")
        more += field_warnings
        if not body.strip():
            raise InputError(f"{origin}: no text after the front matter")
    return build_document(body, metadata, defaults, doc_id=doc_id, path=path, warnings=warnings + more)


def _read_file(path: Path, defaults: Defaults) -> Iterator[Document | Reject]:
    origin = str(path)
    special = _not_regular(path)
    if special:
        yield Reject(origin=origin, reason=special)
        return
    if _is_feed(path):
        yield from read_feed(path, defaults)
        return
    if path.suffix.lower() not in JSONL_SUFFIXES:
        yield _reject_on_error(origin, lambda: _read_single_file(path, defaults))
        return
    try:
        with path.open("rb") as stream:
            yield from read_jsonl(stream, path, defaults)
    except OSError as e:
        yield Reject(origin=origin, reason=_describe_os_error(e))


def _is_feed(path: Path) -> bool:
    """A feed by its suffix, or an .xml/.html-less file whose first bytes open an <rss> or <feed>."""
    if path.suffix.lower() in (".rss", ".atom"):
        return True
    if path.suffix.lower() not in (".xml", ""):
        return False
    try:
        with path.open("rb") as stream:
            return looks_like_feed(stream.read(2048))
    except OSError:
        return False


def _read_single_file(path: Path, defaults: Defaults) -> Document:
    origin = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{origin}: a folder, not a file")
        special = _not_regular(path)
        if special:
            raise InputError(f"{origin}: {special}")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(too_large_message(origin, size))
        with path.open("rb") as stream:
            data = stream.read(MAX_DOCUMENT_BYTES + 1)  # the file may have grown since stat
    except OSError as e:
        raise InputError(f"{origin}: {_describe_os_error(e)}") from e
    is_html = path.suffix.lower() in HTML_SUFFIXES
    return parse_document(
        data, origin=origin, doc_id=path.stem, path=origin, defaults=defaults, is_html=is_html
    )


def _read_stdin(defaults: Defaults) -> Document:
    try:
        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as e:
        raise InputError(f"{STDIN_ORIGIN}: {_describe_os_error(e)}") from e
    return parse_document(data, origin=STDIN_ORIGIN, doc_id=STDIN_DOC_ID, path="", defaults=defaults)


def _reject_on_error(origin: str, read: Callable[[], Document]) -> Document | Reject:
    try:
        return read()
    except InputError as e:
        return Reject(origin=origin, reason=str(e).removeprefix(f"{origin}: "))


def _walk_folder(folder: Path) -> list[Path]:
    """Readable names under `folder`, recursively, sorted; hidden files and folders are skipped. Names that
    are not regular files (FIFOs, links out of the folder) are listed too, to be rejected with a reason."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in READABLE_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and not path.is_dir()
    )


def _link_out_of(path: Path, folder: Path) -> str:
    """Why a file found in `folder` is not read: a symbolic link that leads out of it; "" otherwise."""
    try:
        target = path.resolve()
        inside = target.is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        return "a symbolic link that cannot be resolved; not followed"
    return "" if inside else f"a symbolic link to {target}, outside {folder}; not followed"


def _not_regular(path: Path) -> str:
    """Why `path` is not read as a file: a FIFO, socket or device (reading one could block forever); ""
    for a regular file or one that cannot be examined (its reader says why)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return ""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device or special file"
    return f"{kind}, not a regular file; not read"


def _describe_os_error(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or type(error).__name__
