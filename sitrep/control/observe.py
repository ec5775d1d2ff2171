"""From what the store holds to control observations: territory events give a place to a side, clashes
make it contested, sieges besieged; statements of control in the text say who holds it.

ACLED's rule for a change of control: "Government regains territory" and "Non-state actor overtakes
territory" give the place to actor1's side from the event date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from sitrep.conflict import ConflictProfile, default_profile
from sitrep.control.state import BESIEGED, CONTESTED, FROM_STATEMENT, HELD, Observation
from sitrep.control.statements import ControlStatement
from sitrep.model import Document, Event

# Sub-event types after which actor1's side holds the place (ACLED).
TERRITORY_TYPES = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                             "Non-violent transfer of territory"})
CLASH_TYPES = frozenset({"Armed clash"})
STRATEGIC = "Strategic developments"
# Words that make a strategic development a siege.
SIEGE_WORDS = re.compile(r"\b(?:besieg\w*|sieges?|encircl\w*|blockad\w*)\b", re.IGNORECASE)
# Place kinds too coarse to be held by one side: a whole governorate or region is never one point's worth.
COARSE_KINDS = frozenset({"governorate", "region", "country"})


def observation_of_event(event: Event, kind: str = "", profile: ConflictProfile | None = None
                         ) -> Observation | None:
    """What an event says about control of its place; None when it says nothing usable (no place, no date,
    not a territory, clash or siege event, a coarse place, or a change of control to a side that holds no
    ground in the conflict `profile`, the shipped one by default)."""
    day = event.event_date or event.published
    if not event.place_id or day is None or event.latitude is None or event.longitude is None \
            or kind in COARSE_KINDS:
        return None
    state, side = _state_of(event, profile or default_profile())
    if not state:
        return None
    return Observation(place_id=event.place_id, place_name=event.location, lat=event.latitude,
                       lon=event.longitude, admin1=event.admin1, day=day, side=side, state=state,
                       fact_status=event.fact_status, doc_id=event.doc_id, source=event.source,
                       stance=event.stance, claimant=event.claimant, event_id=event.event_id,
                       evidence=event.evidence, hedged=bool(event.hedges))


def _state_of(event: Event, profile: ConflictProfile) -> tuple[str, str]:
    if event.sub_event_type in TERRITORY_TYPES:
        return (HELD, event.actor1_side) if profile.side(event.actor1_side).holds_ground else ("", "")
    if event.sub_event_type in CLASH_TYPES:
        return CONTESTED, ""
    if event.event_type == STRATEGIC and SIEGE_WORDS.search(event.evidence):
        besieged = event.actor2_side if profile.side(event.actor2_side).holds_ground else ""
        return BESIEGED, besieged
    return "", ""


def observations_of_events(events: Iterable[Event], kinds: Mapping[str, str] | None = None,
                           profile: ConflictProfile | None = None) -> list[Observation]:
    """Every event's observation; `kinds` maps place ids to gazetteer kinds (to leave out coarse places)."""
    kinds, profile = kinds or {}, profile or default_profile()
    found = (observation_of_event(e, kinds.get(e.place_id, ""), profile) for e in events)
    return [o for o in found if o is not None]


def observations_of_statements(statements: Iterable[ControlStatement], document: Document,
                               day: date | None = None) -> list[Observation]:
    """Statements of control as observations on `day` (default: the document's publication date: a
    report says who holds a place when it is written). Nothing without a date."""
    day = day or document.published
    if day is None:
        return []
    return [Observation(place_id=s.place.place_id, place_name=s.place.name, lat=s.place.lat, lon=s.place.lon,
                        admin1=s.place.admin1, day=day, side=s.side, state=s.state, fact_status=s.fact_status,
                        doc_id=document.doc_id, source=document.source, stance=document.stance,
                        claimant=s.claimant, basis=FROM_STATEMENT, evidence=s.evidence)
            for s in statements if s.place.kind not in COARSE_KINDS]
