"""sitrep's typed records. Every pipeline stage takes and returns these; nothing passes dict soup.

All records are frozen dataclasses: a stage builds new records rather than mutating old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class FactStatus(StrEnum):
    """What a report says of an event (../shared/eval/README.md): it happened, someone claims it did, it is
    expected, it would happen if, or it did not happen. Members are strings: `FactStatus.REPORTED ==
    "reported"`, so records read from files or the store compare equal to them."""

    REPORTED = "reported"
    ATTRIBUTED_CLAIM = "attributed_claim"
    EXPECTED = "expected"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"


class EventType(StrEnum):
    """ACLED's six event types, spelled as ACLED spells them (`sitrep.taxonomy` groups the sub-types)."""

    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


class SubEventType(StrEnum):
    """ACLED's 25 sub-event types, in its codebook's order, spelled as ACLED spells them."""

    ARMED_CLASH = "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "Government regains territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "Non-state actor overtakes territory"
    CHEMICAL_WEAPON = "Chemical weapon"
    AIR_DRONE_STRIKE = "Air/drone strike"
    SUICIDE_BOMB = "Suicide bomb"
    SHELLING = "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
    GRENADE = "Grenade"
    SEXUAL_VIOLENCE = "Sexual violence"
    ATTACK = "Attack"
    ABDUCTION = "Abduction/forced disappearance"
    PEACEFUL_PROTEST = "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "Protest with intervention"
    EXCESSIVE_FORCE_AGAINST_PROTESTERS = "Excessive force against protesters"
    VIOLENT_DEMONSTRATION = "Violent demonstration"
    MOB_VIOLENCE = "Mob violence"
    AGREEMENT = "Agreement"
    ARRESTS = "Arrests"
    CHANGE_TO_GROUP_ACTIVITY = "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "Disrupted weapons use"
    HEADQUARTERS_OR_BASE_ESTABLISHED = "Headquarters or base established"
    LOOTING_PROPERTY_DESTRUCTION = "Looting/property destruction"
    NON_VIOLENT_TRANSFER_OF_TERRITORY = "Non-violent transfer of territory"
    OTHER = "Other"


class Side(StrEnum):
    """The sides of the built-in conflict profile (`sitrep/data/conflicts/syria/conflict.yaml`; a test keeps
    the two equal). Sides are data: a profile or a user's overlay may define others, so a record's side is
    typed `str` and holds any id its profile knows; every profile has UNKNOWN, and CIVILIANS is the side of
    non-combatants."""

    GOVERNMENT = "government"
    FORMER_REGIME = "former_regime"
    OPPOSITION = "opposition"
    KURDISH = "kurdish"
    ISIS = "isis"
    RUSSIA = "russia"
    TURKEY = "turkey"
    ISRAEL = "israel"
    US_COALITION = "us_coalition"
    LOCAL = "local"
    CIVILIANS = "civilians"
    UNKNOWN = "unknown"


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
    event_type: str  # an EventType
    sub_event_type: str  # a SubEventType
    actor1: str
    actor1_side: str  # a side of the conflict profile (the built-in one's: Side)
    actor2: str
    actor2_side: str
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    fact_status: str  # a FactStatus: reported, attributed_claim, expected, hypothetical, negated
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
    notes: tuple[str, ...] = ()  # how the event was coded, for people reviewing it (never read back by code)
    date_stated: bool = True  # the text dates it; False: dated by the publication's fallback, or undated
    gainer_stated: bool = True  # False: a change of territory whose text does not say who gained (the
    # sub-type's direction, government regains / non-state actor overtakes, is then a guess)


FACT_STATUSES = tuple(FactStatus)  # strongest first
HAPPENED = frozenset({FactStatus.REPORTED, FactStatus.ATTRIBUTED_CLAIM})
