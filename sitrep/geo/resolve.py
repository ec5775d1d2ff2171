"""Choose, for each detected mention, the place it names.

Every candidate gets a score in [0, 1], a weighted sum of named terms:

    name       how close the spelling is to one of the place's names (phonetic keys)
    prior      how likely a report names this kind of place at all (cities over hamlets, places that
               several sources know over places one source knows)
    feature    agreement with a feature word next to the mention ("hill", "camp", "district")
    heading    nearness to the section the mention sits in ("Lattakia:" ... until the next heading), and
               to the regions and governorates named in its paragraph ("Midaa in Eastern Ghouta")
    neighbours nearness to the other places named in the same paragraph

then the same name within one document keeps one reading (one sense per discourse), and a small feature
the gazetteer lacks ("Humra hill") is placed at the place it is reported beside, with geo_precision 2.

Speed without changing a score: each spelling's candidates, with their name and prior terms, and their
ranking when a mention has no context are computed once (`Gazetteer.derived`, emptied when a place is
added); a mention is re-scored only when its neighbours' readings change; distances use points prepared
once per place.
"""

from __future__ import annotations

import math
import re
import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz.distance import Indel

from sitrep.geo.build import DESCRIPTORS
from sitrep.geo.gazetteer import (
    DISTINCT_PART_MISMATCH_SIM,
    Gazetteer,
    GeoPoint,
    geo_point,
    km_between,
    km_from_haversine,
)
from sitrep.geo.translit import fold, skeleton, strip_articles
from sitrep.model import Candidate, Mention, Place, PlaceMention

# Weights of the score terms; they sum to 1 so a score reads as a share of a perfect match.
W_NAME = 0.45
W_PRIOR = 0.12
W_FEATURE = 0.10
W_HEADING = 0.15
W_NEIGHBOURS = 0.18
W_STORY = 0.06  # the paragraphs around one naming no other place: a weak frame
STORY_PARAGRAPHS = 6
# How much a one-edit (typo) match is worth against an exact transliteration key.
FUZZY_FACTOR = 0.8
# The share of the name similarity that the letters themselves decide between names of one phonetic key
# (0..1): enough to break a tie between sound-alikes, never to outweigh context or a feature word.
SPELLING_WEIGHT = 0.1
# What an alternate name's letters are worth less than the place's own name's (0..1): gazetteers list stray
# alternates (a Hasakah hamlet "also called" Baghuz), so of two places spelled alike, the one so named wins.
ALTERNATE_DISCOUNT = 0.05
# Distance scales (km) of the context terms: a section heading names a front tens of km across; places
# named in one paragraph are usually within a few km of each other.
HEADING_KM = 40.0
NEIGHBOUR_KM = 12.0
SECTION_KM = 20.0  # how far a section's places typically lie from the place its heading names
# A candidate whose score is below this is no reading at all; the mention stays unresolved.
MIN_SCORE = 0.42
# A place whose best name is no more similar than this (0..1) to the mention is not a candidate at all,
# whatever its context: e.g. a "Hawsh ..." whose distinctive part differs (see DISTINCT_PART_MISMATCH_SIM).
MAX_UNRELATED_SIM = DISTINCT_PART_MISMATCH_SIM
# A small feature whose best candidate is of an agreeing kind is taken as known (not re-placed beside its
# neighbour) when its score reaches KNOWN_FEATURE_SCORE, or its name matches exactly (similarity 0..1).
KNOWN_FEATURE_SCORE = 0.75
KNOWN_FEATURE_SIM = 0.95
# A small feature (hill, farm, camp) whose best candidate lies farther than this from the place it is
# reported beside is taken to be an unknown feature near that place (km).
LOCAL_KM = 10.0
# ...unless its best candidate is a settlement spelled as its name within NAMESAKE_KM of that place: "the
# al-Bahariyah farms" are the farms of the village of al-Bahariyah, 13 km from the last place named (km).
NAMESAKE_KM = 25.0
NAMESAKE_KINDS = frozenset({"village", "town", "city"})
# Rounds of re-scoring with the neighbours' current readings (converges in two on real reports).
ROUNDS = 3
ALTERNATIVES = 3

KIND_PRIOR = {"city": 1.0, "town": 0.7, "governorate": 0.65, "region": 0.5, "district": 0.65, "airport": 0.5,
              "camp": 0.45,
              "village": 0.35, "hill": 0.35, "base": 0.35, "farm": 0.35, "industrial": 0.35, "road": 0.3,
              "dam": 0.3, "oilfield": 0.3, "landmark": 0.4, "pass": 0.25, "country": 0.1}
