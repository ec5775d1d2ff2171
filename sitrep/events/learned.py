"""A learned second opinion on the events the rules propose: how likely a proposed event that "happened" is
one a careful reader would code (the right kind of happening, at the right place, on the right day).

The rules (`sitrep.events.extract`) find candidates; this module describes each candidate by a few dozen
features that hold across publishers (its type, how precisely it is placed and dated, the grammar of its
evidence: tense, modality, negation, attribution; how sure the geoparser was of its place; where in the report
it sits) and scores them with a logistic model. Candidates below the model's threshold are dropped.

The weights are data (`sitrep/data/event_filter.json`), fitted by `scripts/train_event_filter.py` on the gold
sets of `../shared/eval/`; that script also reports the honest score, on sets the weights never saw. With no
weights file the rules' events pass unchanged.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sitrep.errors import ExtractionError
from sitrep.model import HAPPENED, Event, PlaceMention
from sitrep.nlp import text_of

DEFAULT_FILTER_PATH: Final = Path(__file__).resolve().parent.parent / "data" / "event_filter.json"
LEDE_SHARE: Final = 0.15  # share of a report's characters that counts as its opening (where news leads go)
# Dependency labels and tags read as grammar, spaCy's English scheme (ClearNLP labels, Penn tags).
REPORTING_LEMMAS: Final = frozenset({"say", "claim", "report", "announce", "accord", "tell", "state", "add",
                                     "confirm", "deny", "allege", "quote"})
CONDITIONAL_WORDS: Final = frozenset({"if", "unless", "should", "would", "could"})
GENERIC_MODALS: Final = frozenset({"may", "might", "can", "could", "must", "should", "would"})


@dataclass(frozen=True)
class EventFilter:
    """Logistic weights over named features, and the probability under which a candidate is dropped."""

    weights: Mapping[str, float]
    bias: float
    threshold: float
    info: Mapping[str, Any]

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_event_filter(path: Path | None = None) -> EventFilter | None:
    """The shipped (or given) weights; None when no weights file exists (the rules then stand alone)."""
    path = path or DEFAULT_FILTER_PATH
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return EventFilter({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                           float(data["threshold"]), data.get("info", {}))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ExtractionError(f"{path}: not an event filter ({e})") from e


def filter_events(events: Sequence[Event], doc: Any, places: Sequence[PlaceMention],
                  model: EventFilter | None) -> list[Event]:
    """The events the model keeps: every event not said to have happened, and those that happened scoring at
    least the model's threshold."""
    if model is None:
        return list(events)
    features = candidate_features(events, doc, places)
    return [event for event, feats in zip(events, features, strict=True)
            if event.fact_status not in HAPPENED or model.probability(feats) >= model.threshold]


def candidate_features(events: Sequence[Event], doc: Any, places: Sequence[PlaceMention]) -> list[dict[str, float]]:
    """The features of each event, in order (the same for training and for use)."""
    shared = Counter((e.evidence_start, e.evidence_end) for e in events)
    at_place = Counter((e.evidence_start, e.evidence_end, e.place_id) for e in events)
    length = max(len(text_of(doc)), 1)
    return [_features(e, doc, places, shared, at_place, length) for e in events]


def _features(event: Event, doc: Any, places: Sequence[PlaceMention], shared: Counter[tuple[int, int]],
              at_place: Counter[tuple[int, int, str]], length: int) -> dict[str, float]:
    f: dict[str, float] = {
        f"type={event.event_type}": 1.0,
        f"sub={event.sub_event_type}": 1.0,
        f"status={event.fact_status}": 1.0,
        f"geo={event.geo_precision}": 1.0,
        f"time={event.time_precision}": 1.0,
        "undated": float(event.event_date is None),
        "on_publication_day": float(event.event_date is not None and event.event_date == event.published),
        "days_before_publication": _days_before(event),
        "actor1_known": float(bool(event.actor1)),
        "actor1_side_known": float(event.actor1_side not in ("", "unknown")),
        "actor2_known": float(bool(event.actor2)),
        "hedged": float(bool(event.hedges)),
        "framed": float(bool(event.framing)),
        "claimant_known": float(bool(event.claimant)),
        "events_sharing_evidence": math.log1p(shared[(event.evidence_start, event.evidence_end)] - 1),
        "types_at_place_in_evidence": math.log1p(at_place[(event.evidence_start, event.evidence_end,
                                                           event.place_id)] - 1),
        "position": event.evidence_start / length,
        "lede": float(event.evidence_start / length < LEDE_SHARE),
        "evidence_words": math.log1p(len(event.evidence.split())),
    }
    f.update(_grammar(doc, event.evidence_start, event.evidence_end))
    f.update(_place(event, doc, places))
    return f


def _days_before(event: Event) -> float:
    if event.event_date is None or event.published is None:
        return 0.0
    return math.log1p(max((event.published - event.event_date).days, 0))


def _grammar(doc: Any, start: int, end: int) -> dict[str, float]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return {"no_parse": 1.0}
    tags = [t.tag_ for t in span]
    lemmas = {t.lemma_.lower() for t in span}
    lowers = {t.lower_ for t in span}
    return {
        "past_tense": float("VBD" in tags),
        "perfect": float(any(t.tag_ == "VBN" and any(c.lemma_ == "have" for c in t.children) for t in span)),
        "present": float(any(t in ("VBZ", "VBP") for t in tags)),
        "progressive": float("VBG" in tags),
        "future_will": float(any(t.lower_ in ("will", "'ll") and t.tag_ == "MD" for t in span)),
        "modal": float(any(t.tag_ == "MD" and t.lower_ in GENERIC_MODALS for t in span)),
        "conditional": float(bool(lowers & CONDITIONAL_WORDS)),
        "negation": float(any(t.dep_ == "neg" for t in span)),
        "reporting": float(bool(lemmas & REPORTING_LEMMAS)),
        "quoted": float(any(t.is_quote for t in span)),
        "question": float(span.text.rstrip().endswith("?")),
        "number": float(any(t.like_num for t in span)),
        "copula_root": float(any(t.dep_ == "ROOT" and t.lemma_ == "be" for t in span)),
        "passive": float(any(t.dep_ in ("nsubjpass", "auxpass") for t in span)),
    }


def _place(event: Event, doc: Any, places: Sequence[PlaceMention]) -> dict[str, float]:
    mentions = [p for p in places if p.place is not None and p.place.place_id == event.place_id]
    inside = [p for p in mentions if event.evidence_start <= p.mention.start < event.evidence_end]
    f: dict[str, float] = {"place_in_evidence": float(bool(inside)),
                           "place_mentions": math.log1p(len(mentions))}
    chosen = (inside or mentions)[0] if inside or mentions else None
    if chosen is None or chosen.place is None:
        return f | {"place_unknown": 1.0}
    f[f"kind={chosen.place.kind}"] = 1.0
    f["place_score"] = chosen.score
    f["place_populous"] = math.log1p(chosen.place.population) / 15.0  # ln(3.3 M) is 15: Syria's largest
    f["place_alternatives"] = math.log1p(len(chosen.alternatives))
    entity = _entity_label(doc, chosen.mention.start, chosen.mention.end)
    f[f"place_entity={entity or 'none'}"] = 1.0
    return f


def _entity_label(doc: Any, start: int, end: int) -> str:
    for ent in doc.ents:
        if ent.start_char < end and ent.end_char > start:
            return str(ent.label_)
    return ""
