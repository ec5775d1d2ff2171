"""An index on events (event type, date, latitude, longitude) for a report's box reach
(sitrep.reconcile.reports.candidates_near): the reach reads its type's events of its date window and keeps
those in its 1.2 km box. Through (event type, date, event id) each of them was read from the table to test
its point; with the point in the index, only the events inside the box are.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_type_date_point", "events", ["event_type", "event_date", "latitude", "longitude"])


def downgrade() -> None:
    op.drop_index("ix_events_type_date_point", table_name="events")
