"""Statements of control in report text: "Hawsh Nasri, now in the hands of the army", "rebel-held
Daraya", "the besieged town of Madaya". They say who holds a place without reporting a change.

`find_control_statements(doc, text, places, actors)` reads one parsed document with the places and actors
already found in it (by `sitrep.geo.find_places` and `sitrep.actors.find_actors`); the cue phrases come
from `sitrep/data/control_cues.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from sitrep.actors import ActorMention
from sitrep.conflict import ConflictProfile, default_profile
from sitrep.control.state import BESIEGED, HELD
from sitrep.errors import SitrepError
from sitrep.events.status import assess_statement
from sitrep.model import Place, PlaceMention

DEFAULT_CUES_PATH = Path(__file__).resolve().parents[1] / "data" / "control_cues.yaml"
# Between a "held by"-style cue and its holder: "held by the Syrian army" (characters).
HOLDER_GAP_CHARS = 25
# Between an "-held"-style holder and its cue: "rebel-held", "rebel- held", "government held" (characters).
ADJECTIVE_GAP_CHARS = 2
# Between a cue and the place it is about: "rebel-held town of Daraya", "Hawsh Nasri, which is now in the
# hands of" (characters); farther apart, the place is mentioned for another reason.
PLACE_GAP_CHARS = 45
# Words beside a place's name that make the statement about part of it ("rebel-held eastern Aleppo"):
# the place as a whole is not held by that side.
PART_WORDS = frozenset({"eastern", "western", "northern", "southern", "east", "west", "north", "south",
                        "side", "part", "parts", "districts", "neighbourhoods", "neighborhoods", "areas",
                        "outskirts", "countryside", "suburb", "suburbs", "half", "sector", "sectors"})
# Characters after a city's name that are read for a part of it ("Aleppo's eastern districts").
PART_AFTER_CHARS = 25
# Words that open another clause: a place after one of them is not the one the cue is about ("under
# siege since government forces closed Castello Road").
CLAUSE_WORDS = frozenset({"since", "after", "when", "while", "because", "until", "before", "as", "which",
                          "that", "who"})
DASHES = "-‐‑‒–—"


class ControlCueError(SitrepError):
    """The control-cue lexicon is unreadable or malformed."""


@dataclass(frozen=True, slots=True)
class ControlCues:
    """The cue phrases of `control_cues.yaml`, compiled. Built once and passed in."""

    holder_after: tuple[re.Pattern[str], ...]
    holder_before: tuple[re.Pattern[str], ...]
    holder_around: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]
    holder_reversed: tuple[re.Pattern[str], ...]
    besieged: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class ControlStatement:
    """One sentence's word on who holds a place. `text[start:end] == cue`; `evidence` is the sentence."""

    place: Place
    side: str  # "" when a besieged place's holder is not named
    state: str  # held or besieged
    cue: str
    start: int
    end: int
    evidence: str
    evidence_start: int
    fact_status: str = "reported"
    claimant: str = ""


def load_control_cues(path: Path | None = None) -> ControlCues:
    path = path or DEFAULT_CUES_PATH
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ControlCueError(f"control cues {path}: {e}") from e
    if not isinstance(raw, dict):
        raise ControlCueError(f"control cues {path}: expected a mapping of cue lists")
    try:
        return ControlCues(
            holder_after=tuple(_phrase(p) for p in raw.get("holder_after") or ()),
            holder_before=tuple(_phrase(p, adjective=True) for p in raw.get("holder_before") or ()),
            holder_around=tuple((_phrase(a), _phrase(b)) for a, b in raw.get("holder_around") or ()),
            holder_reversed=tuple(_phrase(p) for p in raw.get("holder_reversed") or ()),
            besieged=tuple(_phrase(p) for p in raw.get("besieged") or ()))
    except (TypeError, ValueError) as e:
        raise ControlCueError(f"control cues {path}: malformed entry: {e}") from e


def _phrase(phrase: str, *, adjective: bool = False) -> re.Pattern[str]:
    """A cue phrase as a case-insensitive whole-word pattern; a leading dash matches any dash or none."""
    phrase = str(phrase).strip()
    dashed = phrase[:1] in DASHES
    words = [re.escape(w) for w in phrase.lstrip(DASHES).split()]
    body = r"\s+".join(words)
    if dashed:
        return re.compile(rf"\s?[{DASHES}]\s?{body}\b", re.IGNORECASE)
    start = r"\s" if adjective else r"\b"
    return re.compile(rf"{start}{body}\b", re.IGNORECASE)


