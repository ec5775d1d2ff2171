"""Reconciliation on a real SQLite file: reposts found by text, merged events independent of arrival order,
confidence explained term by term, and the merge decision scored on hand-labelled pairs."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sitrep.events.extract import UNDATED, UNDATED_DOCUMENT, Extraction, extract, load_resources
from sitrep.model import Document
from sitrep.reconcile import (
    document_copies,
    explain_event,
    merged_events,
    rebuild_all,
    reconcile_document,
    reconcile_documents,
)
from sitrep.reconcile.clusters import cluster_reports
from sitrep.reconcile.copies import GROUP_ROWS_PER_BUCKET
from sitrep.reconcile.matching import same_happening, window_days
from sitrep.reconcile.merge import _Gathered
from sitrep.reconcile.minhash import signature, similarity
from sitrep.reconcile.neighbours import ReportIndex
from sitrep.reconcile.report import Report
from sitrep.reconcile.reports import candidate_reports, candidates_near, reports_of_documents
from sitrep.store import Store, open_store
from sitrep.store.schema import DocumentBandRow, DocumentRow, MergedEventRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.merge import PAIRS, extract_reports, load_documents, score

# Floors pinned a little under the current scores on tests/fixtures/merge_pairs.tsv (67 pairs, 15 "same":
# precision 1.0, recall 0.87; targets 0.9 and 0.85).
PRECISION_FLOOR = 0.95
# 0.87 measured: the seed's "Castillo Road" now reads as the road, Wikipedia's "the Castello road" as the
# Castello complex on it, and the two readings of one road do not merge (a known miss, not a floor to fit).
RECALL_FLOOR = 0.85
# Labelled pairs whose events the extractor must still produce.
MIN_PAIRS = 65
# Orderings of the corpus tried by the order-independence property (each builds a fresh store).
ORDERINGS = 4


@pytest.fixture(scope="module")
def extractions(shared: Path, nlp: Any, gazetteer: Any) -> list[Extraction]:
    resources = load_resources(nlp, gazetteer)
    return [extract(d, resources) for d in load_documents(shared)]


def _save(store: Store, extraction: Extraction) -> None:
    store.save_document(extraction.document, extraction.events,
                        [p.place for p in extraction.places if p.place is not None])


def _snapshot(store: Store) -> tuple[object, ...]:
    return (tuple(merged_events(store)), tuple(sorted(document_copies(store).items())))


def _repost(extraction: Extraction) -> Extraction:
    """The same article on another site: another headline and footer, the body kept."""
    document = extraction.document
    text = "Reposted from the original site.\n\n" + document.text + "\n\nShare this: Twitter | Facebook | Email"
    offset = len("Reposted from the original site.\n\n")
    copy = replace(document, doc_id=document.doc_id + "-repost", text=text, source="Mirror Site", url="")
    events = [replace(e, event_id=e.event_id + "-repost", doc_id=copy.doc_id, source="", url="",
                      evidence_start=e.evidence_start + offset, evidence_end=e.evidence_end + offset,
                      framing=tuple(replace(s, start=s.start + offset, end=s.end + offset) for s in e.framing))
              for e in extraction.events]
    return Extraction(document=copy, events=events, places=extraction.places)


def test_reconcile_minhash_tells_reposts_from_other_reports(extractions: list[Extraction]) -> None:
    seed = extractions[-1].document.text
    repost = _repost(extractions[-1]).document.text
    assert similarity(signature(seed), signature(repost)) >= 0.8
    assert all(similarity(signature(seed), signature(e.document.text)) < 0.2 for e in extractions[:-1])


def test_reconcile_repost_is_a_copy_and_not_an_independent_source(extractions: list[Extraction],
                                                                   new_database: Callable[[], str]) -> None:
    seed = extractions[-1]
    with open_store(new_database()) as store:
        for extraction in (_repost(seed), seed):  # the copy arrives first
            _save(store, extraction)
            reconcile_document(store, extraction.document.doc_id)
        assert document_copies(store) == {"seed-repost": "seed"} or document_copies(store) == {"seed": "seed-repost"}
        for event in merged_events(store):
            assert event.independent_sources == 1


def test_reconcile_incremental_equals_rebuild_in_any_order(extractions: list[Extraction],
                                                           new_database: Callable[[], str]) -> None:
    with open_store(new_database()) as store:
        for extraction in extractions:
            _save(store, extraction)
        rebuild_all(store)
        expected = _snapshot(store)

    @settings(max_examples=ORDERINGS, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.permutations(range(len(extractions))))
    def check(order: list[int]) -> None:
        with open_store(new_database()) as store:
            for i in order:
                _save(store, extractions[i])
                reconcile_document(store, extractions[i].document.doc_id)
            assert _snapshot(store) == expected

    check()


def test_reconcile_explain_lists_terms_that_sum_to_the_confidence(extractions: list[Extraction],
                                                                   new_database: Callable[[], str]) -> None:
    with open_store(new_database()) as store:
        for extraction in extractions:
            _save(store, extraction)
            reconcile_document(store, extraction.document.doc_id)
        corroborated = [m for m in merged_events(store) if m.independent_sources > 1]
        assert corroborated
        for merged in corroborated:
            explanation = explain_event(store, merged.event_ids[-1])
            total = sum(t.contribution for t in explanation.terms)
            assert explanation.confidence == pytest.approx(min(1.0, max(0.0, total)), abs=1e-4)
            assert {t.name for t in explanation.terms} >= {"fact_status", "independent_corroboration"}
            assert 0.0 <= explanation.confidence <= 1.0


def test_reconcile_merge_pairs_meet_the_floors(extractions: list[Extraction], nlp: Any, gazetteer: Any,
                                               shared: Path) -> None:
    reports = extract_reports(load_documents(shared), load_resources(nlp, gazetteer))
    scores = score(reports, PAIRS)
    assert scores.pairs >= MIN_PAIRS
    assert scores.precision >= PRECISION_FLOOR and scores.recall >= RECALL_FLOOR, scores


def test_reconcile_reads_the_extractors_typed_flags(extractions: list[Extraction]) -> None:
    # the flags merging reads are typed fields set by the extractor, the notes only say so for people
    events = [event for extraction in extractions for event in extraction.events]
    assert any(not e.gainer_stated for e in events) and any(not e.date_stated for e in events)
    for event in events:
        assert event.date_stated == (UNDATED not in event.notes and UNDATED_DOCUMENT not in event.notes)
        assert event.gainer_stated or event.sub_event_type in ("Government regains territory",
                                                               "Non-state actor overtakes territory")


def test_reconcile_clusters_do_not_chain(extractions: list[Extraction], nlp: Any, gazetteer: Any,
                                         shared: Path) -> None:
    """Every merged event is a clique of compatible reports, and no report could join another event whole."""
    reports = extract_reports(load_documents(shared), load_resources(nlp, gazetteer))
    groups = cluster_reports(reports)
    assert sorted(r.event_id for g in groups for r in g) == sorted(r.event_id for r in reports)
    for group in groups:
        assert all(a.document_key == b.document_key or same_happening(a, b)
                   for i, a in enumerate(group) for b in group[i + 1:])
    assert cluster_reports(list(reversed(reports))) == groups


def _siege_report(key: int, place_id: str, parent_id: str, location: str, evidence: str) -> Report:
    """An undated report of a siege (a lasting state), as an undated article gives one."""
    return Report(
        event_id=f"e{key}", doc_id=f"d{key}", document_key=key, event_type="Strategic developments",
        sub_event_type="Other", event_date=None, time_precision=3, place_id=place_id, parent_id=parent_id,
        location=location, latitude=None, longitude=None, geo_precision=1, fact_status="reported",
        actor1_side="government", actor2_side="opposition", hedges=(), evidence=evidence, publisher=f"p{key}",
        stance="", original_doc_id=f"d{key}", date_stated=False, gainer_stated=True)


def test_reconcile_facility_relates_to_its_city_when_the_city_report_names_it() -> None:
    """A report at a facility on a city's edge (the gazetteer gives it the city as parent) and a report at
    the city are one happening when the city's evidence names the facility, by its bare name too."""
    facility = _siege_report(1, "wikimap:1", "wof:1", "Kweires airbase", "The army besieged Kweires airbase.")
    named = _siege_report(2, "wof:1", "", "Halab", "The city is besieged since the army took the Kweires road.")
    unnamed = _siege_report(3, "wof:1", "", "Halab", "The city is besieged since the army took the last road.")
    short = _siege_report(4, "wikimap:2", "wof:1", "Tal complex", "The army besieged the Tal complex.")
    talk = _siege_report(5, "wof:1", "", "Halab", "The city is besieged, said Tal, an activist.")
    assert same_happening(facility, named) and same_happening(named, facility)
    assert not same_happening(facility, unnamed)
    assert not same_happening(short, talk)  # a bare name of three letters is too common a word to look for


