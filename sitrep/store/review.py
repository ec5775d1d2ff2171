"""Analyst review: comments and up/down votes on events, and an analyst's verdict on an event.

Everything is keyed by `event_id` (one report's event, as the API and the CLI list them). A verdict on any
report of a merged event is the merged event's verdict (the most recent one wins), so it survives the
merged event being re-formed when new reports arrive. Each voter has one vote per event or comment: voting
again replaces it. Comment text is untrusted: it is stored as written and
escaped by whoever displays it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, case, cast, delete, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from sitrep.errors import InputError, NotFoundError, StoreError
from sitrep.store.failures import store_error
from sitrep.store.schema import EventReviewRow, EventRow, MergedReportRow, ReviewCommentRow, ReviewVoteRow
from sitrep.store.store import Store

VERIFIED = "verified"
DISPUTED = "disputed"
REVIEW_STATUSES = (VERIFIED, DISPUTED, "")  # "" withdraws a verdict
COMMENT_SORTS = ("newest", "oldest", "votes")
EVENT, COMMENT = "event", "comment"  # what a vote is cast on
# Longest comment, note or name accepted (characters): a long analyst note, far below anything abusive.
MAX_COMMENT_CHARS = 10_000
MAX_NAME_CHARS = 200
# Comment ids are integers: more digits than this cannot fit a 64-bit integer column.
MAX_COMMENT_ID_DIGITS = 18
# Tries of one vote when a concurrent vote by the same voter wins the race to the unique index.
VOTE_ATTEMPTS = 3
# Event ids per IN (...) list: below SQLite's and PostgreSQL's parameter limits.
IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Comment:
    comment_id: int
    event_id: str
    author: str
    text: str
    created: datetime
    up: int = 0
    down: int = 0

    @property
    def score(self) -> int:
        return self.up - self.down


@dataclass(frozen=True, slots=True)
class Review:
    """An analyst's verdict on an event ("verified", "disputed"; "" once withdrawn)."""

    event_id: str
    status: str
    note: str
    by: str
    at: datetime


def add_comment(store: Store, event_id: str, author: str, text: str) -> Comment:
    """Store a comment on an existing event; empty or oversized text is refused (InputError)."""
    author, text = _checked(author, "author", MAX_NAME_CHARS), _checked(text, "text", MAX_COMMENT_CHARS)
    if not text.strip():
        raise InputError("a comment needs some text")
    created = datetime.now(UTC)
    with _writing(store, f"cannot comment on {event_id}") as connection:
        _require_event(connection, event_id)
        row = connection.execute(insert(ReviewCommentRow).values(
            event_id=event_id, author=author, text=text, created=created).returning(ReviewCommentRow.id)).one()
    return Comment(row[0], event_id, author, text, created)


def comments_of(store: Store, event_id: str, sort: str = "newest") -> list[Comment]:
    """An event's comments with their votes: newest or oldest first, or by score (ties: newest first)."""
    if sort not in COMMENT_SORTS:
        raise InputError(f"unknown comment order {sort!r}: choose one of {', '.join(COMMENT_SORTS)}")
    ups = func.coalesce(func.sum(case((ReviewVoteRow.value > 0, 1), else_=0)), 0)
    downs = func.coalesce(func.sum(case((ReviewVoteRow.value < 0, 1), else_=0)), 0)
    c = ReviewCommentRow
    query = (select(c.id, c.event_id, c.author, c.text, c.created, ups, downs)
             .outerjoin(ReviewVoteRow, (ReviewVoteRow.target == COMMENT)
                        & (ReviewVoteRow.target_id == cast(c.id, String)))
             .where(c.event_id == event_id).group_by(c.id, c.event_id, c.author, c.text, c.created))
    with _reading(store, f"cannot read comments on {event_id}") as connection:
        _require_event(connection, event_id)
        comments = [Comment(r[0], r[1], r[2], r[3], _aware(r[4]), int(r[5]), int(r[6]))
                    for r in connection.execute(query)]
    if sort == "oldest":
        return sorted(comments, key=lambda x: x.comment_id)
    newest = sorted(comments, key=lambda x: -x.comment_id)
    return sorted(newest, key=lambda x: -x.score) if sort == "votes" else newest


def vote(store: Store, target: str, target_id: str, value: int, *, voter: str) -> tuple[int, int]:
    """Record `voter`'s up (1) or down (-1) vote on an event or a comment, replacing the one they cast
    before (one vote per voter and target); returns the target's (up, down) totals. A boolean or any
    number other than the integers 1 and -1 is refused (InputError)."""
    if type(value) is not int or value not in (1, -1):
        raise InputError(f"a vote is the integer 1 or -1, not {value!r}")
    if not voter or len(voter) > MAX_NAME_CHARS:
        raise InputError(f"a vote needs a voter (at most {MAX_NAME_CHARS} characters)")
    for attempt in range(VOTE_ATTEMPTS):
        try:
            with _writing(store, f"cannot vote on {target} {target_id}") as connection:
                _require_target(connection, target, target_id)
                voted = (ReviewVoteRow.target == target, ReviewVoteRow.target_id == target_id,
                         ReviewVoteRow.voter == voter)
                connection.execute(delete(ReviewVoteRow).where(*voted))
                connection.execute(insert(ReviewVoteRow).values(target=target, target_id=target_id, voter=voter,
                                                                value=value, created=datetime.now(UTC)))
                return _votes(connection, target, target_id)
        except StoreError as e:
            # the same voter's vote inserted meanwhile by another request (the unique index refused the
            # second row): replace it again
            if not isinstance(e.__cause__, IntegrityError) or attempt == VOTE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _require_target(connection: Connection, target: str, target_id: str) -> None:
    if target == EVENT:
        _require_event(connection, target_id)
    elif target == COMMENT:
        if not target_id.isdigit() or len(target_id) > MAX_COMMENT_ID_DIGITS or connection.scalar(
                select(ReviewCommentRow.id).where(ReviewCommentRow.id == int(target_id))) is None:
            raise NotFoundError(f"no comment {target_id[:MAX_NAME_CHARS]!r}")
    else:
        raise InputError(f"votes are on an event or a comment, not {target!r}")


