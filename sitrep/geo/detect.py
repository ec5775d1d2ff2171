"""Find the stretches of a report that name places.

Detection combines three signals, none of which suffices alone:
- the gazetteer itself: word sequences whose transliteration key matches a known name;
- context: feature words ("Humra hill", "village of Shillif", "Obari farms"), Arabic generic prefixes
  ("Hawsh al-Shalaq", "Tell Kurdi"), section headings ("Lattakia:") and lists that start with a place
  ("‘Ayn Al-Qantara and Hinsibba");
- spaCy's part-of-speech tags and entities, to keep English words, nationalities, dates and armed groups
  out (spaCy alone tags "Zuwayqaat" as a PERSON, so its entities only add unknown names, never veto a
  strong gazetteer match).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from sitrep.geo.cities import FOREIGN_TABLE
from sitrep.geo.english import content_words, english_zipf, is_english_phrase
from sitrep.geo.gazetteer import PACKAGE_DATA, Gazetteer
from sitrep.geo.translit import ARTICLES, GENERIC_PREFIXES, fold, is_generic_word, skeleton, strip_articles
from sitrep.model import Mention

# A word: letters with inner apostrophes, backticks and hyphens ("Ma’aarat", "al-Ashrafiyah", "Liwaa`").
WORD_RE = re.compile(r"[^\W\d_](?:[\w’'`ʿ‘\u00b4]*[^\W_]|)(?:-[^\W_][\w’'`ʿ‘]*)*[`’']?", re.UNICODE)
# The longest place name we try to match, in words ("Ma'arrat al-Nu'man al-Kabira" is 4).
MAX_NAME_WORDS = 5
# A number that may begin a name ("1070 Apartments", "the 17th Division base"), the words that may follow
# it (a space, then a word in any case), and how many of them we try.
NUMBER_RE = re.compile(r"(?<![\w.,])\d{1,5}(?:st|nd|rd|th)?\b(?![.,]\d)")
NUMBERED_WORD_RE = re.compile(r"[ \t]([^\W\d_][\w’'-]*)")
NUMBERED_NAME_WORDS = 3
# An English possessive ending a name ("Darayya's"): no part of the name.
POSSESSIVE_RE = re.compile(r"[’']s$")
# Two words belong to one name only when separated by this (spaces or a hyphen, no punctuation).
JOINER_RE = re.compile(r"[ \t\u00a0]{1,2}|-")
# What stands between the two towns a road joins ("the Aleppo-Damascus highway", "the Deir ez-Zor–Damascus
# highway", "the Homs / Hama road").
ROAD_ENDS_RE = re.compile(r"[ \t]?[-–—/][ \t]?")

FEATURE_WORDS = {
    "hill": "hill", "hills": "hill", "mount": "hill", "mountain": "hill", "heights": "hill",
    "camp": "camp", "farm": "farm", "farms": "farm", "district": "district", "districts": "district",
    "neighbourhood": "district", "neighborhood": "district", "quarter": "district", "suburb": "district",
    "road": "road", "highway": "road", "roundabout": "road", "crossroad": "road", "crossroads": "road",
    "village": "village", "villages": "village", "town": "town", "city": "city", "airport": "airport",
    "airbase": "airport", "base": "base", "dam": "dam", "area": "area",
    # a town's countryside (rif) is the unit around it: its governorate where it is a governorate's
    # capital ("Idleb countryside"), else its district ("Jableh countryside"); so are a report's "regions"
    "countryside": "region", "region": "region", "regions": "region",
    "provinces": "governorate", "governorates": "governorate",
    "plain": "region", "plains": "region", "valley": "region", "junction": "road", "bridge": "bridge",
    "crossing": "bridge", "province": "governorate", "governorate": "governorate",
    # a prison, like a base, is a compound the gazetteer rarely names ("the Ghwayran prison")
    "prison": "base", "jail": "base",
    # a building named for itself or for the settlement it stands in ("the Mar Elias Church", "the Atareb
    # hospital", "the Al-Hikma school")
    "church": "building", "mosque": "building", "shrine": "building", "hospital": "building",
    "school": "building",
}
# A building named "<kind> of (the) <Capitalised words>" ("Church of the Holy Cross"): see `_buildings_of`.
BUILDING_OF_RE = re.compile(
    r"\b(?:Church|Mosque|Monastery|Cathedral|Shrine|Convent)\s+of\s+(?:the\s+|Saint\s+|St\.?\s+|Our\s+)?"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}")
# English feature words that begin a name ("Mount Qassioun", "Mount Hermon"): the feature it names.
NAMING_FEATURES = {"mount": "hill"}
# Feature words written before the name: "the village of Shillif".
PREFIX_FEATURE_RE = re.compile(
    r"\b(village|town|city|district|neighbo(?:u)?rhood|hill|area|outskirts|suburb|camp|countryside|province|governorate)s?"
    r"\s+of\s+$",
    re.IGNORECASE)
# A word at least this common in English (Zipf scale; "Bedouin" 2.8, "Chechen" 2.9; Syrian place names English
# spells its own way sit above it too, but the gazetteer has them letter for letter) needs more than a
# sound-alike in the gazetteer to be a place (see `_known_word_only_sounding_like`).
KNOWN_WORD_ZIPF = 2.0
# "rural" right before a name: its countryside, as "Idlib countryside" ("rural Idlib", "rural Hama").
RURAL_BEFORE_RE = re.compile(r"\brural[ \t]+$", re.IGNORECASE)
# The article glued to a name by a hyphen, in every assimilated form ("al-", "ash-", "ez-" of "Deir ez-Zor").
ARTICLE_PREFIX_RE = re.compile(rf"^(?:{'|'.join(sorted(ARTICLES, key=len, reverse=True))})-", re.IGNORECASE)
DIRECTIONS = frozenset(["west", "western", "east", "eastern", "north", "northern", "south", "southern", "central", "northwest", "northeast", "southwest", "southeast", "north-west", "north-east", "south-west", "south-east", "central-east", "central-west", "central-north", "central-south"])
# Words that, right after a name, make it an armed group rather than a place ("Hamza Division").
GROUP_WORDS = frozenset(["brigade", "brigades", "forces", "force", "division", "front", "army", "battalion", "battalions", "regiment", "corps", "commandos", "hawks", "movement", "militia", "militias", "group", "council", "party", "guard", "guards", "legion", "unit", "units", "shield"]) | frozenset(
    ["storm", "wrath"])  # military operations named for a place ("Jazira Storm", "Wrath of Euphrates")
# Words that, right before a name, start an armed group's name ("Liwa al-Quds", "Jaysh al-Islam").
GROUP_PREFIXES = frozenset(["liwa", "liwaa", "jaysh", "jaish", "jaish", "harakat", "harakah", "faylaq", "failaq", "kataib", "katibat", "jabhat", "jabha", "ahrar", "tajammu", "ansar", "junud", "jund", "saraya"])
# spaCy entity labels that are never places.
NOT_PLACE_ENTITIES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})
# Of those, the labels spaCy puts on unknown capitalised words too ("near Tardeen" as a DATE): a word so
# labelled is vetoed only when it is a number or a calendar word, else merely doubtful.
CALENDAR_ENTITIES = frozenset({"DATE", "TIME"})
CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.month_name[1:], *calendar.month_abbr[1:],
                                               *calendar.day_name, *calendar.day_abbr)) | frozenset(
    "today yesterday tomorrow tonight morning evening night noon midnight week weekend month year day "
    "dawn dusk hour hours ramadan eid christmas easter new".split())
# Last parts of hyphenated modifiers that describe the name that follows ("Kurdish-run Sheikh Maqsoud",
# "Rebel-held Douma"): such a word is no part of a place name.
MODIFIER_SUFFIXES = frozenset("run held controlled led backed dominated occupied besieged populated allied "
                              "affiliated linked majority based".split())
# Entity labels and parts of speech that spaCy often gets wrong on Arabic names ("Aleppo" as NORP,
# "Zuwayqaat" as PERSON): such a word is a place only on a near-exact gazetteer match.
DOUBTFUL_ENTITIES = frozenset({"NORP", "PERSON", "ORG", "LANGUAGE", "LAW", "WORK_OF_ART", "PRODUCT",
                               "EVENT"})
DOUBTFUL_POS = frozenset({"NOUN", "ADJ"})
# Parts of speech of a word that may begin a longer known name though it is no name alone ("New Aleppo"),
# and the entity labels that rule that out ("Joe Biden" is no "Qanat ash Shaykh ...").
NAME_START_POS = frozenset({"PROPN", "NOUN", "ADJ"})
PEOPLE_ENTITIES = frozenset({"PERSON", "ORG"})
MIN_SIM_DOUBTFUL = 0.9
MIN_DOUBTFUL_LETTERS = 4  # "Map", "Sea": too short to take spaCy's doubt away
# An all-capitals word this short is an acronym (SAA, NDF, YPG, NE, SW), not a place name.
MAX_ACRONYM = 5
# What a person or an outlet does with words: right after a name ("Idris said", "Rudaw reported"), or
# before it ("told Rudaw", "in an interview with Al Arabiya", "according to SANA").
SPEECH_AFTER_RE = re.compile(
    r"[’']?s?,?[ \t]+(?:said|says|told|tells|wrote|writes|reported|reports|stated|states|added|announced|"
    r"claimed|claims|tweeted|posted|noted|confirmed|denied|quoted|cited|warned)\b")
SPEECH_BEFORE_RE = re.compile(
    r"\b(?:told|tells|telling|interview with|interviewed by|speaking to|spoke to|according to|quoted by|"
    r"reported by|cited by|broadcast by|aired by|wrote for|writing for)\s+(?:the\s+)?$", re.IGNORECASE)
# Titles and ranks written before a person's name ("Colonel Samha" names a man; "Sheikh", which also
# begins place names, is left out).
TITLE_WORDS = frozenset("""general gen colonel col lieutenant lt major maj captain capt brigadier brig sergeant
sgt commander cmdr admiral adm marshal president minister premier spokesman spokeswoman spokesperson envoy
ambassador mr mrs ms dr prof professor imam mufti emir prince king queen judge governor mayor deputy
chief leader""".split())
# Plural feature words that a list of names shares ("Hama and Raqqa provinces"), and what joins the list.
PLURAL_UNIT_WORDS = frozenset({"provinces", "governorates", "regions", "districts", "villages", "towns"})
LIST_JOINER_RE = re.compile(r"\s*(?:,|and|&|,\s*and)\s*")
# Grades of a gazetteer match (see `_match_grade`).
NO_MATCH, FUZZY_MATCH, EXACT_MATCH = 0, 1, 2
# Levels of how a word may start a name.
CANNOT, DOUBTFUL, LIKELY = 0, 1, 2
# Parts of speech of function words: never the first word of a place name.
FUNCTION_POS = frozenset({"AUX", "PRON", "DET", "ADP", "CCONJ", "SCONJ", "NUM", "PART", "SYM", "PUNCT"})
# Parts of speech a place name's first word rarely has.
NOT_NAME_POS = frozenset({"VERB", "AUX", "PRON", "DET", "ADP", "CCONJ", "SCONJ", "NUM", "PART", "INTJ",
                          "ADV", "SYM", "PUNCT"})
# Minimum phonetic similarity (0..1) for a gazetteer match: exact skeleton, one-edit skeleton, and for
# short skeletons (two consonants or fewer, e.g. "md", "dr"), which collide with many unrelated names.
MIN_SIM_EXACT_KEY = 0.72
MIN_SIM_FUZZY_KEY = 0.80
MIN_SIM_SHORT_KEY = 0.90
SHORT_KEY = 2
# A name that is ordinary English ("Minister", "Rebels", "State") names a place only with evidence: a
# feature word, a place preposition right before it, or an exact name of a place this prominent (a kind
# of place, or a population: people).
PROMINENT_KINDS = frozenset({"city", "town", "governorate", "region"})
PROMINENT_POPULATION = 10_000
# Prepositions that put the name after them on the map ("shelled positions near Samha"). Not "to" or
# "from", which also take media and people ("according to State TV", "a letter from Colonel ...").
PLACE_PREPOSITION_RE = re.compile(
    r"\b(?:in|near|at|into|toward|towards|outside|around|inside|across|through|via|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of)\s+(?:the\s+)?$",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str
    ends_name: bool = False  # the left side of two places joined by a hyphen ("Aleppo" of "Aleppo-Damascus")

    @property
    def lower(self) -> str:
        return self.text.lower()


def is_foreign(surface: str, foreign: frozenset[str]) -> bool:
    """The surface names a place outside Syria or no place ("Turkey", "Turkey's", "Saudi", "Beirut",
    "southern Lebanon")."""
    name = fold(POSSESSIVE_RE.sub("", surface))
    first, _, rest = name.partition(" ")
    head, _, last = name.rpartition(" ")
    # "southern Lebanon", "Kurdistan Region", "the Lebanon border"
    return name in foreign or (first in DIRECTIONS and rest in foreign) or \
        ((last in FEATURE_WORDS or last in ("border", "borders")) and head in foreign)


@lru_cache(maxsize=1)
def foreign_names(paths: tuple[Path, ...] = (PACKAGE_DATA / "foreign_names.txt", FOREIGN_TABLE)) -> frozenset[str]:
    """Names of places outside Syria: the maintainers' list and GeoNames' cities (see sitrep.geo.cities)."""
    lines = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines()]
    return frozenset(fold(line) for line in lines if line.strip() and not line.startswith("#"))


def tokenize_words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(text)]


class TokenInfo:
    """Per-character access to spaCy's analysis (or nothing, when no pipeline is passed)."""

    def __init__(self, doc: Any | None, length: int) -> None:
        self.doc = doc
        self.ents: tuple[Any, ...] = tuple(doc.ents) if doc is not None else ()  # Doc.ents builds spans anew
        self._index: list[int] = []
        if doc is not None:
            self._index = [-1] * (length + 1)
            for token in doc:
                for i in range(token.idx, min(length, token.idx + len(token.text))):
                    self._index[i] = token.i

    def token(self, char: int) -> Any | None:
        if self.doc is None or char >= len(self._index) or self._index[char] < 0:
            return None
        return self.doc[self._index[char]]


