"""Tests for sitrep.ingest: real files in tmp_path, real trafilatura, our own short texts."""

from __future__ import annotations

import io
import json
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import sitrep.ingest.jsonl
from sitrep.errors import InputError
from sitrep.ingest import MAX_DOCUMENT_BYTES, read_document, read_documents, read_text
from sitrep.model import Document, Reject

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS_DEV = SHARED / "data" / "corpus-dev"

FRONT_MATTER_REPORT = """---
source: "Example Wire"
url: "https://example.org/reports/1"
published: 2016-07-25
stance: neutral
title: "Fighting near the old mill"
published_note: "an unknown key, ignored"
---

Clashes were reported near the old mill outside Tal Qasr on Monday.
Residents said the road to the river was closed.
"""

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><title>Road closed after clashes | Example Gazette</title>
<meta property="og:site_name" content="Example Gazette">
<meta property="article:published_time" content="2016-08-02T09:30:00Z">
<link rel="canonical" href="https://example.org/gazette/road-closed">
</head><body><nav>Home | Region | Weather</nav>
<article><h1>Road closed after clashes</h1>
<p>The main road between Tal Qasr and the river crossing was closed on Tuesday after a night of
clashes, according to two residents who spoke to our correspondent by telephone.</p>
<p>Local officials said the closure would last until the area had been cleared, and that convoys
carrying flour would use the northern route through the hills for the time being.</p>
</article><footer>All rights reserved</footer></body></html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def test_ingest_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path / "report-one.txt", "Shelling hit the market.\r\nTwo were hurt.\rNo more news.\n")
    doc = read_document(path)
    assert doc.doc_id == "report-one"
    assert doc.text == "Shelling hit the market.\nTwo were hurt.\nNo more news.\n"
    assert doc.path == str(path)
    assert doc.warnings == ()
    assert (doc.source, doc.url, doc.stance, doc.title, doc.published) == ("", "", "", "", None)


def test_ingest_keeps_curly_quotes_verbatim(tmp_path: Path) -> None:
    text = "The spokesman said “we hold the hill” — and nothing else.\n"
    doc = read_document(write(tmp_path / "quotes.md", text))
    assert doc.text == text


def test_ingest_markdown_front_matter(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "mill.md", FRONT_MATTER_REPORT))
    body = FRONT_MATTER_REPORT.split("---\n", 2)[2]
    assert doc.text == body
    assert doc.source == "Example Wire"
    assert doc.url == "https://example.org/reports/1"
    assert doc.published == date(2016, 7, 25)
    assert doc.stance == "neutral"
    assert doc.title == "Fighting near the old mill"
    assert doc.doc_id == "mill"
    assert doc.warnings == ()
    start = doc.text.index("Tal Qasr")
    assert doc.text[start : start + len("Tal Qasr")] == "Tal Qasr"
    assert body[start : start + len("Tal Qasr")] == "Tal Qasr"


def test_ingest_front_matter_doc_id_and_string_date(tmp_path: Path) -> None:
    text = "---\ndoc_id: wire-0042\npublished: '2016-08-01'\n---\nA convoy arrived.\n"
    doc = read_document(write(tmp_path / "convoy.md", text))
    assert doc.doc_id == "wire-0042"
    assert doc.published == date(2016, 8, 1)
    assert doc.text == "A convoy arrived.\n"


def test_ingest_front_matter_malformed_yaml_keeps_body(tmp_path: Path) -> None:
    text = '---\nsource: "Example Wire\nurl: [unclosed\n---\nThe bridge was repaired.\n'
    doc = read_document(write(tmp_path / "bridge.md", text))
    assert doc.text == "The bridge was repaired.\n"
    assert doc.source == ""
    assert len(doc.warnings) == 1
    assert "front matter is not valid YAML" in doc.warnings[0]


def test_ingest_front_matter_invalid_date_warns(tmp_path: Path) -> None:
    text = "---\npublished: 2016-02-30\nsource: Example Wire\n---\nA checkpoint moved.\n"
    doc = read_document(write(tmp_path / "checkpoint.md", text))
    assert doc.published is None
    assert doc.source == "Example Wire"
    assert any("2016-02-30" in warning and "not a valid date" in warning for warning in doc.warnings)


