"""Fuzzing the readers (sitrep.ingest) and the extractor with hypothesis: structured inputs (front matter,
HTML, JSON Lines, feeds, odd encodings, odd metadata values) around real report sentences; nothing may raise
but SitrepError subclasses, and the outputs keep their invariants (bench/fuzz.py holds the targets and runs
them on a million mutated inputs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.fuzz import (
    SUFFIXES,
    fuzz_decode,
    fuzz_extract,
    fuzz_feed,
    fuzz_front_matter,
    fuzz_html,
    fuzz_jsonl,
    fuzz_parse_document,
    fuzz_read_documents,
    real_texts,
)
from sitrep.events.extract import Resources, load_resources

# Inputs per target in CI: a short run (each costs milliseconds, the extractor's tens of milliseconds), the
# same inputs each run so that a red CI is reproducible; bench/fuzz.py draws fresh ones by the million.
QUICK = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                 suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
SENTENCES = [s.strip() + "." for _, body in real_texts() for s in " ".join(body.split()).split(". ")
             if len(s.split()) > 3]

CODECS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "koi8-r",
          "shift_jis", "gb18030", "mac-roman")
ODD_CHARACTERS = "\x00\x01\x1b\x7f\x85\x9f\u00a0\u200b\u200e\u202e\u2028\u2029\ufeff\ufffd\r\n\t\v\f\ud7ff\U0001f4a5ـدمشق"

sentence = st.sampled_from(SENTENCES)
odd_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS)), max_size=200)
prose = st.lists(st.one_of(sentence, odd_text), min_size=0, max_size=6).map(" ".join)
paragraphs = st.lists(prose, min_size=0, max_size=4).map("\n\n".join)


def utf8(text: str) -> bytes:
    """UTF-8 as a careless encoder writes it: lone surrogates (hypothesis draws them) pass through as the
    three bytes that are not valid UTF-8, an input the readers must survive."""
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str] = paragraphs) -> bytes:
    """Text in some encoding (lossy where the codec cannot hold it), sometimes cut or with bytes flipped."""
    data = draw(text).encode(draw(st.sampled_from(CODECS)), errors="replace")
    if data and draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    if data and draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), sentence,
                   st.dates().map(str), st.dates(), st.sampled_from(["2016-02-30", "2016-07-30T12:00:00Z", "yesterday",
                                                                     "pro-government", "opposition", ""]))
metadata_value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                              st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                              max_leaves=6)
METADATA_KEYS = ("source", "url", "published", "stance", "title", "doc_id", "id", "text")
metadata = st.dictionaries(st.one_of(st.sampled_from(METADATA_KEYS), st.text(max_size=10)), metadata_value,
                           max_size=6)


@st.composite
def front_matter_text(draw: st.DrawFn) -> str:
    """Markdown with a front-matter block: valid YAML of odd values, or broken YAML, or no closing line."""
    fields = draw(metadata)
    try:
        block = yaml.safe_dump(fields, allow_unicode=True)
    except yaml.YAMLError:
        block = ""
    block = draw(st.one_of(st.just(block), odd_text, st.sampled_from(["- a\n- b", "a: [1", "!!int x", "key: *x",
                                                                      "? |\n  x", "a: !!binary AAA", ": :",
                                                                      "title: " + "[" * 1200, "a: " + "{b: " * 1200])))
    closing = draw(st.sampled_from(["---\n", "---", "--- \n", "", "...\n"]))
    return f"---\n{block}\n{closing}{draw(paragraphs)}"


TAGS = ("p", "div", "article", "main", "span", "h1", "h2", "li", "ul", "table", "td", "script", "style", "a",
        "br", "time", "header", "footer", "nav", "aside", "pre", "blockquote")


@st.composite
def html_page(draw: st.DrawFn) -> str:
    """A page of nested (sometimes unclosed) elements with real sentences, odd text and metadata tags."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(st.sampled_from(TAGS))
        attrs = draw(st.sampled_from(["", ' class="content"', ' id="article"', ' datetime="2016-07-30"',
                                      ' href="javascript:x"', ' style="display:none"', ' lang="ar"']))
        body = draw(st.one_of(prose, odd_text))
        parts.append(f"<{tag}{attrs}>{body}" + draw(st.sampled_from([f"</{tag}>", "", f"</{tag}", "<!--"])))
    meta = draw(st.lists(st.sampled_from([
        '<meta property="og:site_name" content="Levant Desk">', '<meta name="date" content="2016-07-30">',
        '<meta name="date" content="2016-13-45">', '<meta property="article:published_time" content="yesterday">',
        '<link rel="canonical" href="https://example.org/a">', "<title>Aleppo</title>", "<title></title>",
        '<meta charset="koi8-r">']), max_size=4))
    doctype = draw(st.sampled_from(["<!DOCTYPE html>", "", "<?xml version='1.0'?>", "<!doctype html><html>"]))
    return f"{doctype}<html><head>{''.join(meta)}</head><body>{''.join(parts)}</body></html>"


