"""Control: observations of who holds each place, places with a timeline, and their control states.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "control_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.String(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("side", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("fact_status", sa.String(), nullable=False),
        sa.Column("claimant", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("basis", sa.String(), nullable=False),
        sa.Column("hedged", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_control_observations_document_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_observations")),
    )
    op.create_index("ix_control_observations_place_id", "control_observations", ["place_id", "observed_on"])
    op.create_index("ix_control_observations_document_id", "control_observations", ["document_id"])
    op.create_table(
        "control_places",
        sa.Column("place_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("admin1", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("place_id", name=op.f("pk_control_places")),
    )
    op.create_index("ix_control_places_admin1", "control_places", ["admin1"])
    op.create_table(
        "control_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(), nullable=False),
        sa.Column("place_id", sa.String(), nullable=False),
        sa.Column("place_name", sa.String(), nullable=False),
        sa.Column("admin1", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("side", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("span", sa.BigInteger(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("previous_side", sa.String(), nullable=False),
        sa.Column("event_ids", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("reports", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_states")),
    )
    op.create_index("ix_control_states_place_id", "control_states", ["place_id", "layer", "valid_from"])
    op.create_index("ix_control_states_layer_span", "control_states",
                    ["layer", "span", "valid_from", "valid_until", "place_id", "place_name", "admin1", "lat", "lon",
                     "side", "state", "confidence", "previous_side", "event_ids", "sources"])
    op.create_index("ix_control_states_layer_valid_from", "control_states", ["layer", "valid_from"])


def downgrade() -> None:
    for table in ("control_states", "control_places", "control_observations"):
        op.drop_table(table)