def _joined(text: str, a: Word, b: Word) -> bool:
    return not a.ends_name and bool(JOINER_RE.fullmatch(text[a.end:b.start]))


def _is_capitalised(word: Word) -> bool:
    if word.text[0].isupper():
        return True
    article = ARTICLE_PREFIX_RE.match(word.text)  # "al-Bab", "ash-Shughour": the name after the article
    if not article:
        return False
    rest = word.text[article.end():article.end() + 1]
    # "al-bab" is a name written carelessly; "at-risk" and "en-route" are English
    return rest.isupper() or (rest.isalpha() and word.lower[:3] in ("al-", "el-"))


def _is_modifier(word: Word) -> bool:
    """"Kurdish-run", "Rebel-held": a hyphenated description of the place named after it."""
    parts = word.lower.split("-")
    return len(parts) > 1 and parts[-1] in MODIFIER_SUFFIXES


def _lowercase_words(text: str) -> frozenset[str]:
    """Words the text writes in lower case: a capitalised one of them is an English word at a sentence's
    start ("Regime and Russian warplanes ... the regime"), not a name."""
    return frozenset(m.group(0) for m in re.finditer(r"\b[a-z][a-z]+\b", text))


def _start_level(word: Word, info: TokenInfo) -> int:
    """How a place name may begin with this word (before any gazetteer look-up): CANNOT, DOUBTFUL, LIKELY."""
    if not _is_capitalised(word) or _is_modifier(word):
        return CANNOT
    bare = POSSESSIVE_RE.sub("", word.text).strip("`’'")  # "SANA's": an acronym with a possessive
    if (bare.isupper() and len(bare) <= MAX_ACRONYM) or fold(bare) in GROUP_PREFIXES:
        return CANNOT
    if ARTICLE_PREFIX_RE.match(word.text) or fold(word.text) in ("al", "el") or fold(bare) in GENERIC_PREFIXES:
        return LIKELY
    token = info.token(word.start)
    if token is None:
        return LIKELY if word.lower not in STOP_WORDS else CANNOT
    if token.ent_type_ in CALENDAR_ENTITIES and not _calendar_word(token.text):
        return DOUBTFUL if len(bare) >= MIN_DOUBTFUL_LETTERS else CANNOT
    if token.ent_type_ in NOT_PLACE_ENTITIES or token.is_stop or token.pos_ in FUNCTION_POS:
        return CANNOT
    if token.pos_ in NOT_NAME_POS:
        # the small model tags rare capitalised names as verbs ("liberated Shillif"): mid-sentence such a
        # word may still be a place, on a near-exact gazetteer match
        mid_sentence = not token.is_sent_start and len(bare) >= MIN_DOUBTFUL_LETTERS
        return DOUBTFUL if mid_sentence else CANNOT
    if token.is_sent_start and token.pos_ != "PROPN" and not token.ent_type_:
        return CANNOT
    if token.ent_type_ in DOUBTFUL_ENTITIES or token.pos_ in DOUBTFUL_POS:
        return DOUBTFUL if len(bare) >= MIN_DOUBTFUL_LETTERS else CANNOT
    return LIKELY


