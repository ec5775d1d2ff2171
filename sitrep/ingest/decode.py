"""Bytes to text: BOM-aware decoding, binary and empty-file detection, newline normalisation.

Offsets everywhere in sitrep index into the text `read_text` returns: newlines are normalised to
"\\n" (so "\\r\\n" counts as one character) and nothing else is changed, not even curly quotes.
"""

from __future__ import annotations

import codecs
import re

from sitrep.errors import InputError

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # bytes (64 MiB). The longest real reports (book-length
# situation reports, whole-wiki dumps) are a few MB; 64 MiB leaves ample room while refusing a disk
# image or database dump passed by mistake, which would otherwise be held in memory several times over.

BINARY_SNIFF_BYTES = 8 * 1024  # bytes at the start examined for binary content (git and grep look at 8 KB)
MAX_BINARY_CONTROL_SHARE = 0.10  # fraction of control characters in those bytes above which a file is
# binary: text has almost none (tabs and newlines are not counted), images and archives have many
MAX_LEGACY_CONTROL_SHARE = 0.01  # fraction of control characters (C0 and C1) a cp1252 or latin-1
# reading may contain and still count as text; more means the bytes were not in that encoding either

LEGACY_CODECS = ("cp1252", "latin-1")  # tried, in order, for bytes that are mostly not UTF-8

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is a prefix of this one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_C0_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # tab, newlines, \v and \f are text
_ANY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # an undecodable byte, as "surrogateescape" keeps it
_DECODED_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character from a valid multibyte sequence
_NON_SPACE = re.compile(r"\S")


def read_text(data: bytes, origin: str) -> tuple[str, tuple[str, ...]]:
    """Decode one document's bytes; return its text (newlines normalised) and reading warnings.

    Raises InputError when the data is too large, binary or empty. `origin` names the data in messages.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(too_large_message(origin, len(data)))
    bom_codec = _bom_codec(data)
    if bom_codec is None:
        _reject_binary(data[:BINARY_SNIFF_BYTES].decode("latin-1"), origin)  # latin-1: one char per byte
        text, warnings = _decode_without_bom(data)
    elif bom_codec == "utf-8":
        text, warnings = _decode_without_bom(data[len(codecs.BOM_UTF8) :])
        _reject_binary(text[:BINARY_SNIFF_BYTES], origin)
    else:
        text, warnings = _decode_with_bom(data, bom_codec)
        _reject_binary(text[:BINARY_SNIFF_BYTES], origin)
    if _NON_SPACE.search(text) is None:
        raise InputError(f"{origin}: empty file")
    return normalise_newlines(text), warnings


def normalise_newlines(text: str) -> str:
    """Turn "\\r\\n" and lone "\\r" into "\\n"; leave every other character as it is."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_large_message(origin: str, size: int) -> str:
    mib = 1024 * 1024
    return (
        f"{origin}: {size / mib:.1f} MiB is over the {MAX_DOCUMENT_BYTES // mib} MiB limit "
        "for one document (MAX_DOCUMENT_BYTES); split it into several files"
    )


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _reject_binary(sample: str, origin: str) -> None:
    if not sample:
        return
    if "\x00" in sample or len(_C0_CONTROL.findall(sample)) / len(sample) > MAX_BINARY_CONTROL_SHARE:
        raise InputError(f"{origin}: binary file, not a report")


def _decode_with_bom(data: bytes, codec: str) -> tuple[str, tuple[str, ...]]:
    """UTF-16 or UTF-32 with a BOM (the codec strips it); damaged units become U+FFFD."""
    try:
        return data.decode(codec), ()
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        replaced = text.count("\ufffd")
        return text, (f"{replaced} undecodable byte sequences replaced (not valid {codec.upper()})",)


def _decode_without_bom(data: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-8 if valid; else cp1252 or latin-1 when the bytes are mostly not UTF-8 and read as text;
    else UTF-8 with each undecodable byte replaced by U+FFFD."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")
    undecodable = len(_ESCAPED_BYTE.findall(escaped))
    if len(_DECODED_NON_ASCII.findall(escaped)) < undecodable:
        legacy = _decode_legacy(data)
        if legacy is not None:
            return legacy
    text = _ESCAPED_BYTE.sub("\ufffd", escaped)
    return text, (f"{undecodable} undecodable bytes replaced (not valid UTF-8)",)


def _decode_legacy(data: bytes) -> tuple[str, tuple[str, ...]] | None:
    for codec in LEGACY_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(_ANY_CONTROL.findall(text)) <= MAX_LEGACY_CONTROL_SHARE * len(text):
            return text, (f"not valid UTF-8; read as {codec}",)
    return None
