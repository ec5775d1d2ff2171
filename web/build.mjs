// Writes the map's vendored assets into sitrep/web/static/vendor/ (build output, not committed):
// MapLibre GL JS (module, worker, stylesheet), the Natural Earth countries from world-atlas turned from
// TopoJSON into GeoJSON with a label point each, the Noto Sans font the map's labels are drawn with, the
// place labels (web/labels.py, from sitrep's gazetteer and GeoNames) and Swagger UI for /docs, so that
// the page needs no network at all.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
// Noto Sans (SIL Open Font License) for the labels, Latin and Latin Extended ("Ḩamāh", "Şanlıurfa").
const fonts = join(here, "node_modules", "@fontsource", "noto-sans");
for (const weight of [400, 600]) {
  for (const subset of ["latin", "latin-ext"]) {
    const name = `noto-sans-${subset}-${weight}-normal.woff2`;
    copyFileSync(join(fonts, "files", name), join(out, name));
  }
}
copyFileSync(join(fonts, "LICENSE"), join(out, "noto-sans.LICENSE.txt"));
// The map style's `font-faces` (MapLibre draws the labels' glyphs from these files in the browser, so no
// glyph server is needed): each subset file with the Unicode ranges Fontsource's stylesheet gives it.
writeFileSync(join(out, "font-faces.json"), JSON.stringify(Object.fromEntries(
  [[400, "Noto Sans Regular"], [600, "Noto Sans SemiBold"]].map(([weight, name]) => [name, fontFaces(weight)]))));
// Swagger UI for the API's /docs page (sitrep/api serves these instead of a CDN's).
const swagger = join(here, "node_modules", "swagger-ui-dist");
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) {
  copyFileSync(join(swagger, name), join(out, name === "LICENSE" ? "swagger-ui.LICENSE.txt" : name));
}
// The place labels need sitrep's gazetteer, read by Python (the project's virtualenv unless PYTHON names one).
const venvPython = join(here, "..", ".venv", "bin", "python");
const python = process.env.PYTHON || (existsSync(venvPython) ? venvPython : "python3");
execFileSync(python, [join(here, "labels.py")], { stdio: "inherit" });

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
writeFileSync(join(out, "country-labels.geojson"), compact({ type: "FeatureCollection",
  features: countries.features.filter((f) => near.has(key(f)) && f.geometry).map(countryLabel) }));
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

// A country's label point: the middle of its largest polygon's bounding box, pulled to the polygon's
// vertex mean when the box's middle falls outside it is not worth the code here: the region's countries are
// compact enough that the box's middle lies inside each.
function countryLabel(f) {
  const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const ring = polygons.map((p) => p[0]).sort((a, b) => b.length - a.length)[0];
  const lons = ring.map((c) => c[0]);
  const lats = ring.map((c) => c[1]);
  const middle = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
  return { type: "Feature", properties: { name: f.properties.name }, geometry: { type: "Point", coordinates: middle } };
}

// One weight's subset files, Latin first, with their `unicode-range` read from Fontsource's CSS.
function fontFaces(weight) {
  const css = readFileSync(join(fonts, `${weight}.css`), "utf8");
  return ["latin", "latin-ext"].map((subset) => {
    const name = `noto-sans-${subset}-${weight}-normal.woff2`;
    const block = css.split("@font-face").find((b) => b.includes(`/${name})`));
    if (!block) throw new Error(`${name} is not in @fontsource/noto-sans/${weight}.css`);
    const ranges = block.match(/unicode-range:\s*([^;]+);/)[1].split(",").map((r) => r.trim());
    return { url: `/static/vendor/${name}`, "unicode-range": ranges };
  });
}

// Coordinates rounded to 3 decimals (about 100 m, finer than 1:50m's detail): the files shrink by half,
// which the page's first render feels.
function compact(geojson) {
  return JSON.stringify(geojson, (key, value) => (typeof value === "number" ? Math.round(value * 1000) / 1000 : value));
}

console.log(`vendored MapLibre GL JS and ${countries.features.length} Natural Earth countries into ${out}`);
