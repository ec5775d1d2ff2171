"""Merged events as records: for `sitrep events --merged`, the API and the ACLED export (one row per
happening, as ACLED codes it, not one per report).

A merged event (sitrep.reconcile) is one happening with all the reports of it. Its record carries what
the merge knows (reports, independent sources, stances, disputes, confidence, the report ids) and, for the
ACLED row, what its reports say: the lead report's type, place, date and actors (the catalogue's names
for them), the fatalities the texts count (the lowest figure when they differ, as ACLED codes them), and
every source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from sitrep.admin1 import admin1_name
from sitrep.conflict import UNKNOWN_SIDE, parse_day
from sitrep.export import (
    ACLED_COLUMNS,
    NO_COUNT_TAG,
    POLITICAL_VIOLENCE,
    UNDATED_TAG,
    AcledOptions,
    acled_note,
    acled_row,
    disorder_type,
    event_day,
    neutralise_cell,
)
from sitrep.export_actors import associated_columns
from sitrep.export_fatalities import fatalities_of
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
        "admin1": admin1_name(record.lead.admin1), "fact_status": m.fact_status, "reports_count": m.reports_count,
        "independent_sources": m.independent_sources, "stances": list(m.stances), "disputes": list(m.disputes),
        "confidence": round(m.confidence, 4), "sources": sources_of(record.reports),
        "fatalities": fatalities_of(record.reports), "report_ids": list(m.event_ids),
    }


# --- actors -----------------------------------------------------------------------------------------------

GENERIC_ACTORS_TABLE: Final = Path(__file__).resolve().parent / "data" / "acled_generic_actors.tsv"


def generic_actor_names(path: Path = GENERIC_ACTORS_TABLE, day: date | None = None) -> dict[str, str]:
    """Side -> the name ACLED gives an actor of that side that reports do not name ("army", "rebels"), as
    it holds on `day` (a row's optional `valid_from`/`valid_until`, ISO days, inclusive: the state's forces
    are "(2000-2024)" before 8 December 2024 and "(2024-)" after); with no day, the earliest row's."""
    names: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        side, name, valid_from, valid_until = [*line.split("\t"), "", ""][:4]
        start, end = parse_day(valid_from), parse_day(valid_until)
        holds = start is None if day is None else (start is None or start <= day) and (end is None or day <= end)
        if holds:
            names[side] = name
    return names


def canonical_actor(name: str, side: str, catalogue: Any, generic: Mapping[str, str]) -> str:
    """The catalogue's name for an actor a report names ("SAA" -> "Syrian Arab Army"); for a generic or
    pejorative label ("regime", "insurgents", "the army") or an actor the catalogue does not know, the
    generic name of its side ("Military Forces of Syria (2000-2024)"); "" without an actor."""
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


def acled_merged_row(record: MergedRecord, catalogue: Any = None, generic: Mapping[str, str] | None = None,
                     options: AcledOptions | None = None) -> dict[str, str]:
    """One merged event as an ACLED row: the lead report's type, place and actors (the catalogue's names)
    with the allies the lead report names beside them (assoc_actor_1/2), the merged id, every source, the
    fatalities counted, a neutral one-line note; what the merge knows (reports, independent sources,
    stances, disputes, confidence, report ids) in `tags`. `options` as for `sitrep.export.acled_row`
    (the catalogue's actor types are added to them)."""
    from dataclasses import replace

    lead, m = record.lead, record.merged
    day, precision = first_date(record)
    event = replace(acled_actors(lead, day, catalogue, generic), event_id=m.merged_id, event_date=day,
                    time_precision=precision, confidence=m.confidence)
    opts = options or AcledOptions()
    if catalogue is not None and not opts.actor_types:
        opts = replace(opts, actor_types=actor_types(catalogue))
    row = acled_row(event, opts)
    assoc1, assoc2 = associated_columns(lead, catalogue, event.actor1, event.actor2, day)
    sources = sources_of(record.reports)
    deaths = fatalities_of(record.reports)
    tags = [row["tags"], f"reports: {m.reports_count}", f"independent_sources: {m.independent_sources}",
            f"stances: {', '.join(m.stances)}", f"report_ids: {', '.join(m.event_ids)}"]
    if m.disputes:
        tags.append(f"disputes: {' | '.join(m.disputes)}")
    if lead.event_date is None and UNDATED_TAG not in row["tags"]:
        tags.append(UNDATED_TAG)
    if deaths is None and NO_COUNT_TAG not in row["tags"]:
        tags.append(NO_COUNT_TAG)
    row.update({"assoc_actor_1": assoc1, "assoc_actor_2": assoc2, "source": "; ".join(sources),
                "fatalities": str(deaths or 0),
                "notes": acled_note(event, sources, m.reports_count), "tags": "; ".join(tags)})
    return row


def acled_actors(event: Event, day: date | None, catalogue: Any = None,
                 generic: Mapping[str, str] | None = None) -> Event:
    """`event` with ACLED's actors: the catalogue's names, a label's side's generic name as it holds on
    `day`, and for political violence with no actor named, ACLED's unidentified armed group as actor1."""
    from dataclasses import replace

    names = generic if generic is not None else generic_actor_names(day=day)
    actor1 = canonical_actor(event.actor1, event.actor1_side, catalogue, names)
    actor2 = canonical_actor(event.actor2, event.actor2_side, catalogue, names)
    side1 = event.actor1_side
    if not actor1 and POLITICAL_VIOLENCE in disorder_type(event):  # ACLED: every violent event has an actor1
        actor1, side1 = names.get(UNKNOWN_SIDE, ""), UNKNOWN_SIDE
    return replace(event, actor1=actor1, actor1_side=side1, actor2=actor2)


def acled_report_row(event: Event, catalogue: Any = None, options: AcledOptions | None = None) -> dict[str, str]:
    """One report as an ACLED row (`--per report`) with the same meaning as a merged event's: the
    catalogue's actor names (for the report's day), the allies it names, its own source and count."""
    from dataclasses import replace

    day = event_day(event)[0]
    coded = acled_actors(event, day, catalogue)
    opts = options or AcledOptions()
    if catalogue is not None and not opts.actor_types:
        opts = replace(opts, actor_types=actor_types(catalogue))
    row = acled_row(coded, opts)
    row["assoc_actor_1"], row["assoc_actor_2"] = associated_columns(event, catalogue, coded.actor1, coded.actor2,
                                                                    day)
    return row


def reports_to_acled_csv(events: Iterable[Event], catalogue: Any = None, options: AcledOptions | None = None,
                         merged_ids: Mapping[str, str] | None = None) -> str:
    """CSV with ACLED's header and one row per report (`acled_report_row`), every cell neutralised; with
    `merged_ids`, `tags` names each row's merged event."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for event in events:
        row = acled_report_row(event, catalogue, options)
        if merged_ids is not None and merged_ids.get(event.event_id):
            row["tags"] += f"; merged_id: {merged_ids[event.event_id]}"
        writer.writerow({column: neutralise_cell(value) for column, value in row.items()})
    return out.getvalue()


def merged_to_acled_csv(records: Iterable[MergedRecord], catalogue: Any = None,
                        options: AcledOptions | None = None) -> str:
    """CSV with ACLED's header and one row per merged event, every cell neutralised (sitrep.export)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for record in records:
        row = acled_merged_row(record, catalogue, None, options)
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
