"""A conflict profile's data files, with the user's overlay on top: `<data_home>/conflicts/<name>/`.

sitrep ships one profile (`syria`): the conflict profile (`conflict.yaml`), the actor catalogue, and the
English lexicons every profile reads (publishers, framing, event and report triggers, fact and control
cues, place aliases). A user adds to or overrides any of them, without touching sitrep's files, by putting
a file of the same name and format in `<data_home>/conflicts/<name>/`:

| overlay file          | extends                                  | how                                      |
|-----------------------|------------------------------------------|------------------------------------------|
| `conflict.yaml`       | `sitrep/data/conflicts/<name>/conflict.yaml` | a side of a known id replaces it, a new one is added; a stance's periods replace its periods; camps and successions are added |
| `actors.tsv`          | `sitrep/data/actors.tsv` (for `syria`)    | rows added; a known name's row adds its aliases and overrides the fields it fills |
| `framing.tsv`         | `sitrep/data/framing.tsv`                 | rows added; a later row for a phrase wins |
| `sources.yaml`        | `sitrep/data/sources.yaml`                | publishers added, before the shipped ones (theirs win) |
| `event_triggers.yaml`, `report_triggers.yaml`, `fact_cues.yaml`, `control_cues.yaml` | the file of that name in `sitrep/data/` | merged: a mapping key by key, a list extended, a value replaced; `replace: true` at the top replaces the whole file |
| `aliases/*.tsv`       | `sitrep/data/aliases/`                    | applied after the shipped alias files    |

A conflict sitrep does not ship is a folder with at least `conflict.yaml` and `actors.tsv` (see
docs/extending.md). Every file is read when the resources are loaded and checked then, and by `sitrep data
check`; anything malformed is a `DataFileError` naming the file and line.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import yaml

from sitrep.actors import DEFAULT_CATALOGUE, ActorCatalogue, load_actor_catalogue
from sitrep.conflict import CONFLICTS, DEFAULT_CONFLICT, ConflictProfile, load_conflict, read_yaml_lines
from sitrep.errors import DataFileError, SitrepError

OVERLAY_FOLDER: Final = "conflicts"  # under data_home: conflicts/<name>/
PACKAGE_DATA: Final = Path(__file__).parent / "data"
PROFILE_FILE: Final = "conflict.yaml"
ACTORS_FILE: Final = "actors.tsv"
FRAMING_FILE: Final = "framing.tsv"
PUBLISHERS_FILE: Final = "sources.yaml"
ALIASES_FOLDER: Final = "aliases"
# The YAML lexicons an overlay merges into (each read by its own module's loader).
MERGED_LEXICONS: Final = ("event_triggers.yaml", "report_triggers.yaml", "fact_cues.yaml", "control_cues.yaml")
# Every file name an overlay folder may hold (besides `aliases/`): anything else is reported by the check.
OVERLAY_FILES: Final = frozenset({PROFILE_FILE, ACTORS_FILE, FRAMING_FILE, PUBLISHERS_FILE, *MERGED_LEXICONS})
# The top-level key of a YAML overlay that replaces the shipped file instead of merging into it.
REPLACE_KEY: Final = "replace"
# The actor catalogue of each shipped profile (the Syrian one predates the profiles' folders).
SHIPPED_CATALOGUES: Final = {DEFAULT_CONFLICT: DEFAULT_CATALOGUE}

# A profile's name: a plain folder name under sitrep/data/conflicts/ or <data_home>/conflicts/.
CONFLICT_NAME: Final = re.compile(r"[a-z][a-z0-9_-]*")

_T = TypeVar("_T")


@dataclass(frozen=True)
class ProfileFiles:
    """Where one conflict profile's data files are read from: sitrep's own, then the user's overlay."""

    conflict: str
    overlay: Path | None  # <data_home>/conflicts/<conflict>, whether or not it exists
    data_home: Path | None = None  # whose `sources.yaml` (sitrep's first place for users' publishers) is read too

    def overlay_file(self, name: str) -> Path | None:
        """The overlay's file of this name, when it has one."""
        if self.overlay is None:
            return None
        path = self.overlay / name
        return path if path.is_file() else None

    def overlay_files(self, name: str) -> tuple[Path, ...]:
        found = self.overlay_file(name)
        return (found,) if found is not None else ()

    def load_profile(self) -> ConflictProfile:
        """The conflict profile, the overlay's `conflict.yaml` on top of the shipped one."""
        shipped = CONFLICTS / self.conflict / PROFILE_FILE
        overlays = self.overlay_files(PROFILE_FILE)
        if not shipped.exists() and not overlays:
            raise DataFileError(f"no conflict profile {self.conflict!r}: neither {shipped} nor "
                                f"{self._expected(PROFILE_FILE)} exists")
        return load_conflict(self.conflict, overlays=overlays)

    def load_actors(self, profile: ConflictProfile) -> ActorCatalogue:
        """The actor catalogue: the shipped one of this conflict (if any), then the overlay's rows."""
        shipped = SHIPPED_CATALOGUES.get(self.conflict)
        files = [*((shipped,) if shipped else ()), *self.overlay_files(ACTORS_FILE)]
        if not files:
            raise DataFileError(f"no actor catalogue for {self.conflict!r}: write {self._expected(ACTORS_FILE)}")
        return load_actor_catalogue(files[0], extra=files[1:], profile=profile)

    def load_framing(self) -> Any:
        from sitrep.framing import load_framing_lexicon

        return load_framing_lexicon(extra=self.overlay_files(FRAMING_FILE))

    def load_publishers(self) -> Any:
        from sitrep.stance import load_publishers

        overlay = self.overlay_file(PUBLISHERS_FILE)
        users = self.overlay_files(PUBLISHERS_FILE)
        if self.data_home is not None and (self.data_home / PUBLISHERS_FILE).is_file():
            users += (self.data_home / PUBLISHERS_FILE,)
        for path in users:
            check_publishers(path)
        return _as_data_error(lambda: load_publishers(users), overlay or PACKAGE_DATA / PUBLISHERS_FILE)

    def load_lexicon(self, name: str, load: Callable[[Path], _T]) -> _T:
        """A YAML lexicon of `sitrep/data/` read by `load`, with the overlay's file of that name merged
        into it; a malformed overlay entry is named by its file and line."""
        shipped = PACKAGE_DATA / name
        overlay = self.overlay_file(name)
        if overlay is None:
            return _as_data_error(lambda: load(shipped), shipped)
        extra = read_yaml_lines(overlay)
        base: dict[str, Any] = {} if extra.get(REPLACE_KEY) is True else read_yaml_lines(shipped)
        extra = {k: v for k, v in extra.items() if k != REPLACE_KEY}
        try:
            return _load_merged(base, extra, load)
        except SitrepError as e:
            raise DataFileError(f"{_culprit(base, extra, load) or overlay}: {_first_line(e)}") from e

    def load_classifier(self, nlp: Any) -> Any:
        from sitrep.classify import load_classifier

        return self.load_lexicon("event_triggers.yaml", lambda path: load_classifier(nlp, path))

    def load_report_triggers(self) -> Any:
        from sitrep.events.triggers import load_report_triggers

        return self.load_lexicon("report_triggers.yaml", load_report_triggers)

    def load_fact_cues(self) -> Any:
        from sitrep.events.status import load_fact_cues

        return self.load_lexicon("fact_cues.yaml", load_fact_cues)

    def load_control_cues(self) -> Any:
        from sitrep.control.statements import load_control_cues

        return self.load_lexicon("control_cues.yaml", load_control_cues)

    def alias_files(self) -> list[Path]:
        """The overlay's place alias files (`aliases/*.tsv`), to apply after the shipped ones."""
        folder = self.overlay / ALIASES_FOLDER if self.overlay is not None else None
        return sorted(folder.glob("*.tsv")) if folder is not None and folder.is_dir() else []

    def _expected(self, name: str) -> str:
        return str(self.overlay / name) if self.overlay is not None else f"<data_home>/{OVERLAY_FOLDER}/" \
            f"{self.conflict}/{name}"


