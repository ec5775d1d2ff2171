"""Routes of analyst review: comments on events, up/down votes on events and comments, and verdicts.
Reads are open; every write needs the bearer token (`require_token`)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select, update

from sitrep.api.context import ApiContext, context, require_token
from sitrep.api.detail import comment_item
from sitrep.api.schemas import (
    CommentId,
    CommentItem,
    CommentList,
    EventId,
    NewComment,
    NewReview,
    NewVote,
    ReviewResult,
    VoteResult,
)
from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, ConfidenceWeights
from sitrep.reconcile.explain import ReconcileError, explain_event
from sitrep.store import Store
from sitrep.store.review import COMMENT, EVENT, add_comment, comments_of, set_review, vote
from sitrep.store.schema import EventRow, MergedEventRow

router = APIRouter(tags=["review"])
# Hex digits of the token's SHA-256 kept as the voter's name: 64 bits, no two tokens alike in practice.
VOTER_HEX = 16
WRITE = [Depends(require_token)]


@router.get("/api/events/{event_id}/comments", response_model=CommentList)
def list_comments(event_id: EventId, ctx: Annotated[ApiContext, Depends(context)],
                  sort: Annotated[Literal["newest", "oldest", "votes"], Query()] = "newest") -> CommentList:
    """An event's comments: newest or oldest first, or most voted (score = up - down) first."""
    items = [comment_item(c) for c in comments_of(ctx.store, event_id, sort)]
    return CommentList(items=items, total=len(items), limit=len(items), offset=0)


@router.post("/api/events/{event_id}/comments", response_model=CommentItem, status_code=201, dependencies=WRITE)
def post_comment(event_id: EventId, body: NewComment, ctx: Annotated[ApiContext, Depends(context)]) -> CommentItem:
    """Comment on an event (token). The text is stored as written; pages must escape it."""
    return comment_item(add_comment(ctx.store, event_id, body.author, body.text))


@router.post("/api/events/{event_id}/votes", response_model=VoteResult, status_code=201, dependencies=WRITE)
def vote_event(event_id: EventId, body: NewVote, ctx: Annotated[ApiContext, Depends(context)]) -> VoteResult:
    """An up (1) or down (-1) vote on an event (token); one per token: voting again replaces it. Answers the
    event's totals."""
    up, down = vote(ctx.store, EVENT, event_id, body.value, voter=voter_of(ctx))
    return VoteResult(target="event", id=event_id, up=up, down=down)


@router.post("/api/comments/{comment_id}/votes", response_model=VoteResult, status_code=201, dependencies=WRITE)
def vote_comment(comment_id: CommentId, body: NewVote, ctx: Annotated[ApiContext, Depends(context)]) -> VoteResult:
    """An up (1) or down (-1) vote on a comment (token); one per token: voting again replaces it. Answers
    the comment's totals."""
    up, down = vote(ctx.store, COMMENT, comment_id, body.value, voter=voter_of(ctx))
    return VoteResult(target="comment", id=comment_id, up=up, down=down)


@router.put("/api/events/{event_id}/review", response_model=ReviewResult, dependencies=WRITE)
def put_review(event_id: EventId, body: NewReview, ctx: Annotated[ApiContext, Depends(context)]) -> ReviewResult:
    """Mark an event verified or disputed ("" withdraws the verdict) (token). The verdict is the merged
    event's: its confidence gains the "analyst_review" term, and the stored confidence is updated."""
    review = set_review(ctx.store, event_id, body.status, body.note, body.by)
    merged_id, confidence = refresh_confidence(ctx.store, event_id, ctx.weights())
    ctx.forget()
    return ReviewResult(event_id=event_id, merged_id=merged_id, status=body.status, note=review.note, by=review.by,
                        at=review.at, confidence=confidence)


def voter_of(ctx: ApiContext) -> str:
    """Who casts a vote: the token that authorised it (checked by `require_token`), as a hash, never itself."""
    return "token:" + hashlib.sha256(ctx.settings.token.encode()).hexdigest()[:VOTER_HEX]


def refresh_confidence(store: Store, event_id: str, weights: ConfidenceWeights = DEFAULT_WEIGHTS,
                       ) -> tuple[str, float]:
    """Recompute the merged event's confidence with the verdict and store it; an event not reconciled yet
    keeps its own confidence (its verdict counts once it is merged)."""
    try:
        explanation = explain_event(store, event_id, weights)
    except ReconcileError:
        with store.engine.connect() as connection:
            own = connection.scalar(select(EventRow.confidence).where(EventRow.event_id == event_id))
        return event_id, float(own or 0.0)
    merged_id = explanation.event.merged_id
    with store.engine.begin() as connection:
        connection.execute(update(MergedEventRow).where(MergedEventRow.merged_id == merged_id)
                           .values(confidence=explanation.confidence))
    return merged_id, explanation.confidence
