"""Merged events name their component: `merged_events.component` is the smallest event_id of the connected
component of the same_happening graph that the merged event was clustered in (sitrep.reconcile.merge). A
batch reaching one merged event of a component gathers the others by this index instead of comparing every
report of the component with its neighbours again, which made merging a large component quadratic (5,000
reposts of one story: 322 s). Merged events written before this revision have none, and are gathered by
comparing their reports, as before, until they are written again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("merged_events", sa.Column("component", sa.String(), nullable=True))
    op.create_index(op.f("ix_merged_events_component"), "merged_events", ["component"])


def downgrade() -> None:
    op.drop_index(op.f("ix_merged_events_component"), table_name="merged_events")
    with op.batch_alter_table("merged_events") as batch:
        batch.drop_column("component")
