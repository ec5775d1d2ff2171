"""Shared fixtures: the real spaCy pipeline and gazetteer, loaded once per test session, and the store's
two backends: a SQLite file, and a PostgreSQL database on a real server (`backend_url`, `new_database`).

PostgreSQL comes from SITREP_TEST_POSTGRES_URL when set (a URL whose user may create databases, as
`.ci/run` exports), else from a throwaway cluster started here with the local initdb and pg_ctl (as the
`postgres` user when the tests run as root); without either, the PostgreSQL cases skip, saying why.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

POSTGRES_URL_VARIABLE = "SITREP_TEST_POSTGRES_URL"
# Where Debian keeps a version's server programs when they are not on PATH.
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
# The throwaway cluster listens on a socket in its own folder only (no TCP), so the port merely names it.
POSTGRES_PORT = 54329
# The collation of the PostgreSQL test databases: a language's (as many servers have), not code point order
# (SQLite's and the throwaway cluster's default), so that tests catch answers that depend on collation.
POSTGRES_TEST_COLLATION = "en-US"
# The store's backends, as `backend` parameters: PostgreSQL cases are marked slow (a server round trip each).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


@pytest.fixture(scope="session")
def nlp() -> Any:
    from sitrep.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def gazetteer() -> Any:
    from sitrep.geo import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "eval" / "seed.txt").exists():
        pytest.skip(f"{SHARED} is absent: the seed and dev corpus are read from there, never copied")
    return SHARED


def _postgres_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidate = POSTGRES_BIN / name
    return str(candidate) if candidate.exists() else None


def start_postgres(folder: Path) -> tuple[str, list[str]]:
    """Start a throwaway PostgreSQL cluster in `folder`: its URL and the command that stops it. Raises
    LookupError when the server programs are missing, CalledProcessError when they fail."""
    initdb, pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
    if not (initdb and pg_ctl):
        raise LookupError("initdb and pg_ctl are not installed")
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the postgres user
        if not shutil.which("runuser"):
            raise LookupError("running as root without runuser to start PostgreSQL as postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run([*as_owner, initdb, "-A", "trust", "-U", "sitrep", "-E", "UTF8", "--locale", "C.UTF-8",
                    "-D", str(data)], check=True, capture_output=True)
    options = f"-k {folder} -p {POSTGRES_PORT} -c listen_addresses='' -c fsync=off"
    subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w",
                    "start"], check=True, capture_output=True)
    url = f"postgresql+psycopg://sitrep@/postgres?host={folder}&port={POSTGRES_PORT}"
    return url, [*as_owner, pg_ctl, "-D", str(data), "-m", "fast", "stop"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server on which the tests may create and drop databases."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver psycopg is not installed")
    if os.environ.get(POSTGRES_URL_VARIABLE):
        yield os.environ[POSTGRES_URL_VARIABLE]
        return
    # Not under pytest's tmp_path: its parent folders are private to the user running the tests.
    folder = Path(tempfile.mkdtemp(prefix="sitrep-postgres-"))
    try:
        url, stop = start_postgres(folder)
    except (OSError, LookupError) as e:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL to test against (set {POSTGRES_URL_VARIABLE}): {e}")
    except subprocess.CalledProcessError as e:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL to test against (set {POSTGRES_URL_VARIABLE}): "
                    f"{e.stderr.decode(errors='replace').strip()}")
    yield url
    subprocess.run(stop, check=False, capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


_databases = itertools.count()


class PostgresDatabases:
    """Fresh empty databases on a server, each with PostGIS where the server has it; dropped by `drop_all`."""

    def __init__(self, server: str) -> None:
        from sqlalchemy import create_engine

        self.server = server
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self, *, postgis: bool = True, icu_locale: str = POSTGRES_TEST_COLLATION) -> str:
        """A new database collating by `icu_locale` where the server has ICU (by its own default where not,
        or with `icu_locale=""`), with PostGIS where the server has it and `postgis` is asked for."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import DBAPIError

        name = f"sitrep_test_{next(_databases)}_{os.getpid()}"
        with self.admin.connect() as connection:
            try:
                if not icu_locale:
                    raise LookupError("no ICU collation asked for")
                connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu "
                                           f"ICU_LOCALE '{icu_locale}' LOCALE 'C.UTF-8'")
            except (LookupError, DBAPIError):
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
        self.names.append(name)
        url = make_url(self.server).set(database=name)
        if postgis:
            from sqlalchemy import create_engine

            engine = create_engine(url, isolation_level="AUTOCOMMIT")
            try:
                with engine.connect() as connection:
                    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            except DBAPIError:
                pass  # no PostGIS on this server: the store's plain SQL distance search is used
            finally:
                engine.dispose()
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.dispose()


@pytest.fixture
def postgres_databases(postgres_server: str) -> Iterator[PostgresDatabases]:
    """Fresh databases on the PostgreSQL server (`.create()`), all dropped after the test."""
    databases = PostgresDatabases(postgres_server)
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend a test runs on: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def new_database(backend: str, request: pytest.FixtureRequest,
                 tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes a fresh empty database on the test's backend on each call: a SQLite path or a PostgreSQL URL."""
    if backend == "sqlite":
        numbers = itertools.count()
        yield lambda: str(tmp_path / f"sitrep-{next(numbers)}.db")
        return
    yield request.getfixturevalue("postgres_databases").create


@pytest.fixture
def backend_url(new_database: Callable[[], str]) -> str:
    """A fresh empty database on the test's backend (see `new_database`), for `open_store`."""
    return new_database()
