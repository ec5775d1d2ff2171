// The map page: loads the events once, then filters, the timeline and the front selector decide what
// the map and the list show; control (assessed or claimed) is fetched for the slider's day.

import { allEventColumns, getJSON, getToken, setToken } from "./api.js";
import { showEvent } from "./detail.js";
import { clear, h, option } from "./dom.js";
import {
  EVENT_TYPES, LOCAL_LABELS_FROM, MAX_ZOOM, REVIEW_COLOURS, SIDE_COLOURS, addDataLayers, baseStyle, iconUrl, setData,
  setSides, sideLabel,
} from "./layers.js";
import { drawHistogram, nextStep, playIcon, STEP_UNITS, SPEEDS } from "./timeline.js";

const DAY_MS = 86400000;
const LIST_LIMIT = 300; // rows drawn in the list; the count above it is always the full number
const FACT_STATUSES = ["reported", "attributed_claim", "expected", "hypothetical", "negated"];
const START = { center: [38.5, 35.0], zoom: 6 }; // Syria, before the data's extent is known
const FIT = { padding: 40, maxZoom: 9 }; // the opening view: the events' extent, this many pixels inside the edge
const MAP_WORKERS = 2; // MapLibre's workers (it starts one outside Safari): the sources are tiled two at a time
const CLUSTER_LIST_LIMIT = 500; // events of one clicked cluster listed (a city-level spot can hold hundreds)

const $ = (id) => document.getElementById(id);
let maplibregl = null; // MapLibre GL JS, imported while the data loads (main)
const state = { events: [], days: [], day: 0, selected: null, fronts: [], playing: null, controlKey: "",
  opener: null, only: null, counts: new Map(), clusterTexts: new Map() };

function dayIndex(iso, first) {
  return Math.round((Date.parse(iso) - Date.parse(first)) / DAY_MS);
}

function dayLabel(index) {
  return state.days.length ? new Date(Date.parse(state.days[0]) + index * DAY_MS).toISOString().slice(0, 10) : "";
}

function report(error) {
  $("status").textContent = error ? `⚠ ${error.message || error}` : "";
}

// The event fields the map, its filters and its list use (the detail panel reads the event itself).
const EVENT_FIELDS = ["event_id", "date", "event_type", "sub_event_type", "actor1_side", "actor2_side", "location",
  "admin1", "lat", "lon", "geo_precision", "fact_status", "source", "stance", "review"];

async function main() {
  // The map is made as soon as MapLibre (a megabyte of script, imported here rather than statically, which
  // would hold every request back), the timeline (its extent is the view) and the fonts are in: its workers
  // tile the basemap while the events (one request), the control of the last day and the lists are still
  // coming. Nothing is painted until all of it is drawn (paintWhenComplete).
  const mapAsked = import("/static/vendor/maplibre-gl.mjs").then((module) => {
    module.setWorkerCount(MAP_WORKERS);
    module.prewarm(); // the workers start (a half-megabyte script each) while the data is still coming
    return module;
  });
  const layer = currentLayer();
  const timelineAsked = getJSON("/api/timeline");
  const controlAsked = timelineAsked.then((t) => (t.last ? getJSON("/api/control", { at: t.last, layer }) : null));
  const facesAsked = fetch("/static/vendor/font-faces.json").then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const dataAsked = Promise.all([getJSON("/api/fronts"), getJSON("/api/sources"), allEventColumns(EVENT_FIELDS),
    controlAsked]);
  const [config, timeline, sides, fontFaces] = await Promise.all([getJSON("/api/config"), timelineAsked,
    getJSON("/api/sides"), facesAsked]);
  setSides(sides.items); // the conflict profile's colours and labels, before any layer uses them
  maplibregl = await mapAsked;
  setupTimeline(timeline);
  const bounds = timeline.extent ? [timeline.extent.slice(0, 2), timeline.extent.slice(2)] : null;
  const view = bounds ? { bounds, fitBoundsOptions: FIT } : START;
  const map = new maplibregl.Map({ container: "map", style: baseStyle(config.tile_url, fontFaces), ...view,
    maxZoom: MAX_ZOOM, attributionControl: { compact: true, customAttribution: "Natural Earth, GeoNames" },
    fadeDuration: 0 }); // no symbol fade-in: icons appear with the first frame that has them
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.getCanvas().setAttribute("aria-label", "Map of events and control: arrow keys pan, + and - zoom");
  window.sitrepMap = map; // for the browser tests and the render benchmark
  const layersSet = paintWhenComplete(map);
  // style.load, not load: the data layers go in before the basemap's tiles are ready, so one render shows all.
  const styled = new Promise((resolve) => map.once("style.load", resolve));
  const [fronts, sources, events, control] = await dataAsked;
  performance.mark("sitrep:data");
  state.events = events.map((e) => ({ ...e, day: e.date && state.days.length ? dayIndex(e.date, state.days[0]) : null }));
  state.fronts = fronts.items;
  fillFilters(sources.items);
  // The filters' options may have made the header taller: the map's box is measured again, and the data's
  // extent fitted to it (no change, no work).
  map.resize();
  if (bounds) map.fitBounds(bounds, { ...FIT, animate: false });
  await styled;
  addDataLayers(map);
  wire(map);
  legend();
  render(map);
  if (control) showControl(map, `${timeline.last}/${layer}`, control);
  performance.mark("sitrep:layers-set");
  map.once("idle", () => {
    performance.mark("sitrep:first-render"); // what bench/map_render.py times
    document.body.dataset.rendered = "true";
    loadLocalLabels(map);
  });
  layersSet();
  document.body.dataset.ready = "true";
}