def _short_name_word(word: Word, info: TokenInfo) -> bool:
    """A short capitalised proper noun that spaCy took for part of a name ("Mar" of "Mar Elias Church",
    "Deir" of "Deir Mar Musa"): too short to stand alone as a doubtful place, but it may begin the name that a
    feature word ends."""
    token = info.token(word.start)
    bare = word.text.strip("`’'")
    return token is not None and token.pos_ == "PROPN" and not token.is_stop and not bare.isupper() \
        and token.ent_type_ not in NOT_PLACE_ENTITIES and fold(bare) not in GROUP_PREFIXES


def _calendar_word(text: str) -> bool:
    return any(ch.isdigit() for ch in text) or text.lower().rstrip(".") in CALENDAR_WORDS


def _strength_ok(surface: str, gazetteer: Gazetteer, level: int = LIKELY, sentence_start: bool = False) -> bool:
    """A gazetteer match good enough to count as a mention."""
    return _match_grade(surface, gazetteer, level, sentence_start) > NO_MATCH


def _match_grade(surface: str, gazetteer: Gazetteer, level: int = LIKELY, sentence_start: bool = False) -> int:
    """How the gazetteer knows the surface: NO_MATCH, FUZZY_MATCH (one edit away) or EXACT_MATCH (a name
    with its very skeleton), each above the similarity floors."""
    key = skeleton(surface)
    if not key:
        return NO_MATCH
    grade = NO_MATCH
    for hit in gazetteer.lookup(surface, fuzzy=level == LIKELY):
        sim = hit.similarity
        floor = MIN_SIM_EXACT_KEY if hit.exact else MIN_SIM_FUZZY_KEY
        if not hit.exact and sentence_start:
            continue  # a typo-distance match on a sentence's first word is too often an English word
        if len(key) <= SHORT_KEY:
            floor = MIN_SIM_SHORT_KEY
        if level == DOUBTFUL:
            floor = max(floor, MIN_SIM_DOUBTFUL) if len(key) > SHORT_KEY else 1.0
        if sim >= floor:
            grade = max(grade, EXACT_MATCH if hit.exact else FUZZY_MATCH)
    return grade


