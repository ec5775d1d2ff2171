"""Alias files: users extend the gazetteer with data, not code.

A TSV with a header row (lines starting with # are comments). Columns:

    names      one or more spellings, `|`-separated; the first is the display name
    place_id   an existing place these names belong to (then the other columns are ignored), or empty
    lat, lon   coordinates of a new place, or empty
    kind       district, hill, farm, camp, road, region... (default: district)
    parent     the place it lies in: a place id ("wof:421202163") or a city's name ("Aleppo")
    precision  1 the coordinates are the place's own; 2 approximate (ACLED's geo_precision); optional

A row with a parent and no coordinates is a district that no source places: it resolves to its parent's
coordinates with geo_precision 2, ACLED's convention for a named part of a city.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import GazetteerError
from sitrep.geo.translit import fold
from sitrep.model import Place

if TYPE_CHECKING:
    from sitrep.geo.gazetteer import Gazetteer

ALIAS_COLUMNS = ("names", "place_id", "lat", "lon", "kind", "parent", "precision")
# Kinds a district's parent may have, most likely first, when the parent is given by name.
PARENT_KINDS = ("city", "town", "village", "region", "governorate")


def slug(text: str) -> str:
    return "-".join(fold(text).split()) or "unnamed"


def find_parent(gazetteer: Gazetteer, parent: str) -> Place | None:
    """A parent given as a place id, or as a name: the most populous city/town of that exact name."""
    if ":" in parent and gazetteer.get(parent):
        return gazetteer.get(parent)
    wanted = fold(parent)
    named = [h.place for h in gazetteer.lookup(parent, fuzzy=False)
             if h.place.kind in PARENT_KINDS and any(fold(n) == wanted for n in h.place.names)]
    named.sort(key=lambda p: (PARENT_KINDS.index(p.kind), -p.population))
    return named[0] if named else None


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            lines = [(n, line) for n, line in enumerate(f, 1) if line.strip() and not line.startswith("#")]
    except OSError as e:
        raise GazetteerError(f"{path}: cannot read alias file: {e}") from e
    if not lines:
        return []
    reader = csv.DictReader((line for _, line in lines), delimiter="\t")
    missing = {"names"} - set(reader.fieldnames or ())
    if missing:
        raise GazetteerError(f"{path}: alias file needs a header with at least: names")
    return [(number, row) for (number, _), row in zip(lines[1:], reader, strict=False)]


def apply_alias_file(gazetteer: Gazetteer, path: Path) -> int:
    """Apply one alias file to the gazetteer in place; returns how many rows it applied."""
    from sitrep.geo.gazetteer import with_names

    applied = 0
    for number, row in _read_rows(path):
        names = [n.strip() for n in (row.get("names") or "").split("|") if n.strip()]
        if not names:
            continue
        place_id = (row.get("place_id") or "").strip()
        if place_id:
            target = gazetteer.get(place_id)
            if target is None:
                raise GazetteerError(f"{path}:{number}: unknown place_id {place_id!r}")
            gazetteer.add(with_names(target, names))
        else:
            gazetteer.add(_new_place(gazetteer, names, row, f"{path}:{number}"))
        applied += 1
    return applied


def _new_place(gazetteer: Gazetteer, names: list[str], row: dict[str, str], where: str) -> Place:
    parent_name = (row.get("parent") or "").strip()
    parent = find_parent(gazetteer, parent_name) if parent_name else None
    if parent_name and parent is None:
        raise GazetteerError(f"{where}: parent {parent_name!r} is not in the gazetteer")
    lat_text, lon_text = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
    try:
        if lat_text and lon_text:
            lat, lon = float(lat_text), float(lon_text)
            precision = int((row.get("precision") or "1").strip() or 1)
        elif parent is not None:
            lat, lon, precision = parent.lat, parent.lon, 2
        else:
            raise GazetteerError(f"{where}: a new place needs lat/lon or a parent")
    except ValueError as e:
        raise GazetteerError(f"{where}: bad number: {e}") from e
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GazetteerError(f"{where}: coordinates out of range ({lat}, {lon})")
    base = Place(place_id=f"alias:{slug(names[0])}", name=names[0], lat=lat, lon=lon,
                 kind=(row.get("kind") or "district").strip() or "district", names=tuple(names),
                 sources=("alias",), geo_precision=precision)
    if parent is not None:
        base = replace(base, parent_id=parent.place_id, admin1=parent.admin1, admin2=parent.admin2)
    return base
