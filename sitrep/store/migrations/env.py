"""Alembic's environment for sitrep: migrate the connection the store hands over (never configures logging).

Run programmatically by `sitrep.store.database.upgrade_database`, which passes its connection in
`config.attributes["connection"]`; otherwise it reads `sqlalchemy.url`, and in offline mode writes the SQL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from sitrep.store.schema import Base
from sitrep.store.spatial import include_in_models


def _migrate(connection: Connection) -> None:
    # Batch mode lets later revisions alter SQLite tables (by copy-and-move); other backends alter in place.
    # PostGIS's own table and the geography index (sitrep.store.spatial) are not in the models: not compared.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      include_name=include_in_models)
    with context.begin_transaction():
        context.run_migrations()


def _render_sql() -> None:
    """Offline mode (`--sql`): write the DDL for `sqlalchemy.url`'s dialect instead of running it."""
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    if context.is_offline_mode():
        _render_sql()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection passed and no sqlalchemy.url configured")
    with create_engine(url).begin() as own_connection:
        _migrate(own_connection)


run_migrations()
