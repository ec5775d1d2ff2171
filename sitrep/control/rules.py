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
from datetime import date

from sitrep.actors import normalize_stance
from sitrep.conflict import ConflictProfile, default_profile
from sitrep.control.state import HELD, Observation
from sitrep.model import HAPPENED, FactStatus

REPORTED_STATUSES = HAPPENED
EXPECTED_STATUSES = frozenset({FactStatus.EXPECTED, FactStatus.HYPOTHETICAL})


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


def own_side(stance: str, day: date | None = None, profile: ConflictProfile | None = None) -> str:
    """The side a source of `stance` speaks for on `day`, as the conflict profile dates it (an opposition
    outlet of 2016 for the rebels, of 2025 for the new state), or "" for none."""
    return (profile or default_profile()).speaks_for(normalize_stance(stance), day)


def is_admission(observation: Observation, profile: ConflictProfile | None = None) -> bool:
    """A partisan source saying that a side other than its own (or its allies of the day) holds the place."""
    profile = profile or default_profile()
    own = own_side(observation.stance, observation.day, profile)
    return bool(own) and bool(observation.side) and not profile.same_camp(own, observation.side, observation.day)


def is_own_gain(observation: Observation, profile: ConflictProfile | None = None) -> bool:
    """A partisan source saying that its own side, or an ally of the day, holds the place."""
    profile = profile or default_profile()
    own = own_side(observation.stance, observation.day, profile)
    return bool(own) and profile.same_camp(own, observation.side, observation.day)


def report_weight(observation: Observation, rules: AssessmentRules = DEFAULT_RULES,
                  profile: ConflictProfile | None = None) -> float:
    """How much one report counts towards its state in the assessed layer, in [0, 1]; sides are related
    as the `profile` (the shipped one by default) relates them on the report's day."""
    if observation.state != HELD:
        weight = rules.fighting_weight
    elif is_admission(observation, profile):
        weight = rules.admission_weight
    elif is_own_gain(observation, profile):
        weight = rules.own_gain_weight
    else:
        weight = rules.neutral_weight
    if observation.fact_status == FactStatus.ATTRIBUTED_CLAIM:
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
        stances.add(own_side(observation.stance, observation.day) or "neutral")
    doubt = 1.0
    for weight in strongest.values():
        doubt *= 1.0 - weight
    confidence = 1.0 - doubt
    if len(stances) >= 2 and len(strongest) >= 2:
        confidence = max(confidence, rules.cross_stance_floor)
    for _ in {d.publisher for d in denials}:
        confidence *= 1.0 - rules.negation_weight
    return round(confidence, 3)
