"""The records reconciliation works on: one stored event as one report, with what its document tells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sitrep.model import FACT_STATUSES, FactStatus

# How far a date may be off, in days, when it is known only to the day (1), week (2) or month (3): half a
# week and half a month, as in ../shared/eval/score.py's PRECISION_DAYS.
PRECISION_DAYS = {1: 0, 2: 4, 3: 16}
# Fact statuses from strongest to weakest: the merged event's status is its strongest report's.
STATUS_ORDER = FACT_STATUSES
# Statuses of something that did not (yet) happen: they merge only among themselves (a forecast layer).
NOT_HAPPENED = frozenset({FactStatus.EXPECTED, FactStatus.HYPOTHETICAL})


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