def _next_word(words: list[Word], j: int, text: str) -> Word | None:
    if j + 1 < len(words) and _joined(text, words[j], words[j + 1]):
        return words[j + 1]
    return None


def _feature_after(words: list[Word], j: int, text: str) -> str:
    following = _next_word(words, j, text)
    return FEATURE_WORDS.get(following.lower, "") if following else ""


def _is_group_name(words: list[Word], i: int, j: int, text: str) -> bool:
    """words[i..j] is (part of) an armed group's name: a group word ends it or the capitalised words
    that go on from it ("Sham Legion", "Nour al-Din al-Zenki Movement"), a group prefix starts it
    ("Liwa al-Quds"), or it follows "<group word> of" ("Army of Mujahideen")."""
    if j > i and words[j].lower.strip("`’'") in GROUP_WORDS:
        return True
    k = j
    while k - j < MAX_NAME_WORDS and (following := _next_word(words, k, text)) is not None and \
            (_is_capitalised(following) or following.lower in ("al", "el")):
        if following.lower.strip("`’'") in GROUP_WORDS:
            return True
        k += 1
    group_of = re.search(r"([^\W\d_]+)\s+of\s+(?:the\s+)?$", text[max(0, words[i].start - 30):words[i].start])
    if group_of and group_of.group(1).lower() in GROUP_WORDS:
        return True
    if i > 0 and _joined(text, words[i - 1], words[i]):
        before = fold(words[i - 1].text).split()
        return bool(before) and before[0] in GROUP_PREFIXES
    return False


def detect_mentions(text: str, gazetteer: Gazetteer, doc: Any | None = None, *, doc_id: str = "",
                    exclude: Iterable[tuple[int, int]] = ()) -> list[Mention]:
    """Every place mention in `text`, in order, non-overlapping. `doc` is spaCy's analysis of the same
    text (optional); `exclude` are spans known not to be places (e.g. actor names)."""
    foreign = foreign_names()
    words = _split_joined_places(tokenize_words(text), gazetteer, foreign)
    info = TokenInfo(doc, len(text))
    blocked = sorted(exclude)
    mentions = [m for m in _numbered_names(text, gazetteer, doc_id) + _buildings_of(text, doc_id)
                if not _overlaps(m, blocked)]
    taken = sorted(blocked + [(m.start, m.end) for m in mentions])
    lowercase = _lowercase_words(text)
    i = 0
    while i < len(words):
        found = _match_at(words, i, text, gazetteer, info, foreign, doc_id, lowercase)
        if found is None or _overlaps(found[0], taken):
            i += 1
            continue
        mention, last = found
        mentions.append(mention)
        i = last + 1
    mentions = _road_ends(_join_sound_alikes(sorted(mentions, key=lambda m: m.start), text, gazetteer), text)
    mentions = _add_list_members(mentions, words, text, info, foreign, doc_id, blocked)
    mentions = _add_entities(mentions, info, foreign, doc_id, blocked, text)
    mentions = _drop_surnames(mentions, info, text)
    return _share_plural_units(sorted(mentions, key=lambda m: m.start), text)


def _drop_surnames(mentions: list[Mention], info: TokenInfo, text: str) -> list[Mention]:
    """"Ahmed al-Sharaa ... with Sharaa struggling": once a report names a person in full, the bare last
    name is that person, not a village of the sound ("Sharaa"), unless a place preposition or feature word
    says it is a place ("in Sharaa")."""
    people = [e for e in info.ents if e.label_ == "PERSON"
              and not any(m.start < e.end_char and e.start_char < m.end for m in mentions)]  # not "Salah Eddin"
    names = [strip_articles(fold(e.text).split()) for e in people]
    surnames = {name[-1] for name in names if len(name) > 1 and name[0] not in GROUP_PREFIXES}
    return [m for m in mentions if m.feature or " " in m.name.strip()
            or " ".join(strip_articles(fold(m.name).split())) not in surnames
            or PLACE_PREPOSITION_RE.search(text[max(0, m.start - 30):m.start])]


def _split_joined_places(words: list[Word], gazetteer: Gazetteer, foreign: frozenset[str]) -> list[Word]:
    """"Aleppo-Damascus" (of "the Aleppo-Damascus highway") is two places joined by a hyphen, not one name:
    a hyphenated word whose two sides are each a prominent place (see PROMINENT_KINDS) or a place abroad, or
    known names where the whole is none, is split at the hyphen. Articles ("ez-Zor", "al-Bab") and generic words ("Tal-Abyad") hold on."""
    out: list[Word] = []
    for word in words:
        cut = word.text.find("-")
        left, right = word.text[:cut], word.text[cut + 1:]
        if cut < 1 or "-" in right or not (left[:1].isupper() and right[:1].isupper()) or \
                ARTICLE_PREFIX_RE.match(word.text) or is_generic_word(left) or is_generic_word(right) or \
                not (all(is_foreign(part, foreign) or _is_prominent(part, gazetteer) for part in (left, right)) or
                     _two_known_names(word.text, left, right, gazetteer)):
            out.append(word)
            continue
        out += [Word(word.start, word.start + cut, left, ends_name=True), Word(word.start + cut + 1, word.end, right)]
    return out


