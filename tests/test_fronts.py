"""Fronts (sitrep.fronts) over a store of the bundled example reports: the indexed reading agrees with an
aggregate of every event row, and fronts are found by their common name, the gazetteer's, or a prefix."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sitrep.admin1 import admin1_name, governorates, stored_admin1
from sitrep.errors import NotFoundError
from sitrep.fronts import find_front, fronts, match_front
from sitrep.store import Store, as_date, open_store
from sitrep.store.schema import EventRow

EXAMPLES = Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, nlp: Any, gazetteer: Any) -> Any:
    from sitrep.events.extract import load_resources
    from sitrep.pipeline import run_batch

    with open_store(str(tmp_path_factory.mktemp("fronts") / "fronts.db")) as opened:
        run_batch(sorted(EXAMPLES.glob("*.md")), opened, load_resources(nlp, gazetteer))
        yield opened


def _row_by_row(store: Store) -> dict[str, tuple[int, Any, Any, tuple[float, float, float, float]]]:
    """Each governorate's events, dates and extent, aggregated in Python from every located event row."""
    located: dict[str, list[Any]] = defaultdict(list)
    with store.engine.connect() as connection:
        for admin1, day, lat, lon in connection.execute(
                select(EventRow.admin1, EventRow.event_date, EventRow.latitude, EventRow.longitude)):
            if admin1 and lat is not None:
                located[admin1].append((as_date(day), lat, lon))
    return {admin1: (len(rows), min(r[0] for r in rows), max(r[0] for r in rows),
                     (min(r[2] for r in rows), min(r[1] for r in rows), max(r[2] for r in rows),
                      max(r[1] for r in rows)))
            for admin1, rows in located.items()}


def test_fronts_agree_with_every_event_row(store: Store) -> None:
    known = fronts(store)
    expected = _row_by_row(store)
    assert len(known) >= 3 and {f.admin1 for f in known} == set(expected)
    for front in known:
        assert (front.events, front.first, front.last) == expected[front.admin1][:3]
        assert front.bbox == pytest.approx(expected[front.admin1][3])
        assert front.name == admin1_name(front.admin1) != ""
    assert [f.events for f in known] == sorted((f.events for f in known), reverse=True)  # most active first


def test_fronts_found_by_either_name_any_case_or_a_unique_prefix(store: Store) -> None:
    known = fronts(store)
    for front in known:
        assert find_front(store, front.admin1) == front
        assert match_front(known, f"  {front.name.upper()} ") == front
        prefix = front.name[:4]
        if sum(f.name.lower().startswith(prefix.lower()) or f.admin1.lower().startswith(prefix.lower())
               for f in known) == 1:
            assert match_front(known, prefix) == front


def test_fronts_unknown_or_ambiguous_name_lists_the_known_ones(store: Store) -> None:
    known = fronts(store)
    with pytest.raises(NotFoundError, match=f"known fronts: {known[0].name}"):
        find_front(store, "Atlantis")
    with pytest.raises(NotFoundError, match="no single front"):
        match_front(known, "")  # every front's name starts with the empty string
    with pytest.raises(NotFoundError, match="none: the store has no located events"):
        match_front([], "Aleppo")


def test_fronts_one_name_per_governorate_from_any_spelling() -> None:
    # The name a front, an event's admin1 and every output carry; any usual spelling names it, and the store's
    # spelling comes back from it. ACLED's spelling is the ACLED CSV's alone.
    assert admin1_name("Days Az Zawr") == admin1_name("Deir ez Zor") == admin1_name("deir al-zour") == "Deir ez-Zor"
    assert admin1_name("Hasaka (Al Haksa)") == admin1_name("Al Hasakeh") == "Hasakah"
    assert admin1_name("Lattakia") == admin1_name("Latakia") == "Latakia"
    assert stored_admin1("Deir ez-Zor") == "Days Az Zawr" and stored_admin1("Rural Damascus") == "Rif Dimashq"
    assert admin1_name("Akkar") == stored_admin1("Akkar") == "Akkar" and admin1_name("") == ""  # abroad: as it is
    names = [g.name for g in governorates()]
    assert len(governorates()) == 14 and len(set(names)) == 14
    for g in governorates():
        assert stored_admin1(g.name) == g.admin1 and admin1_name(g.admin1) == g.name
