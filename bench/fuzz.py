"""Fuzzing the readers and the extractor for a long run: nothing may raise but sitrep's documented errors
(SitrepError subclasses), and what comes out keeps its invariants.

    .venv/bin/python bench/fuzz.py [--inputs 1000000] [--extract-inputs 1000] [--workers 2] [--seed 1]

tests/test_fuzz.py drives the same targets with hypothesis (structured inputs, shrinking) for a short run
in CI. Hypothesis's engine costs milliseconds per input, so the long run generates its own: seeded random
mutations (bytes flipped, inserted, deleted, repeated, spliced from another seed, odd characters, cuts,
other encodings) of real seeds: the bundled example reports as Markdown with front matter, as HTML pages,
as JSON Lines and as RSS and Atom feeds, in UTF-8, UTF-16, UTF-32, cp1252 and others. (atheris, which would
add coverage guidance, is not a dependency of the project.) The readers (sitrep.ingest: decoding, front
matter, whole documents, HTML, JSON Lines, feeds, files through `read_documents`) share --inputs; the
extractor runs the real spaCy pipeline and gazetteer on every input (tens of milliseconds each), so it gets
its own, far smaller count.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.events.extract import Resources, extract
from sitrep.ingest import read_documents
from sitrep.ingest.decode import read_text
from sitrep.ingest.feeds import read_feed
from sitrep.ingest.frontmatter import split_front_matter
from sitrep.ingest.html import extract_html
from sitrep.ingest.jsonl import read_jsonl
from sitrep.ingest.metadata import Defaults, metadata_from_mapping
from sitrep.ingest.readers import parse_document
from sitrep.model import Document

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "sitrep" / "data" / "examples"
# Longest seed and mutated input (bytes): small inputs keep the run fast and the parsers' edge cases near.
MAX_INPUT_BYTES = 4096
# Mutations applied to one seed: one to this many, so inputs range from nearly valid to mangled.
MAX_MUTATIONS = 6
CODECS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "koi8-r",
          "shift_jis", "gb18030", "mac-roman")
ODD_CHARACTERS = ("\x00", "\x01", "\x1b", "\x7f", "\x85", "\u00a0", "\u200b", "\u202e", "\u2028", "\ufeff",
                  "\ufffd", "\r", "\r\n", "\t", "\v", "\f", "\U0001f4a5", "\u062f\u0645\u0634\u0642", "---\n",
                  "<p>", "</div>", "<![CDATA[", "]]>", "&amp;", "&#0;", "&bogus;", "{", "}", "\"", ": ", "- ", "!!",
                  "*a", "&a", "\\u0000", "\n\n", "published: 2016-02-30\n", "<item>", "</entry>")


def real_texts() -> list[tuple[dict[str, str], str]]:
    """The bundled example reports: (front-matter fields, body)."""
    found = []
    for path in sorted(EXAMPLES.glob("*.md")):
        fields, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        found.append(({str(k): str(v) for k, v in fields.items()}, body.strip()))
    return found


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def seed_inputs() -> list[bytes]:
    """Each example report in each format, cut to MAX_INPUT_BYTES, in several encodings."""
    seeds: list[bytes] = []
    for fields, body in real_texts():
        short = body[:1500]
        paragraphs = short.split("\n\n")
        header = "".join(f"{k}: {json.dumps(v)}\n" for k, v in fields.items())
        markdown = f"---\n{header}---\n\n{short}\n"
        html = (f"<!DOCTYPE html><html><head><title>{_xml(fields.get('title', ''))}</title>"
                f"<meta name=\"date\" content=\"{fields.get('published', '')}\">"
                f"<meta property=\"og:site_name\" content=\"{_xml(fields.get('source', ''))}\"></head><body><article>"
                + "".join(f"<p>{_xml(p)}</p>" for p in paragraphs) + "</article></body></html>")
        jsonl = "\n".join(json.dumps({**fields, "text": p, "id": f"p{n}"}) for n, p in enumerate(paragraphs))
        rss = ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Levant Desk</title>"
               + "".join(f"<item><title>{_xml(p[:40])}</title><pubDate>Sat, 30 Jul 2016 10:00:00 GMT</pubDate>"
                         f"<description>{_xml(p)}</description></item>" for p in paragraphs) + "</channel></rss>")
        atom = ("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Levant Desk</title>"
                + "".join(f"<entry><id>e{n}</id><title>{_xml(p[:40])}</title><updated>2016-07-30T10:00:00Z</updated>"
                          f"<content type=\"html\">{_xml('<p>' + p + '</p>')}</content></entry>"
                          for n, p in enumerate(paragraphs)) + "</feed>")
        for text in (short, markdown, html, jsonl, rss, atom):
            seeds += [text.encode(codec, errors="replace")[:MAX_INPUT_BYTES] for codec in ("utf-8", "utf-16", "cp1252")]
    return seeds


class Mutator:
    """Seeded random mutations of the seeds: the same seed number gives the same inputs."""

    def __init__(self, seeds: list[bytes], number: int) -> None:
        self.seeds = seeds
        self.rng = random.Random(number)

    def next_input(self) -> bytes:
        data = bytearray(self.rng.choice(self.seeds))
        for _ in range(self.rng.randint(1, MAX_MUTATIONS)):
            self._mutate(data)
        return bytes(data[:MAX_INPUT_BYTES])

    def _mutate(self, data: bytearray) -> None:
        rng, size = self.rng, len(data)
        at = rng.randint(0, size)
        kind = rng.randrange(8)
        if kind == 0 and size:  # flip one byte
            data[min(at, size - 1)] = rng.randrange(256)
        elif kind == 1:  # insert random bytes
            data[at:at] = rng.randbytes(rng.randint(1, 16))
        elif kind == 2:  # delete a range
            del data[at:at + rng.randint(1, 64)]
        elif kind == 3:  # repeat a range
            data[at:at] = data[at:at + rng.randint(1, 64)] * rng.randint(2, 20)
        elif kind == 4:  # splice in part of another seed
            other = rng.choice(self.seeds)
            start = rng.randint(0, len(other))
            data[at:at] = other[start:start + rng.randint(1, 200)]
        elif kind == 5:  # an odd character or markup, in some encoding
            data[at:at] = rng.choice(ODD_CHARACTERS).encode(rng.choice(CODECS), errors="replace")
        elif kind == 6 and rng.random() < 0.1:  # deep nesting: brackets, braces or tags
            data[at:at] = rng.choice((b"[", b"{a: ", b"{\"a\": ", b"<div>", b"- ")) * rng.randint(100, 3000)
        elif kind == 6:  # cut the end
            del data[at:]
        else:  # read as UTF-8 (lossy) and write in another encoding
            data[:] = data.decode("utf-8", errors="replace").encode(rng.choice(CODECS), errors="replace")


# ---------------------------------------------------------------- targets: one input each


def check_document(document: Document) -> None:
    assert isinstance(document, Document)
    assert document.text.strip(), "a document without text"
    assert "\r" not in document.text, "newlines not normalised"
    assert document.published is None or isinstance(document.published, date)
    assert all(isinstance(v, str) for v in (document.doc_id, document.source, document.url, document.stance,
                                            document.title))


def fuzz_decode(data: bytes) -> None:
    try:
        text, warnings = read_text(data, "fuzz")
    except SitrepError:
        return
    assert text.strip() and "\r" not in text and all(isinstance(w, str) for w in warnings)


def fuzz_front_matter(text: str) -> None:
    fields, body, warnings = split_front_matter(text)
    assert text.endswith(body), "the body must be the text's tail, so that offsets hold"
    metadata_from_mapping(fields, id_key="doc_id")
    assert all(isinstance(w, str) for w in warnings)


def fuzz_parse_document(data: bytes) -> None:
    try:
        document = parse_document(data, origin="fuzz", doc_id="fuzz", path="fuzz", defaults=Defaults())
    except SitrepError:
        return
    check_document(document)


def fuzz_html(html: str) -> None:
    try:
        text, found, _ = extract_html(html, "fuzz")
    except SitrepError:
        return
    assert text.strip() and "\r" not in text
    assert found.published is None or isinstance(found.published, date)


def fuzz_jsonl(data: bytes) -> None:
    for item in read_jsonl(io.BytesIO(data), Path("fuzz.jsonl"), Defaults(source="fuzz")):
        if isinstance(item, Document):
            check_document(item)


def fuzz_feed(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.rss"
        path.write_bytes(data)
        for item in read_feed(path, Defaults()):
            if isinstance(item, Document):
                check_document(item)


def fuzz_read_documents(case: tuple[bytes, str]) -> None:
    data, suffix = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        for item in read_documents([path, folder], published=date(2016, 7, 30)):
            if isinstance(item, Document):
                check_document(item)


def fuzz_extract(text: str, resources: Resources) -> None:
    document = Document(doc_id="fuzz", text=text, published=date(2016, 7, 30), source="fuzz")
    try:
        result = extract(document, resources)
    except SitrepError:
        return
    for event in result.events:
        assert text[event.evidence_start:event.evidence_end] == event.evidence
        assert event.latitude is None or -90 <= event.latitude <= 90
        assert event.longitude is None or -180 <= event.longitude <= 180
        for span in event.framing:
            assert text[span.start:span.end] == span.surface
    for place in result.places:
        assert text[place.mention.start:place.mention.end] == place.mention.surface


def as_text(data: bytes) -> str:
    """The text targets' input: the bytes as UTF-8, undecodable ones replaced (as a reader would)."""
    return data.decode("utf-8", errors="replace")


SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".ndjson", ".rss", ".atom", ".xml", "")
READER_TARGETS: dict[str, Callable[[bytes], None]] = {
    "decode": fuzz_decode,
    "front_matter": lambda data: fuzz_front_matter(as_text(data)),
    "parse_document": fuzz_parse_document,
    "html": lambda data: fuzz_html(as_text(data)),
    "jsonl": fuzz_jsonl,
    "feeds": fuzz_feed,
    "read_documents": lambda data: fuzz_read_documents((data, SUFFIXES[data[0] % len(SUFFIXES)] if data else "")),
}
# The long run's share of --inputs per reader target: the quick ones get more, the slow parsers fewer.
# Whole documents, HTML pages, feeds and files go through trafilatura, feedparser or the file system (5 to
# 15 ms an input on the shared machine), the others take well under a millisecond.
READER_SHARES = {"decode": 0.37, "front_matter": 0.30, "jsonl": 0.29, "parse_document": 0.01, "html": 0.01,
                 "feeds": 0.01, "read_documents": 0.01}
# Inputs between two progress lines of one target (a long run on a shared machine shows where it is).
PROGRESS_EVERY = 50_000


@dataclass
class Outcome:
    target: str
    inputs: int
    seconds: float
    failures: int = 0
    first_failure: str = ""


