"""Administrative units for the ACLED export (sitrep/geo/admin.py, data/admin2_names.tsv): real gazetteer
places that the dev corpus and the gold sets name, read through the real gazetteer."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sitrep.admin1 import acled_admin1, governorates
from sitrep.geo.admin import AdminLookup, AdminUnits, districts


@pytest.fixture(scope="module")
def admins(gazetteer: Any) -> AdminLookup:
    return AdminLookup(gazetteer.places)


def test_export_admin_table_has_syrias_62_districts_each_in_a_governorate() -> None:
    table = districts()
    assert len(table) == 62
    acled_governorates = {g.acled for g in governorates()}
    pcodes = [d.pcode for d in table.values()]
    assert len(set(pcodes)) == 62 and all(re.fullmatch(r"SY\d{4}", p) for p in pcodes)
    for district in table.values():
        assert acled_admin1(district.admin1) in acled_governorates, district
    # a district named like its governorate's capital is spelled as ACLED spells the governorate
    assert table["Deir-ez-Zor"].acled == acled_admin1("Days Az Zawr") == "Deir ez Zor"
    assert table["Al-Hasakeh"].acled == "Al Hasakeh" and table["Dar'a"].acled == "Dara"
    assert table["Jebel Saman"].acled == "Jebel Saman"  # the Aleppo district, OCHA's name


def test_export_admin_gazetteer_districts_are_all_known_but_foreign_or_stray_ones(gazetteer: Any) -> None:
    """Every district the gazetteer files a place under is in the table, but the three Who's On First
    counties that are no Syrian district: those places are placed by their neighbours instead."""
    filed = {p.admin2 for p in gazetteer.places if p.admin2}
    assert filed - set(districts()) <= {"Merkez", "Akkar", "Rashaya"}
    assert len(filed & set(districts())) >= 60


@pytest.mark.parametrize(("place_id", "expected"), [
    ("wof:1259875427", AdminUnits("Aleppo", "Jebel Saman")),  # Handarat, north of Aleppo city
    ("wikimap:2085", AdminUnits("Aleppo", "Jebel Saman")),  # Ramouseh Military Complex (Wikipedia's map)
    ("wof:1108779205", AdminUnits("Aleppo", "Menbij")),  # "Manbij countryside": the district itself
    ("wof:1108779157", AdminUnits("Deir ez Zor", "Deir ez Zor")),
    ("wof:85678391", AdminUnits("Rural Damascus", "")),  # a governorate has no district
    ("wof:85678377", AdminUnits("Al Hasakeh", "")),
    ("wof:421177699", AdminUnits()),  # Akkar, Lebanon: no Syrian unit, however near
])
def test_export_admin_units_from_the_gazetteers_hierarchy(admins: AdminLookup, place_id: str,
                                                          expected: AdminUnits) -> None:
    assert admins.units(place_id) == expected


def test_export_admin_units_of_a_place_without_a_district_from_its_neighbours(admins: AdminLookup,
                                                                               gazetteer: Any) -> None:
    damascus = gazetteer.get("wof:421202165")  # the city: Who's On First files it under no county
    assert damascus.admin2 == ""
    # its governorate has one district (Damascus, SY0100): that is its district, not a guess
    assert admins.units(damascus.place_id) == AdminUnits("Damascus", "Damascus")
    # a bare point (no gazetteer entry) at Handarat's coordinates
    assert admins.units(lat=36.2889, lon=37.1609) == AdminUnits("Aleppo", "Jebel Saman", inferred=True)
    # the Iraqi desert: no locality within reach, no guess
    assert admins.units(lat=33.0, lon=41.5) == AdminUnits()
    assert admins.units() == AdminUnits()


def test_export_admin_every_syrian_locality_gets_a_district(admins: AdminLookup, gazetteer: Any) -> None:
    """All but a few Syrian villages and towns (in open desert, none within reach) are given a district."""
    syrian = [p for p in gazetteer.places if p.kind in ("village", "town", "city") and
              (not p.admin1 or acled_admin1(p.admin1))]
    placed = [p for p in syrian if admins.units(p.place_id).admin2]
    assert len(placed) >= 0.99 * len(syrian)


@pytest.mark.parametrize("place_id", ["district:barzeh", "district:qaboun", "district:jobar", "district:yarmouk-camp"])
def test_export_admin_districts_of_damascus_city_are_in_damascus(admins: AdminLookup, gazetteer: Any,
                                                                   place_id: str) -> None:
    """Wikipedia's districts of Damascus city lie nearer villages filed under Rural Damascus than any filed
    under Damascus: the gazetteer files them under their city (its parent chain), and so does the export."""
    place = gazetteer.get(place_id)
    assert place.parent_id == "wof:421202165" and place.admin1 == "Damascus"
    assert admins.units(place_id) == AdminUnits("Damascus", "Damascus")


def test_export_admin_a_point_never_takes_a_district_of_another_governorate(admins: AdminLookup,
                                                                            gazetteer: Any) -> None:
    """Where the gazetteer knows a Syrian place's governorate, the export's admin1 is that governorate, however
    its neighbours lie; only its own districts vote on its district."""
    syrian = [p for p in gazetteer.places if acled_admin1(p.admin1) and p.kind not in ("governorate", "region")]
    crossed = [p.place_id for p in syrian if admins.units(p.place_id).admin1 not in ("", acled_admin1(p.admin1))]
    assert crossed == []
    barzeh = (33.556667, 36.320556)  # a bare point there: its nearest filed villages are in Rural Damascus
    nearest = admins.nearest_district(*barzeh)
    assert nearest is not None and nearest.admin1 == "Rif Dimashq"
    assert admins.nearest_district(*barzeh, "Aleppo") is None  # no Aleppo district within reach