def test_ingest_leading_rule_without_mapping_stays_text(tmp_path: Path) -> None:
    text = "---\nJust a line between rules\n---\nThen the report.\n"
    doc = read_document(write(tmp_path / "rules.md", text))
    assert doc.text == text
    assert doc.warnings and "not a YAML mapping" in doc.warnings[0]


def test_ingest_front_matter_only_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text after the front matter"):
        read_document(write(tmp_path / "bare.md", "---\nsource: Example Wire\n---\n\n"))


def test_ingest_cp1252_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "legacy.txt",
        "The army\x92s column didn\x92t reach the town \x96 yet.\r\n".encode("latin-1"),
    )
    doc = read_document(path)
    assert doc.text == "The army’s column didn’t reach the town – yet.\n"
    assert doc.warnings == ("not valid UTF-8; read as cp1252",)


def test_ingest_latin1_when_cp1252_cannot_decode(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252; latin-1 maps every byte, and the result still reads as text.
    data = ("Caf\xe9 near the square. " * 20).encode("latin-1") + b"\x81"
    doc = read_document(write(tmp_path / "latin.txt", data))
    assert doc.text.startswith("Café near the square.")
    assert doc.warnings == ("not valid UTF-8; read as latin-1",)


def test_ingest_invalid_utf8_bytes_replaced_with_warning(tmp_path: Path) -> None:
    data = "Aleppo’s eastern districts — 12 km².\n".encode() + b"Broken: \xff\xfe\xc3 end.\n"
    doc = read_document(write(tmp_path / "damaged.txt", data))
    assert doc.text == "Aleppo’s eastern districts — 12 km².\nBroken: \ufffd\ufffd\ufffd end.\n"
    assert doc.warnings == ("3 undecodable bytes replaced (not valid UTF-8)",)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_ingest_bom_encodings(tmp_path: Path, encoding: str) -> None:
    text = "Report from Ḥamā: the “front” held.\r\nSecond line.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # the -be codec writes no BOM itself
    doc = read_document(write(tmp_path / f"bom-{encoding}.txt", data))
    assert doc.text == "Report from Ḥamā: the “front” held.\nSecond line.\n"
    assert doc.warnings == ()


def test_ingest_binary_file_rejected(tmp_path: Path) -> None:
    png_like = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    path = write(tmp_path / "picture.txt", png_like)
    with pytest.raises(InputError, match=r"picture\.txt: binary file, not a report"):
        read_document(path)
    assert list(read_documents([path])) == [Reject(origin=str(path), reason="binary file, not a report")]


def test_ingest_control_heavy_file_without_nul_rejected() -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 65, 66]) * 100
    with pytest.raises(InputError, match="binary file"):
        read_text(data, "blob")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf\n"])
def test_ingest_empty_file_rejected(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "empty.txt", content)
    with pytest.raises(InputError, match=r"empty\.txt: empty file"):
        read_document(path)
    assert list(read_documents([path])) == [Reject(origin=str(path), reason="empty file")]


def test_ingest_missing_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.md"
    assert list(read_documents([path])) == [Reject(origin=str(path), reason="no such file")]
    assert list(read_documents([tmp_path / "gone.jsonl"])) == [
        Reject(origin=str(tmp_path / "gone.jsonl"), reason="no such file")
    ]
    with pytest.raises(InputError, match="no such file"):
        read_document(path)


def test_ingest_size_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="over the 64 MiB limit"):
        read_text(b"a" * (MAX_DOCUMENT_BYTES + 1), "huge")
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as stream:
        stream.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: no disk used, never read
    with pytest.raises(InputError, match="over the 64 MiB limit"):
        read_document(sparse)


