"""The JSON API in-process (FastAPI's TestClient) over a real SQLite store holding the bundled example reports,
ingested by the real pipeline: every route, the token rule for writes, and the one error shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sitrep.api import create_app
from sitrep.control.storage import control_at
from sitrep.events.extract import load_resources
from sitrep.pipeline import run_batch
from sitrep.reconcile import explain_event
from sitrep.settings import Settings
from sitrep.store import Store, open_store
from sitrep.store.schema import DocumentRow, EventRow

EXAMPLES = Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples"
TOKEN = "test-token-1234"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOCAL = "http://localhost"  # the API answers loopback names only (setting allowed_hosts)
NEW_REPORT = """---
source: "Test Desk"
published: 2016-08-12
stance: neutral
---

Syrian government forces captured the town of Kinsabba in Latakia countryside on Thursday after heavy
clashes with rebel fighters, a monitoring group said.
"""


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Any) -> Any:
    return load_resources(nlp, gazetteer)


# A second source's report of a happening in example 01 (written for these tests), so that one event merges two.
SECOND_SOURCE = """---
source: "Aleppo Media Desk"
published: 2016-08-07
stance: opposition
---

Rebel factions captured the Ramouseh Military Complex in southern Aleppo on Saturday after a day of
heavy fighting with regime forces, the opposition's media office said.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, resources: Any) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("api")
    (folder / "second_source.md").write_text(SECOND_SOURCE, encoding="utf-8")
    with open_store(str(folder / "api.db")) as opened:
        summary = run_batch([*sorted(EXAMPLES.glob("*.md")), folder / "second_source.md"], opened, resources)
        assert summary.events > 0 and not summary.rejects
        yield opened


@pytest.fixture(scope="module")
def client(store: Store, gazetteer: Any, resources: Any) -> TestClient:
    settings = Settings(db=str(store.engine.url.database), token=TOKEN, tile_url="https://tiles.example/{z}/{x}/{y}.png")
    return TestClient(create_app(settings, store, gazetteer=gazetteer, resources=resources), base_url=LOCAL)


def all_events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    body = client.get("/api/events", params={"limit": 1000, **params}).json()
    assert body["total_exact"] and body["total"] == len(body["items"])
    return body["items"]  # type: ignore[no-any-return]


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------- events


def test_api_events_are_the_stored_events_in_date_order(client: TestClient, store: Store) -> None:
    items = all_events(client)
    stored = store.query_events()
    assert [i["event_id"] for i in items] == [e.event_id for e in stored]
    first, event = items[0], stored[0]
    assert first["date"] == event.event_date.isoformat() if event.event_date else first["date"] is None
    assert (first["lat"], first["lon"], first["source"], first["evidence"]) == (
        event.latitude, event.longitude, event.source, event.evidence)
    assert {i["review"] for i in items} <= {"", "verified", "disputed"}


def test_api_events_pages_join_up_to_the_whole_list(client: TestClient) -> None:
    everything = [i["event_id"] for i in all_events(client)]
    pages = []
    for offset in range(0, len(everything) + 7, 7):
        body = client.get("/api/events", params={"limit": 7, "offset": offset}).json()
        assert (body["limit"], body["offset"], body["total"]) == (7, offset, len(everything))
        pages += [i["event_id"] for i in body["items"]]
    assert pages == everything


@pytest.mark.parametrize(("params", "keep"), [
    ({"from": "2016-08-01", "to": "2016-08-20"},
     lambda e: e["date"] is not None and "2016-08-01" <= e["date"] <= "2016-08-20"),
    ({"type": "Battles"}, lambda e: e["event_type"] == "Battles"),
    ({"type": "Armed clash"}, lambda e: e["sub_event_type"] == "Armed clash"),
    ({"sub_type": "Air/drone strike"}, lambda e: e["sub_event_type"] == "Air/drone strike"),
    ({"side": "government"}, lambda e: "government" in (e["actor1_side"], e["actor2_side"])),
    ({"status": "reported"}, lambda e: e["fact_status"] == "reported"),
    ({"stance": "opposition"}, lambda e: e["stance"] == "opposition"),
    ({"bbox": "36.0,33.0,37.0,34.0"},
     lambda e: e["lat"] is not None and 33 <= e["lat"] <= 34 and 36 <= e["lon"] <= 37),
])
def test_api_events_filters_keep_exactly_the_matching_events(client: TestClient, params: dict[str, str],
                                                             keep: Any) -> None:
    everything = all_events(client)
    expected = [e["event_id"] for e in everything if keep(e)]
    assert expected, f"the example reports have no event for {params}"
    assert [e["event_id"] for e in all_events(client, **params)] == expected


def test_api_events_source_front_and_near_filters(client: TestClient, store: Store, gazetteer: Any) -> None:
    everything = all_events(client)
    source = everything[0]["source"]
    assert [e["event_id"] for e in all_events(client, source=source)] == \
        [e.event_id for e in store.query_events(source=source)]
    front = client.get("/api/fronts").json()["items"][0]
    assert [e["event_id"] for e in all_events(client, front=front["name"].lower())] == \
        [e["event_id"] for e in everything if e["admin1"] == front["admin1"]]
    place = gazetteer.search("Daraya", limit=1)[0]
    near = [e.event_id for e in store.query_events(near=(place.lat, place.lon), km=10)]
    assert near and [e["event_id"] for e in all_events(client, near="Daarayyaa", km=10)] == near


def test_api_events_geojson_carries_the_same_fields(client: TestClient) -> None:
    items = {i["event_id"]: i for i in all_events(client)}
    body = client.get("/api/events", params={"limit": 1000, "format": "geojson"}).json()
    assert body["type"] == "FeatureCollection" and body["total"] == len(items)
    located = [i for i in items.values() if i["lat"] is not None]
    assert len(body["features"]) == len(located)
    for feature in body["features"]:
        assert feature["properties"] == items[feature["id"]]
        assert feature["geometry"]["coordinates"] == [feature["properties"]["lon"], feature["properties"]["lat"]]


