"""Opening a database: turning the `db` setting into an engine, and migrating it to the newest schema.

A bare path (`sitrep.db`) means SQLite; anything with `://` is an SQLAlchemy URL. `postgresql://...` (or
`postgres://...`) means PostgreSQL through psycopg 3, the driver sitrep installs. SQLite connections get
write-ahead logging (readers never block the writer, nor the writer the readers), a busy timeout (a second
writer waits for the first instead of failing) and enforced foreign keys.
Migrations are the Alembic revisions shipped in `migrations/`, run through Alembic's Python API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
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
from sitrep.store.failures import store_error

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_MEMORY = ":memory:"
# How long (milliseconds) a SQLite writer waits for another writer's lock before failing: long enough to
# ride out a concurrent ingest's transaction, short enough that a stuck process shows up as an error.
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Bytes of a SQLite file read through a memory map rather than read() calls (SQLite caps it near 2 GiB):
# `control --at` reads 13,000 index entries scattered through a 1.8 GiB store 15% faster. Pages are
# mapped, not copied: resident memory grows only with what is read, and the OS may drop it.
SQLITE_MMAP_BYTES = 2**31
# Pages of write-ahead log (4 KiB each: 16 MiB) after which a commit copies the log into the database file
# (SQLite's default is 1,000). A merge step of 50 one-sentence reports writes about 520 pages into a store of
# 2,500 and 1,770 into one of 10,000 (its 1,600 LSH band rows land on random pages of their index, more of
# them the larger the index, at most one page per row), so at the default nearly every step's commit also
# ran a checkpoint, copying the pages every step rewrites (index interiors, tables' last pages) once per step;
# at 4,000 they are copied every few steps: the commits of a merge of 10,000 reports 3.1 -> 2.1 s. The log
# stays bounded at about 16 MiB plus one transaction.
# Durability is untouched: a commit is in the synced log either way, and a checkpoint only moves it.
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 4000
# PostgreSQL advisory lock key held while migrating ("sitrep" in ASCII): one process migrates at a time.
MIGRATION_LOCK = 0x736974726570
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


def as_date(value: object) -> date | None:
    """A date column read back by a raw query on either backend (SQLite's driver gives text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


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
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
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
    """Bring the database to the newest schema; a no-op when it is already there. Processes opening a new
    database at once all succeed: one migrates while the others wait for its lock, then find it done."""
    try:
        at_head = current_revision(engine) == head_revision()
    except (SQLAlchemyError, OSError) as e:
        raise store_error(f"cannot read database {engine.url.render_as_string(hide_password=True)}", e) from e
    if not at_head:
        migrate_database(engine, "head")


def migrate_database(engine: Engine, revision: str, *, downgrade: bool = False) -> None:
    """Upgrade (or, with `downgrade`, downgrade) the database to `revision` ("head", "base", "0003", ...)
    in one transaction that holds the database's migration lock: SQLite's write lock (BEGIN IMMEDIATE),
    PostgreSQL's advisory lock `MIGRATION_LOCK`. An upgrade to head that finds, once locked, the database
    already there (another process migrated it meanwhile) does nothing.

    On SQLite, foreign keys are off while the revisions run (SQLite's own procedure for schema changes):
    Alembic's batch mode rebuilds a table by copying it and dropping the old one, which enforced foreign
    keys refuse as soon as other tables' rows refer to it. Before the commit, `foreign_key_check` must
    find no broken reference, or the whole migration is rolled back.
    """
    where = engine.url.render_as_string(hide_password=True)
    config = migration_config()
    try:
        with engine.connect() as connection, _migration_transaction(connection):
            if not downgrade and revision == "head" and \
                    MigrationContext.configure(connection).get_current_revision() == head_revision():
                return
            config.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(config, revision)
            if connection.dialect.name == "sqlite":
                _check_foreign_keys(connection, where)
    except (SQLAlchemyError, OSError) as e:
        raise store_error(f"cannot migrate database {where}", e) from e


@contextmanager
def _migration_transaction(connection: Connection) -> Iterator[None]:
    """One transaction holding the migration lock, committed when the block ends, rolled back on error."""
    if connection.dialect.name != "sqlite":
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            yield
        return
    # Python's sqlite3 would run DDL outside any transaction: the driver is put in autocommit mode and the
    # transaction is begun and ended here, around every statement of the migration.
    raw = connection.connection.dbapi_connection
    assert raw is not None
    previous = raw.isolation_level  # type: ignore[attr-defined]
    raw.isolation_level = None  # type: ignore[attr-defined]
    try:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits (busy timeout) for another writer to finish
        try:
            yield
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        raw.isolation_level = previous  # type: ignore[attr-defined]


def _check_foreign_keys(connection: Connection, where: str) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(3)
    if broken:
        raise StoreError(f"migrating {where} would break references (table, row, parent): "
                         f"{[tuple(row[:3]) for row in broken]}")
