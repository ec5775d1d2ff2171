"""SQLite and PostgreSQL give the same answers on real reports: the bundled examples, then the dev corpus
and the seed (from ../shared, when present), ingested by the real pipeline into a SQLite file and into a
PostgreSQL database, then read back through every reader: events (with and without PostGIS), merged events,
copies, explanations, control on each day and the changes of control, fronts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED, PostgresDatabases

from sitrep.control import ASSESSED, CLAIMED, FORECAST
from sitrep.control.storage import control_at, control_changes, timeline_of
from sitrep.events.extract import load_resources
from sitrep.fronts import fronts
from sitrep.pipeline import run_batch
from sitrep.reconcile.explain import document_copies, explain_event, merged_events
from sitrep.store import Store, open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples"
# Distances (km) tried around each stored place in the distance-search comparison.
SEARCH_RADII_KM = (0.5, 5.0, 25.0, 150.0)
# Days between the control listings compared (over the stored events' whole span).
CONTROL_STEP_DAYS = 3


def _ingest(store: Store, resources: Any) -> None:
    run_batch(sorted(EXAMPLES.glob("*.md")), store, resources, strict=True)
    if (SHARED / "data" / "corpus-dev").is_dir():
        run_batch(sorted((SHARED / "data" / "corpus-dev").glob("*.md")), store, resources, strict=True)
    if (SHARED / "eval" / "seed.txt").is_file():
        run_batch([SHARED / "eval" / "seed.txt"], store, resources, published=date(2016, 7, 30),
                  source="Syrian Perspective", stance="pro-government", strict=True)


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Any) -> Any:
    return load_resources(nlp, gazetteer)


@pytest.fixture
def both(tmp_path: Path, postgres_databases: PostgresDatabases, resources: Any) -> Iterator[tuple[Store, Store]]:
    """The same reports ingested into a SQLite file and a PostgreSQL database (collating in English)."""
    with open_store(str(tmp_path / "sqlite.db")) as sqlite, open_store(postgres_databases.create()) as postgres:
        for store in (sqlite, postgres):
            _ingest(store, resources)
        yield sqlite, postgres


def _same(both: tuple[Store, Store], read: Callable[[Store], Any]) -> Any:
    sqlite, postgres = both
    answer = read(sqlite)
    assert read(postgres) == answer
    return answer


def _days(events: list[Any]) -> list[date]:
    dated = sorted(e.event_date for e in events if e.event_date is not None)
    first, last = dated[0] - timedelta(days=7), dated[-1] + timedelta(days=7)
    return [first + timedelta(days=d) for d in range(0, (last - first).days + 1, CONTROL_STEP_DAYS)]


@pytest.mark.slow
def test_store_backends_give_the_same_answers_on_real_reports(both: tuple[Store, Store]) -> None:
    events = _same(both, lambda s: s.query_events())
    assert len(events) > 20
    assert _same(both, lambda s: s.counts())["documents"] >= 5
    _same(both, lambda s: s.rejects())
    assert len(_same(both, fronts)) > 3
    for side in ("government", "opposition", "kurdish"):
        _same(both, partial(Store.query_events, side=side, since=date(2016, 7, 1)))
    _same(both, lambda s: s.query_events(source=events[0].source, status="reported"))

    merged = _same(both, merged_events)
    assert any(m.reports_count > 1 for m in merged)
    _same(both, lambda s: sorted(document_copies(s).items()))
    for m in merged:
        _same(both, partial(explain_event, event_id=m.merged_id))

    listed = 0
    for day in _days(events):
        for layer in (ASSESSED, CLAIMED, FORECAST):
            listed += len(_same(both, partial(control_at, day=day, layer=layer)))
        _same(both, partial(control_at, day=day, layer=ASSESSED, region="aleppo"))
        _same(both, partial(control_changes, start=day - timedelta(days=30), end=day))
    assert listed > 0
    places = _same(both, lambda s: sorted({st.place_id for st in control_at(s, _days(events)[-1], CLAIMED)}))
    for place_id in places:
        _same(both, partial(timeline_of, place_id=place_id, layer=CLAIMED))


@pytest.mark.slow
def test_store_backends_distance_search_same_with_and_without_postgis(both: tuple[Store, Store]) -> None:
    sqlite, postgres = both
    assert not sqlite.postgis
    if not postgres.postgis:  # the README promises a skip with a reason, not a failure
        pytest.skip("PostgreSQL without PostGIS here (install postgresql-15-postgis-3): the search with "
                    "PostGIS cannot be compared with the one without")
    points = sorted({(e.latitude, e.longitude) for e in sqlite.query_events()
                     if e.latitude is not None and e.longitude is not None})
    found = 0
    for point in points:
        for km in SEARCH_RADII_KM:
            expected = _same(both, partial(Store.query_events, near=point, km=km))
            postgres.postgis = False
            try:
                assert postgres.query_events(near=point, km=km) == expected
            finally:
                postgres.postgis = True
            found += len(expected)
    assert found > len(points)
