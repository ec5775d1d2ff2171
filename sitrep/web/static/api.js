// The JSON API, as the page uses it: reads are open; writes carry the token the user typed.
// Every error body has one shape, {"error": {"status", "code", "message"}}; it becomes an ApiError.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TOKEN_KEY = "sitrep.token";

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function query(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.pathname + url.search;
}

async function parse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw new ApiError(response.status, error.code || "http_error", error.message || `HTTP ${response.status}`);
  }
  return body;
}

export async function getJSON(path, params = {}) {
  return parse(await fetch(query(path, params), { headers: { Accept: "application/json" } }));
}

export async function send(method, path, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return parse(await fetch(path, { method, headers, body: JSON.stringify(body) }));
}

// Every event, page by page (the API pages at most 1000 at a time); pages after the first in parallel. The
// API counts matches only up to a cap (`total_exact` false beyond it): then pages go on, a few at a time,
// until one comes back short.
const PAGES_AT_ONCE = 4;

export async function allEvents(params = {}, pageSize = 1000) {
  const page = (offset) => getJSON("/api/events", { ...params, limit: pageSize, offset });
  const first = await page(0);
  const offsets = [];
  for (let offset = pageSize; offset < first.total; offset += pageSize) offsets.push(offset);
  const pages = await Promise.all(offsets.map(page));
  const items = first.items.concat(...pages.map((page) => page.items));
  let offset = pageSize * (offsets.length + 1);
  let short = items.length < offset;
  while (first.total_exact === false && !short) {
    const batch = [];
    for (let i = 0; i < PAGES_AT_ONCE; i += 1) batch.push(page(offset + i * pageSize));
    for (const next of await Promise.all(batch)) {
      items.push(...next.items);
      short = short || next.items.length < pageSize;
    }
    offset += PAGES_AT_ONCE * pageSize;
  }
  return items;
}
