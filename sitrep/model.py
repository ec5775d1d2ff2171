"""sitrep's typed records. Every pipeline stage takes and returns these; nothing passes dict soup.

All records are frozen dataclasses: a stage builds new records rather than mutating old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Document:
    """One report as read: its text (offsets index into it) and what is known about its origin."""

    doc_id: str
    text: str
    source: str = ""
    url: str = ""
    published: date | None = None
    stance: str = ""
    title: str = ""
    path: str = ""
    warnings: tuple[str, ...] = ()  # what went wrong while reading, e.g. undecodable bytes replaced


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: one real place, however many sources and spellings it has."""

    place_id: str  # stable: "wof:<id>", "wikimap:<n>", "district:<slug>", "geonames:<id>", "alias:<slug>"
    name: str
    lat: float
    lon: float
    kind: str  # city, town, village, district, hill, base, road, farm, camp, region, airport, ...
    admin1: str = ""  # governorate (or first-order division)
    admin2: str = ""  # district (mintaqa)
    parent_id: str = ""  # the place this one lies in (a district's city), when known
    population: int = 0
    names: tuple[str, ...] = ()  # every known spelling, the primary name first
    sources: tuple[str, ...] = ()  # which data sets contributed: wof, wikimap, districts, geonames, alias
    geo_precision: int = 1  # 1 the place itself; 2 only its city/anchor is known (ACLED's convention)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place that a mention might refer to, with the resolver's score in [0, 1]."""

    place: Place
    score: float


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of text that names (or may name) a place. `text[start:end] == surface`."""

    doc_id: str
    surface: str
    start: int
    end: int
    cues: tuple[str, ...] = ()  # how it was found: gazetteer, ner, feature-word, list...
    feature: str = ""  # a feature word next to it ("hill", "camp", "district"), normalised to a kind
    name: str = ""  # the part of `surface` that names the place (without "hill", "village of"...)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A mention after resolution. `place` is None when nothing in the gazetteer fits."""

    mention: Mention
    place: Place | None
    score: float = 0.0
    geo_precision: int = 0  # 1 exact, 2 near/part of (a district resolved to its city), 3 region
    alternatives: tuple[Candidate, ...] = ()
    note: str = ""  # why it resolved as it did, e.g. "district of Aleppo (no own coordinates)"

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(frozen=True, slots=True)
class Actor:
    """An armed group, state force or other party, as the actor catalogue knows it."""

    name: str
    side: str  # government, opposition, kurdish, isis, russia, turkey, us_coalition, civilians, unknown
    actor_type: str = ""  # ACLED's actor type, e.g. "State forces", "Rebel group"
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Reject:
    """Something that could not be read or processed, kept so that nothing is lost silently."""

    origin: str  # a path, "path:line" for a JSON Lines batch, or "<stdin>"
    reason: str  # one line, for people
    stage: str = "ingest"  # the pipeline stage that gave up


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of a document: `text[start:end] == surface`. Used for framing and hedge cues."""

    start: int
    end: int
    surface: str
    label: str  # e.g. the framing technique ("name_calling") or the hedge kind ("hedge")


@dataclass(frozen=True, slots=True)
class Event:
    """One event as one source reports it: a claim, not a fact. Field names follow ACLED and
    ../shared/eval/README.md; `evidence` is verbatim, `document.text[evidence_start:evidence_end]`."""

    event_id: str
    doc_id: str
    event_date: date | None
    time_precision: int  # 1 day, 2 week, 3 month (ACLED)
    event_type: str
    sub_event_type: str
    actor1: str
    actor1_side: str
    actor2: str
    actor2_side: str
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    fact_status: str  # reported, attributed_claim, expected, hypothetical, negated
    evidence: str
    evidence_start: int
    evidence_end: int
    place_id: str = ""
    admin1: str = ""
    hedges: tuple[str, ...] = ()
    claimant: str = ""  # who makes the claim, for attributed_claim ("SANA", "the rebels")
    framing: tuple[Span, ...] = ()
    source: str = ""
    stance: str = ""
    url: str = ""
    published: date | None = None
    confidence: float = 0.0
    notes: tuple[str, ...] = ()  # how the event was coded, for people reviewing it


FACT_STATUSES = ("reported", "attributed_claim", "expected", "hypothetical", "negated")
HAPPENED = frozenset({"reported", "attributed_claim"})
