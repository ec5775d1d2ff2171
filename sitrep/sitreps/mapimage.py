"""A static map (PNG) of a front's control on the report's last day, drawn with matplotlib's Agg backend over
the map page's offline basemap (`make web`: Natural Earth land and borders, and the place labels).

Control areas (`sitrep.control.areas`) are filled in their side's colour with their borders drawn, front
lines between sides dashed; each place is a dot in its controller's colour, contested places a cross,
besieged places a ringed dot. Names are placed so that none covers another or a mark: the places whose
control is shown first (contested, besieged, then the latest changes), then towns for orientation. The
legend lists only what is drawn, in sitrep's neutral voice, and a scale bar gives the distance.
"""

from __future__ import annotations

import io
import json
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sitrep.conflict import UNKNOWN_SIDE, default_profile
from sitrep.control.areas import CELL_RADIUS_KM, KM_PER_DEGREE, control_areas
from sitrep.control.state import BESIEGED, CONTESTED, HELD, ControlState
from sitrep.sitreps import wording as w
from sitrep.sitreps.compose import SituationReport

# Image size in pixels (width, height) and the resolution that gives it.
MAP_SIZE = (1000, 800)
MAP_DPI = 100
# The map page's vendored basemap and labels (built by `make web`; absent, the map is drawn without them).
VENDOR = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor"
# Sides are drawn in the conflict profile's colours (`_colour`); contested places and front lines in red.
CONTESTED_COLOUR = "#B00000"
SEA_COLOUR = "#DFE9EF"  # the map page's sea and land (sitrep/web/static/layers.js)
LAND_COLOUR = "#F4F1EA"
BORDER_COLOUR = "#8D8D8D"
TOWN_INK = "#6F6F6F"  # towns named for orientation: grey, context rather than subject
# Padding around the front's control areas, in kilometres: an area on the edge stays whole inside the frame.
PADDING_KM = 3.0
# Smallest span shown, in degrees (about 20 km): a front of one place still gets a readable map.
MIN_SPAN_DEGREES = 0.2
# Names of places whose control is shown, most telling first: more would cover the map.
MAX_LABELS = 30
# Towns named for orientation (the biggest first), where room is left.
MAX_TOWN_LABELS = 25
# Fill opacity of control areas: places and labels stay readable on top.
AREA_ALPHA = 0.3
# Where a name may go around its point, in order of preference: offsets in points, and the text's alignment.
LABEL_POSITIONS = ((7, 0, "left", "center"), (-7, 0, "right", "center"), (0, 7, "center", "bottom"),
                   (0, -7, "center", "top"), (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"),
                   (5, -5, "left", "top"), (-5, -5, "right", "top"))
MARK_PIXELS = 7.0  # half the size of a place's mark, in pixels: no name is written over it


@dataclass
class MapDrawing:
    """The map as drawn: the PNG, the names written and their boxes (pixels), and the legend's entries."""

    png: bytes = b""
    labels: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    basemap: bool = False


def control_map_png(report: SituationReport) -> bytes:
    """The front's control on `report.end` as a PNG image of `MAP_SIZE` pixels."""
    return draw_control_map(report).png


def draw_control_map(report: SituationReport) -> MapDrawing:
    """The front's control on `report.end`, drawn; see `MapDrawing`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    drawing = MapDrawing()
    figure = Figure(figsize=(MAP_SIZE[0] / MAP_DPI, MAP_SIZE[1] / MAP_DPI), dpi=MAP_DPI)
    canvas = FigureCanvasAgg(figure)  # Agg, whatever backend pyplot may have chosen
    axes = figure.add_axes((0.03, 0.05, 0.64, 0.87))
    states = [s for s in report.control if s.valid_on(report.end)]
    west, south, east, north = _extent(states, report.front.bbox)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_facecolor(SEA_COLOUR)
    drawing.basemap = _draw_basemap(axes, (west, south, east, north))
    drawn = _draw_areas(axes, states, report.end)
    drawn |= _draw_places(axes, states)
    _draw_scale(axes, west, south, east, north)
    axes.set_title(f"{report.front.name}: control on {w.day_words(report.end)} (assessed)", fontsize=12)
    axes.apply_aspect()
    drawing.labels = _draw_labels(axes, canvas.get_renderer(), states, (west, south, east, north))
    drawing.legend = _draw_legend(figure, states, drawn, drawing.basemap, report.end)
    if not states:
        axes.text(0.5, 0.5, "no assessed control on this day", transform=axes.transAxes, ha="center")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=MAP_DPI)
    drawing.png = buffer.getvalue()
    return drawing


def _extent(states: Sequence[ControlState], bbox: tuple[float, float, float, float]
            ) -> tuple[float, float, float, float]:
    """West, south, east, north of the places (else the front's events), taking in their control areas
    (CELL_RADIUS_KM around each) and PADDING_KM, and at least MIN_SPAN_DEGREES across."""
    if states:
        west, east = min(s.lon for s in states), max(s.lon for s in states)
        south, north = min(s.lat for s in states), max(s.lat for s in states)
    else:
        west, south, east, north = bbox
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    margin_y = (CELL_RADIUS_KM + PADDING_KM) / KM_PER_DEGREE
    margin_x = margin_y / math.cos(math.radians(centre_y))
    half_x = max(east - west + 2 * margin_x, MIN_SPAN_DEGREES) / 2
    half_y = max(north - south + 2 * margin_y, MIN_SPAN_DEGREES) / 2
    return centre_x - half_x, centre_y - half_y, centre_x + half_x, centre_y + half_y


@cache
def _vendored(name: str) -> tuple[dict[str, Any], ...]:
    """The features of a vendored GeoJSON file; none when the map's assets are not built."""
    path = VENDOR / name
    if not path.is_file():
        return ()
    return tuple(json.loads(path.read_text(encoding="utf-8"))["features"])


def _draw_basemap(axes: Any, extent: tuple[float, float, float, float]) -> bool:
    """Land and international borders under everything; whether the basemap was there to draw."""
    from matplotlib.collections import LineCollection, PathCollection

    countries, borders = _vendored("countries.geojson"), _vendored("borders.geojson")
    if not countries:
        return False
    land = [_path(polygon) for f in countries for polygon in _polygons(f["geometry"]) if _overlaps(polygon[0], extent)]
    axes.add_collection(PathCollection(land, facecolors=LAND_COLOUR, edgecolors="none", zorder=0))
    lines = [line for f in borders for line in _lines(f["geometry"]) if _overlaps(line, extent)]
    axes.add_collection(LineCollection(lines, colors=BORDER_COLOUR, linewidths=1, linestyles=(0, (4, 3)), zorder=1))
    return True


def _overlaps(coordinates: Sequence[Sequence[float]], extent: tuple[float, float, float, float]) -> bool:
    west, south, east, north = extent
    lons, lats = [c[0] for c in coordinates], [c[1] for c in coordinates]
    return min(lons) <= east and max(lons) >= west and min(lats) <= north and max(lats) >= south


def _draw_areas(axes: Any, states: Sequence[ControlState], day: date) -> set[str]:
    """The control areas filled and outlined in their colour (holes kept), the front lines dashed; what was
    drawn ("area", "front line")."""
    from matplotlib.collections import LineCollection, PathCollection

    paths: dict[str, list[Any]] = defaultdict(list)
    lines: list[list[list[float]]] = []
    for feature in control_areas(states, day)["features"]:
        geometry, properties = feature["geometry"], feature["properties"]
        if properties["kind"] == "front":
            lines += _lines(geometry)
        else:
            colour = CONTESTED_COLOUR if properties["state"] == CONTESTED else _colour(properties["side"])
            paths[colour] += [_path(polygon) for polygon in _polygons(geometry)]
    for colour, group in sorted(paths.items()):
        axes.add_collection(PathCollection(group, facecolors=colour, alpha=AREA_ALPHA, edgecolors="none", zorder=2))
        axes.add_collection(PathCollection(group, facecolors="none", edgecolors=colour, linewidths=0.8, zorder=2))
    if lines:
        axes.add_collection(LineCollection(lines, colors=CONTESTED_COLOUR, linewidths=1.5, linestyles="--", zorder=2))
    return ({"area"} if paths else set()) | ({"front line"} if lines else set())


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _path(polygon: Sequence[Sequence[Sequence[float]]]) -> Any:
    """A polygon (exterior, then holes) as one matplotlib path: the holes stay empty."""
    from matplotlib.path import Path as MplPath

    vertices: list[Sequence[float]] = []
    codes: list[Any] = []
    for ring in polygon:
        vertices += [*ring, ring[0]]
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY]
    return MplPath(vertices, codes)


def _lines(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


def _draw_places(axes: Any, states: Sequence[ControlState]) -> set[str]:
    """One scatter call per side and state (thousands of places draw as a few collections); the states drawn."""
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
    return {kind for kind, _ in groups}


def _draw_labels(axes: Any, renderer: Any, states: Sequence[ControlState],
                 extent: tuple[float, float, float, float]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The places' names, then towns', each where it covers no other name, no mark and stays in the frame;
    a name with no such room is left out. Returns the names written and their boxes in pixels."""
    frame = axes.get_window_extent(renderer)
    marks = [axes.transData.transform((s.lon, s.lat)) for s in states]
    taken = [(x - MARK_PIXELS, y - MARK_PIXELS, x + MARK_PIXELS, y + MARK_PIXELS) for x, y in marks]
    written: list[tuple[str, tuple[float, float, float, float]]] = []
    names = {s.place_name.casefold() for s in states}
    for name, lon, lat, style in [*_place_labels(states), *_town_labels(extent, names)]:
        if any(name == other for other, _ in written):
            continue  # a second place of the same name (or a second record of one) would read as a mistake
        for dx, dy, ha, va in LABEL_POSITIONS:
            text = axes.annotate(name, (lon, lat), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                 zorder=5, **style)
            box = text.get_window_extent(renderer)
            corners = (box.x0 - 1, box.y0 - 1, box.x1 + 1, box.y1 + 1)
            if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                    and not any(_boxes_overlap(corners, other) for other in taken)):
                taken.append(corners)
                written.append((name, corners))
                break
            text.remove()
    return written


def _place_labels(states: Sequence[ControlState]) -> Iterator[tuple[str, float, float, dict[str, Any]]]:
    """The places whose control is shown: contested and besieged first, then the latest to change."""
    telling = sorted(states, key=lambda s: (s.state not in (CONTESTED, BESIEGED), -s.valid_from.toordinal(),
                                            s.place_name))
    for state in telling[:MAX_LABELS]:
        yield state.place_name, state.lon, state.lat, {"fontsize": 8, "color": "#1F2A33"}


def _town_labels(extent: tuple[float, float, float, float], skip: set[str]
                 ) -> Iterator[tuple[str, float, float, dict[str, Any]]]:
    """The biggest towns in the frame from the map page's labels (biggest first), for orientation."""
    west, south, east, north = extent
    shown = 0
    for feature in _vendored("labels.geojson"):  # sorted biggest first by web/labels.py
        lon, lat = feature["geometry"]["coordinates"]
        name = feature["properties"]["name"]
        if shown < MAX_TOWN_LABELS and west <= lon <= east and south <= lat <= north and name.casefold() not in skip:
            shown += 1
            yield name, lon, lat, {"fontsize": 7.5, "color": TOWN_INK, "fontstyle": "italic"}


def _boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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


def _draw_legend(figure: Any, states: Sequence[ControlState], drawn: set[str], basemap: bool, day: date
                 ) -> list[str]:
    """The legend of what is drawn (sides holding a place, contested, besieged, front lines, borders), the
    sides named as the conflict profile labels them on `day`; returns its entries."""
    from matplotlib.lines import Line2D

    sides = sorted({s.side for s in states if s.state == HELD or (s.state == BESIEGED and s.side)})
    handles = [Line2D([], [], marker="o", linestyle="", color=_colour(side), markersize=8,
                      label=f"held by {w.side_label(side or UNKNOWN_SIDE, day)}") for side in sides]
    if CONTESTED in drawn:
        handles.append(Line2D([], [], marker="X", linestyle="", color=CONTESTED_COLOUR, markersize=8,
                              label="contested"))
    if BESIEGED in drawn:
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                              markeredgecolor=CONTESTED_COLOUR, markeredgewidth=2, markersize=10, label="besieged"))
    if "front line" in drawn:
        handles.append(Line2D([], [], color=CONTESTED_COLOUR, linestyle="--", label="front line"))
    if basemap:
        handles.append(Line2D([], [], color=BORDER_COLOUR, linestyle=(0, (4, 3)), label="international border"))
    if handles:
        figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.69, 0.92), fontsize=9, frameon=False,
                      title="Control (assessed)")
    credit = "Basemap: Natural Earth; names: GeoNames, sitrep's gazetteer." if basemap else \
        "No basemap: run `make web` to build it."
    areas = f"Areas: within {CELL_RADIUS_KM:g} km of a place,\nthe nearest place decides.\n" if "area" in drawn else ""
    figure.text(0.7, 0.08, f"{areas}Source: sitrep store.\n{credit}", fontsize=8, va="bottom", wrap=True)
    return [str(h.get_label()) for h in handles]


def _colour(side: str) -> str:
    """The side's colour in the conflict profile (the map page's too: /api/sides); an unknown side's grey."""
    return default_profile().side(side or UNKNOWN_SIDE).colour
