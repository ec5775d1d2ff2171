"""One vote per voter on each event or comment: `review_votes.voter` names who voted (a hash of the API
token that cast it), and a unique index keeps one row per target and voter, so a second vote replaces the
first instead of counting twice. Votes stored before this revision each keep a voter of their own
("legacy-<id>"), so every total stays what it was.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("review_votes", sa.Column("voter", sa.String(), server_default="", nullable=False))
    op.execute("UPDATE review_votes SET voter = 'legacy-' || CAST(id AS VARCHAR)")
    op.create_index("ux_review_votes_target_voter", "review_votes", ["target", "target_id", "voter"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_review_votes_target_voter", table_name="review_votes")
    with op.batch_alter_table("review_votes") as batch:
        batch.drop_column("voter")
