"""Confidence you can explain: each merged event's confidence is a clipped sum of named terms, each a value
in [0, 1] times a documented weight, with the reports behind it.

    confidence = clip(Σ weight × value, 0, 1)

The terms follow how analysts weigh reports (ACLED, ISW, Wikipedia's map editors): what the strongest report
says (reported > attributed claim > expected), how many independent publishers say it, whether sides that
disagree on everything else agree on it, whether a partisan source only claims its own side's gains
(weaker) or admits its own side's loss (stronger), hedged wording, open disputes, and an analyst's verdict (verified or disputed, `sitrep.store.review`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sitrep.actors import normalize_stance
from sitrep.conflict import default_profile
from sitrep.model import HAPPENED, FactStatus, Side
from sitrep.reconcile.report import NOT_HAPPENED, Report

GOVERNMENT_REGAINS = "Government regains territory"
NON_STATE_OVERTAKES = "Non-state actor overtakes territory"
NEUTRAL = "neutral"
UNKNOWN_SIDE = Side.UNKNOWN  # an agent no report names: it gains nothing a source could claim or admit


@dataclass(frozen=True, slots=True)
class ConfidenceWeights:
    """Every number that confidence uses, declared once. Settings-style: frozen, named, commented."""

    status: float = 0.55  # weight of the strongest report's fact status: a lone plain report scores 0.55
    reported: float = 1.0  # status value: the source says it happened
    attributed_claim: float = 0.6  # status value: the source relays someone else's claim
    expected: float = 0.3  # status value: planned or predicted
    hypothetical: float = 0.1  # status value: conditional ("would", "will have to")
    negated: float = 0.0  # status value: the strongest report denies it
    corroboration: float = 0.25  # weight of independent publishers beyond the first
    corroboration_cap: int = 3  # extra publishers at which corroboration is full (value 1)
    cross_stance: float = 0.15  # weight of agreement across stances: 1 opposing sides, 0.5 partisan + neutral
    own_gain_only: float = -0.15  # weight when only partisan sources claim their own side's territorial gain
    admitted_loss: float = 0.15  # weight when a partisan source reports its own side losing ground
    hedges: float = -0.1  # weight of the share of reports worded with hedges ("reportedly", "may")
    disputed: float = -0.1  # weight when reports disagree (sub-type, or one denies what others report)
    analyst_verified: float = 0.2  # weight when an analyst marked the event verified (sitrep.store.review)
    analyst_disputed: float = -0.3  # weight when an analyst marked it disputed: outweighs one corroboration

    def status_value(self, status: str) -> float:
        values: dict[str, float] = {
            FactStatus.REPORTED: self.reported, FactStatus.ATTRIBUTED_CLAIM: self.attributed_claim,
            FactStatus.EXPECTED: self.expected, FactStatus.HYPOTHETICAL: self.hypothetical,
            FactStatus.NEGATED: self.negated}
        return values.get(status, 0.0)


DEFAULT_WEIGHTS = ConfidenceWeights()


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a confidence: `contribution = value × weight`, supported by `event_ids`."""

    name: str
    value: float
    weight: float
    event_ids: tuple[str, ...]
    note: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight


def confidence_terms(reports: Sequence[Report], disputes: Sequence[str],
                     weights: ConfidenceWeights = DEFAULT_WEIGHTS, review: AnalystReview | None = None,
                     ) -> list[Term]:
    """The terms of a merged event's confidence, from its reports (in a fixed order) and an analyst's verdict."""
    ordered = sorted(reports, key=lambda r: r.event_id)
    return [_status(ordered, weights), _corroboration(ordered, weights), _cross_stance(ordered, weights),
            _own_gain_only(ordered, weights), _admitted_loss(ordered, weights), _hedges(ordered, weights),
            Term("disputed", 1.0 if disputes else 0.0, weights.disputed,
                 tuple(r.event_id for r in ordered) if disputes else (), "; ".join(disputes)),
            analyst_review_term(review, weights)]


@dataclass(frozen=True, slots=True)
class AnalystReview:
    """An analyst's verdict on a merged event: "verified", "disputed" or "" (none), given on `event_id`."""

    status: str
    event_id: str = ""
    by: str = ""
    note: str = ""


