"""Score the merge decision on hand-labelled event pairs (tests/fixtures/merge_pairs.tsv).

    .venv/bin/python bench/merge.py [--shared ../shared]

The seed and the dev corpus are extracted with sitrep's extractor; each labelled event is found by its
document, event type, location and an evidence snippet. Two events are predicted to be one happening when
reconciliation puts them in the same merged event (`cluster_reports` over every extracted event, as the
store would). Pairs whose events the extractor no longer produces are counted as
missing, not scored.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sitrep.events.extract import Extraction, Resources, extract, load_resources
from sitrep.ingest import read_document, read_documents
from sitrep.model import Document, Event
from sitrep.reconcile.clusters import cluster_reports
from sitrep.reconcile.publishers import publisher_of
from sitrep.reconcile.report import Report

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "tests" / "fixtures" / "merge_pairs.tsv"
SHARED = REPO.parent / "shared"
# The seed's publication facts, as its README gives them (the file itself has no front matter).
SEED_PUBLISHED = date(2016, 7, 30)
SEED_SOURCE = "Syrian Perspective"
SAME = "same"


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    pairs: int
    missing: int
    errors: tuple[str, ...]


def load_documents(shared: Path) -> list[Document]:
    documents = [d for d in read_documents(shared / "data" / "corpus-dev") if isinstance(d, Document)]
    documents.append(read_document(shared / "eval" / "seed.txt", published=SEED_PUBLISHED, source=SEED_SOURCE))
    return documents


def report_of(event: Event, key: int, parents: dict[str, str]) -> Report:
    return Report(
        event_id=event.event_id, doc_id=event.doc_id, document_key=key, event_type=event.event_type,
        sub_event_type=event.sub_event_type, event_date=event.event_date, time_precision=event.time_precision,
        place_id=event.place_id, parent_id=parents.get(event.place_id, ""), location=event.location,
        latitude=event.latitude, longitude=event.longitude, geo_precision=event.geo_precision,
        fact_status=event.fact_status, actor1_side=event.actor1_side, actor2_side=event.actor2_side,
        hedges=event.hedges, evidence=event.evidence, publisher=publisher_of(event.source, event.doc_id),
        stance=event.stance, original_doc_id=event.doc_id, date_stated=event.date_stated,
        gainer_stated=event.gainer_stated)


def extract_reports(documents: list[Document], resources: Resources) -> list[Report]:
    reports: list[Report] = []
    for key, document in enumerate(documents):
        extraction: Extraction = extract(document, resources)
        parents = {p.place.place_id: p.place.parent_id for p in extraction.places if p.place is not None}
        reports.extend(report_of(e, key, parents) for e in extraction.events)
    return reports


def merged_groups(reports: list[Report]) -> dict[str, str]:
    """Each report's merged-event id, clustered as the store clusters a whole component."""
    return {r.event_id: group[0].event_id for group in cluster_reports(reports) for r in group}


def find_report(reports: list[Report], doc_id: str, event_type: str, status: str, location: str,
                snippet: str) -> Report | None:
    """The labelled event among the extracted ones: its document, place and evidence, and of those the one
    of the labelled type and status if there is one (the label is about which happening it is, which an
    extractor that retypes it, "opened fire on civilians" from a battle to an attack, still reports)."""
    found = [r for r in reports if r.doc_id == doc_id and r.location == location and snippet in r.evidence]
    return min(found, key=lambda r: (r.event_type != event_type, r.fact_status != status), default=None)


def score(reports: list[Report], pairs_path: Path = PAIRS) -> Scores:
    groups = merged_groups(reports)
    tp = fp = fn = pairs = missing = 0
    errors = []
    with pairs_path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            a = find_report(reports, row["doc_a"], row["type_a"], row["status_a"], row["location_a"], row["snippet_a"])
            b = find_report(reports, row["doc_b"], row["type_b"], row["status_b"], row["location_b"], row["snippet_b"])
            if a is None or b is None:
                missing += 1
                continue
            pairs += 1
            predicted, gold = groups[a.event_id] == groups[b.event_id], row["label"] == SAME
            tp += predicted and gold
            fp += predicted and not gold
            fn += gold and not predicted
            if predicted != gold:
                errors.append(f"{'FP' if predicted else 'FN'} {row['location_a']} / {row['location_b']}: {row['note']}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(precision, recall, pairs, missing, tuple(errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    from sitrep.geo import load_gazetteer
    from sitrep.nlp import load_nlp

    reports = extract_reports(load_documents(args.shared), load_resources(load_nlp(), load_gazetteer()))
    scores = score(reports)
    print(f"pairs {scores.pairs} (missing {scores.missing})  precision {scores.precision:.3f}  "
          f"recall {scores.recall:.3f}")
    for error in scores.errors:
        print("  " + error, file=sys.stderr)


if __name__ == "__main__":
    main()
