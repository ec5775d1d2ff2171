"""Build the gazetteer from the source data sets, and import GeoNames dumps.

Sources (see NOTICE): Who's On First `wof_sy.tsv` (CC BY 4.0, localities from GeoNames), Wikipedia's Syrian
Civil War detailed map `syria_wikimap.tsv` (CC BY-SA) and `syria_districts.tsv` (Wikipedia, CC BY-SA),
then GeoNames' populations and alternate names of Syrian cities (`geo_cities.tsv`, CC BY 4.0; see
`sitrep.geo.cities`).
The same place from two sources becomes one place with both sets of names.

Rules applied to the merged places, each so that a spelling nobody tuned for still finds its place:
- a facility does not keep its city's name ("Aleppo" of "Aleppo International Airport");
- a qualified village name gives its bare name ("Tukhar" for "Tukhar Kabir") unless another place sounds so;
- a district named "<part> of <its city>" is also "<part>" ("Old City"), for headings and context to place;
- a district from syria_districts.tsv has its city as parent, and so has a map mark of a facility (base,
  industrial, road, camp, airport, hill) within FACILITY_CITY_KM of a city: reconciling relates a report at
  such a place to a report at the city that names it;
- display names start with a letter: a primary name that starts with an ʿayn or hamza mark ("`Anadan") is
  shown as the first of the place's own plain-Latin names that sounds the same ("Anadan"), or else without
  the marks. This is chosen here, at build time, so every consumer of the file shows the same name.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from sitrep.errors import GazetteerError
from sitrep.geo.aliases import slug
from sitrep.geo.cities import read_city_table, with_city_populations
from sitrep.geo.gazetteer import PACKAGE_DATA, km_between, with_names
from sitrep.geo.translit import ARTICLES, fold, is_arabic, is_generic_word, phonetic, skeleton
from sitrep.model import Place

csv.field_size_limit(sys.maxsize)

# Two records of the same name closer than this are one place (km). Wikipedia's map marks and GeoNames
# points for one village differ by up to ~2 km; distinct villages that share a name are rarely this close.
MERGE_KM = 3.0
# A map label whose consonant skeleton is one letter is a place's name only when written with this many
# letters at least ("Shash", "Nawa"; not "A").
MIN_SPELLED_LETTERS = 4
# Grid cell for nearest-neighbour lookups (degrees; ~11 km), used to give map marks an admin unit.
GRID_DEG = 0.1
# GeoNames feature codes and WOF placetypes to sitrep kinds.
WOF_KIND = {"PPLC": "city", "PPLA": "city", "PPLA2": "town", "PPLA3": "town", "PPLX": "district",
            "PPLL": "village", "PPLQ": "village", "PPLF": "farm", "PPLS": "village", "PPLW": "village",
            "PPLH": "village", "STLMT": "village", "PPL": "village"}
TOWN_POPULATION = 10_000  # a PPL this populous is a town rather than a village
CITY_POPULATION = 100_000
WIKIMAP_KIND_SUFFIX = {"hill": "hill", "base": "base", "industry": "industrial", "air": "airport",
                       "oil": "oilfield", "heli": "base", "naval": "base"}
# English descriptor words in map labels; the label without them is also a name ("Al-Layramoun Garages").
DESCRIPTORS = frozenset(["garages", "garage", "complex", "industrial", "area", "zone", "base", "airbase", "airport", "military", "army", "artillery", "air", "defence", "defense", "sam", "brigade", "battalion", "regiment", "division", "academy", "college", "school", "factory", "plant", "station", "hospital", "roundabout", "checkpoint", "quarry", "quarries", "dam", "oilfield", "oil", "gas", "field", "fields", "farms", "farm", "camp", "prison", "silos", "silo", "bridge", "crossing", "junction", "village", "town", "city", "international", "power", "depot", "warehouses", "housing", "project", "hill", "hills", "syrian", "russian", "turkish", "kurdish", "iranian", "iraqi", "american", "government", "regime", "rebel", "army", "isis", "new", "old", "national", "the"])
HILL_PREFIXES = ("jabal", "jebel", "tall", "tell", "tal", "tel")
# Last words that tell apart villages of one name ("Tukhar Kabir" and "Tukhar Saghir", "Kurin Tahtani"):
# reports usually drop them, so the name without them is a name of the place too (see `_add_bare_names`).
QUALIFIERS = frozenset("""kabir kebir kabira kabirah kebire kebira saghir saghira saghirah sghir serhir serhire
tahtani fawqani faouqani foqani wastani sharqi sharqiyah sharqiya gharbi gharbiyah gharbiya shamali shamaliyah
shamaliya janubi janubiyah janubiya qibli qibliyah jadid jadida jadidah qadim qadima qadimah kubra sughra
wusta""".split())
# A bare name must keep at least this many consonants in its skeleton: shorter ones collide with hundreds.
MIN_BARE_KEY = 3
# Marks that romanisations put for ʿayn or hamza; a display name should not start with one ("`Anadan").
LEADING_MARKS = "`'‘’ʿʾ´"


def _latin_or_arabic(name: str) -> bool:
    """Keep names in Latin or Arabic script; the gazetteer has no use for the other 40 scripts."""
    for ch in name:
        if ch.isalpha():
            script = unicodedata.name(ch, "")
            if not (script.startswith("LATIN") or script.startswith("ARABIC")):
                return False
    return bool(fold(name))


def _clean_names(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        name = name.strip()
        if name and _latin_or_arabic(name) and name not in seen:
            seen.add(name)
            kept.append(name)
    return kept


def _read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))
    except OSError as e:
        raise GazetteerError(f"{path}: cannot read: {e}") from e


# --- Who's On First ----------------------------------------------------------------------------------------


def read_wof(path: Path) -> list[Place]:
    rows = _read_tsv(path)
    by_id = {r["wof_id"]: r for r in rows}
    places = []
    for row in rows:
        kind = _wof_kind(row)
        if kind is None:
            continue
        admin1, admin2 = _wof_admins(row, by_id)
        names = _clean_names([row["name"], *row["all_names"].split("|")])
        primary = row["name"] if _latin_or_arabic(row["name"]) else (names[0] if names else row["name"])
        places.append(Place(
            place_id=f"wof:{row['wof_id']}", name=primary, lat=float(row["lat"]), lon=float(row["lon"]),
            kind=kind, admin1=admin1, admin2=admin2, population=int(row["population"] or 0),
            names=tuple(names) or (primary,), sources=("wof",),
            geo_precision=3 if kind in ("governorate", "region", "country") else 1))
    return places


def _wof_kind(row: dict[str, str]) -> str | None:
    placetype = row["placetype"]
    if placetype == "region":
        return "governorate"
    if placetype == "county":
        return "region"
    if placetype == "country":
        return "country"
    if placetype == "campus":
        return "airport"
    if placetype == "neighbourhood":
        return "district"
    if placetype != "locality":
        return None
    kind = WOF_KIND.get(row["feature_code"], "village")
    population = int(row["population"] or 0)
    if kind in ("village", "town") and population >= CITY_POPULATION:
        return "city"
    if kind == "village" and population >= TOWN_POPULATION:
        return "town"
    return kind


def _wof_admins(row: dict[str, str], by_id: dict[str, dict[str, str]]) -> tuple[str, str]:
    admin1 = admin2 = ""
    current: dict[str, str] | None = row
    for _ in range(4):  # locality -> county -> region -> country
        if current is None:
            break
        if current["placetype"] == "county" and not admin2:
            admin2 = current["name"]
        if current["placetype"] == "region" and not admin1:
            admin1 = current["name"]
        current = by_id.get(current["parent_id"])
    return admin1, admin2


# --- Wikipedia's conflict map --------------------------------------------------------------------------------


def _split_label(label: str) -> list[str]:
    """'Castello complex & Tal' -> names; parenthesised words are kept as further names."""
    parts = re.split(r"\s*(?:&|/|\band\b)\s*", re.sub(r"\(([^)]*)\)", r"/\1", label))
    names = []
    for part in parts:
        part = part.strip(" ,-")
        if not part:
            continue
        names.append(part)
        words = part.split()
        core = [w for w in words if fold(w) not in DESCRIPTORS]
        if core and len(core) < len(words):
            names.append(" ".join(core))
    # a name of one consonant sound is a stray mark ("A"), unless it is spelled out ("Shash", "Nawa")
    return [n for n in names if len(skeleton(n)) >= 2 or sum(ch.isalpha() for ch in n) >= MIN_SPELLED_LETTERS]


def _wikimap_kind(mark: str, detail: str) -> str:
    if "dam" in detail.split(";")[-1].lower().split():
        return "dam"
    for suffix, kind in WIKIMAP_KIND_SUFFIX.items():
        if mark.endswith("_" + suffix):
            return kind
    if mark.startswith("pass_"):
        return "pass"
    if mark.startswith("BSicon"):
        return "road"
    return "village"


def _drawing_only(row: dict[str, str]) -> bool:
    """The city insets and the dots that only link to an article ("grey city dot (link to Battle of
    Aleppo)", drawn 8 km north of Aleppo) are drawing positions, not places."""
    detail = row["status_detail"]
    return "inset" in detail or "link to" in detail