def analyst_review_term(review: AnalystReview | None, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> Term:
    """Term "analyst_review": value 1 with the verified (positive) or disputed (negative) weight, else 0."""
    if review is None or review.status not in ("verified", "disputed"):
        return Term("analyst_review", 0.0, weights.analyst_verified, (), "not reviewed")
    weight = weights.analyst_verified if review.status == "verified" else weights.analyst_disputed
    why = f"{review.status} by {review.by or 'an analyst'}" + (f": {review.note}" if review.note else "")
    return Term("analyst_review", 1.0, weight, (review.event_id,) if review.event_id else (), why)


def confidence_of(terms: Sequence[Term]) -> float:
    """The clipped sum of the terms' contributions, rounded to 4 places (stable across platforms)."""
    return round(min(1.0, max(0.0, sum(t.contribution for t in terms))), 4)


def side_of(report: Report) -> str:
    """The side the report's source speaks for on the event's day (the conflict profile's: an opposition
    outlet of 2025 speaks for the new state), or "" for a neutral or unknown stance."""
    return default_profile().speaks_for(normalize_stance(report.stance), report.event_date)


def gainer(report: Report) -> str:
    """The side a territorial event says gained ground ("" when it is not a territorial change): for
    "Government regains territory", the state of the event's day."""
    if report.sub_event_type == GOVERNMENT_REGAINS:
        profile = default_profile()
        states = [s for s in sorted(profile.state_sides(report.event_date)) if profile.side(s).state]
        return states[0] if states else next((s.id for s in profile.sides.values() if s.state), "")
    if report.sub_event_type == NON_STATE_OVERTAKES and report.actor1_side != UNKNOWN_SIDE:
        return report.actor1_side
    return ""


def _own_camp(report: Report, side: str) -> bool:
    """Whether `side` is the report's source's own side or an ally of it on the event's day."""
    own = side_of(report)
    return bool(own) and default_profile().same_camp(own, side, report.event_date)


def _status(reports: Sequence[Report], weights: ConfidenceWeights) -> Term:
    best = min(reports, key=lambda r: (r.status_rank, r.event_id))
    behind = tuple(r.event_id for r in reports if r.fact_status == best.fact_status)
    return Term("fact_status", weights.status_value(best.fact_status), weights.status, behind,
                f"strongest report: {best.fact_status}")


def _corroboration(reports: Sequence[Report], weights: ConfidenceWeights) -> Term:
    publishers = sorted({r.publisher for r in reports})
    extra = min(len(publishers) - 1, weights.corroboration_cap)
    value = extra / weights.corroboration_cap if weights.corroboration_cap > 0 else 0.0
    return Term("independent_corroboration", value, weights.corroboration,
                tuple(r.event_id for r in reports), f"{len(publishers)} independent publisher(s): "
                + ", ".join(publishers))


def _cross_stance(reports: Sequence[Report], weights: ConfidenceWeights) -> Term:
    sides = {side_of(r) for r in reports} - {""}
    neutral = any(r.stance == NEUTRAL for r in reports)
    value = 1.0 if len(sides) >= 2 else 0.5 if sides and neutral else 0.0
    behind = tuple(r.event_id for r in reports if side_of(r) or r.stance == NEUTRAL) if value else ()
    return Term("cross_stance", value, weights.cross_stance, behind,
                "stances: " + (", ".join(sorted({r.stance or "unknown" for r in reports}))))


def _own_gain_only(reports: Sequence[Report], weights: ConfidenceWeights) -> Term:
    happened = [r for r in reports if r.fact_status not in NOT_HAPPENED and r.fact_status != FactStatus.NEGATED]
    own = [r for r in happened if gainer(r) and _own_camp(r, gainer(r))]
    value = 1.0 if happened and len(own) == len(happened) else 0.0
    return Term("own_gain_only", value, weights.own_gain_only, tuple(r.event_id for r in own) if value else (),
                "only partisan sources claim their own side's gain" if value else "")


def _admitted_loss(reports: Sequence[Report], weights: ConfidenceWeights) -> Term:
    admitting = [r for r in reports if r.fact_status in HAPPENED and side_of(r)
                 and gainer(r) and not _own_camp(r, gainer(r))]
    return Term("admitted_loss", 1.0 if admitting else 0.0, weights.admitted_loss,
                tuple(r.event_id for r in admitting),
                "a partisan source reports its own side losing ground" if admitting else "")


def _hedges(reports: Sequence[Report], weights: ConfidenceWeights) -> Term:
    hedged = [r for r in reports if r.hedges]
    return Term("hedges", len(hedged) / len(reports), weights.hedges, tuple(r.event_id for r in hedged),
                "; ".join(sorted({h for r in hedged for h in r.hedges})))
