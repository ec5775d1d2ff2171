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
  former_regime: "#8c4a1f",
  israel: "#4b6fa5",
  local: "#a07850",
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
const RING_PIXELS = 30; // edge of the dashed ring drawn around an expected event, CSS pixels
const RING_DASHES = 10; // dashes around the ring

// The basemap is 1:50m at best: tiles past zoom 8 add nothing but work (they are overzoomed instead), and
// a coarser simplification tolerance (in tile pixels; MapLibre's default is 0.375) keeps them light.
const BASEMAP_TILING = { maxzoom: 8, tolerance: 1, buffer: 32 };

export function baseStyle(tileUrl) {
  const sources = {
    countries: { type: "geojson", data: "/static/vendor/countries.geojson", ...BASEMAP_TILING },
    borders: { type: "geojson", data: "/static/vendor/borders.geojson", ...BASEMAP_TILING },
  };
  const layers = [{ id: "sea", type: "background", paint: { "background-color": "#dfe9ef" } }];
  if (tileUrl) {
    sources.tiles = { type: "raster", tiles: [tileUrl], tileSize: 256 };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  } else {
    layers.push(
      { id: "land", type: "fill", source: "countries",
        paint: { "fill-color": perFeature("#f4f1ea"), "fill-opacity": perFeature(1) } }, // shares areas' shader
      { id: "borders", type: "line", source: "borders",
        paint: { "line-color": "#8d8d8d", "line-width": 1, "line-dasharray": [3, 2] } },
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
  map.addImage(FORECAST_RING, drawRing(), { pixelRatio: 2 });
  map.addSource("areas", { type: "geojson", data: EMPTY });
  // Points need no tile buffer (a marker is drawn whole by the tile that holds it): without one, each
  // point is processed and drawn once rather than by every tile whose buffer it falls in.
  for (const id of ["places", "events", "forecast", "selected"]) {
    map.addSource(id, { type: "geojson", data: EMPTY, buffer: 0 });
  }
  const state = ["get", "state"];
  const review = ["get", "review"];
  map.addLayer({ id: "areas-fill", type: "fill", source: "areas",
    paint: { "fill-color": sideColour(), "fill-opacity": ["case", ["==", ["get", "contested"], true], 0.08, 0.22] } },
  map.getLayer("borders") ? "borders" : undefined);
  map.addLayer({ id: "places", type: "circle", source: "places",
    paint: {
      "circle-radius": ["match", state, "unknown", 6, 11],
      "circle-color": ["match", state, "contested", "#ffffff", "unknown", SIDE_COLOURS.unknown, sideColour()],
      "circle-stroke-color": ["match", state, "besieged", "#000000", "contested", sideColour(), "#ffffff"],
      "circle-stroke-width": ["match", state, "besieged", 3, "contested", 3, 1.5],
    } });
  // The ring is an icon, not a drawn line: no geometry to tile, and the same size at every zoom.
  map.addLayer({ id: "forecast-rings", type: "symbol", source: "forecast",
    layout: { "icon-image": FORECAST_RING, "icon-allow-overlap": true, "icon-ignore-placement": true } });
  map.addLayer({ id: "forecast", type: "symbol", source: "forecast",
    layout: { "icon-image": typeIcon(), "icon-allow-overlap": true, "icon-ignore-placement": true },
    paint: { "icon-opacity": 0.45 } });
  map.addLayer({ id: "events-review", type: "circle", source: "events", filter: ["!=", review, ""],
    paint: { "circle-radius": perFeature(11), "circle-color": perFeature("#ffffff"), "circle-opacity": 0,
      "circle-stroke-width": perFeature(2.5),
      "circle-stroke-color": ["match", review, "verified", REVIEW_COLOURS.verified, REVIEW_COLOURS.disputed] } });
  map.addLayer({ id: "events", type: "symbol", source: "events",
    layout: { "icon-image": typeIcon(), "icon-allow-overlap": true, "icon-ignore-placement": true } });
  map.addLayer({ id: "selected", type: "circle", source: "selected",
    paint: { "circle-radius": perFeature(14), "circle-color": perFeature("#ffffff"), "circle-opacity": 0,
      "circle-stroke-width": perFeature(3), "circle-stroke-color": perFeature("#2e86c1") } });
}

// A constant written as a per-feature expression. Layers of one type whose paint properties are all
// per-feature (or all constant) share one compiled shader; in software WebGL (SwiftShader, as in headless
// Chromium) each shader variant costs hundreds of milliseconds of the first render.
function perFeature(value) {
  return ["coalesce", ["get", "__constant"], value];
}

export function setData(map, id, data) {
  map.getSource(id).setData(data);
}

// An icon as raw pixels, drawn at twice the CSS size for sharp screens: each pixel samples its area
// SUBSAMPLES² times (anti-aliasing); inside the shape it takes the type's colour, inside the shape grown by
// the outline width it is white. Computed rather than drawn on a canvas: reading a canvas back is slow in
// software-rendered browsers.
const SUBSAMPLES = 3;
const OUTLINE = 0.16; // outline width, as a share of the shape's radius

function drawIcon(shape, colour) {
  const size = ICON_PIXELS * 2;
  const data = new Uint8ClampedArray(size * size * 4);
  const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  const inner = outline(shape, size * 0.34);
  const outer = outline(shape, size * 0.34 * (1 + OUTLINE));
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let fill = 0;
      let edge = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy += 1) {
        for (let sx = 0; sx < SUBSAMPLES; sx += 1) {
          const px = x + (sx + 0.5) / SUBSAMPLES - size / 2;
          const py = y + (sy + 0.5) / SUBSAMPLES - size / 2;
          if (inner(px, py)) fill += 1;
          else if (outer(px, py)) edge += 1;
        }
      }
      const n = SUBSAMPLES * SUBSAMPLES;
      const alpha = (fill + edge) / n;
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c += 1) data[i + c] = alpha ? (rgb[c] * fill + 255 * edge) / (fill + edge) : 0;
      data[i + 3] = Math.round(alpha * 255);
    }
  }
  return { width: size, height: size, data };
}