def test_ingest_fifty_megabyte_text_file(tmp_path: Path) -> None:
    line = "Artillery fire was reported near the northern ring road overnight.\n"  # 67 bytes
    path = tmp_path / "big.txt"
    path.write_text(line * (50_000_000 // len(line)), encoding="utf-8")
    started = time.perf_counter()
    doc = read_document(path)
    elapsed = time.perf_counter() - started
    assert len(doc.text) == path.stat().st_size
    assert doc.text.startswith(line)
    assert elapsed < 10  # seconds; about 0.3 s on a laptop


def test_ingest_truncated_html_still_read(tmp_path: Path) -> None:
    cut = ARTICLE_HTML[: ARTICLE_HTML.index("and that convoys")]
    doc = read_document(write(tmp_path / "cut.html", cut))
    assert "The main road between Tal Qasr" in doc.text
    assert "Local officials said the closure would last" in doc.text


def test_ingest_short_html_fragment_still_read(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "frag.htm", "<html><body><p>Clashes in the east."))
    assert doc.text == "Clashes in the east."


def test_ingest_html_metadata(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "gazette.html", ARTICLE_HTML))
    assert doc.doc_id == "gazette"
    assert doc.title == "Road closed after clashes"
    assert doc.source == "Example Gazette"
    assert doc.url == "https://example.org/gazette/road-closed"
    assert doc.published == date(2016, 8, 2)
    assert "northern route through the hills" in doc.text
    assert "Home | Region" not in doc.text
    assert "All rights reserved" not in doc.text


def test_ingest_html_sniffed_by_content(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "saved-page.txt", ARTICLE_HTML))
    assert doc.title == "Road closed after clashes"
    assert "<p>" not in doc.text


def test_ingest_html_without_text_rejected(tmp_path: Path) -> None:
    page = "<html><head><title>Empty</title></head><body><script>var a = 1;</script></body></html>"
    path = write(tmp_path / "empty.html", page)
    with pytest.raises(InputError, match="no article text found in HTML"):
        read_document(path)


def test_ingest_jsonl_with_broken_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "A drone struck a car.\r\nNo one was hurt.", "source": "Wire A"}),
        '{"text": "unterminated',
        "",
        json.dumps(
            {"text": "Aid trucks crossed.", "published": "2016-08-03T12:00:00Z", "url": "https://x.org/2"}
        ),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text here"}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    items = list(read_documents([path], source="Flag Source"))
    assert [type(item) for item in items] == [Document, Reject, Document, Reject, Reject]
    first, broken, second, not_object, no_text = items
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.doc_id, first.text, first.source) == (
        "a1",
        "A drone struck a car.\nNo one was hurt.",
        "Wire A",
    )
    assert (second.doc_id, second.published, second.url) == ("batch-4", date(2016, 8, 3), "https://x.org/2")
    assert second.source == "Flag Source"
    assert broken == Reject(
        origin=f"{path}:2", reason="invalid JSON (Unterminated string starting at, column 10)"
    )
    assert isinstance(not_object, Reject) and not_object.origin == f"{path}:5"
    assert isinstance(no_text, Reject) and "no 'text'" in no_text.reason
    with pytest.raises(InputError, match="JSON Lines batch"):
        read_document(path)


def test_ingest_jsonl_overlong_line_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitrep.ingest.jsonl, "MAX_LINE_BYTES", 64)  # bytes, so the test stays small
    lines = [json.dumps({"text": "x" * 200}), json.dumps({"text": "Short."})]
    path = write(tmp_path / "long.jsonl", "\n".join(lines) + "\n")
    items = list(read_documents([path]))
    assert items[0] == Reject(
        origin=f"{path}:1", reason="line longer than 64 bytes (MAX_LINE_BYTES); skipped"
    )
    assert isinstance(items[1], Document) and items[1].text == "Short." and items[1].doc_id == "long-2"


# Bytes of the huge line in the next test: the 50 MB line, under the 64 MiB file limit.
HUGE_LINE_BYTES = 50 * 2**20
# Peak bytes that reading past it may allocate (Python's own allocations): one bounded read and change.
READ_PEAK_BYTES = 2 * sitrep.ingest.jsonl.MAX_LINE_BYTES + 2**20


