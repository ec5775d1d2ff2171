"""sitrep's own voice in a situation report: neutral side names, plain verbs, loaded terms only as quotes.

Sides are named by the conflict profile's labels for the day (`sitrep/data/conflicts/<name>/conflict.yaml`):
the names a wire service would use ("opposition fighters", never "terrorists" or "revolutionaries"), and
"Assad government forces" or "Syrian transitional government forces" on either side of 8 December 2024.
Anything a source wrote (its name, a title, a place name it gave) that holds a term of the framing lexicon
(`sitrep/data/framing.tsv`) is put in quotation marks, so that the term is the source's word, not ours;
`loaded_in_our_voice` finds any loaded term left outside quotation marks, which tests and the composer use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from types import MappingProxyType
from typing import Final

from sitrep.actors import NEUTRAL, normalize_stance
from sitrep.conflict import UNKNOWN_SIDE, ConflictProfile, default_profile
from sitrep.framing import FramingLexicon, FramingSpan, default_framing_lexicon, find_framing

# What a kind of event is called in a sentence, by ACLED sub-event type (others: the type in lower case).
KIND_WORDS: Final = MappingProxyType({
    "Armed clash": "armed clashes",
    "Government regains territory": "fighting over territory",
    "Non-state actor overtakes territory": "fighting over territory",
    "Air/drone strike": "air strikes",
    "Shelling/artillery/missile attack": "shelling",
    "Remote explosive/landmine/IED": "explosive devices",
    "Suicide bomb": "a suicide bombing",
    "Chemical weapon": "a chemical weapon attack",
    "Grenade": "a grenade attack",
    "Attack": "attacks on civilians",
    "Abduction/forced disappearance": "abductions",
    "Sexual violence": "sexual violence",
})
# Quotation marks around a source's own words.
OPEN_QUOTE: Final = "\u201c"
CLOSE_QUOTE: Final = "\u201d"
# Any quotation, straight or curly, within one line: what is not our voice.
_QUOTATION: Final = re.compile(r"\u201c[^\u201d\n]*\u201d|\"[^\"\n]*\"")


def side_label(side: str, day: date | None = None, profile: ConflictProfile | None = None) -> str:
    """The side's neutral name on `day`, as the conflict `profile` (the shipped one by default) labels it;
    a side the profile does not know is named as unidentified."""
    profile = profile or default_profile()
    return profile.label(side if side in profile.sides else UNKNOWN_SIDE, day)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def kind_words(sub_event_type: str) -> str:
    return KIND_WORDS.get(sub_event_type, sub_event_type.lower())


def stance_words(stance: str) -> str:
    """A source's stance as an adjective: "pro-government", "opposition", "neutral", "Kurdish"."""
    key = normalize_stance(stance)
    return {"pro-kurdish": "Kurdish", "kurdish": "Kurdish"}.get(key, key or NEUTRAL)


def with_article(word: str) -> str:
    """"a neutral", "an opposition"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def is_partisan(stance: str) -> bool:
    return normalize_stance(stance) != NEUTRAL


def quoted(text: str) -> str:
    """A source's words in quotation marks (inner quotation marks become single ones)."""
    return OPEN_QUOTE + text.replace(OPEN_QUOTE, "\u2018").replace(CLOSE_QUOTE, "\u2019").replace('"', "'") \
        + CLOSE_QUOTE


def as_name(text: str, lexicon: FramingLexicon | None = None) -> str:
    """A name a source gave (publisher, place, title) as it stands, or in quotation marks when it holds a
    loaded term: then the term is the source's word, not sitrep's."""
    return quoted(text) if loaded_in_our_voice(text, lexicon) else text


def loaded_in_our_voice(text: str, lexicon: FramingLexicon | None = None) -> list[FramingSpan]:
    """The loaded terms of `text` that stand outside any quotation."""
    bare = _QUOTATION.sub(lambda m: " " * len(m.group()), text)
    return find_framing(bare, lexicon or default_framing_lexicon())


def day_words(day: date) -> str:
    """A day as "28 July 2016"."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def days_words(days: Sequence[date]) -> str:
    """A set of days: "28 July 2016", "28 July 2016 and 2 more days", "between 1 and 9 August 2016"."""
    ordered = sorted(set(days))
    if len(ordered) == 1:
        return f"on {day_words(ordered[0])}"
    first, last = ordered[0], ordered[-1]
    if (first.year, first.month) == (last.year, last.month):
        return f"between {first.day} and {day_words(last)}"
    return f"between {day_words(first)} and {day_words(last)}"


def listed(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    names = list(dict.fromkeys(items))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def sources_words(stances: Sequence[str]) -> str:
    """Who reports it, by stance: "a single pro-government source", "two sources (neutral, opposition)"."""
    if len(stances) == 1:
        return f"a single {stance_words(stances[0])} source"
    kinds = sorted({stance_words(s) for s in stances})
    return f"{len(stances)} sources ({', '.join(kinds)})"
