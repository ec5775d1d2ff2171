"""The map page end to end in headless Chromium: the real app served by uvicorn over a SQLite store holding the
bundled example reports and a hostile report (script and onerror payloads in its text, title, source and url),
all ingested by the real pipeline. Screenshots are saved under out/screenshots/."""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest

from sitrep.api import create_app
from sitrep.events.extract import load_resources
from sitrep.pipeline import run_batch
from sitrep.settings import Settings
from sitrep.store import Store, open_store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "sitrep" / "data" / "examples"
VENDOR = REPO / "sitrep" / "web" / "static" / "vendor"
SCREENSHOTS = REPO / "out" / "screenshots"
REPORTS = REPO / "out" / "accessibility"
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"  # installed by `make web`, used by tests only
CHROMIUM = Path("/usr/bin/chromium")
# SwiftShader gives headless Chromium WebGL without a GPU; the rest keeps it off the (absent) network.
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run"]
TOKEN = "web-test-token"
WAIT_MS = 60_000  # the page on a loaded CI machine with software WebGL: generous, never hit when it works
SERVER_START_S = 30.0
MOSUL = (43.119, 36.335)  # lon, lat (GeoNames 99072)
MOSUL_TOLERANCE_DEGREES = 0.05  # about 5 km: a city's label on the city, not on a district or suburb of it
# Pixels from a city-level event's point at the closest zoom where its disc (about a city's 3 km) is still
# drawn and its mark (18 px) long gone.
CITY_DISC_OFFSET_PX = 120
CITY_ZOOM_MIN_LABELS = 10  # place labels expected on Aleppo at zoom 11.5 (districts, bases, villages around)
# Colour blindness simulated with Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB.
CVD_MATRICES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
# Two marks read as different colours at a glance from this CIE76 distance (ΔE in CIELAB units): a
# just-noticeable difference is about 2.3, and small map symbols need several of those.
MIN_DELTA_E = 10.0

