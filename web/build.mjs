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
// 1:50m is sharp enough at governorate zoom and small (about 1 MB of GeoJSON for the region we keep).
const atlas = join(here, "node_modules", "world-atlas", "countries-50m.json");

mkdirSync(out, { recursive: true });
for (const name of ["maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css"]) {
  copyFileSync(join(maplibre, name), join(out, name));
}
copyFileSync(join(here, "node_modules", "maplibre-gl", "LICENSE.txt"), join(out, "maplibre-gl.LICENSE.txt"));

const topology = JSON.parse(readFileSync(atlas, "utf8"));
const countries = feature(topology, topology.objects.countries);
const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b);
const coastline = mesh(topology, topology.objects.countries, (a, b) => a === b);
writeFileSync(join(out, "countries.geojson"), compact(countries));
writeFileSync(join(out, "borders.geojson"), compact({ type: "FeatureCollection", features: [
  { type: "Feature", properties: { kind: "border" }, geometry: borders },
  { type: "Feature", properties: { kind: "coast" }, geometry: coastline },
] }));
// Coordinates rounded to 3 decimals (about 100 m, finer than 1:50m's detail): the files shrink by half,
// which the page's first render feels.
function compact(geojson) {
  return JSON.stringify(geojson, (key, value) => (typeof value === "number" ? Math.round(value * 1000) / 1000 : value));
}

console.log(`vendored MapLibre GL JS and ${countries.features.length} Natural Earth countries into ${out}`);