def read_wikimap(path: Path) -> list[Place]:
    places = []
    for number, row in enumerate(_read_tsv(path), 2):
        if _drawing_only(row) or not row["lat"] or not row["lon"]:
            continue
        names = _clean_names(_split_label(row["label"]))
        if not names:
            continue
        kind = _wikimap_kind(row["mark"], row["status_detail"])
        if kind == "hill":
            names += [" ".join(n.split()[1:]) for n in names if fold(n).split()[0] in HILL_PREFIXES
                      and len(n.split()) > 1]
        places.append(Place(place_id=f"wikimap:{number}", name=names[0], lat=float(row["lat"]),
                            lon=float(row["lon"]), kind=kind, names=tuple(dict.fromkeys(names)),
                            sources=("wikimap",)))
    return places


# --- districts with published coordinates ------------------------------------------------------------------


def read_districts(path: Path) -> list[Place]:
    places = []
    for row in _read_tsv(path):
        names = _clean_names([row["name"], *row["alt_names"].split("|")])
        city = row.get("city", "")
        names += [short for short in (_without_city(n, city) for n in names) if short]
        places.append(Place(place_id=f"district:{slug(row['name'])}", name=row["name"],
                            lat=float(row["lat"]), lon=float(row["lon"]), kind=row["kind"] or "district",
                            names=tuple(names), sources=("districts",),
                            admin1=row.get("city", "")))
    return places


