"""A source's stance when the document does not state it: from the publishers file (by name or by the
URL's domain), else from the labels it uses. A report that calls one side "terrorists" and the other "our
heroes" speaks for the second; one that says "the regime" and "Assad's militias" for the opposition.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from sitrep.actors import ActorCatalogue, ActorMention
from sitrep.errors import InputError

PUBLISHERS = Path(__file__).resolve().parent / "data" / "sources.yaml"
# A stance is inferred from labels only when at least this many hostile labels point one way...
MIN_STANCE_VOTES = 3
# ...and at least this many times as many as point the other way (a neutral wire quotes both).
STANCE_MARGIN = 3.0
# Names this short (letters) match only as whole words: "SANA", "AFP", "RT", "ISW".
SHORT_NAME = 4


@dataclass(frozen=True, slots=True)
class Publisher:
    names: tuple[str, ...]
    domains: tuple[str, ...]
    stance: str


def read_publishers(path: Path) -> tuple[Publisher, ...]:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple(Publisher(tuple(str(n) for n in p.get("names", ())), tuple(str(d) for d in p.get("domains", ())),
                               str(p["stance"])) for p in raw["publishers"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
        raise InputError(f"{path}: not a publishers file: {e}") from e


@lru_cache(maxsize=8)
def load_publishers(extra: tuple[Path, ...] = ()) -> tuple[Publisher, ...]:
    """The shipped publishers, with users' files first (theirs win)."""
    users = tuple(p for path in extra if path.exists() for p in read_publishers(path))
    return users + read_publishers(PUBLISHERS)


def outlet_spans(text: str, publishers: Sequence[Publisher], source: str = "") -> list[tuple[int, int]]:
    """Where `text` names a news outlet, the catalogue's or its own source ("Shafaq News/ On Thursday",
    "Aleppo Today reported"): no place, though its name may hold one."""
    names = sorted({n for p in publishers for n in p.names} | ({source.strip()} if source.strip() else set()),
                   key=len, reverse=True)
    return [(m.start(), m.end()) for m in _outlet_pattern(tuple(names)).finditer(text)] if names else []


@lru_cache(maxsize=8)
def _outlet_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def _name_in(name: str, source: str) -> bool:
    if len(name) <= SHORT_NAME:
        words = source.replace("(", " ").replace(")", " ").replace(",", " ").split()
        return name in words
    return name.casefold() in source.casefold()


def _on_domain(url: str, domains: Iterable[str]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def stance_of_source(source: str, url: str = "", publishers: Sequence[Publisher] | None = None) -> str:
    """The stance of a known publisher named in `source` or owning `url`'s domain, else ""."""
    for publisher in publishers if publishers is not None else load_publishers():
        if (source and any(_name_in(n, source) for n in publisher.names)) or \
                (url and _on_domain(url, publisher.domains)):
            return publisher.stance
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
        hostile = catalogue.profile.side(target).hostile_stance if target in catalogue.profile.sides else ""
        if hostile:
            votes[hostile] += 1
    if not votes:
        return ""
    (best, count), *rest = votes.most_common()
    runner_up = rest[0][1] if rest else 0
    return best if count >= MIN_STANCE_VOTES and count >= STANCE_MARGIN * runner_up else ""
