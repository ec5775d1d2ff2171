"""The records reconciliation works on: one stored event as one report, with what its document tells."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# How far a date may be off, in days, when it is known only to the day (1), week (2) or month (3): half a
# week and half a month, as in ../shared/eval/score.py's PRECISION_DAYS.
PRECISION_DAYS = {1: 0, 2: 4, 3: 16}
# Fact statuses from strongest to weakest: the merged event's status is its strongest report's.
STATUS_ORDER = ("reported", "attributed_claim", "expected", "hypothetical", "negated")
# Statuses of something that did not (yet) happen: they merge only among themselves (a forecast layer).
NOT_HAPPENED = frozenset({"expected", "hypothetical"})
# The note the extractor puts on an event whose text names no date, so that it is dated by its document's
# publication date (sitrep.events.extract.UNDATED, repeated here so that reconciling does not load the
# extractor and its models; tests/test_reconcile.py checks the two agree).
UNDATED_NOTE = "no date in the text: dated to the publication week"
# The extractor's note on a territorial event whose text does not say which side gained: its sub-type's
# direction (government regains / non-state actor overtakes) is then a guess.
GAINER_UNSTATED_NOTE = "side that gained ground not stated"


@dataclass(frozen=True, slots=True)
class Report:
    """One stored event, seen as one source's report of a happening."""

    event_id: str
    doc_id: str
    document_key: int  # the documents table's row id: two reports from one document never link directly
    event_type: str
    sub_event_type: str
    event_date: date | None
    time_precision: int
    place_id: str
    parent_id: str  # the place the event's place lies in, when the gazetteer knows it
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    fact_status: str
    actor1_side: str
    actor2_side: str
    hedges: tuple[str, ...]
    evidence: str
    publisher: str  # normalised: wire copies and reposts name the original publisher
    stance: str
    original_doc_id: str  # the document this one is a copy of, else its own doc_id
    date_stated: bool  # the text names the day (or week); False when the date is the publication date's fallback
    gainer_stated: bool  # for a change of territory, whether the text says who gained (else the direction is a guess)

    @property
    def is_copy(self) -> bool:
        return self.original_doc_id != self.doc_id

    @property
    def slack_days(self) -> int:
        return PRECISION_DAYS.get(self.time_precision, PRECISION_DAYS[3])

    @property
    def status_rank(self) -> int:
        return STATUS_ORDER.index(self.fact_status) if self.fact_status in STATUS_ORDER else len(STATUS_ORDER)


def date_stated(notes: Iterable[str]) -> bool:
    """Whether an event's date comes from its text, judging by the extractor's notes on it."""
    return UNDATED_NOTE not in notes


def gainer_stated(notes: Iterable[str]) -> bool:
    """Whether the text of a territorial event says which side gained, judging by the extractor's notes."""
    return GAINER_UNSTATED_NOTE not in notes
