"""Place mentions as records people and programs read: JSON Lines, GeoJSON, a terminal table; and report
text made safe for the terminal.

Report text is untrusted: a report may hold Rich markup ("[/bold]") or terminal escape sequences. Whatever
the CLI shows of it goes through `terminal_text` (a Rich `Text`, never parsed as markup, with escape
sequences and control characters removed) or `clean_text` (the same as a plain string).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sitrep.admin1 import admin1_name
from sitrep.model import PlaceMention

# Terminal escape sequences, removed whole so that no "[31m" is left behind: CSI (ESC [ ... final byte),
# OSC (ESC ] ... BEL or ESC \), the 8-bit CSI (U+009B), and any other two-character ESC sequence.
ESCAPE_SEQUENCE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
# What else a terminal acts on: C0 and C1 control characters and DEL (line breaks and tabs become spaces
# in a table cell), and the bidirectional overrides and isolates that reorder what is shown.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINE_BREAK = re.compile(r"[\t\n]+")


def clean_text(text: str, *, one_line: bool = True) -> str:
    """`text` without terminal escape sequences and control characters; on one line unless told otherwise."""
    text = CONTROL_CHARACTER.sub("", ESCAPE_SEQUENCE.sub("", text))
    return LINE_BREAK.sub(" ", text) if one_line else text


def terminal_text(text: object, style: str = "", *, one_line: bool = True) -> Any:
    """A Rich Text of `text` (any value, shown by str): printed as it is, never read as markup."""
    from rich.text import Text

    return Text(clean_text("" if text is None else str(text), one_line=one_line), style=style)


def place_record(pm: PlaceMention) -> dict[str, Any]:
    """One mention as a flat record (the `sitrep places --format jsonl` line)."""
    place, mention = pm.place, pm.mention
    return {
        "doc_id": mention.doc_id, "mention": mention.surface, "start": mention.start, "end": mention.end,
        "place_id": place.place_id if place else None, "location": place.name if place else None,
        "latitude": place.lat if place else None, "longitude": place.lon if place else None,
        "geo_precision": pm.geo_precision if place else None, "feature": place.kind if place else None,
        "admin1": admin1_name(place.admin1) if place else None, "score": round(pm.score, 3),
        "alternatives": [{"place_id": c.place.place_id, "location": c.place.name, "latitude": c.place.lat,
                          "longitude": c.place.lon, "score": round(c.score, 3)} for c in pm.alternatives],
        "resolved": pm.resolved, "note": pm.note, "cues": list(mention.cues),
    }


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def to_geojson(records: Iterable[dict[str, Any]]) -> str:
    """RFC 7946 FeatureCollection of the resolved records (longitude first)."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                 "properties": {k: v for k, v in r.items() if k not in ("latitude", "longitude")}}
                for r in records if r.get("latitude") is not None]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def places_table(records: list[dict[str, Any]], title: str = "") -> Any:
    """Place mentions for the terminal; every cell is text, never markup."""
    from rich.table import Table

    table = Table(title=terminal_text(title) if title else None)
    for column in ("mention", "location", "lat", "lon", "prec", "kind", "admin1", "score"):
        table.add_column(column)
    for r in records:
        resolved = r["resolved"]
        location = terminal_text(r["location"]) if r["location"] else terminal_text("unresolved", "red")
        table.add_row(terminal_text(r["mention"]), location,
                      f"{r['latitude']:.4f}" if resolved else "", f"{r['longitude']:.4f}" if resolved else "",
                      str(r["geo_precision"] or ""), terminal_text(r["feature"] or ""),
                      terminal_text(r["admin1"] or ""), f"{r['score']:.2f}")
    return table


# Characters of an event's evidence shown in a table row (the rest is cut, with "…").
EVIDENCE_SHOWN = 90
# ACLED's time precision codes in words: the date is known to the day, the week or the month.
PRECISION_WORDS = {1: "day", 2: "week", 3: "month"}


def precision_word(time_precision: int) -> str:
    """"day", "week" or "month" for ACLED's time precision 1, 2 or 3 (never "±3": it is no day count)."""
    return PRECISION_WORDS.get(time_precision, str(time_precision))


def shown_date(day: Any, time_precision: int) -> str:
    """A date with its precision for people: "2016-07-28", "2016-07-28 (week)", or "undated"."""
    if day is None:
        return "undated"
    return f"{day}" if time_precision == 1 else f"{day} ({precision_word(time_precision)})"


def events_table(events: list[Any], title: str = "", merged_ids: Mapping[str, str] | None = None) -> Any:
    """Events (one per report) for the terminal: its id (for `sitrep explain`), its merged event's id,
    when, what, who, where, how sure, and the evidence; every cell is text, never markup."""
    from rich.table import Table

    table = Table(title=terminal_text(title) if title else None, show_lines=False)
    columns = ["event id", *(["merged id"] if merged_ids is not None else []), "date", "sub-event type",
               "actor1 (side)", "location", "status", "evidence"]
    for column in columns:
        table.add_column(column, overflow="fold")
    for e in events:
        evidence = clean_text(e.evidence)
        merged = [terminal_text(merged_ids.get(e.event_id, ""))] if merged_ids is not None else []
        table.add_row(terminal_text(e.event_id), *merged, shown_date(e.event_date, e.time_precision),
                      terminal_text(e.sub_event_type),
                      terminal_text(f"{e.actor1} ({e.actor1_side})" if e.actor1 else ""),
                      terminal_text(e.location), terminal_text(e.fact_status),
                      terminal_text(evidence[:EVIDENCE_SHOWN] + ("…" if len(evidence) > EVIDENCE_SHOWN else "")))
    return table


def merged_table(merged: list[Any], title: str = "") -> Any:
    """Merged events for the terminal: id, when, what, where, status, how many reports and independent
    sources, their stances, disputes, confidence and report ids; every cell is text, never markup."""
    from rich.table import Table

    table = Table(title=terminal_text(title) if title else None, show_lines=False)
    for column in ("merged id", "date", "sub-event type", "location", "status", "reports", "sources",
                   "stances", "disputes", "confidence", "report ids"):
        table.add_column(column, overflow="fold")
    for m in merged:
        table.add_row(terminal_text(m.merged_id), shown_date(m.event_date, m.time_precision),
                      terminal_text(m.sub_event_type), terminal_text(m.location), terminal_text(m.fact_status),
                      str(m.reports_count), str(m.independent_sources), terminal_text(", ".join(m.stances)),
                      terminal_text("; ".join(m.disputes)), f"{m.confidence:.2f}",
                      terminal_text(", ".join(m.event_ids)))
    return table
