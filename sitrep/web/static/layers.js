// What the map draws and how: the offline basemap (Natural Earth, vendored) or a user's raster tiles,
// control areas and places coloured by controller, event icons by type, the dashed forecast, reviews.

// Sides are the conflict profile's (GET /api/sides, read in by setSides before the layers are added): its
// colours keep every pair of sides, and each side from the event and review marks below, apart under
// protanopia, deuteranopia and tritanopia (tests/test_web.py simulates them). Events use none of them:
// EVENT_INK, with the type told by shape.
export const SIDE_COLOURS = {};
const SIDE_LABELS = {}; // side id -> its labels by date ({ label, from, until }), where its forces changed
const SIDE_NAMES = {}; // side id -> its one label, for a day none of its dated labels covers
const UNLISTED_SIDE = "#aab7b8"; // a side the profile does not list: the grey of its unidentified side

// The profile's sides (the items of /api/sides): their colours and their names by date.
export function setSides(items) {
  for (const side of items) {
    SIDE_COLOURS[side.id] = side.colour;
    SIDE_LABELS[side.id] = side.labels || [];
    SIDE_NAMES[side.id] = side.label;
  }
}

// The side's neutral name on `day` ("YYYY-MM-DD"; the one label without a day): "Assad government forces"
// before 8 December 2024, "Syrian transitional government forces" after. An unlisted side by its id.
export function sideLabel(side, day) {
  const holds = (p) => (!p.from || p.from <= day) && (!p.until || day <= p.until);
  const dated = day ? (SIDE_LABELS[side] || []).find(holds) : null;
  return dated ? dated.label : SIDE_NAMES[side] || side;
}

// The one colour of event marks: a deep violet no side comes near, with or without colour blindness.
export const EVENT_INK = "#5500bb";

// ACLED's six event types: a shape each; violence filled, the rest hollow, so that they differ even in grey.
export const EVENT_TYPES = {
  "Battles": { shape: "diamond", colour: EVENT_INK, hollow: false },
  "Explosions/Remote violence": { shape: "star", colour: EVENT_INK, hollow: false },
  "Violence against civilians": { shape: "triangle", colour: EVENT_INK, hollow: false },
  "Protests": { shape: "square", colour: EVENT_INK, hollow: true },
  "Riots": { shape: "hexagon", colour: EVENT_INK, hollow: true },
  "Strategic developments": { shape: "circle", colour: EVENT_INK, hollow: true },
};

// Review rings: a dark teal and a magenta, the two hues left apart from every side under the three colour
// blindnesses (the test measures it).
export const REVIEW_COLOURS = { verified: "#01665e", disputed: "#ff00ff" };

const ICON_PIXELS = 18; // icon edge in CSS pixels: readable on a laptop, small enough for dense fronts
const RING_PIXELS = 30; // edge of the dashed ring drawn around an expected event, CSS pixels
const RING_DASHES = 10; // dashes around the ring

// Fills are drawn without anti-aliased edges ("fill-antialias": false): an anti-aliased fill needs a second
// shader (fill outlines) whose compiling costs the first render a few hundred milliseconds in software WebGL,
// and every filled shape has a line drawn along its edge anyway (borders, coasts, control areas' borders).
const BORDER_INK = "#8d8d8d"; // borders and coasts: a mid grey, under every side's colour

// The basemap is 1:50m at best: tiles past zoom 8 add nothing but work (they are overzoomed instead), and
// a coarser simplification tolerance (in tile pixels; MapLibre's default is 0.375) keeps them light.
const BASEMAP_TILING = { maxzoom: 8, tolerance: 1, buffer: 32 };

