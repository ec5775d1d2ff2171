"""Fronts: the governorates (admin1) the stored events fall in, each with its extent and activity.

A front is named by its governorate ("Aleppo", "Latakia", "Rif Dimashq"), shown in its common English
spelling (data/governorates.tsv) while the store keeps the gazetteer's admin1; the map's front selector and
`sitrep report --front` both take their list from `fronts()`, so a front exists when the data has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from sitrep.errors import NotFoundError
from sitrep.store.schema import EventRow
from sitrep.store.store import Store


@dataclass(frozen=True, slots=True)
class Front:
    name: str  # the governorate's common English name ("Latakia")
    admin1: str  # the governorate as the gazetteer spells it ("Lattakia"): what events and control store
    events: int
    first: date | None
    last: date | None
    bbox: tuple[float, float, float, float]  # west, south, east, north


def fronts(store: Store) -> list[Front]:
    """Every governorate with at least one located event, most active first."""
    query = (select(EventRow.admin1, func.count(), func.min(EventRow.event_date), func.max(EventRow.event_date),
                    func.min(EventRow.longitude), func.min(EventRow.latitude), func.max(EventRow.longitude), func.max(EventRow.latitude))
             .where(EventRow.admin1 != "", EventRow.latitude.is_not(None))
             .group_by(EventRow.admin1).order_by(func.count().desc(), EventRow.admin1))
    with store.engine.connect() as connection:
        rows: list[Any] = list(connection.execute(query).all())
    return [Front(name=display_name(r[0]), admin1=r[0], events=r[1], first=_day(r[2]), last=_day(r[3]),
                  bbox=(r[4], r[5], r[6], r[7])) for r in rows]


def display_name(admin1: str) -> str:
    """The governorate's common English name; an admin1 not in the table loses any "(...)" note."""
    return _names().get(admin1) or admin1.split(" (")[0]


@cache
def _names() -> dict[str, str]:
    lines = (Path(__file__).parent / "data" / "governorates.tsv").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("\t") for line in lines if line and not line.startswith("#"))
    return {admin1: shown for admin1, shown in pairs}


def find_front(store: Store, name: str) -> Front:
    """The front called `name` (case and spacing ignored; a unique prefix will do)."""
    wanted = " ".join(name.lower().split())
    known = fronts(store)
    exact = [f for f in known if wanted in (f.name.lower(), f.admin1.lower())]
    matches = exact or [f for f in known if f.name.lower().startswith(wanted) or f.admin1.lower().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(f.name for f in known) or "none: the store has no located events"
    raise NotFoundError(f"no single front called {name!r}; known fronts: {names}")


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
