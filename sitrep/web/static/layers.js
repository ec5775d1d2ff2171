// What the map draws and how: the offline basemap (Natural Earth, vendored) or a user's raster tiles,
// control areas and places coloured by controller, event icons by type, the dashed forecast, reviews.

export const SIDE_COLOURS = {
  government: "#c0392b",
  opposition: "#1e8449",
  kurdish: "#d4ac0d",
  isis: "#1c1c1c",
  russia: "#7d3c98",
  turkey: "#e67e22",
  us_coalition: "#2471a3",
  civilians: "#7f8c8d",
  unknown: "#aab7b8",
};

// ACLED's six event types: a shape and a colour each, so that they differ even in grey.
export const EVENT_TYPES = {
  "Battles": { shape: "diamond", colour: "#b03a2e" },
  "Explosions/Remote violence": { shape: "star", colour: "#ca6f1e" },
  "Violence against civilians": { shape: "triangle", colour: "#6c3483" },
  "Protests": { shape: "square", colour: "#117a65" },
  "Riots": { shape: "hexagon", colour: "#6e2c00" },
  "Strategic developments": { shape: "circle", colour: "#1f618d" },
};

export const REVIEW_COLOURS = { verified: "#17a589", disputed: "#f39c12" };

const ICON_PIXELS = 18; // icon edge in CSS pixels: readable on a laptop, small enough for dense fronts
const FORECAST_RING_KM = 4; // radius of the dashed ring drawn around an expected event
const KM_PER_DEGREE = 111.32; // length of one degree of latitude

export function baseStyle(tileUrl) {
  const sources = {
    countries: { type: "geojson", data: "/static/vendor/countries.geojson" },
    borders: { type: "geojson", data: "/static/vendor/borders.geojson" },
  };
  const layers = [{ id: "sea", type: "background", paint: { "background-color": "#dfe9ef" } }];
  if (tileUrl) {
    sources.tiles = { type: "raster", tiles: [tileUrl], tileSize: 256 };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  } else {
    layers.push(
      { id: "land", type: "fill", source: "countries", paint: { "fill-color": "#f4f1ea" } },
      { id: "borders", type: "line", source: "borders", filter: ["==", ["get", "kind"], "border"],
        paint: { "line-color": "#8d8d8d", "line-width": 1, "line-dasharray": [3, 2] } },
      { id: "coast", type: "line", source: "borders", filter: ["==", ["get", "kind"], "coast"],
        paint: { "line-color": "#9fb3c0", "line-width": 0.8 } },
    );
  }
  return { version: 8, sources, layers };
}

const EMPTY = { type: "FeatureCollection", features: [] };

function sideColour() {
  const stops = [];
  for (const [side, colour] of Object.entries(SIDE_COLOURS)) stops.push(side, colour);
  return ["match", ["get", "side"], ...stops, SIDE_COLOURS.unknown];
}

function typeIcon() {
  const stops = [];
  for (const type of Object.keys(EVENT_TYPES)) stops.push(type, iconName(type));
  return ["match", ["get", "event_type"], ...stops, iconName("Strategic developments")];
}

export function iconName(type) {
  return `event-${type.replace(/[^A-Za-z]+/g, "-").toLowerCase()}`;
}

