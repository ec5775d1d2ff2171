"""Quality on every gold set at once: events and places of each report under `../shared/eval/`, scored
with the kit's own `score.py`, in one process with the resources loaded once.

    .venv/bin/python bench/gold.py [--out out/gold] [--json]

Each set is a folder with `docs/<doc_id>.txt` + `.meta.json`, `events.gold.jsonl` and `places.gold.jsonl`;
the seed (`seed.txt`, `seed.gold.jsonl`, `seed.places.jsonl`) is a set of one. Every report is read as
`sitrep extract FILE --published P --source S` and `sitrep places FILE` read it (the meta file gives P and
S, as the gold assumes them; the stance is left for sitrep to infer). Prints one row per set and a pooled
row (all dev sets together, scored as one file), and writes, per set, under `--out`:

- `<set>.events.jsonl`, `<set>.places.jsonl`: what sitrep produced;
- `<set>.errors.md`: the gold events and places sitrep missed, what it produced that gold lacks, and the
  matched events whose actor1 side disagrees, each with its evidence, so that an error can be read rather
  than counted.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SCORER = EVAL / "score.py"
SETS = ("dev", "periods", "fronts", "transition")  # the folders, in the order the table lists them
SEED = "seed"
POOLED = "pooled"  # every set above, the seed excluded, scored as one file
MATCH_KM = 5.0  # the scorer's defaults, repeated here only to list misses the way it matches
MATCH_DAYS = 2
PRECISION_DAYS = {1: 0, 2: 4, 3: 16}  # the scorer's date slack by the gold's time precision
HAPPENED = frozenset({"reported", "attributed_claim"})


@dataclass(frozen=True)
class Report:
    doc_id: str
    path: Path
    published: date | None
    source: str


@dataclass
class GoldSet:
    name: str
    reports: list[Report]
    events_gold: Path
    places_gold: Path


def gold_sets(root: Path = EVAL) -> list[GoldSet]:
    """The seed, then every set folder that has documents and both gold files."""
    found = [GoldSet(SEED, [Report(SEED, root / "seed.txt", date(2016, 7, 30), "Syrian Perspective")],
                     root / "seed.gold.jsonl", root / "seed.places.jsonl")]
    for name in SETS:
        folder = root / name
        if not (folder / "events.gold.jsonl").exists():
            continue
        reports = [_report(path) for path in sorted((folder / "docs").glob("*.txt"))]
        found.append(GoldSet(name, reports, folder / "events.gold.jsonl", folder / "places.gold.jsonl"))
    return found


def _report(path: Path) -> Report:
    meta_path = path.with_suffix(".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    published = date.fromisoformat(meta["published"]) if meta.get("published") else None
    return Report(path.stem, path, published, meta.get("source", ""))


def run_report(report: Report, resources: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The report's events (as `sitrep extract`) and places (as `sitrep places`), from one parse."""
    from sitrep.events.extract import extract, report_places
    from sitrep.export import event_record
    from sitrep.ingest import read_document
    from sitrep.render import place_record

    document = read_document(report.path)
    document = replace(document, doc_id=report.doc_id, published=report.published or document.published,
                       source=report.source or document.source)
    doc = resources.nlp(document.text)
    events = [event_record(e) for e in extract(document, resources, doc=doc).events]
    places = [place_record(p) for p in report_places(document, resources.actors, resources.gazetteer, doc,
                                                                 metonyms=True, publishers=resources.publishers)[1]]
    return events, places


def score(kind: str, gold: Path, predicted: list[dict[str, Any]]) -> dict[str, Any]:
    """The kit's scorer on `predicted`, through a file, exactly as a user would run it."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in predicted))
    try:
        done = subprocess.run([sys.executable, str(SCORER), kind, str(gold), handle.name, "--json"],
                              capture_output=True, text=True, check=True)
    finally:
        Path(handle.name).unlink()
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _km(a: dict[str, Any], b: dict[str, Any]) -> float:
    try:
        lat1, lon1, lat2, lon2 = map(math.radians, (float(a["latitude"]), float(a["longitude"]),
                                                    float(b["latitude"]), float(b["longitude"])))
    except (KeyError, TypeError, ValueError):
        return math.inf
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _days_apart(gold: dict[str, Any], pred: dict[str, Any]) -> float:
    try:
        return abs((date.fromisoformat(gold["event_date"][:10]) - date.fromisoformat(pred["event_date"][:10])).days)
    except (KeyError, TypeError, ValueError):
        return math.inf


def _matches(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    slack = max(MATCH_DAYS, PRECISION_DAYS.get(int(gold.get("time_precision") or 1), 0))
    return (gold["doc_id"] == pred["doc_id"] and gold.get("event_type") == pred.get("event_type")
            and _km(gold, pred) <= MATCH_KM and _days_apart(gold, pred) <= slack)


def matched_pairs(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(gold index, predicted index) of the one-to-one matches, greedy and closest first: the scorer's
    matching restated, to tell which records matched. Pass records of the same fact-status group."""
    # the scorer ranks a pair by kilometres plus days, one number (score.py's `match`)
    pairs = sorted((_km(g, p) + _days_apart(g, p), i, j) for i, g in enumerate(gold)
                   for j, p in enumerate(pred) if _matches(g, p))
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched = []
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            matched.append((i, j))
    return matched


