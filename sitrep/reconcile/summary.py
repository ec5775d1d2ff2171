"""What a merged event says, from its reports: the lead report, counts, stances and disputes (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sitrep.reconcile.confidence import (
    DEFAULT_WEIGHTS,
    AnalystReview,
    ConfidenceWeights,
    confidence_of,
    confidence_terms,
)
from sitrep.reconcile.report import NOT_HAPPENED, Report


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One happening, as all its reports together describe it; place, date and type are the lead report's."""

    merged_id: str  # the smallest event_id among its reports
    event_type: str
    sub_event_type: str
    event_date: date | None
    time_precision: int
    place_id: str
    location: str
    latitude: float | None
    longitude: float | None
    fact_status: str  # the strongest status among its reports
    reports_count: int  # documents reporting it, copies included
    independent_sources: int  # distinct publishers; copies and wire reprints count as their original's
    stances: tuple[str, ...]
    disputes: tuple[str, ...]
    confidence: float
    event_ids: tuple[str, ...]


def lead_report(reports: Sequence[Report]) -> Report:
    """The report that speaks for the event: strongest status, most precise place and date, an original."""
    return min(reports, key=lambda r: (r.status_rank, r.geo_precision, r.time_precision, r.is_copy, r.event_id))


def summarize(reports: Sequence[Report], weights: ConfidenceWeights = DEFAULT_WEIGHTS,
              review: AnalystReview | None = None) -> MergedEvent:
    lead = lead_report(reports)
    disputes = find_disputes(reports)
    return MergedEvent(
        merged_id=min(r.event_id for r in reports), event_type=lead.event_type, sub_event_type=lead.sub_event_type,
        event_date=lead.event_date, time_precision=lead.time_precision, place_id=lead.place_id,
        location=lead.location, latitude=lead.latitude, longitude=lead.longitude, fact_status=lead.fact_status,
        reports_count=len({r.doc_id for r in reports}), independent_sources=len({r.publisher for r in reports}),
        stances=tuple(sorted({r.stance or "unknown" for r in reports})), disputes=tuple(disputes),
        confidence=confidence_of(confidence_terms(reports, disputes, weights, review)),
        event_ids=tuple(sorted(r.event_id for r in reports)))


def find_disputes(reports: Sequence[Report]) -> list[str]:
    """Where the reports disagree: different sub-types of what happened, or a denial of it."""
    happened = [r for r in reports if r.fact_status not in NOT_HAPPENED and r.fact_status != "negated"]
    disputes = []
    by_type: dict[str, set[str]] = {}
    for report in happened:
        by_type.setdefault(report.sub_event_type, set()).add(report.doc_id)
    if len(by_type) > 1:
        disputes.append(" vs ".join(f"{sub} ({', '.join(sorted(docs))})" for sub, docs in sorted(by_type.items())))
    denying = sorted({r.doc_id for r in reports if r.fact_status == "negated"})
    if denying and happened:
        disputes.append(f"denied by {', '.join(denying)}; reported by "
                        f"{', '.join(sorted({r.doc_id for r in happened}))}")
    return disputes
