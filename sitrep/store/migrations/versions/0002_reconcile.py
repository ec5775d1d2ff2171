"""Reconciliation: places know their parent; document signatures, LSH bands and copies; merged events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(), nullable=True))
    op.create_table(
        "document_signatures",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_signatures_document_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_signatures")),
    )
    op.create_table(
        "document_bands",
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_bands_document_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "bucket", "document_id", name=op.f("pk_document_bands")),
    )
    op.create_index(op.f("ix_document_bands_document_id"), "document_bands", ["document_id"])
    op.create_table(
        "document_copies",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_copies_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["original_id"], ["documents.id"],
                                name=op.f("fk_document_copies_original_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_copies")),
    )
    op.create_index(op.f("ix_document_copies_original_id"), "document_copies", ["original_id"])
    op.create_table(
        "merged_events",
        sa.Column("merged_id", sa.String(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("sub_event_type", sa.String(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("time_precision", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.String(), nullable=True),
        sa.Column("location", sa.String(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("fact_status", sa.String(), nullable=False),
        sa.Column("reports_count", sa.Integer(), nullable=False),
        sa.Column("independent_sources", sa.Integer(), nullable=False),
        sa.Column("stances", sa.JSON(), nullable=False),
        sa.Column("disputes", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("merged_id", name=op.f("pk_merged_events")),
    )
    for column in ("event_type", "event_date", "place_id"):
        op.create_index(f"ix_merged_events_{column}", "merged_events", [column])
    op.create_table(
        "merged_reports",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("merged_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.event_id"], name=op.f("fk_merged_reports_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merged_id"], ["merged_events.merged_id"],
                                name=op.f("fk_merged_reports_merged_id_merged_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_merged_reports")),
    )
    op.create_index(op.f("ix_merged_reports_merged_id"), "merged_reports", ["merged_id"])


def downgrade() -> None:
    for table in ("merged_reports", "merged_events", "document_copies", "document_bands", "document_signatures"):
        op.drop_table(table)
    with op.batch_alter_table("places") as batch:
        batch.drop_column("parent_id")
