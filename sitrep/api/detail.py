"""One event in full for `GET /api/events/{event_id}`: its merged event's reports (quotes with their offsets
and framing spans relative to the quote), the confidence terms as `sitrep explain` shows them, and review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from sitrep.api.eventquery import page_rows
from sitrep.api.schemas import (
    CommentItem,
    ConfidenceTermItem,
    EventDetail,
    FramingSpan,
    ReportItem,
    ReviewState,
    Votes,
)
from sitrep.errors import NotFoundError
from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, ConfidenceWeights
from sitrep.reconcile.explain import ReconcileError, explain_event
from sitrep.store import Store
from sitrep.store.review import EVENT, Comment, comments_of, latest_review, votes_of
from sitrep.store.schema import DocumentCopyRow, DocumentRow, EventRow, EvidenceRow, FramingSpanRow, SourceRow


def event_detail(store: Store, event_id: str, weights: ConfidenceWeights = DEFAULT_WEIGHTS) -> EventDetail:
    with store.engine.connect() as connection:
        rows = page_rows(connection, [event_id])
    if not rows:
        raise NotFoundError(f"no event {event_id!r}")
    item = rows[0]
    try:
        explanation = explain_event(store, event_id, weights)
        merged_id, members = explanation.event.merged_id, [r.event_id for r in explanation.reports]
        terms = [ConfidenceTermItem(name=t.name, value=t.value, weight=t.weight, contribution=t.contribution,
                                    why=t.note, event_ids=list(t.event_ids)) for t in explanation.terms]
        disputes = list(explanation.event.disputes)
    except ReconcileError:  # not reconciled (yet): the event stands alone
        merged_id, members, terms, disputes = event_id, [event_id], [], []
    with store.engine.connect() as connection:
        reports = report_items(connection, members)
        review = latest_review(connection, members)
    up, down = votes_of(store, EVENT, event_id)
    fields = {k: v for k, v in item.items() if k not in ("review", "merged_id")}
    return EventDetail(
        **fields, merged_id=merged_id, reports=reports, disputes=disputes, confidence_terms=terms,
        comments=[comment_item(c) for c in comments_of(store, event_id, "newest")], votes=Votes(up=up, down=down),
        review=ReviewState(status=review.status, note=review.note, by=review.by, at=review.at)  # type: ignore[arg-type]
        if review else ReviewState(status="", note="", by="", at=None))


def comment_item(comment: Comment) -> CommentItem:
    return CommentItem(comment_id=comment.comment_id, event_id=comment.event_id, author=comment.author,
                       text=comment.text, created=comment.created, up=comment.up, down=comment.down,
                       score=comment.score)


def report_items(connection: Connection, event_ids: Sequence[str]) -> list[ReportItem]:
    """Each report with its document, first quote and the framing spans inside that quote, by event id."""
    e, d = EventRow, DocumentRow
    original = aliased(DocumentRow)
    rows = connection.execute(
        select(e.event_id, d.doc_id, SourceRow.name, d.stance, d.url, d.title, e.event_date, d.published,
               e.fact_status, e.sub_event_type, original.doc_id)
        .join(d, d.id == e.document_id).outerjoin(SourceRow, SourceRow.id == d.source_id)
        .outerjoin(DocumentCopyRow, DocumentCopyRow.document_id == d.id)
        .outerjoin(original, original.id == DocumentCopyRow.original_id)
        .where(e.event_id.in_(list(event_ids))).order_by(e.event_id)).all()
    quotes: dict[str, Any] = {}
    for row in connection.execute(select(EvidenceRow.event_id, EvidenceRow.start, EvidenceRow.end, EvidenceRow.text)
                                  .where(EvidenceRow.event_id.in_(list(event_ids))).order_by(EvidenceRow.id)):
        quotes.setdefault(row[0], row)
    spans: dict[str, list[FramingSpan]] = {}
    for event_id, start, end, surface, technique in connection.execute(
            select(FramingSpanRow.event_id, FramingSpanRow.start, FramingSpanRow.end, FramingSpanRow.surface,
                   FramingSpanRow.technique).where(FramingSpanRow.event_id.in_(list(event_ids)))
            .order_by(FramingSpanRow.start, FramingSpanRow.id)):
        quote = quotes.get(event_id)
        if quote is not None and quote[1] <= start and end <= quote[2]:
            spans.setdefault(event_id, []).append(FramingSpan(start=start - quote[1], end=end - quote[1],
                                                              text=surface, kind=technique))
    items = []
    for r in rows:
        quote = quotes.get(r[0])
        items.append(ReportItem(event_id=r[0], doc_id=r[1], source=r[2] or "", stance=r[3], url=r[4], title=r[5],
                                date=r[6], published=r[7], fact_status=r[8], sub_event_type=r[9],
                                evidence=quote[3] if quote else "", start=quote[1] if quote else 0,
                                end=quote[2] if quote else 0, framing=spans.get(r[0], []), copy_of=r[10] or ""))
    return items
