"""The database schema as SQLAlchemy 2 typed declarative models.

Portable by construction: only generic types (String, Text, Integer, Float, Date, DateTime, JSON), named
constraints, no dialect-specific SQL, so the same models serve SQLite (the default) and PostgreSQL.
The Alembic revisions under `migrations/versions/` create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    true,
)
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
    # The stages after a batch find their documents by doc_id (0013): without it, each step's lookups scanned
    # the whole table. Not unique: two texts stored under one doc_id are two documents.
    __table_args__ = (Index("ix_documents_doc_id", "doc_id"),)

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
    __table_args__ = (Index("ix_places_parent_id", "parent_id"),)  # the places lying in a place (0012)

    place_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(default="")
    admin1: Mapped[str] = mapped_column(default="")
    parent_id: Mapped[str | None] = mapped_column(String)  # the place it lies in (a district's city), if known


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
        Index("ix_events_event_date_event_id", "event_date", "event_id"),  # the API's paging order (0005)
        # A filter, then the paging order: filtered pages read in order from one index (0008).
        Index("ix_events_event_type_date", "event_type", "event_date", "event_id"),
        Index("ix_events_sub_event_type_date", "sub_event_type", "event_date", "event_id"),
        Index("ix_events_fact_status_date", "fact_status", "event_date", "event_id"),
        Index("ix_events_admin1_date", "admin1", "event_date", "event_id"),
        # A report's merge candidates: its related places' events of its type in its date window (0012).
        Index("ix_events_place_type_date", "place_id", "event_type", "event_date"),
        # A report's box reach: its type's events in its date window, their points read from the index (0014).
        Index("ix_events_type_date_point", "event_type", "event_date", "latitude", "longitude"),
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
    # the Event's typed flags (0011): the text dates the event; the text says who gained the territory
    date_stated: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    gainer_stated: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

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


class PendingDocumentRow(Base):
    """A stored document whose after-batch work (merging across sources, control) is not done yet (revision
    0006). Written in the document's own transaction and deleted once that work is committed, so a process
    killed in between leaves a mark that the next ingest picks up (`sitrep.pipeline.run_batch`)."""

    __tablename__ = "pending_documents"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)


# Reconciliation (sitrep.reconcile, revision 0002): near-duplicate documents and merged events.


class DocumentSignatureRow(Base):
    """A document's MinHash signature (packed unsigned 64-bit minima), for finding reposts of it."""

    __tablename__ = "document_signatures"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentBandRow(Base):
    """One LSH band of a document's signature: documents sharing a (band, bucket) are candidate copies."""

    __tablename__ = "document_bands"

    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)


class DocumentCopyRow(Base):
    """A document that is a near-duplicate (repost) of another: its events are not independent reports."""

    __tablename__ = "document_copies"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float] = mapped_column(Float)  # estimated Jaccard similarity of word shingles


class MergedEventRow(Base):
    """One happening as all its reports together describe it (the lead report gives place, date, type)."""

    __tablename__ = "merged_events"

    merged_id: Mapped[str] = mapped_column(primary_key=True)  # the smallest event_id among its reports
    event_type: Mapped[str] = mapped_column(index=True)
    sub_event_type: Mapped[str]
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    time_precision: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[str | None] = mapped_column(String, index=True)
    location: Mapped[str] = mapped_column(default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    fact_status: Mapped[str]  # the strongest status among its reports
    reports_count: Mapped[int] = mapped_column(Integer)
    independent_sources: Mapped[int] = mapped_column(Integer)
    stances: Mapped[list[str]] = mapped_column(JSON)
    disputes: Mapped[list[str]] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Float)
    # The smallest event_id of its connected component of the same_happening graph (revision 0010): the
    # merged events of one component are clustered together, so a new report reaching one of them gathers
    # the others without comparing their reports again. None: written before revision 0010.
    component: Mapped[str | None] = mapped_column(String, index=True)


class MergedReportRow(Base):
    """Which merged event a stored event (one report) belongs to; every reconciled event has one row."""

    __tablename__ = "merged_reports"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True)
    merged_id: Mapped[str] = mapped_column(ForeignKey("merged_events.merged_id", ondelete="CASCADE"), index=True)


