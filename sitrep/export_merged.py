"""Merged events as records: for `sitrep events --merged`, the API and the ACLED export (one row per
happening, as ACLED codes it, not one per report).

A merged event (sitrep.reconcile) is one happening with all the reports of it. Its record carries what
the merge knows (reports, independent sources, stances, disputes, confidence, the report ids) and, for the
ACLED row, what its reports say: the lead report's type, place, date and actors (the catalogue's names
for them), the fatalities the texts count (the lowest figure when they differ, as ACLED codes them), and
every source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from sitrep.model import HAPPENED, Event
from sitrep.reconcile.report import STATUS_ORDER
from sitrep.reconcile.summary import MergedEvent


@dataclass(frozen=True, slots=True)
class MergedRecord:
    """A merged event with its reports (stored events), lead report first."""

    merged: MergedEvent
    reports: tuple[Event, ...]

    @property
    def lead(self) -> Event:
        return self.reports[0]


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def lead_first(reports: Iterable[Event]) -> tuple[Event, ...]:
    """The reports with the one that speaks for the event first: strongest status, then the most precise
    place and date (as sitrep.reconcile.summary.lead_report), then by id."""
    return tuple(sorted(reports, key=lambda e: (_status_rank(e.fact_status), e.geo_precision, e.time_precision,
                                                e.event_id)))


def merged_records(merged: Sequence[MergedEvent], reports: Iterable[Event]) -> list[MergedRecord]:
    """Each merged event with its stored reports (a merged event none of whose reports is given is left
    out), in the merged events' order."""
    by_id = {e.event_id: e for e in reports}
    found = []
    for m in merged:
        own = [by_id[i] for i in m.event_ids if i in by_id]
        if own:
            found.append(MergedRecord(merged=m, reports=lead_first(own)))
    return found


def merged_ids(merged: Iterable[MergedEvent]) -> dict[str, str]:
    """Each report's event id with its merged event's id."""
    return {event_id: m.merged_id for m in merged for event_id in m.event_ids}


def happened(record: MergedRecord) -> bool:
    return record.merged.fact_status in HAPPENED


def sources_of(reports: Iterable[Event]) -> list[str]:
    """The reports' publishers, each once, in report order."""
    return list(dict.fromkeys(e.source for e in reports if e.source))


def merged_record(record: MergedRecord) -> dict[str, Any]:
    """A merged event as a JSON-ready dict (the `sitrep events --merged --format jsonl` line)."""
    m = record.merged
    return {
        "merged_id": m.merged_id, "event_date": m.event_date.isoformat() if m.event_date else None,
        "time_precision": m.time_precision, "event_type": m.event_type, "sub_event_type": m.sub_event_type,
        "location": m.location, "place_id": m.place_id, "latitude": m.latitude, "longitude": m.longitude,
        "admin1": record.lead.admin1, "fact_status": m.fact_status, "reports_count": m.reports_count,
        "independent_sources": m.independent_sources, "stances": list(m.stances), "disputes": list(m.disputes),
        "confidence": round(m.confidence, 4), "sources": sources_of(record.reports),
        "fatalities": fatalities_of(record.reports), "report_ids": list(m.event_ids),
    }


# --- fatalities -----------------------------------------------------------------------------------------

# Numbers written as words in casualty counts ("killing three soldiers"); "a"/"an" counts one only right
# after a verb of killing ("killing a child"). Vague quantities ("dozens", "scores", "several") have no
# number: ACLED leaves such counts out, and so does sitrep.
NUMBER_WORDS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_NUMBER: Final = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})"
# A bound before the number; ACLED codes the number given ("at least 20" is 20).
_BOUND: Final = r"(?:at\s+least|more\s+than|over|some|about|around|nearly|almost|up\s+to|as\s+many\s+as)\s+"
# Who is counted: a word or two of people after the number ("20 civilians", "three Syrian soldiers").
_COUNTED: Final = (r"(?:\s+[A-Za-z-]+){0,2}?\s+(?:people|persons|civilians|soldiers|troops|fighters|militants|"
                   r"rebels|members|men|women|children|personnel|gunmen|insurgents|terrorists|others|residents|"
                   r"officers|servicemen|policemen|jihadists|combatants|individuals|victims)")
