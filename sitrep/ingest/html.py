"""Main text and metadata of an HTML page, through trafilatura (with its baseline as a fallback for
truncated or oddly built pages)."""

from __future__ import annotations

import re
from typing import Any

import trafilatura

from sitrep.errors import InputError
from sitrep.ingest.decode import normalise_newlines
from sitrep.ingest.metadata import Metadata, parse_published

HTML_SUFFIXES = frozenset({".html", ".htm"})
HTML_SNIFF_CHARS = 1024  # characters at the start of a text searched for an opening <html> or doctype

_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")


def looks_like_html(text: str) -> bool:
    """True when the text opens with markup and an `<html>` tag or HTML doctype comes early."""
    head = text[:HTML_SNIFF_CHARS].lstrip("\ufeff \t\n")
    return head.startswith("<") and _HTML_START.search(head) is not None


def extract_html(html: str, origin: str) -> tuple[str, Metadata, tuple[str, ...]]:
    """Return the page's main text, its metadata (title, date, site name or author as source, URL),
    and warnings. Raises InputError when the page holds no text at all."""
    try:
        # Broad catch: a third-party parser on arbitrary input is an I/O boundary.
        page, warnings = _extract_page(html)
    except Exception as e:
        raise InputError(f"{origin}: HTML could not be parsed ({type(e).__name__}: {e})") from e
    text = page.get("text") or ""
    if _NON_SPACE.search(text) is None:
        raise InputError(f"{origin}: no article text found in HTML")
    published, date_warning = parse_published(page.get("date"))
    if date_warning:
        warnings += (date_warning,)
    metadata = Metadata(
        source=_field(page, "sitename") or _field(page, "author"),
        url=_field(page, "url"),
        published=published,
        title=_field(page, "title"),
    )
    return normalise_newlines(text), metadata, warnings


def _extract_page(html: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """trafilatura's reading of the page as a dict; its baseline (every paragraph) when it finds
    no main article, as with truncated pages or pages without article markup."""
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is None:  # no main content found; the metadata may still be there
        extracted = trafilatura.extract_metadata(html)
    page = extracted if isinstance(extracted, dict) else extracted.as_dict()
    if _NON_SPACE.search(page.get("text") or "") is None:
        page["text"] = trafilatura.baseline(html)[1]
        return page, ("no main article found in HTML; took all its paragraphs",)
    return page, ()


def _field(page: dict[str, Any], key: str) -> str:
    value = page.get(key)
    return value.strip() if isinstance(value, str) else ""
