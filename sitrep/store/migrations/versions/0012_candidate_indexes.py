"""Indexes for reading a report's merge candidates (sitrep.reconcile.reports.candidates_near): events by
(place id, event type, date), so that a report reads its related places' events of its type within its
own date window, and places by parent, so that the places lying in a report's place are found without a
scan. Without them SQLite read a place's candidates through (event type, date), every event of the type
(the place ids' date condition, `IS NULL OR BETWEEN`, narrows no index), and the children's subquery scanned
`places`: each step of a merge read the whole store.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_place_type_date", "events", ["place_id", "event_type", "event_date"])
    op.create_index("ix_places_parent_id", "places", ["parent_id"])


def downgrade() -> None:
    op.drop_index("ix_places_parent_id", table_name="places")
    op.drop_index("ix_events_place_type_date", table_name="events")
