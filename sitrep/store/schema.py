"""The database schema as SQLAlchemy 2 typed declarative models.

Portable by construction: only generic types (String, Text, Integer, Float, Date, DateTime, JSON), named
constraints, no dialect-specific SQL, so the same models serve SQLite (the default) and PostgreSQL.
The Alembic revisions under `migrations/versions/` create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Constraint names follow one pattern so that later migrations can alter them on every backend
# (PostgreSQL needs the names; Alembic's SQLite batch mode recreates tables from them).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SourceRow(Base):
    """A publisher, once: its name and stance as first recorded."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    stance: Mapped[str] = mapped_column(default="")


class DocumentRow(Base):
    """One report, stored once per distinct text (`content_hash` is the sha256 of the text)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    doc_id: Mapped[str]
    url: Mapped[str] = mapped_column(default="")
    title: Mapped[str] = mapped_column(default="")
    published: Mapped[date | None] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    stance: Mapped[str] = mapped_column(default="")  # the document's own stance, as read at ingest
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)

    source: Mapped[SourceRow | None] = relationship()


class PlaceRow(Base):
    """A gazetteer place that at least one stored event refers to."""

    __tablename__ = "places"

    place_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(default="")
    admin1: Mapped[str] = mapped_column(default="")


class ActorRow(Base):
    """An actor by name: its usual side and ACLED actor type (from the catalogue, or first seen in an event)."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    side: Mapped[str] = mapped_column(default="unknown")
    actor_type: Mapped[str] = mapped_column(default="")


class EventRow(Base):
    """One event as one document reports it (the `Event` record's fields; provenance via the document)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_event_date", "event_date"),
        Index("ix_events_event_type", "event_type"),
        Index("ix_events_fact_status", "fact_status"),
        Index("ix_events_place_id", "place_id"),
        Index("ix_events_document_id", "document_id"),
    )

    event_id: Mapped[str] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    event_date: Mapped[date | None] = mapped_column(Date)
    time_precision: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str]
    sub_event_type: Mapped[str]
    actor1: Mapped[str] = mapped_column(default="")
    actor1_side: Mapped[str] = mapped_column(default="")
    actor2: Mapped[str] = mapped_column(default="")
    actor2_side: Mapped[str] = mapped_column(default="")
    location: Mapped[str] = mapped_column(default="")
    admin1: Mapped[str] = mapped_column(default="")
    place_id: Mapped[str | None] = mapped_column(ForeignKey("places.place_id"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[int] = mapped_column(Integer)
    fact_status: Mapped[str]
    hedges: Mapped[list[str]] = mapped_column(JSON)
    claimant: Mapped[str] = mapped_column(default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    notes: Mapped[list[str]] = mapped_column(JSON)

    document: Mapped[DocumentRow] = relationship()
    evidence: Mapped[list[EvidenceRow]] = relationship(order_by="EvidenceRow.id", cascade="all, delete-orphan")
    framing: Mapped[list[FramingSpanRow]] = relationship(order_by="FramingSpanRow.id",
                                                         cascade="all, delete-orphan")


class EvidenceRow(Base):
    """The verbatim text supporting an event: `documents.text[start:end] == text`."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.event_id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class FramingSpanRow(Base):
    """A framing cue in an event's document: `documents.text[start:end] == surface`."""

    __tablename__ = "framing_spans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.event_id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    surface: Mapped[str] = mapped_column(Text)
    technique: Mapped[str]


class RejectRow(Base):
    """Something the pipeline could not read or process, kept so that nothing is lost silently."""

    __tablename__ = "rejects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    stage: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