class ControlObservationRow(Base):
    """One document's word on who holds one place on one day (sitrep.control): from a territory, clash or
    siege event (`event_id`) or from a statement of control in its text (`basis` "statement")."""

    __tablename__ = "control_observations"
    __table_args__ = (
        Index("ix_control_observations_place_id", "place_id", "observed_on"),
        Index("ix_control_observations_document_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    place_id: Mapped[str]
    observed_on: Mapped[date] = mapped_column(Date)
    side: Mapped[str] = mapped_column(default="")
    state: Mapped[str]
    fact_status: Mapped[str]
    claimant: Mapped[str] = mapped_column(default="")
    event_id: Mapped[str] = mapped_column(default="")
    basis: Mapped[str] = mapped_column(default="event")
    hedged: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[str] = mapped_column(Text, default="")


class ControlPlaceRow(Base):
    """A place with a control timeline: its name and point, once (sitrep.control)."""

    __tablename__ = "control_places"
    __table_args__ = (Index("ix_control_places_admin1", "admin1"),)

    place_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    admin1: Mapped[str] = mapped_column(default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class ControlStateRow(Base):
    """One stretch of a place's control timeline in one layer, [valid_from, valid_until) (sitrep.control).
    The place's name and point are copied in, so that `control --at` reads one table. `span` files the
    stretch under the smallest aligned block of 2^k days that contains it (sitrep.control.storage), so
    the stretches valid on a day are found in a few ranges of one covering index. `event_ids` is space-separated,
    `sources` newline-separated (cheap to read back for thousands of rows); `reports` keeps, for
    `control --changes`, each supporting report's event id, source, stance, status and evidence; `listing`
    repeats the text fields `control --at` shows, packed into one value."""

    __tablename__ = "control_states"
    __table_args__ = (
        Index("ix_control_states_place_id", "place_id", "layer", "valid_from"),
        # Covering: `control --at` reads the index alone, never the rows scattered through the table.
        Index("ix_control_states_layer_span", "layer", "span", "valid_from", "valid_until", "admin1", "lat", "lon",
              "confidence", "listing"),
        # The same by a stretch's end (revision 0007).
        Index("ix_control_states_layer_span_until", "layer", "span", "valid_until", "valid_from", "admin1", "lat",
              "lon", "confidence", "listing"),
        Index("ix_control_states_layer_valid_from", "layer", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer: Mapped[str]
    place_id: Mapped[str]
    place_name: Mapped[str]
    admin1: Mapped[str] = mapped_column(default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    side: Mapped[str] = mapped_column(default="")
    state: Mapped[str]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    span: Mapped[int] = mapped_column(BigInteger)
    confidence: Mapped[float] = mapped_column(Float)
    previous_side: Mapped[str] = mapped_column(default="")
    event_ids: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[str] = mapped_column(Text, default="")
    reports: Mapped[list[list[str]]] = mapped_column(JSON)
    # The ten text fields above that `control --at` lists, packed into one value (revision 0004; see
    # sitrep.control.storage.listing_of): one column read instead of ten. NULL where a field holds the separator.
    listing: Mapped[str | None] = mapped_column(Text)


# Analyst review (sitrep.store.review, revision 0005): comments, votes and review status, keyed by event_id.


class ReviewCommentRow(Base):
    """An analyst's comment on an event (untrusted text, stored as written)."""

    __tablename__ = "review_comments"
    __table_args__ = (Index("ix_review_comments_event_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str]
    author: Mapped[str]
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewVoteRow(Base):
    """One up (+1) or down (-1) vote on an event (`target` "event") or a comment (`target` "comment"), one
    per voter (revision 0009)."""

    __tablename__ = "review_votes"
    __table_args__ = (Index("ix_review_votes_target", "target", "target_id"),
                      Index("ux_review_votes_target_voter", "target", "target_id", "voter", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str]
    target_id: Mapped[str]
    voter: Mapped[str] = mapped_column(String, server_default="")  # a hash of the API token that voted
    value: Mapped[int] = mapped_column(Integer)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventReviewRow(Base):
    """An analyst's verdict on an event: "verified", "disputed" or "" (withdrawn), with a note; the latest wins."""

    __tablename__ = "event_reviews"

    event_id: Mapped[str] = mapped_column(primary_key=True)
    status: Mapped[str]
    note: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str]
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