def profile_files(data_home: Path | None, conflict: str = DEFAULT_CONFLICT) -> ProfileFiles:
    """The files of profile `conflict`, with the overlay folder under `data_home` (None: none).

    Raises `DataFileError` for a name that is not a folder name of lower-case letters, digits, - and _."""
    if not CONFLICT_NAME.fullmatch(conflict):
        raise DataFileError(f"conflict {conflict!r}: a profile is named by lower-case letters, digits, - and _ "
                            f"(e.g. {DEFAULT_CONFLICT})")
    return ProfileFiles(conflict, data_home / OVERLAY_FOLDER / conflict if data_home is not None else None,
                        data_home)


def check_publishers(path: Path) -> None:
    """Each entry of a publishers file is a mapping with a `stance` and lists of `names`/`domains`."""
    raw = read_yaml_lines(path)
    entries = raw.get("publishers")
    if not isinstance(entries, list):
        raise DataFileError(f"{path}:1: expected a list of `publishers`")
    for entry in entries:
        where = getattr(entry, "where", str(path))
        if not isinstance(entry, dict) or not str(entry.get("stance") or "").strip():
            raise DataFileError(f"{where}: a publisher needs a `stance`: {entry!r}")
        for key in ("names", "domains"):
            if not isinstance(entry.get(key, []), list):
                raise DataFileError(f"{where}: `{key}` must be a list")
        if not entry.get("names") and not entry.get("domains"):
            raise DataFileError(f"{where}: a publisher needs `names` or `domains`")


