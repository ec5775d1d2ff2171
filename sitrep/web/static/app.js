// The map page: loads the events once, then filters, the timeline and the front selector decide what
// the map and the list show; control (assessed or claimed) is fetched for the slider's day.

import { allEvents, getJSON, getToken, setToken } from "./api.js";
import { showEvent } from "./detail.js";
import { clear, h, option } from "./dom.js";
import { EVENT_TYPES, REVIEW_COLOURS, SIDE_COLOURS, addDataLayers, baseStyle, setData } from "./layers.js";

const DAY_MS = 86400000;
const PLAY_STEP_MS = 700; // one day per step while playing: slow enough to see control change
const LIST_LIMIT = 300; // rows drawn in the list; the count above it is always the full number
const FACT_STATUSES = ["reported", "attributed_claim", "expected", "hypothetical", "negated"];
const START = { center: [38.5, 35.0], zoom: 6 }; // Syria, before the data's extent is known

const $ = (id) => document.getElementById(id);
let maplibregl = null; // MapLibre GL JS, imported while the data loads (main)
const state = { events: [], days: [], day: 0, selected: null, fronts: [], playing: null, controlKey: "" };

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
  "admin1", "lat", "lon", "fact_status", "source", "stance", "review"];

async function main() {
  // Everything is fetched first, at once (the control of the last day as soon as the timeline names it), and
  // the map is made with it in hand: its sources load together, so fewer frames come before the full one
  // (each costs dearly where WebGL is software-rendered). MapLibre (a megabyte of script) is imported
  // meanwhile, not before: a static import would hold every request back until it had loaded.
  const mapAsked = import("/static/vendor/maplibre-gl.mjs");
  const layer = currentLayer();
  const timelineAsked = getJSON("/api/timeline");
  const controlAsked = timelineAsked.then((t) => (t.last ? getJSON("/api/control", { at: t.last, layer }) : null));
  const [config, timeline, fronts, sources, events, control] = await Promise.all([
    getJSON("/api/config"), timelineAsked, getJSON("/api/fronts"), getJSON("/api/sources"),
    allEvents({ fields: EVENT_FIELDS.join(",") }), controlAsked,
  ]);
  maplibregl = await mapAsked;
  performance.mark("sitrep:data");
  setupTimeline(timeline);
  state.events = events.map((e) => ({ ...e, day: e.date ? dayIndex(e.date, state.days[0] || e.date) : 0 }));
  state.fronts = fronts.items;
  fillFilters(sources.items);
  const bounds = extent(state.events);
  const view = bounds ? { bounds, fitBoundsOptions: { padding: 40, maxZoom: 9 } } : START;
  const map = new maplibregl.Map({ container: "map", style: baseStyle(config.tile_url), ...view,
    attributionControl: { compact: true, customAttribution: "Natural Earth" },
    fadeDuration: 0 }); // no symbol fade-in: icons appear with the first frame that has them
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  window.sitrepMap = map; // for the browser tests and the render benchmark
  // style.load, not load: the data layers go in before the basemap's tiles are ready, so one render shows all.
  await new Promise((resolve) => map.once("style.load", resolve));
  addDataLayers(map);
  wire(map);
  legend();
  render(map);
  if (control) showControl(map, `${timeline.last}/${layer}`, control);
  performance.mark("sitrep:layers-set");
  map.once("idle", () => {
    performance.mark("sitrep:first-render"); // what bench/map_render.py times
    document.body.dataset.rendered = "true";
  });
  document.body.dataset.ready = "true";
}

function currentLayer() {
  return document.querySelector("input[name=layer]:checked").value;
}

function setupTimeline(timeline) {
  const first = timeline.first;
  const last = timeline.last || first;
  state.days = first ? [first, last] : [];
  const span = first ? dayIndex(last, first) : 0;
  const slider = $("slider");
  slider.max = String(span);
  if (first) slider.dataset.first = first;
  slider.value = String(span);
  state.day = span;
  $("day").textContent = dayLabel(span) || "no events yet";
}

function fillFilters(sources) {
  const sides = new Set();
  for (const e of state.events) for (const s of [e.actor1_side, e.actor2_side]) if (s) sides.add(s);
  $("f-side").append(...[...sides].sort().map((s) => option(s, s)));
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
  $("token").value = getToken();
  $("token").addEventListener("change", () => setToken($("token").value.trim()));
  $("close-detail").addEventListener("click", () => closeDetail(map));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(map); });
  map.on("moveend", () => renderList(map));
  hoverNames(map);
  for (const layer of ["events", "forecast"]) {
    map.on("click", layer, (e) => openEvent(map, e.features[0].properties.event_id));
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }
}

// Without glyphs (the basemap is offline) the map has no text labels: hovering names a place or an event.
function hoverNames(map) {
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 12 });
  const describe = {
    places: (p) => `${p.name}: ${p.state}${p.side ? ` (${p.side})` : ""}${p.since ? ` since ${p.since}` : ""}`,
    events: (p) => describeEvent(p.event_id),
    forecast: (p) => `expected: ${describeEvent(p.event_id)}`,
  };
  for (const [layer, text] of Object.entries(describe)) {
    map.on("mousemove", layer, (e) => popup.setLngLat(e.lngLat).setText(text(e.features[0].properties)).addTo(map));
    map.on("mouseleave", layer, () => popup.remove());
  }
}

function describeEvent(eventId) {
  const e = state.events.find((x) => x.event_id === eventId);
  return e ? `${e.date || "undated"} ${e.sub_event_type || e.event_type} — ${e.location}` : eventId;
}

function moveTo(map, day) {
  state.day = day;
  $("slider").value = String(day);
  $("day").textContent = dayLabel(day);
  render(map);
  updateControl(map);
}