def test_reconcile_documents_equals_one_at_a_time(extractions: list[Extraction],
                                                  new_database: Callable[[], str]) -> None:
    """Batches (the first onto an empty store, the next onto a reconciled one, with reposts of both halves'
    reports) give the merged events, confidence and copies that one document at a time gives."""
    half = len(extractions) // 2
    batches = [extractions[:half], [*extractions[half:], _repost(extractions[0]), _repost(extractions[-1])]]
    with open_store(new_database()) as store:
        for extraction in (e for batch in batches for e in batch):
            _save(store, extraction)
            reconcile_document(store, extraction.document.doc_id)
        expected = _snapshot(store)
    with open_store(new_database()) as store:
        for batch in batches:
            for extraction in batch:
                _save(store, extraction)
            reconcile_documents(store, [e.document.doc_id for e in batch])
        assert _snapshot(store) == expected
        assert len(document_copies(store)) == 2
        reconcile_documents(store, [e.document.doc_id for e in extractions])  # again: nothing changes
        assert _snapshot(store) == expected


def test_reconcile_batch_narrowing_equals_the_per_report_query(extractions: list[Extraction],
                                                               new_database: Callable[[], str]) -> None:
    """`candidates_near` (a few queries for many reports) with `in_reach` finds for each report exactly the
    candidates that `candidate_reports` (one query per report) finds."""
    with open_store(new_database()) as store:
        for extraction in extractions:
            _save(store, extraction)
        rebuild_all(store)
        with Session(store.engine) as session:
            reports = reports_of_documents(session, session.scalars(select(DocumentRow.id)))
            loaded = candidates_near(session, reports)
            index = ReportIndex(report for report, _ in loaded)
            for report in reports:
                expected = sorted(candidate.event_id for candidate, _ in candidate_reports(session, report))
                assert [candidate.event_id for candidate in index.near(report)] == expected
    assert len(reports) > 100 and {r.event_id for r, _ in loaded} == {r.event_id for r in reports}