def merge_yaml(base: Any, extra: Any) -> Any:
    """`extra` on top of `base`: mappings merged key by key, lists extended, anything else replaced."""
    if isinstance(base, Mapping) and isinstance(extra, Mapping):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = merge_yaml(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return [*base, *extra]
    return extra


def _load_merged(base: Mapping[str, Any], extra: Mapping[str, Any], load: Callable[[Path], _T]) -> _T:
    """`load` run on the merged YAML, written to a file of its own for the time of the call."""
    with tempfile.TemporaryDirectory(prefix="sitrep-overlay-") as folder:
        path = Path(folder) / "merged.yaml"
        path.write_text(yaml.safe_dump(_plain(merge_yaml(base, extra)), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return load(path)


def _culprit(base: Mapping[str, Any], extra: Mapping[str, Any], load: Callable[[Path], Any]) -> str:
    """The file:line of the first overlay entry that the loader refuses on its own, or ""."""
    for key, value in extra.items():
        items = [({key: [item]}, item) for item in value] if isinstance(value, list) else \
            [({key: {k: v}}, v) for k, v in value.items()] if isinstance(value, Mapping) else [({key: value}, value)]
        for single, item in items:
            try:
                _load_merged(base, single, load)
            except SitrepError:
                return getattr(item, "where", "") or getattr(extra, "where", "")
    return ""


def _plain(value: Any) -> Any:
    """The YAML value with its line-aware mappings turned back into plain dicts (for `yaml.safe_dump`)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _as_data_error(load: Callable[[], _T], path: Path) -> _T:
    try:
        return load()
    except DataFileError:
        raise
    except SitrepError as e:
        raise DataFileError(f"{path}: {_first_line(e)}") from e


def _first_line(error: Exception) -> str:
    """The error's message without a temporary file's name (the merged copy of an overlay)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    marker = "merged.yaml"
    return text.split(marker, 1)[1].lstrip(":, ") if marker in text else text


@dataclass(frozen=True, slots=True)
class Check:
    """One data file checked: what it is, where it was read from, and its problem ("" when none)."""

    what: str
    where: str
    problem: str = ""


def check_profile(files: ProfileFiles, nlp: Any | None = None, gazetteer: Any | None = None) -> list[Check]:
    """Every data file of the profile and its overlay read as loading reads it, each problem with its
    file:line. Event triggers are compiled with `nlp` (a blank English tokenizer by default); alias files
    are applied to `gazetteer`, which they extend (not checked without one)."""
    checks: list[Check] = []

    def run(what: str, name: str, load: Callable[[], Any]) -> Any:
        overlay = files.overlay_file(name) if name != ALIASES_FOLDER else None
        where = str(overlay) if overlay is not None else "shipped"
        try:
            result = load()
        except SitrepError as e:
            checks.append(Check(what, where, _first_line(e)))
            return None
        checks.append(Check(what, where))
        return result

    profile = run("conflict profile", PROFILE_FILE, files.load_profile)
    if profile is not None:
        run("actor catalogue", ACTORS_FILE, lambda: files.load_actors(profile))
    run("framing lexicon", FRAMING_FILE, files.load_framing)
    run("publishers", PUBLISHERS_FILE, files.load_publishers)
    run("report triggers", "report_triggers.yaml", files.load_report_triggers)
    run("fact cues", "fact_cues.yaml", files.load_fact_cues)
    run("control cues", "control_cues.yaml", files.load_control_cues)
    run("event triggers", "event_triggers.yaml", lambda: files.load_classifier(nlp if nlp is not None else _blank()))
    for alias_file in files.alias_files():
        if gazetteer is None:
            checks.append(Check("place aliases (not applied: no gazetteer loaded)", str(alias_file)))
            continue
        checks.append(_check_aliases(alias_file, gazetteer))
    if files.overlay is not None and files.overlay.is_dir():
        for path in sorted(files.overlay.iterdir()):
            if path.name not in OVERLAY_FILES and path.name != ALIASES_FOLDER and not path.name.startswith("."):
                checks.append(Check("unknown file", str(path), f"sitrep reads none of this name; expected one of "
                                    f"{', '.join(sorted(OVERLAY_FILES))} or {ALIASES_FOLDER}/"))
    return checks


def _check_aliases(path: Path, gazetteer: Any) -> Check:
    from sitrep.geo.aliases import apply_alias_file

    try:
        apply_alias_file(gazetteer, path)
    except SitrepError as e:
        return Check("place aliases", str(path), _first_line(e))
    return Check("place aliases", str(path))


def _blank() -> Any:
    import spacy

    return spacy.blank("en")