@st.composite
def jsonl_batch(draw: st.DrawFn) -> bytes:
    """JSON Lines: records with odd field values, other JSON values, broken lines and blank lines."""
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 6))):
        record = draw(metadata)
        if draw(st.booleans()):
            record["text"] = draw(st.one_of(paragraphs, scalar))
        line = utf8(json.dumps(record, default=str, ensure_ascii=draw(st.booleans())))
        line = draw(st.one_of(st.just(line), st.just(line[:len(line) // 2]), encoded(odd_text),
                              st.sampled_from([b"[1, 2]", b"null", b"\"text\"", b"", b"{" * 3000, b"\xff\xfe{}"])))
        lines.append(line)
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    return ending.join(lines) + draw(st.sampled_from([b"", ending]))


def _escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def feed_document(draw: st.DrawFn) -> bytes:
    """An RSS or Atom feed with entries of real and odd text, HTML bodies, odd dates; sometimes broken."""
    entries: list[str] = []
    atom = draw(st.booleans())
    for number in range(draw(st.integers(0, 4))):
        title = _escape_xml(draw(st.one_of(sentence, odd_text)))
        body = draw(st.one_of(prose.map(_escape_xml), html_page().map(lambda h: f"<![CDATA[{h}]]>"),
                              st.just("")))
        when = draw(st.sampled_from(["Sat, 30 Jul 2016 10:00:00 GMT", "2016-07-30T10:00:00Z", "not a date",
                                     "Mon, 99 Foo 99999 99:99:99", ""]))
        if atom:
            entries.append(f"<entry><id>e{number}</id><title>{title}</title><updated>{when}</updated>"
                           f"<content type=\"html\">{body}</content></entry>")
        else:
            entries.append(f"<item><guid>e{number}</guid><title>{title}</title><pubDate>{when}</pubDate>"
                           f"<description>{body}</description></item>")
    feed_title = _escape_xml(draw(st.one_of(st.just("Levant Desk"), odd_text)))
    if atom:
        text = (f"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{feed_title}</title>"
                f"{''.join(entries)}</feed>")
    else:
        text = (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{feed_title}</title>"
                f"{''.join(entries)}</channel></rss>")
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), errors="replace")
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return data


any_bytes = st.one_of(st.binary(max_size=400), encoded(), front_matter_text().map(utf8),
                      html_page().map(utf8), jsonl_batch(), feed_document())


@QUICK
@given(any_bytes)
def test_fuzz_decode_gives_text_or_a_clear_error(data: bytes) -> None:
    fuzz_decode(data)


@QUICK
@given(st.one_of(front_matter_text(), odd_text))
def test_fuzz_front_matter_never_raises_and_keeps_offsets(text: str) -> None:
    fuzz_front_matter(text)


@QUICK
@given(any_bytes)
def test_fuzz_parse_document_gives_a_document_or_a_clear_error(data: bytes) -> None:
    fuzz_parse_document(data)


@SLOW
@given(st.one_of(html_page(), odd_text))
def test_fuzz_html_gives_text_or_a_clear_error(html: str) -> None:
    fuzz_html(html)


@QUICK
@given(jsonl_batch())
def test_fuzz_jsonl_turns_every_bad_line_into_a_reject(data: bytes) -> None:
    fuzz_jsonl(data)


@SLOW
@given(st.one_of(feed_document(), st.binary(max_size=200)))
def test_fuzz_feeds_turn_every_bad_entry_into_a_reject(data: bytes) -> None:
    fuzz_feed(data)


@SLOW
@given(any_bytes, st.sampled_from(SUFFIXES))
def test_fuzz_readers_never_raise_on_any_file(data: bytes, suffix: str) -> None:
    fuzz_read_documents((data, suffix))


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Any) -> Resources:
    return load_resources(nlp, gazetteer)


@pytest.mark.slow
def test_fuzz_extract_keeps_evidence_and_coordinates_or_raises_clearly(resources: Resources) -> None:
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(paragraphs, st.lists(sentence, min_size=1, max_size=8).map(" ".join)))
    def check(text: str) -> None:
        fuzz_extract(text, resources)

    check()


def test_fuzz_front_matter_nested_too_deeply_is_a_warning_not_a_crash() -> None:
    """Found by fuzzing: PyYAML follows nesting by recursion, and a thousand "[" raised RecursionError."""
    from sitrep.ingest.frontmatter import split_front_matter

    text = "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nShelling hit Aleppo on Monday.\n"
    fields, body, warnings = split_front_matter(text)
    assert fields == {} and body == "Shelling hit Aleppo on Monday.\n"
    assert warnings == ("front matter is not valid YAML (nested too deeply); its fields were ignored",)