// Until the map is first complete, nothing is painted: each source's tiles come back from the worker one by
// one, and MapLibre would paint a frame after each, every one of them costly where WebGL is software-rendered
// (150-250 ms of the machine at 1366x768 under SwiftShader), though only the last is the map. Its frames still
// run (they ask for the tiles, place the labels); only their painting waits for the style, every tile and the
// labels' placement to be in, or FIRST_PAINT_WAIT_MS at most (raster tiles from a slow server). Once idle,
// the map paints every frame as usual. (map.painter and map._placementDirty are MapLibre's own, of the
// version web/package.json pins.)
const FIRST_PAINT_WAIT_MS = 3000; // ms after which a map still incomplete is painted as it is

function paintWhenComplete(map) {
  const painter = map.painter;
  const paint = painter.render.bind(painter);
  const started = performance.now();
  let layersSet = false;
  painter.render = (...args) => {
    const complete = layersSet && map.isStyleLoaded() && !map._placementDirty;
    if (complete || performance.now() - started > FIRST_PAINT_WAIT_MS) return paint(...args);
    return undefined;
  };
  const late = setTimeout(() => map.triggerRepaint(), FIRST_PAINT_WAIT_MS + 1);
  return () => { // the data layers are in: painting resumes for good once they are drawn
    layersSet = true;
    map.once("idle", () => { painter.render = paint; clearTimeout(late); });
    map.triggerRepaint();
  };
}

// The villages' and sites' labels (a few megabytes) once the first render is done, or when zoomed in.
function loadLocalLabels(map) {
  if (!map.getSource("labels-local")) return;
  const load = () => {
    if (state.localLabels) return;
    state.localLabels = true;
    setData(map, "labels-local", "/static/vendor/labels-local.geojson");
  };
  if (map.getZoom() >= LOCAL_LABELS_FROM - 1) load();
  else map.on("zoomend", () => { if (map.getZoom() >= LOCAL_LABELS_FROM - 1) load(); });
}

function currentLayer() {
  return document.querySelector("input[name=layer]:checked").value;
}

function setupTimeline(timeline) {
  const first = timeline.first;
  const last = timeline.last || first;
  state.days = first ? [first, last] : [];
  const span = first ? dayIndex(last, first) : 0;
  state.counts = new Map((timeline.days || []).map((d) => [dayIndex(d.date, first), d.events]));
  const slider = $("slider");
  slider.max = String(span);
  if (first) slider.dataset.first = first;
  slider.value = String(span);
  slider.setAttribute("aria-valuetext", dayLabel(span) || "no events yet");
  state.day = span;
  $("day").textContent = dayLabel(span) || "no events yet";
  $("step").append(...STEP_UNITS.map(([value, label]) => option(value, label)));
  $("speed").append(...SPEEDS.map(([value, label]) => option(String(value), label)));
  $("speed").value = String(SPEEDS[1][0]);
  drawHistogram($("histogram"), state.counts, span);
}

