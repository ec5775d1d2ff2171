"""Every value a command is given, checked against what exists, with a "did you mean" when it is close.

A command that is asked for `--side govt` or `--region Aleppoo` must not answer with an empty list, as if
nothing had happened: it names the value it does not know and the closest known ones (rapidfuzz). Regions
(governorates) take any of their usual spellings ("Latakia" or "Lattakia", "Hasakah" or "Al Hasakeh") and
come back as the gazetteer's, which the store keeps; `admin1_names.tsv` lists them with sitrep's name (what
every output writes) and ACLED's spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Final

from sitrep.admin1 import governorate, governorates
from sitrep.errors import InputError

# Most close names a "did you mean" offers.
SUGGESTIONS: Final = 3
# Least rapidfuzz WRatio (0-100) for a known value to be offered as meant: 70 takes one or two typos in a
# short word ("Aleppoo", "reportd", "govt" for "government") and leaves out unrelated words.
SUGGEST_SCORE: Final = 70
# Least similarity (0-1, the gazetteer's name similarity) for a `--near` name to be taken as a place: a
# name the gazetteer knows up to transliteration (1.0); anything looser ("Atlantis" ~ "Khuwarat", 0.86) is
# a guess that would silently search somewhere else.
NEAR_SIMILARITY: Final = 1.0


def _key(text: str) -> str:
    """Letters and digits only, case-folded: "Al-Hasakeh" and "al hasakeh" are one key."""
    return re.sub(r"[\W_]+", "", text.casefold())


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """" (did you mean X or Y?)" with the known values closest to `value`, or "" when none is close."""
    from rapidfuzz import fuzz, process

    choices = sorted(set(known))
    found = process.extract(value, choices, scorer=fuzz.WRatio, limit=SUGGESTIONS, score_cutoff=SUGGEST_SCORE,
                            processor=str.casefold)
    if not found:
        return ""
    return f" (did you mean {' or '.join(repr(str(name)) for name, _score, _index in found)}?)"


def choose(value: str, known: Iterable[str], what: str, *, listed: bool = True) -> str:
    """The known value `value` names (case, spaces and punctuation ignored), spelled as known; an InputError
    naming the closest ones (and, with `listed`, all of them) otherwise."""
    options = sorted(set(known))
    by_key = {_key(option): option for option in options}
    found = by_key.get(_key(value))
    if found is not None:
        return found
    every = f"; known: {', '.join(options)}" if listed and options else ""
    raise InputError(f"unknown {what} {value!r}{did_you_mean(value, options)}{every}")


def region_admin1(name: str) -> str:
    """The gazetteer's spelling of the governorate `name` names in any usual spelling; an InputError with
    the closest names otherwise."""
    found = governorate(name)
    if found is not None:
        return found.admin1
    names = sorted(g.name for g in governorates())  # as every output names them
    spellings = [s for g in governorates() for s in g.spellings]
    raise InputError(f"unknown region {name!r}{did_you_mean(name, spellings)}; known: {', '.join(names)}")


def check_date_range(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since.isoformat()} is after --until {until.isoformat()}: nothing can match")


def writable_file(path: Path) -> Path:
    """`path` when a file can be written there (its folder exists and is a folder, it is no folder itself);
    an InputError saying which otherwise, before any work is done for it."""
    if path.is_dir():
        raise InputError(f"cannot write {str(path)!r}: it is a folder; name a file")
    if not path.parent.is_dir():
        raise InputError(f"cannot write {str(path)!r}: no folder {str(path.parent)!r}")
    return path


def is_sqlite_path(db: str) -> bool:
    """Whether the `db` setting names a SQLite file (a path or a sqlite:/// URL), not a server."""
    return "://" not in db or db.startswith("sqlite")


def sqlite_file(db: str) -> Path | None:
    """The file a SQLite `db` setting names; None for a server URL or an in-memory database."""
    if not is_sqlite_path(db):
        return None
    path = db.split(":///", 1)[1] if "://" in db else db
    path = path.split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def existing_database(db: str) -> str:
    """`db` when it exists (or is a server: that is for the server to say); an InputError when a reading
    command is pointed at a SQLite file that does not exist, which it would otherwise create empty."""
    path = sqlite_file(db)
    if path is not None and not path.exists():
        raise InputError(f"no database at {str(path)!r}: ingest reports first (sitrep ingest PATH --db "
                         f"{db}), or name an existing one with --db or SITREP_DB")
    return db


def near_place(gazetteer: Any, name: str) -> Any:
    """The place a `--near` name means: the gazetteer's best match when it knows the name (up to
    transliteration); an InputError with the nearest names otherwise."""
    hits = gazetteer.lookup(name)
    hits.sort(key=lambda h: (-h.similarity, -h.place.population))
    if hits and hits[0].similarity >= NEAR_SIMILARITY:
        return hits[0].place
    close = [h.place.name for h in hits[:20]]
    hint = did_you_mean(name, close) if close else ""
    raise InputError(f"no place called {name!r} in the gazetteer{hint}")


def known_stances() -> list[str]:
    """Every stance sitrep reads, as sitrep.actors.normalize_stance spells it: the catalogue's synonyms,
    the conflict profile's stances and those of the known publishers."""
    from sitrep.actors import STANCE_SYNONYMS, normalize_stance
    from sitrep.conflict import load_conflict
    from sitrep.stance import load_publishers

    named = {*STANCE_SYNONYMS, *load_conflict().stances, *(p.stance for p in load_publishers())}
    return sorted({normalize_stance(s) for s in named if s} | {s for s in named if s})


def checked_stance(stance: str | None) -> str | None:
    """A `--stance` among those sitrep reads (pro-government, opposition, neutral, ...)."""
    return choose(stance, known_stances(), "stance") if stance is not None else None
