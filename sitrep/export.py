"""Events as files other tools read: JSON Lines (and back), GeoJSON, and ACLED-style CSV.

JSON Lines carries every `Event` field and is the lossless format (`events_from_jsonl` reads it back to
equal records). Its `admin1`, as GeoJSON's and every output's but the ACLED CSV's, is sitrep's one name for
the governorate ("Deir ez-Zor", `sitrep.admin1.admin1_name`); reading takes any usual spelling back to the
gazetteer's, which the store keeps. GeoJSON (RFC 7946) maps the events that have coordinates. The CSV has ACLED's columns with
ACLED's meaning where sitrep knows the value (see docs/export.md, column by column): the date always set
(the publication date at month precision when the text gives none), admin1-admin2 in ACLED's spellings
from the place (`sitrep.geo.admin`), inter codes from the catalogue or the side's ACLED type in the
conflict profile, `notes` a neutral one-line summary naming the sources, `fatalities` the reports' count
(0 where none gives a number, as ACLED writes it, and said so in `tags`). Left blank: admin3 (no source of
sub-district units ships), `source_scale` and ACLED's upload `timestamp`. sitrep's own judgements (fact
status, claimant, hedges) go in `tags`.

Every CSV cell passes `neutralise_cell`, OWASP's rule against CSV (formula) injection: report text that
begins with `=`, `+`, `-`, `@`, a tab or a carriage return ("=HYPERLINK(...)", "=cmd|' /C calc'!A0") is
written with a leading `'`, so spreadsheets show it as text instead of evaluating it. A cell that is
exactly a decimal number ("-36.2", "1e-05") is left as it is: a spreadsheet reads it as that number and
nothing else, so a negative longitude keeps its value and stays a number. Terminal escape sequences and
control characters are dropped from cells (sitrep.render.clean_text), as they are from the CLI's tables.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from sitrep.admin1 import acled_admin1, admin1_name, stored_admin1
from sitrep.conflict import ConflictProfile, default_profile
from sitrep.errors import InputError
from sitrep.export_fatalities import fatalities_in
from sitrep.model import Event, Span
from sitrep.render import clean_text
from sitrep.taxonomy import (
    BATTLES,
    EXPLOSIONS,
    PROTESTS,
    RIOTS,
    STRATEGIC_DEVELOPMENTS,
    VIOLENCE_AGAINST_CIVILIANS,
)

if TYPE_CHECKING:  # the admin lookup imports the geoparser (spaCy): only where a gazetteer is passed in
    from sitrep.geo.admin import AdminLookup

# --- JSON Lines ---------------------------------------------------------------------------------------

EVENT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(Event))
DATE_FIELDS: Final = frozenset({"event_date", "published"})
TUPLE_FIELDS: Final = frozenset({"hedges", "notes"})


def event_record(event: Event) -> dict[str, Any]:
    """An event as a JSON-ready dict: every field, dates ISO, framing as {start, end, surface, technique},
    admin1 by sitrep's name of the governorate."""
    record: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        value = getattr(event, name)
        if name in DATE_FIELDS:
            value = value.isoformat() if value is not None else None
        elif name in TUPLE_FIELDS:
            value = list(value)
        elif name == "framing":
            value = [{"start": s.start, "end": s.end, "surface": s.surface, "technique": s.label} for s in value]
        elif name == "admin1":
            value = admin1_name(value)
        record[name] = value
    return record


def events_to_jsonl(events: Iterable[Event], merged_ids: Mapping[str, str] | None = None) -> str:
    """One JSON object per line (UTF-8 text, not ASCII-escaped), each ending with a newline; with
    `merged_ids` (event id -> merged id), each names its merged event (`merged_id`, "" for none)."""
    return "".join(json.dumps(_with_merged(event_record(e), merged_ids), ensure_ascii=False) + "\n"
                   for e in events)


def _with_merged(record: dict[str, Any], merged_ids: Mapping[str, str] | None) -> dict[str, Any]:
    if merged_ids is not None:
        record["merged_id"] = merged_ids.get(record["event_id"], "")
    return record


def event_from_record(record: Mapping[str, Any]) -> Event:
    """The event a record from `event_record` describes; fields it lacks take the `Event` defaults; admin1
    in any usual spelling of a governorate comes back as the store's (the gazetteer's)."""
    values: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        if name not in record:
            continue
        value = record[name]
        if name in DATE_FIELDS:
            value = date.fromisoformat(value) if value else None
        elif name in TUPLE_FIELDS:
            value = tuple(value)
        elif name == "framing":
            value = tuple(Span(s["start"], s["end"], s["surface"], s["technique"]) for s in value)
        elif name == "admin1" and isinstance(value, str):
            value = stored_admin1(value)
        values[name] = value
    return Event(**values)


