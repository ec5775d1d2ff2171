"""The map page end to end in headless Chromium: the real app served by uvicorn over a SQLite store holding the
bundled example reports and a hostile report (script and onerror payloads in its text, title, source and url),
all ingested by the real pipeline. Screenshots are saved under out/screenshots/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
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
CHROMIUM = Path("/usr/bin/chromium")
# SwiftShader gives headless Chromium WebGL without a GPU; the rest keeps it off the (absent) network.
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run"]
TOKEN = "web-test-token"
WAIT_MS = 60_000  # the page on a loaded CI machine with software WebGL: generous, never hit when it works
SERVER_START_S = 30.0

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
    with open_store(str(folder / "web.db")) as opened:
        summary = run_batch([*sorted(EXAMPLES.glob("*.md")), folder / "hostile.md"], opened,
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


def all_events(api: httpx.Client) -> list[dict[str, Any]]:
    return api.get("/api/events", params={"limit": 1000}).json()["items"]  # type: ignore[no-any-return]


def test_web_page_is_served_with_the_security_headers(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in page.headers["content-security-policy"]  # every test here runs under it


def test_web_page_loads_with_data(page: Page, api: httpx.Client) -> None:
    events = [e for e in all_events(api) if e["lat"] is not None]
    listed = page.page.eval_on_selector_all("#list button", "rows => rows.map(r => r.dataset.eventId)")
    drawn = {p["event_id"] for p in page.rendered("events")} | {p["event_id"] for p in page.rendered("forecast")}
    assert set(listed) == drawn == {e["event_id"] for e in events}  # the last day: every located event
    assert int(page.page.text_content("#list-count") or "0") == len(events)
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
    assert {p["event_id"] for p in page.rendered("events")} <= set(listed)
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
    point = page.page.evaluate("([lon, lat]) => window.sitrepMap.project([lon, lat])", [framed["lon"], framed["lat"]])
    box = page.page.locator("#map canvas").bounding_box()
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
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
    page.page.click("#review-save")
    page.page.wait_for_selector("#review-shown:text-is('disputed')")
    assert api.get(f"/api/events/{event['event_id']}").json()["review"]["status"] == "disputed"
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
