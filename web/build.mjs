// Writes the map's vendored assets into sitrep/web/static/vendor/ (build output, not committed):
// MapLibre GL JS (module, worker, stylesheet) and the Natural Earth countries from world-atlas
// turned from TopoJSON into GeoJSON, so that the page needs no network at all.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature, mesh } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "sitrep", "web", "static", "vendor");
const maplibre = join(here, "node_modules", "maplibre-gl", "dist");
// The region the map is about (west, south, east, north): countries touching it come at 1:50m, the rest
// of the world at 1:110m, which keeps the basemap small enough for a quick first render.
const REGION = [30, 27, 48, 41]; // Syria and its neighbours; at 42°N it would take in Russia, the largest outline of all
const fine = JSON.parse(readFileSync(join(here, "node_modules", "world-atlas", "countries-50m.json"), "utf8"));
const coarse = JSON.parse(readFileSync(join(here, "node_modules", "world-atlas", "countries-110m.json"), "utf8"));

mkdirSync(out, { recursive: true });
for (const name of ["maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css"]) {
  copyFileSync(join(maplibre, name), join(out, name));
}
copyFileSync(join(here, "node_modules", "maplibre-gl", "LICENSE.txt"), join(out, "maplibre-gl.LICENSE.txt"));

const near = new Set(feature(fine, fine.objects.countries).features.filter(touchesRegion).map(key));

const countries = {
  type: "FeatureCollection",
  features: feature(fine, fine.objects.countries).features.filter((f) => near.has(key(f)))
    .concat(feature(coarse, coarse.objects.countries).features.filter((f) => !near.has(key(f)))),
};
const inRegion = (a, b) => near.has(key(a)) || near.has(key(b));
const borders = mesh(fine, fine.objects.countries, (a, b) => a !== b && inRegion(a, b));
const farBorders = mesh(coarse, coarse.objects.countries, (a, b) => a !== b && !inRegion(a, b));
writeFileSync(join(out, "countries.geojson"), compact(countries));
writeFileSync(join(out, "borders.geojson"), compact({ type: "FeatureCollection", features: [
  { type: "Feature", properties: { kind: "border" }, geometry: borders },
  { type: "Feature", properties: { kind: "border" }, geometry: farBorders },
] }));

// A country's key: its ISO numeric code, or its name for the few Natural Earth units without one.
function key(f) {
  return f.id ?? f.properties.name;
}

// Whether a country has a vertex inside REGION (a bounding-box test would take in Russia and the United
// States, which span every longitude).
function touchesRegion(f) {
  const inside = (c) => (typeof c[0] === "number"
    ? c[0] >= REGION[0] && c[0] <= REGION[2] && c[1] >= REGION[1] && c[1] <= REGION[3]
    : c.some(inside));
  return Boolean(f.geometry) && inside(f.geometry.coordinates);
}

// Coordinates rounded to 3 decimals (about 100 m, finer than 1:50m's detail): the files shrink by half,
// which the page's first render feels.
function compact(geojson) {
  return JSON.stringify(geojson, (key, value) => (typeof value === "number" ? Math.round(value * 1000) / 1000 : value));
}

console.log(`vendored MapLibre GL JS and ${countries.features.length} Natural Earth countries into ${out}`);
