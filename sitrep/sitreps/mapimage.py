"""A static map (PNG) of a front's control on the report's last day, drawn with matplotlib's Agg backend.

Control areas (`sitrep.control.areas`) are filled in their side's colour, contested front lines drawn
dashed; each place is a dot in its controller's colour, contested places a cross, besieged places a
ringed dot. A legend names the sides in sitrep's neutral voice, and a scale bar gives the distance.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sitrep.control.areas import CELL_RADIUS_KM, KM_PER_DEGREE, control_areas
from sitrep.control.state import BESIEGED, CONTESTED, HELD, ControlState
from sitrep.sitreps import wording as w
from sitrep.sitreps.compose import SituationReport

# Image size in pixels (width, height) and the resolution that gives it.
MAP_SIZE = (1000, 800)
MAP_DPI = 100
# Colour per side (colour-blind-safe hues of the Okabe-Ito palette where they fit), grey for unknown.
SIDE_COLOURS = {
    "government": "#D55E00",
    "opposition": "#009E73",
    "kurdish": "#E6C000",
    "isis": "#222222",
    "russia": "#CC79A7",
    "turkey": "#0072B2",
    "us_coalition": "#56B4E9",
    "former_regime": "#8C4A1F",  # the colours of the conflict profile (conflicts/syria/conflict.yaml)
    "israel": "#4B6FA5",
    "local": "#A07850",
    "civilians": "#999999",
    "": "#999999",
}
CONTESTED_COLOUR = "#B00000"
# Margin around the front's places, in degrees (about 11 km): a place's control area (CELL_RADIUS_KM)
# on the edge stays inside the frame.
MARGIN_DEGREES = 0.1
# Smallest span shown, in degrees (about 20 km): a front of one place still gets a readable map.
MIN_SPAN_DEGREES = 0.2
# Place names written on the map, most recently changed first: more would cover the map.
MAX_LABELS = 30
# Fill opacity of control areas: places and labels stay readable on top.
AREA_ALPHA = 0.3


def control_map_png(report: SituationReport) -> bytes:
    """The front's control on `report.end` as a PNG image of `MAP_SIZE` pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(MAP_SIZE[0] / MAP_DPI, MAP_SIZE[1] / MAP_DPI), dpi=MAP_DPI)
    FigureCanvasAgg(figure)  # Agg, whatever backend pyplot may have chosen
    axes = figure.add_axes((0.07, 0.08, 0.6, 0.84))
    states = [s for s in report.control if s.valid_on(report.end)]
    west, south, east, north = _extent(states, report.front.bbox)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    _draw_areas(axes, states, report.end)
    _draw_places(axes, states)
    _draw_scale(axes, west, south, east, north)
    axes.set_title(f"{report.front.name}: control on {w.day_words(report.end)} (assessed)", fontsize=12)
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    axes.grid(True, linewidth=0.3, alpha=0.5)
    _draw_legend(figure, axes, states)
    if not states:
        axes.text(0.5, 0.5, "no assessed control on this day", transform=axes.transAxes, ha="center")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=MAP_DPI)
    return buffer.getvalue()


def _extent(states: Sequence[ControlState], bbox: tuple[float, float, float, float]
            ) -> tuple[float, float, float, float]:
    """West, south, east, north of the places (else the front's events), with a margin and a least span."""
    if states:
        west, east = min(s.lon for s in states), max(s.lon for s in states)
        south, north = min(s.lat for s in states), max(s.lat for s in states)
    else:
        west, south, east, north = bbox
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    half_x = max(east - west + 2 * MARGIN_DEGREES, MIN_SPAN_DEGREES) / 2
    half_y = max(north - south + 2 * MARGIN_DEGREES, MIN_SPAN_DEGREES) / 2
    return centre_x - half_x, centre_y - half_y, centre_x + half_x, centre_y + half_y


