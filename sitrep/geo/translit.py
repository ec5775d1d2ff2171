"""Transliteration-tolerant keys for Arabic place names written in Latin (and Arabic) script.

Two keys per name:

- `skeleton(name)`: a coarse consonant skeleton used to *retrieve* candidates. Vowels, doubled letters,
  articles, apostrophes and ʿ marks vanish; letters that romanisations confuse fall together
  (q/k/g/c, kh/h, gh/g, dh/z, th/t, sh/ch/s, ou/oo/u...). "Daarayyaa" and "Darayya" share "dr";
  Arabic كنسبا and "Kinsibba" share "knsb".
- `phonetic(name)`: a finer key used to *score* candidates: the same folding, but every vowel group
  becomes one "a" and y/w stay, so "Darayya" ("daraya") and "Daraa" ("dara") stay apart.

Both are pure functions of the name. The gazetteer file stores both keys of every name (so loading it
computes none), and `Spelling` bundles what `name_similarity` compares so each spelling is keyed once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Marks that romanisations use for ʿayn, hamza and elision; they carry no consonant we can match on.
_APOSTROPHES = "'`´ʻʼʽʾʿ‘’‛′″\u02b9\u02bc\u02c8"
_APOSTROPHE_RE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z\u0600-\u06ff]+")

# The Arabic definite article and its sun-letter assimilations, written as a separate token.
ARTICLES = frozenset({"al", "el", "il", "ul", "l", "ad", "adh", "ar", "as", "ash", "at", "ath", "az", "an",
                      "ed", "er", "es", "esh", "et", "ez", "en"})

# Latin letters folded to one consonant class before vowels are dropped, longest first.
_DIGRAPHS = (
    ("tch", "s"), ("dj", "j"), ("kh", "h"), ("gh", "g"), ("dh", "z"), ("th", "t"), ("sh", "s"),
    ("ch", "s"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("g", "k"), ("x", "ks"),
    ("v", "f"), ("p", "b"), ("ß", "s"),
)
_DIGRAPH_RE = re.compile("|".join(re.escape(a) for a, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)

# Arabic letters romanised to the same consonant classes as `_DIGRAPHS` produces.
_ARABIC = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "h", "د": "d", "ذ": "z", "ر": "r", "ز": "z",
    "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "k", "ف": "f", "ق": "k",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ى": "", "ة": "", "ا": "",
    "أ": "", "إ": "", "آ": "", "ء": "", "ؤ": "w", "ئ": "y", "پ": "b", "چ": "j", "ژ": "z", "ڤ": "f",
    "ک": "k", "گ": "k", "ی": "y", "ۀ": "", "ە": "",
}
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
_VOWELS = frozenset("aeiou")
# Arabic generic words that begin place names ("Hawsh al-Farah", "Tell Kurdi", "Kafr Hamra"): shared by
# thousands of names, so two names agree only if what follows the generic word agrees too.
# The French-style romanisations that GeoNames' alternate names use ("Haouch", "Djebel", "Kheurbet") are
# listed too: they are the same words.
GENERIC_PREFIXES = frozenset("""tell tall tal tel jabal jebel jabel djebel jbel hawsh housh hosh haush haouch
hauch kafr kfar kfer kafar kafer deir dayr dair ayn ain ein khirbet khirbat kherbet kheurbet khirbit kharab
beit bayt bait marj merj wadi ouadi mazraat mazraet mazraa mazraah qasr bir tallet tallat rasm jubb joubb
qalaat qalat kalaat kefr kefer kefar kfair kufur kufayr khirab kharaib kheurbe khraibate khuraybat kharabat
khurbat tulul tloul tilal kasr djoub der ras mount""".split()) | frozenset("تل تلة خربة حوش دير كفر عين جبل بيت مرج وادي مزرعة قصر بير رسم جب قلعة رأس".split())


def fold(name: str) -> str:
    """Lower-case ASCII-ish form: diacritics and apostrophes removed, other punctuation made spaces."""
    if name.isascii():
        text = name
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE_RE.sub("", text.lower()).replace("ı", "i").replace("ø", "o").replace("æ", "ae")
    return _NON_ALNUM_RE.sub(" ", text).strip()


def strip_articles(tokens: list[str]) -> list[str]:
    """Drop article tokens ("al", "an", "ash"...) and glued articles ("al-", "el" prefixes are split
    by `fold` already); keep a lone token even if it looks like an article."""
    kept = [t for t in tokens if t not in ARTICLES]
    return kept or tokens


def _arabic_token_skeleton(token: str) -> str:
    if token.startswith("ال") and len(token) > 3:
        token = token[2:]
    out = [_ARABIC.get(ch, "") for ch in token]
    # y/w are consonants only at the start, as in the Latin rule below
    return "".join(c for i, c in enumerate(out) if c and (c not in "yw" or i == 0))


def _latin_token_skeleton(token: str) -> str:
    token = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], token)
    out: list[str] = []
    for i, ch in enumerate(token):
        if ch in _VOWELS or (ch in "yw" and i > 0) or (ch == "h" and i == len(token) - 1 and i > 0):
            continue  # vowels, glides and a final ta-marbuta "h" carry no stable consonant
        if out and out[-1] == ch:
            continue  # doubled letters (shadda) are written either way
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """Coarse retrieval key: article-free consonant skeleton, tokens joined by nothing."""
    tokens = strip_articles(fold(name).split())
    parts = [_arabic_token_skeleton(t) if _ARABIC_RE.search(t) else _latin_token_skeleton(t) for t in tokens]
    joined = "".join(parts)
    # collapse doubles across token joins too ("Tall Lahm" ~ "Tallahm")
    return re.sub(r"(.)\1+", r"\1", joined)


def _latin_token_phonetic(token: str) -> str:
    token = re.sub(r"(.)\1+", r"\1", token)  # doubled letters first: "Daarayyaa" -> "daraya"
    token = token.replace("iy", "y")
    token = re.sub(r"(ey|ei|ai)", "ay", token)  # the diphthong written several ways
    token = re.sub(r"(ou|oo|ow|aw)(?![aeiou])", "u", token)  # Hawsh / Housh / Hosh
    token = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], token)
    token = re.sub(r"[aeiou]+", "a", token)
    token = re.sub(r"(.)\1+", r"\1", token)
    if len(token) > 2 and token.endswith("ah"):
        token = token[:-1]  # ta marbuta: -a / -ah / -eh
    return token


@lru_cache(maxsize=200_000)
def phonetic(name: str) -> str:
    """Finer scoring key: like `skeleton` but keeps one "a" per vowel group and the glides y/w."""
    tokens = strip_articles(fold(name).split())
    parts = [_arabic_token_skeleton(t) if _ARABIC_RE.search(t) else _latin_token_phonetic(t) for t in tokens]
    return " ".join(p for p in parts if p)


def split_generic(name: str) -> tuple[str, str]:
    """("hawsh", "al-Shalaq") for "Hawsh al-Shalaq"; ("", name) when the name has no generic first word."""
    parts = name.split(None, 1)
    if len(parts) == 2 and is_generic_word(parts[0]):
        return parts[0], parts[1]
    return "", name


@lru_cache(maxsize=100_000)
def is_generic_word(word: str) -> bool:
    """"Tell", "Kafr", "Hawsh"...: a word of GENERIC_PREFIXES, however written (remembered: names share their
    first words)."""
    return fold(word) in GENERIC_PREFIXES


@dataclass(frozen=True, slots=True)
class Spelling:
    """The keys of one spelling that name similarity compares, computed once per spelling."""

    skeleton: str
    phonetic: str
    arabic: bool  # written in Arabic script: only the skeleton can be compared
    generic_rest: str | None  # phonetic key of what follows a generic first word ("Tell Kurdi": "karda")
    generic_rest_key: str | None = None  # and its skeleton ("krd")


def spelling_from_keys(name: str, skeleton_key: str, phonetic_key: str) -> Spelling:
    """The spelling of `name` whose two keys are known already (stored in the gazetteer file)."""
    generic, rest = split_generic(name)
    if not generic:
        return Spelling(skeleton_key, phonetic_key, is_arabic(name), None)
    return Spelling(skeleton_key, phonetic_key, is_arabic(name), phonetic(rest), skeleton(rest))


@lru_cache(maxsize=200_000)
def spelling(name: str) -> Spelling:
    return spelling_from_keys(name, skeleton(name), phonetic(name))


def deletions(key: str) -> set[str]:
    """Every string one deletion away from `key` (the SymSpell trick: two keys within one edit share one)."""
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def is_arabic(name: str) -> bool:
    return bool(_ARABIC_RE.search(name))