# Which gazetteer kinds a feature word agrees with.
FEATURE_KINDS = {
    "hill": {"hill"}, "camp": {"camp", "village", "town", "district"}, "farm": {"farm", "village"},
    "district": {"district", "town", "village", "region"}, "road": {"road", "base", "pass"},
    "village": {"village", "town"}, "town": {"town", "village", "city"}, "city": {"city", "town"},
    "airport": {"airport", "base"}, "base": {"base", "airport"}, "dam": {"dam"},
    "region": {"region", "governorate"}, "governorate": {"governorate"}, "area": set(),
    # a bridge or crossing takes its name from the settlement at its end ("Qara Qozak bridge")
    "bridge": {"road", "village", "town", "city"},
    # so does a church, school or hospital, unless the gazetteer knows it by name
    "building": {"base", "landmark", "village", "town", "city"},
}
# Kinds of place that give a district its name, how far a district's point may lie from its seat (km),
# and how much better the district's name may match than the seat's for the seat to stand for it.
SEAT_KINDS = frozenset({"city", "town"})
SEAT_KM = 50.0
SEAT_SIMILARITY_SLACK = 0.05
# Feature words of facilities that take their name from a town ("Abu al-Duhour airbase", "Kuweires
# airport"): the gazetteer keeps the facility's full label ("Abu al-Duhur Military Airbase") and drops the
# town's name from it (build.py), so such a mention looks the facility up by its label's core words.
FACILITY_FEATURES = frozenset({"airport", "base", "dam"})
# A reading spelled unlike the mention (letters' Indel similarity under STRAY_SPELLING) that lies over
# STRAY_KM from every reading spelled alike in the same document is a stray sound-alike ("Al-Taynah" read as
# a Deir ez-Zor hamlet in a report on villages south of Kobani): the next reading within reach, or none.
# It takes at least STRAY_ANCHORS readings spelled alike to say where a report is.
STRAY_SPELLING = 0.9
STRAY_KM = 60.0
STRAY_ANCHORS = 2
# A list of at least LIST_MEMBERS places ("hitting Al-Taynah, Jadda, Bir Hesso, ... and the hills of Sifi")
# names places of one front: a reading over LIST_STRAY_KM, and over LIST_SPREAD_FACTOR times the others'
# spread, from the middle of the other members' readings is a namesake elsewhere, set aside as a stray
# (a village's; a city or town is known beyond its surroundings).
LIST_MEMBERS = 4
LIST_STRAY_KM = 25.0
LIST_SPREAD_FACTOR = 3.0
LIST_GAP_RE = re.compile(
    r"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)(?:the\s+)?(?:(?:villages?|towns?|hills?)\s+of\s+)?")