function fillFilters(sources) {
  const sides = new Set();
  for (const e of state.events) for (const s of [e.actor1_side, e.actor2_side]) if (s) sides.add(s);
  $("f-side").append(...[...sides].sort().map((s) => option(s, sideLabel(s))));
  $("f-type").append(...Object.keys(EVENT_TYPES).map((t) => option(t, t)));
  $("f-status").append(...FACT_STATUSES.map((s) => option(s, s.replace("_", " "))));
  const names = [...new Set(sources.map((s) => s.publisher).concat(state.events.map((e) => e.source)).filter(Boolean))].sort();
  $("f-source").append(...names.map((s) => option(s, s)));
  const stances = [...new Set(sources.map((s) => s.stance).concat(state.events.map((e) => e.stance)).filter(Boolean))].sort();
  $("f-stance").append(...stances.map((s) => option(s, s)));
  $("front").append(...state.fronts.map((f) => option(f.admin1, `${f.name} (${f.events})`)));
}

function wire(map) {
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  for (const id of ["f-side", "f-type", "f-status", "f-source", "f-stance", "window", "forecast"]) {
    $(id).addEventListener("change", () => render(map));
  }
  $("front").addEventListener("change", () => {
    const front = state.fronts.find((f) => f.admin1 === $("front").value);
    if (front && front.bbox) map.fitBounds([[front.bbox[0], front.bbox[1]], [front.bbox[2], front.bbox[3]]], { padding: 60, maxZoom: 10 });
    render(map);
  });
  for (const radio of document.querySelectorAll("input[name=layer]")) {
    radio.addEventListener("change", () => updateControl(map));
  }
  $("slider").addEventListener("input", () => moveTo(map, Number($("slider").value)));
  $("play").addEventListener("click", () => togglePlay(map));
  for (const id of ["speed", "step"]) { // a replay under way goes on at the new pace or step
    $(id).addEventListener("change", () => { if (state.playing) { togglePlay(map); togglePlay(map); } });
  }
  $("token").value = getToken();
  $("token").addEventListener("change", () => setToken($("token").value.trim()));
  $("close-detail").addEventListener("click", () => closeDetail(map));
  $("show-all").addEventListener("click", () => { state.only = null; renderList(map); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(map); });
  map.on("moveend", () => renderList(map));
  hoverNames(map);
  for (const layer of ["events", "forecast"]) {
    map.on("click", layer, (e) => openEvent(map, e.features[0].properties.event_id));
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }
  map.on("click", "event-clusters", (e) => openCluster(map, e.features[0]));
  map.on("mouseenter", "event-clusters", () => { map.getCanvas().style.cursor = "zoom-in"; });
  map.on("mouseleave", "event-clusters", () => { map.getCanvas().style.cursor = ""; });
}

// A cluster clicked: zoomed into until it splits; one that never splits (its events share a spot, as the
// city-level reports of one city do) lists its events instead.
async function openCluster(map, feature) {
  const source = map.getSource("events");
  const id = feature.properties.cluster_id;
  const [zoom, leaves] = await Promise.all([source.getClusterExpansionZoom(id),
    source.getClusterLeaves(id, CLUSTER_LIST_LIMIT, 0)]);
  const oneSpot = new Set(leaves.map((f) => f.geometry.coordinates.join())).size === 1;
  if (!oneSpot && zoom <= MAX_ZOOM && zoom > map.getZoom() + 0.01) {
    map.easeTo({ center: feature.geometry.coordinates, zoom, duration: 400 });
    return;
  }
  state.only = new Set(leaves.map((f) => f.properties.event_id));
  renderList(map);
  $("list-section").focus();
}

