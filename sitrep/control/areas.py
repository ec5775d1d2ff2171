"""Control areas from control points: each place's Voronoi cell, clipped to `CELL_RADIUS_KM` around it,
merged per side and state; where two sides' held areas meet, the shared border is a front line, marked
contested. RFC 7946 GeoJSON ([lon, lat], counter-clockwise exteriors), computed with shapely.

Cells are built in a local equirectangular plane (longitude scaled by cos of the mean latitude) so that
distances are close to true over a country the size of Syria (error under 1 % within 300 km).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from sitrep.control.state import CONTESTED, HELD, ControlState

# A place speaks for the land within this distance of it (km): about half the spacing of Syrian villages
# on a front, so that a town's cell does not claim the empty steppe beyond it.
CELL_RADIUS_KM = 10.0
# Length of one degree of latitude (km, mean).
KM_PER_DEGREE = 111.32
# Decimal places kept in output coordinates: 5 is about 1 m, finer than any place's point.
COORDINATE_DECIMALS = 5
# Segments per quarter circle when buffering a point: enough for a smooth 10 km disc at map scale.
BUFFER_QUADRANT_SEGMENTS = 8


def control_areas(states: Sequence[ControlState], at: date) -> dict[str, Any]:
    """A FeatureCollection of the control areas on `at`: one feature per side and state ("area"), and one
    per pair of sides whose held areas touch ("front", state contested)."""
    points = _points_on(states, at)
    if not points:
        return {"type": "FeatureCollection", "features": []}
    scale = math.cos(math.radians(sum(s.lat for s in points) / len(points)))
    cells = _clipped_cells(points, scale)
    grouped: dict[tuple[str, str], list[BaseGeometry]] = defaultdict(list)
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for state, cell in zip(points, cells, strict=True):
        grouped[(state.side, state.state)].append(cell)
        names[(state.side, state.state)].append(state.place_name)
    areas = {key: shapely.union_all(cells) for key, cells in grouped.items()}
    features = [_feature(area, scale, {"kind": "area", "side": side, "state": kind,
                                       "places": sorted(names[(side, kind)])})
                for (side, kind), area in sorted(areas.items())]
    features += _fronts(areas, scale)
    return {"type": "FeatureCollection", "features": features}


def _points_on(states: Sequence[ControlState], at: date) -> list[ControlState]:
    """The states valid on `at` with a side or fighting, one per place and per distinct point."""
    seen: set[tuple[float, float]] = set()
    kept = []
    for state in sorted(states, key=lambda s: s.place_id):
        point = (round(state.lon, COORDINATE_DECIMALS), round(state.lat, COORDINATE_DECIMALS))
        if state.valid_on(at) and (state.side or state.state == CONTESTED) and point not in seen:
            seen.add(point)
            kept.append(state)
    return kept


def _clipped_cells(points: Sequence[ControlState], scale: float) -> list[BaseGeometry]:
    radius = CELL_RADIUS_KM / KM_PER_DEGREE
    plane = [Point(s.lon * scale, s.lat) for s in points]
    discs = [p.buffer(radius, quad_segs=BUFFER_QUADRANT_SEGMENTS) for p in plane]
    if len(plane) < 2:
        return discs
    envelope = MultiPoint(plane).envelope.buffer(2 * radius)
    cells = shapely.voronoi_polygons(MultiPoint(plane), extend_to=envelope, ordered=True)
    return [cell.intersection(disc) for cell, disc in zip(cells.geoms, discs, strict=True)]


def _fronts(areas: dict[tuple[str, str], BaseGeometry], scale: float) -> list[dict[str, Any]]:
    """The borders between different sides' held areas, as contested lines."""
    held = sorted((side, area) for (side, kind), area in areas.items() if kind == HELD and side)
    fronts = []
    for i, (side_a, area_a) in enumerate(held):
        for side_b, area_b in held[i + 1:]:
            if side_a == side_b:
                continue
            border = shapely.line_merge(area_a.boundary.intersection(area_b.boundary)) \
                if area_a.intersects(area_b) else None
            if border is not None and not border.is_empty and border.length > 0:
                fronts.append(_feature(border, scale, {"kind": "front", "state": CONTESTED,
                                                       "sides": [side_a, side_b]}))
    return fronts


def _feature(geometry: BaseGeometry, scale: float, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature from a plane geometry: back to degrees, rounded, RFC 7946 ring orientation."""
    def unproject(coords: np.ndarray) -> np.ndarray:
        return np.round(coords / np.array([scale, 1.0]), COORDINATE_DECIMALS)

    geographic = shapely.transform(geometry, unproject)
    if not geographic.is_valid:  # rounding can make a ring cross itself: repaired, keeping only the areas
        geographic = shapely.make_valid(geographic, method="structure", keep_collapsed=False)
    geographic = shapely.orient_polygons(geographic, exterior_cw=False)
    return {"type": "Feature", "geometry": json.loads(shapely.to_geojson(geographic)),
            "properties": properties}