def _two_known_names(whole: str, left: str, right: str, gazetteer: Gazetteer) -> bool:
    """"Mayda'a-Nashabiyah" (of "the Mayda'a-Nashabiyah axis"): the gazetteer knows each side exactly and
    not the whole, and neither side is too short to be a name of its own."""
    return all(len(fold(part)) >= MIN_DOUBTFUL_LETTERS and _match_grade(part, gazetteer) == EXACT_MATCH
               for part in (left, right)) and _match_grade(whole, gazetteer) == NO_MATCH


def _is_prominent(name: str, gazetteer: Gazetteer) -> bool:
    """The gazetteer names a city, a town, a governorate or a populous place (near) exactly so."""
    return any(h.place.kind in PROMINENT_KINDS or h.place.population >= PROMINENT_POPULATION
               for h in gazetteer.lookup(name, fuzzy=False) if h.similarity >= MIN_SIM_DOUBTFUL)


def _road_ends(mentions: list[Mention], text: str) -> list[Mention]:
    """In "the Aleppo-Damascus highway" the towns are the road's ends: the last of them is the town, not an
    unknown road named after it."""
    out = list(mentions)
    for k in range(1, len(out)):
        prev, road = out[k - 1], out[k]
        if road.feature == "road" and not prev.feature and road.name and road.surface.startswith(road.name) \
                and ROAD_ENDS_RE.fullmatch(text[prev.end:road.start]):
            out[k] = replace(road, surface=road.name, end=road.start + len(road.name), feature="",
                             cues=tuple(c for c in road.cues if c != "context") or ("gazetteer",))
    return out


