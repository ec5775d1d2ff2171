// One event, opened from the map or the list: its reports with the evidence quote (framing words
// highlighted), sources and stances, the confidence term by term, and the analysts' review: comments,
// votes, and the verified/disputed status (writes need the token).

import { getJSON, send } from "./api.js";
import { clear, h } from "./dom.js";

const SORTS = [["newest", "Newest"], ["oldest", "Oldest"], ["votes", "Most voted"]];

export async function showEvent(container, eventId, { onReview, onError }) {
  const event = await getJSON(`/api/events/${encodeURIComponent(eventId)}`);
  const comments = h("ol", { className: "comments", id: "comments" });
  const sort = h("select", { id: "comment-sort", "aria-label": "Sort comments" },
    SORTS.map(([value, label]) => h("option", { value }, label)));
  const reload = () => loadComments(eventId, sort.value, comments, onError);
  sort.addEventListener("change", reload);
  const shownConfidence = confidence(event);
  // A review moves the confidence (a disputed event counts for less): it is read again from the API.
  const refresh = async (status) => {
    const fresh = await getJSON(`/api/events/${encodeURIComponent(eventId)}`);
    shownConfidence.replaceWith(confidence(fresh));
    onReview(eventId, status);
  };
  clear(container).append(
    header(event),
    shownConfidence,
    h("h3", {}, `Reports (${(event.reports || []).length})`),
    h("ol", { className: "reports" }, (event.reports || []).map(report)),
    review(event, refresh),
    h("h3", {}, "Comments ", sort),
    comments,
    commentForm(eventId, reload),
  );
  await reload();
  return event;
}

// The event's own title: what happened, where, when; the reports' headlines are listed under it.
export function eventTitle(event) {
  const what = event.sub_event_type || event.event_type || "Event";
  const when = event.date ? humanDate(event.date) : "undated";
  return `${what} in ${event.location || "an unknown place"}, ${when}`;
}

function header(event) {
  const actors = [event.actor1, event.actor2].filter(Boolean).join(" vs ");
  return h("div", { className: "event-head" },
    h("h2", { id: "detail-title", dataset: { eventId: event.event_id } }, eventTitle(event)),
    h("p", { className: "meta" }, `${event.date || "undated"} · ${event.event_type} · ${event.sub_event_type || ""}`),
    h("p", { className: "meta" }, `${event.location}${event.admin1 ? `, ${event.admin1}` : ""}`, actors ? ` · ${actors}` : ""),
    h("p", { className: "meta" }, "Fact status: ", h("strong", { className: "fact-status" }, event.fact_status),
      (event.hedges || []).length ? ` (hedged: ${event.hedges.join(", ")})` : "",
      event.claimant ? ` · claimed by ${event.claimant}` : ""),
  );
}

function confidence(event) {
  const terms = event.confidence_terms || [];
  const value = Number(event.confidence);
  return h("details", { className: "confidence", open: true },
    h("summary", {}, "Confidence ", h("strong", { id: "confidence-value" }, Number.isFinite(value) ? value.toFixed(2) : "—")),
    h("table", {},
      h("thead", {}, h("tr", {}, ["term (why)", "value × weight", "="].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, terms.map((t) => h("tr", {},
        h("td", {}, h("span", { className: "term" }, t.name), t.why ? h("span", { className: "why" }, t.why) : ""),
        h("td", {}, `${fixed(t.value)} × ${fixed(t.weight)}`), h("td", {}, fixed(t.contribution)))))),
  );
}

function fixed(x) {
  const n = Number(x);
  return Number.isFinite(n) ? n.toFixed(2) : String(x ?? "");
}

function report(r) {
  const source = h("span", { className: "source" }, r.source || "unknown source");
  return h("li", { className: "report" },
    r.title ? h("p", { className: "report-title" }, r.title) : "",
    h("p", { className: "meta" },
      r.url ? h("a", { href: r.url, rel: "noopener noreferrer", target: "_blank" }, source) : source,
      r.stance ? h("span", { className: `stance stance-${String(r.stance).replace(/[^a-z_]/g, "")}` }, r.stance) : "",
      ` ${r.date || ""} · ${r.fact_status || ""}`),
    h("blockquote", { className: "evidence" }, highlight(r.evidence ?? r.quote ?? "", r.framing || [])),
  );
}

// The quote as text nodes, each framing span (offsets relative to the quote) wrapped in <mark>.
export function highlight(quote, spans) {
  const text = String(quote);
  const parts = [];
  let at = 0;
  const ordered = [...spans].filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end)
    .sort((a, b) => a.start - b.start);
  for (const span of ordered) {
    if (span.start < at) continue; // overlapping spans: the first one wins
    parts.push(text.slice(at, span.start));
    parts.push(h("mark", { className: "framing", title: span.kind || "framing" }, text.slice(span.start, span.end)));
    at = span.end;
  }
  parts.push(text.slice(at));
  return parts;
}