// Hovering names a place, an event, or a cluster's events by type. The popup closes when the view changes.
function hoverNames(map) {
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 12 });
  state.popup = popup;
  const describe = {
    places: (p) => `${p.name}: ${p.state}${p.side ? ` (${sideLabel(p.side, shownDay())})` : ""}`
      + `${p.since ? ` since ${p.since}` : ""}`,
    events: (p) => describeEvent(p.event_id),
    forecast: (p) => `expected: ${describeEvent(p.event_id)}`,
    "event-clusters": (p) => describeCluster(map, p),
  };
  let asked = 0; // the latest hover: an answer that comes after the mouse moved on is dropped
  const hide = () => { asked += 1; popup.remove(); };
  for (const [layer, text] of Object.entries(describe)) {
    map.on("mousemove", layer, async (e) => {
      const ask = ++asked;
      const shown = await text(e.features[0].properties);
      if (ask === asked) popup.setLngLat(e.lngLat).setText(shown).addTo(map);
    });
    map.on("mouseleave", layer, hide);
  }
  map.on("movestart", hide);
}

// A cluster's events counted by type, from its members: asked of the worker when first hovered (kept until
// the events shown change), rather than counted for every cluster at every zoom when the events are loaded.
export async function describeCluster(map, p) {
  if (!state.clusterTexts.has(p.cluster_id)) {
    const leaves = await map.getSource("events").getClusterLeaves(p.cluster_id, Infinity, 0);
    const counts = new Map();
    for (const leaf of leaves) counts.set(leaf.properties.event_type, (counts.get(leaf.properties.event_type) || 0) + 1);
    const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([type, n]) => `${n} ${type}`);
    state.clusterTexts.set(p.cluster_id, `${p.point_count} events: ${parts.join(", ")}`);
  }
  return state.clusterTexts.get(p.cluster_id);
}

function describeEvent(eventId) {
  const e = state.events.find((x) => x.event_id === eventId);
  return e ? `${e.date || "undated"} ${e.sub_event_type || e.event_type} — ${e.location}${cityLevel(e)}` : eventId;
}

function cityLevel(e) {
  return e.geo_precision === 2 ? " (somewhere in the city)" : e.geo_precision === 3 ? " (the region)" : "";
}

function moveTo(map, day) {
  state.day = day;
  state.popup?.remove();
  $("slider").value = String(day);
  $("slider").setAttribute("aria-valuetext", dayLabel(day));
  $("day").textContent = dayLabel(day);
  render(map);
  updateControl(map);
}

function togglePlay(map) {
  const button = $("play");
  if (state.playing) {
    clearTimeout(state.playing);
    state.playing = null;
    playIcon(button, false);
    button.setAttribute("aria-label", "Play the timeline");
    return;
  }
  const max = Number($("slider").max);
  const unit = $("step").value;
  if (state.day >= max) moveTo(map, firstDayWithEvents());
  playIcon(button, true);
  button.setAttribute("aria-label", "Pause the timeline");
  const tick = () => {
    const next = nextStep(state.day, unit, state.days[0], state.counts, max);
    if (next === null) { togglePlay(map); return; }
    moveTo(map, next);
    state.playing = setTimeout(tick, Number($("speed").value));
  };
  state.playing = setTimeout(tick, Number($("speed").value));
}

function firstDayWithEvents() {
  const days = [...state.counts.keys()].sort((a, b) => a - b);
  return days.length ? days[0] : 0;
}

function matches(e, want) {
  return (!want.side || e.actor1_side === want.side || e.actor2_side === want.side)
    && (!want.type || e.event_type === want.type)
    && (!want.status || e.fact_status === want.status)
    && (!want.source || e.source === want.source)
    && (!want.stance || e.stance === want.stance)
    && (!want.front || e.admin1 === want.front);
}

function wanted() {
  return { side: $("f-side").value, type: $("f-type").value, status: $("f-status").value,
    source: $("f-source").value, stance: $("f-stance").value, front: $("front").value };
}

// The dated events up to the slider's day (within the chosen window); undated ones are never replayed.
function visible() {
  const want = wanted();
  const days = Number($("window").value);
  const from = days ? state.day - days + 1 : -Infinity;
  return state.events.filter((e) => e.day !== null && e.day <= state.day && e.day >= from && matches(e, want));
}

