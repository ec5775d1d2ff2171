"""Whether two reports describe the same happening: the merge decision, pure and symmetric.

Two reports match when they come from different documents, have the same ACLED event type (sub-types may
differ: that is a dispute, not another event), both say the thing happened (or one denies it) or both
expect it, their dates agree within their precision, and their places are the same place, one lies in the
other (a district and its city, when the city-level report names the district), or they lie within `SAME_PLACE_KM` (one place under two gazetteer
entries). Two different districts of one city are different places. Because the test is symmetric and
looks at nothing but the two reports, the merged events (connected components of matching reports) do
not depend on the order in which documents arrive.
"""

from __future__ import annotations

from sitrep.reconcile.report import NOT_HAPPENED, PRECISION_DAYS, Report
from sitrep.store.query import haversine_km

# Kilometres within which two differently identified places are taken as one: the gazetteer holds some
# places twice (a WOF village and a map dot of the same name), usually under 1 km apart; Aleppo's
# neighbouring districts lie 1.5-3 km apart and must stay distinct.
SAME_PLACE_KM = 1.2
# geo_precision of a place located by its own coordinates (ACLED's 1); coarser ones borrow a parent's.
EXACT = 1
# Sub-types that happen once at a place within a campaign (a place changes hands once): only these let an
# undated report match a dated one; "fighting", "air strike" or "Other" at a city recur every day.
ONE_OFF_SUB_TYPES = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                               "Non-violent transfer of territory"})
# Days of reporting lag allowed on top of both dates' precision: a report published the next morning
# dates "yesterday's" fighting to the evening before, or to its own day.
REPORTING_LAG_DAYS = 1


def same_happening(a: Report, b: Report) -> bool:
    """True when reports `a` and `b` describe one happening (see the module's description)."""
    return (a.document_key != b.document_key and a.event_type == b.event_type
            and (a.fact_status in NOT_HAPPENED) == (b.fact_status in NOT_HAPPENED)
            and dates_agree(a, b) and places_related(a, b))


def dates_agree(a: Report, b: Report) -> bool:
    """No further apart than their precision windows plus the reporting lag; a report without a date (a
    document without a publication date) agrees only with one of the same place id and one-off sub-type."""
    if a.event_date is None or b.event_date is None:
        return (bool(a.place_id) and a.place_id == b.place_id and a.sub_event_type == b.sub_event_type
                and a.sub_event_type in ONE_OFF_SUB_TYPES)
    return abs((a.event_date - b.event_date).days) <= a.slack_days + b.slack_days + REPORTING_LAG_DAYS


def places_related(a: Report, b: Report) -> bool:
    """The same place, one within the other (parent), or two entries for one spot."""
    if a.place_id and a.place_id == b.place_id:
        return True
    if a.place_id and b.place_id == a.parent_id:
        return names_part(coarse=b, part=a)
    if b.place_id and a.place_id == b.parent_id:
        return names_part(coarse=a, part=b)
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return False
    if a.geo_precision != EXACT or b.geo_precision != EXACT:
        return False  # a district placed at its city's coordinates is not where the city's other districts are
    return haversine_km((a.latitude, a.longitude), (b.latitude, b.longitude)) <= SAME_PLACE_KM


def names_part(coarse: Report, part: Report) -> bool:
    """A report placed at a city speaks of one of its districts when its evidence names that district.
    Without this, every city-wide report would chain all of the city's district events into one."""
    return bool(part.location) and part.location.lower() in coarse.evidence.lower()


def window_days(report: Report) -> int:
    """How many days either side of a report's date a matching report's date can lie (for SQL narrowing)."""
    return report.slack_days + max(PRECISION_DAYS.values()) + REPORTING_LAG_DAYS
