"""A conflict profile: its sides, which side each source stance speaks for, and who backs whom, by date.

The profile is data (`sitrep/data/conflicts/<name>/conflict.yaml`): sides change meaning with time (on 8
December 2024 Syria's state changed hands, so "government" before and after that day are different forces,
and Russia stopped being the state's ally), and so do stances (an opposition outlet of 2016 speaks for the
rebels, the same outlet in 2025 for the new government). Every question below takes the day it is asked
for; `None` means "no date known" and answers with the earliest period, sitrep's behaviour before dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, TypeVar

import yaml

from sitrep.phrases import LexiconError

CONFLICTS: Final = Path(__file__).parent / "data" / "conflicts"
DEFAULT_CONFLICT: Final = "syria"
UNKNOWN_SIDE: Final = "unknown"
# A side id a user may introduce: lower-case letters, digits and underscores ("ukraine", "wagner_group").
SIDE_ID: Final = re.compile(r"[a-z][a-z0-9_]*")
_T = TypeVar("_T")
# The colour of a side the profile does not describe (a user catalogue's own side): neutral grey.
DEFAULT_COLOUR: Final = "#AAB7B8"


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the conflict, as events and maps show it."""

    id: str
    label: str
    colour: str = DEFAULT_COLOUR
    acled_type: str = ""
    holds_ground: bool = False
    state: bool = False
    aircraft: bool = False
    stance: str = ""  # the source stance (as the actor catalogue keys it) that speaks for this side
    # The side a group this side backs is on ("Turkish-backed factions" fight as Turkey's, "Russian-backed
    # forces" as the Syrian state's); "" where backing says nothing by itself (the US backed rebels and the SDF).
    proxies: str = ""
    # The stance of the sources that call this side by hostile names (opposition outlets write "the regime",
    # state media "terrorists"): hostile labels aimed at this side point to that stance.
    hostile_stance: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """A value that holds from `start` to `end`, both days included; None is open-ended."""

    value: Any
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date | None) -> bool:
        if day is None:
            return self.start is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Succession:
    """The day a side's forces changed: from `day` on, `side` is others than before, and looking back its
    forces of before are `before` (from 8 Dec 2024 "government" is the new state; Assad's was the former
    regime). A place its side held on both sides of that day changed hands."""

    side: str
    day: date
    before: str


@dataclass(frozen=True)
class ConflictProfile:
    """The sides of one conflict and how they relate, each relation scoped by date."""

    name: str
    country: str
    iso: str
    sides: Mapping[str, Side]
    iso_numeric: int | None = None  # ISO 3166-1 numeric (ACLED's `iso` column)
    region: str = ""  # ACLED's region of the country ("Middle East")
    bounds: tuple[float, float, float, float] | None = None  # (south, north, west, east), decimal degrees
    stances: Mapping[str, tuple[Period, ...]] = field(default_factory=dict)  # stance -> side it speaks for
    camps: tuple[Period, ...] = ()  # each value a frozenset of sides fighting together
    successions: tuple[Succession, ...] = ()
    side_labels: Mapping[str, tuple[Period, ...]] = field(default_factory=dict)  # side -> its label by date

    def side(self, side_id: str) -> Side:
        """The side's description; one the profile does not know is described by its id."""
        known = self.sides.get(side_id)
        return known if known is not None else Side(side_id, side_id.replace("_", " "))

    def label(self, side_id: str, day: date | None) -> str:
        """The side's neutral name on `day`: "government" is Assad's before 8 Dec 2024, the new state's
        after; with no day, or no label of that date, its one label."""
        for period in self.side_labels.get(side_id, ()):
            if day is not None and period.holds_on(day):
                return str(period.value)
        return self.side(side_id).label

    def era(self, side_id: str, day: date) -> int:
        """How many times the side's forces had changed by `day` (its successions on or before it)."""
        return sum(1 for s in self.successions if s.side == side_id and s.day <= day)

    def succeeded(self, side_id: str, earlier: date, later: date) -> str:
        """Who held for `side_id` on `earlier`, seen from `later`, when the side changed in between (the
        succession's `before`, e.g. former_regime); "" when it did not."""
        found = [s for s in self.successions if s.side == side_id and earlier < s.day <= later]
        return found[0].before if found else ""

    def speaks_for(self, stance: str, day: date | None) -> str:
        """The side a source of this (normalised) stance speaks for on `day`, or "" for none."""
        periods = self.stances.get(stance, ())
        for period in periods:
            if period.holds_on(day):
                return str(period.value)
        if day is None and periods:
            return str(periods[0].value)
        return ""

    def allies(self, side: str, day: date | None) -> frozenset[str]:
        """The sides fighting beside `side` on `day`, itself included."""
        found = {side}
        for camp in self.camps:
            if side in camp.value and camp.holds_on(day):
                found |= camp.value
        return frozenset(found)

    def same_camp(self, side: str, other: str, day: date | None) -> bool:
        return other in self.allies(side, day)

    def state_sides(self, day: date | None) -> frozenset[str]:
        """The state's sides on `day` and their allies: a change of control by one is the state's gain."""
        found: set[str] = set()
        for side in self.sides.values():
            if side.state:
                found |= self.allies(side.id, day)
        return frozenset(found)

    def proxy_sides(self) -> Mapping[str, str]:
        """Backer side -> the side of the groups it backs, for the sides whose backing tells a side."""
        return MappingProxyType({s.id: s.proxies for s in self.sides.values() if s.proxies})

    def flies(self, side: str) -> bool:
        """Whether the side has aircraft or drones enough that an air strike by it is plausible."""
        return self.side(side).aircraft

    def label_stances(self, stance: str, day: date | None) -> tuple[str, ...]:
        """The stance keys a generic label's rules are read under, best first: the stance of the side the
        source speaks for on `day`, then its allies' stances, then (speaking for no side) the stance itself."""
        own = self.speaks_for(stance, day)
        if not own:
            return (stance,)
        keys = [self.side(own).stance or stance]
        keys += sorted(self.side(s).stance for s in self.allies(own, day) - {own} if self.side(s).stance)
        return tuple(dict.fromkeys(keys))