// Place labels (web/labels.py writes them with the zoom each shows from): one symbol layer per band of
// zoom, each holding every label whose `minzoom` is at most the band's start, so that only one layer per
// source places labels at any zoom and the biggest places win collisions (symbol-sort-key by rank). Band 6 is the
// zoom the map opens Syria at, from which its cities show.
export const LABEL_BANDS = [4, 5.5, 6, 7, 8.5, 9.5, 10.5, 11.5];
export const LOCAL_LABELS_FROM = 9; // zoom from which labels-local.geojson (villages, sites) is needed
export const LABEL_FONT = "Noto Sans Regular";
export const LABEL_FONT_BOLD = "Noto Sans SemiBold";
const LABEL_INK = "#2b2b2b"; // Syria's places: near black on the pale land
const FOREIGN_INK = "#6f6f6f"; // the neighbours' cities: grey, context rather than subject
const HALO = "rgba(255, 255, 255, 0.9)";
// Where a label may sit around its place, in order of preference: beside it, then above or below, then at
// a corner (a place under a cluster of events keeps a label on one of its eight sides).
// Distance of a label from its place, in ems: clear of a control marker (11 px radius and a 3.5 px ring) at
// the smallest label size (11 px).
const LABEL_OFFSET_EMS = 1.35;
const LABEL_ANCHORS = ["left", "right", "top", "bottom", "top-left", "top-right", "bottom-left", "bottom-right"];

// Events are clustered where marks would overlap: radius in CSS pixels within which points merge, and the
// zoom past which they never do (points at one spot, such as a city-level report, stay one cluster).
const CLUSTER_RADIUS = 36;
const CLUSTER_MAX_ZOOM = 15;
export const MAX_ZOOM = 16; // past this the 1:50m basemap and the gazetteer's precision mean nothing
// Cluster discs by the number of events in them: radius (CSS pixels) from CLUSTER_STEPS[i][0] events.
const CLUSTER_STEPS = [[1, 13], [10, 17], [50, 22], [250, 28]];
// Room kept free of place labels around a cluster's count (CSS pixels beyond the digits): most of a small
// disc, so that a city's name is set beside its cluster rather than under it, and still finds a side.
const CLUSTER_LABEL_CLEARANCE = 6;
// A city-level event (geo_precision 2: the report names the city, not a spot in it) is drawn with a soft
// disc of about a city's extent around its mark: radius in metres, drawn in pixels by zoom.
const CITY_LEVEL_METRES = 3000;
const GEO_PRECISION_CITY = 2;

export function baseStyle(tileUrl, fontFaces) {
  const sources = {
    countries: { type: "geojson", data: "/static/vendor/countries.geojson", ...BASEMAP_TILING },
  };
  const layers = [{ id: "sea", type: "background", paint: { "background-color": "#dfe9ef" } }];
  if (tileUrl) {
    sources.tiles = { type: "raster", tiles: [tileUrl], tileSize: 256 };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  } else {
    layers.push(
      { id: "land", type: "fill", source: "countries",
        paint: { "fill-color": perFeature("#f4f1ea"), "fill-opacity": perFeature(1), "fill-antialias": false } },
      // The countries' outlines (coasts and borders alike) are drawn from the land's own tiles, solid, in a
      // per-feature colour: one source fewer to fetch and tile, and the same shader as the control areas'
      // borders. They also smooth the land's edge, which is drawn without anti-aliasing.
      { id: "borders", type: "line", source: "countries",
        paint: { "line-color": perFeature(BORDER_INK), "line-width": 1 } },
    );
  }
  const style = { version: 8, sources, layers };
  if (fontFaces) {
    // MapLibre draws each glyph from the bundled font in the browser (no glyph server): labels offline.
    style["font-faces"] = fontFaces;
    sources["country-labels"] = { type: "geojson", data: "/static/vendor/country-labels.geojson" };
    sources.labels = { type: "geojson", data: "/static/vendor/labels.geojson", buffer: 0 };
    sources["labels-local"] = { type: "geojson", data: EMPTY, buffer: 0 }; // filled after the first render
    layers.push({ id: "country-labels", type: "symbol", source: "country-labels", maxzoom: 7,
      layout: { "text-field": ["upcase", ["get", "name"]], "text-font": [LABEL_FONT], "text-size": 12,
        "text-letter-spacing": 0.15, "text-max-width": 6 },
      paint: { "text-color": perFeature("#8a8a8a"), "text-halo-color": HALO, "text-halo-width": 1 } });
    LABEL_BANDS.forEach((band, i) => {
      const maxzoom = LABEL_BANDS[i + 1] ?? 24;
      if (band >= LOCAL_LABELS_FROM) layers.push(labelLayer("labels-local", band, maxzoom));
      layers.push(labelLayer("labels", band, maxzoom));
    });
  }
  return style;
}