// The forecast's dashed ring: dashes of a circle's outline, grey, with transparent gaps.
const FORECAST_RING = "forecast-ring";

function drawRing() {
  const size = RING_PIXELS * 2;
  const data = new Uint8ClampedArray(size * size * 4);
  const outer = size / 2 - 1;
  const inner = outer - 3; // 1.5 CSS pixels wide
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let covered = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy += 1) {
        for (let sx = 0; sx < SUBSAMPLES; sx += 1) {
          const px = x + (sx + 0.5) / SUBSAMPLES - size / 2;
          const py = y + (sy + 0.5) / SUBSAMPLES - size / 2;
          const r = Math.hypot(px, py);
          const dash = Math.floor(((Math.atan2(py, px) + Math.PI) / (2 * Math.PI)) * RING_DASHES * 2) % 2 === 0;
          if (r <= outer && r >= inner && dash) covered += 1;
        }
      }
      const i = (y * size + x) * 4;
      data.set([0x5d, 0x6d, 0x7e, Math.round((covered / (SUBSAMPLES * SUBSAMPLES)) * 255)], i);
    }
  }
  return { width: size, height: size, data };
}

// Whether a point (relative to the icon's centre) lies inside the shape of radius r.
function outline(shape, r) {
  if (shape === "circle") return (x, y) => x * x + y * y <= r * r;
  const corners = { diamond: 4, triangle: 3, square: 4, hexagon: 6, star: 10 }[shape];
  const turn = shape === "square" ? Math.PI / 4 : 0;
  const points = [];
  for (let i = 0; i < corners; i += 1) {
    const angle = turn - Math.PI / 2 + (2 * Math.PI * i) / corners;
    const radius = shape === "star" && i % 2 === 1 ? r * 0.5 : r * (shape === "square" ? 1.1 : 1.15);
    points.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
  }
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}