def _without_city(name: str, city: str) -> str:
    """"Old City" for "Old City of Aleppo" in Aleppo: reports name a city's part without its city, which the
    context (a heading, the places around it) supplies. Empty when the name does not end "of <city>"."""
    if not city:
        return ""
    match = re.fullmatch(rf"(.+?)\s+of\s+{re.escape(city)}", name, flags=re.IGNORECASE)
    return match.group(1) if match and len(skeleton(match.group(1))) >= MIN_BARE_KEY else ""


# --- merging -------------------------------------------------------------------------------------------------


class _Grid:
    """Places bucketed by GRID_DEG cells for neighbour queries."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.cells: dict[tuple[int, int], list[Place]] = defaultdict(list)
        for place in places:
            self.cells[self._cell(place.lat, place.lon)].append(place)

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return int(lat // GRID_DEG), int(lon // GRID_DEG)

    def near(self, lat: float, lon: float) -> Iterator[Place]:
        cy, cx = self._cell(lat, lon)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                yield from self.cells.get((cy + dy, cx + dx), ())


POINT_KINDS = frozenset({"village", "town", "city", "district", "farm"})
# Kinds of place whose names a facility named after them borrows ("Aleppo International Airport").
SETTLEMENT_KINDS = frozenset({"city", "town", "governorate"})
AREA_KINDS = frozenset({"governorate", "region", "country"})
# Kinds of map mark that belong to the city they lie on the edge of (a base, a factory, a ring road): a
# report at the city level speaks of them as the city's ("the siege by the Castello road").
FACILITY_KINDS = frozenset({"base", "industrial", "road", "camp", "airport", "hill"})
# Kilometres from a city's point within which such a mark gets the city as parent: Aleppo's and Damascus's
# built-up areas and their ring of bases and industrial zones reach 7-8 km from the city points; farther
# out a mark belongs to the countryside and its villages.
FACILITY_CITY_KM = 8.0


def merge_into(base: list[Place], extra: list[Place]) -> list[Place]:
    """Add `extra` places to `base`; one that names a base place within MERGE_KM becomes its extra names."""
    grid = _Grid(p for p in base if p.kind in POINT_KINDS)
    merged: dict[str, Place] = {p.place_id: p for p in base}
    localities = [p for p in base if p.kind in POINT_KINDS]
    cities: dict[str, Place] = {}
    for city in (p for p in base if p.kind == "city"):
        for name in city.names:
            cities.setdefault(fold(name), city)
    for place in extra:
        twin = _find_twin(place, grid) if place.kind in POINT_KINDS else None
        if twin is None:
            merged[place.place_id] = _in_city(place, cities) or _with_admin(place, grid, localities)
            continue
        current = merged[twin.place_id]
        merged[twin.place_id] = replace(with_names(current, place.names),
                                        sources=tuple(dict.fromkeys(current.sources + place.sources)))
    return list(merged.values())


def _find_twin(place: Place, grid: _Grid) -> Place | None:
    keys = {skeleton(n) for n in place.names if not is_arabic(n)}
    best: tuple[float, Place] | None = None
    for other in grid.near(place.lat, place.lon):
        if not keys & {skeleton(n) for n in other.names}:
            continue
        distance = km_between(place.lat, place.lon, other.lat, other.lon)
        if distance <= MERGE_KM and (best is None or distance < best[0]):
            best = (distance, other)
    return best[1] if best else None


def _in_city(place: Place, cities: dict[str, Place]) -> Place | None:
    """A district of syria_districts.tsv in the city it names, with the city's parent chain (its units are
    the city's, not those of its nearest filed village: Damascus's Barzeh lies nearer villages of Rural
    Damascus than any filed under Damascus); None for another place or a city not in the gazetteer."""
    city = cities.get(fold(place.admin1)) if "districts" in place.sources and place.kind != "city" else None
    if city is None:
        return None
    return replace(place, parent_id=city.place_id, admin1=city.admin1, admin2=city.admin2)


def _with_admin(place: Place, grid: _Grid, localities: list[Place]) -> Place:
    """Give a place without admin units those of its nearest locality."""
    if place.admin2:
        return place
    near = list(grid.near(place.lat, place.lon)) or localities
    nearest = min(near, key=lambda p: km_between(place.lat, place.lon, p.lat, p.lon), default=None)
    if nearest is None:
        return place
    return replace(place, admin1=nearest.admin1, admin2=nearest.admin2)


def apply_corrections(places: list[Place], path: Path) -> list[Place]:
    by_id = {p.place_id: p for p in places}
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        place = by_id.get(row["place_id"])
        if place is None:
            raise GazetteerError(f"{path}: correction for unknown place {row['place_id']}")
        field_name, value = row["field"], row["value"]
        if field_name == "lat":
            place = replace(place, lat=float(value))
        elif field_name == "lon":
            place = replace(place, lon=float(value))
        elif field_name == "name":
            place = replace(with_names(place, [value]), name=value)
        elif field_name == "kind":
            place = replace(place, kind=value)
        elif field_name == "drop_name":
            place = replace(place, names=tuple(n for n in place.names if n != value))
        else:
            raise GazetteerError(f"{path}: cannot correct field {field_name!r}")
        by_id[place.place_id] = place
    return [by_id[p.place_id] for p in places]


def _link_parents(places: list[Place]) -> list[Place]:
    """Districts from syria_districts.tsv name their city; link them to it."""
    cities: dict[str, Place] = {}
    for place in places:
        if place.kind == "city":
            for name in place.names:
                cities.setdefault(fold(name), place)
    out = []
    for place in places:
        city = cities.get(fold(place.admin1)) if "districts" in place.sources and place.kind != "city" else None
        if city is not None and city.place_id != place.place_id:
            place = replace(place, parent_id=city.place_id, admin1=city.admin1, admin2=city.admin2)
        out.append(place)
    return out


def _link_facilities(places: list[Place]) -> list[Place]:
    """A base, factory, road, camp, airport or hill without a parent that lies within FACILITY_CITY_KM of a
    city gets the nearest such city as parent (its admin units stay those of its nearest locality)."""
    cities = [p for p in places if p.kind == "city"]
    out = []
    for place in places:
        if place.kind in FACILITY_KINDS and not place.parent_id:
            near = [(km_between(place.lat, place.lon, c.lat, c.lon), c.place_id) for c in cities]
            distance, city_id = min(near, default=(FACILITY_CITY_KM + 1, ""))
            if distance <= FACILITY_CITY_KM:
                place = replace(place, parent_id=city_id)
        out.append(place)
    return out


def bare_name(name: str) -> str:
    """The name without its last word when that word is a qualifier ("Tukhar Kabir", "Kurin at-Tahtani":
    "Tukhar", "Kurin"), else ""."""
    words = name.split()
    if len(words) < 2 or fold(words[-1]).replace(" ", "") not in QUALIFIERS:
        return ""
    kept = words[:-1]
    if len(kept) > 1 and fold(kept[-1]) in ARTICLES:
        kept = kept[:-1]  # "al-Kabir" written as two words: "X al Kabir"
    bare = " ".join(kept).rstrip("-")
    if is_generic_word(bare) or len(skeleton(bare)) < MIN_BARE_KEY:
        return ""  # "Tall Kabir" -> "Tall": a lone generic word names nothing
    return bare


def _add_bare_names(places: list[Place]) -> list[Place]:
    """Give each qualified name's place its bare name ("Tukhar" to "Tukhar Kabir"), unless some place
    already has a name that sounds the same: then the bare name means that place, or is ambiguous."""
    taken = {phonetic(n) for p in places for n in p.names if not is_arabic(n)}
    out = []
    for place in places:
        bare = [b for b in map(bare_name, place.names) if b and phonetic(b) not in taken and not is_arabic(b)]
        out.append(with_names(place, bare) if bare else place)
    return out


def _drop_borrowed_city_names(places: list[Place]) -> list[Place]:
    """A facility's label without its descriptors ("Aleppo" of "Aleppo International Airport", "Hama" of
    "Hama Military Airport") is the name of the city it serves, not of the facility: drop such names, so a
    report's "Aleppo" is never read as its airport when the airport's neighbours are named."""
    settled = {fold(n) for p in places if p.kind in SETTLEMENT_KINDS for n in p.names}
    out = []
    for place in places:
        if place.kind in POINT_KINDS or place.kind in AREA_KINDS:
            out.append(place)
            continue
        kept = tuple(n for k, n in enumerate(place.names) if k == 0 or fold(n) not in settled)
        out.append(replace(place, names=kept) if kept != place.names else place)
    return out


def display_name(place: Place) -> str:
    """The name to show: the primary name, unless it starts with an ʿayn or hamza mark ("`Anadan",
    "ʿAyn al ʿArab"); then the first of the place's own Latin names that sounds the same and is written
    in plain letters ("Anadan"), or else the primary name with its marks removed."""
    if not place.name or place.name[0] not in LEADING_MARKS:
        return place.name
    key = phonetic(place.name)
    for name in place.names:
        if re.fullmatch(r"[A-Za-z][A-Za-z \-]*", name) and phonetic(name) == key:
            return name
    return re.sub(f"[{re.escape(LEADING_MARKS)}]", "", place.name).strip() or place.name


def _with_display_names(places: list[Place]) -> list[Place]:
    return [replace(p, name=name) if (name := display_name(p)) != p.name else p for p in places]


def build_gazetteer(data_dir: Path) -> list[Place]:
    """All places from the three source files in `data_dir`, merged, corrected and linked; qualified names
    also give their bare names, and display names start with a letter."""
    wof = apply_corrections(read_wof(data_dir / "wof_sy.tsv"), PACKAGE_DATA / "corrections.tsv")
    districts = read_districts(data_dir / "syria_districts.tsv")
    places = merge_into(wof, districts)
    places = merge_into(places, read_wikimap(data_dir / "syria_wikimap.tsv"))
    places = with_city_populations(places, read_city_table())  # GeoNames' populations and exonyms
    places = _link_facilities(_link_parents(places))
    places = _with_display_names(_add_bare_names(_drop_borrowed_city_names(places)))
    places.sort(key=lambda p: p.place_id)
    return places


# --- GeoNames dumps (any country file, or allCountries) ------------------------------------------------------

GEONAMES_COLUMNS = 19  # geonameid, name, asciiname, alternatenames, lat, lon, class, code, country, ...
GEONAMES_CLASSES = frozenset("PAST")  # populated places, admin units, spots (camps, bases), hills
GEONAMES_KIND = {"PPLC": "city", "PPLA": "city", "PPLA2": "town", "PPLA3": "town", "PPLX": "district",
                 "ADM1": "governorate", "ADM2": "region", "ADM3": "region", "HLL": "hill", "HLLS": "hill",
                 "MT": "hill", "MTS": "hill", "CMP": "camp", "CMPRF": "camp", "AIRP": "airport",
                 "AIRB": "airport", "MILB": "base", "DAM": "dam", "FRM": "farm", "FRMS": "farm", "RD": "road"}


def read_geonames(path: Path) -> Iterator[Place]:
    """Places of a GeoNames dump (tab-separated, GeoNames' 19 columns). Bad rows raise GazetteerError
    with their line number."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            for number, line in enumerate(f, 1):
                place = _geonames_row(line.rstrip("\n").split("\t"), f"{path}:{number}")
                if place is not None:
                    yield place
    except (OSError, UnicodeDecodeError) as e:
        raise GazetteerError(f"{path}: cannot read GeoNames dump: {e}") from e


def _geonames_row(cols: list[str], where: str) -> Place | None:
    if len(cols) < GEONAMES_COLUMNS:
        raise GazetteerError(f"{where}: expected {GEONAMES_COLUMNS} tab-separated columns, got {len(cols)}")
    feature_class, code = cols[6], cols[7]
    if feature_class not in GEONAMES_CLASSES:
        return None
    try:
        lat, lon, population = float(cols[4]), float(cols[5]), int(cols[14] or 0)
    except ValueError as e:
        raise GazetteerError(f"{where}: bad number: {e}") from e
    kind = GEONAMES_KIND.get(code, "village" if feature_class == "P" else "")
    if not kind:
        return None
    if kind == "village" and population >= CITY_POPULATION:
        kind = "city"
    elif kind == "village" and population >= TOWN_POPULATION:
        kind = "town"
    names = _clean_names([cols[1], cols[2], *cols[3].split(",")])
    return Place(place_id=f"geonames:{cols[0]}", name=cols[1], lat=lat, lon=lon, kind=kind,
                 admin1=f"{cols[8]}.{cols[10]}" if cols[10] else cols[8], population=population,
                 names=tuple(names) or (cols[1],), sources=("geonames",),
                 geo_precision=3 if kind in ("governorate", "region") else 1)
