"""The store: documents, their events and the places those name, written one document per transaction.

`open_store(db)` opens (and migrates) a database; `Store.save_document` writes a document with its events
all or nothing, and skips a text it already holds, so ingesting the same reports twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sitrep.errors import StoreError
from sitrep.model import Actor, Document, Event, Place, Reject
from sitrep.store.database import create_store_engine, upgrade_database
from sitrep.store.failures import store_error
from sitrep.store.query import EventFilter, keep_near, select_events
from sitrep.store.records import check_document, content_hash, event_from_row, event_row, place_row
from sitrep.store.schema import (
    ActorRow,
    Base,
    DocumentRow,
    EventRow,
    PendingDocumentRow,
    PlaceRow,
    RejectRow,
    SourceRow,
)
from sitrep.store.spatial import enable_postgis

# Values bound per `IN (...)` list: far under SQLite's limit of 32,766 parameters.
IN_CHUNK = 500
# Side given to an actor first met in an event without one.
UNKNOWN_SIDE = "unknown"


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What `save_document` did: `duplicate` when the text was already stored (and nothing was written)."""

    doc_id: str
    content_hash: str
    duplicate: bool
    events: int = 0  # events written
    places: int = 0  # places added (ones already stored are left as they are)


class Store:
    """A migrated database. Use as a context manager, or call `close()`. `postgis`: distance searches narrow
    with PostGIS (see `sitrep.store.spatial`) rather than a latitude/longitude box; the answers are the same."""

    def __init__(self, engine: Engine, *, postgis: bool = False) -> None:
        self.engine = engine
        self.postgis = postgis
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _transaction(self, what: str) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back entirely on any error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except SQLAlchemyError as e:
            raise store_error(what, e) from e

    def save_document(self, document: Document, events: Sequence[Event],
                      places: Sequence[Place] = (), *, pending: bool = False) -> SaveResult:
        """Store a document with its events and the places they refer to, in one transaction.

        A text already stored is skipped (`duplicate=True`). Inconsistent input (evidence or framing that is
        not the document's text at its offsets, unknown place ids, ...) raises StoreError before any write;
        any later failure rolls the whole document back and raises StoreError from the original error.
        `pending` marks the new document as awaiting its after-batch work, in the same transaction (see
        `pending_documents`, `clear_pending`).
        """
        digest = content_hash(document.text)
        try:
            with self._transaction(f"cannot save document {document.doc_id}") as session:
                if _document_exists(session, digest):
                    return SaveResult(document.doc_id, digest, duplicate=True)
                check_document(document, events, places, _stored_place_ids(session, events))
                added = _add_places(session, places)
                row = _add_document(session, document, digest)
                for event in events:
                    session.add(event_row(event, row))
                    _add_actors_seen(session, event)
                if pending:
                    session.flush()  # the document's row id
                    session.add(PendingDocumentRow(document_id=row.id))
        except StoreError as e:
            if isinstance(e.__cause__, IntegrityError) and self._has_document(digest):
                # Another process stored the same text between our check and our write.
                return SaveResult(document.doc_id, digest, duplicate=True)
            raise
        return SaveResult(document.doc_id, digest, duplicate=False, events=len(events), places=added)

    def _has_document(self, digest: str) -> bool:
        with self._transaction("cannot read documents") as session:
            return _document_exists(session, digest)

    def pending_documents(self) -> list[Document]:
        """The stored documents still marked pending (a process stopped before their after-batch work was
        committed), in storage order, as records rebuilt from the stored text and provenance."""
        query = (select(DocumentRow.doc_id, DocumentRow.text, DocumentRow.published, DocumentRow.stance,
                        DocumentRow.url, DocumentRow.title, SourceRow.name)
                 .join(PendingDocumentRow, PendingDocumentRow.document_id == DocumentRow.id)
                 .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id).order_by(DocumentRow.id))
        with self._transaction("cannot read pending documents") as session:
            return [Document(doc_id=r.doc_id, text=r.text, published=r.published, stance=r.stance, url=r.url,
                             title=r.title, source=r.name or "") for r in session.execute(query)]

    def clear_pending(self, doc_ids: Collection[str]) -> None:
        """Unmark the stored documents with these doc_ids: their after-batch work is committed."""
        wanted = sorted(set(doc_ids))
        with self._transaction("cannot clear pending documents") as session:
            for start in range(0, len(wanted), IN_CHUNK):
                rows = select(DocumentRow.id).where(DocumentRow.doc_id.in_(wanted[start:start + IN_CHUNK]))
                session.execute(delete(PendingDocumentRow).where(PendingDocumentRow.document_id.in_(rows)))

    def save_reject(self, reject: Reject) -> None:
        """Record something the pipeline skipped, with the time it was recorded (UTC)."""
        with self._transaction(f"cannot save reject for {reject.origin}") as session:
            session.add(RejectRow(origin=reject.origin, reason=reject.reason, stage=reject.stage,
                                  created_at=datetime.now(UTC)))

    def save_actors(self, actors: Sequence[Actor]) -> None:
        """Record catalogue actors; a catalogue entry overrides the side and type of one first seen in events."""
        with self._transaction("cannot save actors") as session:
            for actor in actors:
                row = session.scalar(select(ActorRow).where(ActorRow.name == actor.name))
                if row is None:
                    session.add(ActorRow(name=actor.name, side=actor.side, actor_type=actor.actor_type))
                else:
                    row.side, row.actor_type = actor.side, actor.actor_type
                session.flush()

    def rejects(self) -> list[Reject]:
        """Every recorded reject, oldest first."""
        with self._transaction("cannot read rejects") as session:
            rows = session.scalars(select(RejectRow).order_by(RejectRow.id))
            return [Reject(origin=r.origin, reason=r.reason, stage=r.stage) for r in rows]

    def query_events(self, since: date | None = None, until: date | None = None,
                     near: tuple[float, float] | None = None, km: float | None = None,
                     event_type: str | Collection[str] | None = None,
                     sub_event_type: str | Collection[str] | None = None, side: str | None = None,
                     status: str | Collection[str] | None = None, source: str | None = None,
                     limit: int | None = None) -> list[Event]:
        """Stored events matching every filter given, by date (undated last) then id.

        `since`/`until` are inclusive event dates; `near` is (latitude, longitude) and needs `km`; `side`
        matches either actor; `event_type`, `sub_event_type` and `status` take one value or a collection.
        """
        f = EventFilter(since=since, until=until, near=near, km=km, event_type=event_type,
                        sub_event_type=sub_event_type, side=side, status=status, source=source, limit=limit)
        f.check()
        with self._transaction("cannot query events") as session:
            rows = list(session.scalars(select_events(f, postgis=self.postgis)))
            return [event_from_row(r) for r in keep_near(rows, f)]

    def counts(self) -> dict[str, int]:
        """How many documents, events, places and rejects are stored."""
        tables: dict[str, type[Base]] = {"documents": DocumentRow, "events": EventRow, "places": PlaceRow,
                                         "rejects": RejectRow}
        with self._transaction("cannot count rows") as session:
            return {name: session.scalar(select(func.count()).select_from(model)) or 0
                    for name, model in tables.items()}