# "killing/killed/kills (at least) N", "N (people) were killed / died / dead", "leaving N (people) dead",
# "death toll ... to N". Only the first takes "a"/"an" as one ("killing a child").
KILLED_PATTERN: Final = re.compile(rf"\bkill(?:ed|ing|s)?\s+(?:{_BOUND})?(?P<n>{_NUMBER}|an?)\b", re.IGNORECASE)
FATALITY_PATTERNS: Final = (
    KILLED_PATTERN,
    re.compile(rf"\b(?:{_BOUND})?(?P<n>{_NUMBER}){_COUNTED}\s+(?:were\s+|have\s+been\s+|had\s+been\s+|was\s+)?"
               r"(?:killed|dead|died|slain|executed)\b", re.IGNORECASE),
    re.compile(rf"\b(?P<n>{_NUMBER})\s+(?:dead|killed|deaths|fatalities)\b", re.IGNORECASE),
    re.compile(rf"\b(?:left|leaving)\s+(?:{_BOUND})?(?P<n>{_NUMBER})(?:{_COUNTED})?\s+dead\b", re.IGNORECASE),
    re.compile(rf"\bdeath\s+toll\b[^.]{{0,40}}?\b(?:to|at|of|reached)\s+(?:{_BOUND})?(?P<n>{_NUMBER})\b",
               re.IGNORECASE),
)


def _number(text: str) -> int | None:
    word = text.lower().replace(",", "")
    if word in ("a", "an"):
        return 1
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def fatalities_in(text: str) -> int | None:
    """The deaths one report's text counts: the largest figure it gives (a report's total usually comes
    with its parts), None when it gives none ("dozens killed", "casualties")."""
    found = [_number(match.group("n")) for pattern in FATALITY_PATTERNS for match in pattern.finditer(text)]
    counts = [n for n in found if n is not None]
    return max(counts) if counts else None


def fatalities_of(reports: Iterable[Event]) -> int | None:
    """A happening's fatalities from its reports' counts: the lowest figure when sources differ (ACLED's
    conservative rule); None when no report gives a number."""
    counts = [n for n in (fatalities_in(e.evidence) for e in reports) if n is not None]
    return min(counts) if counts else None


# --- actors -----------------------------------------------------------------------------------------------

GENERIC_ACTORS_TABLE: Final = Path(__file__).resolve().parent / "data" / "acled_generic_actors.tsv"


def generic_actor_names(path: Path = GENERIC_ACTORS_TABLE) -> dict[str, str]:
    """Side -> the name ACLED gives an actor of that side that reports do not name ("army", "rebels")."""
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            side, name = line.split("\t")[:2]
            names[side] = name
    return names


def canonical_actor(name: str, side: str, catalogue: Any, generic: Mapping[str, str]) -> str:
    """The catalogue's name for an actor a report names ("SAA" -> "Syrian Arab Army"); for a generic or
    pejorative label ("regime", "insurgents", "the army") or an actor the catalogue does not know, the
    generic name of its side ("Military Forces of Syria"); "" without an actor."""
    from sitrep.actors import NAMED

    if not name:
        return ""
    entry = catalogue.get(name) if catalogue is not None else None
    # a catalogue name in lower case ("civilians", "former regime") is a common noun, a label: no proper name
    if entry is not None and entry.label == NAMED and not entry.actor.name.islower():
        return str(entry.actor.name)
    return generic.get(side, generic.get("unknown", name)) if side else name


def actor_types(catalogue: Any) -> dict[str, str]:
    """The catalogue's actor name -> ACLED actor type."""
    return {actor.name: actor.actor_type for actor in catalogue} if catalogue is not None else {}


def first_date(record: MergedRecord) -> tuple[date | None, int]:
    """The happening's date and precision: the lead report's; else any report's event date; else the
    earliest publication date, at month precision (3). (None, 3) only when nothing is dated at all."""
    for event in record.reports:
        if event.event_date is not None:
            return event.event_date, event.time_precision
    published = sorted(e.published for e in record.reports if e.published is not None)
    return (published[0], 3) if published else (None, 3)