# "X in Y", "X prison in Y", "X, Y" with Y a settlement: X lies within CONTAINED_KM of Y's reading (a city's
# quarters and prisons lie within ~15 km of its centre); with no reading so near, X is an unknown place in Y,
# placed at Y. CONTAINER_GAP_RE is the text between the two names.
CONTAINED_KM = 20.0
CONTAINER_KINDS = frozenset({"city", "town"})
# "X in Y", "X in Syria's Y", "X, in Y province": Y named as the unit that holds X.
UNIT_GAP_RE = re.compile(r",?\s+in\s+(?:(?:Syria|the\s+country)['’]s\s+)?")
CONTAINER_GAP_RE = re.compile(r"(?:\s+[a-z]+)?\s+in\s+(?:the\s+(?:city|town)\s+of\s+)?")
# "the Hader area of southern Syria", "Qamishli, in northeastern Syria": the part of the country named keeps
# out readings lying over PART_MARGIN_DEG (degrees of latitude or longitude, ~55 km) beyond the country's
# centre on the other side (a margin, for English calls Kobani both northern and north-eastern). Cities
# are exempt (see `_in_named_part`).
COUNTRY_PART_RE = re.compile(
    r",?\s+(?:(?:a|an)\s+[a-z]+(?:\s+[a-z]+)?\s+)?(?:in|of)\s+(?:the\s+)?"
    r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+([A-Z][\w ]{1,30}?)\b")
PART_MARGIN_DEG = 0.5
# Features small enough that, when unknown, they are placed beside the place they are reported with.
LOCAL_FEATURES = frozenset({"hill", "farm", "camp", "road", "base", "district", "building"})
# Feature words that name an administrative unit, whose reading one sense per discourse leaves alone.
UNIT_FEATURES = frozenset({"governorate", "region"})
# Administrative units, largest first.
UNIT_ORDER = ("governorate", "region")
# Kinds of place that name an area rather than a point: context for the places named with them.
AREA_KINDS = frozenset({"region", "governorate"})
HEADING_RE = re.compile(r"^[ \t]*([A-Z][^\n:]{1,40}):", re.MULTILINE)
PARAGRAPH_RE = re.compile(r"\n[ \t]*\n")
KIND_PRECISION = {"governorate": 3, "region": 3, "country": 3}


class _Option(NamedTuple):
    """A candidate place for one spelling, with the score terms that do not depend on the document."""

    place: Place
    similarity: float  # name similarity, discounted for a one-edit match
    base: float  # W_NAME * similarity + W_PRIOR * prior
    names_key: bool  # one of the place's names has the mention's skeleton (see `_drop_lookalikes`)
    point: GeoPoint


@dataclass
class _Slot:
    """One mention during resolution: its candidates and current reading."""

    mention: Mention
    key: str  # skeleton of the mention's name
    paragraph: int
    heading: list[GeoPoint]  # the readings of the section heading above it
    is_heading: bool = False
    filtered: bool = False  # `_drop_lookalikes` took candidates away
    stray: Candidate | None = None  # the reading `_drop_strays` or `_drop_list_strays` set aside
    stray_note: str = ""  # why the stray was set aside, where not for sounding alike
    contained_in: Candidate | None = None  # the town it lies in, where the gazetteer knows no reading there
    candidates: list[_Option] = field(default_factory=list)
    scored: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return self.scored[0] if self.scored and self.scored[0].score >= MIN_SCORE else None


def _closeness(point: GeoPoint, others: list[GeoPoint], scale_km: float) -> float:
    """exp(-d / scale_km) of the distance d to the nearest of `others`; 0 when there are none."""
    if not others:
        return 0.0
    lat, cos_lat, lon = point
    # `haversine(point, other)`, written out: this is the resolver's innermost loop
    nearest = min(math.sin((other_lat - lat) / 2) ** 2
                  + cos_lat * other_cos * math.sin(math.radians(other_lon - lon) / 2) ** 2
                  for other_lat, other_cos, other_lon in others)
    return math.exp(-km_from_haversine(nearest) / scale_km)


def _prior(place: Place) -> float:
    kind = KIND_PRIOR.get(place.kind, 0.3)
    population = min(1.0, math.log10(1 + place.population) / 7) if place.population else 0.0
    corroborated = 0.1 if len(place.sources) > 1 else 0.0
    return min(1.0, 0.7 * kind + 0.3 * population + corroborated)


def _feature(place: Place, kinds: AbstractSet[str] | None) -> float:
    """Agreement with the feature word, given the kinds it agrees with (None: no feature word)."""
    if kinds is None:
        return 0.5
    return 1.0 if place.kind in kinds else 0.0


class _Context(NamedTuple):
    """What a mention's paragraph says about where it is: the current readings of the other mentions
    (regions aside), and of the regions and governorates among them."""

    neighbours: list[GeoPoint]
    areas: list[GeoPoint]
    story: list[GeoPoint]  # the readings around a paragraph that names no other place (see STORY_PARAGRAPHS)



def _score(slot: _Slot, option: _Option, kinds: AbstractSet[str] | None, context: _Context) -> float:
    score = option.base + W_FEATURE * _feature(option.place, kinds)
    neighbours = context.neighbours
    if slot.is_heading:
        # a heading names the front its section covers: the reading nearest the section's places
        return score + (W_HEADING + W_NEIGHBOURS) * _closeness(option.point, neighbours, SECTION_KM)
    # a missing context term adds exactly 0.0: skipping it leaves the score as it is, and saves the work
    if slot.heading or context.areas:
        # a region named in the paragraph frames it as a heading frames its section
        score += W_HEADING * _closeness(option.point, slot.heading + context.areas, HEADING_KM)
    if neighbours:
        score += W_NEIGHBOURS * _closeness(option.point, neighbours, NEIGHBOUR_KM)
    if context.story:
        score += W_STORY * _closeness(option.point, context.story, HEADING_KM)
    return score


def _scored(slot: _Slot, context: _Context, gazetteer: Gazetteer) -> list[Candidate]:
    """The slot's candidates scored in the context of its heading and paragraph, best first. Without
    any context the ranking depends on the spelling and feature word alone, and is remembered."""
    if slot.heading or context.neighbours or context.areas or context.story or slot.filtered:
        return _score_candidates(slot, context)
    mention = slot.mention
    cache = gazetteer.derived("resolve.ranking")
    key = (mention.name or mention.surface, mention.surface, mention.feature)
    ranking: tuple[Candidate, ...] | None = cache.get(key)
    if ranking is None:
        ranking = cache[key] = tuple(_score_candidates(slot, context))
    return list(ranking)


def _score_candidates(slot: _Slot, context: _Context) -> list[Candidate]:
    feature = slot.mention.feature
    kinds = FEATURE_KINDS.get(feature, set()) if feature else None
    scored = [Candidate(o.place, round(_score(slot, o, kinds, context), 4)) for o in slot.candidates]
    scored.sort(key=_candidate_order)
    return _city_over_soundalike(scored, slot.mention.name or slot.mention.surface) if kinds is None else scored


def _city_over_soundalike(scored: list[Candidate], spelling: str) -> list[Candidate]:
    """A city spelled as the mention is ("Homs") is not outscored by a village that only sounds like it
    ("Al Khamisiyah"), however near the report's other places: English names cities by their names."""
    if len(scored) < 2 or scored[0].place.kind == "city" or \
            _letters_alike(spelling, scored[0].place) >= STRAY_SPELLING:
        return scored
    city = next((c for c in scored if c.place.kind == "city" and _letters_alike(spelling, c.place) >= STRAY_SPELLING),
                None)
    if city is None:
        return scored
    return [Candidate(city.place, scored[0].score)] + [c for c in scored if c is not city]


def _candidates(mention: Mention, gazetteer: Gazetteer) -> list[_Option]:
    """Places named by the mention's name, or by its whole surface ("Castello Road"), best similarity each.
    Remembered per spelling until the gazetteer changes: reports repeat their place names."""
    name = mention.name or mention.surface
    cache = gazetteer.derived("resolve.candidates")
    options: tuple[_Option, ...] | None = cache.get((name, mention.surface))
    if options is None:
        options = cache[(name, mention.surface)] = _find_candidates(name, mention.surface, gazetteer)
    if mention.feature not in FACILITY_FEATURES:
        return list(options)
    known = {o.place.place_id for o in options}
    kinds = FEATURE_KINDS[mention.feature]
    return list(options) + [_Option(place, 1.0, W_NAME + W_PRIOR * _prior(place), True,
                                    geo_point(place.lat, place.lon))
                            for place in _facilities(gazetteer).get(skeleton(name), ())
                            if place.kind in kinds and place.place_id not in known]


def _facilities(gazetteer: Gazetteer) -> dict[str, list[Place]]:
    """Airports, bases and dams by the skeleton of their labels without descriptor words ("Abu al-Duhur
    Military Airbase": "Abu al-Duhur")."""
    index: dict[str, list[Place]] = gazetteer.derived("resolve.facilities")
    if not index:
        index[""] = []  # built: an empty index is never built again
        for place in gazetteer.places:
            if place.kind in ("airport", "base", "dam"):
                for name in place.names:
                    core = " ".join(w for w in name.split() if fold(w) not in DESCRIPTORS)
                    if core and core != name:
                        index.setdefault(skeleton(core), []).append(place)
    return index


def _find_candidates(name: str, surface: str, gazetteer: Gazetteer) -> tuple[_Option, ...]:
    """The candidates of `_candidates`, computed."""
    best: dict[str, tuple[Place, float]] = {}
    for spelling in dict.fromkeys((name, surface)):
        for hit in gazetteer.lookup(spelling):
            if hit.similarity <= MAX_UNRELATED_SIM:
                continue
            sim = hit.similarity * (1.0 if hit.exact else FUZZY_FACTOR) * _spelled_alike(spelling, hit.place)
            if hit.place.kind != "country" and sim > best.get(hit.place.place_id, (hit.place, -1.0))[1]:
                best[hit.place.place_id] = (hit.place, sim)
    key = skeleton(name)
    return tuple(_Option(place, sim, W_NAME * sim + W_PRIOR * _prior(place),
                         key in gazetteer.skeletons(place), geo_point(place.lat, place.lon))
                 for place, sim in best.values())


def _spelled_alike(spelling: str, place: Place) -> float:
    """A factor in [1 - SPELLING_WEIGHT, 1]: how close the letters are to the place's nearest name, vowels
    included, where the phonetic key ignores them ("Baghouz" is spelled like Baghuz, sounds like Bughaz); its
    own name counts a little more than an alternate. A governorate or region is exempt: English writes
    units in many spellings ("Latakia", "Lattakia"), and a unit is told from its capital by context."""
    if place.kind in AREA_KINDS:
        return 1.0
    return 1.0 - SPELLING_WEIGHT * (1.0 - max(0.0, _letters_alike(spelling, place, ALTERNATE_DISCOUNT)))


def _letters_alike(spelling: str, place: Place, alternate_discount: float = 0.0) -> float:
    """Indel similarity of the spelling's letters to the place's nearest name, articles aside; an alternate
    name counts `alternate_discount` less than the place's own."""
    folded = " ".join(strip_articles(fold(spelling).split()))
    return max(Indel.normalized_similarity(folded, " ".join(strip_articles(fold(n).split())))
               - (0.0 if n == place.name else alternate_discount) for n in (place.name, *place.names))


def _district_as_unit(mention: Mention, options: list[_Option]) -> list[_Option]:
    """"the Manbij district of the Aleppo governorate": a district named for a town, where no city quarter
    has the name, is the district (mintaqa) around the town, a region of the gazetteer."""
    if mention.feature != "district" or not mention.surface.lower().endswith("district") or \
            any(o.place.kind == "district" for o in options):
        return options  # a suburb or neighbourhood named for its city is no district (mintaqa)
    return [o for o in options if o.place.kind == "region"] or options


def _units_if_named(mention: Mention, options: list[_Option]) -> list[_Option]:
    """A mention whose feature word names an administrative unit ("Hama province") reads as such a unit
    whenever one is among its candidates."""
    if mention.feature not in UNIT_FEATURES:
        return options
    kinds = FEATURE_KINDS[mention.feature]
    # the largest unit of those the feature word agrees with: a governorate's countryside is the
    # governorate, a town's the district (mintaqa) around it
    largest = next((k for k in UNIT_ORDER if k in kinds and any(o.place.kind == k for o in options)), None)
    units = [o for o in options if o.place.kind == largest]
    # a unit named by the whole surface ("Damascus countryside": Rif Dimashq) over one named by its
    # name alone (the Damascus governorate, which is the city)
    whole = fold(mention.surface)
    named_whole = [o for o in units if any(fold(n) == whole for n in o.place.names)]
    return named_whole or units or options


def _seat_over_its_unit(mention: Mention, options: list[_Option]) -> list[_Option]:
    """A bare name that a town and the district (mintaqa) around it share names the town ("Kobani",
    "Manbij"): a report says "the Manbij district" or "Manbij countryside" to mean the unit."""
    if mention.feature in UNIT_FEATURES:
        return options
    seats = [o for o in options if o.place.kind in SEAT_KINDS]
    return [o for o in options if o.place.kind != "region" or not any(
        s.similarity >= o.similarity - SEAT_SIMILARITY_SLACK
        and km_between(s.place.lat, s.place.lon, o.place.lat, o.place.lon) <= SEAT_KM for s in seats)]


def _sections(text: str, mentions: list[Mention],
              gazetteer: Gazetteer) -> list[tuple[int, list[GeoPoint], Mention]]:
    """(start offset, candidate places, mention) of each section heading such as "Aleppo:"."""
    sections = []
    for match in HEADING_RE.finditer(text):
        heads = [m for m in mentions if match.start(1) <= m.start < match.end(1)]
        if not heads:
            continue
        places = [o.point for o in _candidates(heads[0], gazetteer)
                  if o.similarity >= 0.9 and o.place.kind in ("city", "governorate", "region", "town")]
        if places:
            sections.append((match.start(), places, heads[0]))
    return sections


def resolve_mentions(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[PlaceMention]:
    """Resolve every mention of one document against the gazetteer, using the whole document as context."""
    slots = _slots(text, mentions, gazetteer)
    _drop_lookalikes(slots)
    previous: list[_Context | None] = [None] * len(slots)
    for _ in range(ROUNDS):
        contexts = _contexts(slots)
        changed = [k for k, context in enumerate(contexts) if context != previous[k]]
        if not changed:
            break  # every mention has the context of the last round: no score would change
        for k in changed:  # a mention whose context is unchanged keeps its scores: they would be the same
            slots[k].scored = _scored(slots[k], contexts[k], gazetteer)
        previous = list(contexts)
    _one_sense_per_discourse(slots)
    _drop_strays(slots)
    _drop_list_strays(slots, text)
    _units_holding_far_places(slots, text)
    _keep_inside_containers(slots, text)
    return _follow_features([_finish(s, slots, gazetteer) for s in slots])


def _candidate_order(candidate: Candidate) -> tuple[float, str]:
    return -candidate.score, candidate.place.place_id


def _slots(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[_Slot]:
    """Each mention with its candidates, paragraph and section heading."""
    sections = _sections(text, mentions, gazetteer)
    section_starts = [start for start, _, _ in sections]
    breaks = [m.end() for m in PARAGRAPH_RE.finditer(text)]
    heads = {id(m) for _, _, m in sections}
    slots = []
    for mention in mentions:
        section = bisect_right(section_starts, mention.start) - 1  # the last section starting at or before it
        paragraph = bisect_right(breaks, mention.start)  # paragraph breaks at or before it
        slot = _Slot(mention, skeleton(mention.name or mention.surface), paragraph=paragraph,
                     heading=sections[section][1] if section >= 0 else [], is_heading=id(mention) in heads)
        options = _seat_over_its_unit(mention, _district_as_unit(mention, _units_if_named(
            mention, _candidates(mention, gazetteer))))
        slot.candidates = _in_named_part(mention, text, options, gazetteer)
        slot.filtered = len(slot.candidates) < len(options)
        slots.append(slot)
    return slots


def _in_named_part(mention: Mention, text: str, options: list[_Option], gazetteer: Gazetteer) -> list[_Option]:
    """The readings in the part of the country the text puts the mention in (see COUNTRY_PART_RE), where
    it names one and some reading lies there."""
    part = COUNTRY_PART_RE.match(text, mention.end)
    country = _country(part.group(2), gazetteer) if part else None
    if part is None or country is None or len(options) < 2:
        return options
    direction = part.group(1).replace("-", "")
    # a city stays, wherever the text puts it: writers place known cities loosely ("al-Bab in northeastern
    # Syria", 100 km west of the centre); the part tells apart villages of one name
    kept = [o for o in options if o.place.kind == "city" or _lies_towards(o.place, country, direction)]
    return kept or options


def _country(name: str, gazetteer: Gazetteer) -> Place | None:
    """The country the gazetteer names so ("Syria"), or None."""
    return next((h.place for h in gazetteer.lookup(name.strip(), fuzzy=False)
                 if h.place.kind == "country" and h.similarity >= STRAY_SPELLING), None)


def _lies_towards(place: Place, country: Place, direction: str) -> bool:
    """The place is not clearly on the other side of the country's centre from `direction`."""
    dlat, dlon = place.lat - country.lat, place.lon - country.lon
    return not (("north" in direction and dlat < -PART_MARGIN_DEG) or ("south" in direction and dlat > PART_MARGIN_DEG)
                or ("east" in direction and dlon < -PART_MARGIN_DEG) or ("west" in direction and dlon > PART_MARGIN_DEG))


def _contexts(slots: list[_Slot]) -> list[_Context]:
    """For each slot, the current readings of the other mentions in its paragraph: points and areas."""
    points: dict[int, list[tuple[int, GeoPoint]]] = defaultdict(list)
    areas: dict[int, list[tuple[int, GeoPoint]]] = defaultdict(list)
    for k, s in enumerate(slots):
        best = s.best
        if best is not None:
            found = areas if best.place.kind in AREA_KINDS else points
            found[s.paragraph].append((k, geo_point(best.place.lat, best.place.lon)))
    # each place once: the nearest of them is the same, and found with fewer distances; "the Manbij district"
    # read as the district is no evidence that a bare "Manbij" is the district too
    def others(found: dict[int, list[tuple[int, GeoPoint]]], k: int, s: _Slot) -> list[GeoPoint]:
        return list(dict.fromkeys(p for j, p in found.get(s.paragraph, ())
                                  if j != k and not (slots[j].key == s.key and _district_unit(slots[j]))))
    # a paragraph naming no other place ("... taken hostage in the village of Ash-Shash.") is framed, weakly,
    # by the places of the paragraphs around it (STORY_PARAGRAPHS each way: bounded work on long reports)
    contexts = []
    for k, s in enumerate(slots):
        neighbours, framing = others(points, k, s), others(areas, k, s)
        rest: list[GeoPoint] = []
        if not neighbours and not framing and not s.is_heading:
            rest = list(dict.fromkeys(p for paragraph in range(s.paragraph - STORY_PARAGRAPHS,
                                                               s.paragraph + STORY_PARAGRAPHS + 1)
                                      for found in (points, areas) for j, p in found.get(paragraph, ())
                                      if slots[j].key != s.key))
        contexts.append(_Context(neighbours, framing, rest))
    return contexts


def _drop_lookalikes(slots: list[_Slot]) -> None:
    """A typo-distance candidate that another mention of the same document names exactly is a different
    place: a writer who spells "Kinsibba" and "Hinsibba" in one sentence means two villages."""
    if len({s.key for s in slots}) < 2:
        return  # one spelling: a candidate named exactly is named by that very spelling, and stays
    exact: dict[str, set[str]] = defaultdict(set)
    for s in slots:
        for option in s.candidates:
            if option.names_key:
                exact[option.place.place_id].add(s.key)
    for s in slots:
        kept = [o for o in s.candidates if not exact.get(o.place.place_id) or s.key in exact[o.place.place_id]]
        s.filtered = s.filtered or len(kept) < len(s.candidates)
        s.candidates = kept


def _one_sense_per_discourse(slots: list[_Slot]) -> None:
    """Mentions of one name keep the reading of its best-scored mention, where that reading is theirs too."""
    groups: dict[str, list[_Slot]] = defaultdict(list)
    for s in slots:
        groups[s.key].append(s)
    for group in groups.values():
        if len(group) == 1:
            continue  # a lone mention's best reading is its own already
        # "the Manbij district" read as the district around the town leads no bare "Manbij" (the town)
        leader = max((s for s in group if s.best and not _district_unit(s)),
                     key=lambda s: s.best.score if s.best else 0, default=None)
        if leader is None or leader.best is None:
            continue
        chosen = leader.best.place
        for s in group:
            if _feature_disagrees(s.mention.feature, chosen):
                continue  # "Aleppo governorate" keeps its own reading when the city is meant elsewhere
            match = next((c for c in s.scored if c.place.place_id == chosen.place_id), None)
            if match is not None:
                s.scored = [Candidate(match.place, max(match.score, MIN_SCORE))] + [
                    c for c in s.scored if c.place.place_id != chosen.place_id]


def _district_unit(slot: _Slot) -> bool:
    return slot.mention.feature == "district" and slot.best is not None and slot.best.place.kind == "region" \
        and slot.mention.surface.lower().endswith("district")


def _drop_strays(slots: list[_Slot]) -> None:
    """Readings spelled unlike their mention, far from every reading spelled alike, give way (see
    STRAY_KM)."""
    alike = {id(s) for s in slots if s.best and _letters_alike(s.mention.name or s.mention.surface, s.best.place) >= STRAY_SPELLING}
    anchors = list(dict.fromkeys(geo_point(s.best.place.lat, s.best.place.lon) for s in slots
                                 if id(s) in alike and s.best))
    if len(anchors) < STRAY_ANCHORS:
        return
    reach = math.exp(-STRAY_KM / NEIGHBOUR_KM)
    for s in slots:
        best = s.best
        if best is None or id(s) in alike or best.place.kind in AREA_KINDS:
            continue
        if _closeness(geo_point(best.place.lat, best.place.lon), anchors, NEIGHBOUR_KM) >= reach:
            continue
        s.stray = best
        s.scored = [c for c in s.scored[1:]
                    if _closeness(geo_point(c.place.lat, c.place.lon), anchors, NEIGHBOUR_KM) >= reach]


def _drop_list_strays(slots: list[_Slot], text: str) -> None:
    """A list member read far from where the list's other members lie gives way (see LIST_STRAY_KM)."""
    for members in _lists(slots, text):
        placed = [s for s in members if s.best is not None]
        if len(placed) < LIST_MEMBERS:
            continue
        points = {id(s): (s.best.place.lat, s.best.place.lon) for s in placed if s.best}
        for s in placed:
            best = s.best
            if best is None or best.place.kind in AREA_KINDS | SEAT_KINDS:
                continue  # a city or a province is known far beyond the villages around it
            others = [points[id(o)] for o in placed if o is not s]
            middle = (statistics.median(p[0] for p in others), statistics.median(p[1] for p in others))
            spread = statistics.median(km_between(*p, *middle) for p in others)
            if km_between(*points[id(s)], *middle) > max(LIST_STRAY_KM, LIST_SPREAD_FACTOR * spread):
                s.stray = best
                s.stray_note = f"{best.place.name} lies far from the places listed with it"
                s.scored = [c for c in s.scored[1:]
                            if km_between(c.place.lat, c.place.lon, *middle) <= LIST_STRAY_KM]
    _same_stray_elsewhere(slots)


def _same_stray_elsewhere(slots: list[_Slot]) -> None:
    """One sense per discourse: the name's other mentions read as the reading set aside are set aside too
    ("villages south of Kobani, among them Al-Taynah" after the list that set At Tinah aside)."""
    strays = {s.key: s for s in slots if s.stray_note}
    for s in slots:
        first = strays.get(s.key)
        if first is not None and first.stray and s.best and s.best.place.place_id == first.stray.place.place_id:
            s.stray, s.stray_note, s.scored = first.stray, first.stray_note, list(first.scored)


def _lists(slots: list[_Slot], text: str) -> list[list[_Slot]]:
    """Runs of mentions joined only by commas, "and", "or" and "the villages of" ("Al-Taynah, Jadda, ...,
    and the hills of Sifi and Qara Qozak")."""
    ordered = sorted(slots, key=lambda s: s.mention.start)
    runs: list[list[_Slot]] = [ordered[:1]] if ordered else []
    for previous, slot in pairwise(ordered):
        if LIST_GAP_RE.fullmatch(text[previous.mention.end:slot.mention.start]):
            runs[-1].append(slot)
        else:
            runs.append([slot])
    return [run for run in runs if len(run) >= LIST_MEMBERS]


def _keep_inside_containers(slots: list[_Slot], text: str) -> None:
    """A place named as lying in a town or city ("the Ghwayran prison in Hasakeh") keeps only readings near
    it; with none, it is placed at the container (see CONTAINED_KM)."""
    for slot, container in pairwise(slots):
        outer = container.best
        if outer is None or outer.place.kind not in CONTAINER_KINDS or \
                not CONTAINER_GAP_RE.fullmatch(text[slot.mention.end:container.mention.start]):
            continue
        point = [geo_point(outer.place.lat, outer.place.lon)]
        reach = math.exp(-CONTAINED_KM / NEIGHBOUR_KM)
        near = [c for c in slot.scored if _closeness(geo_point(c.place.lat, c.place.lon), point, NEIGHBOUR_KM) >= reach]
        if near and near[0].score >= MIN_SCORE:
            slot.scored = near
        elif slot.scored or slot.mention.cues != ("gazetteer",):
            slot.contained_in = outer


def _units_holding_far_places(slots: list[_Slot], text: str) -> None:
    """"The village of Baghouz in Syria's Deir ez-Zor": a city named as where a place lies that is far from
    it (over CONTAINED_KM) but in the governorate of the city's name is that governorate."""
    for slot, container in pairwise(slots):
        inner, outer = slot.best, container.best
        if inner is None or outer is None or outer.place.kind != "city" or not inner.place.admin1 or \
                not UNIT_GAP_RE.fullmatch(text[slot.mention.end:container.mention.start]):
            continue
        if km_between(inner.place.lat, inner.place.lon, outer.place.lat, outer.place.lon) <= CONTAINED_KM:
            continue
        unit = next((c for c in container.scored if c.place.kind == "governorate"
                     and fold(inner.place.admin1) in {fold(n) for n in c.place.names}), None)
        if unit is not None:
            container.scored = [replace(unit, score=max(unit.score, outer.score)),
                                *(c for c in container.scored if c is not unit)]


def _feature_disagrees(feature: str, place: Place) -> bool:
    """The mention's feature word names an administrative unit ("Aleppo governorate", "Idleb province")
    or a facility ("Abu al-Duhour airbase"), and `place` is not one. ("The countryside of Hama" is about
    the city's surroundings: it goes with the city.)"""
    return feature in UNIT_FEATURES | FACILITY_FEATURES and place.kind not in FEATURE_KINDS[feature]


def _anchor(slot: _Slot, slots: list[_Slot]) -> Place | None:
    """The place a small feature is reported beside: the nearest resolved, non-region mention before it in
    its paragraph (or after it, when none precedes; or, in a paragraph naming no other place, the last
    settlement named in the paragraphs before)."""
    same = [s for s in slots if s.paragraph == slot.paragraph and s is not slot and s.best
            and s.best.place.kind not in ("region", "governorate", "country")
            and skeleton(s.mention.name) != skeleton(slot.mention.name)]
    before = [s for s in same if s.mention.start < slot.mention.start]
    # a building is in a settlement: after it, another small feature is itself placed only by what is beside
    # it, and the settlement named is the anchor ("inside the Mar Elias church in the Dweila neighbourhood
    # of Damascus": Damascus)
    after = [s for s in same if s.mention.start > slot.mention.start]
    if slot.mention.feature == "building":
        after = [s for s in after if s.mention.feature not in LOCAL_FEATURES] or after
    pool = before[-1:] or after[:1]
    if not pool:  # "the nearby Zuhour neighbourhood" in a paragraph naming no other place: the story's place
        pool = [s for s in slots if s.paragraph < slot.paragraph and s.best and not s.mention.feature
                and s.best.place.kind not in ("region", "governorate", "country")][-1:]
    return pool[0].best.place if pool and pool[0].best else None


def _follow_features(results: list[PlaceMention]) -> list[PlaceMention]:
    """Once a name is shown to be an unknown small feature ("Humra hill"), its bare mentions in the same
    document ("storm Humrah") are that feature too, not a like-named village elsewhere."""
    placed: dict[str, PlaceMention] = {}
    for r in results:
        if r.note.startswith("unknown "):
            placed.setdefault(skeleton(r.mention.name), r)  # the first placement, nearest its context
    out = []
    for r in results:
        twin = placed.get(skeleton(r.mention.name))
        if twin is not None and r is not twin and not _names_city(r) and (
                r.note.startswith("unknown ") or r.place is None or
                r.place.kind not in FEATURE_KINDS[twin.mention.feature]):
            r = PlaceMention(r.mention, twin.place, score=twin.score, geo_precision=2,
                             alternatives=r.alternatives, note=twin.note)
        out.append(r)
    return out


def _namesake_near(slot: _Slot, best: Candidate, anchor: Place) -> bool:
    """The feature's best reading is a settlement of its very name near the place it is reported beside
    (see NAMESAKE_KM)."""
    return best.place.kind in NAMESAKE_KINDS and \
        _letters_alike(slot.mention.name or slot.mention.surface, best.place) >= STRAY_SPELLING and \
        km_between(best.place.lat, best.place.lon, anchor.lat, anchor.lon) <= NAMESAKE_KM


def _sound_alike_settlement(slot: _Slot, best: Candidate) -> bool:
    """A building read as a settlement whose name is only like its own ("Mar Elias Church" as the village of
    Tur Ilyas): a building is named for its town only when spelled as the town (see STRAY_SPELLING)."""
    return slot.mention.feature == "building" and best.place.kind in NAMESAKE_KINDS and \
        _letters_alike(slot.mention.name or slot.mention.surface, best.place) < STRAY_SPELLING


def _names_city(result: PlaceMention) -> bool:
    """A bare mention read as a city spelled so ("Homs" beside "the Homs road"): the city, not the feature."""
    place = result.place
    return place is not None and place.kind == "city" and not result.mention.feature and \
        _letters_alike(result.mention.name or result.mention.surface, place) >= STRAY_SPELLING


def _known_feature(slot: _Slot, best: Candidate) -> bool:
    """The gazetteer knows the small feature the mention names: its best reading is of a kind the feature
    word agrees with, and scores well or is named exactly ("Castello Road")."""
    if best.place.kind not in FEATURE_KINDS[slot.mention.feature]:
        return False
    similarity = next((o.similarity for o in slot.candidates if o.place.place_id == best.place.place_id), 0.0)
    return best.score >= KNOWN_FEATURE_SCORE or similarity >= KNOWN_FEATURE_SIM


def _finish(slot: _Slot, slots: list[_Slot], gazetteer: Gazetteer) -> PlaceMention:
    best = slot.best
    alternatives = tuple(slot.scored[1:1 + ALTERNATIVES]) if best else tuple(slot.scored[:ALTERNATIVES])
    if slot.mention.feature in LOCAL_FEATURES:
        anchor = _anchor(slot, slots)
        far = best is None or _sound_alike_settlement(slot, best) or (
            anchor is not None and km_between(best.place.lat, best.place.lon, anchor.lat, anchor.lon) > LOCAL_KM)
        if anchor is not None and far and best and _namesake_near(slot, best, anchor):
            return PlaceMention(slot.mention, best.place, score=best.score, geo_precision=2,
                                alternatives=alternatives,
                                note=f"unknown {slot.mention.feature}, placed at its namesake {best.place.name}")
        if anchor is not None and far and not (best and _known_feature(slot, best)):
            return PlaceMention(slot.mention, anchor, score=round(best.score if best else MIN_SCORE, 4),
                                geo_precision=2, alternatives=alternatives,
                                note=f"unknown {slot.mention.feature}, placed at {anchor.name} beside it")
        if anchor is None and best is not None and _sound_alike_settlement(slot, best):
            return PlaceMention(slot.mention, None, alternatives=tuple(slot.scored[:ALTERNATIVES]),
                                note=f"unknown {slot.mention.feature}, only sounds like {best.place.name}")
    if slot.contained_in is not None:
        town = slot.contained_in.place
        return PlaceMention(slot.mention, town, score=slot.contained_in.score, geo_precision=2,
                            alternatives=tuple(slot.scored[:ALTERNATIVES]),
                            note=f"unknown place in {town.name}, placed at {town.name}")
    if best is None and slot.stray is not None:
        # a place's name still (the gazetteer has one like it), placed nowhere: say so, and keep it
        mention = replace(slot.mention, cues=(*slot.mention.cues, "far"))
        return PlaceMention(mention, None, alternatives=(slot.stray, *alternatives)[:ALTERNATIVES],
                            note=slot.stray_note or f"sounds like {slot.stray.place.name}, far from the report's other places")
    if best is None:
        return PlaceMention(slot.mention, None, alternatives=alternatives)
    precision = max(best.place.geo_precision, KIND_PRECISION.get(best.place.kind, 1))
    note = ""
    if best.place.geo_precision == 2 and best.place.parent_id:
        parent = gazetteer.get(best.place.parent_id)
        at_parent = parent is not None and (parent.lat, parent.lon) == (best.place.lat, best.place.lon)
        note = ("district without own coordinates: placed at its city" if at_parent
                else "district placed approximately, at a mapped feature inside it")
    return PlaceMention(slot.mention, best.place, score=best.score, geo_precision=precision,
                        alternatives=alternatives, note=note)
