"""The learned event filter: features read from real parses, weights read from data, what it may drop."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sitrep.errors import ExtractionError
from sitrep.events.extract import Resources, extract, load_resources
from sitrep.events.learned import EventFilter, candidate_features, filter_events, load_event_filter
from sitrep.geo import Gazetteer
from sitrep.model import HAPPENED, Document

# Written for this test in the manner of a wire report (past events) and an analyst's outlook (expected ones).
REPORT = (
    "Government forces captured the village of Kinsabba in the Latakia countryside on Tuesday, a monitor said.\n\n"
    "Warplanes struck Darayya on Monday, killing four people.\n\n"
    "The army will probably launch an offensive on Jisr al-Shughur next week."
)


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Gazetteer) -> Resources:
    return replace(load_resources(nlp, gazetteer), event_filter=None)


def _extract(resources: Resources) -> tuple[Any, Any]:
    document = Document(doc_id="learned", text=REPORT, published=date(2016, 7, 28), source="test wire")
    doc = resources.nlp(REPORT)
    return extract(document, resources, doc=doc), doc


def test_learned_features_read_tense_modality_and_place(resources: Resources) -> None:
    result, doc = _extract(resources)
    features = candidate_features(result.events, doc, result.places)
    assert len(features) == len(result.events) >= 2
    by_place = {e.location: f for e, f in zip(result.events, features, strict=True)}
    capture = next(f for name, f in by_place.items() if name.startswith("Kin"))
    assert capture["past_tense"] == 1.0 and capture["reporting"] == 1.0
    assert capture["place_in_evidence"] == 1.0 and 0.0 < capture["place_score"] <= 1.0
    assert capture["lede"] == 1.0
    outlook = [f for e, f in zip(result.events, features, strict=True) if e.fact_status == "expected"]
    assert outlook and all(f["future_will"] == 1.0 and f["past_tense"] == 0.0 for f in outlook)


def test_learned_filter_drops_only_happened_events_under_its_threshold(resources: Resources) -> None:
    result, doc = _extract(resources)
    # a model that finds every strike unlikely and nothing else: only happened strikes may go
    model = EventFilter({"sub=Air/drone strike": -10.0}, bias=5.0, threshold=0.5, info={})
    kept = filter_events(result.events, doc, result.places, model)
    dropped = [e for e in result.events if e not in kept]
    assert dropped and all(e.sub_event_type == "Air/drone strike" and e.fact_status in HAPPENED for e in dropped)
    assert [e for e in result.events if e.fact_status not in HAPPENED] == [e for e in kept
                                                                           if e.fact_status not in HAPPENED]
    assert filter_events(result.events, doc, result.places, None) == result.events


def test_learned_filter_file_round_trips_and_refuses_garbage(tmp_path: Path) -> None:
    good = tmp_path / "filter.json"
    good.write_text(json.dumps({"weights": {"past_tense": 1.5}, "bias": -0.5, "threshold": 0.3, "info": {}}))
    model = load_event_filter(good)
    assert model is not None and model.probability({"past_tense": 1.0}) == pytest.approx(0.731, abs=1e-3)
    assert load_event_filter(tmp_path / "absent.json") is None
    bad = tmp_path / "bad.json"
    bad.write_text('{"weights": [1, 2]}')
    with pytest.raises(ExtractionError, match="not an event filter"):
        load_event_filter(bad)