def votes_of(store: Store, target: str, target_id: str) -> tuple[int, int]:
    with _reading(store, f"cannot read votes on {target} {target_id}") as connection:
        return _votes(connection, target, target_id)


def _votes(connection: Connection, target: str, target_id: str) -> tuple[int, int]:
    row = connection.execute(select(func.coalesce(func.sum(case((ReviewVoteRow.value > 0, 1), else_=0)), 0),
                                    func.coalesce(func.sum(case((ReviewVoteRow.value < 0, 1), else_=0)), 0))
                             .where(ReviewVoteRow.target == target, ReviewVoteRow.target_id == target_id)).one()
    return int(row[0]), int(row[1])


def set_review(store: Store, event_id: str, status: str, note: str = "", by: str = "") -> Review:
    """Record (or replace) the verdict on an event; status "" withdraws it."""
    if status not in REVIEW_STATUSES:
        raise InputError(f"unknown review status {status!r}: choose verified, disputed or \"\"")
    review = Review(event_id, status, _checked(note, "note", MAX_COMMENT_CHARS), _checked(by, "by", MAX_NAME_CHARS),
                    datetime.now(UTC))
    with _writing(store, f"cannot review {event_id}") as connection:
        _require_event(connection, event_id)
        connection.execute(delete(EventReviewRow).where(EventReviewRow.event_id == event_id))
        connection.execute(insert(EventReviewRow).values(event_id=event_id, status=status, note=review.note,
                                                         reviewer=review.by, reviewed_at=review.at))
    return review


def latest_review(connection: Connection, event_ids: Iterable[str]) -> Review | None:
    """The most recent verdict among `event_ids` (the reports of one merged event), None when there is none."""
    found = reviews_by_event(connection, event_ids)
    return max(found.values(), key=lambda r: (r.at, r.event_id)) if found else None


def reviews_by_event(connection: Connection, event_ids: Iterable[str]) -> dict[str, Review]:
    """The verdicts recorded on any of `event_ids`, by event id (withdrawn ones included, status "")."""
    wanted, found = sorted(set(event_ids)), {}
    r = EventReviewRow
    for start in range(0, len(wanted), IN_CHUNK):
        for row in connection.execute(select(r.event_id, r.status, r.note, r.reviewer, r.reviewed_at)
                                      .where(r.event_id.in_(wanted[start:start + IN_CHUNK]))):
            found[row[0]] = Review(row[0], row[1], row[2], row[3], _aware(row[4]))
    return found


def merged_reviews(connection: Connection, event_ids: Sequence[str]) -> dict[str, Review]:
    """For each of `event_ids`, the latest verdict on any report of its merged event (events that were
    never merged: their own verdict); events without a verdict are left out. Two or three queries."""
    merged_of: dict[str, str] = {}
    ids = sorted(set(event_ids))
    for start in range(0, len(ids), IN_CHUNK):
        merged_of.update(connection.execute(select(MergedReportRow.event_id, MergedReportRow.merged_id)
                                            .where(MergedReportRow.event_id.in_(ids[start:start + IN_CHUNK]))).all())
    groups: dict[str, list[str]] = {e: [e] for e in ids if e not in merged_of}
    merged_ids = sorted(set(merged_of.values()))
    for start in range(0, len(merged_ids), IN_CHUNK):
        for event_id, merged_id in connection.execute(
                select(MergedReportRow.event_id, MergedReportRow.merged_id)
                .where(MergedReportRow.merged_id.in_(merged_ids[start:start + IN_CHUNK]))):
            groups.setdefault(merged_id, []).append(event_id)
    reviews = reviews_by_event(connection, (e for members in groups.values() for e in members))
    if not reviews:
        return {}
    latest: dict[str, Review] = {}
    for key, members in groups.items():
        found = [reviews[m] for m in members if m in reviews]
        if found:
            latest[key] = max(found, key=lambda r: (r.at, r.event_id))
    return {e: latest[merged_of.get(e, e)] for e in ids if merged_of.get(e, e) in latest}


def _require_event(connection: Connection, event_id: str) -> None:
    if connection.scalar(select(EventRow.event_id).where(EventRow.event_id == event_id)) is None:
        raise NotFoundError(f"no event {event_id!r}")


def _checked(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise InputError(f"{name} is longer than {limit} characters")
    return value


def _aware(value: Any) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones, or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _reading:
    """A connection whose SQLAlchemy errors become StoreErrors; `_writing` commits at the end."""

    def __init__(self, store: Store, what: str, begin: bool = False) -> None:
        self._context: Any = store.engine.begin() if begin else store.engine.connect()
        self._what = what

    def __enter__(self) -> Connection:
        try:
            return self._context.__enter__()  # type: ignore[no-any-return]
        except SQLAlchemyError as e:
            raise store_error(self._what, e) from e

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        try:
            self._context.__exit__(kind, error, traceback)
        except SQLAlchemyError as e:
            raise store_error(self._what, e) from e
        if isinstance(error, SQLAlchemyError):
            raise store_error(self._what, error) from error


def _writing(store: Store, what: str) -> _reading:
    return _reading(store, what, begin=True)
