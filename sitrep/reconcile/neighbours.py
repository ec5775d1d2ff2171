"""Which reports a report is compared with, in memory: the same narrowing as `reports.candidate_reports`
applies in SQL, so that reconciling many documents at once finds exactly the links that reconciling them
one at a time finds.

A batch's new reports are not reconciled yet, so the store cannot be asked for them; they (and the
reconciled reports loaded for the batch) go into a `ReportIndex`, bucketed by event type and place id,
parent place id and a band of latitude, and `ReportIndex.near` returns those `in_reach` of a report.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from sitrep.reconcile.matching import SAME_PLACE_KM, window_days
from sitrep.reconcile.report import Report
from sitrep.store.query import bounding_box

# Degrees of latitude per band of the coordinate buckets: a report's box (SAME_PLACE_KM, about 0.011°
# either side) then spans at most two bands, and a band holds the few places of one 5.5 km strip.
LATITUDE_BAND_DEGREES = 0.05


def in_reach(report: Report, other: Report) -> bool:
    """Whether `candidate_reports(report)` would return `other` were it reconciled: same event type, another
    document, a date within `window_days` (or none), and a related place id or coordinates in the box."""
    if other.event_type != report.event_type or other.document_key == report.document_key:
        return False
    if report.event_date is None:  # reports._undated_candidates
        return bool(report.place_id) and other.place_id == report.place_id
    if other.event_date is not None and abs((other.event_date - report.event_date).days) > window_days(report):
        return False
    if other.place_id and other.place_id in (report.place_id, report.parent_id):
        return True
    if report.place_id and other.parent_id == report.place_id:
        return True
    return _in_box(report, other)


def _in_box(report: Report, other: Report) -> bool:
    if report.latitude is None or report.longitude is None or other.latitude is None or other.longitude is None:
        return False
    south, north, west, east = bounding_box((report.latitude, report.longitude), SAME_PLACE_KM)
    if not south <= other.latitude <= north:
        return False
    return west is None or east is None or west <= other.longitude <= east


def _band(latitude: float) -> int:
    return math.floor(latitude / LATITUDE_BAND_DEGREES)


class ReportIndex:
    """Reports bucketed for `near`: by (event type, place id), (event type, parent id), (event type, band)."""

    def __init__(self, reports: Iterable[Report] = ()) -> None:
        self._known: set[str] = set()
        self._by_place: dict[tuple[str, str], list[Report]] = defaultdict(list)
        self._by_parent: dict[tuple[str, str], list[Report]] = defaultdict(list)
        self._by_band: dict[tuple[str, int], list[Report]] = defaultdict(list)
        self.add(reports)

    def add(self, reports: Iterable[Report]) -> None:
        for report in reports:
            if report.event_id in self._known:
                continue
            self._known.add(report.event_id)
            if report.place_id:
                self._by_place[report.event_type, report.place_id].append(report)
            if report.parent_id:
                self._by_parent[report.event_type, report.parent_id].append(report)
            if report.latitude is not None and report.longitude is not None:
                self._by_band[report.event_type, _band(report.latitude)].append(report)

    def near(self, report: Report) -> list[Report]:
        """The indexed reports `in_reach` of `report`, in event_id order."""
        kind = report.event_type
        found: dict[str, Report] = {}
        buckets = [self._by_place.get((kind, report.place_id), [])] if report.place_id else []
        if report.event_date is not None:
            if report.parent_id:
                buckets.append(self._by_place.get((kind, report.parent_id), []))
            if report.place_id:
                buckets.append(self._by_parent.get((kind, report.place_id), []))
            if report.latitude is not None and report.longitude is not None:
                south, north, _, _ = bounding_box((report.latitude, report.longitude), SAME_PLACE_KM)
                buckets += [self._by_band.get((kind, band), []) for band in range(_band(south), _band(north) + 1)]
        for bucket in buckets:
            for other in bucket:
                if other.event_id not in found and in_reach(report, other):
                    found[other.event_id] = other
        return [found[e] for e in sorted(found)]
