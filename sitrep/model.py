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