# Every payload sets window.__xss (or opens a dialog) if it ever runs.
HOSTILE = """---
source: "<img src=x onerror=window.__xss=1>Hostile Desk"
title: "<script>window.__xss=2</script> Barrel bombs on Kafr Zita"
published: 2016-08-16
stance: neutral
url: "javascript:window.__xss=3"
---

Regime helicopters dropped barrel bombs on Kafr Zita in northern Hama on Monday <script>window.__xss=4</script>
<img src=x onerror="window.__xss=5;alert(5)">, killing three civilians, local activists said.
"""
# A report with no date anywhere (no published date, no day in its text): its events are undated.
UNDATED = """---
source: "Undated Wire"
title: "Shelling of Jisr al-Shughur"
stance: neutral
---

Government artillery shelled Jisr al-Shughur in Idlib province, killing two civilians, a local monitoring group said.
"""
HOSTILE_COMMENT = '<img src=x onerror="window.__xss=6;alert(6)"><script>window.__xss=7</script>'
HOSTILE_AUTHOR = "<b onmouseover=window.__xss=8>mallory</b>"


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium): the page is tested in a real browser")
    if not (VENDOR / "maplibre-gl.mjs").exists():
        pytest.skip(f"{VENDOR} is not built: run `make web` (npm ci + build)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, nlp: Any, gazetteer: Any,
          chromium_path: str) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("web")
    (folder / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (folder / "undated.md").write_text(UNDATED, encoding="utf-8")
    with open_store(str(folder / "web.db")) as opened:
        summary = run_batch([*sorted(EXAMPLES.glob("*.md")), folder / "hostile.md", folder / "undated.md"], opened,
                            load_resources(nlp, gazetteer))
        assert summary.events > 0 and not summary.rejects
        yield opened


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(store: Store, gazetteer: Any) -> Iterator[str]:
    """The real app over uvicorn in a thread; yields its base URL."""
    import uvicorn

    settings = Settings(db=str(store.engine.url.database), token=TOKEN)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, store, gazetteer=gazetteer), host="127.0.0.1", port=port,
                            log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_S
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Page:
    """One tab on the map page, with what went wrong in it (page errors, dialogs) recorded."""

    def __init__(self, browser: Any, server: str) -> None:
        self.page = browser.new_page(viewport={"width": 1366, "height": 768})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)  # a resource the page's Content-Security-Policy refused
        self.page.on("dialog", self._dialog)
        self.page.set_default_timeout(WAIT_MS)
        self.page.goto(server + "/")
        self.page.wait_for_selector("body[data-ready=true]")
        self.page.wait_for_selector("body[data-rendered=true]")

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def move_slider(self, day: date, layer: str = "assessed") -> None:
        first = date.fromisoformat(self.page.get_attribute("#slider", "data-first") or "")
        self.page.eval_on_selector("#slider", "(s, v) => { s.value = String(v); s.dispatchEvent(new Event('input')); }",
                                   (day - first).days)
        self.page.wait_for_selector(f"body[data-control='{day.isoformat()}/{layer}']")

    def rendered(self, layer: str) -> list[dict[str, Any]]:
        """The properties of the features drawn in `layer`, once the map has finished drawing."""
        return self.page.evaluate("""layer => new Promise(resolve => {
            const map = window.sitrepMap;
            map.once('idle', () => resolve(map.queryRenderedFeatures({ layers: [layer] }).map(f => f.properties)));
            map.triggerRepaint();
        })""", layer)  # type: ignore[no-any-return]

    def drawn_events(self) -> set[str]:
        """The ids of the events drawn once the map has finished drawing: as marks of their own, or inside a
        drawn cluster (its members read from the clustered source)."""
        return set(self.page.evaluate("""() => new Promise(resolve => {
            const map = window.sitrepMap;
            map.once('idle', async () => {
                const ids = new Set(map.queryRenderedFeatures({ layers: ['events', 'forecast'] })
                    .map(f => f.properties.event_id));
                const source = map.getSource('events');
                for (const c of map.queryRenderedFeatures({ layers: ['event-clusters'] })) {
                    const leaves = await source.getClusterLeaves(c.properties.cluster_id, Infinity, 0);
                    for (const leaf of leaves) ids.add(leaf.properties.event_id);
                }
                resolve([...ids]);
            });
            map.triggerRepaint();
        })"""))

    def clusters(self) -> list[dict[str, Any]]:
        """The clusters drawn: id, count, where on the screen, and their members' ids."""
        return self.page.evaluate("""() => new Promise(resolve => {
            const map = window.sitrepMap;
            map.once('idle', async () => {
                const source = map.getSource('events');
                const seen = new Map();
                for (const c of map.queryRenderedFeatures({ layers: ['event-clusters'] })) {
                    const id = c.properties.cluster_id;
                    if (seen.has(id)) continue;
                    const leaves = await source.getClusterLeaves(id, Infinity, 0);
                    seen.set(id, { id, count: c.properties.point_count, label: c.properties.point_count_abbreviated,
                        point: map.project(c.geometry.coordinates), members: leaves.map(l => l.properties.event_id) });
                }
                resolve([...seen.values()]);
            });
            map.triggerRepaint();
        })""")  # type: ignore[no-any-return]

    def labels(self) -> dict[str, dict[str, Any]]:
        """The place labels drawn, by name: kind and where (lon, lat)."""
        return {f["name"]: f for f in self.page.evaluate("""() => new Promise(resolve => {
            const map = window.sitrepMap;
            map.once('idle', () => {
                const layers = map.getStyle().layers.map(l => l.id).filter(id => id.startsWith('labels'));
                resolve(map.queryRenderedFeatures({ layers }).map(f => ({ name: f.properties.name,
                    kind: f.properties.kind, at: f.geometry.coordinates })));
            });
            map.triggerRepaint();
        })""")}

    def click_map(self, point: dict[str, float]) -> None:
        box = self.page.locator("#map canvas").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def zoom_to(self, lon: float, lat: float, zoom: float | None = None) -> None:
        """The map on (lon, lat) at `zoom`, by default its closest, where no cluster hides an event."""
        self.page.evaluate("""([lon, lat, zoom]) => new Promise(resolve => {
            const map = window.sitrepMap;
            map.once('idle', resolve);
            map.jumpTo({ center: [lon, lat], zoom: zoom ?? map.getMaxZoom() });
        })""", [lon, lat, zoom])

    def open_from_list(self, event_id: str) -> None:
        self.page.click(f"#list button[data-event-id='{event_id}']")
        self.page.wait_for_selector(f"#detail:not([hidden]) #detail-title[data-event-id='{event_id}']")

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.rendered("places")  # the map drawn in full: no tile still loading
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Page]:
    opened = Page(browser, server)
    yield opened
    assert not opened.errors, opened.errors
    opened.close()


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def lab(colour: str, vision: str | None = None) -> tuple[float, float, float]:
    """CIELAB (D65) of a "#rrggbb" colour, as seen with `vision` (a CVD_MATRICES key) or normal vision."""
    rgb = [_linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    if vision:
        rgb = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in CVD_MATRICES[vision]]
    r, g, b = rgb
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (
        0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str, vision: str | None = None) -> float:
    return math.dist(lab(a, vision), lab(b, vision))


