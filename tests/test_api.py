"""The JSON API in-process (FastAPI's TestClient) over a real SQLite store holding the bundled example reports,
ingested by the real pipeline: every route, the token rule for writes, and the one error shape."""

from __future__ import annotations

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
    return TestClient(create_app(settings, store, gazetteer=gazetteer, resources=resources))


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
    start, end = date.fromisoformat(timeline["first"]), date.fromisoformat(timeline["last"])
    body = client.get("/api/changes", params={"from": (start.replace(day=1)).isoformat(), "to": end.isoformat()})
    expected = control_changes(store, start.replace(day=1), end)
    assert [c["place_id"] for c in body.json()["items"]] == [c.state.place_id for c in expected]
    assert_error(client.get("/api/changes", params={"from": "2016-08-02", "to": "2016-08-01"}), 400, "bad_request")


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


def test_api_serves_openapi_docs_and_the_page(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for route in ("/api/events", "/api/events/{event_id}", "/api/control", "/api/changes", "/api/timeline",
                  "/api/fronts", "/api/places", "/api/sources", "/api/config", "/api/documents",
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
    closed = TestClient(create_app(Settings(db=":memory:", token=""), store))
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
    for value in (1, 1, -1):
        client.post(f"/api/comments/{ids[0]}/votes", json={"value": value}, headers=AUTH)
    assert client.post(f"/api/comments/{ids[2]}/votes", json={"value": 1}, headers=AUTH).json()["up"] == 1

    def order(sort: str) -> list[int]:
        items = client.get(f"/api/events/{event}/comments", params={"sort": sort}).json()["items"]
        return [c["comment_id"] for c in items if c["comment_id"] in ids]

    assert order("oldest") == ids and order("newest") == ids[::-1] and order("votes") == [ids[2], ids[0], ids[1]]
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
    verified = client.put(f"/api/events/{detail['event_id']}/review",
                          json={"status": "verified", "note": "geolocated video", "by": "ana"}, headers=AUTH).json()
    assert verified["confidence"] == pytest.approx(base + 0.2, abs=1e-3)
    assert explain_event(store, sibling).confidence == verified["confidence"]
    listed = {e["event_id"]: e for e in all_events(client)}
    assert listed[sibling]["review"] == "verified" and listed[sibling]["confidence"] == verified["confidence"]
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
        client = TestClient(create_app(Settings(db=":memory:"), broken), raise_server_exceptions=False)
        assert client.get("/api/events").json()["items"] == []
        with broken.engine.begin() as connection:
            connection.execute(text("DROP TABLE events"))
        assert_error(client.get("/api/events"), 500, "internal_error")


def test_api_review_uses_the_configured_confidence_weights(store: Store, gazetteer: Any, resources: Any) -> None:
    settings = Settings(db=":memory:", token=TOKEN, confidence=(("analyst_verified", 0.35),))
    client = TestClient(create_app(settings, store, gazetteer=gazetteer, resources=resources))
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
