"""Between records and rows: checking a document and its events before anything is written, building
rows from them, and rebuilding `Event` records exactly from what was stored.

An event's provenance (source, stance, url, published) is its document's: it is stored once, on the document.
An event that leaves a provenance field empty inherits the document's value when read back; one whose doc_id
or a filled-in field disagrees with its document is refused rather than silently rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sitrep.errors import StoreError
from sitrep.model import FACT_STATUSES, Document, Event, Place, Span
from sitrep.store.schema import DocumentRow, EventRow, EvidenceRow, FramingSpanRow, PlaceRow

# Valid coordinate ranges in decimal degrees (WGS84).
MAX_LATITUDE = 90.0
MAX_LONGITUDE = 180.0


def content_hash(text: str) -> str:
    """The sha256 of a document's text (UTF-8), hex: two documents with the same text are one document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_document(document: Document, events: Sequence[Event], places: Sequence[Place],
                   stored_place_ids: set[str]) -> None:
    """Raise StoreError naming the first thing that would store an inconsistent document; write nothing."""
    _check_no_nul(document)
    seen: set[str] = set()
    known_places = stored_place_ids | {p.place_id for p in places}
    for place in places:
        _check_coordinates(f"place {place.place_id}", place.lat, place.lon)
    for event in events:
        if event.event_id in seen:
            raise StoreError(f"document {document.doc_id}: event id {event.event_id} appears twice")
        seen.add(event.event_id)
        check_event(document, event, known_places)


def _check_no_nul(document: Document) -> None:
    """PostgreSQL cannot store the NUL character in text: refused on every backend, so that all answer alike."""
    for name in ("doc_id", "text", "source", "url", "title", "stance"):
        if "\x00" in getattr(document, name):
            raise StoreError(f"document {document.doc_id!r}: its {name} contains a NUL character")


def check_event(document: Document, event: Event, known_places: set[str]) -> None:
    """One event against its document: same provenance, verbatim evidence and framing, sane values."""
    where = f"event {event.event_id}"
    _check_provenance(document, event)
    if document.text[event.evidence_start:event.evidence_end] != event.evidence:
        raise StoreError(f"{where}: evidence does not match the document text at "
                         f"[{event.evidence_start}:{event.evidence_end}]")
    for span in event.framing:
        if document.text[span.start:span.end] != span.surface:
            raise StoreError(f"{where}: framing span {span.surface!r} does not match the document text at "
                             f"[{span.start}:{span.end}]")
    if event.fact_status not in FACT_STATUSES:
        raise StoreError(f"{where}: unknown fact_status {event.fact_status!r}")
    if (event.latitude is None) != (event.longitude is None):
        raise StoreError(f"{where}: latitude and longitude must both be given or both be missing")
    if event.latitude is not None and event.longitude is not None:
        _check_coordinates(where, event.latitude, event.longitude)
    if event.place_id and event.place_id not in known_places:
        raise StoreError(f"{where}: place {event.place_id} is neither stored nor passed with the document")


def _check_provenance(document: Document, event: Event) -> None:
    if event.doc_id != document.doc_id:
        raise StoreError(f"event {event.event_id}: doc_id {event.doc_id!r} is not its document's "
                         f"{document.doc_id!r}")
    pairs = (("source", event.source, document.source), ("stance", event.stance, document.stance),
             ("url", event.url, document.url), ("published", event.published, document.published))
    for name, own, documents in pairs:
        if own and own != documents:
            raise StoreError(f"event {event.event_id}: {name} {own!r} differs from its document's {documents!r}")


def _check_coordinates(where: str, lat: float, lon: float) -> None:
    if not (-MAX_LATITUDE <= lat <= MAX_LATITUDE and -MAX_LONGITUDE <= lon <= MAX_LONGITUDE):
        raise StoreError(f"{where}: coordinates ({lat}, {lon}) are out of range")


def place_row(place: Place) -> PlaceRow:
    return PlaceRow(place_id=place.place_id, name=place.name, lat=place.lat, lon=place.lon, kind=place.kind,
                    admin1=place.admin1, parent_id=place.parent_id or None)


def event_row(event: Event, document: DocumentRow) -> EventRow:
    """The row for an event; its evidence and framing spans come along as child rows."""
    return EventRow(
        event_id=event.event_id, document=document, event_date=event.event_date,
        time_precision=event.time_precision, event_type=event.event_type, sub_event_type=event.sub_event_type,
        actor1=event.actor1, actor1_side=event.actor1_side, actor2=event.actor2, actor2_side=event.actor2_side,
        location=event.location, admin1=event.admin1, place_id=event.place_id or None,
        latitude=event.latitude, longitude=event.longitude, geo_precision=event.geo_precision,
        fact_status=event.fact_status, hedges=list(event.hedges), claimant=event.claimant,
        confidence=event.confidence, notes=list(event.notes), date_stated=event.date_stated,
        gainer_stated=event.gainer_stated,
        evidence=[EvidenceRow(start=event.evidence_start, end=event.evidence_end, text=event.evidence)],
        framing=[FramingSpanRow(start=s.start, end=s.end, surface=s.surface, technique=s.label)
                 for s in event.framing],
    )


def event_from_row(row: EventRow) -> Event:
    """The `Event` record a row was built from (needs its document, source, evidence and framing loaded)."""
    document = row.document
    source = document.source
    evidence = row.evidence[0] if row.evidence else EvidenceRow(start=0, end=0, text="")
    return Event(
        event_id=row.event_id, doc_id=document.doc_id, event_date=row.event_date,
        time_precision=row.time_precision, event_type=row.event_type, sub_event_type=row.sub_event_type,
        actor1=row.actor1, actor1_side=row.actor1_side, actor2=row.actor2, actor2_side=row.actor2_side,
        location=row.location, latitude=row.latitude, longitude=row.longitude, geo_precision=row.geo_precision,
        fact_status=row.fact_status, evidence=evidence.text, evidence_start=evidence.start,
        evidence_end=evidence.end, place_id=row.place_id or "", admin1=row.admin1, hedges=tuple(row.hedges),
        claimant=row.claimant, framing=tuple(Span(s.start, s.end, s.surface, s.technique) for s in row.framing),
        source=source.name if source else "", stance=document.stance, url=document.url,
        published=document.published, confidence=row.confidence, notes=tuple(row.notes),
        date_stated=row.date_stated, gainer_stated=row.gainer_stated,
    )
