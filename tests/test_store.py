"""The store on a real SQLite file and a real PostgreSQL database (tests/conftest.py): round trips, idempotent ingest, all-or-nothing saves, filters, migrations.

The reports are short sentences written for these tests, not article text.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect

from sitrep.errors import StoreError
from sitrep.model import FACT_STATUSES, HAPPENED, Document, Event, Place, Reject, Span
from sitrep.store import Store, database_url, haversine_km, open_store
from sitrep.store.database import SQLITE_WAL_AUTOCHECKPOINT_PAGES, current_revision, head_revision

ALEPPO = Place("wof:101751555", "Aleppo", 36.2021, 37.1343, "city", admin1="Aleppo")
RAMOUSEH = Place("district:ramouseh", "Ramouseh", 36.1706, 37.1586, "district", admin1="Aleppo")
DARAYA = Place("wof:421197917", "Daraya", 33.4558, 36.2361, "town", admin1="Rif Dimashq")

REPORT_ALEPPO = (
    "Army units backed by allied militias retook the Ramouseh artillery school on Saturday, state media said. "
    "The so-called moderate rebels shelled western Aleppo overnight, wounding four people.")
REPORT_DARAYA = (
    "Opposition fighters clashed with government troops on the edge of Daraya on Tuesday. "
    "Residents said regime helicopters dropped barrel bombs on the town later that day.")


def aleppo_document(text: str = REPORT_ALEPPO) -> Document:
    return Document(doc_id="wire-aleppo", text=text, source="Wire Desk", url="https://example.org/aleppo",
                    published=date(2016, 8, 8), stance="neutral", title="Fighting in Aleppo")


def daraya_document() -> Document:
    return Document(doc_id="opposition-daraya", text=REPORT_DARAYA, source="Free Voice",
                    url="https://example.org/daraya", published=date(2016, 8, 20), stance="opposition")


def make_event(document: Document, event_id: str, evidence: str, *, place: Place | None = None,
               **fields: object) -> Event:
    """An event whose evidence is `evidence` found verbatim in the document, with its provenance."""
    start = document.text.index(evidence)
    base = Event(
        event_id=event_id, doc_id=document.doc_id, event_date=document.published, time_precision=1,
        event_type="Battles", sub_event_type="Armed clash", actor1="Syrian Arab Army",
        actor1_side="government", actor2="", actor2_side="", location=place.name if place else "",
        latitude=place.lat if place else None, longitude=place.lon if place else None,
        geo_precision=1, fact_status="reported", evidence=evidence, evidence_start=start,
        evidence_end=start + len(evidence), place_id=place.place_id if place else "",
        admin1=place.admin1 if place else "", source=document.source, stance=document.stance,
        url=document.url, published=document.published)
    return replace(base, **fields)  # type: ignore[arg-type]


def aleppo_events(document: Document) -> list[Event]:
    retaking = make_event(
        document, "wire-aleppo-1", document.text.split(". ")[0] + ".", place=RAMOUSEH,
        event_date=date(2016, 8, 6), event_type="Strategic developments",
        sub_event_type="Government regains territory", actor2="Jaysh al-Fatah", actor2_side="opposition",
        fact_status="attributed_claim", claimant="state media", confidence=0.8, notes=("date from weekday",))
    framing_at = document.text.index("so-called moderate rebels")
    shelling = make_event(
        document, "wire-aleppo-2", "The so-called moderate rebels shelled western Aleppo overnight, wounding "
        "four people.", place=ALEPPO, event_date=date(2016, 8, 7), event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack", actor1="Rebels", actor1_side="opposition",
        actor2="Civilians", actor2_side="civilians", geo_precision=2, hedges=("overnight",),
        framing=(Span(framing_at, framing_at + len("so-called moderate rebels"), "so-called moderate rebels",
                      "doubt"),))
    return [retaking, shelling]


def daraya_events(document: Document) -> list[Event]:
    clash = make_event(document, "opp-daraya-1", document.text.split(". ")[0] + ".", place=DARAYA,
                       event_date=date(2016, 8, 16), actor1="Free Syrian Army", actor1_side="opposition",
                       actor2="Syrian Arab Army", actor2_side="government")
    barrels = make_event(document, "opp-daraya-2", "regime helicopters dropped barrel bombs on the town",
                         place=DARAYA, event_date=date(2016, 8, 16), event_type="Explosions/Remote violence",
                         sub_event_type="Air/drone strike", actor1="Syrian Arab Air Force",
                         fact_status="attributed_claim", claimant="Residents")
    return [clash, barrels]


@pytest.fixture
def store(backend_url: str) -> Iterator[Store]:
    """An empty migrated store: a SQLite file, and a PostgreSQL database where one can be had."""
    with open_store(backend_url) as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    aleppo, daraya = aleppo_document(), daraya_document()
    store.save_document(aleppo, aleppo_events(aleppo), [ALEPPO, RAMOUSEH])
    store.save_document(daraya, daraya_events(daraya), [DARAYA])
    return store


def ids(events: list[Event]) -> list[str]:
    return [e.event_id for e in events]


def test_store_database_url_from_path_or_url() -> None:
    assert database_url("sitrep.db") == "sqlite:///sitrep.db"
    assert database_url("/var/lib/sitrep.db") == "sqlite:////var/lib/sitrep.db"
    assert database_url("postgresql://u@host/sitrep") == "postgresql+psycopg://u@host/sitrep"
    assert database_url("postgres://u@host/sitrep") == "postgresql+psycopg://u@host/sitrep"
    assert database_url("postgresql+psycopg://u@/s?host=/run") == "postgresql+psycopg://u@/s?host=/run"
    assert database_url(":memory:") == "sqlite://"


def test_store_migrations_create_schema_on_fresh_file_and_are_noop_on_reopen(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    with open_store(str(path)) as store:
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
        indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("events")}
    assert {"sources", "documents", "places", "actors", "events", "evidence", "framing_spans",
            "rejects", "alembic_version"} <= tables
    assert {"ix_events_event_date", "ix_events_event_type", "ix_events_fact_status",
            "ix_events_place_id"} <= indexes
    document = aleppo_document()
    with open_store(str(path)) as store:
        store.save_document(document, aleppo_events(document), [ALEPPO, RAMOUSEH])
    with open_store(str(path)) as store:  # second and third opens: already at head, data kept
        assert current_revision(store.engine) == head_revision()
        assert store.counts()["events"] == 2


def test_store_migrations_match_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sitrep.store.schema import Base
    from sitrep.store.spatial import include_in_models

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_in_models})
        assert compare_metadata(context, Base.metadata) == []


def test_store_migrations_go_down_to_nothing_and_up_again(backend_url: str) -> None:
    # Every revision's downgrade and upgrade runs on each backend; a store filled at head, emptied down to
    # no sitrep table, then migrated again, is usable (PostGIS index included). On SQLite, revisions that
    # rebuild a table other rows refer to (0002's downgrade rebuilds `places`) need foreign keys off.
    from sitrep.store.database import migrate_database
    from sitrep.store.spatial import POSTGIS_OWNED

    with open_store(backend_url) as store:
        document = aleppo_document()
        store.save_document(document, aleppo_events(document), [ALEPPO, RAMOUSEH])
        migrate_database(store.engine, "base", downgrade=True)
        assert set(inspect(store.engine).get_table_names()) - POSTGIS_OWNED <= {"alembic_version"}
    with open_store(backend_url) as store:
        assert current_revision(store.engine) == head_revision()
        assert store.counts()["events"] == 0
        store.save_document(document, aleppo_events(document), [ALEPPO, RAMOUSEH])
        assert ids(store.query_events(near=(ALEPPO.lat, ALEPPO.lon), km=10)) == ["wire-aleppo-1", "wire-aleppo-2"]


@pytest.mark.slow
def test_store_processes_opening_a_new_database_at_once_all_succeed(backend_url: str) -> None:
    # An ingest and an API server started together on a new database: one migrates, the others wait or
    # roll back and find it migrated; with PostGIS, its extension and index are made once.
    import subprocess
    import sys

    opener = "import sys; from sitrep.store import open_store; open_store(sys.argv[1]).close()"
    processes = [subprocess.Popen([sys.executable, "-c", opener, backend_url], stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    with open_store(backend_url) as store:
        assert current_revision(store.engine) == head_revision()
        store.save_document(aleppo_document(), aleppo_events(aleppo_document()), [ALEPPO, RAMOUSEH])
        assert len(store.query_events(near=(ALEPPO.lat, ALEPPO.lon), km=10)) == 2


def test_store_event_flags_round_trip_and_older_rows_take_them_from_their_notes(backend_url: str) -> None:
    # 0011: the Event's typed flags are columns; rows written before it take them from the notes once
    from sitrep.store.database import migrate_database

    document = aleppo_document()
    retaking, shelling = aleppo_events(document)
    retaking = replace(retaking, notes=("side that gained ground not stated",), gainer_stated=False)
    shelling = replace(shelling, notes=("no date in the text: dated to the publication week",), date_stated=False)
    with open_store(backend_url) as store:
        store.save_document(document, [retaking, shelling], [ALEPPO, RAMOUSEH])
        flags = {e.event_id: (e.date_stated, e.gainer_stated) for e in store.query_events()}
        assert flags == {"wire-aleppo-1": (True, False), "wire-aleppo-2": (False, True)}
        migrate_database(store.engine, "0010", downgrade=True)
        migrate_database(store.engine, "head")
        assert {e.event_id: (e.date_stated, e.gainer_stated) for e in store.query_events()} == flags


def test_store_sqlite_migration_refuses_broken_references_and_changes_nothing(tmp_path: Path) -> None:
    from sitrep.store.database import migrate_database

    with open_store(str(tmp_path / "orphan.db")) as store:
        with store.engine.connect() as connection:  # a row pointing nowhere, written with the checks off
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.exec_driver_sql("INSERT INTO evidence (event_id, start, \"end\", text) VALUES ('gone', 0, 1, 'x')")
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        tables = set(inspect(store.engine).get_table_names())
        with pytest.raises(StoreError, match="break references"):
            migrate_database(store.engine, "0001", downgrade=True)
        assert current_revision(store.engine) == head_revision()
        assert set(inspect(store.engine).get_table_names()) == tables  # the whole downgrade rolled back


def test_store_migrations_render_portable_postgresql_ddl() -> None:
    from alembic import command

    from sitrep.store.database import migration_config

    config = migration_config()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)  # offline: no server, only the dialect
    ddl = config.output_buffer.getvalue()
    assert "CREATE TABLE events" in ddl and "hedges JSON NOT NULL" in ddl
    assert "CREATE INDEX ix_events_event_date ON events (event_date)" in ddl
    assert "PRAGMA" not in ddl and "AUTOINCREMENT" not in ddl


def test_store_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    with open_store(str(path)) as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # checkpoints every few merge steps, not after each (see SQLITE_WAL_AUTOCHECKPOINT_PAGES)
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == SQLITE_WAL_AUTOCHECKPOINT_PAGES > 1000


def test_store_save_then_query_round_trip_equals(store: Store) -> None:
    document = aleppo_document()
    events = aleppo_events(document)
    result = store.save_document(document, events, [ALEPPO, RAMOUSEH])
    assert not result.duplicate and result.events == 2 and result.places == 2
    assert store.query_events() == events


def test_store_same_document_twice_changes_nothing(store: Store) -> None:
    document = aleppo_document()
    store.save_document(document, aleppo_events(document), [ALEPPO, RAMOUSEH])
    before = store.counts()
    again = store.save_document(replace(document, doc_id="wire-aleppo-copy"), [], [DARAYA])
    assert again.duplicate and again.events == 0
    assert store.counts() == before == {"documents": 1, "events": 2, "places": 2, "rejects": 0}


def test_store_inconsistent_evidence_raises_and_writes_nothing(store: Store) -> None:
    document = aleppo_document()
    good, shifted = aleppo_events(document)
    shifted = replace(shifted, evidence_start=shifted.evidence_start + 1)
    with pytest.raises(StoreError, match="evidence does not match"):
        store.save_document(document, [good, shifted], [ALEPPO, RAMOUSEH])
    assert store.counts() == {"documents": 0, "events": 0, "places": 0, "rejects": 0}
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM documents").scalar() == 0


def test_store_database_failure_rolls_back_whole_document(store: Store) -> None:
    first = aleppo_document()
    store.save_document(first, aleppo_events(first), [ALEPPO, RAMOUSEH])
    second = daraya_document()
    clash, barrels = daraya_events(second)
    reused_id = replace(barrels, event_id="wire-aleppo-1")  # primary key taken: fails inside the database
    with pytest.raises(StoreError, match="cannot save document opposition-daraya") as caught:
        store.save_document(second, [clash, reused_id], [DARAYA])
    assert caught.value.__cause__ is not None
    assert store.counts() == {"documents": 1, "events": 2, "places": 2, "rejects": 0}
    assert store.query_events(source="Free Voice") == []


@pytest.mark.parametrize("change, message", [
    ({"doc_id": "another"}, "doc_id"),
    ({"source": "Other Desk"}, "source"),
    ({"fact_status": "rumoured"}, "fact_status"),
    ({"latitude": 95.0}, "out of range"),
    ({"longitude": None}, "both"),
    ({"place_id": "wof:0"}, "neither stored nor passed"),
    ({"framing": (Span(0, 4, "Army", "name_calling"), Span(5, 9, "xxxx", "doubt"))}, "framing span"),
])
def test_store_inconsistent_event_is_refused(store: Store, change: dict[str, object], message: str) -> None:
    document = aleppo_document()
    event = replace(aleppo_events(document)[0], **change)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match=message):
        store.save_document(document, [event], [ALEPPO, RAMOUSEH])
    assert store.counts()["documents"] == 0


def test_store_repeated_event_id_is_refused(store: Store) -> None:
    document = aleppo_document()
    first, _ = aleppo_events(document)
    with pytest.raises(StoreError, match="appears twice"):
        store.save_document(document, [first, first], [RAMOUSEH])


def test_store_event_without_provenance_inherits_document(store: Store) -> None:
    document = aleppo_document()
    bare = replace(aleppo_events(document)[0], source="", stance="", url="", published=None)
    store.save_document(document, [bare], [RAMOUSEH])
    assert store.query_events() == [aleppo_events(document)[0]]


def test_store_place_already_stored_is_reused(filled: Store) -> None:
    document = aleppo_document("Rebels fired mortars at the Ramouseh district again on Sunday.")
    event = make_event(document, "wire-aleppo-3", document.text, place=RAMOUSEH)
    result = filled.save_document(document, [event])  # RAMOUSEH not passed: already stored
    assert result.places == 0
    assert filled.counts()["places"] == 3


def test_store_filter_by_date_range(filled: Store) -> None:
    assert ids(filled.query_events(since=date(2016, 8, 7))) == ["wire-aleppo-2", "opp-daraya-1", "opp-daraya-2"]
    assert ids(filled.query_events(until=date(2016, 8, 7))) == ["wire-aleppo-1", "wire-aleppo-2"]
    assert ids(filled.query_events(since=date(2016, 8, 7), until=date(2016, 8, 7))) == ["wire-aleppo-2"]


def test_store_filter_by_type_and_sub_type(filled: Store) -> None:
    assert ids(filled.query_events(event_type="Explosions/Remote violence")) == ["wire-aleppo-2", "opp-daraya-2"]
    assert ids(filled.query_events(sub_event_type="Government regains territory")) == ["wire-aleppo-1"]
    assert ids(filled.query_events(event_type={"Battles", "Strategic developments"})) == [
        "wire-aleppo-1", "opp-daraya-1"]


def test_store_filter_by_side_matches_either_actor(filled: Store) -> None:
    assert ids(filled.query_events(side="civilians")) == ["wire-aleppo-2"]
    assert ids(filled.query_events(side="opposition")) == ["wire-aleppo-1", "wire-aleppo-2", "opp-daraya-1"]
    assert filled.query_events(side="isis") == []


def test_store_filter_by_status_and_source(filled: Store) -> None:
    assert ids(filled.query_events(status="attributed_claim")) == ["wire-aleppo-1", "opp-daraya-2"]
    assert len(filled.query_events(status=HAPPENED)) == 4
    assert ids(filled.query_events(source="Free Voice")) == ["opp-daraya-1", "opp-daraya-2"]
    assert ids(filled.query_events(source="Free Voice", status="reported")) == ["opp-daraya-1"]


def test_store_filter_near_km_uses_great_circle_distance(filled: Store) -> None:
    citadel = (36.1993, 37.1630)  # ~2.6 km from Aleppo's centroid, ~3.2 km from Ramouseh
    assert haversine_km(citadel, (ALEPPO.lat, ALEPPO.lon)) < 3
    assert ids(filled.query_events(near=citadel, km=5)) == ["wire-aleppo-1", "wire-aleppo-2"]
    assert ids(filled.query_events(near=citadel, km=3)) == ["wire-aleppo-2"]
    assert ids(filled.query_events(near=citadel, km=316)) == ["wire-aleppo-1", "wire-aleppo-2"]
    assert len(filled.query_events(near=citadel, km=317)) == 4  # Daraya is 316.6 km away
    assert ids(filled.query_events(near=citadel, km=5, limit=1)) == ["wire-aleppo-1"]


def test_store_distance_search_needs_near_and_km(filled: Store) -> None:
    with pytest.raises(StoreError, match="near"):
        filled.query_events(near=(36.2, 37.1))


def test_store_limit_and_order_undated_last(store: Store) -> None:
    document = daraya_document()
    clash, barrels = daraya_events(document)
    store.save_document(document, [replace(clash, event_date=None), barrels], [DARAYA])
    assert ids(store.query_events()) == ["opp-daraya-2", "opp-daraya-1"]
    assert ids(store.query_events(limit=1)) == ["opp-daraya-2"]


def test_store_rejects_are_recorded(store: Store) -> None:
    rejects = [Reject("reports/broken.html", "no text after removing boilerplate"),
               Reject("batch.jsonl:12", "not valid JSON", stage="ingest"),
               Reject("wire-aleppo", "no event found", stage="events")]
    for reject in rejects:
        store.save_reject(reject)
    assert store.rejects() == rejects
    assert store.counts()["rejects"] == 3


def test_store_open_unreachable_database_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "missing-folder" / "sitrep.db"))


# --- property tests -------------------------------------------------------------------------------

SAFE_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30)
SIDES = st.sampled_from(["government", "opposition", "kurdish", "isis", "russia", "turkey", "us_coalition",
                         "civilians", "unknown", ""])
FINITE = st.floats(allow_nan=False, allow_infinity=False)
_unique = itertools.count()


@st.composite
def document_with_events(draw: st.DrawFn) -> tuple[Document, list[Event], list[Place]]:
    n = next(_unique)
    text = draw(SAFE_TEXT.filter(bool)) + f" #{n:08d}"  # unique (fixed width: same draws on replay)
    document = Document(doc_id=f"doc-{n}", text=text, source=f"source-{n}", url=draw(SAFE_TEXT),
                        published=draw(st.none() | st.dates()), stance=draw(SAFE_TEXT))
    places = draw(st.lists(st.builds(Place, place_id=st.just("") | SAFE_TEXT, name=SAFE_TEXT,
                                     lat=st.floats(-90, 90), lon=st.floats(-180, 180), kind=SAFE_TEXT),
                           max_size=2))
    places = [replace(p, place_id=f"p{n}-{i}") for i, p in enumerate(places)]
    events = [draw(event_in(document, f"ev-{n}-{i}", places)) for i in range(draw(st.integers(0, 3)))]
    return document, events, places


def span_in(draw: st.DrawFn, text: str) -> tuple[int, int]:
    start = draw(st.integers(0, len(text)))
    return start, draw(st.integers(start, len(text)))


@st.composite
def event_in(draw: st.DrawFn, document: Document, event_id: str, places: list[Place]) -> Event:
    text = document.text
    start, end = span_in(draw, text)
    framing = []
    for _ in range(draw(st.integers(0, 2))):
        s, e = span_in(draw, text)
        framing.append(Span(s, e, text[s:e], draw(SAFE_TEXT)))
    place = draw(st.none() | st.sampled_from(places)) if places else None
    located = draw(st.booleans())
    return Event(
        event_id=event_id, doc_id=document.doc_id, event_date=draw(st.none() | st.dates()),
        time_precision=draw(st.integers(1, 3)), event_type=draw(SAFE_TEXT), sub_event_type=draw(SAFE_TEXT),
        actor1=draw(SAFE_TEXT), actor1_side=draw(SIDES), actor2=draw(SAFE_TEXT), actor2_side=draw(SIDES),
        location=draw(SAFE_TEXT), latitude=draw(st.floats(-90, 90)) if located else None,
        longitude=draw(st.floats(-180, 180)) if located else None, geo_precision=draw(st.integers(1, 3)),
        fact_status=draw(st.sampled_from(FACT_STATUSES)), evidence=text[start:end], evidence_start=start,
        evidence_end=end, place_id=place.place_id if place else "", admin1=draw(SAFE_TEXT),
        hedges=tuple(draw(st.lists(SAFE_TEXT, max_size=3))), claimant=draw(SAFE_TEXT), framing=tuple(framing),
        source=document.source, stance=document.stance, url=document.url, published=document.published,
        confidence=draw(FINITE), notes=tuple(draw(st.lists(SAFE_TEXT, max_size=3))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document_with_events())
def test_store_property_round_trip_of_generated_events(
        store: Store, generated: tuple[Document, list[Event], list[Place]]) -> None:
    document, events, places = generated
    store.save_document(document, events, places)
    assert store.query_events(source=document.source) == sorted(
        events, key=lambda e: (e.event_date is None, e.event_date or date.min, e.event_id))


def test_store_text_with_nul_is_refused_on_every_backend(store: Store) -> None:
    # PostgreSQL cannot store NUL in text; SQLite could, but then the backends would answer differently.
    document = aleppo_document(REPORT_ALEPPO + " \x00")
    with pytest.raises(StoreError, match="NUL character"):
        store.save_document(document, aleppo_events(document), [ALEPPO, RAMOUSEH])
    assert store.counts()["documents"] == 0


def test_store_postgis_indexes_distance_search_where_the_server_has_it(filled: Store) -> None:
    from sqlalchemy.dialects import postgresql

    from sitrep.store.query import EventFilter, select_events
    from sitrep.store.spatial import GEOGRAPHY_INDEX

    if filled.engine.dialect.name != "postgresql":
        assert not filled.postgis
        return
    with filled.engine.connect() as connection:
        offered = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'").scalar()
        assert filled.postgis == bool(offered)
        if not offered:
            pytest.skip("this PostgreSQL server has no PostGIS: the plain SQL distance search is used")
        query = select_events(EventFilter(near=(36.1993, 37.1630), km=5), postgis=True)
        sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        connection.exec_driver_sql("SET enable_seqscan = off")  # two rows: show that the index can be used
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
    assert GEOGRAPHY_INDEX in plan, plan
    assert ids(filled.query_events(near=(36.1993, 37.1630), km=5)) == ["wire-aleppo-1", "wire-aleppo-2"]


POINT = st.tuples(st.floats(-90, 90), st.floats(-180, 180))
OFFSET = st.tuples(st.floats(-20, 20), st.floats(-40, 40))  # degrees from the centre


def _wrapped(lat: float, lon: float) -> tuple[float, float]:
    return max(-90.0, min(90.0, lat)), (lon + 180.0) % 360.0 - 180.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(centre=POINT, km=st.floats(0, 2500), offsets=st.lists(OFFSET, min_size=1, max_size=8))
def test_store_property_distance_search_equals_haversine(store: Store, centre: tuple[float, float], km: float,
                                                          offsets: list[tuple[float, float]]) -> None:
    # Points around a centre anywhere on Earth (poles and the antimeridian included): the search keeps
    # exactly those within km by great-circle distance, by the box and, on PostgreSQL, by PostGIS too.
    n = next(_unique)
    document = Document(doc_id=f"points-{n}", text=f"Shelling at {len(offsets)} places #{n:08d}",
                        source=f"points-{n}")
    points = [_wrapped(centre[0] + dlat, centre[1] + dlon) for dlat, dlon in offsets]
    events = [Event(event_id=f"points-{n}-{i}", doc_id=document.doc_id, event_date=None, time_precision=3,
                    event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
                    actor1="", actor1_side="", actor2="", actor2_side="", location="", latitude=lat,
                    longitude=lon, geo_precision=1, fact_status="reported", evidence=document.text,
                    evidence_start=0, evidence_end=len(document.text))
              for i, (lat, lon) in enumerate(points)]
    store.save_document(document, events)
    expected = [e.event_id for e in events if haversine_km(centre, (e.latitude or 0, e.longitude or 0)) <= km]
    paths = [store.postgis, False] if store.postgis else [False]
    for postgis in paths:
        store.postgis = postgis
        assert ids(store.query_events(near=centre, km=km, source=document.source)) == expected
    store.postgis = paths[0]


# --- SQLite with several processes: readers while writers write ---------------------------------

EVENTS_PER_DOCUMENT = 40
WRITER = """
import sys
from sitrep.model import Document, Event
from sitrep.store import open_store

