"""PostGIS for distance searches on PostgreSQL, where the extension can be had.

When the database is PostgreSQL and `CREATE EXTENSION postgis` works (or was done by an administrator),
the store indexes each event's point as a `geography` (a GiST expression index, kept outside the Alembic
models since it exists only with PostGIS) and a `near`/`km` search narrows with `ST_DWithin` on the sphere
(PostGIS's mean radius, the one `sitrep.store.query.EARTH_RADIUS_KM` gives) instead of a latitude/longitude
box. Either way the exact haversine test in Python has the last word, so both paths keep the same events.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, func
from sqlalchemy.exc import DBAPIError

from sitrep.store.schema import EventRow

# The GiST index on events' points as geography; `within_km` repeats its expression so that the planner uses it.
GEOGRAPHY_INDEX = "ix_events_geography"
# Tables and indexes PostGIS or this module add, which the Alembic models do not describe.
POSTGIS_OWNED = frozenset({"spatial_ref_sys", GEOGRAPHY_INDEX})
# Metres per km, for ST_DWithin's distance in metres.
METRES_PER_KM = 1000.0
# Metres added to the SQL radius so that PostGIS's rounding never drops a point the haversine test keeps
# (the two formulas differ by far less than a millimetre at these distances).
SQL_SLACK_METRES = 1.0


def enable_postgis(engine: Engine) -> bool:
    """On PostgreSQL, install PostGIS if the server has it and this user may, and index events' points;
    True when distance searches can use it. Always False on other backends."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        if not _has_postgis(connection):
            _try_create_extension(connection)
        if not _has_postgis(connection):
            return False
        if not _has_geography_index(connection):
            _try_create_index(connection)
    return True


def _has_geography_index(connection: Connection) -> bool:
    # Looked up first: CREATE INDEX IF NOT EXISTS would lock `events` against writers even when it exists.
    found = connection.exec_driver_sql(
        f"SELECT 1 FROM pg_indexes WHERE tablename = 'events' AND indexname = '{GEOGRAPHY_INDEX}'").first()
    connection.commit()
    return found is not None


def _try_create_index(connection: Connection) -> None:
    """The geography index; a failure (another process creating it at the same time, no privilege) leaves
    the searches correct, only unindexed until a later open creates it."""
    try:
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {GEOGRAPHY_INDEX} ON events USING gist "
            "((geography(ST_MakePoint(longitude, latitude)))) WHERE latitude IS NOT NULL")
        connection.commit()
    except DBAPIError:
        connection.rollback()


def _has_postgis(connection: Connection) -> bool:
    found = connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first()
    connection.commit()
    return found is not None


def _try_create_extension(connection: Connection) -> None:
    """CREATE EXTENSION postgis, if the server offers it; a refusal (no package, no privilege) is no error:
    the portable distance search is used instead."""
    offered = connection.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").first()
    if offered is None:
        connection.commit()
        return
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        connection.commit()
    except DBAPIError:
        connection.rollback()


def within_km(near: tuple[float, float], km: float) -> Any:
    """The SQL condition: an event's point lies within `km` (plus the slack) of `near` (latitude, longitude) on
    the sphere; its expression is the geography index's, and `latitude IS NOT NULL` must go with it."""
    lat, lon = near
    point = func.geography(func.ST_MakePoint(EventRow.longitude, EventRow.latitude))
    centre = func.geography(func.ST_MakePoint(lon, lat))
    return func.ST_DWithin(point, centre, km * METRES_PER_KM + SQL_SLACK_METRES, False)


def include_in_models(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic's `include_name` hook: leave out PostGIS's table and the geography index when comparing."""
    return name not in POSTGIS_OWNED
