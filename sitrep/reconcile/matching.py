"""Whether two reports describe the same happening: the merge decision, pure and symmetric.

Two reports match when they come from different documents, have the same ACLED event type, both say the
thing happened (or one denies it) or both expect it, their dates agree within their precision, and their
places are the same place, one lies in the other (a district, or a facility the gazetteer gives a city as
parent, and its city, when the city-level report names it), or they lie within `SAME_PLACE_KM` (one place
under two gazetteer entries). Two different districts of one city are different places. Sub-types may
differ when both reports name the day (that is a dispute, not another event). The reporting lag is allowed
only to a report dated by its publication, and undated reports match only what happens once at a place (or
at a part of it that the city-level report names). The test looks at nothing but the two reports;
clusters.py turns the matches into merged events without chaining.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

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
# Event types that are states lasting weeks or months (a siege, a truce, a base): two texts that give no date
# at all and report one at the same place describe the same one; recurring fighting or air strikes are not.
LASTING_EVENT_TYPES = frozenset({"Strategic developments"})
# The two directions in which a place changes hands by force.
CHANGES_OF_HANDS = frozenset({"Government regains territory", "Non-state actor overtakes territory"})
# Days of reporting lag: a report dated only by its publication date (its text names no day) may describe
# what happened the day before, as a morning paper reports yesterday's fighting. Only backwards, and only
# for such reports: a date the text states ("on July 28", "yesterday") already names the day, and allowing a
# lag there chains a city's daily reports (the siege tightened on the 28th, civilians left on the 30th).
REPORTING_LAG_DAYS = 1
# time_precision of a date known to the day (ACLED's 1); 2 and 3 are the week and the month.
DAY_PRECISION = 1
# Words of a facility's map label that say what kind of thing it is, not which: a city-level report names
# the "Castello complex" as "the Castello road", the "Kweires airbase" as "Kweires airport". The label without
# them is the facility's own name (sitrep.geo.build strips a longer list from map labels in the same way).
FACILITY_WORDS = frozenset("""complex base airbase airport air military army garages garage barracks academy
school factory plant station industrial area zone city road highway roundabout checkpoint camp hill hills
tall tell tal jabal jebel mount brigade battalion regiment division housing depot silos prison hospital
the""".split())
# Letters the bare name of a facility must keep to be looked for in another report's evidence: shorter ones
# ("Tal", "80") are ordinary words or numbers in any text.
MIN_BARE_NAME_LETTERS = 4


def same_happening(a: Report, b: Report) -> bool:
    """True when reports `a` and `b` describe one happening (see the module's description)."""
    return a.document_key != b.document_key and compatible(a, b)


def compatible(a: Report, b: Report) -> bool:
    """Everything `same_happening` asks but coming from different documents: whether two reports could
    belong to one merged event (two reports of one document may, when they agree like this)."""
    return (a.event_type == b.event_type
            and (a.fact_status in NOT_HAPPENED) == (b.fact_status in NOT_HAPPENED)
            and sub_types_agree(a, b) and dates_agree(a, b) and places_related(a, b))


def sub_types_agree(a: Report, b: Report) -> bool:
    """Different sub-types at one place are a dispute (one says captured, one says repelled) only when both
    reports name the day; across a week, fighting and a capture there are successive happenings."""
    return same_sub_type(a, b) or a.time_precision == b.time_precision == DAY_PRECISION


def same_sub_type(a: Report, b: Report) -> bool:
    """The same sub-type, counting the two directions of a change of hands as one when either report's text
    does not say who gained ("drove the rebels out" coded as the rebels' gain is the same capture)."""
    if a.sub_event_type == b.sub_event_type:
        return True
    return ({a.sub_event_type, b.sub_event_type} <= CHANGES_OF_HANDS
            and not (a.gainer_stated and b.gainer_stated))


def link_order(a: Report, b: Report) -> tuple[bool, int, bool, str, str]:
    """How surely two matching reports describe one happening, surest first (see clusters.cluster_reports):
    both dated before either undated, closer dates first, the same sub-type before a dispute, then ids. An
    undated report of a change of hands tells the place's state as of writing, so it links to the latest
    dated change first (not to an earlier partial entry into the place)."""
    if a.event_date is not None and b.event_date is not None:
        return False, abs((a.event_date - b.event_date).days), a.sub_event_type != b.sub_event_type, *_ids(a, b)
    dated = a.event_date or b.event_date
    return True, -dated.toordinal() if dated else 0, a.sub_event_type != b.sub_event_type, *_ids(a, b)


def _ids(a: Report, b: Report) -> tuple[str, str]:
    first, second = sorted((a.event_id, b.event_id))
    return first, second


def dates_agree(a: Report, b: Report) -> bool:
    """Their date windows overlap (precision, plus the reporting lag for a date taken from publication); a
    report without a date (a document without a publication date) agrees only with one of the same place id
    and one-off sub-type."""
    if a.event_date is None or b.event_date is None:
        return undated_agree(a, b)
    a_first, a_last = date_window(a)
    b_first, b_last = date_window(b)
    return a_first <= b_last and b_first <= a_last


def undated_agree(a: Report, b: Report) -> bool:
    """Without a date on one side, only the same place (or a part of a city and a report at the city that
    names that part) and sub-type, and only for what happens once there: a change of hands, or, when neither
    report has any date, a lasting state (a siege, a truce)."""
    if not (same_place_or_named_part(a, b) and same_sub_type(a, b)):
        return False
    if a.sub_event_type in ONE_OFF_SUB_TYPES and b.sub_event_type in ONE_OFF_SUB_TYPES:
        return True
    return a.event_date is None and b.event_date is None and a.event_type in LASTING_EVENT_TYPES


def date_window(report: Report) -> tuple[date, date]:
    """The first and last day a dated report's happening can have fallen on."""
    assert report.event_date is not None
    lag = 0 if report.date_stated else REPORTING_LAG_DAYS
    return (report.event_date - timedelta(days=report.slack_days + lag),
            report.event_date + timedelta(days=report.slack_days))


def places_related(a: Report, b: Report) -> bool:
    """The same place, one within the other (parent), or two entries for one spot."""
    if same_place_or_named_part(a, b):
        return True
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return False
    if a.geo_precision != EXACT or b.geo_precision != EXACT:
        return False  # a district placed at its city's coordinates is not where the city's other districts are
    return haversine_km((a.latitude, a.longitude), (b.latitude, b.longitude)) <= SAME_PLACE_KM


def same_place_or_named_part(a: Report, b: Report) -> bool:
    """The same place id, or one report's place lies in the other's (a district, or a facility near a city
    that the gazetteer gives the city as parent) and the city-level report's evidence names it."""
    if a.place_id and a.place_id == b.place_id:
        return True
    if a.place_id and b.place_id == a.parent_id:
        return names_part(coarse=b, part=a)
    if b.place_id and a.place_id == b.parent_id:
        return names_part(coarse=a, part=b)
    return False


def names_part(coarse: Report, part: Report) -> bool:
    """A report placed at a city speaks of one of its districts or facilities when its evidence names it, by
    its name or by its bare name (the map label without words like "complex" or "base": "the Castello road"
    names the "Castello complex"). Without this, every city-wide report would chain all of the city's
    district events into one."""
    evidence = coarse.evidence.lower()
    return any(re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", evidence) for name in part_names(part))


def part_names(part: Report) -> list[str]:
    """The names by which another report may name `part`'s place: its location, and its bare name."""
    if not part.location:
        return []
    words = part.location.split()
    bare = " ".join(w for w in words if w.lower().strip("-") not in FACILITY_WORDS)
    names = [part.location]
    if bare and bare != part.location and sum(ch.isalpha() for ch in bare) >= MIN_BARE_NAME_LETTERS:
        names.append(bare)
    return names


def window_days(report: Report) -> int:
    """How many days either side of a report's date a matching report's date can lie (for SQL narrowing)."""
    return report.slack_days + max(PRECISION_DAYS.values()) + REPORTING_LAG_DAYS