function toFeature(e) {
  return { type: "Feature", geometry: { type: "Point", coordinates: [e.lon, e.lat] },
    properties: { event_id: e.event_id, event_type: e.event_type, review: e.review || "", fact_status: e.fact_status,
      geo_precision: e.geo_precision ?? 1 } };
}

function render(map) {
  const shown = visible().filter(located);
  const expected = $("forecast").checked ? shown.filter((e) => e.fact_status === "expected") : [];
  const current = shown.filter((e) => e.fact_status !== "expected");
  setData(map, "events", { type: "FeatureCollection", features: current.map((e) => toFeature(e)) });
  state.clusterTexts.clear(); // the clusters are made anew
  setData(map, "forecast", { type: "FeatureCollection", features: expected.map((e) => toFeature(e)) });
  state.shown = current.concat(expected);
  legend();
  renderList(map);
  renderUndated(map);
}

function located(e) {
  return Number.isFinite(e.lat) && Number.isFinite(e.lon);
}

function renderList(map) {
  const bounds = map.getBounds();
  const inView = (state.shown || []).filter((e) => (state.only ? state.only.has(e.event_id) : bounds.contains([e.lon, e.lat])))
    .sort(newestFirst);
  $("list-count").textContent = String(inView.length);
  $("list-scope").textContent = state.only ? "at the clicked spot" : "in view";
  $("show-all").hidden = !state.only;
  // A row that has the focus keeps it through the redraw (the map moves, as when an opened event is eased
  // to, after Esc has already given the focus back to its row).
  const focused = document.activeElement?.closest?.("#list .event-row")?.dataset.eventId;
  clear($("list")).append(...inView.slice(0, LIST_LIMIT).map((e) => listItem(map, e)));
  if (focused) document.querySelector(`#list .event-row[data-event-id="${CSS.escape(focused)}"]`)?.focus();
}

// Events without a date: listed apart, with the filters applied, never drawn on a day of the replay.
function renderUndated(map) {
  const want = wanted();
  const undated = state.events.filter((e) => e.day === null && matches(e, want)).sort(newestFirst);
  $("undated-section").hidden = !undated.length;
  $("undated-count").textContent = String(undated.length);
  clear($("undated")).append(...undated.slice(0, LIST_LIMIT).map((e) => listItem(map, e)));
}

