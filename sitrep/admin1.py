"""Syria's governorates (admin1) by every usual spelling: the gazetteer's (what the store keeps), sitrep's
name (what every output but the ACLED CSV carries: "Deir ez-Zor", "Hasakah", "Latakia"), ACLED's (what the
ACLED CSV writes) and those of reports ("Lattakia", "Al Hasakeh"); from data/admin1_names.tsv.

The store keys events, places and control by the gazetteer's spelling; outputs translate at their edge
(`admin1_name`), and inputs take any spelling back to the stored one (`stored_admin1`). A name that is no
governorate's (a province abroad, "Akkar") passes both ways unchanged, so an export re-imports as it was."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

ADMIN1_TABLE: Final = Path(__file__).resolve().parent / "data" / "admin1_names.tsv"


def spelling_key(text: str) -> str:
    """Letters and digits only, case-folded: "Al-Hasakeh" and "al hasakeh" are one key."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True, slots=True)
class Governorate:
    admin1: str  # the gazetteer's spelling, as the store keeps it
    name: str  # the one name sitrep shows and writes (the common English spelling)
    acled: str  # ACLED's spelling
    spellings: tuple[str, ...]  # every spelling, the two above included


@cache
def governorates() -> tuple[Governorate, ...]:
    """The governorates of `admin1_names.tsv`."""
    found = []
    for line in ADMIN1_TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        admin1, name, acled, others = [*line.split("\t"), "", ""][:4]
        spellings = (admin1, name, acled, *(s.strip() for s in others.split(",") if s.strip()))
        found.append(Governorate(admin1=admin1, name=name, acled=acled, spellings=spellings))
    return tuple(found)


@cache
def _by_spelling() -> Mapping[str, Governorate]:
    return {spelling_key(spelling): g for g in governorates() for spelling in g.spellings}


def governorate(name: str) -> Governorate | None:
    """The governorate any of its spellings names, or None."""
    return _by_spelling().get(spelling_key(name)) if name else None


def acled_admin1(admin1: str) -> str:
    """ACLED's spelling of the governorate `admin1` names (any spelling); "" when it names none."""
    found = governorate(admin1)
    return found.acled if found else ""


# Distinct names whose translation is remembered: far more than the governorates and the few names abroad a
# store holds, so every output edge (13,000 control points a request) looks each one up once.
NAMES_REMEMBERED: Final = 1024


@lru_cache(maxsize=NAMES_REMEMBERED)
def admin1_name(admin1: str) -> str:
    """sitrep's one name for the governorate `admin1` names in any spelling ("Days Az Zawr" -> "Deir
    ez-Zor"); any other name (a province abroad, "") as it is."""
    found = governorate(admin1)
    return found.name if found else admin1


@lru_cache(maxsize=NAMES_REMEMBERED)
def stored_admin1(name: str) -> str:
    """The gazetteer's spelling, as the store keeps it, of the governorate `name` names in any spelling
    ("Deir ez-Zor" -> "Days Az Zawr"); any other name as it is."""
    found = governorate(name)
    return found.admin1 if found else name