// One band's labels: bigger and bolder by rank, beside their point (so a control marker does not hide them).
function labelLayer(source, band, maxzoom) {
  const big = [">=", ["get", "rank"], 40];
  return { id: `${source}-${band}`, type: "symbol", source, minzoom: band, maxzoom,
    filter: ["<=", ["get", "minzoom"], band],
    layout: {
      "text-field": ["get", "name"],
      "text-font": ["case", big, ["literal", [LABEL_FONT_BOLD]], ["literal", [LABEL_FONT]]],
      "text-size": ["interpolate", ["linear"], ["get", "rank"], 0, 11, 30, 12, 50, 15],
      "text-variable-anchor": LABEL_ANCHORS,
      "text-radial-offset": LABEL_OFFSET_EMS,
      "text-justify": "auto",
      "text-max-width": 9,
      "text-padding": 3,
      "symbol-sort-key": ["-", 0, ["get", "rank"]],
    },
    paint: {
      "text-color": ["match", ["get", "kind"], "foreign", FOREIGN_INK, LABEL_INK],
      "text-halo-color": HALO, "text-halo-width": 1.4,
    } };
}

const EMPTY = { type: "FeatureCollection", features: [] };

function sideColour() {
  const stops = [];
  for (const [side, colour] of Object.entries(SIDE_COLOURS)) stops.push(side, colour);
  if (!stops.length) return unlistedColour(); // a match needs one stop: no sides read, all alike
  return ["match", ["get", "side"], ...stops, unlistedColour()];
}

function unlistedColour() {
  return SIDE_COLOURS.unknown || UNLISTED_SIDE;
}

function typeIcon() {
  const stops = [];
  for (const type of Object.keys(EVENT_TYPES)) stops.push(type, iconName(type));
  return ["match", ["get", "event_type"], ...stops, iconName("Strategic developments")];
}

export function iconName(type) {
  return `event-${type.replace(/[^A-Za-z]+/g, "-").toLowerCase()}`;
}

const CONTESTED_HATCH = "contested-hatch";
const POINT_BUFFER = 2; // tile buffer of the point sources, in pixels of a 512-pixel tile

