"""Fronts: the governorates (admin1) the stored events fall in, each with its extent and activity.

A front is named by its governorate ("Aleppo", "Latakia", "Rif Dimashq"): sitrep's one name for it
(`sitrep.admin1.admin1_name`, data/admin1_names.tsv), the `admin1` every event, place and change of hands
carries in the API, the exports and the map, while the store keeps the gazetteer's spelling; the map's front
selector and `sitrep report --front` both take their list from `fronts()`, so a front exists when the data
has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from sitrep.admin1 import admin1_name
from sitrep.errors import NotFoundError
from sitrep.store.database import as_date
from sitrep.store.schema import EventRow, PlaceRow
from sitrep.store.store import Store


@dataclass(frozen=True, slots=True)
class Front:
    name: str  # sitrep's name of the governorate ("Latakia"), as every output writes admin1
    admin1: str  # the governorate as the gazetteer spells it ("Lattakia"): what events and control store
    events: int
    first: date | None
    last: date | None
    bbox: tuple[float, float, float, float]  # west, south, east, north


def fronts(store: Store) -> list[Front]:
    """Every governorate with at least one located event, most active first. Read from two indexes' worth
    of data, not from every event row (seconds on a million events): counts and dates from the (admin1,
    event_date) index, each front's extent from the places its events name (the points they are placed at)."""
    activity = (select(EventRow.admin1, func.count(), func.min(EventRow.event_date), func.max(EventRow.event_date))
                .where(EventRow.admin1 != "").group_by(EventRow.admin1))
    used = select(EventRow.place_id).distinct().subquery()  # from the place_id index alone
    extent = (select(PlaceRow.admin1, func.min(PlaceRow.lon), func.min(PlaceRow.lat), func.max(PlaceRow.lon),
                     func.max(PlaceRow.lat)).join(used, used.c.place_id == PlaceRow.place_id)
              .where(PlaceRow.admin1 != "").group_by(PlaceRow.admin1))
    with store.engine.connect() as connection:
        boxes = {row[0]: (row[1], row[2], row[3], row[4]) for row in connection.execute(extent)}
        rows: list[Any] = [r for r in connection.execute(activity) if r[0] in boxes]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return [Front(name=admin1_name(r[0]), admin1=r[0], events=r[1], first=as_date(r[2]), last=as_date(r[3]),
                  bbox=boxes[r[0]]) for r in rows]


def find_front(store: Store, name: str) -> Front:
    """The front called `name` among the store's fronts: see `match_front`."""
    return match_front(fronts(store), name)


def match_front(known: Sequence[Front], name: str) -> Front:
    """The front in `known` called `name` (case and spacing ignored, its common name, the gazetteer's
    admin1 or any usual spelling of the governorate; a unique prefix will do); NotFoundError naming the known fronts otherwise."""
    from sitrep.admin1 import governorate

    wanted = " ".join(name.lower().split())
    spelled = governorate(name)  # any usual spelling: "Al Hasakeh", "Lattakia", "Deir ez Zor"
    exact = [f for f in known if wanted in (f.name.lower(), f.admin1.lower())
             or (spelled is not None and f.admin1 == spelled.admin1)]
    matches = exact or [f for f in known if f.name.lower().startswith(wanted) or f.admin1.lower().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    from sitrep.cli_checks import did_you_mean

    names = ", ".join(f.name for f in known) or "none: the store has no located events"
    hint = did_you_mean(name, [f.name for f in (matches or known)])
    raise NotFoundError(f"no single front called {name!r}{hint}; known fronts: {names}")
