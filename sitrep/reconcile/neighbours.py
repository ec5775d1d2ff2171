"""Which reports a report is compared with, in memory: the same narrowing as `reports.candidate_reports`
applies in SQL, so that reconciling many documents at once finds exactly the links that reconciling them
one at a time finds.

A batch's new reports are not reconciled yet, so the store cannot be asked for them; they (and the
reconciled reports loaded for the batch) go into a `ReportIndex`, bucketed by event type and place id,
parent place id and a band of latitude, and `ReportIndex.near` returns those `in_reach` of a report. Each
bucket keeps its dated reports in date order, so a dated report reads only its date window: a place reported
every day for years costs each report its window's reports, not the place's whole history.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

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


class _Bucket:
    """One bucket's reports: the dated ones in date order, the undated ones apart."""

    def __init__(self) -> None:
        self._days: list[int] = []  # the dated reports' dates as ordinals, ascending
        self._dated: list[Report] = []  # in the same order
        self._undated: list[Report] = []

    def add(self, report: Report) -> None:
        if report.event_date is None:
            self._undated.append(report)
            return
        day = report.event_date.toordinal()
        at = bisect.bisect_right(self._days, day)
        self._days.insert(at, day)
        self._dated.insert(at, report)

    def every(self) -> Iterator[Report]:
        yield from self._dated
        yield from self._undated

    def around(self, day: int, days: int) -> Iterator[Report]:
        """The dated reports within `days` of the ordinal `day`, and every undated one."""
        first, last = bisect.bisect_left(self._days, day - days), bisect.bisect_right(self._days, day + days)
        yield from self._dated[first:last]
        yield from self._undated


class ReportIndex:
    """Reports bucketed for `near`: by (event type, place id), (event type, parent id), (event type, band)."""

    def __init__(self, reports: Iterable[Report] = ()) -> None:
        self._known: set[str] = set()
        self._by_place: dict[tuple[str, str], _Bucket] = defaultdict(_Bucket)
        self._by_parent: dict[tuple[str, str], _Bucket] = defaultdict(_Bucket)
        self._by_band: dict[tuple[str, int], _Bucket] = defaultdict(_Bucket)
        self.add(reports)

    def add(self, reports: Iterable[Report]) -> None:
        for report in reports:
            if report.event_id in self._known:
                continue
            self._known.add(report.event_id)
            if report.place_id:
                self._by_place[report.event_type, report.place_id].add(report)
            if report.parent_id:
                self._by_parent[report.event_type, report.parent_id].add(report)
            if report.latitude is not None and report.longitude is not None:
                self._by_band[report.event_type, _band(report.latitude)].add(report)

    def near(self, report: Report) -> list[Report]:
        """The indexed reports `in_reach` of `report`, in event_id order."""
        kind = report.event_type
        found: dict[str, Report] = {}
        if report.event_date is None:  # only its place's reports, of any date (reports._undated_candidates)
            place = self._by_place.get((kind, report.place_id)) if report.place_id else None
            candidates: list[Iterable[Report]] = [place.every()] if place is not None else []
        else:
            keys: list[tuple[dict[Any, _Bucket], Any]] = []
            if report.place_id:
                keys += [(self._by_place, (kind, report.place_id)), (self._by_parent, (kind, report.place_id))]
            if report.parent_id:
                keys.append((self._by_place, (kind, report.parent_id)))
            if report.latitude is not None and report.longitude is not None:
                south, north, _, _ = bounding_box((report.latitude, report.longitude), SAME_PLACE_KM)
                keys += [(self._by_band, (kind, band)) for band in range(_band(south), _band(north) + 1)]
            day, days = report.event_date.toordinal(), window_days(report)
            candidates = [bucket.around(day, days) for index, key in keys
                          if (bucket := index.get(key)) is not None]
        for reports in candidates:
            for other in reports:
                if other.event_id not in found and in_reach(report, other):
                    found[other.event_id] = other
        return [found[e] for e in sorted(found)]
