"""Control records: what one report says about who holds a place (`Observation`), and the resulting
stretch of time during which a place is held, contested or besieged (`ControlState`).

Three layers are kept apart, as ISW keeps its maps: `claimed` follows every report that says something
happened (attributed claims included), `assessed` follows the confidence rules in `rules.py`, and
`forecast` holds what reports expect or imagine, which never changes control.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, make_dataclass
from datetime import date
from typing import Any, cast

CLAIMED = "claimed"
ASSESSED = "assessed"
FORECAST = "forecast"
LAYERS = (ASSESSED, CLAIMED, FORECAST)

HELD = "held"
CONTESTED = "contested"
BESIEGED = "besieged"
UNKNOWN = "unknown"
STATES = (HELD, CONTESTED, BESIEGED, UNKNOWN)

# Where an observation comes from: a territory, clash or siege event, or a sentence stating control.
FROM_EVENT = "event"
FROM_STATEMENT = "statement"


@dataclass(frozen=True, slots=True)
class Observation:
    """One report's word on one place on one day: `side` holds it (`state` held), or it is fought over
    (contested) or besieged. `side` may be "" when the report does not say who holds the place."""

    place_id: str
    place_name: str
    lat: float
    lon: float
    admin1: str
    day: date
    side: str
    state: str
    fact_status: str  # the Event fact statuses: reported, attributed_claim, expected, hypothetical, negated
    doc_id: str
    source: str = ""
    stance: str = ""
    claimant: str = ""
    event_id: str = ""  # empty for a statement of control
    basis: str = FROM_EVENT
    evidence: str = ""
    hedged: bool = False

    @property
    def publisher(self) -> str:
        """Who published it: the source's name, else the document (one document is one voice)."""
        return self.source or self.doc_id


@dataclass(frozen=True, slots=True)
class ControlState:
    """A place's controller over [valid_from, valid_until) in one layer; `valid_until` None means still
    so as far as the reports go. `event_ids` and `sources` are the evidence behind the state."""

    place_id: str
    place_name: str
    lat: float
    lon: float
    admin1: str
    layer: str
    side: str
    state: str
    valid_from: date
    valid_until: date | None
    confidence: float
    event_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    previous_side: str = ""  # the side that held the place before this state ("" when none known)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    @property
    def changed_hands(self) -> bool:
        """Whether this state is a change of controller: held by a side other than the previous holder."""
        return self.state == HELD and bool(self.side) and bool(self.previous_side) \
            and self.side != self.previous_side


# ControlState's twin without the frozen guard: the same fields, hence the same slots, so that a draft becomes
# a ControlState by assigning its class. The frozen constructor sets each field through object.__setattr__,
# 1.7 µs a state; a draft costs 0.3 µs, which is most of `control --at` for a whole country (13,000 states).
ControlStateDraft: Any = make_dataclass("ControlStateDraft", [(f.name, f.type) for f in fields(ControlState)],
                                        slots=True)


def freeze_drafts(drafts: list[Any]) -> list[ControlState]:
    """These `ControlStateDraft`s, turned in place into the ControlStates with the same fields."""
    for draft in drafts:
        draft.__class__ = ControlState
    return cast(list[ControlState], drafts)
