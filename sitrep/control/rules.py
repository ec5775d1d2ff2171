"""The confidence rules of the assessed layer: how much one report counts, and when reports are enough.

Wikipedia's map editors accept a partisan source mainly when it reports against its own side; ISW keeps a
side's claims apart from what it assesses. These rules say the same in numbers. Each report's weight is
in [0, 1]; the reports behind one state combine as independent evidence (noisy-or: 1 - Π(1 - w)), one
weight per publisher (its strongest report), and the state is assessed when the result reaches
`accept_at`. Every weight is a named field with its reason; pass another `AssessmentRules` to change them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitrep.control.state import HELD, Observation

# Which side a source of each (normalised) stance speaks for.
STANCE_SIDE = {"pro-government": "government", "government": "government", "opposition": "opposition",
               "pro-opposition": "opposition", "kurdish": "kurdish", "pro-kurdish": "kurdish",
               "isis": "isis", "pro-isis": "isis", "turkey": "turkey", "pro-turkey": "turkey"}
# Sides fighting together: a gain by an ally is a gain of one's own side, not an admission.
ALLIES = {"government": frozenset({"government", "russia"}), "russia": frozenset({"government", "russia"})}
REPORTED_STATUSES = frozenset({"reported", "attributed_claim"})
EXPECTED_STATUSES = frozenset({"expected", "hypothetical"})


@dataclass(frozen=True, slots=True)
class AssessmentRules:
    """Weights of one report in the assessed layer, and the bar a state must clear."""

    # A neutral source (wire, monitor, analyst) reporting a change: good but not conclusive alone.
    neutral_weight: float = 0.6
    # A partisan source claiming its own side's gain: sides inflate their gains, so alone it stays below
    # `accept_at`; two independent partisan reports together (0.51) reach it.
    own_gain_weight: float = 0.3
    # A partisan source admitting that the other side holds a place: against interest, so strong.
    admission_weight: float = 0.8
    # A clash or siege reported by anyone: no side gains by inventing fighting at a place.
    fighting_weight: float = 0.6
    # Multiplier for a claim the source attributes to someone else ("the army said...").
    attributed_factor: float = 0.7
    # Multiplier for a report hedged by the source ("reportedly", "unconfirmed").
    hedged_factor: float = 0.8
    # Multiplier for a statement of control in passing ("rebel-held X") rather than a reported change.
    statement_factor: float = 0.9
    # When sources of two different stances report the same state, its confidence is at least this.
    cross_stance_floor: float = 0.85
    # Each denial of the state by a publisher scales its confidence by (1 - this).
    negation_weight: float = 0.5
    # The confidence (0-1) a state needs to enter the assessed layer.
    accept_at: float = 0.5
    # Reports of the same state at the same place within this many days support each other (days).
    corroboration_days: int = 7
    # Fighting reported at a place marks it contested for this many days unless a later report says
    # otherwise (days); afterwards the previous holder holds it again.
    contested_days: int = 14


DEFAULT_RULES = AssessmentRules()


def own_side(stance: str) -> str:
    return STANCE_SIDE.get(stance.strip().lower(), "")


def is_admission(observation: Observation) -> bool:
    """A partisan source saying that a side other than its own (or its allies) holds the place."""
    own = own_side(observation.stance)
    return bool(own) and bool(observation.side) and observation.side not in ALLIES.get(own, {own})


def is_own_gain(observation: Observation) -> bool:
    own = own_side(observation.stance)
    return bool(own) and observation.side in ALLIES.get(own, {own})


def report_weight(observation: Observation, rules: AssessmentRules = DEFAULT_RULES) -> float:
    """How much one report counts towards its state in the assessed layer, in [0, 1]."""
    if observation.state != HELD:
        weight = rules.fighting_weight
    elif is_admission(observation):
        weight = rules.admission_weight
    elif is_own_gain(observation):
        weight = rules.own_gain_weight
    else:
        weight = rules.neutral_weight
    if observation.fact_status == "attributed_claim":
        weight *= rules.attributed_factor
    if observation.hedged:
        weight *= rules.hedged_factor
    if observation.basis != "event":
        weight *= rules.statement_factor
    return weight


def combined_confidence(support: Iterable[Observation], denials: Iterable[Observation],
                        rules: AssessmentRules = DEFAULT_RULES) -> float:
    """The confidence of a state from the reports behind it and those denying it (see the module doc)."""
    strongest: dict[str, float] = {}
    stances: set[str] = set()
    for observation in support:
        weight = report_weight(observation, rules)
        strongest[observation.publisher] = max(weight, strongest.get(observation.publisher, 0.0))
        stances.add(_stance_group(observation.stance))
    doubt = 1.0
    for weight in strongest.values():
        doubt *= 1.0 - weight
    confidence = 1.0 - doubt
    if len(stances) >= 2 and len(strongest) >= 2:
        confidence = max(confidence, rules.cross_stance_floor)
    for _ in {d.publisher for d in denials}:
        confidence *= 1.0 - rules.negation_weight
    return round(confidence, 3)


def _stance_group(stance: str) -> str:
    return own_side(stance) or "neutral"
