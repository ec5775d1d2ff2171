"""Syria's governorates (admin1) by every usual spelling: the gazetteer's (what the store keeps), ACLED's
(what the ACLED export writes) and those of reports ("Latakia", "Al Hasakeh"); from data/admin1_names.tsv."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

ADMIN1_TABLE: Final = Path(__file__).resolve().parent / "data" / "admin1_names.tsv"


def spelling_key(text: str) -> str:
    """Letters and digits only, case-folded: "Al-Hasakeh" and "al hasakeh" are one key."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True, slots=True)
class Governorate:
    admin1: str  # the gazetteer's spelling, as the store keeps it
    acled: str  # ACLED's spelling
    spellings: tuple[str, ...]  # every spelling, the two above included


@cache
def governorates() -> tuple[Governorate, ...]:
    """The governorates of `admin1_names.tsv`."""
    found = []
    for line in ADMIN1_TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        admin1, acled, others = [*line.split("\t"), "", ""][:3]
        spellings = (admin1, acled, *(s.strip() for s in others.split(",") if s.strip()))
        found.append(Governorate(admin1=admin1, acled=acled, spellings=spellings))
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