def test_web_colour_distance_sees_what_colour_blind_readers_confuse() -> None:
    # red and green, far apart to most readers, come close under deuteranopia; red and blue stay apart
    assert delta_e("#d62728", "#2ca02c") > 3 * delta_e("#d62728", "#2ca02c", "deuteranopia")
    assert delta_e("#d62728", "#1f77b4", "deuteranopia") >= MIN_DELTA_E
    assert delta_e("#ffffff", "#000000") == pytest.approx(100, abs=0.1)


def all_events(api: httpx.Client) -> list[dict[str, Any]]:
    return api.get("/api/events", params={"limit": 1000}).json()["items"]  # type: ignore[no-any-return]


def test_web_page_is_served_with_the_security_headers(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in page.headers["content-security-policy"]  # every test here runs under it


def test_web_page_loads_with_data(page: Page, api: httpx.Client) -> None:
    events = [e for e in all_events(api) if e["lat"] is not None]
    listed = page.page.eval_on_selector_all("#list button", "rows => rows.map(r => r.dataset.eventId)")
    dated = {e["event_id"] for e in events if e["date"]}
    assert set(listed) == page.drawn_events() == dated  # the last day: every located, dated event
    assert int(page.page.text_content("#list-count") or "0") == len(dated)
    fronts = api.get("/api/fronts").json()["items"]
    assert page.page.eval_on_selector_all("#front option", "os => os.slice(1).map(o => o.value)") == [
        f["admin1"] for f in fronts]
    assert page.page.text_content("#day") == api.get("/api/timeline").json()["last"]
    page.page.click("#legend summary")
    assert page.page.is_visible("#legend .legend-body")
    page.screenshot("map")


def test_web_filters_and_front_narrow_map_and_list(page: Page, api: httpx.Client) -> None:
    events = [e for e in all_events(api) if e["lat"] is not None]
    kind = max({e["event_type"] for e in events}, key=lambda t: sum(e["event_type"] == t for e in events))
    page.page.select_option("#f-type", kind)
    listed = page.page.eval_on_selector_all("#list button", "rows => rows.map(r => r.dataset.eventId)")
    assert set(listed) == {e["event_id"] for e in events if e["event_type"] == kind}
    assert page.drawn_events() <= set(listed)
    page.page.select_option("#f-type", "")
    front = api.get("/api/fronts").json()["items"][0]
    page.page.select_option("#front", front["admin1"])
    page.page.wait_for_function("() => !window.sitrepMap.isMoving()")
    listed = page.page.eval_on_selector_all("#list button", "rows => rows.map(r => r.dataset.eventId)")
    assert set(listed) == {e["event_id"] for e in events if e["admin1"] == front["admin1"]}
    center = page.page.evaluate("window.sitrepMap.getCenter().toArray()")
    west, south, east, north = front["bbox"]
    assert west <= center[0] <= east and south <= center[1] <= north


def test_web_slider_changes_controllers(page: Page, api: httpx.Client) -> None:
    timeline = api.get("/api/timeline").json()
    changes = api.get("/api/changes", params={"from": timeline["first"], "to": timeline["last"]}).json()["items"]
    change = next(c for c in changes if c["to_side"] and date.fromisoformat(c["date"]) > date.fromisoformat(timeline["first"]))
    after = date.fromisoformat(change["date"])
    before = after - timedelta(days=1)
    shown = {}
    for day in (before, after):
        page.move_slider(day)
        expected = api.get("/api/control", params={"at": day.isoformat(), "layer": "assessed"}).json()
        truth = {f["properties"]["place_id"]: f["properties"]["side"] for f in expected["places"]["features"]}
        drawn = {p["place_id"]: p["side"] for p in page.rendered("places")}
        assert drawn and all(truth[place] == side for place, side in drawn.items())
        shown[day] = drawn.get(change["place_id"])
        assert page.page.text_content("#day") == day.isoformat()
        listed = page.page.eval_on_selector_all("#list .row-date", "rows => rows.map(r => r.textContent)")
        assert listed and all(d <= day.isoformat() for d in listed if d != "undated")
    assert shown[after] == change["to_side"] and shown[before] != shown[after]
    page.screenshot("slider")
    page.page.check("input[name=layer][value=claimed]")  # the claimed layer, same day
    page.page.wait_for_selector(f"body[data-control='{after.isoformat()}/claimed']")
    claimed = api.get("/api/control", params={"at": after.isoformat(), "layer": "claimed"}).json()
    truth = {f["properties"]["place_id"]: f["properties"]["state"] for f in claimed["places"]["features"]}
    drawn_states = {p["place_id"]: p["state"] for p in page.rendered("places")}
    assert drawn_states and all(truth[place] == s for place, s in drawn_states.items())
    page.page.focus("#slider")  # the keyboard moves the timeline too
    page.page.keyboard.press("Home")
    page.page.wait_for_selector(f"body[data-control='{timeline['first']}/claimed']")
    assert page.page.text_content("#day") == timeline["first"]
    page.page.click("#play")  # play replays day by day from there; pressing again pauses
    page.page.wait_for_function("first => document.getElementById('day').textContent > first", arg=timeline["first"])
    page.page.click("#play")
    assert page.page.get_attribute("#play", "aria-label") == "Play the timeline"


def test_web_click_opens_evidence(page: Page, api: httpx.Client) -> None:
    # an event with framing in a report, clicked on the map where it is drawn
    framed = next(e for e in all_events(api) if e["lat"] is not None and e["fact_status"] != "expected"
                  and any(r["framing"] for r in api.get(f"/api/events/{e['event_id']}").json()["reports"]))
    detail = api.get(f"/api/events/{framed['event_id']}").json()
    page.zoom_to(framed["lon"], framed["lat"])  # closest zoom: no cluster over it
    page.click_map(page.page.evaluate("([lon, lat]) => window.sitrepMap.project([lon, lat])",
                                      [framed["lon"], framed["lat"]]))
    page.page.wait_for_selector("#detail:not([hidden]) .evidence")
    opened = page.page.get_attribute("#detail-title", "data-event-id")
    shown = api.get(f"/api/events/{opened}").json()  # the topmost event where clicked: maybe one sharing the spot
    assert (shown["lat"], shown["lon"]) == (framed["lat"], framed["lon"])
    page.open_from_list(framed["event_id"])
    quotes = page.page.eval_on_selector_all(".evidence", "qs => qs.map(q => q.textContent)")
    assert quotes == [r["evidence"] for r in detail["reports"]]
    marks = page.page.eval_on_selector_all(".evidence mark.framing", "ms => ms.map(m => m.textContent)")
    assert marks and set(marks) <= {s["text"] for r in detail["reports"] for s in r["framing"]}
    sources = page.page.eval_on_selector_all(".report .source", "ss => ss.map(s => s.textContent)")
    assert sources == [r["source"] or "unknown source" for r in detail["reports"]]
    assert page.page.text_content("#confidence-value") == f"{detail['confidence']:.2f}"
    terms = page.page.eval_on_selector_all(".confidence tbody tr .term", "ts => ts.map(t => t.textContent)")
    assert terms == [t["name"] for t in detail["confidence_terms"]]
    page.screenshot("evidence")
    page.page.keyboard.press("Escape")
    assert page.page.is_hidden("#detail")


def test_web_comment_posted_and_sorted(page: Page, api: httpx.Client) -> None:
    event = next(e for e in all_events(api) if e["lat"] is not None and e["fact_status"] != "expected")
    page.page.fill("#token", TOKEN)
    page.page.dispatch_event("#token", "change")
    page.open_from_list(event["event_id"])
    for author, text in (("first", "Seen from the ridge."), ("second", "Two sources agree.")):
        page.page.fill("#comment-author", author)
        page.page.fill("#comment-text", text)
        page.page.click("#comment-post")
        page.page.wait_for_selector(f".comment-text:text-is('{text}')")
    stored = api.get(f"/api/events/{event['event_id']}/comments", params={"sort": "oldest"}).json()["items"]
    assert [c["text"] for c in stored][-2:] == ["Seen from the ridge.", "Two sources agree."]
    first = stored[-2]["comment_id"]
    page.page.click(f".comment[data-comment-id='{first}'] .vote-up")  # the older one becomes the most voted
    page.page.wait_for_selector(f".comment[data-comment-id='{first}'] .score:text-is('1')")

    def order(sort: str) -> list[str]:
        page.page.select_option("#comment-sort", sort)
        expected = [str(c["comment_id"]) for c in api.get(f"/api/events/{event['event_id']}/comments",
                                                         params={"sort": sort}).json()["items"]]
        page.page.wait_for_function("ids => [...document.querySelectorAll('.comment')].map(c => c.dataset.commentId)"
                                    ".join() === ids.join()", arg=expected)
        return expected

    newest, oldest, voted = order("newest"), order("oldest"), order("votes")
    assert newest == oldest[::-1] and voted[0] == str(first) and newest[0] != str(first)
    page.screenshot("comments")


def test_web_review_shown_on_map(page: Page, api: httpx.Client) -> None:
    event = next(e for e in all_events(api) if e["lat"] is not None and e["fact_status"] != "expected"
                 and not e["review"])
    page.page.fill("#token", TOKEN)
    page.page.dispatch_event("#token", "change")
    page.open_from_list(event["event_id"])
    page.page.select_option("#review-status", "disputed")
    page.page.fill("#review-by", "analyst")
    before = page.page.text_content("#confidence-value")
    page.page.click("#review-save")
    page.page.wait_for_selector("#review-shown:text-is('disputed')")
    fresh = api.get(f"/api/events/{event['event_id']}").json()
    assert fresh["review"]["status"] == "disputed"
    # the confidence shown is read again: a disputed event counts for less
    page.page.wait_for_selector(f"#confidence-value:text-is('{fresh['confidence']:.2f}')")
    assert float(before or "nan") > fresh["confidence"]
    page.zoom_to(event["lon"], event["lat"])  # the review ring is drawn around the event's own mark
    reviewed = {p["event_id"]: p["review"] for p in page.rendered("events-review")}
    assert reviewed.get(event["event_id"]) == "disputed"


def test_web_xss_payloads_stay_inert(page: Page, api: httpx.Client) -> None:
    hostile = [e for e in all_events(api) if "Hostile Desk" in e["source"]]
    assert hostile and all("<script>" in e["evidence"] for e in hostile)
    target = hostile[0]["event_id"]
    page.page.fill("#token", TOKEN)
    page.page.dispatch_event("#token", "change")
    page.open_from_list(target)
    page.page.fill("#comment-author", HOSTILE_AUTHOR)
    page.page.fill("#comment-text", HOSTILE_COMMENT)
    page.page.click("#comment-post")
    page.page.wait_for_selector(".comment-text")
    page.page.hover(".comment .author")
    page.page.select_option("#f-source", hostile[0]["source"])
    page.page.wait_for_timeout(500)  # time for anything injected to run, were it to
    assert page.page.evaluate("window.__xss") is None and not page.dialogs
    assert page.page.locator("img[src=x], #detail script, #list script, b[onmouseover]").count() == 0
    text = page.page.text_content("body") or ""
    assert "<script>window.__xss=4</script>" in text and hostile[0]["source"] in text
    assert HOSTILE_COMMENT in text and HOSTILE_AUTHOR in text
    assert page.page.locator("#detail a[href^='javascript']").count() == 0
    page.screenshot("xss")


def test_web_cluster_shows_its_count_and_expands_on_click(page: Page) -> None:
    clusters = page.clusters()
    assert clusters, "the bundled examples put many events on a few cities: some must be clustered"
    assert all(c["count"] == len(c["members"]) and str(c["label"]) == str(c["count"]) for c in clusters)
    counts = {str(p["point_count_abbreviated"]) for p in page.rendered("event-cluster-counts")}
    assert counts == {str(c["count"]) for c in clusters}  # each disc carries its count
    biggest = max(clusters, key=lambda c: c["count"])
    box = page.page.locator("#map canvas").bounding_box()
    page.page.mouse.move(box["x"] + biggest["point"]["x"], box["y"] + biggest["point"]["y"])
    hover = page.page.wait_for_selector(".maplibregl-popup-content").text_content() or ""
    assert hover.startswith(f"{biggest['count']} events: ")  # and what they are, type by type
    assert sum(int(part.split(" ", 1)[0]) for part in hover.split(": ", 1)[1].split(", ")) == biggest["count"]
    members, steps = set(biggest["members"]), 0
    while True:  # zoomed into until the events come apart; events sharing one spot are listed instead
        zoom = page.page.evaluate("window.sitrepMap.getZoom()")
        page.click_map(biggest["point"])
        page.page.wait_for_function("z => window.sitrepMap.getZoom() > z + 0.01 && !window.sitrepMap.isMoving()"
                                    " || document.getElementById('list-scope').textContent === 'at the clicked spot'",
                                    arg=zoom)
        if page.page.text_content("#list-scope") == "at the clicked spot":
            break
        steps += 1
        assert members <= page.drawn_events()  # nothing lost by zooming in
        inside = [c for c in page.clusters() if set(c["members"]) & members]
        assert len(inside) != 1 or set(inside[0]["members"]) != members  # it split, or left the screen's middle
        if not inside:
            break
        biggest = max(inside, key=lambda c: c["count"])
        members = set(biggest["members"])
    if page.page.text_content("#list-scope") == "at the clicked spot":
        listed = page.page.eval_on_selector_all("#list button", "rows => rows.map(r => r.dataset.eventId)")
        assert set(listed) == members and int(page.page.text_content("#list-count") or "0") == len(members)
    page.screenshot("cluster")


def test_web_palette_keeps_sides_and_events_apart_under_colour_blindness(page: Page) -> None:
    palette = page.page.evaluate("""() => import('/static/layers.js').then(m => ({ sides: m.SIDE_COLOURS,
        ink: m.EVENT_INK, types: Object.values(m.EVENT_TYPES).map(t => t.colour), reviews: m.REVIEW_COLOURS }))""")
    sides: dict[str, str] = palette["sides"]
    marks = {"event": palette["ink"], **{f"review {k}": v for k, v in palette["reviews"].items()}}
    assert set(palette["types"]) == {palette["ink"]}  # event types are told by shape, in the one event colour
    colours = {**sides, **marks}
    for vision in (None, *CVD_MATRICES):
        for (a, x), (b, y) in combinations(colours.items(), 2):
            distance = delta_e(x, y, vision)
            assert distance >= MIN_DELTA_E, f"{a} {x} and {b} {y}: ΔE {distance:.1f} under {vision or 'normal vision'}"
    drawn = {p["side"] for p in page.rendered("places") if p.get("side")}
    assert drawn and drawn <= set(sides)  # every side on the map has a colour of its own


def test_web_sides_are_drawn_and_named_as_the_conflict_profile_says(page: Page, api: httpx.Client) -> None:
    day = api.get("/api/timeline").json()["last"]
    sides = api.get("/api/sides", params={"date": day}).json()["items"]
    colours = page.page.evaluate("() => import('/static/layers.js').then(m => m.SIDE_COLOURS)")
    assert colours == {s["id"]: s["colour"] for s in sides}  # the page has no colours of its own
    control = api.get("/api/control", params={"at": day, "layer": "assessed"}).json()
    held = {f["properties"]["side"] for part in ("places", "areas") for f in control[part]["features"]} - {"", None}
    assert held, "the bundled examples give places a holder on the last day"
    page.page.click("#legend summary")
    named = page.page.evaluate("""() => { const found = [];  // the keys under "Who holds it"
        for (let n = document.querySelector('#legend h2').nextElementSibling; n && n.tagName !== 'H2';
             n = n.nextElementSibling) found.push(n.textContent);
        return found; }""")
    assert set(named) == {s["label"] for s in sides if s["id"] in held}  # the profile's labels for the day


def test_web_play_steps_at_the_chosen_speed_and_never_replays_undated_events(page: Page, api: httpx.Client) -> None:
    undated = {e["event_id"] for e in all_events(api) if not e["date"]}
    assert undated, "the fixture's undated report gives undated events"
    listed_apart = page.page.eval_on_selector_all("#undated button", "rows => rows.map(r => r.dataset.eventId)")
    assert set(listed_apart) == undated and page.page.is_visible("#undated-section")
    timeline = api.get("/api/timeline").json()
    event_days = sorted({d["date"] for d in timeline["days"] if d["events"]})
    page.page.focus("#slider")
    page.page.keyboard.press("Home")
    page.page.wait_for_selector(f"body[data-control='{timeline['first']}/assessed']")
    page.page.select_option("#step", "week")
    page.page.select_option("#speed", label="fastest")
    # every step of the replay recorded in the page as it is drawn (no polling): its day and the rows listed
    page.page.evaluate("""() => { window.__replay = []; window.__delays = [];
        const schedule = window.setTimeout;  // the pause between steps, as the page asks for it
        window.setTimeout = (f, ms, ...rest) => { window.__delays.push(ms); return schedule(f, ms, ...rest); };
        new MutationObserver(() => window.__replay.push({ day: document.getElementById('day').textContent,
            listed: [...document.querySelectorAll('#list button')].map(r => r.dataset.eventId) }))
          .observe(document.getElementById('day'), { childList: true, characterData: true, subtree: true }); }""")
    page.page.click("#play")
    assert page.page.get_attribute("#play", "aria-label") == "Pause the timeline"
    page.page.wait_for_selector("#play[data-playing=false]")  # it runs on to the last day, then stops
    assert page.page.get_attribute("#play", "aria-label") == "Play the timeline"
    replay = page.page.evaluate("window.__replay")
    pause = int(page.page.eval_on_selector("#speed", "s => s.value"))
    assert page.page.evaluate("window.__delays").count(pause) >= len(replay)  # each step waits the chosen pause
    seen = [step["day"] for step in replay]
    assert len(seen) >= 3 and seen[-1] == timeline["last"], seen
    gaps = [(date.fromisoformat(b) - date.fromisoformat(a)).days for a, b in pairwise(seen)]
    # a week at a time, or on to the next day with events past an empty stretch (never a day-by-day crawl)
    assert all(gap >= 7 or b in event_days or b == timeline["last"] for gap, b in zip(gaps, seen[1:], strict=True))
    assert not {e for step in replay for e in step["listed"]} & undated  # an undated event is on no day of it
    page.screenshot("timeline")


def test_web_event_panel_is_titled_by_the_event(page: Page, api: httpx.Client) -> None:
    event = next(e for e in all_events(api) if e["lat"] is not None and e["date"] and e["title"])
    detail = api.get(f"/api/events/{event['event_id']}").json()
    page.open_from_list(event["event_id"])
    day = date.fromisoformat(detail["date"])
    what = detail["sub_event_type"] or detail["event_type"]
    title = page.page.text_content("#detail-title")
    assert title == f"{what} in {detail['location']}, {day.day} {day:%B %Y}"
    assert title not in {r["title"] for r in detail["reports"]}  # not a report's headline
    headlines = page.page.eval_on_selector_all(".report .report-title", "ts => ts.map(t => t.textContent)")
    assert headlines == [r["title"] for r in detail["reports"] if r["title"]]
    page.page.keyboard.press("Escape")  # Esc closes the panel and gives the focus back to the row that opened it
    assert page.page.is_hidden("#detail")
    assert page.page.evaluate("document.activeElement.dataset.eventId") == event["event_id"]


def test_web_refused_write_says_what_to_do_and_clears_on_success(page: Page, api: httpx.Client) -> None:
    event = next(e for e in all_events(api) if e["lat"] is not None and e["fact_status"] != "expected")
    page.page.fill("#token", "")
    page.page.dispatch_event("#token", "change")
    page.open_from_list(event["event_id"])
    page.page.fill("#comment-author", "analyst")
    page.page.fill("#comment-text", "Needs a second source.")
    page.page.click("#comment-post")
    page.page.wait_for_selector("#comment-error:text-matches('Enter the analyst token')")
    assert "Bearer" not in (page.page.text_content("body") or "")
    page.page.fill("#token", TOKEN)
    page.page.dispatch_event("#token", "change")
    page.page.click("#comment-post")
    page.page.wait_for_selector(".comment-text:text-is('Needs a second source.')")
    assert page.page.text_content("#comment-error") == "" and page.page.text_content("#status") == ""
    created = page.page.text_content(".comment .created") or ""
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", created), created  # not raw ISO with microseconds


def test_web_keyboard_reaches_controls_then_map_then_list(page: Page) -> None:
    order = page.page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select, textarea, canvas[tabindex]')]
        .filter(n => !n.disabled && n.offsetParent !== null && n.tabIndex >= 0).map(n => n.id || n.className || n.tagName)""")
    assert order[0] == "skip-link" or order[0].startswith("skip-link")
    assert order.index("slider") < order.index("maplibregl-canvas") < next(
        i for i, name in enumerate(order) if name == "event-row")
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.className") == "skip-link"


def test_web_axe_finds_no_serious_violations(page: Page, api: httpx.Client) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run `make web` (npm ci installs axe-core)")
    page.page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's script policy stays strict
    event = next(e for e in all_events(api) if e["lat"] is not None)
    results = {}
    for state in ("map", "event panel"):
        if state == "event panel":
            page.open_from_list(event["event_id"])
            page.page.click("#legend summary")
        found = page.page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
        results[state] = [(v["id"], v["impact"], len(v["nodes"])) for v in found["violations"]]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "axe.txt").write_text("\n".join(f"{state}: {r}" for state, r in results.items()) + "\n", encoding="utf-8")
    serious = {state: [r for r in found if r[1] in ("serious", "critical")] for state, found in results.items()}
    assert not any(serious.values()), serious


def test_web_place_labels_by_zoom(page: Page) -> None:
    page.zoom_to(38.5, 35.0, 6)  # the country: its cities, and the neighbours' big ones in grey
    country = page.labels()
    assert {"Damascus", "Aleppo", "Homs", "Hama", "Latakia"} <= set(country)
    assert {label["kind"] for label in country.values()} <= {"city", "town", "foreign"}
    page.zoom_to(42.0, 36.0, 6.5)  # east of Syria: Mosul is labelled Mosul, where Mosul is
    mosul = page.labels()["Mosul"]
    assert mosul["kind"] == "foreign" and math.dist(mosul["at"], MOSUL) < MOSUL_TOLERANCE_DEGREES
    page.screenshot("labels-region")
    page.zoom_to(37.16, 36.20, 11.5)  # Aleppo at city zoom: its districts, bases and the villages around it
    page.screenshot("labels-city")
    city = page.labels()
    kinds = {label["kind"] for label in city.values()}
    assert len(city) >= CITY_ZOOM_MIN_LABELS and {"city", "district", "village"} <= kinds, city
    points = [tuple(label["at"]) for label in city.values()]
    assert len(set(points)) == len(points)  # no district labelled at its city's centre (where it is unknown)


def test_web_api_docs_render_offline(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    refused: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:")) else None)
    page.set_default_timeout(WAIT_MS)
    page.goto(server + "/docs")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")  # Swagger UI drew the schema's operations
    paths = page.eval_on_selector_all(".opblock-summary-path", "ps => ps.map(p => p.textContent.trim())")
    assert "/api/events" in "".join(paths) and not refused and not outside, (refused, outside)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "docs.png"))
    page.close()


def _labels_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("web_labels", REPO / "web" / "labels.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_web_labels_spell_a_french_final_ss_the_english_way() -> None:
    from sitrep.geo import load_gazetteer

    labels = _labels_module()
    places = {p.place_id: p for p in load_gazetteer().places if p.kind == "city"}
    named = {p.name: p for p in places.values()}
    assert labels.english_manner(named["Tartouss"]) == "Tartus"  # Who's On First's French spelling
    # 'ou' alone stays: Douma and Houla are how English-language reports write them
    assert labels.english_manner(named["Douma"]) == "Douma"
    assert labels.english_manner(named["Aleppo"]) == "Aleppo"
    built = VENDOR / "labels.geojson"
    if built.exists():  # `make web` has run: the label the map draws
        names = {f["properties"]["name"] for f in json.loads(built.read_text(encoding="utf-8"))["features"]}
        assert "Tartus" in names and "Tartouss" not in names


def test_web_hover_popup_closes_when_the_slider_or_the_view_moves(page: Page) -> None:
    box = page.page.locator("#map canvas").bounding_box()

    def hover_biggest_cluster() -> None:
        biggest = max(page.clusters(), key=lambda c: c["count"])
        page.page.mouse.move(box["x"] + biggest["point"]["x"], box["y"] + biggest["point"]["y"])
        page.page.wait_for_selector(".maplibregl-popup-content")

    hover_biggest_cluster()
    page.page.focus("#slider")  # the mouse stays where it is: only the slider moves
    page.page.keyboard.press("ArrowLeft")
    page.page.wait_for_selector(".maplibregl-popup", state="detached")
    page.page.keyboard.press("ArrowRight")
    hover_biggest_cluster()
    page.page.evaluate("window.sitrepMap.panBy([40, 0], { duration: 0 })")
    page.page.wait_for_selector(".maplibregl-popup", state="detached")


def test_web_city_level_event_is_drawn_as_a_disc_not_a_pin(page: Page, api: httpx.Client) -> None:
    drawn = [e for e in all_events(api) if e["lat"] is not None and e["date"] and e["fact_status"] != "expected"]
    city = next(e for e in drawn if e["geo_precision"] == 2)
    spot = next(e for e in drawn if e["geo_precision"] == 1)

    def features_at(event: dict[str, Any], dx: float) -> dict[str, set[str]]:
        """The layers' features drawn `dx` pixels east of the event's point, at the closest zoom (no clusters)."""
        page.zoom_to(event["lon"], event["lat"])
        page.rendered("events")  # drawn in full
        found = page.page.evaluate("""([lon, lat, dx]) => {
            const map = window.sitrepMap;
            const at = map.project([lon, lat]);
            return map.queryRenderedFeatures([at.x + dx, at.y], { layers: ['events', 'events-city'] })
                .map(f => [f.layer.id, f.properties.event_id, f.properties.geo_precision]);
        }""", [event["lon"], event["lat"], dx])
        assert all(precision == 2 for layer, _, precision in found if layer == "events-city")
        return {layer: {i for kind, i, _ in found if kind == layer} for layer in ("events", "events-city")}

    # on its point: the event's mark over its disc; CITY_DISC_OFFSET_PX away, the disc alone (a pin is gone)
    assert city["event_id"] in features_at(city, 0)["events"]
    assert city["event_id"] in features_at(city, 0)["events-city"]
    off = features_at(city, CITY_DISC_OFFSET_PX)
    assert city["event_id"] in off["events-city"] and city["event_id"] not in off["events"]
    # an event placed on its spot is its mark alone, with no disc around it
    assert spot["event_id"] in features_at(spot, 0)["events"]
    assert spot["event_id"] not in features_at(spot, 0)["events-city"] | features_at(spot, CITY_DISC_OFFSET_PX)["events-city"]
