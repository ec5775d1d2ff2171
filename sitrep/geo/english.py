"""Is a word ordinary English? Judged with a real word list (the `wordfreq` package's English frequencies,
built from Wikipedia, subtitles, news, books, web text and social media; data CC BY-SA 4.0, see NOTICE).

The geoparser needs this because transliterated Arabic names sound like English words to a phonetic
matcher: "Minister" is one edit from "al-Manatir", "State" shares its skeleton with "Satita", "Colonel"
with "Kilanali". A capitalised word that English uses often names a place only with real evidence (see
`sitrep.geo.detect`). wordfreq reads its word list on first use, not on import.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from sitrep.geo.translit import ARTICLES

# A word at least this frequent in English (Zipf scale: log10 of uses per billion words; 3.5 is about once
# in 3 million words, "colonel" 4.4, "state" 3.7, "brig" 3.3) is an English word for the geoparser. Syrian
# place names fall below it ("Homs" 2.8, "Idlib" 2.9, "Manbij" 2.3), save the few that English writes
# as often as ordinary words ("Aleppo" 3.6, "Damascus" 3.6), which the gazetteer names exactly.
ENGLISH_ZIPF = 3.5
# Words joining the parts of a name, which say nothing about whether the name is English.
JOINING_WORDS = frozenset({"of", "the"})
_POSSESSIVE_RE = re.compile(r"[’']s?$")
_SPLIT_RE = re.compile(r"[\s\-]+")


@lru_cache(maxsize=65536)
def english_zipf(word: str) -> float:
    """The word's frequency in English on the Zipf scale (0 when unknown), ignoring case."""
    return float(zipf_frequency(word.lower(), "en"))


def is_english_word(word: str) -> bool:
    """The word, without a possessive ending, is one English uses often ("Minister", "Rebels", "Gen")."""
    bare = _POSSESSIVE_RE.sub("", word).strip("`’'")
    return bool(bare) and english_zipf(bare) >= ENGLISH_ZIPF


def content_words(name: str) -> list[str]:
    """The words of a name other than Arabic articles and joining words ("Church of the Holy Cross":
    Church, Holy, Cross)."""
    words = [_POSSESSIVE_RE.sub("", w).strip("`’'") for w in _SPLIT_RE.split(name)]
    return [w for w in words if w and w.lower() not in ARTICLES and w.lower() not in JOINING_WORDS]


def is_english_phrase(name: str) -> bool:
    """Every content word of the name is ordinary English ("Syria Situation" is not: "Syria" is rare as a
    word, "Prime Minister" is)."""
    words = content_words(name)
    return bool(words) and all(is_english_word(w) for w in words)