# --- ACLED rows -----------------------------------------------------------------------------------------


def acled_merged_row(record: MergedRecord, catalogue: Any = None,
                     generic: Mapping[str, str] | None = None) -> dict[str, str]:
    """One merged event as an ACLED row: the lead report's type, place and actors (the catalogue's names),
    the merged id, every source, the fatalities counted, a neutral one-line note; what the merge knows
    (reports, independent sources, stances, disputes, confidence, report ids) in `tags`."""
    from dataclasses import replace

    from sitrep.export import acled_row, sitrep_tags

    names = generic if generic is not None else generic_actor_names()
    lead, m = record.lead, record.merged
    day, precision = first_date(record)
    actor1 = canonical_actor(lead.actor1, lead.actor1_side, catalogue, names)
    actor2 = canonical_actor(lead.actor2, lead.actor2_side, catalogue, names)
    event = replace(lead, event_id=m.merged_id, event_date=day, time_precision=precision, actor1=actor1,
                    actor2=actor2, confidence=m.confidence)
    row = acled_row(event, actor_types(catalogue))
    sources = sources_of(record.reports)
    deaths = fatalities_of(record.reports)
    tags = [sitrep_tags(event), f"reports: {m.reports_count}", f"independent_sources: {m.independent_sources}",
            f"stances: {', '.join(m.stances)}", f"report_ids: {', '.join(m.event_ids)}"]
    if m.disputes:
        tags.append(f"disputes: {' | '.join(m.disputes)}")
    if lead.event_date is None:
        tags.append("date: the publication date, no date in the text")
    row.update({"source": "; ".join(sources), "fatalities": "" if deaths is None else str(deaths),
                "notes": acled_note(event, m, sources), "tags": "; ".join(tags)})
    return row


def acled_note(event: Event, merged: MergedEvent, sources: Sequence[str]) -> str:
    """A neutral one-line summary: when, what, who, where, and who reported it (no report's own words)."""
    when = f"On {event.event_date.isoformat()}" if event.event_date else "On an unknown date"
    if event.time_precision == 2:
        when = f"In the week of {event.event_date.isoformat()}" if event.event_date else when
    elif event.time_precision == 3 and event.event_date:
        when = f"In {event.event_date.strftime('%B %Y')}"
    who = event.actor1 or "an unidentified actor"
    against = f" against {event.actor2}" if event.actor2 else ""
    where = f" in {event.location}" if event.location else ""
    status = "" if event.fact_status == "reported" else f" ({event.fact_status.replace('_', ' ')})"
    reported = f" Reported by {', '.join(sources)}" if sources else ""
    counted = f" ({merged.reports_count} report{'s' if merged.reports_count != 1 else ''})." if reported else ""
    return f"{when}, {event.sub_event_type.lower()}{where}: {who}{against}{status}.{reported}{counted}"


def merged_to_acled_csv(records: Iterable[MergedRecord], catalogue: Any = None) -> str:
    """CSV with ACLED's header and one row per merged event, every cell neutralised (sitrep.export)."""
    import csv
    import io

    from sitrep.export import ACLED_COLUMNS, neutralise_cell

    generic = generic_actor_names()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for record in records:
        row = acled_merged_row(record, catalogue, generic)
        writer.writerow({column: neutralise_cell(value) for column, value in row.items()})
    return out.getvalue()


def merged_to_geojson(records: Iterable[MergedRecord]) -> str:
    """An RFC 7946 FeatureCollection of the located merged events ([longitude, latitude])."""
    import json

    features = []
    for record in records:
        item = merged_record(record)
        if item["latitude"] is None or item["longitude"] is None:
            continue
        properties = {k: v for k, v in item.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "id": item["merged_id"], "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [item["longitude"], item["latitude"]]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def merged_to_jsonl(records: Iterable[MergedRecord]) -> str:
    import json

    return "".join(json.dumps(merged_record(r), ensure_ascii=False) + "\n" for r in records)