def load_conflict(name: str = DEFAULT_CONFLICT, path: Path | None = None,
                  overlays: Sequence[Path] = ()) -> ConflictProfile:
    """Read a conflict profile: the shipped one called `name` (or the `conflict.yaml` at `path`), then
    each user overlay file in `overlays` on top of it (see `merge_profile`). A conflict sitrep does not
    ship may come from overlays alone.

    Raises `LexiconError` naming the file and line for anything malformed.
    """
    file = path or CONFLICTS / name / "conflict.yaml"
    raw: dict[str, Any] = read_yaml_lines(file) if path is not None or file.exists() or not overlays else {}
    for overlay in overlays:
        raw = merge_profile(raw, read_yaml_lines(overlay))
    where = overlays[-1] if overlays else file
    try:
        return _parse_profile(name, raw)
    except _ItemError as e:
        raise LexiconError(str(e)) from e
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise LexiconError(f"{where}: not a conflict profile: {e!r}") from e


class _LineDict(dict[str, Any]):
    """A YAML mapping that knows where it was written (`file:line`)."""

    where: str = ""


class _ItemError(ValueError):
    """One entry of a profile is malformed; the message starts with its file:line."""


def read_yaml_lines(file: Path) -> dict[str, Any]:
    """A YAML file whose every mapping is a dict that knows its `file:line` (`_LineDict.where`).

    Raises `LexiconError` for an unreadable file, bad YAML (with its line) or a top level that is not a
    mapping."""
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _LineDict:
        found = _LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
        found.where = f"{file}:{node.start_mark.line + 1}"
        return found

    def timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError as e:
            raise LexiconError(f"{file}:{node.start_mark.line + 1}: not a day: {node.value!r} ({e})") from e

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    try:
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=Loader)  # a SafeLoader: no arbitrary objects
    except (OSError, UnicodeDecodeError) as e:
        raise LexiconError(f"cannot read {file}: {e}") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LexiconError(f"{file}{line}: not valid YAML: {getattr(e, 'problem', e)}") from e
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LexiconError(f"{file}:1: expected a mapping at the top level, not {type(raw).__name__}")
    return raw


