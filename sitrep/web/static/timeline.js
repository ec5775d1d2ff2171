// The timeline's pieces: step units, play speeds, the next step of a replay (skipping stretches without
// events), the histogram of events per day drawn under the slider, and the play/pause glyph (an SVG, so it
// renders whatever fonts the browser has).

import { clear } from "./dom.js";

const DAY_MS = 86400000;
export const STEP_UNITS = [["day", "by day"], ["week", "by week"], ["month", "by month"]];
// Milliseconds between steps while playing: slow enough to see control change, fast enough for a year.
export const SPEEDS = [[1400, "slow"], [700, "normal"], [250, "fast"], [80, "fastest"]];
const HISTOGRAM_BARS = 120; // at most this many bars: days are pooled into bins past it
const SVG = "http://www.w3.org/2000/svg";

// The day index after `day` by one unit ("week", "month": calendar months from `first`), then on to the
// next day with events where the step lands in an empty stretch; null once past `max`.
export function nextStep(day, unit, first, counts, max) {
  let next = day + 1;
  if (unit === "week") next = day + 7;
  if (unit === "month") {
    const at = new Date(Date.parse(first) + day * DAY_MS);
    const month = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, Math.min(at.getUTCDate(), 28));
    next = Math.round((month - Date.parse(first)) / DAY_MS);
  }
  if (next > max) return day < max ? max : null;
  if (!hasEventsBetween(counts, day + 1, next)) {
    const later = [...counts.keys()].filter((d) => d > next).sort((a, b) => a - b)[0];
    if (later !== undefined) return Math.min(later, max);
  }
  return next;
}

function hasEventsBetween(counts, from, to) {
  for (const d of counts.keys()) if (d >= from && d <= to) return true;
  return false;
}

// Bars of events per day (pooled into bins when the range is long) laid under the slider's track.
export function drawHistogram(container, counts, span) {
  clear(container);
  const bins = Math.max(1, Math.min(HISTOGRAM_BARS, span + 1));
  const perBin = (span + 1) / bins;
  const totals = new Array(bins).fill(0);
  for (const [day, n] of counts) totals[Math.min(bins - 1, Math.floor(day / perBin))] += n;
  const most = Math.max(1, ...totals);
  for (const total of totals) {
    const bar = document.createElement("span");
    bar.className = total ? "bar" : "bar empty";
    bar.style.height = `${Math.max(total ? 8 : 0, (100 * total) / most)}%`;
    container.append(bar);
  }
  container.setAttribute("aria-label", `events per day: ${[...counts.values()].reduce((a, b) => a + b, 0)} dated events`);
}

// The play button's glyph: a triangle to play, two bars to pause.
export function playIcon(button, playing) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  const shapes = playing ? ["M3 2h3.5v12H3z", "M9.5 2H13v12H9.5z"] : ["M4 2l10 6-10 6z"];
  for (const d of shapes) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
  }
  clear(button).append(svg);
  button.dataset.playing = playing ? "true" : "false";
}
