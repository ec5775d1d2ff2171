"""The seed's and the dev corpus's places on 2016-07-30: the assessed controller against the reports'
consensus and against the marks of syria_wikimap.tsv (a July 2017 snapshot), written to
bench/control_vs_wikimap.md.

    .venv/bin/python bench/control_check.py [--out bench/control_vs_wikimap.md]

The reports' consensus: each publisher's latest word (held by a side) on the place up to the day, and the
side most publishers name ("split" on a tie). A wikimap mark belongs to a place when it lies within
WIKIMAP_KM of the place's point; the map has no Aleppo or Damascus city districts.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import select

from sitrep.control.state import ASSESSED, CLAIMED, ControlState
from sitrep.control.storage import OBSERVATIONS, control_at
from sitrep.control.text import rebuild_control_with_text
from sitrep.events.extract import load_resources
from sitrep.geo import load_gazetteer
from sitrep.geo.gazetteer import km_between
from sitrep.nlp import load_nlp
from sitrep.pipeline import run_batch
from sitrep.store import Store, open_store
from sitrep.store.schema import DocumentRow, SourceRow

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DAY = date(2016, 7, 30)
# A map mark this close (km) to a place's point marks that place: villages lie 2 km or more apart.
WIKIMAP_KM = 2.0
# Within this distance (km) of Aleppo's centre a place is in the city, which the government took in
# December 2016: the map's July 2017 state says nothing about July 2016 there.
ALEPPO_CITY_KM = 12.0
ALEPPO = (36.2021, 37.1343)


NOTES = [
    "",
    "## Notes on the disagreements",
    "",
    "- Aleppo's districts (Bani Zeid, al-Ashrafiyah, Bustan al-Qasr, Salaheddine) have no coordinates of "
    "their own in the gazetteer and sit on the city's point (geo_precision 2), so the nearest map mark is "
    "Hanano Army Base: the map row says nothing about the district. The map has no Aleppo city districts.",
    "- Bani Zeid is assessed opposition-held from an undated-in-text Wikipedia sentence the extractor reads "
    "as a capture ('imposing fire control over Bani Zeid'); the seed's and SyrPer's claims of the "
    "government's gain on the 28th are one partisan publisher's word and stay in the claimed layer. "
    "The government did take it on 2016-07-28 (ISW, AFP): the Wikipedia articles, the strongest neutral "
    "witnesses here, carry no publication date, so their dated captures are lost to the timeline.",
    "- Jabal Zuwayqat (Latakia): the seed claims the government retook it on the 29th; the 2017 map "
    "shows the opposition. With no other source the assessed layer keeps no controller.",
    "- Contested rows (Handarat, al-Layramoun, Hawsh al Khayyat) are fighting reported around the day; "
    "the map shows the eventual holder.",
    "- Damascus 'besieged' comes from a statement about a suburb ('long-besieged Damascus suburb'); "
    "it is coarse and unassessed.",
]


def ingest(store: Store) -> None:
    resources = load_resources(load_nlp(), load_gazetteer())
    run_batch([SHARED / "eval" / "seed.txt"], store, resources, published=date(2016, 7, 30),
              source="Syrian Perspective", stance="pro-government")
    run_batch(sorted((SHARED / "data" / "corpus-dev").glob("*.md")), store, resources)
    rebuild_control_with_text(store, resources)


def consensus(store: Store) -> dict[str, tuple[str, Counter[str]]]:
    """Per place: the side most publishers last said held it on or before DAY, and the votes."""
    query = (select(OBSERVATIONS.c.place_id, OBSERVATIONS.c.side, OBSERVATIONS.c.observed_on,
                    DocumentRow.doc_id, SourceRow.name)
             .join(DocumentRow, DocumentRow.id == OBSERVATIONS.c.document_id)
             .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
             .where(OBSERVATIONS.c.state == "held", OBSERVATIONS.c.observed_on <= DAY,
                    OBSERVATIONS.c.fact_status.in_(["reported", "attributed_claim"]))
             .order_by(OBSERVATIONS.c.observed_on))
    latest: dict[tuple[str, str], str] = {}
    with store.engine.connect() as connection:
        for row in connection.execute(query):
            latest[(row.place_id, row.name or row.doc_id)] = row.side
    votes: dict[str, Counter[str]] = {}
    for (place_id, _), side in latest.items():
        votes.setdefault(place_id, Counter())[side] += 1
    out = {}
    for place_id, counter in votes.items():
        ranked = counter.most_common()
        side = "split" if len(ranked) > 1 and ranked[0][1] == ranked[1][1] else ranked[0][0]
        out[place_id] = (side, counter)
    return out


def wikimap_marks() -> list[dict[str, str]]:
    with (SHARED / "data" / "syria_wikimap.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def nearest_mark(state: ControlState, marks: list[dict[str, str]]) -> tuple[dict[str, str], float] | None:
    best = min(((m, km_between(state.lat, state.lon, float(m["lat"]), float(m["lon"]))) for m in marks),
               key=lambda pair: pair[1])
    return best if best[1] <= WIKIMAP_KM else None


def verdict(judged: ControlState | None, with_consensus: str, mark: dict[str, str] | None) -> str:
    """How the map compares: with the assessed controller, else (not assessed) with the consensus."""
    if mark is None:
        return "no mark"
    if judged is None:
        return "not assessed; consensus " + ("agrees" if with_consensus == mark["status"] else "differs")
    if judged.state == "contested":
        return "contested in 2016"
    return "agrees" if mark["status"] == judged.side else "disagrees"


def explain(state: ControlState, assessed: ControlState | None, mark: dict[str, str] | None,
            agreed: str) -> str:
    in_aleppo = km_between(state.lat, state.lon, *ALEPPO) <= ALEPPO_CITY_KM
    if assessed is None and mark is not None and agreed.endswith("agrees"):
        return (f"not assessed (only {', '.join(state.sources)}; a partisan's own gain needs corroboration), "
                "but the reports' consensus matches the map")
    if assessed is None:
        why = ("a partisan source's own gain needs corroboration" if state.state == "held"
               else "an attributed or hedged report of fighting stays below the bar alone")
        return f"not assessed: only {', '.join(state.sources)} says so ({why})"
    if mark is None:
        return "no map mark within 2 km" + (" (the map shows Aleppo city only as an inset)" if in_aleppo else "")
    if agreed == "agrees":
        return "the map's 2017 state is the 2016 one"
    if agreed == "contested in 2016":
        return f"fighting reported around the day; the map (2017) shows the outcome: {mark['status']}"
    if in_aleppo:
        return "Aleppo city fell wholly to the government in December 2016; the 2017 map shows that later state"
    if mark["status"] == "other":
        return f"the map's mark here is not a controller ({mark['status_detail']})"
    return (f"the map (July 2017) says {mark['status']}: a year of fighting lies between; "
            "the 2016 reports are the better witness for 2016")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "control_vs_wikimap.md")
    args = parser.parse_args()
    marks = wikimap_marks()
    with tempfile.TemporaryDirectory() as folder, open_store(str(Path(folder) / "check.db")) as store:
        ingest(store)
        claimed = {s.place_id: s for s in control_at(store, DAY, CLAIMED)}
        assessed = {s.place_id: s for s in control_at(store, DAY, ASSESSED)}
        votes = consensus(store)
    rows, tally = [], Counter[str]()
    for place_id, state in sorted(claimed.items(), key=lambda item: (item[1].admin1, item[1].place_name)):
        judged = assessed.get(place_id)
        found = nearest_mark(state, marks)
        mark = found[0] if found else None
        side = judged.side if judged else ""
        with_consensus = votes.get(place_id, ("", Counter()))[0]
        agreed = verdict(judged, with_consensus, mark)
        tally[agreed] += 1
        tally["consensus " + ("agrees" if judged and with_consensus == side else "differs or none")] += 1
        judged_cell = f"{judged.side or '?'} {judged.state} ({judged.confidence:.2f})" if judged else "—"
        mark_cell = f"{mark['label']}: {mark['status']} ({found[1]:.1f} km)" if mark and found else "—"
        rows.append(f"| {state.place_name} | {state.admin1} | {judged_cell} | {state.side or '?'} {state.state} | "
                    f"{with_consensus or '—'} | {mark_cell} | {agreed} | {explain(state, judged, mark, agreed)} |")
    header = [
        "# Control on 2016-07-30: assessed layer vs the reports' consensus vs syria_wikimap.tsv",
        "",
        "Generated by `bench/control_check.py` from the seed (published 2016-07-30, Syrian Perspective, "
        "pro-government) and the 14 reports of `../shared/data/corpus-dev/`, ingested through sitrep's "
        "pipeline, with statements of control read from their text. One row per place that any report "
        "gives a state on that day (the claimed layer). The map is a July 2017 snapshot: a hint, not "
        "truth for 2016.",
        "",
        f"Summary: {dict(sorted(tally.items()))}. The assessed controller equals the reports' consensus for "
        f"{tally['consensus agrees']} of {len(rows)} places.",
        "",
        "| place | governorate | assessed | claimed | consensus | wikimap mark | vs map | why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    args.out.write_text("\n".join(header + rows + NOTES) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {dict(tally)}")


if __name__ == "__main__":
    main()
