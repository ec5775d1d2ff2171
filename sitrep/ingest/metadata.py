"""What a file says about itself (front matter, HTML metadata, JSON Lines fields), and how it
combines with the caller's defaults into a `Document`: the file's own values win, defaults fill gaps."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sitrep.model import Document

TEXT_FIELDS = ("source", "url", "stance", "title")  # plain-text metadata keys, shared by all formats

_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.,+\-Z]*)?")  # a date, optionally with a time


@dataclass(frozen=True, slots=True)
class Metadata:
    """A file's own metadata; an empty field is a gap that the caller's defaults may fill."""

    doc_id: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None
    stance: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Defaults:
    """Metadata given by the caller (command-line flags) for files that carry none."""

    published: date | None = None
    source: str = ""
    stance: str = ""


def parse_published(value: object) -> tuple[date | None, str | None]:
    """A publication date from YAML/JSON: a date, or a "YYYY-MM-DD" string (a trailing time is
    ignored). Returns (date or None, warning or None); nothing given is no warning."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        match = _ISO_DATE.fullmatch(value.strip())
        if match is not None:
            try:
                return date.fromisoformat(match.group(1)), None
            except ValueError:
                return None, f"published {_shown(value)} is not a valid date; ignored"
    return None, f"published {_shown(value)} is not a YYYY-MM-DD date; ignored"


def _shown(value: object) -> str:
    """A value as a warning quotes it: cut short, however long or deeply nested it is."""
    short = reprlib.Repr()
    short.maxstring = short.maxother = 60  # characters
    short.maxlist = short.maxdict = 4  # items
    short.maxlevel = 3  # levels of nesting
    return short.repr(value)


def metadata_from_mapping(
    fields: Mapping[object, object], *, id_key: str
) -> tuple[Metadata, tuple[str, ...]]:
    """Read the known keys of a front-matter or JSON mapping; unknown keys are ignored.

    `id_key` names the document-id key: "doc_id" in front matter, "id" in JSON Lines.
    """
    warnings: list[str] = []
    texts: dict[str, str] = {}
    for key in (*TEXT_FIELDS, id_key):
        value, warning = _as_text(fields.get(key), key)
        texts[key] = value
        if warning:
            warnings.append(warning)
    published, warning = parse_published(fields.get("published"))
    if warning:
        warnings.append(warning)
    metadata = Metadata(
        doc_id=texts[id_key],
        source=texts["source"],
        url=texts["url"],
        published=published,
        stance=texts["stance"],
        title=texts["title"],
    )
    return metadata, tuple(warnings)


def build_document(
    text: str,
    metadata: Metadata,
    defaults: Defaults,
    *,
    doc_id: str,
    path: str,
    warnings: tuple[str, ...] = (),
) -> Document:
    """The Document for `text`: the file's metadata first, then `defaults`, then `doc_id`."""
    return Document(
        doc_id=metadata.doc_id or doc_id,
        text=text,
        source=metadata.source or defaults.source,
        url=metadata.url,
        published=metadata.published or defaults.published,
        stance=metadata.stance or defaults.stance,
        title=metadata.title,
        path=path,
        warnings=warnings,
    )


def _as_text(value: object, key: str) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if isinstance(value, str):
        return value.strip(), None
    if isinstance(value, bool | int | float | date):
        return str(value), None
    return "", f"{key} is a {type(value).__name__}, not text; ignored"