function togglePlay(map) {
  const button = $("play");
  if (state.playing) {
    clearInterval(state.playing);
    state.playing = null;
    button.textContent = "▶";
    button.setAttribute("aria-label", "Play the timeline");
    return;
  }
  const max = Number($("slider").max);
  if (state.day >= max) moveTo(map, 0);
  button.textContent = "⏸";
  button.setAttribute("aria-label", "Pause the timeline");
  state.playing = setInterval(() => {
    if (state.day >= max) togglePlay(map);
    else moveTo(map, state.day + 1);
  }, PLAY_STEP_MS);
}

function visible() {
  const want = {
    side: $("f-side").value, type: $("f-type").value, status: $("f-status").value,
    source: $("f-source").value, stance: $("f-stance").value, front: $("front").value,
  };
  const days = Number($("window").value);
  const from = days ? state.day - days + 1 : -Infinity;
  return state.events.filter((e) => e.day <= state.day && e.day >= from
    && (!want.side || e.actor1_side === want.side || e.actor2_side === want.side)
    && (!want.type || e.event_type === want.type)
    && (!want.status || e.fact_status === want.status)
    && (!want.source || e.source === want.source)
    && (!want.stance || e.stance === want.stance)
    && (!want.front || e.admin1 === want.front));
}

function toFeature(e) {
  return { type: "Feature", geometry: { type: "Point", coordinates: [e.lon, e.lat] },
    properties: { event_id: e.event_id, event_type: e.event_type, review: e.review || "", fact_status: e.fact_status } };
}

function render(map) {
  const shown = visible().filter((e) => Number.isFinite(e.lat) && Number.isFinite(e.lon));
  const expected = $("forecast").checked ? shown.filter((e) => e.fact_status === "expected") : [];
  const current = shown.filter((e) => e.fact_status !== "expected");
  setData(map, "events", { type: "FeatureCollection", features: current.map((e) => toFeature(e)) });
  setData(map, "forecast", { type: "FeatureCollection", features: expected.map((e) => toFeature(e)) });
  state.shown = current.concat(expected);
  renderList(map);
}

function renderList(map) {
  const bounds = map.getBounds();
  const inView = (state.shown || []).filter((e) => bounds.contains([e.lon, e.lat]))
    .sort(newestFirst);
  $("list-count").textContent = String(inView.length);
  clear($("list")).append(...inView.slice(0, LIST_LIMIT).map((e) => listItem(map, e)));
}

function newestFirst(a, b) {
  const [x, y] = [b.date || "", a.date || ""];
  if (x !== y) return x < y ? -1 : 1;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

function listItem(map, e) {
  const look = EVENT_TYPES[e.event_type] || EVENT_TYPES["Strategic developments"];
  return h("li", { className: e.event_id === state.selected ? "selected" : "" },
    h("button", { type: "button", className: "event-row", dataset: { eventId: e.event_id },
      onClick: () => openEvent(map, e.event_id, true) },
      h("span", { className: `swatch shape-${look.shape}`, style: `color: ${look.colour}`, "aria-hidden": "true" }),
      h("span", { className: "row-date" }, e.date || "undated"),
      h("span", { className: "row-what" }, `${e.sub_event_type || e.event_type} — ${e.location}`),
      h("span", { className: "row-meta" }, `${e.source || ""}${e.stance ? ` (${e.stance})` : ""} · ${e.fact_status}`),
      e.review ? h("span", { className: `review review-${e.review}` }, e.review) : ""));
}

async function openEvent(map, eventId, fly = false) {
  state.selected = eventId;
  const e = state.events.find((x) => x.event_id === eventId);
  if (e && Number.isFinite(e.lat)) {
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
  for (const row of document.querySelectorAll("#list li")) {
    row.classList.toggle("selected", row.querySelector("button")?.dataset.eventId === eventId);
  }
  $("close-detail").focus();
}

function closeDetail(map) {
  $("detail").hidden = true;
  state.selected = null;
  setData(map, "selected", { type: "FeatureCollection", features: [] });
}

function reviewed(map, eventId, status) {
  const e = state.events.find((x) => x.event_id === eventId);
  if (e) e.review = status;
  render(map);
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
  document.body.dataset.control = key;
  report(null);
}

function extent(events) {
  const located = events.filter((e) => Number.isFinite(e.lat) && Number.isFinite(e.lon));
  if (!located.length) return null;
  const lons = located.map((e) => e.lon);
  const lats = located.map((e) => e.lat);
  return [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]];
}

function legend() {
  const sides = Object.entries(SIDE_COLOURS).map(([side, colour]) =>
    h("span", { className: "key" }, h("span", { className: "dot", style: `background: ${colour}` }), side));
  const types = Object.entries(EVENT_TYPES).map(([type, look]) =>
    h("span", { className: "key" }, h("span", { className: `swatch shape-${look.shape}`, style: `color: ${look.colour}` }), type));
  const marks = [
    h("span", { className: "key" }, h("span", { className: "dot contested" }), "contested"),
    h("span", { className: "key" }, h("span", { className: "dot besieged" }), "besieged"),
    h("span", { className: "key" }, h("span", { className: "ring dashed" }), "expected"),
    ...Object.entries(REVIEW_COLOURS).map(([status, colour]) =>
      h("span", { className: "key" }, h("span", { className: "ring", style: `border-color: ${colour}` }), status)),
  ];
  clear($("legend")).append(h("details", {}, h("summary", {}, "Legend"), h("div", { className: "legend-body" }, sides, types, marks)));
}

main().catch((error) => {
  report(error);
  document.body.dataset.ready = "error";
});
