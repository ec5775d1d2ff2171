"""Opening a database: turning the `db` setting into an engine, and migrating it to the newest schema.

A bare path (`sitrep.db`) means SQLite; anything with `://` is an SQLAlchemy URL. `postgresql://...` (or
`postgres://...`) means PostgreSQL through psycopg 3, the driver sitrep installs. SQLite connections get
write-ahead logging (readers never block the writer, nor the writer the readers), a busy timeout (a second
writer waits for the first instead of failing) and enforced foreign keys.
Migrations are the Alembic revisions shipped in `migrations/`, run through Alembic's Python API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from sitrep.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_MEMORY = ":memory:"
# How long (milliseconds) a SQLite writer waits for another writer's lock before failing: long enough to
# ride out a concurrent ingest's transaction, short enough that a stuck process shows up as an error.
SQLITE_BUSY_TIMEOUT_MS = 10_000
# URL schemes that mean PostgreSQL without naming a driver, and the driver sitrep uses for them.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_DRIVER_SCHEME = "postgresql+psycopg://"


def database_url(db: str) -> str:
    """The SQLAlchemy URL for the `db` setting: a URL as given (PostgreSQL ones without a driver get psycopg's),
    a path as a SQLite file URL."""
    for scheme in POSTGRES_SCHEMES:
        if db.startswith(scheme):
            return POSTGRES_DRIVER_SCHEME + db[len(scheme):]
    if "://" in db:
        return db
    if db in ("", SQLITE_MEMORY):
        return "sqlite://"
    return f"sqlite:///{Path(db).expanduser()}"


def create_store_engine(db: str) -> Engine:
    """An engine for `db` (path or URL); SQLite ones with WAL and foreign keys switched on per connection."""
    url = database_url(db)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed)
        in_memory = parsed.database in (None, "", SQLITE_MEMORY)
        options: dict[str, Any] = {"poolclass": StaticPool} if in_memory else {}
        engine = create_engine(parsed, connect_args={"check_same_thread": False}, **options)
    except (ArgumentError, SQLAlchemyError, ImportError) as e:
        raise StoreError(f"cannot open database {db!r}: {e}") from e
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def migration_config() -> Config:
    """Alembic's configuration for sitrep's shipped migrations; no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of sitrep."""
    return ScriptDirectory.from_config(migration_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database sitrep has never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine) -> None:
    """Bring the database to the newest schema; a no-op when it is already there."""
    if current_revision_or_error(engine) == head_revision():
        return
    migrate_database(engine, "head")


def current_revision_or_error(engine: Engine) -> str | None:
    try:
        return current_revision(engine)
    except (SQLAlchemyError, OSError) as e:
        raise StoreError(f"cannot read database {engine.url.render_as_string(hide_password=True)}: {e}") from e


def migrate_database(engine: Engine, revision: str, *, downgrade: bool = False) -> None:
    """Upgrade (or, with `downgrade`, downgrade) the database to `revision` ("head", "base", "0003", ...)
    in one transaction.

    On SQLite, foreign keys are off while the revisions run (SQLite's own procedure for schema changes):
    Alembic's batch mode rebuilds a table by copying it and dropping the old one, which enforced foreign
    keys refuse as soon as other tables' rows refer to it. Before the commit, `foreign_key_check` must
    find no broken reference, or the whole migration is rolled back.
    """
    where = engine.url.render_as_string(hide_password=True)
    config = migration_config()
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            _set_sqlite_foreign_keys(connection, sqlite, on=False)
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    (command.downgrade if downgrade else command.upgrade)(config, revision)
                    if sqlite:
                        _check_foreign_keys(connection, where)
            finally:
                _set_sqlite_foreign_keys(connection, sqlite, on=True)
    except (SQLAlchemyError, OSError) as e:
        raise StoreError(f"cannot migrate database {where}: {e}") from e


def _set_sqlite_foreign_keys(connection: Connection, sqlite: bool, *, on: bool) -> None:
    if sqlite:  # the pragma works only outside a transaction
        connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
        connection.commit()


def _check_foreign_keys(connection: Connection, where: str) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(3)
    if broken:
        raise StoreError(f"migrating {where} would break references (table, row, parent): "
                         f"{[tuple(row[:3]) for row in broken]}")