def find_control_statements(doc: Any, text: str, places: Sequence[PlaceMention],
                            actors: Sequence[ActorMention], *, cues: ControlCues | None = None,
                            fact_cues: Any | None = None, profile: ConflictProfile | None = None
                            ) -> list[ControlStatement]:
    """Every statement of control in `text` (spaCy's `doc` of it gives the sentences). Pass the fact-cue
    lexicon (`sitrep.events.status.load_fact_cues()`) to tell claims and denials from reports. A place is
    given only to a side the conflict `profile` (the shipped one by default) says can hold ground:
    civilians and an unidentified side hold nothing."""
    cues = cues or load_control_cues()
    profile = profile or default_profile()
    resolved = sorted((p for p in places if p.place is not None), key=lambda p: p.mention.start)
    found: list[ControlStatement] = []
    for sentence in doc.sents:
        start, end = sentence.start_char, sentence.end_char
        in_sentence = _Sentence(text, start, end, [p for p in resolved if start <= p.mention.start < end],
                                [a for a in actors if start <= a.start < end and profile.side(a.side).holds_ground])
        found.extend(in_sentence.statements(cues))
    if fact_cues is not None:
        found = [_with_status(doc, s, fact_cues) for s in found]
    return _one_per_place_and_sentence(found)


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    start: int
    end: int
    places: list[PlaceMention]
    actors: list[ActorMention]

    def statements(self, cues: ControlCues) -> list[ControlStatement]:
        out: list[ControlStatement] = []
        for cue in self._matches(cues.holder_after):
            holder = self._actor_after(cue.end())
            place = self._place_before(cue.start())
            if holder is not None and place is not None:
                out.append(self._statement(place, holder.side, HELD, cue))
        for cue in self._matches(cues.holder_before):
            holder = self._actor_ending_at(cue.start())
            place = self._place_after(cue.end())
            if holder is not None and place is not None:
                out.append(self._statement(place, holder.side, HELD, cue))
        for opening, closing in cues.holder_around:
            for cue in self._matches((opening,)):
                holder = self._actor_after(cue.end())
                place = self._place_before(cue.start())
                after = closing.match(self.text, holder.end + 1) if holder is not None else None
                if holder is not None and after is not None and place is not None:
                    out.append(self._statement(place, holder.side, HELD, cue))
        for cue in self._matches(cues.holder_reversed):
            holder = self._actor_ending_before(cue.start())
            place = self._place_after(cue.end())
            if holder is not None and place is not None:
                out.append(self._statement(place, holder.side, HELD, cue))
        for cue in self._matches(cues.besieged):
            out.extend(self._besieged(cue))
        return out

    def _matches(self, patterns: Sequence[re.Pattern[str]]) -> list[re.Match[str]]:
        return [m for p in patterns for m in p.finditer(self.text, self.start, self.end)]

    def _besieged(self, cue: re.Match[str]) -> list[ControlStatement]:
        place = self._place_after(cue.end()) or self._place_before(cue.start())
        if place is None:
            return []
        # "besieged the terrorists in Tall Kurdi": the actor right after the cue is the one besieged.
        holder = self._actor_after(cue.end()) if place.mention.start > cue.end() else None
        side = holder.side if holder is not None and holder.end <= place.mention.start else ""
        return [self._statement(place, side, BESIEGED, cue)]

    def _actor_after(self, offset: int) -> ActorMention | None:
        near = [a for a in self.actors if offset <= a.start <= offset + HOLDER_GAP_CHARS]
        return min(near, key=lambda a: a.start) if near else None

    def _actor_ending_at(self, offset: int) -> ActorMention | None:
        near = [a for a in self.actors if offset - ADJECTIVE_GAP_CHARS <= a.end <= offset]
        return max(near, key=lambda a: a.end) if near else None

    def _actor_ending_before(self, offset: int) -> ActorMention | None:
        near = [a for a in self.actors if offset - HOLDER_GAP_CHARS <= a.end <= offset]
        return max(near, key=lambda a: a.end) if near else None

    def _place_after(self, offset: int) -> PlaceMention | None:
        near = [p for p in self.places if offset <= p.mention.start <= offset + PLACE_GAP_CHARS
                and not _words(self.text[offset:p.mention.start]) & CLAUSE_WORDS]
        near = [p for p in near if not _names_part(self.text, offset, p)]
        return near[0] if near else None

    def _place_before(self, offset: int) -> PlaceMention | None:
        near = [p for p in self.places if offset - PLACE_GAP_CHARS <= p.mention.end <= offset
                and not _names_part(self.text, p.mention.end, p)]
        return near[-1] if near else None

    def _statement(self, mention: PlaceMention, side: str, state: str, cue: re.Match[str]) -> ControlStatement:
        assert mention.place is not None  # only resolved places reach here
        start, end = _trimmed(self.text, self.start, self.end)
        return ControlStatement(place=mention.place, side=side, state=state, cue=cue.group(0), start=cue.start(),
                                end=cue.end(), evidence=self.text[start:end], evidence_start=start)


def _names_part(text: str, offset: int, mention: PlaceMention) -> bool:
    """"rebel-held eastern Aleppo", "Aleppo's eastern districts": the words between the cue (at `offset`)
    and a place's name, or just after the name, speak of part of the place only."""
    lo, hi = sorted((offset, mention.mention.start))
    after = text[mention.mention.end:mention.mention.end + PART_AFTER_CHARS]
    return bool((_words(text[lo:hi]) | _words(after)) & PART_WORDS)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _with_status(doc: Any, statement: ControlStatement, fact_cues: Any) -> ControlStatement:
    verdict = assess_statement(doc, statement.evidence_start,
                               statement.evidence_start + len(statement.evidence), fact_cues,
                               trigger=statement.start + (1 if statement.cue[:1].isspace() else 0))
    return replace(statement, fact_status=verdict.fact_status, claimant=verdict.claimant)


def _one_per_place_and_sentence(statements: list[ControlStatement]) -> list[ControlStatement]:
    """Several cues in one sentence about one place ("besieged and encircled") make one statement; a
    holder's statement wins over a siege without holder."""
    kept: dict[tuple[str, int], ControlStatement] = {}
    for statement in sorted(statements, key=lambda s: (s.start, s.state != HELD)):
        key = (statement.place.place_id, statement.evidence_start)
        old = kept.get(key)
        if old is None or (not old.side and statement.side):
            kept[key] = statement
    return sorted(kept.values(), key=lambda s: (s.start, s.place.place_id))
