"""Long documents in bounded pieces: real report text, the real spaCy pipeline and gazetteer."""

from __future__ import annotations

import itertools
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.events.dedupe import one_per_location_and_day
from sitrep.events.extract import Resources, extract, load_resources
from sitrep.geo import Gazetteer
from sitrep.model import Document, Reject
from sitrep.pieces import PIECE_CHARS, DocumentBudget, split_pieces
from sitrep.pipeline import extract_documents

TEXT_FOLDERS = (Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples",
                Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus-dev")


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Gazetteer) -> Resources:
    return load_resources(nlp, gazetteer)


def _long_text(size: int) -> str:
    """At least `size` characters of real reports' paragraphs, the bundled examples and dev corpus in turn."""
    paragraphs = [p.strip() for folder in TEXT_FOLDERS for path in sorted(folder.glob("*.md"))
                  for p in path.read_text(encoding="utf-8").split("\n---\n", 1)[-1].split("\n\n") if p.strip()]
    chosen: list[str] = []
    while sum(len(p) + 2 for p in chosen) < size:
        chosen.append(paragraphs[len(chosen) % len(paragraphs)])
    return "\n\n".join(chosen) + "\n"


@given(st.text(alphabet=st.sampled_from("ab .\n"), max_size=400), st.integers(min_value=5, max_value=60))
def test_pieces_cover_the_text_in_bounded_pieces(text: str, limit: int) -> None:
    pieces = split_pieces(text, limit)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(pieces))
    assert all(0 < end - start <= limit for start, end in pieces if len(text))


def test_pieces_cut_after_paragraph_breaks() -> None:
    text = _long_text(3 * PIECE_CHARS)
    pieces = split_pieces(text)
    assert len(pieces) >= 3
    assert all(text[start - 2:start] == "\n\n" for start, _ in pieces[1:])


def test_pieces_long_report_keeps_its_offsets(resources: Resources) -> None:
    """A report of three pieces: every evidence, framing span and place mention indexes the whole text, the
    event ids are distinct, and the first piece's events (one per location, day and type, as across the
    pieces) are those of extracting that piece alone."""
    text = _long_text(2 * PIECE_CHARS + 5000)
    document = Document(doc_id="long", text=text, published=date(2016, 8, 1), source="Test Wire")
    [result] = list(extract_documents([document], resources, strict=True))
    assert not isinstance(result, Reject) and result.document.text == text
    assert len(result.events) > 50 and len(result.places) > 300
    for event in result.events:
        assert text[event.evidence_start:event.evidence_end] == event.evidence
        assert all(text[span.start:span.end] == span.surface for span in event.framing)
    assert all(text[p.mention.start:p.mention.end] == p.mention.surface for p in result.places)
    assert len({e.event_id for e in result.events}) == len(result.events)
    first_end = split_pieces(text)[0][1]
    alone = extract(Document(doc_id="long", text=text[:first_end], published=date(2016, 8, 1),
                             source="Test Wire"), resources)
    whole = {e.event_id for e in result.events}
    for event in alone.events:  # each of the first piece's events is in the whole, or outranked by its events
        assert {e.event_id for e in one_per_location_and_day([*result.events, event])} == whole, event


def test_pieces_document_over_the_size_budget_is_refused_unparsed(resources: Resources) -> None:
    document = Document(doc_id="big", text=_long_text(30_000), published=date(2016, 8, 1))
    started = time.perf_counter()
    [result] = list(extract_documents([document], resources, budget=DocumentBudget(max_chars=25_000)))
    assert isinstance(result, Reject)
    assert "over the limit of 25,000" in result.reason and "max_document_chars" in result.reason
    assert time.perf_counter() - started < 1.0  # refused before spaCy sees it


def test_pieces_extraction_past_the_time_budget_is_stopped(resources: Resources) -> None:
    document = Document(doc_id="slow", text=_long_text(3 * PIECE_CHARS), published=date(2016, 8, 1))
    short = Document(doc_id="short", text="Rebels shelled Aleppo on Monday.", published=date(2016, 8, 1))
    results = list(extract_documents([document, short], resources, budget=DocumentBudget(max_seconds=0.5)))
    assert isinstance(results[0], Reject) and "max_document_seconds" in results[0].reason
    assert "stopped after piece 1 of" in results[0].reason
    assert not isinstance(results[1], Reject)  # the next document is extracted all the same


def test_pieces_share_one_stance_inferred_from_the_whole_text(resources: Resources) -> None:
    """A long report from an unknown outlet: its stance is inferred once, from the whole text, and every
    piece's events carry it (the store refuses an event whose stance is not its document's)."""
    document = Document(doc_id="unknown-outlet", text=_long_text(3 * PIECE_CHARS), published=date(2016, 8, 1))
    [result] = list(extract_documents([document], resources, strict=True))
    assert not isinstance(result, Reject) and result.events
    assert {e.stance for e in result.events} == {result.document.stance}
