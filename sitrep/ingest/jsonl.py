"""JSON Lines batches: one document per line, as a JSON object with `text` and optional `id`, `url`,
`published`, `source`, `stance`, `title`. A broken line becomes a Reject; the rest is still read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sitrep.errors import InputError
from sitrep.ingest.decode import normalise_newlines
from sitrep.ingest.metadata import Defaults, build_document, metadata_from_mapping
from sitrep.model import Document, Reject

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
# Bytes of one line (16 MiB): the longest document extraction accepts (the setting max_document_chars,
# 2 million characters) written as JSON with every character escaped (\uXXXX, six bytes) is 12 MB. A longer
# line is skipped (its first MAX_LINE_BYTES, then the rest SKIP_BYTES at a time), so that memory never holds
# it whole, and the lines around it are read as usual.
MAX_LINE_BYTES = 16 * 2**20
SKIP_BYTES = 2**20  # bytes read at a time while skipping the rest of an over-long line


def read_jsonl(stream: BinaryIO, path: Path, defaults: Defaults) -> Iterator[Document | Reject]:
    """One Document or Reject per non-blank line of `stream` (the open file at `path`)."""
    for line_no, line in _read_lines(stream):
        origin = f"{path}:{line_no}"
        if line is None:
            reason = f"line longer than {MAX_LINE_BYTES:,} bytes (MAX_LINE_BYTES); skipped"
            yield Reject(origin=origin, reason=reason)
            continue
        if not line.strip():
            continue
        try:
            yield _parse_line(line, path=path, line_no=line_no, defaults=defaults)
        except InputError as e:
            yield Reject(origin=origin, reason=str(e))


def _parse_line(line: bytes, *, path: Path, line_no: int, defaults: Defaults) -> Document:
    try:
        record = json.loads(line.rstrip(b"\r\n"))
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON ({e.msg}, column {e.colno})") from e
    except (UnicodeDecodeError, RecursionError) as e:
        raise InputError(f"invalid JSON: {type(e).__name__}") from e
    if not isinstance(record, dict):
        raise InputError(f"a line must be a JSON object, not {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError("no 'text' string in this line")
    if not text.strip():
        raise InputError("empty 'text'")
    metadata, warnings = metadata_from_mapping(record, id_key="id")
    return build_document(
        normalise_newlines(text),
        metadata,
        defaults,
        doc_id=f"{path.stem}-{line_no}",
        path=str(path),
        warnings=warnings,
    )


def _read_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number from 1, line) pairs; None in place of a line over MAX_LINE_BYTES, which is skipped
    without ever being held whole in memory."""
    line_no = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        line_no += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            line = b""  # let it go before reading on
            _skip_line(stream)
            yield line_no, None
        else:
            yield line_no, line


def _skip_line(stream: BinaryIO) -> None:
    """Read through to the end of the current line, SKIP_BYTES at a time."""
    while chunk := stream.readline(SKIP_BYTES):
        if chunk.endswith(b"\n"):
            return
