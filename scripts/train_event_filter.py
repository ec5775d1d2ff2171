"""Fit the learned event filter (`sitrep.events.learned`) on the gold sets, and say honestly how well it does.

    .venv/bin/python scripts/train_event_filter.py [--write] [--out sitrep/data/event_filter.json]

1. Every gold report (bench/gold.py's sets: the seed, dev, periods, fronts, transition) is extracted by the
   rules alone; each candidate event that "happened" is labelled 1 when the scorer's one-to-one matching pairs it
   with a gold event, else 0.
2. Leave one set out: for each set, a logistic model is fitted on the other sets (its L2 strength and threshold
   chosen by leave-one-set-out inside them) and applied to the held-out set, whose filtered events are scored by
   the kit's `score.py`. The table compares the rules alone with rules + filter, per set and pooled: these
   are the scores of weights that never saw the set.
3. With `--write`, the model is fitted on every set (strength and threshold chosen the same way) and written,
   with the fold scores, for sitrep to ship.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import gold  # noqa: E402  (bench/gold.py: the sets, the scorer, its matching)

L2_STRENGTHS = (0.3, 1.0, 3.0, 10.0)  # penalties tried (on the sum of squared weights; larger is simpler)
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 15))  # probabilities tried as the drop line
NEWTON_STEPS = 50  # iterations of Newton's method; the fit converges in well under 20
MIN_FEATURE_COUNT = 3  # a feature seen on fewer training candidates is not learned (too rare to trust)


@dataclass
class SetData:
    name: str
    events: list[dict[str, Any]]  # every event the rules produced, records as `sitrep extract` prints them
    features: list[dict[str, float] | None]  # per event: its features when it "happened", else None
    labels: list[int | None]
    gold_events: Path


def collect(resources: Any) -> list[SetData]:
    from sitrep.events.extract import extract
    from sitrep.events.learned import candidate_features
    from sitrep.export import event_record
    from sitrep.ingest import read_document

    found = []
    for gold_set in gold.gold_sets():
        gold_records = gold._read_jsonl(gold_set.events_gold)
        data = SetData(gold_set.name, [], [], [], gold_set.events_gold)
        for report in gold_set.reports:
            document = read_document(report.path)
            document = replace(document, doc_id=report.doc_id, published=report.published or document.published,
                               source=report.source or document.source)
            doc = resources.nlp(document.text)
            result = extract(document, resources, doc=doc)
            records = [event_record(e) for e in result.events]
            features = candidate_features(result.events, doc, result.places)
            happened = [i for i, r in enumerate(records) if r["fact_status"] in gold.HAPPENED]
            doc_gold = [g for g in gold_records if g["doc_id"] == report.doc_id
                        and g.get("fact_status") in gold.HAPPENED]
            matched = {happened[j] for _, j in gold.matched_pairs(doc_gold, [records[i] for i in happened])}
            for i, record in enumerate(records):
                data.events.append(record)
                is_candidate = i in set(happened)
                data.features.append(features[i] if is_candidate else None)
                data.labels.append(int(i in matched) if is_candidate else None)
        found.append(data)
    return found


def candidates(sets: list[SetData]) -> tuple[list[dict[str, float]], list[int], list[int]]:
    """Features, labels and the gold count that happened, pooled over `sets`."""
    feats, labels, gold_total = [], [], 0
    for s in sets:
        for f, y in zip(s.features, s.labels, strict=True):
            if f is not None and y is not None:
                feats.append(f)
                labels.append(y)
        gold_total += sum(1 for g in gold._read_jsonl(s.gold_events) if g.get("fact_status") in gold.HAPPENED)
    return feats, labels, [gold_total]


@dataclass
class Model:
    names: list[str]
    weights: np.ndarray
    bias: float

    def probabilities(self, feats: list[dict[str, float]]) -> np.ndarray:
        if not feats:
            return np.zeros(0)
        x = _matrix(feats, self.names)
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x @ self.weights + self.bias, -30, 30))))


def _matrix(feats: list[dict[str, float]], names: list[str]) -> np.ndarray:
    column = {n: k for k, n in enumerate(names)}
    x = np.zeros((len(feats), len(names)))
    for row, f in enumerate(feats):
        for name, value in f.items():
            if name in column:
                x[row, column[name]] = value
    return x


def fit(feats: list[dict[str, float]], labels: list[int], strength: float) -> Model:
    """L2-penalised logistic regression by Newton's method (the bias is not penalised)."""
    counts: dict[str, int] = {}
    for f in feats:
        for name, value in f.items():
            if value:
                counts[name] = counts.get(name, 0) + 1
    names = sorted(n for n, c in counts.items() if c >= MIN_FEATURE_COUNT)
    x = np.hstack([_matrix(feats, names), np.ones((len(feats), 1))])
    y = np.asarray(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], strength)
    penalty[-1] = 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return Model(names, w[:-1], float(w[-1]))


def f1_at(probabilities: np.ndarray, labels: list[int], gold_total: int, threshold: float) -> float:
    kept = probabilities >= threshold
    tp = int(np.sum(kept & (np.asarray(labels) == 1)))
    predicted = int(np.sum(kept))
    return 2 * tp / (predicted + gold_total) if predicted + gold_total else 0.0