def open_store(db: str) -> Store:
    """Open the database `db` (a SQLite path or an SQLAlchemy URL), migrated to the newest schema; on
    PostgreSQL with PostGIS to be had, distance searches use it."""
    engine = create_store_engine(db)
    try:
        upgrade_database(engine)
        postgis = enable_postgis(engine)
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as e:
        engine.dispose()
        raise store_error(f"cannot prepare PostGIS in {db!r}", e) from e
    return Store(engine, postgis=postgis)


def _document_exists(session: Session, digest: str) -> bool:
    return session.scalar(select(DocumentRow.id).where(DocumentRow.content_hash == digest)) is not None


def _stored_place_ids(session: Session, events: Sequence[Event]) -> set[str]:
    wanted = {e.place_id for e in events if e.place_id}
    if not wanted:
        return set()
    return set(session.scalars(select(PlaceRow.place_id).where(PlaceRow.place_id.in_(sorted(wanted)))))


def _add_places(session: Session, places: Sequence[Place]) -> int:
    """Add the places not yet stored (the first record of a place id wins); how many were added."""
    unique = {p.place_id: p for p in reversed(places)}
    if not unique:
        return 0
    stored = set(session.scalars(select(PlaceRow.place_id).where(PlaceRow.place_id.in_(sorted(unique)))))
    new = [place_row(p) for place_id, p in unique.items() if place_id not in stored]
    session.add_all(new)
    return len(new)


def _add_document(session: Session, document: Document, digest: str) -> DocumentRow:
    row = DocumentRow(content_hash=digest, doc_id=document.doc_id, url=document.url, title=document.title,
                      published=document.published, source=_source(session, document), stance=document.stance,
                      ingested_at=datetime.now(UTC), text=document.text)
    session.add(row)
    return row


def _source(session: Session, document: Document) -> SourceRow | None:
    """The document's source row, created on first sight; a stance fills in one recorded without."""
    if not document.source:
        return None
    row = session.scalar(select(SourceRow).where(SourceRow.name == document.source))
    if row is None:
        row = SourceRow(name=document.source, stance=document.stance)
        session.add(row)
    elif not row.stance and document.stance:
        row.stance = document.stance
    return row


def _add_actors_seen(session: Session, event: Event) -> None:
    """Record actors named in an event that the store does not know yet (never overriding known ones)."""
    for name, side in ((event.actor1, event.actor1_side), (event.actor2, event.actor2_side)):
        if name and session.scalar(select(ActorRow.id).where(ActorRow.name == name)) is None:
            session.add(ActorRow(name=name, side=side or UNKNOWN_SIDE))
            session.flush()
