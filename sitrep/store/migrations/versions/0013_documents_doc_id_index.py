"""An index on documents (doc_id): the after-batch stages read their step's documents by doc_id (merging,
control, clearing the pending marks), three lookups per step of 50 documents, and each was a scan of the
whole `documents` table, so a merge step cost more the larger the store (10,000 one-sentence reports:
0.2 ms for such a lookup at 1,000 stored, 0.7-1.3 ms at 10,000).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_documents_doc_id", "documents", ["doc_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_doc_id", table_name="documents")