def _join_sound_alikes(mentions: list[Mention], text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Two names side by side, one space apart, of which one the gazetteer knows only by a like-sounding
    name ("the town of Sheikhlar Shuyukh"), are one name it does not know: English prose separates two
    places with a comma, a conjunction or a preposition."""
    out: list[Mention] = []
    for mention in mentions:
        prev = out[-1] if out else None
        if prev is not None and text[prev.end:mention.start] == " " and prev.surface == prev.name and \
                "gazetteer" in prev.cues and "gazetteer" in mention.cues and \
                FUZZY_MATCH in (_match_grade(prev.name, gazetteer), _match_grade(mention.name, gazetteer)):
            feature = mention.feature or prev.feature
            name = text[prev.start:mention.start + len(mention.name)] if mention.name else ""
            out[-1] = Mention(doc_id=mention.doc_id, surface=text[prev.start:mention.end], start=prev.start,
                              end=mention.end, feature=feature, name=name,
                              cues=("gazetteer", "context") if feature else ("gazetteer",))
            continue
        out.append(mention)
    return out


def _share_plural_units(mentions: list[Mention], text: str) -> list[Mention]:
    """In "Syria's Hama and Raqqa provinces" the plural feature word is every listed name's: a bare
    mention listed right before one that ends in a plural unit word gets its feature."""
    out = list(mentions)
    for k in range(len(out) - 1, 0, -1):
        nxt, prev = out[k], out[k - 1]
        last_word = nxt.surface.split()[-1].lower() if nxt.surface.split() else ""
        if nxt.feature and last_word in PLURAL_UNIT_WORDS and not prev.feature and \
                LIST_JOINER_RE.fullmatch(text[prev.end:nxt.start]):
            out[k - 1] = replace(prev, feature=nxt.feature)
    return out


def _buildings_of(text: str, doc_id: str) -> list[Mention]:
    """A building named by its kind and what it is dedicated to ("the Church of the Holy Cross", "the Mosque
    of the Prophet"), English words the word matcher leaves alone: an unknown building, placed by resolution
    at the settlement beside it."""
    return [Mention(doc_id=doc_id, surface=m.group(0), start=m.start(), end=m.end(), cues=("feature-word",),
                    name=m.group(0), feature="building") for m in BUILDING_OF_RE.finditer(text)]


def _numbered_names(text: str, gazetteer: Gazetteer, doc_id: str) -> list[Mention]:
    """Names that start with a number ("the 1070 apartments project"), which the word matcher skips."""
    found = []
    for number in NUMBER_RE.finditer(text):
        known = _known_numbered_name(text, number, gazetteer)
        if known is not None:
            found.append(Mention(doc_id=doc_id, surface=text[number.start():known], start=number.start(),
                                 end=known, cues=("gazetteer",), name=text[number.start():known]))
    return found


def _known_numbered_name(text: str, number: re.Match[str], gazetteer: Gazetteer) -> int | None:
    """The end of the longest "<number> <words>" at `number` (up to NUMBERED_NAME_WORDS words, in any
    case) that the gazetteer knows exactly, unless its last word names a unit ("4th Division")."""
    run: list[re.Match[str]] = []
    for word in NUMBERED_WORD_RE.finditer(text, number.end()):
        if word.start() != (run[-1].end() if run else number.end()) or len(run) == NUMBERED_NAME_WORDS:
            break
        run.append(word)
    for last in reversed(run):
        if fold(last.group(1)) in GROUP_WORDS:
            continue
        surface = text[number.start():last.end()]
        if any(hit.exact and hit.similarity >= MIN_SIM_DOUBTFUL for hit in gazetteer.lookup(surface, fuzzy=False)):
            return last.end()
    return None


def _overlaps(mention: Mention, blocked: list[tuple[int, int]]) -> bool:
    return any(s < mention.end and mention.start < e for s, e in blocked)


def _make_mention(text: str, words: list[Word], i: int, j: int, cues: tuple[str, ...],
                  doc_id: str) -> tuple[Mention, int]:
    """A mention of words[i..j], extended over a directly following singular feature word."""
    start, end = words[i].start, words[j].end
    name = POSSESSIVE_RE.sub("", text[start:end]).rstrip("`’'")  # "Darayya's": the name is "Darayya"
    feature = _feature_after(words, j, text)
    last = j
    if feature:
        last = j + 1
        end = words[last].end
    elif j > i and words[j].lower in FEATURE_WORDS:  # "Humrah Hill" matched whole: the name is "Humrah"
        feature = FEATURE_WORDS[words[j].lower]
        name = text[start:words[j - 1].end].rstrip("`’'")
    before = PREFIX_FEATURE_RE.search(text[max(0, start - 40):start])
    if before and not feature and not _names_container(before) and \
            not _feature_named_before(text, max(0, start - 40) + before.start()):
        feature = FEATURE_WORDS.get(before.group(1).lower(), "area")
    if not feature and RURAL_BEFORE_RE.search(text[max(0, start - 8):start]):
        feature = "region"  # "rural Damascus", "rural Idlib": the countryside around the town (its rif)
    if not feature and j > i and words[i].lower in NAMING_FEATURES:
        feature = NAMING_FEATURES[words[i].lower]  # "Mount Qassoun": a hill, by its name
    return Mention(doc_id=doc_id, surface=text[start:end], start=start, end=end, cues=cues,
                   feature=feature, name=name), last


def _match_at(words: list[Word], i: int, text: str, gazetteer: Gazetteer, info: TokenInfo,
              foreign: frozenset[str], doc_id: str,
              lowercase: frozenset[str] = frozenset()) -> tuple[Mention, int] | None:
    word = words[i]
    if word.lower in DIRECTIONS and i + 1 < len(words) and _joined(text, word, words[i + 1]):
        # "west Ghouta" may be a place of its own; otherwise the direction is not part of the name
        last_word = _longest_known(words, i, text, gazetteer, foreign, min_words=2, level=DOUBTFUL)
        if last_word is not None:
            return _make_mention(text, words, i, last_word, ("gazetteer",), doc_id)
        return None
    level = _start_level(word, info)
    if level == CANNOT and _opens_with_a_prominent_name(word, i, words, text, gazetteer, lowercase):
        level = DOUBTFUL
    if level == CANNOT:
        # "New" of "New Aleppo", "Old" of "the Old City": too short or too English to be a name alone;
        # "Abu" of "Abu al-Duhour airbase", tagged a person's name, where a feature word says it is a place
        if not _may_start_longer_name(word, info) and not _featured_run(words, i, text):
            return None
        last = _longest_known(words, i, text, gazetteer, foreign, min_words=2, level=DOUBTFUL)
        known = _known_mention(words, i, last, text, info, doc_id)
        return known if known is not None else _unknown_by_context(words, i, text, info, foreign, doc_id)
    # an English word written in lower case elsewhere ("Regime ... the regime") names a place only with others
    min_words = 2 if word.lower in lowercase else 1
    last = _longest_known(words, i, text, gazetteer, foreign, min_words=min_words, level=level)
    if last == i and is_generic_word(word.text):
        last = None  # a lone "Deir" or "Tell" names no place; "Hawsh Al-Shalaq" may be an unknown one
    if last is not None and not _english_name_evidenced(words, i, last, text, gazetteer):
        last = None  # "Minister", "Battle", "Gen": English words that sound like villages
    found = _known_mention(words, i, last, text, info, doc_id)
    return found if found is not None else _unknown_by_context(words, i, text, info, foreign, doc_id)


def _opens_with_a_prominent_name(word: Word, i: int, words: list[Word], text: str, gazetteer: Gazetteer,
                                 lowercase: frozenset[str]) -> bool:
    """"Aleppo offensive (July–August 2016)": a sentence opening with a city's or town's very name, which the
    tagger took for an adjective and the text never writes in lower case, may name the place."""
    return _sentence_start(word, text) and word.lower not in lowercase and _is_prominent(word.text, gazetteer)


def _known_mention(words: list[Word], i: int, last: int | None, text: str, info: TokenInfo,
                   doc_id: str) -> tuple[Mention, int] | None:
    """The gazetteer match words[i..last] as a mention, unless it is (part of) a group's or person's name."""
    if last is None or _is_group_name(words, i, last, text) or _names_speaker(words, i, last, text):
        return None
    if last == i and words[i].lower.rstrip(".") in TITLE_WORDS:
        return None  # "Brig." of "Brig. Gen. Deeb Bazi": a title, whatever village it sounds like
    found = _make_mention(text, words, i, last, ("gazetteer",), doc_id)
    paired = words[last].ends_name or (i > 0 and words[i - 1].ends_name and words[i - 1].end + 1 == words[i].start)
    return None if not paired and _part_of_longer_name(found[0], info, text) else found


def _same_letters(a: str, b: str) -> bool:
    """Two spellings with the same letters, case, marks and Arabic articles aside ("al-Bab", "Al Bab")."""
    return strip_articles(fold(a).split()) == strip_articles(fold(b).split())


def _feature_named_before(text: str, at: int) -> bool:
    """"the Dweila neighbourhood of Damascus", "the Idlib town of Saraqeb": the feature word has a name of its
    own before it, so which of the two names it is cannot be told from the words; the name after "of" keeps
    no feature word and is read by its name alone (a city is not made a district)."""
    word = re.search(r"([^\W\d_][\w’'`-]*)\s+$", text[max(0, at - 40):at])
    return bool(word and word.group(1)[0].isupper() and word.group(1).lower() not in ("the", "a", "an", "this"))


def _names_container(prefix: re.Match[str]) -> bool:
    """"the eastern neighbourhoods of Aleppo", "the districts of Damascus": several parts of one place,
    so what follows is the place they lie in, not a district itself (the villages of a list are villages)."""
    plural = prefix.group(0).split()[0].lower().endswith("s")
    return plural and FEATURE_WORDS.get(prefix.group(1).lower()) == "district"


def _english_name_evidenced(words: list[Word], i: int, last: int, text: str, gazetteer: Gazetteer) -> bool:
    """words[i..last], matched in the gazetteer, may be a place: it is not ordinary English, or it is
    and has evidence of a place (see PROMINENT_KINDS)."""
    surface = POSSESSIVE_RE.sub("", text[words[i].start:words[last].end])
    if not is_english_phrase(surface):
        return not _known_word_only_sounding_like(words, i, last, text, surface, gazetteer)
    if _feature_after(words, last, text) or words[last].lower in FEATURE_WORDS or \
            PREFIX_FEATURE_RE.search(text[max(0, words[i].start - 40):words[i].start]):
        return True
    # spelled exactly so, letter for letter: a sound-alike ("Human", "Himmin") is no evidence
    exact = [h for h in gazetteer.lookup(surface, fuzzy=False) if _same_letters(h.name, surface)]
    if any(h.place.kind in PROMINENT_KINDS or h.place.population >= PROMINENT_POPULATION for h in exact):
        return True  # "Aleppo", "Damascus": English writes them as often as ordinary words
    if exact and len(content_words(surface)) > 1:
        return True  # "Youth Housing", "Arab Houses": a landmark the gazetteer names word for word
    return bool(exact) and bool(PLACE_PREPOSITION_RE.search(text[max(0, words[i].start - 30):words[i].start]))


def _known_word_only_sounding_like(words: list[Word], i: int, last: int, text: str, surface: str,
                                   gazetteer: Gazetteer) -> bool:
    """A word English knows, if rarely ("Bedouin", "Assyrian", "Chechen": a people, not a place), that the
    gazetteer has only a sound-alike of ("Budayghan", "Souran", "Chachan") and nothing marks as a place (a
    feature word, a place preposition): no place. Place names English writes (Homs, Idlib) are spelled
    exactly as the gazetteer has them."""
    if i != last or english_zipf(surface) < KNOWN_WORD_ZIPF:
        return False
    if _feature_after(words, last, text) or PREFIX_FEATURE_RE.search(text[max(0, words[i].start - 40):words[i].start]) \
            or PLACE_PREPOSITION_RE.search(text[max(0, words[i].start - 30):words[i].start]):
        return False
    return not any(_same_letters(h.name, surface) for h in gazetteer.lookup(surface, fuzzy=False))


def _names_speaker(words: list[Word], i: int, last: int, text: str) -> bool:
    """words[i..last] names a person or a news outlet: it says something ("Idris said", "Rudaw
    reported"), is spoken to or quoted ("told Rudaw", "an interview with Al Arabiya"), or follows a title
    ("Maj. Gen. Zaid Saleh", "Defense Minister Fahd al-Freij")."""
    if _speaks(text, words[i].start, words[last].end):
        return True
    # the title may stand before the given name, several words back: skip the capitalised name words
    k = i
    while k > 0 and i - k < MAX_NAME_WORDS and _joined(text, words[k - 1], words[k]) and \
            _is_capitalised(words[k - 1]) and words[k - 1].lower.rstrip(".") not in TITLE_WORDS:
        k -= 1
    if k == 0:
        return False
    between = text[words[k - 1].end:words[k].start]
    return words[k - 1].lower.rstrip(".") in TITLE_WORDS and bool(re.fullmatch(r"\.?[ \t]+", between))


def _speaks(text: str, start: int, end: int) -> bool:
    """text[start:end] says something or is spoken to ("Rudaw reported", "told Al Arabiya"); "a doctor
    working in Aleppo said" and "the people of Daraa said" are someone there speaking."""
    before = text[max(0, start - 40):start]
    if SPEECH_BEFORE_RE.search(before):
        return True
    return bool(SPEECH_AFTER_RE.match(text, end)) and not PLACE_PREPOSITION_RE.search(before) and \
        not re.search(r"\b(?:of|from)\s+(?:the\s+)?$", before, re.IGNORECASE)


def _may_start_longer_name(word: Word, info: TokenInfo) -> bool:
    """A capitalised word that `_start_level` rules out as a name on its own ("New", "Old") but that may
    begin one the gazetteer knows whole: a proper noun, adjective or noun, not a function word or date."""
    token = info.token(word.start)
    bare = word.text.strip("`’'")
    if token is None or not word.text[0].isupper() or _is_modifier(word) or bare.isupper() \
            or fold(bare) in GROUP_PREFIXES:
        return False  # acronyms ("NW Aleppo") and group names ("Jaysh ...") begin no place name
    return not token.is_stop and token.pos_ in NAME_START_POS and \
        token.ent_type_ not in NOT_PLACE_ENTITIES | PEOPLE_ENTITIES


def _run_end(words: list[Word], i: int, text: str) -> int:
    """The last index of the capitalised words (and articles) joined to words[i], a name's longest reach."""
    j = i
    while j + 1 < len(words) and j - i + 1 < MAX_NAME_WORDS and _joined(text, words[j], words[j + 1]) \
            and (_is_capitalised(words[j + 1]) or words[j + 1].lower in ("al", "el")):
        j += 1
    return j


def _featured_run(words: list[Word], i: int, text: str) -> bool:
    """The capitalised words joined from words[i] are introduced ("the town of ...") or followed ("...
    airbase") by a feature word: a place's name, whatever spaCy took it for."""
    j = _run_end(words, i, text)
    if j == i or not words[i].text[0].isupper():
        return False
    return bool(_feature_after(words, j, text)) or words[j].lower in FEATURE_WORDS or \
        bool(PREFIX_FEATURE_RE.search(text[max(0, words[i].start - 40):words[i].start]))


def _sentence_start(word: Word, text: str) -> bool:
    before = text[max(0, word.start - 3):word.start].strip(" \t\u00a0\"“'‘")
    return not before or before[-1] in ".!?:\n"


def _part_of_longer_name(mention: Mention, info: TokenInfo, text: str) -> bool:
    """A match on part of a person's or group's name ("Hamza" of "Hamza Suliman", "al-Quds" of "Liwaa`
    al-Quds") names the person or group, not a place: the entity goes on, directly joined, with a name
    word that is not a feature word."""
    for ent in info.ents:
        if ent.start_char < mention.end and mention.start < ent.end_char:
            if ent.label_ not in ("PERSON", "ORG"):
                return False
            before = re.search(r"([^\W\d_][\w’'`]*)[ \t-]+$", text[ent.start_char:mention.start])
            after = re.match(r"[ \t-]+([^\W\d_][\w’'`]*)", text[mention.end:ent.end_char])
            return any(m and m.group(1).lower() not in FEATURE_WORDS and m.group(1).lower() not in STOP_WORDS
                       for m in (before, after))
    return False


def _longest_known(words: list[Word], i: int, text: str, gazetteer: Gazetteer, foreign: frozenset[str],
                   min_words: int = 1, level: int = LIKELY) -> int | None:
    """The last word index j of the longest words[i..j] that the gazetteer knows, or None. A span known
    only by a one-edit match never beats a shorter one known exactly: "Daraa al-Balad" is no "Dar Basidah"
    when "Daraa" is a city."""
    if is_foreign(words[i].text, foreign) and POSSESSIVE_RE.search(words[i].text):
        return None  # "Syria's Deir ez-Zor", "Turkey's Kilis": the name starts after the possessive
    best = None
    best_grade = NO_MATCH
    j = i
    while j < len(words) and j - i < MAX_NAME_WORDS:
        if j > i and not _joined(text, words[j - 1], words[j]):
            break
        if j > i and not _is_capitalised(words[j]) and words[j].lower not in ("al", "el"):
            break  # names continue with capitalised words or articles
        surface = POSSESSIVE_RE.sub("", text[words[i].start:words[j].end])
        # a trailing feature word ("Castillo Road") joins the name only on a near-exact match
        strict = DOUBTFUL if j > i and words[j].lower in FEATURE_WORDS else level
        if j - i + 1 >= min_words and not is_foreign(surface, foreign) and not _all_generic(words[i:j + 1]):
            grade = _match_grade(surface, gazetteer, strict, _sentence_start(words[i], text))
            if grade > NO_MATCH and grade >= best_grade:
                best, best_grade = j, grade
        j += 1
    return best


def _all_generic(words: list[Word]) -> bool:
    """Words that only describe ("Forces", "Military Council") name no place on their own."""
    return all(w.lower.strip("`’'") in GROUP_WORDS or w.lower in FEATURE_WORDS or w.lower in STOP_WORDS
               for w in words)


def _unknown_by_context(words: list[Word], i: int, text: str, info: TokenInfo, foreign: frozenset[str],
                        doc_id: str) -> tuple[Mention, int] | None:
    """A name the gazetteer lacks, recognised by a feature word, a generic prefix or 'village of'."""
    j = _run_end(words, i, text)
    surface = text[words[i].start:words[j].end]
    if is_foreign(surface, foreign) or _is_group_name(words, i, j, text):
        return None
    generic = (fold(words[i].text).split() or [""])[0] in GENERIC_PREFIXES and j > i
    feature = _feature_after(words, j, text)
    if not feature and j > i and not any(POSSESSIVE_RE.search(w.text) for w in words[i:j]) and \
            not is_english_phrase(text[words[i].start:words[j - 1].end]):
        feature = FEATURE_WORDS.get(words[j].lower, "")  # "the Mar Elias Church": the feature ends the run
    prefixed = PREFIX_FEATURE_RE.search(text[max(0, words[i].start - 40):words[i].start])
    if feature in ("", "city", "area", "region") and not generic and not prefixed:
        return None
    if _start_level(words[i], info) == CANNOT and not (feature and _short_name_word(words[i], info)):
        return None
    if is_english_phrase(surface):
        return None  # a headline in title case ("Army Takes Back Key Airbase"), not an unknown place
    return _make_mention(text, words, i, j, ("context",), doc_id)


def _add_list_members(mentions: list[Mention], words: list[Word], text: str, info: TokenInfo,
                      foreign: frozenset[str], doc_id: str,
                      blocked: list[tuple[int, int]]) -> list[Mention]:
    """In "A, B and C" where A is a place, capitalised B and C are places too."""
    by_start = {m.start: m for m in mentions}
    starts = {w.start: k for k, w in enumerate(words)}
    added = list(mentions)
    for mention in mentions:
        k = starts.get(mention.start)
        while k is not None:
            end_k = max(n for n, w in enumerate(words) if w.start < mention.end) if k < len(words) else k
            nxt = end_k + 1
            if nxt >= len(words) or not re.fullmatch(r"\s*(?:,|and|or|/|,\s*and)\s*",
                                                     text[words[end_k].end:words[nxt].start]):
                break
            if words[nxt].lower in ("and", "or") and nxt + 1 < len(words):
                nxt += 1
            if words[nxt].start in by_start:
                mention = by_start[words[nxt].start]
                k = starts.get(mention.start)
                continue
            if _start_level(words[nxt], info) == CANNOT:
                break
            j = nxt
            while j + 1 < len(words) and _joined(text, words[j], words[j + 1]) and \
                    (_is_capitalised(words[j + 1]) or words[j + 1].lower in ("al", "el")) and j - nxt < 3:
                j += 1
            surface = text[words[nxt].start:words[j].end]
            if is_foreign(surface, foreign) or _is_group_name(words, nxt, j, text) or \
                    words[nxt].lower.rstrip(".") in TITLE_WORDS or is_english_phrase(surface):
                break
            new, _ = _make_mention(text, words, nxt, j, ("list",), doc_id)
            if _overlaps(new, blocked) or any(m.start < new.end and new.start < m.end for m in added):
                break
            added.append(new)
            by_start[new.start] = new
            mention = new
            k = starts.get(new.start)
    return added


def _add_entities(mentions: list[Mention], info: TokenInfo, foreign: frozenset[str], doc_id: str,
                  blocked: list[tuple[int, int]], text: str) -> list[Mention]:
    """spaCy's GPE/LOC/FAC entities that nothing else found (kept as possibly unknown places)."""
    if info.doc is None:
        return mentions
    out = list(mentions)
    for ent in info.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        start, end = ent.start_char, ent.end_char
        surface = text[start:end]
        if surface.lower().startswith("the "):
            start += 4
            surface = text[start:end]
        parts = surface.lower().split()
        if not parts or parts[-1] in GROUP_WORDS or parts[0].rstrip(".") in TITLE_WORDS or is_english_phrase(surface):
            continue  # a group ("the Nour al-Din al-Zenki Movement"), a person ("Brigadier General ..."), English
        if is_foreign(surface, foreign) or not surface[:1].isupper() or fold(surface) in GROUP_PREFIXES or \
                is_generic_word(surface) or \
                (surface.isupper() and len(surface) <= MAX_ACRONYM):
            continue
        if any(m.start < end and start < m.end for m in out) or any(s < end and start < e for s, e in blocked) \
                or _speaks(text, start, end):
            continue  # found already, or a news outlet ("Saudi Arabia's Al-Hadath reported")
        out.append(Mention(doc_id=doc_id, surface=surface, start=start, end=end, cues=("ner",),
                           name=surface))
    return out
