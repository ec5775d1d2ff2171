"""Place mentions as records people and programs read: JSON Lines, GeoJSON, a terminal table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sitrep.model import PlaceMention


def place_record(pm: PlaceMention) -> dict[str, Any]:
    """One mention as a flat record (the `sitrep places --format jsonl` line)."""
    place, mention = pm.place, pm.mention
    return {
        "doc_id": mention.doc_id, "mention": mention.surface, "start": mention.start, "end": mention.end,
        "place_id": place.place_id if place else None, "location": place.name if place else None,
        "latitude": place.lat if place else None, "longitude": place.lon if place else None,
        "geo_precision": pm.geo_precision if place else None, "feature": place.kind if place else None,
        "admin1": place.admin1 if place else None, "score": round(pm.score, 3),
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
    from rich.table import Table

    table = Table(title=title or None)
    for column in ("mention", "location", "lat", "lon", "prec", "kind", "admin1", "score"):
        table.add_column(column)
    for r in records:
        resolved = r["resolved"]
        table.add_row(r["mention"], r["location"] or "[red]unresolved[/red]",
                      f"{r['latitude']:.4f}" if resolved else "", f"{r['longitude']:.4f}" if resolved else "",
                      str(r["geo_precision"] or ""), r["feature"] or "", r["admin1"] or "", f"{r['score']:.2f}")
    return table


def events_table(events: list[Any], title: str = "") -> Any:
    """Events for the terminal: when, what, who, where, how sure, and the evidence."""
    from rich.table import Table

    table = Table(title=title or None, show_lines=False)
    for column in ("date", "sub-event type", "actor1 (side)", "location", "status", "evidence"):
        table.add_column(column, overflow="fold")
    for e in events:
        when = f"{e.event_date or ''}" + ("" if e.time_precision == 1 else f" ±{e.time_precision}")
        table.add_row(when, e.sub_event_type, f"{e.actor1} ({e.actor1_side})" if e.actor1 else "",
                      e.location, e.fact_status, e.evidence[:90] + ("…" if len(e.evidence) > 90 else ""))
    return table
