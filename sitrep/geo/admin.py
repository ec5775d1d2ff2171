"""A point's administrative units (governorate, district) in ACLED's spellings, for the ACLED export.

Where the point is a gazetteer place, the gazetteer's own hierarchy answers: Who's On First files every
locality under its county (an OCHA district) and governorate, so a village's `admin1`/`admin2` are read
off its entry and respelled as ACLED writes them (`data/admin1_names.tsv`, `data/admin2_names.tsv`).

Where the place has no district in its chain (a hill, base or dam that only Wikipedia's map places, a
district of a city, a point with no gazetteer entry), no bundled boundaries answer: no package on PyPI or
npm ships Syria's district polygons (Natural Earth stops at governorates), so the point takes the district
most of its nearest gazetteer localities lie in, within `NEIGHBOUR_KM`. When the gazetteer knows the
place's governorate, only that governorate's districts vote (a governorate of one district, Damascus, has
it outright, not inferred): a point never gets a district of the governorate next door, however its neighbours lie
(Damascus city's Yarmouk camp or Barzeh, whose nearest filed villages are in Rural Damascus). Near a
district border the vote can still name the neighbouring district of the same governorate: the answer
says it was inferred (`AdminUnits.inferred`), and the export says so in `tags`.

A governorate or a region that the gazetteer files under no district has only `admin1`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from sitrep.admin1 import acled_admin1
from sitrep.model import Place

ADMIN2_TABLE: Final = Path(__file__).resolve().parent.parent / "data" / "admin2_names.tsv"

# How far a point's neighbours may lie for their district to be its own, km: about the radius of a small
# Syrian district's settled core; beyond it (open desert) a vote would guess.
NEIGHBOUR_KM: Final = 15.0
# How many of the nearest localities vote on a district: enough that one mis-filed village is outvoted,
# few enough that the vote stays local.
NEIGHBOURS: Final = 5
# The grid cell of the neighbour index, degrees: about 11 km of latitude and, at Syria's latitudes (32-37°N),
# 9 km of longitude or more, so cells two deep around a point cover NEIGHBOUR_KM.
CELL_DEGREES: Final = 0.1
EARTH_RADIUS_KM: Final = 6371.0
# A degree of longitude at Syria's northern edge, km: the narrowest a grid cell gets there.
KM_PER_DEGREE_AT_37N: Final = 88.8
# Kinds of place that are larger than a district: they have a governorate, never a district of their own.
ABOVE_DISTRICT: Final = frozenset({"governorate", "region", "country"})


@dataclass(frozen=True, slots=True)
class District:
    gazetteer: str  # the gazetteer's spelling (Who's On First's county name)
    acled: str  # ACLED's spelling
    pcode: str  # OCHA's P-code
    admin1: str  # its governorate, the gazetteer's spelling


@dataclass(frozen=True, slots=True)
class AdminUnits:
    """A point's units in ACLED's spellings, "" where unknown; `inferred` when read from neighbours."""

    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    inferred: bool = False


@cache
def districts(path: Path = ADMIN2_TABLE) -> Mapping[str, District]:
    """The districts of `admin2_names.tsv`, by their gazetteer spelling."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gazetteer, acled, pcode, admin1 = line.split("\t")[:4]
        found[gazetteer] = District(gazetteer, acled, pcode, admin1)
    return found


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


class AdminLookup:
    """Administrative units for gazetteer places and bare points. Build it once from the gazetteer's
    places (`AdminLookup(gazetteer.places)`) and pass it to the export."""

    def __init__(self, places: Iterable[Place], table: Mapping[str, District] | None = None) -> None:
        self._districts = table if table is not None else districts()
        self._by_governorate: dict[str, list[District]] = defaultdict(list)
        for district in self._districts.values():
            self._by_governorate[district.admin1].append(district)
        self._places: dict[str, Place] = {}
        self._grid: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
        for place in places:
            self._places[place.place_id] = place
            if place.admin2 in self._districts and place.kind not in ABOVE_DISTRICT:
                self._grid[_cell(place.lat, place.lon)].append((place.lat, place.lon, place.admin2))

    def units(self, place_id: str = "", lat: float | None = None, lon: float | None = None) -> AdminUnits:
        """The units of the gazetteer place `place_id`, else of the point (`lat`, `lon`)."""
        place = self._places.get(place_id) if place_id else None
        if place is not None and place.admin1 and not acled_admin1(place.admin1):
            return AdminUnits()  # a place abroad ("Akkar", Lebanon): no Syrian unit, however near
        if place is not None and place.admin2 in self._districts:  # a district's countryside included
            return self._of_district(self._districts[place.admin2], inferred=False)
        if place is not None and place.kind in ABOVE_DISTRICT:
            return AdminUnits(admin1=acled_admin1(place.admin1) or acled_admin1(place.name))
        if place is not None:
            lat, lon = place.lat, place.lon
        governorate = place.admin1 if place is not None and place.admin1 in self._by_governorate else ""
        if len(self._by_governorate.get(governorate, ())) == 1:  # Damascus: its governorate says it
            return self._of_district(self._by_governorate[governorate][0], inferred=False)
        if lat is None or lon is None:
            return AdminUnits(admin1=acled_admin1(place.admin1) if place is not None else "")
        nearest = self.nearest_district(lat, lon, governorate)
        if nearest is None:
            return AdminUnits(admin1=acled_admin1(place.admin1) if place is not None else "")
        return self._of_district(nearest, inferred=True)

    def _of_district(self, district: District, *, inferred: bool) -> AdminUnits:
        return AdminUnits(admin1=acled_admin1(district.admin1), admin2=district.acled, inferred=inferred)

    def nearest_district(self, lat: float, lon: float, governorate: str = "") -> District | None:
        """The district most of the `NEIGHBOURS` nearest localities within `NEIGHBOUR_KM` lie in (ties: the
        nearest one's), or None with none that near. With `governorate` (the gazetteer's spelling), only
        its districts count."""
        own = {d.gazetteer for d in self._by_governorate.get(governorate, ())}
        row, column = _cell(lat, lon)
        reach = math.ceil(NEIGHBOUR_KM / (CELL_DEGREES * KM_PER_DEGREE_AT_37N))
        found = []
        for r in range(row - reach, row + reach + 1):
            for c in range(column - reach, column + reach + 1):
                for plat, plon, admin2 in self._grid.get((r, c), ()):
                    km = _km(lat, lon, plat, plon)
                    if km <= NEIGHBOUR_KM and (not own or admin2 in own):
                        found.append((km, admin2))
        if not found:
            return None
        found.sort()
        votes = Counter(admin2 for _, admin2 in found[:NEIGHBOURS])
        top = max(votes.values())
        winner = next(admin2 for _, admin2 in found if votes[admin2] == top)
        return self._districts[winner]