def events_from_jsonl(text: str) -> list[Event]:
    """Read back what `events_to_jsonl` wrote; blank lines are skipped, a bad line raises InputError."""
    events = []
    # Split on "\n" only: JSON escapes it inside strings, but not U+2028 and the other characters that
    # str.splitlines() would also break on.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            events.append(event_from_record(json.loads(line)))
        except (ValueError, TypeError, KeyError) as e:
            raise InputError(f"event line {number}: {e}") from e
    return events


# --- GeoJSON ------------------------------------------------------------------------------------------


def events_to_geojson(events: Iterable[Event], merged_ids: Mapping[str, str] | None = None) -> str:
    """An RFC 7946 FeatureCollection of Point features, [longitude, latitude]; unlocated events skipped;
    with `merged_ids`, each names its merged event."""
    features = []
    for event in events:
        if event.latitude is None or event.longitude is None:
            continue
        properties = {k: v for k, v in _with_merged(event_record(event), merged_ids).items()
                      if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "id": event.event_id,
                         "geometry": {"type": "Point", "coordinates": [event.longitude, event.latitude]},
                         "properties": properties})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


# --- ACLED CSV ----------------------------------------------------------------------------------------

# ACLED's export columns, in ACLED's order.
ACLED_COLUMNS: Final[tuple[str, ...]] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)

# ACLED's disorder types, derived from the event type (and, for protests and riots, the sub-event type).
POLITICAL_VIOLENCE: Final = "Political violence"
DEMONSTRATIONS: Final = "Demonstrations"
DISORDER_BY_EVENT_TYPE: Final = MappingProxyType({
    BATTLES: POLITICAL_VIOLENCE, EXPLOSIONS: POLITICAL_VIOLENCE, VIOLENCE_AGAINST_CIVILIANS: POLITICAL_VIOLENCE,
    PROTESTS: DEMONSTRATIONS, RIOTS: DEMONSTRATIONS, STRATEGIC_DEVELOPMENTS: STRATEGIC_DEVELOPMENTS,
})
DISORDER_BY_SUB_EVENT_TYPE: Final = MappingProxyType({
    "Mob violence": POLITICAL_VIOLENCE,  # a riot without a demonstration behind it
    "Excessive force against protesters": f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}",
})

# ACLED's interaction codes ("inter1", "inter2") for its eight actor types, and the actor types' names
# (ACLED's codebook; its newer files write the names instead of the codes).
STATE_FORCES: Final = 1
REBEL_GROUP: Final = 2
POLITICAL_MILITIA: Final = 3
IDENTITY_MILITIA: Final = 4
RIOTERS: Final = 5
PROTESTERS: Final = 6
CIVILIANS: Final = 7
EXTERNAL_FORCES: Final = 8
INTER_BY_ACTOR_TYPE: Final = MappingProxyType({
    "State forces": STATE_FORCES, "Rebel group": REBEL_GROUP, "Political militia": POLITICAL_MILITIA,
    "Identity militia": IDENTITY_MILITIA, "Rioters": RIOTERS, "Protesters": PROTESTERS,
    "Civilians": CIVILIANS, "External/Other forces": EXTERNAL_FORCES,
})
ACTOR_TYPE_BY_INTER: Final = MappingProxyType({code: name for name, code in INTER_BY_ACTOR_TYPE.items()})
# An actor whose catalogue type and side's type are both unknown: ACLED codes an "Unidentified Armed
# Group" as a political militia.
UNIDENTIFIED_INTER: Final = POLITICAL_MILITIA
# ACLED's newer files name a sole actor's interaction "<type> only".
SOLE_ACTOR: Final = "only"
# The crowd in a protest or riot is coded by the event, whatever side a report gives it.
CROWD_SIDES: Final = frozenset({"civilians", "unknown", ""})
CROWD_INTER_BY_EVENT_TYPE: Final = MappingProxyType({PROTESTS: PROTESTERS, RIOTS: RIOTERS})
CIVILIAN_TARGETING: Final = "Civilian targeting"

def syrian_governorate(admin1: str) -> str:
    """ACLED's spelling of the Syrian governorate `admin1` names (any usual spelling, data/admin1_names.tsv);
    "" when it names none."""
    return acled_admin1(admin1)


def in_country(event: Event, profile: ConflictProfile | None = None) -> bool:
    """Whether the event's governorate is the country's or its coordinates fall in the profile's bounding
    box (`conflict.yaml`'s `bounds`)."""
    if syrian_governorate(event.admin1):
        return True
    bounds = (profile or default_profile()).bounds
    if event.latitude is None or event.longitude is None or bounds is None:
        return False
    south, north, west, east = bounds
    return south <= event.latitude <= north and west <= event.longitude <= east


