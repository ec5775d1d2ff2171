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

// Every event with the named fields, from /api/event-columns: one request for a whole country's record (its
// pages hold up to 100,000 events, gzip'd), taken from columns back into one object per event.
export async function allEventColumns(fields) {
  const events = [];
  for (;;) {
    const page = await getJSON("/api/event-columns", { fields: fields.join(","), offset: events.length });
    const names = Object.keys(page.columns);
    for (let i = 0; i < page.count; i += 1) {
      const event = {};
      for (const name of names) event[name] = page.columns[name][i];
      events.push(event);
    }
    if (page.count < page.limit || page.count === 0) return events;
  }
}
