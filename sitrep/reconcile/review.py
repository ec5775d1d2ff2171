"""The analyst's verdict behind a merged event's "analyst_review" confidence term (see sitrep.store.review)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from sitrep.reconcile.confidence import AnalystReview
from sitrep.store.review import latest_review


def analyst_review(connection: Connection, event_ids: Iterable[str]) -> AnalystReview | None:
    """The latest verdict given on any of a merged event's reports, as its confidence term takes it."""
    review = latest_review(connection, event_ids)
    if review is None or not review.status:
        return None
    return AnalystReview(status=review.status, event_id=review.event_id, by=review.by, note=review.note)
