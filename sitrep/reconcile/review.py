"""The analyst's verdict behind a merged event's "analyst_review" confidence term (see sitrep.store.review)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from sitrep.reconcile.confidence import AnalystReview
from sitrep.reconcile.report import Report
from sitrep.store.review import latest_review, reviews_by_event
from sitrep.store.schema import EventReviewRow


def analyst_review(connection: Connection, event_ids: Iterable[str]) -> AnalystReview | None:
    """The latest verdict given on any of a merged event's reports, as its confidence term takes it."""
    review = latest_review(connection, event_ids)
    if review is None or not review.status:
        return None
    return AnalystReview(status=review.status, event_id=review.event_id, by=review.by, note=review.note)


def analyst_reviews(connection: Connection, groups: Sequence[Sequence[Report]]) -> list[AnalystReview | None]:
    """`analyst_review` for each group of reports (one merged event each), with one query per few hundred
    reports, and none at all while no verdict has ever been given."""
    if connection.scalar(select(EventReviewRow.event_id).limit(1)) is None:
        return [None] * len(groups)
    found = reviews_by_event(connection, (r.event_id for group in groups for r in group))
    verdicts: list[AnalystReview | None] = []
    for group in groups:
        reviews = [found[r.event_id] for r in group if r.event_id in found]
        latest = max(reviews, key=lambda v: (v.at, v.event_id)) if reviews else None
        verdicts.append(AnalystReview(latest.status, latest.event_id, latest.by, latest.note)
                        if latest is not None and latest.status else None)
    return verdicts