export function addDataLayers(map) {
  for (const [type, look] of Object.entries(EVENT_TYPES)) {
    map.addImage(iconName(type), drawIcon(look.shape, look.colour, look.hollow), { pixelRatio: 2 });
  }
  map.addImage(FORECAST_RING, drawRing(), { pixelRatio: 2 });
  map.addImage(CONTESTED_HATCH, drawHatch(), { pixelRatio: 2 });
  map.addSource("areas", { type: "geojson", data: EMPTY });
  // Points need next to no tile buffer (a marker is drawn whole by the tile that holds it): with a small
  // one, each point is processed and drawn once rather than by every tile whose buffer it falls in. Not none:
  // a point on a tile's edge would then be left out by both tiles (a forecast at 36.598°N, on the edge of
  // zoom 6's tiles, was drawn by neither).
  for (const id of ["places", "forecast", "selected"]) {
    map.addSource(id, { type: "geojson", data: EMPTY, buffer: POINT_BUFFER });
  }
  map.addSource("events", { type: "geojson", data: EMPTY, buffer: POINT_BUFFER, cluster: true, clusterRadius: CLUSTER_RADIUS,
    clusterMaxZoom: CLUSTER_MAX_ZOOM });
  const state = ["get", "state"];
  const review = ["get", "review"];
  const single = ["!", ["has", "point_count"]];
  const firstLabels = map.getStyle().layers.find((l) => l.id.startsWith("labels") || l.id === "country-labels");
  map.addLayer({ id: "areas-fill", type: "fill", source: "areas",
    paint: { "fill-color": sideColour(), "fill-opacity": ["case", ["==", ["get", "contested"], true], 0.08, 0.22],
      "fill-antialias": false } }, // its border is drawn by areas-line
  map.getLayer("borders") ? "borders" : firstLabels?.id);
  map.addLayer({ id: "areas-line", type: "line", source: "areas",
    paint: { "line-color": sideColour(), "line-width": 1.2, "line-opacity": 0.7 } }, firstLabels?.id);
  map.addLayer({ id: "places", type: "circle", source: "places",
    paint: {
      "circle-radius": ["match", state, "unknown", 6, 11],
      "circle-color": ["match", state, "contested", "#ffffff", "unknown", unlistedColour(), sideColour()],
      "circle-stroke-color": ["match", state, "besieged", "#000000", "contested", sideColour(), "#ffffff"],
      "circle-stroke-width": ["match", state, "besieged", 3.5, "contested", 3, 1.5],
    } });
  // Contested: the controller's ring around grey hatching, never an empty white disc.
  map.addLayer({ id: "places-contested", type: "symbol", source: "places", filter: ["==", state, "contested"],
    layout: { "icon-image": CONTESTED_HATCH, "icon-allow-overlap": true, "icon-ignore-placement": true } });
  map.addLayer({ id: "events-city", type: "circle", source: "events",
    filter: ["all", single, ["==", ["get", "geo_precision"], GEO_PRECISION_CITY]],
    paint: { "circle-radius": metresToPixels(CITY_LEVEL_METRES), "circle-color": perFeature(EVENT_INK),
      "circle-opacity": 0.07, "circle-stroke-color": perFeature(EVENT_INK), "circle-stroke-opacity": 0.35,
      "circle-stroke-width": perFeature(1) } });
  // The ring is an icon, not a drawn line: no geometry to tile, and the same size at every zoom.
  map.addLayer({ id: "forecast-rings", type: "symbol", source: "forecast",
    layout: { "icon-image": FORECAST_RING, "icon-allow-overlap": true, "icon-ignore-placement": true } });
  map.addLayer({ id: "forecast", type: "symbol", source: "forecast",
    layout: { "icon-image": typeIcon(), "icon-allow-overlap": true, "icon-ignore-placement": true } ,
    paint: { "icon-opacity": 0.45 } });
  map.addLayer({ id: "events-review", type: "circle", source: "events", filter: ["all", single, ["!=", review, ""]],
    paint: { "circle-radius": perFeature(11), "circle-color": perFeature("#ffffff"), "circle-opacity": 0,
      "circle-stroke-width": perFeature(2.5),
      "circle-stroke-color": ["match", review, "verified", REVIEW_COLOURS.verified, REVIEW_COLOURS.disputed] } });
  // Event marks and cluster counts are always drawn (allow-overlap) and keep place labels off them (they do
  // not ignore placement): a label moves to another side of its place or yields, never lies under a mark.
  map.addLayer({ id: "events", type: "symbol", source: "events", filter: single,
    layout: { "icon-image": typeIcon(), "icon-allow-overlap": true, "icon-ignore-placement": false } });
  map.addLayer({ id: "event-clusters", type: "circle", source: "events", filter: ["has", "point_count"],
    paint: { "circle-radius": ["step", ["get", "point_count"], ...CLUSTER_STEPS.flatMap(([n, r], i) => (i ? [n, r] : [r]))],
      "circle-color": perFeature(EVENT_INK), "circle-opacity": 0.85, "circle-stroke-color": perFeature("#ffffff"),
      "circle-stroke-width": perFeature(2) } });
  map.addLayer({ id: "event-cluster-counts", type: "symbol", source: "events", filter: ["has", "point_count"],
    layout: { "text-field": ["get", "point_count_abbreviated"], "text-font": [LABEL_FONT_BOLD], "text-size": 12,
      "text-allow-overlap": true, "text-ignore-placement": false, "text-padding": CLUSTER_LABEL_CLEARANCE },
    paint: { "text-color": perFeature("#ffffff") } });
  map.addLayer({ id: "selected", type: "circle", source: "selected",
    paint: { "circle-radius": perFeature(14), "circle-color": perFeature("#ffffff"), "circle-opacity": 0,
      "circle-stroke-width": perFeature(3), "circle-stroke-color": perFeature("#2e86c1") } });
}