export function addDataLayers(map) {
  for (const [type, look] of Object.entries(EVENT_TYPES)) {
    map.addImage(iconName(type), drawIcon(look.shape, look.colour), { pixelRatio: 2 });
  }
  for (const id of ["areas", "places", "events", "forecast", "forecast-rings", "selected"]) {
    map.addSource(id, { type: "geojson", data: EMPTY });
  }
  const state = ["get", "state"];
  map.addLayer({ id: "areas-fill", type: "fill", source: "areas",
    paint: { "fill-color": sideColour(), "fill-opacity": ["case", ["==", ["get", "contested"], true], 0.08, 0.2] } });
  map.addLayer({ id: "areas-line", type: "line", source: "areas", filter: ["!=", ["get", "contested"], true],
    paint: { "line-color": sideColour(), "line-width": 1.5, "line-opacity": 0.7 } });
  map.addLayer({ id: "areas-contested", type: "line", source: "areas", filter: ["==", ["get", "contested"], true],
    paint: { "line-color": sideColour(), "line-width": 1.5, "line-opacity": 0.7, "line-dasharray": [2, 2] } });
  map.addLayer({ id: "places", type: "circle", source: "places",
    paint: {
      "circle-radius": ["match", state, "unknown", 6, 11],
      "circle-color": ["match", state, "contested", "#ffffff", "unknown", SIDE_COLOURS.unknown, sideColour()],
      "circle-stroke-color": ["match", state, "besieged", "#000000", "contested", sideColour(), "#ffffff"],
      "circle-stroke-width": ["match", state, "besieged", 3, "contested", 3, 1.5],
    } });
  map.addLayer({ id: "forecast-rings", type: "line", source: "forecast-rings",
    paint: { "line-color": "#5d6d7e", "line-width": 1.5, "line-dasharray": [2, 2] } });
  map.addLayer({ id: "forecast", type: "symbol", source: "forecast",
    layout: { "icon-image": typeIcon(), "icon-allow-overlap": true, "icon-ignore-placement": true },
    paint: { "icon-opacity": 0.45 } });
  map.addLayer({ id: "events-review", type: "circle", source: "events", filter: ["!=", ["get", "review"], ""],
    paint: { "circle-radius": 11, "circle-opacity": 0, "circle-stroke-width": 2.5,
      "circle-stroke-color": ["match", ["get", "review"], "verified", REVIEW_COLOURS.verified, REVIEW_COLOURS.disputed] } });
  map.addLayer({ id: "events", type: "symbol", source: "events",
    layout: { "icon-image": typeIcon(), "icon-allow-overlap": true, "icon-ignore-placement": true } });
  map.addLayer({ id: "selected", type: "circle", source: "selected",
    paint: { "circle-radius": 14, "circle-opacity": 0, "circle-stroke-width": 3, "circle-stroke-color": "#2e86c1" } });
}

export function setData(map, id, data) {
  map.getSource(id).setData(data);
}

export function ring(lon, lat, km = FORECAST_RING_KM, steps = 32) {
  const coordinates = [];
  const dLat = km / KM_PER_DEGREE;
  const dLon = dLat / Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
  for (let i = 0; i <= steps; i += 1) {
    const angle = (2 * Math.PI * i) / steps;
    coordinates.push([lon + dLon * Math.cos(angle), lat + dLat * Math.sin(angle)]);
  }
  return { type: "LineString", coordinates };
}

// An icon as raw pixels (addImage takes ImageData), drawn at twice the CSS size for sharp screens.
function drawIcon(shape, colour) {
  const size = ICON_PIXELS * 2;
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext("2d");
  const c = size / 2;
  const r = size * 0.36;
  g.beginPath();
  if (shape === "circle") g.arc(c, c, r, 0, 2 * Math.PI);
  else polygon(g, c, r, shape);
  g.closePath();
  g.fillStyle = colour;
  g.fill();
  g.lineWidth = 3;
  g.strokeStyle = "#ffffff";
  g.stroke();
  return g.getImageData(0, 0, size, size);
}

function polygon(g, c, r, shape) {
  const corners = { diamond: 4, triangle: 3, square: 4, hexagon: 6, star: 10 }[shape];
  const turn = { diamond: 0, triangle: 0, square: Math.PI / 4, hexagon: 0, star: 0 }[shape];
  for (let i = 0; i < corners; i += 1) {
    const angle = turn - Math.PI / 2 + (2 * Math.PI * i) / corners;
    const radius = shape === "star" && i % 2 === 1 ? r * 0.5 : r * (shape === "square" ? 1.1 : 1.15);
    const x = c + radius * Math.cos(angle);
    const y = c + radius * Math.sin(angle);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
}