def run_target(name: str, inputs: int, number: int) -> Outcome:
    """`inputs` mutated inputs to the reader target `name`; every failure counted, the first one kept."""
    return _run(name, READER_TARGETS[name], inputs, number)


def run_extract(inputs: int, number: int) -> Outcome:
    from sitrep.events.extract import load_resources
    from sitrep.geo import load_gazetteer
    from sitrep.nlp import load_nlp

    resources = load_resources(load_nlp(), load_gazetteer())
    return _run("extract", lambda data: fuzz_extract(as_text(data), resources), inputs, number)


def _run(name: str, target: Callable[[bytes], None], inputs: int, number: int) -> Outcome:
    mutator = Mutator(seed_inputs(), zlib.crc32(name.encode()) + number)  # str hashes vary by process
    outcome = Outcome(name, 0, 0.0)
    started = time.perf_counter()
    for _ in range(inputs):
        data = mutator.next_input()
        outcome.inputs += 1
        if outcome.inputs % PROGRESS_EVERY == 0:
            print(f"  {name}: {outcome.inputs:,d} inputs, {outcome.failures} failures, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
        try:
            target(data)
        except Exception:  # anything else is a finding: counted, the first one kept with its input
            outcome.failures += 1
            if not outcome.first_failure:
                outcome.first_failure = f"input {data[:300]!r}\n{traceback.format_exc(limit=6)}"
    outcome.seconds = time.perf_counter() - started
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000, help="inputs over all the reader targets")
    parser.add_argument("--extract-inputs", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        futures = []
        if args.extract_inputs:
            futures.append(pool.submit(run_extract, args.extract_inputs, args.seed))
        futures += [pool.submit(run_target, name, round(args.inputs * share), args.seed)
                    for name, share in READER_SHARES.items()]
        outcomes = []
        for future in as_completed(futures):
            outcome = future.result()
            print(f"  done: {outcome.target} {outcome.inputs:,d} inputs, {outcome.failures} failures, "
                  f"{outcome.seconds:.0f} s", flush=True)
            outcomes.append(outcome)
    for outcome in outcomes:
        rate = outcome.inputs / outcome.seconds if outcome.seconds else 0.0
        print(f"{outcome.target:15s} {outcome.inputs:9,d} inputs  {outcome.seconds:8.1f} s  {rate:8.0f}/s  "
              f"{outcome.failures} failures")
        if outcome.first_failure:
            print(outcome.first_failure)
    readers = sum(o.inputs for o in outcomes if o.target != "extract")
    print(f"total: {readers:,d} inputs to the readers, {sum(o.inputs for o in outcomes if o.target == 'extract'):,d} "
          f"to the extractor, {sum(o.failures for o in outcomes)} failures, "
          f"{time.perf_counter() - started:.0f} s wall")
    sys.exit(1 if any(o.failures for o in outcomes) else 0)


if __name__ == "__main__":
    main()