def test_api_events_sparse_fields_are_the_full_items_cut_down(client: TestClient) -> None:
    items = all_events(client)
    assert any(i["evidence"] for i in items)
    for fields in ("event_type,lat,lon", " location , review ", "evidence"):
        names = {"event_id", *(f.strip() for f in fields.split(","))}
        assert all_events(client, fields=fields) == [{k: v for k, v in i.items() if k in names} for i in items]
    body = client.get("/api/events", params={"limit": 1000, "format": "geojson", "fields": "source"}).json()
    located = {i["event_id"]: i for i in items if i["lat"] is not None}
    assert {f["id"] for f in body["features"]} == set(located)
    for feature in body["features"]:
        item = located[feature["id"]]
        assert feature["properties"] == {k: item[k] for k in ("event_id", "source", "lat", "lon")}
    error = assert_error(client.get("/api/events", params={"fields": "event_type,secret"}), 400, "bad_request")
    assert "secret" in error["message"]


def test_api_event_columns_are_the_events_column_by_column(client: TestClient) -> None:
    items = all_events(client)
    fields = ("event_type", "date", "lat", "lon", "review")
    body = client.get("/api/event-columns", params={"fields": ",".join(fields)}).json()
    assert (body["count"], body["total"], body["total_exact"], body["offset"]) == (len(items), len(items), True, 0)
    assert list(body["columns"]) == ["event_id", "date", "event_type", "lat", "lon", "review"]  # the items' order
    for i, item in enumerate(items):
        assert {name: column[i] for name, column in body["columns"].items()} == \
            {k: v for k, v in item.items() if k in {"event_id", *fields}}
    battles = client.get("/api/event-columns", params={"type": "Battles", "fields": "event_type"}).json()
    assert battles["columns"]["event_id"] == [i["event_id"] for i in items if i["event_type"] == "Battles"]
    pages = [client.get("/api/event-columns", params={"limit": 7, "offset": offset}).json()
             for offset in range(0, len(items) + 7, 7)]
    assert [i for page in pages for i in page["columns"]["event_id"]] == [i["event_id"] for i in items]
    assert all(set(page["columns"]) == set(items[0]) for page in pages)  # every field by default
    assert_error(client.get("/api/event-columns", params={"fields": "secret"}), 400, "bad_request")
    assert_error(client.get("/api/event-columns", params={"type": "Batles"}), 400, "bad_request")