def choose(sets: list[SetData]) -> tuple[float, float]:
    """The L2 strength and threshold that give the best pooled F1 over leave-one-set-out inside `sets`."""
    best = (-1.0, L2_STRENGTHS[0], 0.5)
    for strength in L2_STRENGTHS:
        probabilities, labels, gold_total = [], [], 0
        for held in sets:
            rest = [s for s in sets if s is not held]
            feats, ys, _ = candidates(rest)
            model = fit(feats, ys, strength)
            held_feats, held_ys, held_gold = candidates([held])
            probabilities.append(model.probabilities(held_feats))
            labels += held_ys
            gold_total += held_gold[0]
        pooled = np.concatenate(probabilities)
        for threshold in THRESHOLDS:
            score = f1_at(pooled, labels, gold_total, threshold)
            if score > best[0] + 1e-9:
                best = (score, strength, threshold)
    return best[1], best[2]


def filtered(data: SetData, model: Model, threshold: float) -> list[dict[str, Any]]:
    kept = []
    probabilities = iter(model.probabilities([f for f in data.features if f is not None]))
    for record, f in zip(data.events, data.features, strict=True):
        if f is None or next(probabilities) >= threshold:
            kept.append(record)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="fit on every set and write the weights")
    parser.add_argument("--out", type=Path, default=ROOT / "sitrep" / "data" / "event_filter.json")
    args = parser.parse_args()
    if not gold.SCORER.exists():
        print(f"{gold.EVAL} is absent: nothing to train on")
        return
    from sitrep.events.extract import load_resources
    from sitrep.geo import load_gazetteer
    from sitrep.nlp import load_nlp

    resources = load_resources(load_nlp(), load_gazetteer())
    if hasattr(resources, "event_filter"):
        resources = replace(resources, event_filter=None)  # the rules alone make the candidates
    sets = collect(resources)
    print(f"{'held-out set':<12}{'cands':>6}{'pos':>5} | {'rules F1':>8}{'P':>6}{'R':>6} | "
          f"{'+filter F1':>10}{'P':>6}{'R':>6} | {'L2':>5}{'thr':>5}")
    folds: dict[str, Any] = {}
    pooled_rules: list[dict[str, Any]] = []
    pooled_filtered: list[dict[str, Any]] = []
    pooled_gold: list[dict[str, Any]] = []
    for held in sets:
        rest = [s for s in sets if s is not held]
        strength, threshold = choose(rest)
        feats, ys, _ = candidates(rest)
        model = fit(feats, ys, strength)
        kept = filtered(held, model, threshold)
        before, after = gold.score("events", held.gold_events, held.events), gold.score("events", held.gold_events, kept)
        n_cands = sum(1 for f in held.features if f is not None)
        n_pos = sum(1 for y in held.labels if y)
        folds[held.name] = {"rules_f1": before["happened_f1"], "filtered_f1": after["happened_f1"],
                            "filtered_precision": after["happened_precision"],
                            "filtered_recall": after["happened_recall"], "l2": strength, "threshold": threshold}
        print(f"{held.name:<12}{n_cands:>6}{n_pos:>5} | {before['happened_f1']:>8.2f}{before['happened_precision']:>6.2f}"
              f"{before['happened_recall']:>6.2f} | {after['happened_f1']:>10.2f}{after['happened_precision']:>6.2f}"
              f"{after['happened_recall']:>6.2f} | {strength:>5g}{threshold:>5.2f}")
        if held.name != gold.SEED:
            pooled_rules += held.events
            pooled_filtered += kept
            pooled_gold += gold._read_jsonl(held.gold_events)
    gold_path = ROOT / "out" / "gold" / "pooled.gold.jsonl"
    gold_path.parent.mkdir(parents=True, exist_ok=True)
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in pooled_gold), encoding="utf-8")
    before, after = gold.score("events", gold_path, pooled_rules), gold.score("events", gold_path, pooled_filtered)
    folds[gold.POOLED] = {"rules_f1": before["happened_f1"], "filtered_f1": after["happened_f1"]}
    print(f"{'pooled':<12}{'':>11} | {before['happened_f1']:>8.2f}{before['happened_precision']:>6.2f}"
          f"{before['happened_recall']:>6.2f} | {after['happened_f1']:>10.2f}{after['happened_precision']:>6.2f}"
          f"{after['happened_recall']:>6.2f} |  (every set scored by weights fitted without it)")
    if not args.write:
        return
    strength, threshold = choose(sets)
    feats, ys, _ = candidates(sets)
    model = fit(feats, ys, strength)
    weights = {n: round(float(w), 4) for n, w in zip(model.names, model.weights, strict=True)}
    info = {"trained": date.today().isoformat(), "sets": [s.name for s in sets], "candidates": len(ys),
            "positives": int(sum(ys)), "l2": strength, "leave_one_set_out": folds,
            "how": "scripts/train_event_filter.py --write"}
    args.out.write_text(json.dumps({"weights": weights, "bias": round(model.bias, 4), "threshold": threshold,
                                    "info": info}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    strongest = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:12]
    print(f"wrote {args.out}: {len(weights)} weights, L2 {strength:g}, threshold {threshold}; strongest: "
          + ", ".join(f"{n} {w:+.2f}" for n, w in strongest))


if __name__ == "__main__":
    main()