def event_errors(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Gold events that happened and no prediction matched, and happened predictions no gold matched."""
    g_happened = [g for g in gold if g.get("fact_status") in HAPPENED]
    p_happened = [p for p in pred if p.get("fact_status") in HAPPENED]
    matched = matched_pairs(g_happened, p_happened)
    used_g, used_p = {i for i, _ in matched}, {j for _, j in matched}
    missed = [g for i, g in enumerate(g_happened) if i not in used_g]
    extra = [p for j, p in enumerate(p_happened) if j not in used_p]
    return missed, extra


def side_disagreements(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    """(gold, predicted) pairs of matched happened events whose actor1 side differs, the pairs the scorer's
    actor1 side agreement counts against (gold events with no side are not counted)."""
    g_happened = [g for g in gold if g.get("fact_status") in HAPPENED]
    p_happened = [p for p in pred if p.get("fact_status") in HAPPENED]
    return [(g_happened[i], p_happened[j]) for i, j in matched_pairs(g_happened, p_happened)
            if g_happened[i].get("actor1_side") and g_happened[i].get("actor1_side") != p_happened[j].get("actor1_side")]


def place_errors(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[list[Any], list[Any], list[Any]]:
    """Gold mentions not found, found but placed over 5 km off (with what sitrep chose), and predicted
    mentions no gold mention overlaps."""
    def overlapping(g: dict[str, Any]) -> list[dict[str, Any]]:
        return [p for p in pred if p["doc_id"] == g["doc_id"] and p["start"] < g["end"] and p["end"] > g["start"]]

    missed, wrong = [], []
    for g in gold:
        found = overlapping(g)
        if not found:
            missed.append(g)
        elif g.get("latitude") is not None and min((_km(g, p) for p in found if p.get("resolved")),
                                                   default=math.inf) > MATCH_KM:
            wrong.append((g, found[0]))
    extra = [p for p in pred if not any(g["doc_id"] == p["doc_id"] and p["start"] < g["end"]
                                        and p["end"] > g["start"] for g in gold)]
    return missed, wrong, extra


def _event_line(e: dict[str, Any]) -> str:
    where = e.get("location") or "?"
    return (f"- `{e['doc_id']}` {e.get('event_date') or 'undated'} {e.get('sub_event_type') or e.get('event_type')}"
            f" at {where} ({e.get('actor1_side') or '?'}, {e.get('fact_status')}): "
            f"{(e.get('evidence') or '').strip()[:240]!r}")


def errors_markdown(name: str, gold_events: list[Any], events: list[Any], gold_places: list[Any],
                    places: list[Any]) -> str:
    missed, extra = event_errors(gold_events, events)
    p_missed, p_wrong, p_extra = place_errors(gold_places, places)
    lines = [f"# {name}: what sitrep got wrong", "", f"## Events that happened, missed ({len(missed)})", ""]
    lines += [_event_line(e) for e in missed]
    lines += ["", f"## Events sitrep says happened that gold lacks ({len(extra)})", ""]
    lines += [_event_line(e) for e in extra]
    disagree = side_disagreements(gold_events, events)
    lines += ["", f"## Matched events whose actor1 side disagrees ({len(disagree)})", ""]
    lines += [f"{_event_line(p)}\n  gold: {g.get('actor1_side')} ({g.get('actor1') or 'unnamed'}), "
              f"{(g.get('evidence') or '').strip()[:160]!r}" for g, p in disagree]
    lines += ["", f"## Place mentions missed ({len(p_missed)})", ""]
    lines += [f"- `{g['doc_id']}` {g['mention']!r} at {g['start']} ({g.get('location')})" for g in p_missed]
    lines += ["", f"## Place mentions placed over {MATCH_KM:g} km off ({len(p_wrong)})", ""]
    lines += [f"- `{g['doc_id']}` {g['mention']!r} at {g['start']}: gold {g.get('location')}, sitrep "
              f"{p.get('location') or 'unresolved'} ({_km(g, p):.0f} km)" for g, p in p_wrong]
    lines += ["", f"## Place mentions gold lacks ({len(p_extra)})", ""]
    lines += [f"- `{p['doc_id']}` {p['mention']!r} at {p['start']} -> {p.get('location') or 'unresolved'}"
              for p in p_extra]
    return "\n".join(lines) + "\n"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fmt(value: Any) -> str:
    return "  -  " if value is None else f"{value:.2f}"


HEADER = (f"{'set':<11}{'docs':>5}{'gold':>5}{'pred':>5} | {'F1':>5}{'P':>6}{'R':>6} | {'exp F1':>6}"
          f"{'side':>6}{'sub':>6}{'date':>6} | {'p.rec':>6}{'p.prec':>7}{'@5km':>6}{'@1km':>6}")


def table_row(name: str, docs: int, ev: dict[str, Any], pl: dict[str, Any]) -> str:
    return (f"{name:<11}{docs:>5}{ev['gold_happened']:>5}{ev['pred_happened']:>5} | {_fmt(ev['happened_f1']):>5}"
            f"{_fmt(ev['happened_precision']):>6}{_fmt(ev['happened_recall']):>6} | {_fmt(ev['expected_f1']):>6}"
            f"{_fmt(ev['actor1_side_agreement']):>6}{_fmt(ev['sub_event_type_agreement']):>6}"
            f"{_fmt(ev['date_exact_agreement']):>6} | {_fmt(pl['mention_recall']):>6}"
            f"{_fmt(pl['mention_precision']):>7}{_fmt(pl['accuracy_at_5km']):>6}"
            f"{_fmt(pl['accuracy_at_1km_exact_gold']):>6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/gold"), help="where the listings go")
    parser.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    args = parser.parse_args()
    if not SCORER.exists():
        print(f"{EVAL} is absent: nothing to score")
        return
    from sitrep.events.extract import load_resources
    from sitrep.geo import load_gazetteer
    from sitrep.nlp import load_nlp

    started = time.perf_counter()
    resources = load_resources(load_nlp(), load_gazetteer())
    loaded = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    scores: dict[str, dict[str, Any]] = {}
    rows: list[str] = []
    pooled: dict[str, list[Any]] = {"events": [], "places": [], "gold_events": [], "gold_places": []}
    pooled_docs = 0
    for gold_set in gold_sets():
        events: list[dict[str, Any]] = []
        places: list[dict[str, Any]] = []
        for report in gold_set.reports:
            more_events, more_places = run_report(report, resources)
            events += more_events
            places += more_places
        gold_events, gold_places = _read_jsonl(gold_set.events_gold), _read_jsonl(gold_set.places_gold)
        (args.out / f"{gold_set.name}.events.jsonl").write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
        (args.out / f"{gold_set.name}.places.jsonl").write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in places), encoding="utf-8")
        (args.out / f"{gold_set.name}.errors.md").write_text(
            errors_markdown(gold_set.name, gold_events, events, gold_places, places), encoding="utf-8")
        ev, pl = score("events", gold_set.events_gold, events), score("places", gold_set.places_gold, places)
        scores[gold_set.name] = {"events": ev, "places": pl}
        rows.append(table_row(gold_set.name, len(gold_set.reports), ev, pl))
        if gold_set.name != SEED:
            pooled_docs += len(gold_set.reports)
            for key, value in (("events", events), ("places", places), ("gold_events", gold_events),
                               ("gold_places", gold_places)):
                pooled[key] += value
    if pooled_docs:
        with tempfile.TemporaryDirectory() as tmp:
            gold_events_path, gold_places_path = Path(tmp) / "events.jsonl", Path(tmp) / "places.jsonl"
            for path, records in ((gold_events_path, pooled["gold_events"]), (gold_places_path, pooled["gold_places"])):
                path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            ev, pl = score("events", gold_events_path, pooled["events"]), score("places", gold_places_path,
                                                                               pooled["places"])
        scores[POOLED] = {"events": ev, "places": pl}
        rows.append(table_row(POOLED, pooled_docs, ev, pl))
    if args.json:
        print(json.dumps(scores))
        return
    print(f"resources loaded in {loaded:.1f} s; {time.perf_counter() - started:.1f} s in all; "
          f"listings of misses and extras in {args.out}/")
    print("events: happened F1 (P, R), expected/hypothetical F1, agreement of actor1 side, sub-event type, "
          "exact date; places: recall, precision, accuracy within 5 km and 1 km")
    print(HEADER)
    print("-" * len(HEADER))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
