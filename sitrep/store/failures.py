"""Database errors as StoreErrors that say what failed in words, never with the SQL or its parameters.

SQLAlchemy's own message carries the statement and its bound values ("[SQL: INSERT ...] [parameters: ...]"),
which may hold report text or an analyst's comment and must not reach an API client or a log reader as an
error message. A database that another writer holds past the busy timeout (SQLite "database is locked",
PostgreSQL lock_not_available or a deadlock) is a StoreBusyError: the API answers it 503 with Retry-After.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from sitrep.errors import StoreBusyError, StoreError

# SQLite's words for a database held by another writer past the busy timeout.
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
# PostgreSQL SQLSTATE codes of the same: lock_not_available, deadlock_detected, serialization_failure.
POSTGRES_BUSY_STATES = frozenset({"55P03", "40P01", "40001"})
# Characters of the driver's own message kept (its first line only): enough to name the problem.
MAX_REASON_CHARS = 200


def store_error(what: str, error: SQLAlchemyError | OSError) -> StoreError:
    """`what` failed because of `error`, as a StoreError (StoreBusyError when the database was busy)."""
    reason = _reason(error)
    if _is_busy(error, reason):
        return StoreBusyError(f"{what}: the database is busy with another writer ({reason}); try again shortly")
    return StoreError(f"{what}: {reason}")


def _reason(error: SQLAlchemyError | OSError) -> str:
    """The driver's message without SQLAlchemy's statement and parameters; the error's class otherwise."""
    original = error.orig if isinstance(error, DBAPIError) else None
    text = str(original) if original is not None else str(error).split("[SQL:")[0]
    first_line = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return first_line[:MAX_REASON_CHARS]


def _is_busy(error: SQLAlchemyError | OSError, reason: str) -> bool:
    original = error.orig if isinstance(error, DBAPIError) else None
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return state in POSTGRES_BUSY_STATES or any(m in reason.lower() for m in SQLITE_BUSY_MESSAGES)