def test_api_event_columns_are_gzipped_for_a_client_that_accepts_it(client: TestClient) -> None:
    import gzip
    import json

    plain = client.get("/api/event-columns", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    zipped = client.get("/api/event-columns", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.json() == plain.json()
    raw = client.build_request("GET", "/api/event-columns", headers={"Accept-Encoding": "gzip"})
    sent = client.send(raw, stream=True)
    body = b"".join(sent.iter_raw())
    assert len(body) < len(plain.content) / 3 and json.loads(gzip.decompress(body)) == plain.json()


def test_api_event_detail_has_reports_quotes_framing_and_terms(client: TestClient, store: Store) -> None:
    texts = _document_texts(store)
    details = [client.get(f"/api/events/{i['event_id']}").json() for i in all_events(client)]
    merged = [d for d in details if len(d["reports"]) > 1]
    assert merged, "the example reports have no event reported twice"
    framed = 0
    for detail in details:
        assert detail["event_id"] in [r["event_id"] for r in detail["reports"]]
        for report in detail["reports"]:
            assert texts[report["doc_id"]][report["start"]:report["end"]] == report["evidence"]
            for span in report["framing"]:
                assert report["evidence"][span["start"]:span["end"]] == span["text"]
                framed += 1
        total = sum(t["contribution"] for t in detail["confidence_terms"])
        assert detail["confidence"] == pytest.approx(min(1.0, max(0.0, total)), abs=1e-3)
        assert "analyst_review" in {t["name"] for t in detail["confidence_terms"]}
    assert framed, "no framing span in any example report's quotes"


def _document_texts(store: Store) -> dict[str, str]:
    from sqlalchemy import select

    with store.engine.connect() as connection:
        return {doc_id: text for doc_id, text in connection.execute(select(DocumentRow.doc_id, DocumentRow.text))}


# ---------------------------------------------------------------- control, timeline, fronts, places, sources


def _control_day(store: Store) -> date:
    from sqlalchemy import select

    with store.engine.connect() as connection:
        days = sorted(d for d in connection.scalars(select(EventRow.event_date).distinct()) if d is not None)
    return next(d for d in reversed(days) if control_at(store, d))


def test_api_control_points_and_areas(client: TestClient, store: Store) -> None:
    day = _control_day(store)
    body = client.get("/api/control", params={"at": day.isoformat()}).json()
    states = control_at(store, day)
    assert body["at"] == day.isoformat() and body["layer"] == "assessed"
    assert [f["properties"]["place_id"] for f in body["places"]["features"]] == [s.place_id for s in states]
    for feature, state in zip(body["places"]["features"], states, strict=True):
        p = feature["properties"]
        assert (p["side"], p["state"], p["since"], p["events"]) == (
            state.side, state.state, state.valid_from.isoformat(), list(state.event_ids))
        assert feature["geometry"]["coordinates"] == [state.lon, state.lat]
    polygons = [f for f in body["areas"]["features"] if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    assert polygons and all(isinstance(f["properties"]["contested"], bool) for f in body["areas"]["features"])
    quick = client.get("/api/control", params={"at": day.isoformat(), "areas": "false"}).json()
    assert quick["places"] == body["places"] and quick["areas"]["features"] == []
    assert_error(client.get("/api/control", params={"at": day.isoformat(), "layer": "forecastish"}), 422, "invalid")


def test_api_changes_and_timeline(client: TestClient, store: Store) -> None:
    from sitrep.control.storage import control_changes

    timeline = client.get("/api/timeline").json()
    dated = [e for e in all_events(client) if e["date"]]
    assert sum(d["events"] for d in timeline["days"]) == len(dated)
    assert timeline["first"] == min(e["date"] for e in dated) and timeline["last"] == max(e["date"] for e in dated)
    located = [e for e in all_events(client) if e["lat"] is not None]
    assert timeline["extent"] == [min(e["lon"] for e in located), min(e["lat"] for e in located),
                                  max(e["lon"] for e in located), max(e["lat"] for e in located)]
    start, end = date.fromisoformat(timeline["first"]), date.fromisoformat(timeline["last"])
    body = client.get("/api/changes", params={"from": (start.replace(day=1)).isoformat(), "to": end.isoformat()})
    expected = control_changes(store, start.replace(day=1), end)
    assert [c["place_id"] for c in body.json()["items"]] == [c.state.place_id for c in expected]
    assert_error(client.get("/api/changes", params={"from": "2016-08-02", "to": "2016-08-01"}), 400, "bad_request")


def test_api_every_route_names_a_governorate_by_its_one_name(client: TestClient, store: Store) -> None:
    from sitrep.admin1 import admin1_name

    stored = {e.admin1 for e in store.query_events()} - {""}
    spelled_otherwise = {a for a in stored if admin1_name(a) != a}  # "Homs (Hims)", "Days Az Zawr"
    assert spelled_otherwise, stored
    events = all_events(client)
    assert {e["admin1"] for e in events} - {""} == {admin1_name(a) for a in stored}
    day = _control_day(store).isoformat()
    merged = client.get("/api/merged-events", params={"limit": 1000}).json()["items"]
    fronts = client.get("/api/fronts").json()["items"]
    places = client.get("/api/control", params={"at": day, "areas": "false"}).json()["places"]["features"]
    changes = client.get("/api/changes", params={"from": "2011-01-01", "to": day}).json()["items"]
    shown = ({m["admin1"] for m in merged} | {f["admin1"] for f in fronts} | {c["admin1"] for c in changes}
             | {p["properties"]["admin1"] for p in places})
    assert merged and fronts and places and not shown & spelled_otherwise, shown
    assert all(f["admin1"] == f["name"] for f in fronts)  # the map's front selector matches events by it
    for front in fronts:  # and the front filter by any spelling gives the events that carry that name
        assert {e["admin1"] for e in all_events(client, front=front["name"])} == {front["name"]}


def test_api_fronts_places_sources_config(client: TestClient) -> None:
    events = all_events(client)
    fronts = client.get("/api/fronts").json()["items"]
    assert sum(f["events"] for f in fronts) == len([e for e in events if e["admin1"] and e["lat"] is not None])
    def top(q: str) -> dict[str, Any]:
        return client.get("/api/places", params={"q": q}).json()["items"][0]  # type: ignore[no-any-return]

    assert top("Daarayyaa")["place_id"] == top("Darayya")["place_id"]
    assert top("Daarayyaa")["admin1"] == "Rif Dimashq" and 0 < top("Daarayyaa")["score"] <= 1
    assert top("Tell Kurdi")["place_id"] == top("Tall Kurdi")["place_id"]
    sources = client.get("/api/sources").json()["items"]
    assert sum(s["events"] for s in sources) == len([e for e in events if e["source"]])
    assert {d for s in sources for d in s["domains"]} == {"example.org"}
    assert next(s for s in sources if s["publisher"] == "Aleppo Media Desk")["domains"] == []
    assert client.get("/api/config").json() == {"tile_url": "https://tiles.example/{z}/{x}/{y}.png",
                                                "version": __import__("sitrep").__version__}


def test_api_sides_are_the_profile_s_labelled_for_the_day(client: TestClient) -> None:
    from sitrep.conflict import default_profile

    profile = default_profile()
    body = client.get("/api/sides").json()
    assert body["conflict"] == "syria" and body["date"] is None
    assert [s["id"] for s in body["items"]] == list(profile.sides)
    assert {s["id"]: s["colour"] for s in body["items"]} == {s.id: s.colour for s in profile.sides.values()}
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", s["colour"]) for s in body["items"])
    labels = {day: {s["id"]: s["label"] for s in client.get("/api/sides", params={"date": day}).json()["items"]}
              for day in ("2016-07-30", "2025-03-10")}
    assert labels["2016-07-30"]["government"] == "Assad government forces"
    assert labels["2025-03-10"]["government"] == "Syrian transitional government forces"
    assert labels["2016-07-30"]["opposition"] == labels["2025-03-10"]["opposition"] == "opposition fighters"
    government = next(s for s in body["items"] if s["id"] == "government")
    assert government["labels"] == [  # the page labels any day of its timeline from these
        {"label": "Assad government forces", "from": None, "until": "2024-12-07"},
        {"label": "Syrian transitional government forces", "from": "2024-12-08", "until": None}]
    held = {s["id"] for s in body["items"] if s["holds_ground"]}
    assert "government" in held and not held & {"civilians", "unknown"}
    assert_error(client.get("/api/sides", params={"date": "0001-01-01"}), 422, "invalid")


def test_api_sides_read_the_user_s_overlay(tmp_path: Path, store: Store, gazetteer: Any) -> None:
    overlay = tmp_path / "conflicts" / "syria"
    overlay.mkdir(parents=True)
    (overlay / "conflict.yaml").write_text(
        "sides:\n  - {id: wagner_group, label: Wagner Group fighters, colour: '#123456', holds_ground: true}\n",
        encoding="utf-8")
    settings = Settings(db=str(store.engine.url.database), data_home=str(tmp_path))
    with TestClient(create_app(settings, store, gazetteer=gazetteer), base_url=LOCAL) as own:
        items = {s["id"]: s for s in own.get("/api/sides").json()["items"]}
    assert items["wagner_group"] == {"id": "wagner_group", "label": "Wagner Group fighters", "colour": "#123456",
                                     "holds_ground": True, "state": False, "labels": []}
    assert "government" in items  # the shipped sides stay


def test_api_serves_openapi_docs_and_the_page(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for route in ("/api/events", "/api/event-columns", "/api/events/{event_id}", "/api/control", "/api/changes", "/api/timeline",
                  "/api/fronts", "/api/places", "/api/sources", "/api/config", "/api/sides", "/api/documents",
                  "/api/events/{event_id}/comments", "/api/comments/{comment_id}/votes", "/api/events/{event_id}/votes",
                  "/api/events/{event_id}/review"):
        assert route in schema["paths"], route
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code in (200, 404) and (page.status_code == 200) == page.headers["content-type"].startswith(
        "text/html")


# ---------------------------------------------------------------- writes and the token


WRITES = [("post", "/api/documents", {"text": NEW_REPORT}),
          ("post", "/api/events/{event}/comments", {"author": "a", "text": "checked"}),
          ("post", "/api/events/{event}/votes", {"value": 1}),
          ("post", "/api/comments/1/votes", {"value": 1}),
          ("put", "/api/events/{event}/review", {"status": "verified", "note": "", "by": "a"})]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_api_writes_need_the_token(client: TestClient, store: Store, method: str, path: str,
                                   body: dict[str, Any]) -> None:
    url = path.format(event=all_events(client)[0]["event_id"])
    assert_error(client.request(method, url, json=body), 401, "unauthorized")
    assert_error(client.request(method, url, json=body, headers={"Authorization": "Bearer nope"}), 403, "forbidden")
    assert_error(client.request(method, url, json=body, headers={"Authorization": TOKEN}), 401, "unauthorized")
    closed = TestClient(create_app(Settings(db=":memory:", token=""), store), base_url=LOCAL)
    assert_error(closed.request(method, url, json=body, headers=AUTH), 403, "forbidden")


def test_api_post_document_runs_the_pipeline_and_is_idempotent(client: TestClient, store: Store,
                                                               gazetteer: Any) -> None:
    before = {e["event_id"] for e in all_events(client)}
    response = client.post("/api/documents", json={"text": NEW_REPORT, "title": "<b>Kinsabba</b>"}, headers=AUTH)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["events"] and not created["duplicate"]
    after = {e["event_id"]: e for e in all_events(client)}
    assert set(created["events"]) == set(after) - before
    new = after[created["events"][0]]
    assert new["source"] == "Test Desk" and new["title"] == "<b>Kinsabba</b>" and new["date"] == "2016-08-11"
    assert new["place_id"] == gazetteer.search("Kinsabba", limit=1)[0].place_id
    assert store.pending_documents() == []  # merged and controlled, as `sitrep ingest` leaves it
    again = client.post("/api/documents", json={"text": NEW_REPORT}, headers=AUTH).json()
    assert again == {**created, "duplicate": True}
    assert_error(client.post("/api/documents", json={"text": ""}, headers=AUTH), 422, "invalid")
    assert_error(client.post("/api/documents", json={"text": "---\ntitle: x\n---\n"}, headers=AUTH), 400,
                 "bad_request")


def test_api_comments_votes_and_sorting(client: TestClient) -> None:
    event = all_events(client)[1]["event_id"]
    texts = ["first look", "<script>alert('x')</script> & more", "third"]
    ids = []
    for text in texts:
        response = client.post(f"/api/events/{event}/comments", json={"author": "<i>ana</i>", "text": text},
                               headers=AUTH)
        assert response.status_code == 201
        assert response.json()["text"] == text and response.json()["author"] == "<i>ana</i>"
        ids.append(response.json()["comment_id"])
    for value in (1, 1, -1):  # one vote per token: the last one counts
        totals = client.post(f"/api/comments/{ids[0]}/votes", json={"value": value}, headers=AUTH).json()
    assert (totals["up"], totals["down"]) == (0, 1)
    assert client.post(f"/api/comments/{ids[2]}/votes", json={"value": 1}, headers=AUTH).json()["up"] == 1

    def order(sort: str) -> list[int]:
        items = client.get(f"/api/events/{event}/comments", params={"sort": sort}).json()["items"]
        return [c["comment_id"] for c in items if c["comment_id"] in ids]

    assert order("oldest") == ids and order("newest") == ids[::-1] and order("votes") == [ids[2], ids[1], ids[0]]
    votes = client.post(f"/api/events/{event}/votes", json={"value": -1}, headers=AUTH).json()
    assert votes["down"] >= 1
    detail = client.get(f"/api/events/{event}").json()
    assert detail["votes"]["down"] == votes["down"] and [c["comment_id"] for c in detail["comments"]][:3] == ids[::-1]
    assert_error(client.post(f"/api/events/{event}/votes", json={"value": 2}, headers=AUTH), 422, "invalid")
    assert_error(client.post("/api/comments/999999/votes", json={"value": 1}, headers=AUTH), 404, "not_found")
    assert_error(client.post("/api/events/nope/comments", json={"text": "x"}, headers=AUTH), 404, "not_found")
    assert_error(client.get("/api/events/nope/comments"), 404, "not_found")
    assert_error(client.get(f"/api/events/{event}/comments", params={"sort": "best"}), 422, "invalid")


def test_api_review_moves_the_merged_confidence(client: TestClient, store: Store) -> None:
    detail = next(d for d in (client.get(f"/api/events/{e['event_id']}").json() for e in all_events(client))
                  if len(d["reports"]) > 1 and 0.35 < d["confidence"] < 0.75)
    sibling = next(r["event_id"] for r in detail["reports"] if r["event_id"] != detail["event_id"])
    base = detail["confidence"]
    feed = client.get("/api/event-columns", params={"fields": "review"}).json()["columns"]  # kept while unchanged
    assert dict(zip(feed["event_id"], feed["review"], strict=True))[sibling] == ""
    verified = client.put(f"/api/events/{detail['event_id']}/review",
                          json={"status": "verified", "note": "geolocated video", "by": "ana"}, headers=AUTH).json()
    assert verified["confidence"] == pytest.approx(base + 0.2, abs=1e-3)
    assert explain_event(store, sibling).confidence == verified["confidence"]
    listed = {e["event_id"]: e for e in all_events(client)}
    assert listed[sibling]["review"] == "verified" and listed[sibling]["confidence"] == verified["confidence"]
    feed = client.get("/api/event-columns", params={"fields": "review"}).json()["columns"]  # built anew
    assert dict(zip(feed["event_id"], feed["review"], strict=True))[sibling] == "verified"
    seen = client.get(f"/api/events/{sibling}").json()
    assert seen["review"]["status"] == "verified" and seen["review"]["note"] == "geolocated video"
    term = next(t for t in seen["confidence_terms"] if t["name"] == "analyst_review")
    assert (term["value"], term["weight"]) == (1.0, 0.2)
    disputed = client.put(f"/api/events/{sibling}/review", json={"status": "disputed", "by": "bo"},
                          headers=AUTH).json()
    assert disputed["confidence"] == pytest.approx(max(0.0, base - 0.3), abs=1e-3)
    withdrawn = client.put(f"/api/events/{sibling}/review", json={"status": ""}, headers=AUTH).json()
    assert withdrawn["confidence"] == pytest.approx(base, abs=1e-3)
    assert all_events(client)[0]["review"] in ("", "verified", "disputed")
    assert_error(client.put(f"/api/events/{sibling}/review", json={"status": "true"}, headers=AUTH), 422, "invalid")


# ---------------------------------------------------------------- the error shape


def test_api_errors_have_one_shape(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/events/no-such-event"), 404, "not_found")
    assert_error(client.delete("/api/events"), 405, "method_not_allowed")
    assert_error(client.get("/api/events", params={"from": "last week"}), 422, "invalid")
    assert_error(client.get("/api/events", params={"limit": 5000}), 422, "invalid")
    assert_error(client.get("/api/events", params={"bbox": "1,2,3"}), 400, "bad_request")
    assert_error(client.get("/api/events", params={"near": "0000"}), 404, "not_found")
    assert_error(client.get("/api/events", params={"front": "Atlantis"}), 404, "not_found")
    assert_error(client.get("/api/control"), 422, "invalid")
    assert_error(client.post("/api/documents", content=b"{not json", headers={**AUTH, "content-type":
                                                                            "application/json"}), 422, "invalid")


def test_api_unforeseen_failure_is_a_500_in_the_same_shape(tmp_path: Path) -> None:
    from sqlalchemy import text

    with open_store(str(tmp_path / "broken.db")) as broken:
        client = TestClient(create_app(Settings(db=":memory:"), broken), raise_server_exceptions=False, base_url=LOCAL)
        assert client.get("/api/events").json()["items"] == []
        with broken.engine.begin() as connection:
            connection.execute(text("DROP TABLE events"))
        assert_error(client.get("/api/events"), 500, "internal_error")


def test_api_review_uses_the_configured_confidence_weights(store: Store, gazetteer: Any, resources: Any) -> None:
    settings = Settings(db=":memory:", token=TOKEN, confidence=(("analyst_verified", 0.35),))
    client = TestClient(create_app(settings, store, gazetteer=gazetteer, resources=resources), base_url=LOCAL)
    event = next(e["event_id"] for e in all_events(client) if e["confidence"] < 0.6)
    before = client.get(f"/api/events/{event}").json()
    assert before["review"]["status"] == ""
    verified = client.put(f"/api/events/{event}/review", json={"status": "verified"}, headers=AUTH).json()
    assert verified["confidence"] == pytest.approx(before["confidence"] + 0.35, abs=1e-3)
    term = next(t for t in client.get(f"/api/events/{event}").json()["confidence_terms"]
                if t["name"] == "analyst_review")
    assert term["weight"] == 0.35
    client.put(f"/api/events/{event}/review", json={"status": ""}, headers=AUTH)


@pytest.mark.slow
def test_api_sitrep_serve_answers_on_loopback(store: Store) -> None:
    """`sitrep serve` (uvicorn) in its own process: it prints its address and answers there."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "sitrep.cli", "serve", "--db", str(store.engine.url.database), "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        assert f"http://127.0.0.1:{port}/" in line
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/events", params={"limit": 3}, timeout=5).json()
            except httpx.HTTPError:
                time.sleep(0.3)
        assert body is not None and len(body["items"]) == 3
        missing = httpx.get(f"http://127.0.0.1:{port}/api/events/nope", timeout=5)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_api_control_answer_is_reused_until_the_store_changes(client: TestClient, store: Store) -> None:
    from sqlalchemy import update

    from sitrep.store.schema import ControlStateRow

    day = _control_day(store).isoformat()
    context = client.app.state.sitrep  # type: ignore[attr-defined]
    first = client.get("/api/control", params={"at": day, "areas": "false"}).content
    version = context.store_version()
    assert version is not None
    assert client.get("/api/control", params={"at": day, "areas": "false"}).content == first
    place = client.get("/api/control", params={"at": day}).json()["places"]["features"][0]["properties"]
    with store.engine.begin() as connection:  # another connection's commit, as another process's would be
        connection.execute(update(ControlStateRow).where(ControlStateRow.place_id == place["place_id"])
                           .values(confidence=0.123))
    assert context.store_version() != version
    again = client.get("/api/control", params={"at": day, "areas": "false"}).json()["places"]["features"]
    assert next(f for f in again if f["id"] == place["place_id"])["properties"]["confidence"] == 0.123


# ---------------------------------------------------------------- the edge: hosts, token before body, limits


def asgi_request(app: Any, method: str, path: str, headers: dict[str, str],
                 chunks: list[bytes]) -> tuple[int, dict[str, Any], int]:
    """One request straight into the ASGI app, its body sent in `chunks`: (status, JSON body, chunks read)."""
    import asyncio
    import json

    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= len(chunks):
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "root_path": "", "scheme": "http", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "localhost", **headers}.items()],
             "client": ("127.0.0.1", 1234), "server": ("127.0.0.1", 8000)}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), read


MIB = 2**20


def test_api_token_is_checked_before_any_of_the_body_is_read(store: Store) -> None:
    app = create_app(Settings(db=":memory:", token=TOKEN), store)
    gigabyte = [b"x" * MIB] * 1024  # the same chunk object 1024 times: no gigabyte in memory
    for headers, status in (({}, 401), ({"authorization": "Bearer nope"}, 403)):
        answered, body, read = asgi_request(app, "POST", "/api/documents", {**headers, "content-length": str(1024 * MIB)},
                                            gigabyte)
        assert (answered, body["error"]["status"], read) == (status, status, 0)


def test_api_body_over_the_limit_is_413_while_it_streams(store: Store) -> None:
    limit = 64 * 1024
    app = create_app(Settings(db=":memory:", token=TOKEN, max_body_bytes=limit), store)
    chunks = [b"x" * 16 * 1024] * 1000  # 16 MB, sent without a Content-Length
    status, body, read = asgi_request(app, "POST", "/api/documents", {"authorization": f"Bearer {TOKEN}",
                                                                      "content-type": "application/json"}, chunks)
    assert status == 413 and body["error"]["code"] == "too_large" and "max_body_bytes" in body["error"]["message"]
    assert read <= limit // (16 * 1024) + 1  # stopped reading at the limit
    declared, body, read = asgi_request(app, "POST", "/api/documents", {"authorization": f"Bearer {TOKEN}",
                                                                        "content-length": str(16 * MIB)}, chunks)
    assert (declared, read) == (413, 0)  # a declared length past the limit: refused from the headers


@pytest.mark.parametrize(("field", "value"), [("title", "t" * 1001), ("url", "https://x.example/" + "u" * 2048),
                                               ("source", "s" * 201), ("stance", "p" * 51)])
def test_api_document_fields_have_length_limits(client: TestClient, field: str, value: str) -> None:
    error = assert_error(client.post("/api/documents", json={"text": NEW_REPORT, field: value}, headers=AUTH),
                         422, "invalid")
    assert field in error["message"] and len(error["message"]) < 1000  # the value is not echoed back whole


def test_api_front_matter_past_the_limits_is_refused_too(client: TestClient) -> None:
    long_title = NEW_REPORT.replace('source: "Test Desk"', f'source: "Test Desk"\ntitle: "{"t" * 5000}"')
    error = assert_error(client.post("/api/documents", json={"text": long_title}, headers=AUTH), 422, "invalid")
    assert "title is longer than 1000" in error["message"]


@pytest.mark.parametrize("stance", ["hostile", "<script>", "neutral; drop table"])
def test_api_stance_must_be_a_known_one(client: TestClient, stance: str) -> None:
    error = assert_error(client.post("/api/documents", json={"text": NEW_REPORT, "stance": stance}, headers=AUTH),
                         422, "invalid")
    assert "unknown stance" in error["message"] and "pro-government" in error["message"]
    in_text = NEW_REPORT.replace("stance: neutral", f"stance: {stance!r}")
    assert_error(client.post("/api/documents", json={"text": in_text}, headers=AUTH), 422, "invalid")


def test_api_known_stances_are_those_sitrep_reads() -> None:
    from sitrep.api.documents import known_stances
    from sitrep.stance import load_publishers

    known = known_stances()
    assert {"", "neutral", "pro-government", "opposition", "kurdish"} <= known
    assert {p.stance for p in load_publishers()} <= known and "hostile" not in known


@pytest.mark.parametrize("published", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_api_dates_outside_the_sane_range_are_422(client: TestClient, published: str) -> None:
    error = assert_error(client.post("/api/documents", json={"text": NEW_REPORT, "published": published},
                                     headers=AUTH), 422, "invalid")
    assert published in error["message"] and "earliest_date" in error["message"]
    in_text = NEW_REPORT.replace("published: 2016-08-12", f"published: {published}")
    assert_error(client.post("/api/documents", json={"text": in_text}, headers=AUTH), 422, "invalid")
    assert_error(client.get("/api/events", params={"from": published}), 422, "invalid")
    assert_error(client.get("/api/control", params={"at": published}), 422, "invalid")
    assert_error(client.get("/api/changes", params={"from": "2016-01-01", "to": published}), 422, "invalid")


@pytest.mark.parametrize("params", [{"offset": str(2**63)}, {"offset": str(10**9 + 1)}, {"offset": "-1"},
                                    {"limit": str(2**64)}, {"km": "1e400"}, {"km": "nan"}])
def test_api_integers_and_numbers_are_bounded(client: TestClient, params: dict[str, str]) -> None:
    assert_error(client.get("/api/events", params=params), 422, "invalid")


@pytest.mark.parametrize(("name", "value"), [("source", "s" * 50_000), ("side", "s" * 201), ("type", "t" * 201),
                                             ("near", "n" * 201), ("fields", "event_id," * 200),
                                             ("bbox", "1," * 200)])
def test_api_long_filters_are_422(client: TestClient, name: str, value: str) -> None:
    assert_error(client.get("/api/events", params={name: value}), 422, "invalid")


def test_api_region_is_matched_literally(client: TestClient, store: Store) -> None:
    day = _control_day(store).isoformat()
    every = client.get("/api/control", params={"at": day, "areas": "false"}).json()["places"]["features"]
    assert every
    admin1 = every[0]["properties"]["admin1"]
    prefix = client.get("/api/control", params={"at": day, "areas": "false", "region": admin1[:3]}).json()
    assert {f["properties"]["admin1"] for f in prefix["places"]["features"]} >= {admin1}
    for wildcard in ("%", "_", "%a", "_" * 3):  # no wildcard: a region naming no governorate is a 400
        error = assert_error(client.get("/api/control", params={"at": day, "areas": "false", "region": wildcard}),
                             400, "bad_request")
        assert "unknown region" in error["message"], wildcard
    assert_error(client.get("/api/control", params={"at": day, "region": "r" * 50_000}), 422, "invalid")


@pytest.mark.parametrize(("host", "answered"), [("localhost", 200), ("127.0.0.1:8000", 200), ("[::1]:8000", 200),
                                                ("LOCALHOST", 200), ("rebind.attacker.example", 400),
                                                ("127.0.0.1.nip.io", 400), ("", 400)])
def test_api_answers_only_allowed_hosts(client: TestClient, host: str, answered: int) -> None:
    response = client.get("/api/config", headers={"host": host})
    assert response.status_code == answered
    if answered == 400:
        assert_error(response, 400, "bad_host")


def test_api_any_host_when_configured(store: Store) -> None:
    open_to_all = TestClient(create_app(Settings(db=":memory:", allowed_hosts="*"), store))
    assert open_to_all.get("/api/config", headers={"host": "sitrep.example.org"}).status_code == 200
    named = TestClient(create_app(Settings(db=":memory:", allowed_hosts="sitrep.example.org"), store),
                       base_url="http://sitrep.example.org")
    assert named.get("/api/config").status_code == 200
    assert named.get("/api/config", headers={"host": "localhost"}).status_code == 400


def test_api_every_answer_has_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/api/events", params={"limit": 1}), client.get("/api/nothing"),
                     client.get("/api/config", headers={"host": "evil.example"})):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
        assert "img-src 'self' data: blob: https://tiles.example;" in policy  # the configured tiles' origin
    docs = client.get("/docs")  # Swagger UI vendored with the map (make web): self only, no CDN, no inline script
    assert docs.status_code == 200, "the API docs are not built: run `make web`"
    docs_policy = dict(part.strip().split(" ", 1) for part in docs.headers["content-security-policy"].split(";"))
    assert docs_policy["script-src"] == "'self'" and docs_policy["connect-src"] == "'self'"
    assert docs_policy["frame-ancestors"] == "'none'" and "http" not in docs.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert "/static/vendor/swagger-ui-bundle.js" in assets and all(a.startswith(("/", "data:")) for a in assets)
    assert all(client.get(a).status_code == 200 for a in assets if a.startswith("/static/"))


@pytest.mark.parametrize(("template", "origin"), [("https://tiles.example/{z}/{x}/{y}.png", "https://tiles.example"),
                                                  ("https://{s}.tile.example:8080/{z}/{x}/{y}.png",
                                                   "https://*.tile.example:8080"),
                                                  ("", ""), ("file:///tiles/{z}.png", ""),
                                                  ("https://a.example'; script-src *;/{z}", "")])
def test_api_tile_origin_for_the_policy(template: str, origin: str) -> None:
    from sitrep.api.edge import tile_origin

    assert tile_origin(template) == origin


@pytest.mark.parametrize("value", ["true", "1.0", '"1"', "0", "2", "null"])
def test_api_votes_refuse_booleans_and_non_integers(client: TestClient, value: str) -> None:
    event = all_events(client)[2]["event_id"]
    before = client.get(f"/api/events/{event}").json()["votes"]
    response = client.post(f"/api/events/{event}/votes", content=f'{{"value": {value}}}'.encode(),
                           headers={**AUTH, "content-type": "application/json"})
    assert_error(response, 422, "invalid")
    assert client.get(f"/api/events/{event}").json()["votes"] == before


def test_api_one_vote_per_token_and_event(client: TestClient) -> None:
    event = all_events(client)[3]["event_id"]
    first = client.post(f"/api/events/{event}/votes", json={"value": 1}, headers=AUTH).json()
    for _ in range(4):
        assert client.post(f"/api/events/{event}/votes", json={"value": 1}, headers=AUTH).json() == first
    switched = client.post(f"/api/events/{event}/votes", json={"value": -1}, headers=AUTH).json()
    assert (switched["up"], switched["down"]) == (first["up"] - 1, first["down"] + 1)
    assert client.get(f"/api/events/{event}").json()["votes"] == {"up": switched["up"], "down": switched["down"]}
    assert_error(client.post(f"/api/comments/{'9' * 40}/votes", json={"value": 1}, headers=AUTH), 422, "invalid")
    assert_error(client.post(f"/api/events/{'e' * 201}/votes", json={"value": 1}, headers=AUTH), 422, "invalid")


@pytest.mark.parametrize(("variable", "value", "message"), [("SITREP_MAX_BODY_BYTES", "lots", "whole number"),
                                                            ("SITREP_DAYS_AHEAD", "-5", "not be negative"),
                                                            ("SITREP_EARLIEST_DATE", "1900", "YYYY-MM-DD")])
def test_api_edge_settings_are_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str,
                                       message: str) -> None:
    from sitrep.errors import SettingsError
    from sitrep.settings import load_settings

    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=message):
        load_settings(cwd=tmp_path)


def test_api_serve_allows_the_address_it_listens_on() -> None:
    from sitrep.api.cli import with_bound_host

    settings = Settings(db=":memory:")
    assert with_bound_host(settings, "127.0.0.1") == settings
    assert with_bound_host(settings, "0.0.0.0") == settings  # every interface: no name known
    assert with_bound_host(settings, "192.168.1.20").hosts == settings.hosts | {"192.168.1.20"}
    assert "rebind.attacker.example" not in with_bound_host(settings, "192.168.1.20").hosts


# ---------------------------------------------------------------- merged events (issue 13)


def test_api_merged_events_list_happenings_with_their_reports(client: TestClient, store: Store) -> None:
    from sitrep.reconcile import merged_events

    body = client.get("/api/merged-events", params={"limit": 1000}).json()
    stored = merged_events(store)
    assert body["total"] == len(stored) == len(body["items"])
    reports = {e["event_id"]: e for e in all_events(client)}
    assert sorted(i for m in body["items"] for i in m["report_ids"]) == sorted(reports)
    for item in body["items"]:
        assert all(reports[i]["merged_id"] == item["merged_id"] for i in item["report_ids"])
        assert 1 <= item["independent_sources"] <= item["reports_count"]
    two = client.get("/api/merged-events", params={"min_sources": 2}).json()["items"]
    assert two and all(m["independent_sources"] >= 2 for m in two)  # the second source's Ramouseh report
    battles = client.get("/api/merged-events", params={"type": "Battles", "limit": 1000}).json()["items"]
    assert battles and all(m["event_type"] == "Battles" for m in battles)
    assert "/api/merged-events" in client.get("/openapi.json").json()["paths"]


def test_api_unknown_type_or_status_is_a_400_with_a_suggestion(client: TestClient) -> None:
    for path in ("/api/events", "/api/merged-events"):
        error = assert_error(client.get(path, params={"type": "armd clash"}), 400, "bad_request")
        assert "did you mean 'Armed clash'" in error["message"]
        error = assert_error(client.get(path, params={"status": "reportd"}), 400, "bad_request")
        assert "did you mean 'reported'" in error["message"]
    assert_error(client.get("/api/merged-events", params={"from": "2016-08-10", "to": "2016-08-01"}), 400,
                 "bad_request")


def test_api_every_filter_is_checked_with_a_suggestion(client: TestClient, store: Store) -> None:
    """The mistakes of issue 13 through the API: a typo in a side, stance, publisher, place or region, or
    `from` after `to`, is an error naming the closest known values, never an empty or elsewhere answer."""
    error = assert_error(client.get("/api/events", params={"side": "govt"}), 400, "bad_request")
    assert "unknown side 'govt' (did you mean 'government'" in error["message"]
    assert all_events(client, side="Government") == all_events(client, side="government")  # spelled as stored
    error = assert_error(client.get("/api/events", params={"stance": "banana"}), 400, "bad_request")
    assert "unknown stance 'banana'" in error["message"] and "pro-government" in error["message"]
    source = all_events(client)[0]["source"]
    error = assert_error(client.get("/api/events", params={"source": source[:-1] + "z"}), 400, "bad_request")
    assert f"did you mean {source!r}" in error["message"]
    error = assert_error(client.get("/api/events", params={"near": "Atlantis"}), 404, "not_found")
    assert "no place called 'Atlantis'" in error["message"]  # was: some village that sounds a little like it
    error = assert_error(client.get("/api/events", params={"from": "2016-08-10", "to": "2016-08-01"}), 400,
                         "bad_request")
    assert "is after to" in error["message"]
    day = _control_day(store).isoformat()
    error = assert_error(client.get("/api/control", params={"at": day, "areas": "false", "region": "Aleppoo"}),
                         400, "bad_request")
    assert "did you mean 'Aleppo'" in error["message"]
    from sitrep.admin1 import governorate

    every = client.get("/api/control", params={"at": day, "areas": "false"}).json()["places"]["features"]
    # sitrep's name of the governorate ("Latakia", "Hasakah"), as every output writes it
    stored = next(f["properties"]["admin1"] for f in every if f["properties"]["admin1"])
    spellings = governorate(stored).spellings  # type: ignore[union-attr]
    by_spelling = [client.get("/api/control", params={"at": day, "areas": "false", "region": name}).json()["places"]
                   for name in spellings]
    assert by_spelling[0]["features"] and all(places == by_spelling[0] for places in by_spelling), spellings


def test_api_post_undated_document_follows_the_undated_setting(tmp_path: Path, gazetteer: Any,
                                                               resources: Any) -> None:
    """A posted report without a publication date is refused by default (422, recorded as a reject, saying
    how to date it) and dated today with undated=today: never stored with empty dates."""
    undated = NEW_REPORT.replace("published: 2016-08-12\n", "")
    db = str(tmp_path / "undated.db")
    with open_store(db) as store:
        for policy in ("reject", "today"):
            app = create_app(Settings(db=db, token=TOKEN, undated=policy), store, gazetteer=gazetteer,
                             resources=resources)
            response = TestClient(app, base_url=LOCAL).post("/api/documents", json={"text": undated}, headers=AUTH)
            if policy == "reject":
                error = assert_error(response, 422, "invalid")
                assert "no publication date" in error["message"] and "'published' in the body" in error["message"]
                assert [r.origin for r in store.rejects()] == ["api"] and store.query_events() == []
            else:
                assert response.status_code == 201, response.text
                stored = store.query_events()
                assert stored and {e.published for e in stored} == {date.today()}
                assert all(e.event_date is not None for e in stored)
