"""Analyst review: comments on events, up/down votes on events and comments, an event's review status;
and an index on events (event_date, event_id) so that the API pages through events in order without sorting.

Review rows name the event by `event_id` (one report's event, as the API and the CLI show it) and carry no
foreign key: an analyst's comment outlives a re-ingest of the document it was made on.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comments")),
    )
    op.create_index("ix_review_comments_event_id", "review_comments", ["event_id"])
    op.create_table(
        "review_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("target_id", sa.String(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_votes")),
    )
    op.create_index("ix_review_votes_target", "review_votes", ["target", "target_id"])
    op.create_table(
        "event_reviews",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_reviews")),
    )
    op.create_index("ix_events_event_date_event_id", "events", ["event_date", "event_id"])


def downgrade() -> None:
    op.drop_index("ix_events_event_date_event_id", table_name="events")
    op.drop_table("event_reviews")
    op.drop_index("ix_review_votes_target", table_name="review_votes")
    op.drop_table("review_votes")
    op.drop_index("ix_review_comments_event_id", table_name="review_comments")
    op.drop_table("review_comments")
