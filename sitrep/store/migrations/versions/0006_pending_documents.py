"""Pending documents: stored documents whose merging across sources and control are not done yet.

`Store.save_document(..., pending=True)` adds the row in the document's own transaction; the pipeline
deletes it once the document's after-batch work is committed. A process killed in between leaves the row,
and the next ingest finishes that work first, so a killed ingest ends as an uninterrupted one would.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_documents",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_pending_documents_document_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_pending_documents")),
    )


def downgrade() -> None:
    op.drop_table("pending_documents")