function review(event, onReviewed) {
  const current = (event.review && event.review.status) || "";
  const votes = event.votes || { up: 0, down: 0 };
  const up = h("span", { id: "event-up" }, String(votes.up ?? 0));
  const down = h("span", { id: "event-down" }, String(votes.down ?? 0));
  const error = h("p", { id: "review-error", className: "form-error", role: "alert" });
  const vote = (value) => attempt(error, "vote", async () => {
    const counts = await send("POST", `/api/events/${encodeURIComponent(event.event_id)}/votes`, { value });
    up.textContent = String(counts.up);
    down.textContent = String(counts.down);
  });
  const status = h("select", { id: "review-status", "aria-label": "Review status" },
    ["", "verified", "disputed"].map((v) => h("option", { value: v, selected: v === current }, v || "not reviewed")));
  const note = h("input", { id: "review-note", placeholder: "note", "aria-label": "Review note", value: event.review?.note || "" });
  const by = h("input", { id: "review-by", placeholder: "your name", "aria-label": "Reviewer", value: event.review?.by || "" });
  const shown = h("span", { id: "review-shown", className: `review review-${current || "none"}` }, current || "not reviewed");
  const save = attempt(error, "save a review", async () => {
    await send("PUT", `/api/events/${encodeURIComponent(event.event_id)}/review`,
      { status: status.value, note: note.value, by: by.value });
    shown.textContent = status.value || "not reviewed";
    shown.className = `review review-${status.value || "none"}`;
    await onReviewed(status.value);
  });
  return h("div", { className: "review-box" },
    h("p", {}, "Review: ", shown, event.review?.by ? ` by ${event.review.by}` : "",
      " ", h("button", { type: "button", onClick: vote(1), "aria-label": "Vote up" }, "▲ "), up,
      " ", h("button", { type: "button", onClick: vote(-1), "aria-label": "Vote down" }, "▼ "), down),
    h("p", {}, status, " ", note, " ", by, " ", h("button", { type: "button", id: "review-save", onClick: save }, "Save review")),
    error,
  );
}

// An action that writes: its error shown in plain words beside it, and cleared once one succeeds.
function attempt(errorBox, what, action) {
  return async () => {
    try {
      await action();
      errorBox.textContent = "";
    } catch (e) {
      errorBox.textContent = plainError(e, what);
    }
  };
}

export function plainError(error, what) {
  if (error.status === 401 || error.status === 403) {
    return `Enter the analyst token (Token, at the top of the page) to ${what}.`;
  }
  if (error.status === 413) return `That is too long to ${what}: shorten it.`;
  if (error.status === 422 || error.status === 400) return `Could not ${what}: ${error.message}`;
  if (error.status === 429) return `Too many writes at once: wait a moment, then ${what} again.`;
  return `Could not ${what} (${error.message || "the server did not answer"}); try again.`;
}

// Dates and times as people read them: "8 August 2016", "7 Dec 2026, 05:47".
export function humanDate(iso) {
  const t = Date.parse(`${String(iso).slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t)
    ? new Date(t).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    : String(iso);
}

export function humanTime(iso) {
  const t = Date.parse(iso && !/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? `${iso}Z` : iso);
  return Number.isFinite(t)
    ? new Date(t).toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit",
      minute: "2-digit", timeZone: "UTC", timeZoneName: "short" })
    : String(iso || "");
}

async function loadComments(eventId, sort, list, onError) {
  try {
    const body = await getJSON(`/api/events/${encodeURIComponent(eventId)}/comments`, { sort });
    clear(list).append(...body.items.map((c) => comment(c, () => loadComments(eventId, sort, list, onError))));
    if (!body.items.length) list.append(h("li", { className: "empty" }, "No comments yet."));
  } catch (e) { onError(e); }
}

function comment(c, reload) {
  const error = h("p", { className: "form-error", role: "alert" });
  const vote = (value) => attempt(error, "vote", async () => {
    await send("POST", `/api/comments/${encodeURIComponent(c.comment_id)}/votes`, { value });
    await reload();
  });
  return h("li", { className: "comment", dataset: { commentId: String(c.comment_id) } },
    h("p", { className: "meta" }, h("strong", { className: "author" }, c.author || "anonymous"), " · ",
      h("time", { className: "created", datetime: c.created || "" }, humanTime(c.created))),
    h("p", { className: "comment-text" }, c.text),
    h("p", { className: "meta" },
      h("button", { type: "button", className: "vote-up", onClick: vote(1), "aria-label": "Vote the comment up" }, "▲"),
      " ", h("span", { className: "score" }, String(c.score ?? (c.up ?? 0) - (c.down ?? 0))), " ",
      h("button", { type: "button", className: "vote-down", onClick: vote(-1), "aria-label": "Vote the comment down" }, "▼")),
    error,
  );
}

function commentForm(eventId, reload) {
  const author = h("input", { id: "comment-author", placeholder: "name", "aria-label": "Your name", required: true });
  const text = h("textarea", { id: "comment-text", rows: 3, placeholder: "comment", "aria-label": "Comment", required: true });
  const error = h("p", { id: "comment-error", className: "form-error", role: "alert" });
  const form = h("form", { className: "comment-form", "aria-label": "Post a comment" }, author, text,
    h("button", { type: "submit", id: "comment-post" }, "Post comment"), error);
  const post = attempt(error, "post a comment", async () => {
    await send("POST", `/api/events/${encodeURIComponent(eventId)}/comments`, { author: author.value, text: text.value });
    text.value = "";
    await reload();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    post();
  });
  return form;
}