def test_reconcile_candidates_are_read_in_each_reports_own_window(extractions: list[Extraction],
                                                                  new_database: Callable[[], str]) -> None:
    """Reports whose date windows overlap are read together, but each place's events only within the window
    of a report at that place: a stored event at the place, dated just outside its report's window and
    inside its neighbour's (placed nowhere), is not read."""
    with open_store(new_database()) as store:
        for extraction in extractions:
            _save(store, extraction)
        rebuild_all(store)
        with Session(store.engine) as session:
            reports = reports_of_documents(session, session.scalars(select(DocumentRow.id)))
            stored = next(r for r in reports if r.place_id and r.event_date is not None
                          and r.time_precision == 1)
            assert stored.event_date is not None
            at_place = replace(stored, event_id="probe-at-place", document_key=-1,
                               event_date=stored.event_date + timedelta(days=window_days(stored) + 1))
            nowhere = replace(stored, event_id="probe-nowhere", document_key=-1, place_id="", parent_id="",
                              latitude=None, longitude=None)
            probes = [at_place, nowhere]
            loaded = {candidate.event_id for candidate, _ in candidates_near(session, probes)}
            expected = {candidate.event_id for probe in probes for candidate, _ in candidate_reports(session, probe)}
            assert loaded == expected and stored.event_id not in loaded
            earlier = replace(at_place, event_date=stored.event_date + timedelta(days=window_days(stored)))
            assert stored.event_id in {candidate.event_id for candidate, _ in candidates_near(session, [earlier])}


# Reposts of one article in the large-group test: a batch would compare 600 * 599 pairs pairwise.
REPOSTS = 600
# Similarity computations allowed per repost: each joins its group after a few, whatever the group's size.
COMPARISONS_PER_REPOST = 3