db, name, count, per_document = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open_store(db) as store:
    for n in range(count):
        text = f"Report {name}-{n}: artillery shelled the northern districts overnight. " * 30
        document = Document(doc_id=f"{name}-{n}", text=text, source=f"Desk {name}")
        events = [Event(event_id=f"{name}-{n}-{i}", doc_id=document.doc_id, event_date=None, time_precision=3,
                        event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
                        actor1="", actor1_side="", actor2="", actor2_side="", location="", latitude=36.2,
                        longitude=37.1, geo_precision=2, fact_status="reported", evidence=text[:40],
                        evidence_start=0, evidence_end=40) for i in range(per_document)]
        store.save_document(document, events)
"""
READER = """
import sys
from collections import Counter
from pathlib import Path
from sitrep.store import open_store

db, stop, per_document = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
reads, last = 0, 0
with open_store(db) as store:
    while True:
        done = stop.exists()
        events = store.query_events(near=(36.2, 37.1), km=10)
        per = Counter(e.doc_id for e in events)
        assert all(c == per_document for c in per.values()), "a document read half-written"
        assert len(events) >= last, "a read went back in time"
        last, reads = len(events), reads + 1
        if done:
            break
print(reads, last)
"""


@pytest.mark.slow
def test_store_sqlite_readers_and_writers_in_processes_do_not_fail(tmp_path: Path) -> None:
    # Two processes ingest (each document a transaction of 40 events) while four others keep reading: WAL
    # lets the readers read during the writes, the busy timeout makes each writer wait for the other.
    import subprocess
    import sys

    db, stop = str(tmp_path / "busy.db"), tmp_path / "stop"
    open_store(db).close()
    documents = 60
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db, name, str(documents), str(EVENTS_PER_DOCUMENT)],
                                stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    readers = [subprocess.Popen([sys.executable, "-c", READER, db, str(stop), str(EVENTS_PER_DOCUMENT)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for writer in writers:
            _, errors = writer.communicate(timeout=300)
            assert writer.returncode == 0, errors
    finally:
        stop.touch()
    for reader in readers:
        out, errors = reader.communicate(timeout=300)
        assert reader.returncode == 0, errors
        reads, last = map(int, out.split())
        assert reads > 1 and last == 2 * documents * EVENTS_PER_DOCUMENT
    with open_store(db) as store:
        assert store.counts()["documents"] == 2 * documents