@pytest.mark.slow
def test_ingest_jsonl_huge_line_read_in_bounded_memory(tmp_path: Path) -> None:
    """A 50 MB line between two good ones: both good lines are read, the huge one is a Reject saying why,
    and reading never holds the whole line."""
    import tracemalloc

    path = tmp_path / "huge.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"text": "Rebels shelled Aleppo.", "id": "before"}) + "\n")
        out.write('{"text": "' + "Clashes near Aleppo. " * (HUGE_LINE_BYTES // 21) + '"}\n')
        out.write(json.dumps({"text": "Warplanes struck Idlib.", "id": "after"}) + "\n")
    tracemalloc.start()
    try:
        items = list(read_documents([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [getattr(item, "doc_id", None) for item in items] == ["before", None, "after"]
    assert isinstance(items[1], Reject) and items[1].origin == f"{path}:2"
    assert "MAX_LINE_BYTES" in items[1].reason
    assert peak < READ_PEAK_BYTES


def test_ingest_folder_walk(tmp_path: Path) -> None:
    write(tmp_path / "b.md", "Second report.\n")
    write(tmp_path / "a.txt", "First report.\n")
    write(tmp_path / "sub" / "c.html", "<html><body><p>Third report, from a page.</p></body></html>")
    write(tmp_path / "sub" / "deeper" / "d.ndjson", json.dumps({"text": "Fourth report."}) + "\n")
    write(tmp_path / "notes.csv", "not,a,report\n")
    write(tmp_path / "image.png", b"\x89PNG\x00\x00")
    write(tmp_path / ".hidden" / "e.txt", "Hidden report.\n")
    write(tmp_path / ".draft.md", "Hidden draft.\n")
    items = list(read_documents([tmp_path]))
    assert all(isinstance(item, Document) for item in items)
    assert [item.doc_id for item in items if isinstance(item, Document)] == ["a", "b", "c", "d-1"]


def test_ingest_flag_precedence(tmp_path: Path) -> None:
    own = write(tmp_path / "own.md", FRONT_MATTER_REPORT)
    bare = write(tmp_path / "bare.txt", "A report that says nothing about itself.\n")
    partial = write(tmp_path / "partial.md", "---\nstance: opposition\n---\nA partial report.\n")
    items = read_documents(
        [own, bare, partial], published=date(2020, 1, 2), source="Flag Source", stance="pro-government"
    )
    docs = {item.doc_id: item for item in items if isinstance(item, Document)}
    assert (docs["own"].source, docs["own"].published, docs["own"].stance) == (
        "Example Wire",
        date(2016, 7, 25),
        "neutral",
    )
    assert (docs["bare"].source, docs["bare"].published, docs["bare"].stance) == (
        "Flag Source",
        date(2020, 1, 2),
        "pro-government",
    )
    assert (docs["partial"].source, docs["partial"].stance) == ("Flag Source", "opposition")


def test_ingest_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"Piped report from the east.\r\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    items = list(read_documents(["-"], stance="neutral"))
    assert items == [Document(doc_id="stdin", text="Piped report from the east.\n", stance="neutral")]


def test_ingest_read_documents_never_raises(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "A good report.\n")
    items = list(read_documents([tmp_path / "missing.txt", write(tmp_path / "zero.txt", b""), good]))
    assert [type(item) for item in items] == [Reject, Reject, Document]


# Control characters are left out: a short text with even one is (rightly) taken for binary.
_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\r\t")


@given(text=st.text(_TEXT_CHARS, min_size=1))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_ingest_utf8_round_trips_through_read_text(text: str) -> None:
    assume(text.strip() and not text.startswith("\ufeff"))
    decoded, warnings = read_text(text.encode("utf-8"), "generated")
    assert decoded == text.replace("\r\n", "\n").replace("\r", "\n")
    assert warnings == ()


def test_ingest_corpus_dev_reads_with_metadata() -> None:
    if not CORPUS_DEV.is_dir():
        pytest.skip(f"shared corpus not present at {CORPUS_DEV}")
    items = list(read_documents([CORPUS_DEV]))
    assert items and all(isinstance(item, Document) for item in items)
    for doc in items:
        assert isinstance(doc, Document)
        assert doc.source and doc.url.startswith("http") and doc.stance
        assert not doc.text.startswith("---")
        assert doc.warnings == ()


@given(data=st.binary(max_size=2000))
def test_ingest_read_text_any_bytes_gives_text_or_input_error(data: bytes) -> None:
    try:
        text, _ = read_text(data, "generated")
    except InputError:
        return
    assert "\r" not in text and text.strip()