// A length on the ground as a circle radius in pixels at each zoom (Web Mercator at Syria's latitude, 35°N:
// 2^z·512/40,075,016 m·cos 35° pixels a metre), exponential in zoom as the projection is.
function metresToPixels(metres) {
  const pixelsPerMetreAtZoom0 = 512 / 40075016 / Math.cos((35 * Math.PI) / 180);
  return ["interpolate", ["exponential", 2], ["zoom"], 0, perFeature(metres * pixelsPerMetreAtZoom0),
    24, perFeature(metres * pixelsPerMetreAtZoom0 * 2 ** 24)];
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
const HOLLOW_RIM = 0.42; // a hollow mark's coloured rim, as a share of its radius: thick enough to read in grey

function drawIcon(shape, colour, hollow = false) {
  const size = ICON_PIXELS * 2;
  const data = new Uint8ClampedArray(size * size * 4);
  const rgb = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  const inner = outline(shape, size * 0.34);
  const outer = outline(shape, size * 0.34 * (1 + OUTLINE));
  const hole = hollow ? outline(shape, size * 0.34 * (1 - HOLLOW_RIM)) : () => false;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let fill = 0;
      let edge = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy += 1) {
        for (let sx = 0; sx < SUBSAMPLES; sx += 1) {
          const px = x + (sx + 0.5) / SUBSAMPLES - size / 2;
          const py = y + (sy + 0.5) / SUBSAMPLES - size / 2;
          if (inner(px, py) && !hole(px, py)) fill += 1;
          else if (hole(px, py)) edge += 1; // a hollow mark's inside is white, like its outline
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

// An event type's mark as an image URL for the list and the legend (drawn once per type): the very
// pixels the map draws, so that the page needs no font with geometric symbols.
const iconUrls = new Map();

export function iconUrl(type) {
  const look = EVENT_TYPES[type] || EVENT_TYPES["Strategic developments"];
  if (!iconUrls.has(type)) {
    const icon = drawIcon(look.shape, look.colour, look.hollow);
    const canvas = document.createElement("canvas");
    canvas.width = icon.width;
    canvas.height = icon.height;
    canvas.getContext("2d").putImageData(new ImageData(icon.data, icon.width, icon.height), 0, 0);
    iconUrls.set(type, canvas.toDataURL("image/png"));
  }
  return iconUrls.get(type);
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

// A contested place's hatching: dark diagonal stripes inside the place's disc (radius 11 CSS pixels less
// its ring), so that the controller's ring surrounds something rather than an empty white disc.
const HATCH_PIXELS = 22;
const HATCH_PERIOD = 6; // device pixels from one stripe to the next

function drawHatch() {
  const size = HATCH_PIXELS * 2;
  const data = new Uint8ClampedArray(size * size * 4);
  const radius = size / 2 - 4;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inside = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) <= radius;
      const stripe = (x + y) % HATCH_PERIOD < 2;
      data.set([0x44, 0x44, 0x44, inside && stripe ? 230 : 0], (y * size + x) * 4);
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