def disorder_type(event: Event) -> str:
    """ACLED's disorder type for the event; "" for an event type outside ACLED's six."""
    return DISORDER_BY_SUB_EVENT_TYPE.get(event.sub_event_type, DISORDER_BY_EVENT_TYPE.get(event.event_type, ""))


def inter_code(actor: str, side: str, event_type: str, actor_types: Mapping[str, str], *,
               first: bool, profile: ConflictProfile | None = None) -> int | None:
    """ACLED's inter code for an actor: its catalogue type if known; the crowd of a protest or riot by the
    event; else the ACLED type of its side in the conflict profile (`conflict.yaml`'s `acled_type`); an
    unidentified armed group's code for a side without one. None without an actor."""
    if not actor:
        return None
    if actor in actor_types and actor_types[actor] in INTER_BY_ACTOR_TYPE:
        return INTER_BY_ACTOR_TYPE[actor_types[actor]]
    if first and side in CROWD_SIDES and event_type in CROWD_INTER_BY_EVENT_TYPE:
        return CROWD_INTER_BY_EVENT_TYPE[event_type]
    side_type = (profile or default_profile()).side(side).acled_type if side else ""
    return INTER_BY_ACTOR_TYPE.get(side_type, UNIDENTIFIED_INTER)


def inter_text(inter: int | None) -> str:
    """ACLED's name for an inter code ("State forces"), as its newer files write inter1/inter2."""
    return ACTOR_TYPE_BY_INTER.get(inter, "") if inter is not None else ""


def interaction_text(inter1: int | None, inter2: int | None) -> str:
    """The interaction as ACLED's newer files write it: "State forces-Rebel group" (lower code first),
    "Protesters only" for a sole actor."""
    if inter1 is None:
        return ""
    if inter2 is None:
        return f"{inter_text(inter1)} {SOLE_ACTOR}"
    low, high = sorted((inter1, inter2))
    return f"{inter_text(low)}-{inter_text(high)}"


def interaction_code(inter1: int | None, inter2: int | None) -> str:
    """ACLED's interaction: both codes, lower first ("12"); a sole actor's code then 0 ("10")."""
    if inter1 is None:
        return ""
    if inter2 is None:
        return f"{inter1}0"
    low, high = sorted((inter1, inter2))
    return f"{low}{high}"


def sitrep_tags(event: Event) -> str:
    """What sitrep knows that ACLED has no column for, as `key: value` pairs separated by "; "."""
    tags = [f"fact_status: {event.fact_status}"]
    if event.claimant:
        tags.append(f"claimant: {event.claimant}")
    if event.hedges:
        tags.append(f"hedges: {', '.join(event.hedges)}")
    if event.confidence:
        tags.append(f"confidence: {event.confidence:.2f}")
    return "; ".join(tags)


@dataclass(frozen=True, slots=True)
class AcledOptions:
    """How ACLED rows are written: `actor_types` (actor name -> ACLED actor type, from the catalogue)
    makes inter codes exact; `admins` (sitrep.geo.admin.AdminLookup, built from the gazetteer) fills
    admin1-admin3 from the place; `profile` gives each side's ACLED type; `inter_names` writes
    inter1/inter2/interaction as ACLED's newer files do ("State forces", "State forces-Rebel group")
    instead of the codebook's numbers ("1", "12")."""

    actor_types: Mapping[str, str] = field(default_factory=dict)
    admins: AdminLookup | None = None
    profile: ConflictProfile | None = None
    inter_names: bool = False


# A date's precision (ACLED's time_precision) when only the publication date is known: the month.
PUBLICATION_PRECISION: Final = 3
UNDATED_TAG: Final = "date: the publication date, no date in the text"
# ACLED writes 0 fatalities where no report gives a number; the tag keeps "none counted" apart from "none".
NO_COUNT_TAG: Final = "fatalities: no number in the reports"
INFERRED_ADMIN_TAG: Final = "admin2: the district of the nearest places (the place has no district of its own)"


def event_day(event: Event) -> tuple[date | None, int]:
    """The event's day and ACLED time precision: its own, else its publication day at month precision."""
    if event.event_date is not None:
        return event.event_date, event.time_precision
    return event.published, PUBLICATION_PRECISION