def _draw_areas(axes: Any, states: Sequence[ControlState], day: date) -> None:
    """The control areas, one polygon collection per colour, and the front lines, one line collection."""
    from matplotlib.collections import LineCollection, PolyCollection

    rings: dict[str, list[list[list[float]]]] = defaultdict(list)
    lines: list[list[list[float]]] = []
    for feature in control_areas(states, day)["features"]:
        geometry, properties = feature["geometry"], feature["properties"]
        if properties["kind"] == "front":
            lines += _lines(geometry)
        else:
            colour = CONTESTED_COLOUR if properties["state"] == CONTESTED else _colour(properties["side"])
            rings[colour] += _exteriors(geometry)
    for colour, polygons in sorted(rings.items()):
        axes.add_collection(PolyCollection(polygons, facecolors=colour, alpha=AREA_ALPHA, linewidths=0))
    if lines:
        axes.add_collection(LineCollection(lines, colors=CONTESTED_COLOUR, linewidths=1.5, linestyles="--"))


def _exteriors(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _lines(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


def _draw_places(axes: Any, states: Sequence[ControlState]) -> None:
    """One scatter call per side and state (thousands of places draw as a few collections)."""
    groups: dict[tuple[str, str], list[ControlState]] = defaultdict(list)
    for state in states:
        groups[(state.state, state.side)].append(state)
    for (kind, side), group in sorted(groups.items()):
        lons, lats = [s.lon for s in group], [s.lat for s in group]
        if kind == CONTESTED:
            axes.scatter(lons, lats, marker="X", s=80, color=CONTESTED_COLOUR, zorder=3)
        elif kind == BESIEGED:
            axes.scatter(lons, lats, marker="o", s=140, facecolors="none", edgecolors=CONTESTED_COLOUR,
                         linewidths=2, zorder=3)
            axes.scatter(lons, lats, marker="o", s=40, color=_colour(side), zorder=4)
        else:
            axes.scatter(lons, lats, marker="o", s=40, color=_colour(side), edgecolors="white", zorder=3)
    for state in sorted(states, key=lambda s: s.valid_from, reverse=True)[:MAX_LABELS]:
        axes.annotate(state.place_name, (state.lon, state.lat), xytext=(4, 4), textcoords="offset points",
                      fontsize=7, zorder=5)


def _draw_scale(axes: Any, west: float, south: float, east: float, north: float) -> None:
    """A scale bar of a round number of kilometres, about a fifth of the map's width, framed, bottom left."""
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    km_per_degree_x = KM_PER_DEGREE * math.cos(math.radians((south + north) / 2))
    length_km = _round_length((east - west) * km_per_degree_x / 5)
    bar = AnchoredSizeBar(axes.transData, length_km / km_per_degree_x, f"{length_km:g} km", "lower left",
                          pad=0.4, borderpad=0.6, sep=3, frameon=True, size_vertical=(north - south) / 200,
                          fontproperties={"size": 8})
    bar.zorder = 6
    axes.add_artist(bar)


def _round_length(km: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten not above `km`."""
    if km <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(km))
    return max(step * power for step in (1, 2, 5) if step * power <= km)


def _draw_legend(figure: Any, axes: Any, states: Sequence[ControlState]) -> None:
    from matplotlib.lines import Line2D

    sides = sorted({s.side for s in states if s.state == HELD or (s.state == BESIEGED and s.side)})
    handles = [Line2D([], [], marker="o", linestyle="", color=_colour(side), markersize=8,
                      label=f"held by {w.side_label(side or 'unknown')}") for side in sides]
    handles.append(Line2D([], [], marker="X", linestyle="", color=CONTESTED_COLOUR, markersize=8, label="contested"))
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=CONTESTED_COLOUR,
                          markeredgewidth=2, markersize=10, label="besieged"))
    handles.append(Line2D([], [], color=CONTESTED_COLOUR, linestyle="--", label="front line"))
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.69, 0.92), fontsize=9, frameon=False,
                  title="Control (assessed)")
    figure.text(0.7, 0.12, f"Areas: within {CELL_RADIUS_KM:g} km of a place,\nthe nearest place decides.\nSource: sitrep store.",
                fontsize=8, va="bottom")


def _colour(side: str) -> str:
    return SIDE_COLOURS.get(side, SIDE_COLOURS[""])
