"""The API's request and response bodies as pydantic models: one success shape per route, one error shape.

Lists come as `{"items": [...], "total": N, "limit": L, "offset": O}`; dates as ISO `YYYY-MM-DD`. GeoJSON
bodies are plain dicts (RFC 7946), typed here only as objects.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field, StrictInt, field_validator

# Longest text the API accepts in each kind of field (characters); a longer one is answered 422. Sized far
# above real values and far below what bloats every page that lists them.
MAX_ID_CHARS = 200  # an event or merged-event id is under 60
MAX_NAME_CHARS = 200  # a publisher, author, place, type, side or front name: the longest real ones are ~80
MAX_STANCE_CHARS = 50  # "pro-government", "anti-government"
MAX_TITLE_CHARS = 1000  # a headline; the longest seen are ~300
MAX_URL_CHARS = 2048  # the practical limit of browsers and sitemaps
MAX_LIST_CHARS = 1000  # a comma-separated list: every event field's name is 300 characters in all
# A path's event id, bounded.
EventId = Annotated[str, Path(max_length=MAX_ID_CHARS)]
# A path's comment id: digits only, few enough to fit a 64-bit integer.
CommentId = Annotated[str, Path(pattern=r"^[0-9]{1,18}$")]
# Largest `offset` of a page: past any store's size (a billion events), below SQLite's 64-bit integers.
MAX_OFFSET = 10**9

class ErrorDetail(BaseModel):
    status: int
    code: str  # not_found, bad_request, invalid, unauthorized, forbidden, method_not_allowed, store_error, ...
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class EventFields(BaseModel):
    event_id: str
    date: dt.date | None
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str
    actor1_side: str
    actor2: str
    actor2_side: str
    location: str
    admin1: str  # the governorate by sitrep's one name for it ("Deir ez-Zor"); "" for none
    place_id: str
    lat: float | None
    lon: float | None
    geo_precision: int
    fact_status: str
    hedges: list[str]
    claimant: str
    confidence: float  # the merged event's confidence (with the analyst's verdict), else the report's own
    source: str
    stance: str
    url: str
    title: str
    evidence: str  # the first quote


class EventItem(EventFields):
    review: Literal["verified", "disputed", ""]  # the analyst's verdict on the (merged) event
    merged_id: str  # the merged event this report belongs to (`/api/merged-events`); "" before merging


class MergedEventItem(BaseModel):
    """One happening as all its reports together describe it (place, date and type: its lead report's)."""

    merged_id: str
    event_date: dt.date | None
    time_precision: int  # 1 day, 2 week, 3 month
    event_type: str
    sub_event_type: str
    location: str
    place_id: str
    admin1: str  # the governorate by sitrep's one name for it ("Deir ez-Zor"); "" for none
    latitude: float | None
    longitude: float | None
    fact_status: str  # the strongest status among its reports
    reports_count: int  # documents reporting it, copies included
    independent_sources: int  # distinct publishers; copies and wire reprints count as their original's
    stances: list[str]
    disputes: list[str]
    confidence: float
    sources: list[str]
    fatalities: int | None  # the lowest count its reports give; null when none gives a number
    report_ids: list[str]  # its reports' event ids (`/api/events/{event_id}`)


class MergedEventPage(BaseModel):
    items: list[MergedEventItem]
    total: int
    limit: int
    offset: int


class EventPage(BaseModel):
    items: list[EventItem]
    total: int
    total_exact: bool  # False: `total` is a floor (counting stops at the API's count cap)
    limit: int
    offset: int


class EventColumns(BaseModel):
    """Events column by column: `columns[field][i]` is the i-th event's field, for the fields asked (event_id
    always); the events in /api/events' order. `count` events here; `total` as in EventPage."""

    columns: dict[str, list[Any]]
    count: int
    total: int
    total_exact: bool
    limit: int
    offset: int


class FramingSpan(BaseModel):
    start: int  # relative to the quote
    end: int
    text: str
    kind: str


class ReportItem(BaseModel):
    event_id: str
    doc_id: str
    source: str
    stance: str
    url: str
    title: str
    date: dt.date | None
    published: dt.date | None
    fact_status: str
    sub_event_type: str
    evidence: str
    start: int  # the quote's offsets in its document's text
    end: int
    framing: list[FramingSpan]
    copy_of: str  # the doc_id this report's document reposts, "" for an original


class ConfidenceTermItem(BaseModel):
    name: str
    value: float
    weight: float
    contribution: float
    why: str
    event_ids: list[str]


class Votes(BaseModel):
    up: int
    down: int


class ReviewState(BaseModel):
    status: Literal["verified", "disputed", ""]
    note: str
    by: str
    at: dt.datetime | None


class CommentItem(BaseModel):
    comment_id: int
    event_id: str
    author: str
    text: str
    created: dt.datetime
    up: int
    down: int
    score: int


class EventDetail(EventFields):
    merged_id: str
    reports: list[ReportItem]
    disputes: list[str]
    confidence_terms: list[ConfidenceTermItem]
    comments: list[CommentItem]
    votes: Votes
    review: ReviewState


class CommentList(BaseModel):
    items: list[CommentItem]
    total: int
    limit: int
    offset: int


class NewComment(BaseModel):
    author: str = Field(default="", max_length=MAX_NAME_CHARS)
    text: str = Field(min_length=1, max_length=10_000)


class NewVote(BaseModel):
    # 1 or -1 as a JSON integer: true, 1.0 or "1" are refused (422), not counted as a vote.
    value: StrictInt = Field(json_schema_extra={"enum": [1, -1]})

    @field_validator("value")
    @classmethod
    def _up_or_down(cls, value: int) -> int:
        if value not in (1, -1):
            raise ValueError("a vote is 1 (up) or -1 (down)")
        return value


class VoteResult(BaseModel):
    target: Literal["event", "comment"]
    id: str
    up: int
    down: int


class NewReview(BaseModel):
    status: Literal["verified", "disputed", ""]
    note: str = Field(default="", max_length=10_000)
    by: str = Field(default="", max_length=MAX_NAME_CHARS)


class ReviewResult(BaseModel):
    event_id: str
    merged_id: str
    status: Literal["verified", "disputed", ""]
    note: str
    by: str
    at: dt.datetime
    confidence: float  # the merged event's confidence with this verdict


class ControlBody(BaseModel):
    at: dt.date
    layer: str
    region: str
    places: dict[str, Any]  # FeatureCollection of points
    areas: dict[str, Any]  # FeatureCollection of polygons


class ChangeItem(BaseModel):
    place_id: str
    name: str
    admin1: str  # the governorate by sitrep's one name for it ("Deir ez-Zor"); "" for none
    lat: float
    lon: float
    date: dt.date
    from_side: str
    to_side: str
    state: str
    confidence: float
    events: list[str]
    sources: list[str]


class ChangeList(BaseModel):
    items: list[ChangeItem]
    total: int
    limit: int
    offset: int


class TimelineDay(BaseModel):
    date: dt.date
    events: int


class Timeline(BaseModel):
    first: dt.date | None
    last: dt.date | None
    days: list[TimelineDay]
    extent: list[float] | None  # the located events' west, south, east, north; None without any


class FrontItem(BaseModel):
    name: str
    admin1: str  # the same name, as the events of the front carry it in their `admin1`
    events: int
    first: dt.date | None
    last: dt.date | None
    bbox: list[float]  # west, south, east, north


class FrontList(BaseModel):
    items: list[FrontItem]
    total: int
    limit: int
    offset: int


class PlaceItem(BaseModel):
    place_id: str
    name: str
    kind: str
    admin1: str  # the governorate by sitrep's one name for it ("Deir ez-Zor"); "" for none
    lat: float
    lon: float
    score: float  # spelling similarity of the best-matching name, 0..1


class PlaceList(BaseModel):
    items: list[PlaceItem]
    total: int
    limit: int
    offset: int


class SourceItem(BaseModel):
    publisher: str
    stance: str
    domains: list[str]
    documents: int
    events: int


class SourceList(BaseModel):
    items: list[SourceItem]
    total: int
    limit: int
    offset: int


class ConfigBody(BaseModel):
    tile_url: str
    version: str


class NewDocument(BaseModel):
    text: str = Field(min_length=1)  # bounded by the request body's limit (setting max_body_bytes)
    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    url: str = Field(default="", max_length=MAX_URL_CHARS)
    source: str = Field(default="", max_length=MAX_NAME_CHARS)
    published: dt.date | None = None  # within the settings' range (earliest_date, days_ahead)
    stance: str = Field(default="", max_length=MAX_STANCE_CHARS)  # a known stance (sitrep.api.documents)


class DocumentResult(BaseModel):
    doc_id: str
    events: list[str]
    duplicate: bool