def acled_note(event: Event, sources: Sequence[str], reports: int = 1) -> str:
    """A neutral one-line summary: when, what, who, where, and who reported it (no report's own words)."""
    day, precision = event_day(event)
    when = "On an unknown date"
    if day is not None:
        when = {2: f"In the week of {day.isoformat()}", 3: f"In {day.strftime('%B %Y')}"}.get(
            precision, f"On {day.isoformat()}")
    who = event.actor1 or "an unidentified actor"
    against = f" against {event.actor2}" if event.actor2 else ""
    where = f" in {event.location}" if event.location else ""
    status = "" if event.fact_status == "reported" else f" ({event.fact_status.replace('_', ' ')})"
    what = event.sub_event_type.lower() or event.event_type.lower() or "an event"
    reported = f" Reported by {', '.join(sources)} ({reports} report{'s' if reports != 1 else ''})." \
        if sources else ""
    return f"{when}, {what}{where}: {who}{against}{status}.{reported}"


def acled_row(event: Event, options: AcledOptions | None = None) -> dict[str, str]:
    """One event as an ACLED row; every value is text, blank where sitrep does not know it."""
    opts = options or AcledOptions()
    types = opts.actor_types
    inter1 = inter_code(event.actor1, event.actor1_side, event.event_type, types, first=True, profile=opts.profile)
    inter2 = inter_code(event.actor2, event.actor2_side, event.event_type, types, first=False,
                        profile=opts.profile)
    disorder = disorder_type(event)
    units = opts.admins.units(event.place_id, event.latitude, event.longitude) if opts.admins else None
    admin1 = (units.admin1 if units else "") or syrian_governorate(event.admin1)
    profile = opts.profile or default_profile()
    syria = bool(admin1) or in_country(event, profile)
    day, precision = event_day(event)
    tags = [sitrep_tags(event)]
    if event.event_date is None and day is not None:
        tags.append(UNDATED_TAG)
    if units is not None and units.inferred:
        tags.append(INFERRED_ADMIN_TAG)
    deaths = fatalities_in(event.evidence)
    if deaths is None:
        tags.append(NO_COUNT_TAG)
    if opts.inter_names:
        inters = (inter_text(inter1), inter_text(inter2), interaction_text(inter1, inter2))
    else:
        inters = ("" if inter1 is None else str(inter1), "" if inter2 is None else str(inter2),
                  interaction_code(inter1, inter2))
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update({
        "event_id_cnty": event.event_id,
        "event_date": day.isoformat() if day else "", "year": str(day.year) if day else "",
        "time_precision": str(precision), "disorder_type": disorder,
        "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "actor1": event.actor1, "inter1": inters[0], "actor2": event.actor2, "inter2": inters[1],
        "interaction": inters[2],
        "civilian_targeting": CIVILIAN_TARGETING if inter2 == CIVILIANS and POLITICAL_VIOLENCE in disorder else "",
        "iso": str(profile.iso_numeric or "") if syria else "", "region": profile.region if syria else "",
        "country": profile.country if syria else "", "admin1": admin1 or event.admin1,
        "admin2": units.admin2 if units else "", "admin3": units.admin3 if units else "", "location": event.location,
        "latitude": "" if event.latitude is None else repr(event.latitude),
        "longitude": "" if event.longitude is None else repr(event.longitude),
        "geo_precision": str(event.geo_precision), "source": event.source, "fatalities": str(deaths or 0),
        "notes": acled_note(event, [event.source] if event.source else []),
        "tags": "; ".join(tags),
    })
    return row


# OWASP's CSV injection rule: a cell beginning with one of these is read as a formula by spreadsheets.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# A cell that is exactly a decimal number: read as that number, never as a formula (see the module).
PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Prefixed to a cell that would start a formula: spreadsheets show the rest as text.
FORMULA_GUARD: Final = "'"


def neutralise_cell(value: str) -> str:
    """A CSV cell safe to open in a spreadsheet: without escape sequences and control characters (line
    breaks and tabs kept), and with a leading `'` when it would begin a formula, unless it is exactly a
    decimal number."""
    cleaned = clean_text(value, one_line=False)
    if cleaned.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cleaned):
        return FORMULA_GUARD + cleaned
    return cleaned


def events_to_acled_csv(events: Iterable[Event], options: AcledOptions | None = None,
                        merged_ids: Mapping[str, str] | None = None) -> str:
    """CSV with ACLED's header and one row per event (one report), every cell neutralised
    (`neutralise_cell`); see `AcledOptions`. With `merged_ids`, `tags` names each row's merged event
    (`sitrep.export_merged` writes one row per merged event)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for event in events:
        row = acled_row(event, options)
        if merged_ids is not None and merged_ids.get(event.event_id):
            row["tags"] += f"; merged_id: {merged_ids[event.event_id]}"
        writer.writerow({column: neutralise_cell(value) for column, value in row.items()})
    return out.getvalue()