function newestFirst(a, b) {
  const [x, y] = [b.date || "", a.date || ""];
  if (x !== y) return x < y ? -1 : 1;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

function listItem(map, e) {
  return h("li", { className: e.event_id === state.selected ? "selected" : "" },
    h("button", { type: "button", className: "event-row", dataset: { eventId: e.event_id },
      onClick: (click) => openEvent(map, e.event_id, true, click.currentTarget) },
      h("img", { className: "swatch", src: iconUrl(e.event_type), alt: "", width: 16, height: 16 }),
      h("span", { className: "row-date" }, e.date || "undated"),
      h("span", { className: "row-what" }, `${e.sub_event_type || e.event_type} — ${e.location}${cityLevel(e)}`),
      h("span", { className: "row-meta" }, `${e.source || ""}${e.stance ? ` (${e.stance})` : ""} · ${e.fact_status}`),
      e.review ? h("span", { className: `review review-${e.review}` }, e.review) : ""));
}

async function openEvent(map, eventId, fly = false, opener = null) {
  state.selected = eventId;
  state.opener = opener || document.activeElement;
  state.popup?.remove();
  const e = state.events.find((x) => x.event_id === eventId);
  if (e && located(e)) {
    setData(map, "selected", { type: "FeatureCollection", features: [toFeature(e)] });
    if (fly) map.easeTo({ center: [e.lon, e.lat], duration: 300 });
  }
  $("detail").hidden = false;
  try {
    await showEvent($("detail-body"), eventId, { onReview: (id, status) => reviewed(map, id, status), onError: report });
    report(null);
  } catch (error) {
    report(error);
  }
  for (const row of document.querySelectorAll("#list li, #undated li")) {
    row.classList.toggle("selected", row.querySelector("button")?.dataset.eventId === eventId);
  }
  $("close-detail").focus();
}

// Closing the event returns the focus to whatever opened it (a list row, the map), never to the page body.
// The list is drawn again when the map moves (as it does to show the opened event), so an opener row that is
// gone is found again by its event.
function closeDetail(map) {
  if ($("detail").hidden) return;
  const eventId = state.selected;
  $("detail").hidden = true;
  state.selected = null;
  setData(map, "selected", { type: "FeatureCollection", features: [] });
  const wasRow = state.opener?.dataset?.eventId === eventId;
  const row = eventId ? document.querySelector(`.event-row[data-event-id="${CSS.escape(eventId)}"]`) : null;
  const back = state.opener && document.contains(state.opener) ? state.opener : (wasRow && row) || map.getCanvas();
  back.focus();
}

function reviewed(map, eventId, status) {
  const e = state.events.find((x) => x.event_id === eventId);
  if (e) e.review = status;
  render(map);
  legend();
}

async function updateControl(map) {
  const layer = currentLayer();
  const at = dayLabel(state.day);
  const key = `${at}/${layer}`;
  if (!at || key === state.controlKey) return;
  state.controlKey = key;
  try {
    const control = await getJSON("/api/control", { at, layer });
    if (state.controlKey === key) showControl(map, key, control); // else the slider moved on meanwhile
  } catch (error) {
    report(error);
  }
}

function showControl(map, key, control) {
  state.controlKey = key;
  setData(map, "places", control.places);
  setData(map, "areas", control.areas);
  state.controlShown = control;
  document.body.dataset.control = key;
  legend();
  report(null);
}

// The day whose control the map shows ("YYYY-MM-DD"), or undefined before any is shown.
function shownDay() {
  return state.controlKey?.split("/")[0];
}

// The legend lists what the map draws now: the sides whose colour holds a place or an area (events are
// drawn in the one event colour, whatever their sides), the event types and the marks (contested,
// besieged, expected, reviews, clusters, city-level) among what is shown.
function legend() {
  const places = state.controlShown?.places?.features || [];
  const areas = state.controlShown?.areas?.features || [];
  const used = new Set([...places, ...areas].map((f) => f.properties.side).filter(Boolean));
  const shown = state.shown || [];
  const types = new Set(shown.map((e) => e.event_type));
  const sides = Object.entries(SIDE_COLOURS).filter(([side]) => used.has(side)).map(([side, colour]) =>
    h("span", { className: "key" }, h("span", { className: "dot", style: `background: ${colour}` }),
      sideLabel(side, shownDay())));
  const kinds = Object.keys(EVENT_TYPES).filter((type) => types.has(type)).map((type) =>
    h("span", { className: "key" }, h("img", { className: "swatch", src: iconUrl(type), alt: "", width: 16, height: 16 }), type));
  const states = new Set(places.map((f) => f.properties.state));
  const reviews = new Set(shown.map((e) => e.review).filter(Boolean));
  const marks = [
    states.has("contested") ? h("span", { className: "key" }, h("span", { className: "dot contested" }), "contested") : "",
    states.has("besieged") ? h("span", { className: "key" }, h("span", { className: "dot besieged" }), "besieged") : "",
    shown.some((e) => e.fact_status === "expected") ? h("span", { className: "key" }, h("span", { className: "ring dashed" }), "expected") : "",
    shown.length > 1 ? h("span", { className: "key" }, h("span", { className: "dot cluster" }), "events grouped (count)") : "",
    shown.some((e) => e.geo_precision === 2) ? h("span", { className: "key" }, h("span", { className: "dot city-level" }), "somewhere in the city") : "",
    ...Object.entries(REVIEW_COLOURS).filter(([status]) => reviews.has(status)).map(([status, colour]) =>
      h("span", { className: "key" }, h("span", { className: "ring", style: `border-color: ${colour}` }), status)),
  ];
  const open = $("legend").querySelector("details")?.open;
  clear($("legend")).append(h("details", { open }, h("summary", {}, "Legend"),
    h("div", { className: "legend-body" }, h("h2", {}, "Who holds it"), sides, h("h2", {}, "What happened"), kinds,
      h("h2", {}, "Marks"), marks)));
}

main().catch((error) => {
  report(error);
  document.body.dataset.ready = "error";
});