def merge_profile(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A profile with an overlay's entries on top: a side of a known id replaces that side, a new one is
    added; a stance's periods replace that stance's; camps and successions are added; `country`, `iso`,
    `iso_numeric`, `region` and `bounds` replace."""
    merged = dict(base)
    for key, value in overlay.items():
        if key == "sides":
            sides = {str(s.get("id")) if isinstance(s, dict) else repr(s): s for s in base.get("sides") or ()}
            sides.update({str(s.get("id")) if isinstance(s, dict) else repr(s): s for s in value or ()})
            merged["sides"] = list(sides.values())
        elif key == "stances":
            merged["stances"] = {**(base.get("stances") or {}), **(value or {})}
        elif key in ("camps", "successions"):
            merged[key] = [*(base.get(key) or ()), *(value or ())]
        else:
            merged[key] = value
    return merged


def _where(item: Any) -> str:
    return getattr(item, "where", "") or "conflict profile"


@cache
def default_profile() -> ConflictProfile:
    """The shipped profile, read once on first use (never at import): for the rules that weigh reports by
    the side their source speaks for when no profile is passed in."""
    return load_conflict()


def _parse_profile(name: str, raw: Mapping[str, Any]) -> ConflictProfile:
    if not raw.get("sides"):
        raise _ItemError(f"{_where(raw)}: a conflict profile needs a list of `sides`")
    sides = {}
    for item in raw["sides"]:
        side = _entry(item, lambda i: Side(
            id=_side_id(i["id"]), label=str(i.get("label", i["id"])), colour=str(i.get("colour", DEFAULT_COLOUR)),
            acled_type=str(i.get("acled_type", "")), holds_ground=bool(i.get("holds_ground", False)),
            state=bool(i.get("state", False)), aircraft=bool(i.get("aircraft", False)),
            stance=str(i.get("stance", "")), proxies=_side_id(i["proxies"]) if i.get("proxies") else "",
            hostile_stance=str(i.get("hostile_stance", ""))))
        sides[side.id] = side
    sides.setdefault(UNKNOWN_SIDE, Side(UNKNOWN_SIDE, "an unidentified side"))
    stances = {str(stance): tuple(_entry(p, lambda i: _period(i, _side_id(i["side"]))) for p in periods or ())
               for stance, periods in (raw.get("stances") or {}).items()}
    camps = tuple(_entry(c, lambda i: _period(i, frozenset(_side_id(s) for s in i["sides"])))
                  for c in raw.get("camps") or ())
    successions = tuple(_entry(s, lambda i: Succession(_side_id(i["side"]), _required_day(i, "day"),
                                                       _side_id(i["before"])))
                        for s in raw.get("successions") or ())
    labels = {side_id: tuple(_entry(p, lambda i: _period(i, str(i["label"]))) for p in item["labels"])
              for item in raw["sides"] if item.get("labels") for side_id in (_side_id(item["id"]),)}
    known = set(sides)
    for side_id in [*(str(p.value) for ps in stances.values() for p in ps),
                    *(s for c in camps for s in c.value), *(s.side for s in successions),
                    *(s.proxies for s in sides.values() if s.proxies)]:
        if side_id not in known:
            raise _ItemError(f"{_where(raw)}: side {side_id!r} is used but not among the profile's sides")
    return ConflictProfile(name=name, country=str(raw.get("country", name)), iso=str(raw.get("iso", "")),
                           sides=MappingProxyType(sides), stances=MappingProxyType(stances), camps=camps,
                           successions=successions, side_labels=MappingProxyType(labels),
                           iso_numeric=_entry(raw, lambda r: int(r["iso_numeric"])) if raw.get("iso_numeric") else None,
                           region=str(raw.get("region", "")), bounds=_bounds(raw))


def _bounds(raw: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    """The profile's `bounds`: [south, north, west, east] in decimal degrees, south < north, west < east."""
    if raw.get("bounds") is None:
        return None
    def parse(r: Mapping[str, Any]) -> tuple[float, float, float, float]:
        south, north, west, east = (float(v) for v in r["bounds"])
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise ValueError("bounds must be [south, north, west, east] with south < north and west < east")
        return south, north, west, east
    return _entry(raw, parse)


def _entry(item: Any, parse: Callable[[Any], _T]) -> _T:
    """One entry of the profile parsed, or an `_ItemError` that names its file and line."""
    if not isinstance(item, dict):
        raise _ItemError(f"conflict profile: an entry is not a mapping: {item!r}")
    try:
        return parse(item)
    except KeyError as e:
        raise _ItemError(f"{_where(item)}: missing {e.args[0]!r}") from e
    except (TypeError, ValueError) as e:
        raise _ItemError(f"{_where(item)}: {e}") from e


def _required_day(item: Mapping[str, Any], key: str) -> date:
    day = parse_day(item.get(key))
    if day is None:
        raise ValueError(f"{key!r} must be an ISO day (2024-12-08), not {item.get(key)!r}")
    return day


def _side_id(value: Any) -> str:
    side = str(value)
    if not SIDE_ID.fullmatch(side):
        raise ValueError(f"side id {side!r} is not lower-case letters, digits and underscores")
    return side


def _period(item: Mapping[str, Any], value: Any) -> Period:
    return Period(value, parse_day(item.get("from")), parse_day(item.get("until")))


def parse_day(value: Any) -> date | None:
    """A `from`/`until` cell: a YAML date, an ISO day as text, or empty for open-ended."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def sides_with(profile: ConflictProfile, flag: str) -> Sequence[str]:
    """The ids of the profile's sides with a true `flag` (holds_ground, state, aircraft), in file order."""
    return [s.id for s in profile.sides.values() if getattr(s, flag)]
