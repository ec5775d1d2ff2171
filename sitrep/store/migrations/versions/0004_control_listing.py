"""Control listing: each control state's text fields packed into one column, which `control --at` reads.

Python's sqlite3 pays about 150 ns per column value read; a whole country's listing is 13,000 states of 13
columns. `listing` holds the ten text fields joined by U+001F (place_id, place_name, admin1, side, state,
valid_from, valid_until or "", event_ids, sources, previous_side), so that a listing reads four values a
state: `listing`, lat, lon, confidence. It is NULL where a field contains U+001F itself; such a state is read
from its columns. The covering index of `control --at` now covers these columns instead of the ten.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The separator of the packed fields (the ASCII unit separator), as sitrep.control.storage writes it.
SEPARATOR = "\x1f"
OLD_INDEX_COLUMNS = ["layer", "span", "valid_from", "valid_until", "place_id", "place_name", "admin1", "lat", "lon",
                     "side", "state", "confidence", "previous_side", "event_ids", "sources"]
NEW_INDEX_COLUMNS = ["layer", "span", "valid_from", "valid_until", "admin1", "lat", "lon", "confidence", "listing"]


def upgrade() -> None:
    op.add_column("control_states", sa.Column("listing", sa.Text(), nullable=True))
    states = sa.table("control_states", *(sa.column(name, sa.String()) for name in (
        "place_id", "place_name", "admin1", "side", "state", "event_ids", "sources", "previous_side")),
        sa.column("valid_from", sa.Date()), sa.column("valid_until", sa.Date()), sa.column("listing", sa.Text()))
    c = states.c
    fields = [c.place_id, c.place_name, c.admin1, c.side, c.state, sa.cast(c.valid_from, sa.String()),
              sa.func.coalesce(sa.cast(c.valid_until, sa.String()), ""), c.event_ids, c.sources, c.previous_side]
    separator = sa.literal(SEPARATOR, sa.String())
    packed = fields[0]
    for field in fields[1:]:
        packed = packed + separator + field
    # Dates as ISO text: SQLite stores them so, and PostgreSQL casts a date to its ISO form.
    op.execute(states.update().values(listing=sa.case(
        (sa.or_(*(field.contains(SEPARATOR) for field in fields)), sa.null()), else_=packed)))
    op.drop_index("ix_control_states_layer_span", table_name="control_states")
    op.create_index("ix_control_states_layer_span", "control_states", NEW_INDEX_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_control_states_layer_span", table_name="control_states")
    op.drop_column("control_states", "listing")
    op.create_index("ix_control_states_layer_span", "control_states", OLD_INDEX_COLUMNS)
