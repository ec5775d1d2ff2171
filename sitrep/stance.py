"""A source's stance when the document does not state it: from a list of known publishers, else from the
labels it uses. A report that calls one side "terrorists" and the other "our heroes" speaks for the second;
one that says "the regime" and "Assad's militias" speaks for the opposition.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sitrep.actors import ActorCatalogue, ActorMention

SOURCES = Path(__file__).resolve().parent / "data" / "sources.tsv"
# A stance is inferred from labels only when at least this many hostile labels point one way...
MIN_STANCE_VOTES = 3
# ...and at least this many times as many as point the other way (a neutral wire quotes both).
STANCE_MARGIN = 3.0
# The stance whose writers use a hostile label for each side.
HOSTILE_TO = {"government": "opposition", "opposition": "pro-government", "kurdish": "pro-turkey"}


@lru_cache(maxsize=4)
def known_sources(path: Path = SOURCES) -> tuple[tuple[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        pairs = [(r["name"].casefold(), r["stance"]) for r in rows]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))  # longest name first: "SANA" inside others


def stance_of_source(source: str) -> str:
    """The stance of a known publisher named in `source` ("Syrian Perspective (SyrPer), author X")."""
    folded = source.casefold()
    for name, stance in known_sources():
        if len(name) <= 4:  # short names (SANA, AFP, RT, ISW) only as whole words
            if name in folded.replace("(", " ").replace(")", " ").replace(",", " ").split():
                return stance
        elif name in folded:
            return stance
    return ""


def infer_stance(mentions: Sequence[ActorMention], catalogue: ActorCatalogue) -> str:
    """The stance the hostile labels of a text point to, or "" when they do not point clearly."""
    votes: Counter[str] = Counter()
    for mention in mentions:
        if not mention.pejorative:
            continue
        entry = catalogue.get(mention.actor.name)
        target = mention.actor.side
        if entry is not None and target == "unknown":
            target = entry.side_for("*")
            if target == "unknown":
                target = entry.side_for("pro-government")
        if target in HOSTILE_TO:
            votes[HOSTILE_TO[target]] += 1
    if not votes:
        return ""
    (best, count), *rest = votes.most_common()
    runner_up = rest[0][1] if rest else 0
    return best if count >= MIN_STANCE_VOTES and count >= STANCE_MARGIN * runner_up else ""