def test_reconcile_copies_of_a_large_group_cost_comparisons_in_proportion_to_it(
        extractions: list[Extraction], new_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of reposts of one article (each with its own footer) become one group with one original,
    the earliest published, in about one comparison per repost, and a batch gives what one at a time gives."""
    from datetime import timedelta

    from sitrep.reconcile import minhash

    seed = extractions[-1].document
    body = seed.text[:3000]
    documents = [replace(seed, doc_id=f"repost-{i}", text=f"{body}\n\nPosted by outlet {i}.",
                         source=f"Outlet {i}", published=seed.published + timedelta(days=REPOSTS - i))
                 for i in range(REPOSTS)]
    calls = 0  # signature pairs compared, one by one or a bucket's rows at once
    counted, counted_rows = minhash.similarity, minhash.similarities

    def counting(first: Any, second: Any) -> float:
        nonlocal calls
        calls += 1
        return counted(first, second)

    def counting_rows(first: Any, others: Any) -> Any:
        nonlocal calls
        calls += len(others)
        return counted_rows(first, others)

    monkeypatch.setattr(minhash, "similarity", counting)
    monkeypatch.setattr(minhash, "similarities", counting_rows)
    with open_store(new_database()) as store:
        for document in documents:
            store.save_document(document, [], [])
        reconcile_documents(store, [d.doc_id for d in documents])
        copies = document_copies(store)
        with Session(store.engine) as session:
            rows = session.execute(select(DocumentBandRow.band, DocumentBandRow.bucket, func.count())
                                   .group_by(DocumentBandRow.band, DocumentBandRow.bucket)).all()
    assert copies == {f"repost-{i}": f"repost-{REPOSTS - 1}" for i in range(REPOSTS - 1)}
    assert max(count for _, _, count in rows) <= GROUP_ROWS_PER_BUCKET  # one group: a few rows per bucket
    assert calls <= COMPARISONS_PER_REPOST * REPOSTS
    with open_store(new_database()) as store:
        for document in documents[:50]:
            store.save_document(document, [], [])
            reconcile_document(store, document.doc_id)
        assert document_copies(store) == {f"repost-{i}": "repost-49" for i in range(49)}


def test_reconcile_confidence_reads_sources_by_the_side_of_the_event_day() -> None:
    """An opposition outlet reporting the state's gain admits a loss in 2016 and claims its own side's
    gain in 2025 (the conflict profile: it speaks for the new state after 8 December 2024)."""
    from sitrep.reconcile.confidence import DEFAULT_WEIGHTS, _admitted_loss, _own_gain_only

    def gain(day: date) -> Report:
        return replace(_siege_report(1, "wof:1", "", "Halab", "The army took the town."), event_date=day,
                       event_type="Battles", sub_event_type="Government regains territory", stance="opposition")

    assert _admitted_loss([gain(date(2016, 7, 28))], DEFAULT_WEIGHTS).value == 1.0
    assert _own_gain_only([gain(date(2016, 7, 28))], DEFAULT_WEIGHTS).value == 0.0
    assert _admitted_loss([gain(date(2025, 3, 10))], DEFAULT_WEIGHTS).value == 0.0
    assert _own_gain_only([gain(date(2025, 3, 10))], DEFAULT_WEIGHTS).value == 1.0


# Reports reconciled per call in the exhaustive-comparison test: the pipeline's after-batch step.
COPY_STEP = 50


def _real_documents(shared: Path) -> list[Document]:
    """The dev corpus, the seed and every gold set's reports (each text once), with reposts of every third
    (another headline and footer) and reposts of every ninth repost (a chain), some published earlier."""
    from datetime import timedelta

    from bench.gold import gold_sets

    documents = load_documents(shared)
    for gold in gold_sets(shared / "eval"):
        documents += [Document(doc_id=f"{gold.name}-{r.doc_id}", text=r.path.read_text(encoding="utf-8"),
                               published=r.published, source=r.source) for r in gold.reports]
    documents = list({d.text: d for d in documents}.values())
    reposts = [replace(d, doc_id=f"{d.doc_id}-mirror", source="Mirror Site",
                       text=f"Reposted from the original site.\n\n{d.text}\n\nShare this: Twitter | Facebook",
                       published=d.published - timedelta(days=i % 2) if d.published else None)
               for i, d in enumerate(documents[::3])]
    chained = [replace(d, doc_id=f"{d.doc_id}-again", source="Aggregator",
                       text=f"{d.text}\n\nRead more on our channel.\n\nAll rights reserved.")
               for d in reposts[::3]]
    return documents + reposts + chained


def _exhaustive_copies(documents: list[Document]) -> dict[str, str]:
    """Every pair compared: the groups of near-duplicates and each copy's original, by copies.py's rule."""
    import numpy as np

    from sitrep.reconcile.copies import COPY_THRESHOLD
    from sitrep.reconcile.minhash import PERMUTATIONS
    from sitrep.store.records import content_hash

    signatures = np.array([signature(d.text) or (0,) * PERMUTATIONS for d in documents], dtype=np.uint64)
    parent = list(range(len(documents)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(1, len(documents)):
        shares = (signatures[:i] == signatures[i]).sum(axis=1) / PERMUTATIONS
        for j in np.flatnonzero(shares >= COPY_THRESHOLD):
            first, second = root(i), root(int(j))
            parent[max(first, second)] = min(first, second)
    groups: dict[int, list[Document]] = {}
    for i, document in enumerate(documents):
        groups.setdefault(root(i), []).append(document)
    copies: dict[str, str] = {}
    for group in groups.values():
        original = min(group, key=lambda d: (d.published or date.max, d.doc_id, content_hash(d.text)))
        copies |= {d.doc_id: original.doc_id for d in group if d is not original}
    return copies


@pytest.mark.parametrize("rows_per_group", [GROUP_ROWS_PER_BUCKET, 1])
def test_reconcile_copies_equal_an_exhaustive_comparison_on_real_reports(
        shared: Path, new_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch, rows_per_group: int) -> None:
    """The dev corpus, the seed and the gold sets' reports with reposts and reposts of reposts, arriving in a
    shuffled order in steps of the pipeline's size: the copy groups and originals that comparing every pair
    of texts gives. Also when buckets keep a single row of each group, so that a document reaches most of a
    group only through the trimmed members (read back whole)."""
    import random

    from sitrep.reconcile import copies

    monkeypatch.setattr(copies, "GROUP_ROWS_PER_BUCKET", rows_per_group)
    documents = _real_documents(shared)
    expected = _exhaustive_copies(documents)
    assert len(documents) > 60 and len(set(expected.values())) >= 20  # many groups, some of three
    order = random.Random(14).sample(documents, len(documents))
    with open_store(new_database()) as store:
        for start in range(0, len(order), COPY_STEP):
            step = order[start:start + COPY_STEP]
            for document in step:
                store.save_document(document, [], [])
            reconcile_documents(store, [d.doc_id for d in step])
        assert document_copies(store) == expected


def _components_stored(store: Store) -> list[tuple[str, str | None]]:
    with Session(store.engine) as session:
        return [tuple(row) for row in session.execute(select(MergedEventRow.merged_id, MergedEventRow.component)
                                                      .order_by(MergedEventRow.merged_id))]


def test_reconcile_stored_components_equal_a_rebuild_and_rows_without_one_catch_up(
        extractions: list[Extraction], new_database: Callable[[], str]) -> None:
    """Each merged event names its component (the smallest event_id of its reports' connected component):
    batches onto a reconciled store name the components a rebuild names, and a store whose merged events
    name none (written before revision 0010) reconciles its next batch to what a fresh store gives."""
    half = len(extractions) // 2
    batches = [extractions[:half], [*extractions[half:], _repost(extractions[0])]]
    with open_store(new_database()) as store:
        for batch in batches:
            for extraction in batch:
                _save(store, extraction)
            reconcile_documents(store, [e.document.doc_id for e in batch])
        expected, components = _snapshot(store), _components_stored(store)
        rebuild_all(store)
        assert _components_stored(store) == components
        shared_key = next(c for c, n in Counter(c for _, c in components).items() if n > 1)
        members = {m for m, c in components if c == shared_key}
        with Session(store.engine) as session:
            gathered = _Gathered()
            assert gathered.add(session, [min(members)]) == []  # none to compare: the whole component read
            assert gathered.merged == members
            session.execute(update(MergedEventRow).values(component=None))
            legacy = _Gathered()
            assert {r.event_id for r in legacy.add(session, [min(members)])} == set(legacy.reports)
            assert legacy.merged == {min(members)}  # without a component: its reports are to be compared
    assert all(component is not None for _, component in components)
    assert len({c for _, c in components}) < len(components)  # some component holds several merged events
    with open_store(new_database()) as store:
        for extraction in batches[0]:
            _save(store, extraction)
        reconcile_documents(store, [e.document.doc_id for e in batches[0]])
        with Session(store.engine) as session, session.begin():
            session.execute(update(MergedEventRow).values(component=None))
        for extraction in batches[1]:
            _save(store, extraction)
        reconcile_documents(store, [e.document.doc_id for e in batches[1]])
        assert _snapshot(store) == expected


# One-sentence wire reports in the template test: enough for groups of templates larger than a bucket keeps
# (at 5,000 the largest holds 34).
WIRE_REPORTS = 5000


@pytest.mark.slow
def test_reconcile_copies_of_wire_templates_equal_an_exhaustive_comparison(
        gazetteer: Any, new_database: Callable[[], str]) -> None:
    """Agencies' one-sentence reports in a dozen shapes (bench/scaling.py's merge input) share most of their
    shingles, so chains of near-duplicates grow past what a bucket keeps of a group: arriving in the
    pipeline's steps, they still form the groups and originals that comparing every pair gives."""
    import json

    from bench.scaling import one_sentence_reports

    names = sorted({p.name for p in gazetteer.places if p.kind in ("town", "village", "city") and p.name.isascii()})
    records = [json.loads(line) for line in one_sentence_reports(WIRE_REPORTS, names)]
    documents = list({r["text"]: Document(doc_id=r["id"], text=r["text"], source=r["source"],
                                          published=date.fromisoformat(r["published"])) for r in records}.values())
    expected = _exhaustive_copies(documents)
    assert max(Counter(expected.values()).values()) > GROUP_ROWS_PER_BUCKET  # groups larger than a bucket keeps
    with open_store(new_database()) as store:
        for start in range(0, len(documents), COPY_STEP):
            step = documents[start:start + COPY_STEP]
            for document in step:
                store.save_document(document, [], [])
            reconcile_documents(store, [d.doc_id for d in step])
        assert document_copies(store) == expected


# Reports of one template in the boilerplate test, and the groups a bucket may hold there (the test's own
# limit, far under the shipped one, so that a few hundred reports reach it).
TEMPLATE_REPORTS = 200
TEST_BOILERPLATE_GROUPS = 8


def test_reconcile_copies_skip_boilerplate_buckets_and_keep_reposts(
        gazetteer: Any, new_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Strikes on different villages reported in one agency's words share one band's bucket (its minima all
    from the attribution's shingles): once it holds BOILERPLATE_GROUPS groups it stops growing and is not
    compared in, and each repost (with a footer) still finds its original through its own words."""
    import random

    from sitrep.reconcile import copies, minhash

    monkeypatch.setattr(copies, "BOILERPLATE_GROUPS", TEST_BOILERPLATE_GROUPS)
    rng = random.Random(14)
    names = sorted({p.name for p in gazetteer.places if p.kind in ("town", "village") and p.name.isascii()})
    reports = [Document(doc_id=f"strike-{i}", source="Agency", published=date(2016, 5, 1 + i % 28),
                        text=f"Warplanes struck {place} on {rng.choice(('Monday', 'Friday', 'Sunday'))}, killing "
                             f"{rng.randrange(2, 40)} civilians and wounding {rng.randrange(2, 40)} others near "
                             f"the {place} market, according to the Syrian Observatory for Human Rights.")
               for i, place in enumerate(rng.sample(names, TEMPLATE_REPORTS))]
    reposts = [replace(d, doc_id=f"{d.doc_id}-mirror", source="Mirror", text=f"{d.text} Posted by outlet {i}.")
               for i, d in enumerate(reports[::10])]
    documents = rng.sample(reports + reposts, len(reports) + len(reposts))
    crowd = Counter(key for d in reports for key in minhash.bands(signature(d.text)))
    assert max(crowd.values()) > TEST_BOILERPLATE_GROUPS + COPY_STEP  # a bucket that would keep growing
    assert _exhaustive_copies(documents) == {r.doc_id: r.doc_id.removesuffix("-mirror") for r in reposts}
    with open_store(new_database()) as store:
        for start in range(0, len(documents), COPY_STEP):
            step = documents[start:start + COPY_STEP]
            for document in step:
                store.save_document(document, [], [])
            reconcile_documents(store, [d.doc_id for d in step])
        found = document_copies(store)
        with Session(store.engine) as session:
            rows = session.execute(select(func.count()).select_from(DocumentBandRow)
                                   .group_by(DocumentBandRow.band, DocumentBandRow.bucket)).scalars().all()
    assert found == {r.doc_id: r.doc_id.removesuffix("-mirror") for r in reposts}
    assert max(rows) < TEST_BOILERPLATE_GROUPS + COPY_STEP  # filled to the limit by one step at most, then kept


def test_minhash_similarities_of_a_bucket_equal_its_pairwise_similarities(extractions: list[Extraction]) -> None:
    """A bucket's rows compared at once give each pair's similarity exactly, reposts and unrelated reports."""
    import numpy as np

    from sitrep.reconcile.minhash import as_array, similarities

    texts = [e.document.text for e in extractions] + [_repost(e).document.text for e in extractions[:3]]
    signatures = [signature(text) for text in texts if signature(text)]
    matrix = np.stack([as_array(s) for s in signatures])
    for first in signatures:
        assert similarities(as_array(first), matrix).tolist() == [similarity(first, s) for s in signatures]
    with pytest.raises(ValueError):
        similarities(as_array(signatures[0][:8]), matrix)
