"""The store: a SQLite (default) or PostgreSQL database of documents, events, places and rejects.

    with open_store("sitrep.db") as store:
        store.save_document(document, events, places)
        recent = store.query_events(since=date(2016, 8, 1), near=(36.2, 37.16), km=25)
"""

from __future__ import annotations

from sitrep.store.database import as_date, database_url
from sitrep.store.query import haversine_km
from sitrep.store.store import SaveResult, Store, open_store

__all__ = ["SaveResult", "Store", "as_date", "database_url", "haversine_km", "open_store"]
