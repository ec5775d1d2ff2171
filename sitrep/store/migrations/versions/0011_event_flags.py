"""Events carry typed flags instead of notes read back as flags: `events.date_stated` (the text dates the
event; false when it is dated by its document's publication day, or undated) and `events.gainer_stated`
(false for a change of territory whose text does not say who gained). Rows written before this revision
take them from the notes the extractor wrote then ("no date in the text...", "side that gained ground not
stated"), once, here; nothing reads notes as flags afterwards.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The notes of revision 0010's extractor that meant each flag false (sitrep.events.extract then).
UNDATED_NOTE_PREFIX = "no date in the text"
GAINER_UNSTATED_NOTE = "side that gained ground not stated"


def upgrade() -> None:
    op.add_column("events", sa.Column("date_stated", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("events", sa.Column("gainer_stated", sa.Boolean(), nullable=False, server_default=sa.true()))
    events = sa.table("events", sa.column("notes", sa.JSON()), sa.column("date_stated", sa.Boolean()),
                      sa.column("gainer_stated", sa.Boolean()))
    notes = sa.cast(events.c.notes, sa.Text())
    op.execute(events.update().where(notes.like(f"%{UNDATED_NOTE_PREFIX}%")).values(date_stated=False))
    op.execute(events.update().where(notes.like(f"%{GAINER_UNSTATED_NOTE}%")).values(gainer_stated=False))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("gainer_stated")
        batch.drop_column("date_stated")
