"""From one report to its events: the stage `sitrep extract` and `sitrep ingest` run.

One spaCy parse feeds every step. For each trigger word (triggers.py), the places that hang closest to
it in the dependency tree become its locations (ACLED: one event per location per day); its actors,
date and fact status come from the same sentence (participants.py, timing.py, status.py); loaded
language inside the evidence is kept as framing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sitrep.actors import (
    ActorCatalogue,
    ActorMention,
    ActorsByDay,
    find_actors,
    normalize_stance,
)
from sitrep.classify import Classifier
from sitrep.dates import DateMention, find_dates
from sitrep.errors import ExtractionError
from sitrep.events.anchor import COARSE_KINDS, DEFINITE_DETERMINERS, anchor_unplaced, is_heading
from sitrep.events.dedupe import one_per_location_and_day
from sitrep.events.genuine import (
    ATTEMPT_LEMMAS,
    BEGINNING_WORDS,
    CLAIM_LEMMAS,
    dateline_spans,
    describes_a_state,
    describes_its_noun,
    is_aimed_at,
    names_a_circumstance,
    names_a_significance,
)
from sitrep.events.learned import EventFilter, filter_events, load_event_filter
from sitrep.events.participants import (
    Participants,
    air_side,
    find_participants,
    is_attributed_source,
    is_holder,
    is_target,
    stance_side,
    state_sides,
    tree_distance,
)
from sitrep.events.status import FactCues, assess_statement
from sitrep.events.timing import (
    YEAR_PRECISION,
    date_event,
    dates_only_the_saying,
    summary_date,
    tense_of,
    weekday_ahead,
)
from sitrep.events.triggers import TERRITORY, ReportTrigger, Trigger, find_triggers
from sitrep.framing import FramingLexicon, find_framing
from sitrep.geo import Gazetteer, find_places
from sitrep.geo.gazetteer import km_between
from sitrep.model import HAPPENED, Document, Event, PlaceMention, Span, SubEventType
from sitrep.overlays import DEFAULT_CONFLICT, profile_files
from sitrep.stance import Publisher, infer_stance, outlet_spans, stance_of_source
from sitrep.taxonomy import PROTESTS, SUB_EVENT_TYPES_BY_TYPE, event_type_of

GOVERNMENT_REGAINS = "Government regains territory"
NON_STATE_OVERTAKES = "Non-state actor overtakes territory"
AIR_STRIKE = "Air/drone strike"
# Deeds fired from one place at another (see `_only_launch_points`).
FIRED_TYPES = frozenset({AIR_STRIKE, "Shelling/artillery/missile attack"})
# A place farther than this many dependency arcs from every trigger of its sentence is mentioned in
# passing, not the scene of an event there.
MAX_PLACE_PATH = 5
# ...unless its nearest trigger has no place of its own within MAX_PLACE_PATH: then up to this many.
MAX_LONELY_PLACE_PATH = 9
# Words before a place that make it a bearing from an unnamed scene ("a town near Damascus", "a village
# outside Idlib"), looked for in the BEARING_CHARS characters before the name.
BEARING_BEFORE_RE = re.compile(r"\b(?:near|outside|close to|nearby)\s+(?:the\s+(?:city\s+of\s+)?)?$",
                               re.IGNORECASE)
BEARING_CHARS = 30
# Links by which a clause with its own subject joins another as its peer ("..., while buses had gone into",
# "... and civilians fled to"): what happens in it happens there, not in the clause it joins.
OWN_CLAUSE_DEPS = frozenset({"advcl", "conj"})
# Words that make "X of <place>" a bearing from the place rather than a part of it.
DIRECTION_WORDS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast",
                             "southwest", "north-east", "north-west", "south-east", "south-west", "km",
                             "kilometres", "kilometers", "miles"})
# Words by which a sentence refers back to a place named just before it.
ANAPHORIC_WORDS = frozenset({"it", "there", "its"})
ANAPHORIC_NOUNS = frozenset({"town", "village", "city", "district", "neighbourhood", "neighborhood", "camp",
                             "complex", "hill", "area", "base", "airport", "road", "highway", "farms", "suburb",
                             "quarter", "prison", "dam", "bridge"})
# Of those, the nouns for a road, which refer back only to a road.
ROAD_NOUNS = frozenset({"road", "highway"})
# Of those, the nouns for a facility named once in a report ("the prison"), which refer back across paragraphs.
FACILITY_NOUNS = frozenset({"prison", "dam", "bridge", "airport"})
# Of those, the nouns for a village or town, with the gazetteer kind they refer back to across a paragraph
# break ("the city" is the story's setting rather than one place named before).
SETTLEMENT_NOUNS = {"village": "village", "town": "town"}
# How far back (characters, about two sentences) a sentence without a place looks for the one it means.
ANTECEDENT_CHARS = 400
# A city named beside places this close to it (km) contains them: Aleppo's districts lie within 10 km.
CITY_KM = 12.0
UNDATED = "no date in the text: dated to the publication week"
# A heading opening a paragraph: a capitalised name of a few words and a colon ("Aleppo:", "Eastern Ghouta:").
SECTION_HEADING_RE = re.compile(r"[ \t]*[A-Z][\w'’ -]{1,40}:")
# A headline is one line of at most this many characters (the longest wire headlines run ~150).
HEADLINE_CHARS = 160
SUMMARISED = "a summary of gains with no date: dated to the month before publication"
UNDATED_DOCUMENT = "no date in the text and no publication date: undated"
UNDATED_WARNING = "no publication date: events without a date of their own in the text are left undated"
# Fact statuses of what has not happened (yet): dated only by their own sentence.
FUTURE = frozenset({"expected", "hypothetical"})
# Words that, written by a source about its own side's gains, imply that side gained ("re-liberated").
LIBERATION_PREFIXES = ("liberat", "re-liberat", "victor", "free")
# Confidence in [0, 1] by fact status before corroboration (reconcile refines it across sources): the
# share of such statements that analysts expect to hold up.
STATUS_CONFIDENCE = {"reported": 0.7, "attributed_claim": 0.5, "expected": 0.3, "hypothetical": 0.15,
                     "negated": 0.1}
NOT_EVENT_PREPOSITIONS = frozenset({"from"})
# Verbs of a deed's start: a relative clause of one ("... an operation in the north of Hama province that began
# in late March") dates the deed whatever noun the parser hangs it on.
ONSET_LEMMAS = frozenset({"begin", "start", "launch", "erupt", "kick"})
# Nouns that name a happening already told ("the incident took place near Palmyra"), and how many sentences
# on such a sentence may still locate a deed left without a place.
HAPPENING_NOUNS = frozenset({"incident", "attack", "ambush", "assault", "strike", "bombing", "explosion",
                             "blast", "shooting", "clash", "raid", "operation"})
LOCATING_SENTENCES = 3
# Verbs of stopping a plan (see `_foiled`).
FOIL_LEMMAS = frozenset({"detain", "arrest", "foil", "thwart", "intercept", "stop", "prevent", "catch"})
# Words of a protest, and of people hurt, that make a clash a protest met with force (see
# `_protest_turned_violent`).
PROTEST_LEMMAS = frozenset({"protest", "protester", "protestor", "demonstration", "demonstrator", "rally"})
HARM_LEMMAS = frozenset({"wound", "kill", "injure", "shoot", "die", "dead"})
ARMED_CLASH: str = SubEventType.ARMED_CLASH.value
EXCESSIVE_FORCE: str = SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS.value
PROTEST_WITH_INTERVENTION: str = SubEventType.PROTEST_WITH_INTERVENTION.value
PEACEFUL_PROTEST: str = SubEventType.PEACEFUL_PROTEST.value
# Ground taken by a place rather than named ("took two hills near Khan Tuman", "seized positions around
# Kinsabba"): the nouns, and the prepositions that place them.
GROUND_NOUNS = frozenset({"site", "position", "hill", "hilltop", "point", "post", "checkpoint", "village",
                          "farm", "area", "building", "base", "outpost", "height", "neighbourhood",
                          "neighborhood", "district", "block", "street", "part", "section"})
GROUND_PREPOSITIONS = frozenset({"in", "near", "around", "outside", "inside", "on", "at", "east", "west",
                                 "north", "south"})
# "a Damascus suburb": the nouns of a city's unnamed part, the kinds of place that may be it, and how far
# from the city they may lie (km); see `_suburb_meant`.
SUBURB_NOUNS = frozenset({"suburb", "suburbs"})
SUBURB_KINDS = frozenset({"town", "village", "district"})
SUBURB_KM = 25.0
# A thing on its way: the verbs and prepositions that name where a mover comes from or goes to.
MOTION_LEMMAS = frozenset({"come", "go", "head", "travel", "arrive", "return", "drive", "bring", "carry",
                           "transport", "bind"})
ROUTE_PREPOSITIONS = frozenset({"from", "to", "toward", "towards", "for"})
# Nouns of a place's surroundings, through which a preposition reaches the place ("from the area of Azaz").
VICINITY_NOUNS = frozenset({"area", "vicinity", "outskirts", "direction", "countryside", "edge", "side"})
# Prepositions by which a named place says where another named place lies ("the prison in Hasakeh",
# "Mount Qassoun near Palmyra").
# How big a kind of place is, for telling which of two places named together contains the other.
CONTAINER_RANK = {"country": 4, "governorate": 3, "region": 3, "city": 2, "town": 1}
CONTAINER_PREPOSITIONS = frozenset({"in", "inside", "within", "near", "outside"})


@dataclass(frozen=True)
class Resources:
    """Everything heavy that extraction needs, built once and passed in."""

    nlp: Any
    gazetteer: Gazetteer
    actors: ActorCatalogue
    classifier: Classifier
    report_triggers: tuple[ReportTrigger, ...]
    fact_cues: FactCues
    framing: FramingLexicon
    publishers: tuple[Publisher, ...] = ()
    event_filter: EventFilter | None = None  # learned second opinion on happened events (None: rules alone)
    control_cues: Any = None  # statements of control's cues (sitrep.control.statements.ControlCues), the
    # profile's with the user's overlay; None: the shipped file's


def load_resources(nlp: Any, gazetteer: Gazetteer, data_home: Path | None = None,
                   conflict: str = DEFAULT_CONFLICT) -> Resources:
    """Everything extraction needs, from the data files of the profile `conflict` with the user's overlay
    `<data_home>/conflicts/<conflict>/` on top (`sitrep.overlays`), and `data_home`'s own `sources.yaml`."""
    files = profile_files(data_home, conflict)
    return Resources(nlp=nlp, gazetteer=gazetteer, actors=files.load_actors(files.load_profile()),
                     classifier=files.load_classifier(nlp), report_triggers=files.load_report_triggers(),
                     fact_cues=files.load_fact_cues(), framing=files.load_framing(), publishers=files.load_publishers(),
                     event_filter=load_event_filter(), control_cues=files.load_control_cues())


@dataclass(frozen=True, slots=True)
class _Context:
    document: Document
    doc: Any
    places: list[PlaceMention]
    actors: list[ActorMention]
    dates: list[DateMention]
    paragraph_starts: list[int]
    stance: str
    datelines: list[tuple[int, int]]  # where the story was filed from: never a scene (genuine.py)
    actors_by_day: ActorsByDay | None = None  # the actors as they read on an event's own day
    section_starts: tuple[int, ...] = ()  # paragraphs that open with a heading ("Aleppo: ..."): new stories


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one document yields: its events and every place it names (resolved or not)."""

    document: Document
    events: list[Event]
    places: list[PlaceMention]
    observations: tuple[Any, ...] = ()  # statements of control read from the same parse (sitrep.control)

    @property
    def unresolved(self) -> list[PlaceMention]:
        return [p for p in self.places if not p.resolved]


def extract(document: Document, resources: Resources, doc: Any | None = None, *,
            stance_read: bool = False) -> Extraction:
    """Every event `document` reports, expects, imagines or denies, one per location per day and type.
    `doc` is spaCy's parse of `document.text` when the caller has it (batches parse with `nlp.pipe`);
    `stance_read` when the document's stance was already settled (a piece of a longer document)."""
    text = _checked_text(document)
    doc = doc if doc is not None else resources.nlp(text)
    document = document if stance_read else with_stance(document, resources.actors, resources.publishers)
    if document.published is None:
        document = replace(document, warnings=(*document.warnings, UNDATED_WARNING))
    actors, places = report_places(document, resources.actors, resources.gazetteer, doc,
                                   publishers=resources.publishers)
    paragraph_starts = _paragraph_starts(text)
    context = _Context(document, doc, [p for p in places if p.resolved], actors,
                       find_dates(text, document.published), paragraph_starts,
                       normalize_stance(document.stance), dateline_spans(text, paragraph_starts),
                       ActorsByDay(text, resources.actors, stance=document.stance, published=document.published,
                                   mentions=actors),
                       _section_starts(text, paragraph_starts))
    events: list[Event] = []
    triggers = find_triggers(doc, resources.classifier, resources.report_triggers)
    placed = _attach_places(triggers, context)
    anchored = anchor_unplaced(triggers, placed, doc, context.places, context.paragraph_starts,
                               resources.gazetteer)
    for trigger, place_mentions in placed + anchored:
        events.extend(_events_for(trigger, place_mentions, context, resources))
    # a place an event was anchored at that the text does not name as such (the capital of a decree)
    places = [*places, *_new_places(places, anchored)]
    events = _drop_headline_repeats(events, text, places)
    kept = filter_events(one_per_location_and_day(events, headline_end(text)), doc, places, resources.event_filter)
    return Extraction(document, kept, places)


def report_places(document: Document, catalogue: ActorCatalogue, gazetteer: Gazetteer, doc: Any, *,
                  metonyms: bool = False, publishers: tuple[Publisher, ...] = ()
                  ) -> tuple[list[ActorMention], list[PlaceMention]]:
    """The actors the document names and its places, of which no actor's name is one ("Asayish", "Nour
    al-Din al-Zenki"): what `extract` reads and, with `metonyms`, `sitrep places` lists. A place named for
    the power seated there ("the Damascus government") is no scene of an event, but it is a place the
    report names: `metonyms` keeps it. Nor is a news outlet's name (`publishers`, and the document's
    source: "Shafaq News/ On Thursday")."""
    actors = find_actors(document.text, catalogue, stance=document.stance, on=document.published)
    names = [a for a in actors if not (metonyms and any(w[:1].islower() for w in a.surface.split()))]
    places = find_places(document.text, gazetteer=gazetteer, doc=doc, doc_id=document.doc_id,
                         exclude=[(a.start, a.end) for a in names] +
                         outlet_spans(document.text, publishers, document.source))
    return actors, places


def _drop_headline_repeats(events: list[Event], text: str, places: list[PlaceMention]) -> list[Event]:
    """A headline sums up the story its body tells ("SDF says it killed three Turkish soldiers and downed a
    drone"): an event the headline reports at a place it does not name itself (a place of the body, or
    an anchor) is the body's event of that type when the body reports one."""
    title = headline_end(text)
    if not title:
        return events
    # "clashes in Druze town near Damascus": a place the headline names as a bearing is not its scene
    named = {p.place.place_id for p in places if p.place is not None and p.mention.start < title
             and not BEARING_BEFORE_RE.search(text, max(0, p.mention.start - BEARING_CHARS), p.mention.start)}
    body = {e.event_type for e in events if e.evidence_start >= title and e.fact_status in HAPPENED}
    return [e for e in events if e.evidence_start >= title or e.fact_status not in HAPPENED
            or e.event_type not in body or e.place_id in named]


def headline_end(text: str) -> int:
    """Where the headline ends: the first paragraph when it is one short line without a full stop (a
    title), else 0."""
    first = text.split("\n\n", 1)[0]
    line = first.strip()
    if "\n" in line or not line or len(line) > HEADLINE_CHARS or line[-1] in ".!?:" or len(first) == len(text):
        return 0
    return len(first)


def _checked_text(document: Document) -> str:
    """The document's text, refused with the position when it is not valid Unicode (a lone surrogate from a
    JSON escape such as "\\ud800", which no parser can read)."""
    try:
        document.text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ExtractionError(f"{document.doc_id}: the text is not valid Unicode ({e.reason} at character "
                              f"{e.start})") from e
    return document.text


def _new_places(places: list[PlaceMention], anchored: list[tuple[Trigger, list[PlaceMention]]]) -> list[PlaceMention]:
    """The anchored events' place mentions that are not among the document's detected places."""
    known = {id(m) for m in places}
    new: dict[tuple[int, int, str], PlaceMention] = {}
    for _, mentions in anchored:
        for m in mentions:
            if id(m) not in known and m.place is not None:
                new.setdefault((m.mention.start, m.mention.end, m.place.place_id), m)
    return list(new.values())


def with_stance(document: Document, catalogue: ActorCatalogue, publishers: tuple[Publisher, ...]) -> Document:
    """The document's stance: as given, else its publisher's, else the one its hostile labels show."""
    if document.stance:
        return document
    stance = stance_of_source(document.source, document.url, publishers or None)
    if not stance:
        stance = infer_stance(find_actors(document.text, catalogue), catalogue)
        if stance:
            return replace(document, stance=stance, warnings=(*document.warnings,
                                                             f"stance inferred from its labels: {stance}"))
    return replace(document, stance=stance) if stance else document


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n\n")
    while index >= 0:
        starts.append(index + 2)
        index = text.find("\n\n", index + 2)
    return starts


def _section_starts(text: str, paragraph_starts: list[int]) -> tuple[int, ...]:
    """The paragraphs that open a section of a round-up with a heading ("Aleppo: The strategic ...")."""
    return tuple(p for p in paragraph_starts if SECTION_HEADING_RE.match(text, p))


def _place_token(doc: Any, mention: PlaceMention) -> Any:
    span = doc.char_span(mention.mention.start, mention.mention.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _attach_places(triggers: list[Trigger], context: _Context) -> list[tuple[Trigger, list[PlaceMention]]]:
    """Each place goes to the trigger nearest it in its sentence's dependency tree."""
    doc = context.doc
    attached: dict[int, list[PlaceMention]] = {t.token: [] for t in triggers}
    lonely: list[tuple[int, int, PlaceMention]] = []
    by_sentence: dict[int, list[Trigger]] = {}
    for trigger in triggers:
        sentence = doc[trigger.token].sent
        if trigger.claim_only and not any(t.lemma_.lower() in CLAIM_LEMMAS for t in sentence):
            continue  # "control" is an event only where someone claims it
        by_sentence.setdefault(sentence.start, []).append(trigger)
    for mention in context.places:
        if is_heading(context.document.text, mention) or _in_dateline(mention, context):
            continue
        token = _place_token(doc, mention)
        if token is None or token.sent.start not in by_sentence or _on_a_movers_route(token):
            continue
        # a place in no subject's phrase goes, between triggers as near, to the subject's ("artillery ... fire
        # accompanied the airstrikes, hitting Jadda"); one in a subject ("the village of Shillif was
        # re-liberated and fighting ...") to the nearest
        by_subject = not any(a.dep_ in ("nsubj", "nsubjpass") for a in (token, *token.ancestors))
        distances = [(tree_distance(doc[t.token], token), by_subject and not _is_subject(doc[t.token]),
                      abs(t.token - token.i),
                      t.token)
                     for t in by_sentence[token.sent.start]
                     if (not t.place_object or _is_object_of(token, doc[t.token]))
                     and not _in_another_clause(token, doc[t.token])]
        if not distances:
            continue
        distance, _, _, nearest = min(distances)
        if distance <= MAX_PLACE_PATH:
            attached[nearest].append(mention)
        elif distance <= MAX_LONELY_PLACE_PATH:
            lonely.append((distance, nearest, mention))
    lonely_taken: dict[int, int] = {}
    for distance, nearest, mention in sorted(lonely, key=lambda item: item[0]):
        # a trigger with no precise place of its own, or only the place it came from or a bearing is taken from
        # ("in the town of Jaramana, south-east of Damascus"), takes the nearest left, and those as near ("to
        # new sites in Western Palmyra, including Wadi al-Dhakara")
        if (lonely_taken.get(nearest) == distance and not _between(doc, mention)) or \
                all(_is_coarse(m) or _preposition(doc, m) in NOT_EVENT_PREPOSITIONS or _is_reference_point(doc, m)
                    for m in attached[nearest]):
            attached[nearest].append(mention)
            lonely_taken.setdefault(nearest, distance)
    # sentences that name a place other than where someone came from ("a vehicle coming from Daraa")
    placed_sentences = {_place_token(doc, m).sent.start for m in context.places
                        if _place_token(doc, m) and _preposition(doc, m) not in NOT_EVENT_PREPOSITIONS}
    for trigger in triggers:
        sentence = doc[trigger.token].sent
        if not attached[trigger.token] and (sentence.start not in placed_sentences or _refers_back(doc[trigger.token])) \
                and sentence.start in by_sentence and not trigger.place_object:
            antecedent = _antecedent(sentence, context)
            if antecedent is not None:
                attached[trigger.token].append(antecedent)
    for trigger in triggers:
        if not attached[trigger.token] and doc[trigger.token].sent.start in by_sentence and not trigger.place_object:
            later = _place_told_after(doc[trigger.token].sent, context)
            if later is not None:
                attached[trigger.token].append(later)
    _share_with_heads(triggers, attached, doc)
    _join_compounds(triggers, attached, doc)
    groups = [(t, _scene_places(attached[t.token], doc, doc[t.token])) for t in triggers if attached[t.token]]
    return _drop_coarse_beside_precise([(t, p) for t, p in groups if not _only_launch_points(t, p, doc)], doc)


def _between(doc: Any, mention: PlaceMention) -> bool:
    """"at a checkpoint between the towns of Al-Musaifra and Karak": one scene between two places, not two."""
    token = _place_token(doc, mention)
    return token is not None and any(a.lower_ == "between" for a in list(token.ancestors)[:4])


def _only_launch_points(trigger: Trigger, places: list[PlaceMention], doc: Any) -> bool:
    """"Israeli jets fired the missiles from over the Golan Heights": a strike placed only where it was
    fired from is not placed (ACLED codes it where it hit)."""
    return trigger.sub_event_type in FIRED_TYPES and all(_launched_from(doc, m) for m in places)


def _launched_from(doc: Any, mention: PlaceMention) -> bool:
    """"from Anadan", "from over the Golan Heights", "from inside Turkey"."""
    if _preposition(doc, mention) == "from":
        return True
    token = _climb(_place_token(doc, mention))
    return token is not None and token.dep_ == "pobj" and token.head.head.lower_ == "from" and \
        token.head.dep_ in ("pcomp", "prep", "pobj")


def _place_told_after(sentence: Any, context: _Context) -> PlaceMention | None:
    """Where a sentence that follows says the deed happened ("... were killed in an ambush in central Syria.
    ... The incident took place near the historic city of Palmyra"): the first precise place of the next
    sentence, within LOCATING_SENTENCES, whose subject is the deed named by a definite noun and whose verb
    says it took place."""
    doc = context.doc
    for _ in range(LOCATING_SENTENCES):
        if sentence.end >= len(doc):
            return None
        sentence = doc[sentence.end].sent
        root = sentence.root
        if not _says_it_took_place(root):
            continue
        places = [m for m in _precise_places(context, sentence.start_char, sentence.end_char)
                  if m.mention.start > root.idx and not _is_reference_point(doc, m)]
        return places[0] if places else None
    return None


def _says_it_took_place(root: Any) -> bool:
    """"The incident took place", "the attack occurred", "this happened": a happening's place is told."""
    lemma = root.lemma_.lower()
    placed = lemma in ("occur", "happen", "unfold") or (
        lemma == "take" and any(c.dep_ == "dobj" and c.lower_ == "place" for c in root.children))
    return placed and any(c.dep_ == "nsubj" and c.lemma_.lower() in HAPPENING_NOUNS
                          and _is_definite(c) for c in root.children)


def _on_a_movers_route(token: Any) -> bool:
    """A place named as where something that the deed met was coming from or going to ("opened fire on a
    vehicle coming from Daraa", "attacked the buses going to Idleb"): the mover's route, not the scene."""
    token = _climb(token)
    if token is None or token.dep_ != "pobj" or token.head.lower_ not in ROUTE_PREPOSITIONS:
        return False
    mover = token.head.head
    return mover.dep_ in ("acl", "relcl") and mover.lemma_.lower() in MOTION_LEMMAS


def _share_with_heads(triggers: list[Trigger], attached: dict[int, list[PlaceMention]], doc: Any) -> None:
    """A trigger left without a place whose clause holds another trigger with places ("was detained on his
    way to carry out an attack on the shrine") happened there too: it takes that trigger's places."""
    placed: dict[int, list[Trigger]] = {}  # the triggers with places, by their sentence's start
    for t in triggers:
        if attached[t.token]:
            placed.setdefault(doc[t.token].sent.start, []).append(t)
    for trigger in triggers:
        if attached[trigger.token] or trigger.place_object:
            continue
        token = doc[trigger.token]
        below = {w.i for w in token.subtree}
        inner = [t for t in placed.get(token.sent.start, ()) if t is not trigger and t.token in below]
        if inner:
            attached[trigger.token] = list(attached[inner[0].token])


def _in_another_clause(place: Any, trigger: Any) -> bool:
    """The place lies in a clause of its own, with its own subject, joined to the trigger's ("had set buses on
    fire, while 100 buses had gone into al-Zebdiye"; "rebels attacked the checkpoint and civilians fled to
    Azaz"): that clause's deed, not the trigger's, went there."""
    above_trigger = {trigger.i, *(a.i for a in trigger.ancestors)}
    for word in (place, *place.ancestors):
        if word.i in above_trigger:
            return _own_clause_below(trigger, word)  # reached the clause the trigger is in
        if _opens_own_clause(word):
            return True  # ("under siege since forces closed Castello Road": the deed that began the state)
    return False


def _opens_own_clause(word: Any) -> bool:
    return word.pos_ in ("VERB", "AUX") and word.dep_ in OWN_CLAUSE_DEPS and \
        any(c.dep_ in ("nsubj", "nsubjpass") for c in word.children) and \
        not any(c.dep_ == "mark" and c.lower_ in BEGINNING_WORDS for c in word.children)


def _own_clause_below(trigger: Any, common: Any) -> bool:
    """The trigger's deed is told in a clause of its own, with its own subject, below the word it shares
    with the place ("An official of Homs province backed up the report, but a rebel source said the rebels
    were still fighting in the city"): the place, outside that clause, is not where it happened."""
    for word in (trigger, *trigger.ancestors):
        if word.i == common.i:
            return False
        if _opens_own_clause(word):
            return True
    return False


def _join_compounds(triggers: list[Trigger], attached: dict[int, list[PlaceMention]], doc: Any) -> None:
    """"an artillery strike from the area of Azaz on forces near Maraanaz", "a mortar attack": a trigger that
    only qualifies another names one happening with it; its places join the head's, whose scene they are
    chosen among ("from Azaz" is the origin)."""
    at = {t.token for t in triggers}
    for trigger in triggers:
        token = doc[trigger.token]
        if token.dep_ in ("compound", "amod", "nmod") and token.head.i in at and attached[trigger.token]:
            attached[token.head.i] = [*attached[token.head.i],
                                      *(m for m in attached[trigger.token] if m not in attached[token.head.i])]
            attached[trigger.token] = []


def _is_subject(token: Any) -> bool:
    """The token is its clause's subject, or listed in it ("Heavy artillery, tank and mortar fire accompanied
    the airstrikes, hitting Jadda"): of triggers as near a place, the subject's is the deed that reached it."""
    while token.dep_ in ("conj", "compound") and token.head.i != token.i:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass")


def _refers_back(token: Any) -> bool:
    """The deed's own phrase names its place by a definite noun ("still fighting in the city")."""
    return any(t.lower_ in ANAPHORIC_NOUNS and _is_definite(t) for t in token.subtree if t.i != token.i)


def _antecedent(sentence: Any, context: _Context) -> PlaceMention | None:
    """The place a sentence without one refers back to ("the town", "it", "there"): the last precise place
    named in the sentences just before it, in the same paragraph; for "the village" or "the town" opening a
    paragraph, the last such place of the paragraph before; for a facility ("the prison", "the dam"), the
    last one named so anywhere before."""
    words = {t.lower_ for t in sentence}
    nouns = {t.lower_ for t in sentence if t.lower_ in ANAPHORIC_NOUNS and _is_definite(t)}
    if not nouns and not words & ANAPHORIC_WORDS:
        return None
    paragraph = max(p for p in context.paragraph_starts if p <= sentence.start_char)
    before = _precise_places(context, max(paragraph, sentence.start_char - ANTECEDENT_CHARS), sentence.start_char)
    bare = all(c.dep_ == "det" for t in sentence if t.lower_ in ROAD_NOUNS for c in t.children)
    if nouns and nouns <= ROAD_NOUNS and bare and not words & ANAPHORIC_WORDS:
        # "The road was sealed" after "... along the highway. ... flown to the al-Tanf garrison": a road (not
        # "the last road into the rebel districts", which its own words place)
        return next((m for m in reversed(before) if m.place is not None and
                     (m.place.kind == "road" or m.mention.feature in ROAD_NOUNS)), None)
    facilities = {t.lower_ for t in sentence if t.lower_ in FACILITY_NOUNS and _is_definite(t) and t.dep_ != "poss"}
    if not before and facilities:
        # "surrounded the whole prison" paragraphs after "the Ghwayran prison in Hasakeh"
        before = [m for m in _precise_places(context, 0, paragraph)
                  if m.mention.feature in facilities or m.mention.surface.lower().endswith(tuple(facilities))]
    if not before and nouns:
        # "the village" opening a paragraph means the village the paragraph before named last
        kinds = {SETTLEMENT_NOUNS[n] for n in nouns if n in SETTLEMENT_NOUNS}
        before = [m for m in _precise_places(context, max(0, sentence.start_char - ANTECEDENT_CHARS), paragraph)
                  if m.place is not None and m.place.kind in kinds]
    return before[-1] if before else None


def _is_definite(noun: Any) -> bool:
    """"the prison", "this village", "that attack": a noun pointing back to one named before."""
    return any(c.lower_ in DEFINITE_DETERMINERS for c in noun.children)


def _precise_places(context: _Context, start: int, end: int) -> list[PlaceMention]:
    return [m for m in context.places if start <= m.mention.start < end and not _is_coarse(m)
            and not is_heading(context.document.text, m) and not _in_dateline(m, context)]


def _drop_coarse_beside_precise(groups: list[tuple[Trigger, list[PlaceMention]]],
                                doc: Any) -> list[tuple[Trigger, list[PlaceMention]]]:
    """"A battle in East Ghouta, with battles in Hawsh al-Farah": the region frames the villages."""
    precise_sentences = {doc[t.token].sent.start for t, places in groups
                         if any(p.place is not None and p.place.kind not in COARSE_KINDS for p in places)}
    out = []
    for trigger, places in groups:
        if doc[trigger.token].sent.start in precise_sentences:
            places = [p for p in places if p.place is not None and p.place.kind not in COARSE_KINDS]
        if places:
            out.append((trigger, places))
    return out


def _is_object_of(place: Any, verb: Any) -> bool:
    """Whether the place is (one of a list that is) the verb's direct object, or its passive subject: "took
    Qomhana and Souran", "the Anadan checkpoint was taken"."""
    while place.dep_ in ("conj", "compound", "appos") and place.head.i != place.i:
        place = place.head
    if place.dep_ == "pobj" and place.head.lower_ == "of" and place.head.head.dep_ in ("dobj", "nsubjpass"):
        place = place.head.head  # a part of it: "took the eastern part of Mayda'a"
    elif place.dep_ == "pobj" and place.head.lower_ in GROUND_PREPOSITIONS:
        return _places_taken_ground(place.head, verb)
    return place.dep_ in ("dobj", "nsubjpass") and place.head.i == verb.i


def _places_taken_ground(preposition: Any, verb: Any) -> bool:
    """"took two sites in and near the Castillo Complex", "took two hills near Khan Tuman": the place says
    where the ground the verb took lies, on the ground noun or on the verb beside it."""
    while preposition.dep_ == "conj" and preposition.head.i != preposition.i:
        preposition = preposition.head  # "in and near"
    noun = preposition.head
    if noun.lemma_.lower() in GROUND_NOUNS and noun.dep_ in ("dobj", "nsubjpass"):
        return noun.head.i == verb.i
    return noun.i == verb.i and any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in GROUND_NOUNS
                                    for c in verb.children)


def _is_coarse(mention: PlaceMention) -> bool:
    return mention.place is not None and mention.place.kind in COARSE_KINDS


def _in_dateline(mention: PlaceMention, context: _Context) -> bool:
    return any(start <= mention.mention.start < end for start, end in context.datelines)


def _scene_places(mentions: list[PlaceMention], doc: Any, trigger: Any) -> list[PlaceMention]:
    """Drop where the subject is based when another place is named, a region when a precise place is named
    too, and an origin ("from X") when a goal is named."""
    mentions = [m for m in mentions if not _locates_the_subject(doc, m, trigger)] or mentions
    mentions = _own_object_places(mentions, doc, trigger)
    precise = [m for m in mentions if m.place is not None and m.place.kind not in COARSE_KINDS]
    kept = _drop_containing_cities(precise or mentions)
    goals = [m for m in kept if _preposition(doc, m) not in NOT_EVENT_PREPOSITIONS]
    kept = goals or kept
    scenes = [m for m in kept if not _is_reference_point(doc, m)]
    scenes = [m for m in scenes if not _contains_another(doc, m, scenes)] or scenes
    scenes = [m for m in scenes if not _qualifies_another(doc, m, scenes)] or scenes
    return scenes or kept


def _qualifies_another(doc: Any, mention: PlaceMention, others: list[PlaceMention]) -> bool:
    """"the Idlib town of Saraqeb", "the Damascus suburb of Douma", "Aleppo's district of Sheikh Maqsoud":
    a place that qualifies the feature word of another named place, and is the bigger of the two, says where
    that one lies; the event is at the place named after "of". ("The Sheikh Maqsood district of Aleppo" is
    the same words the other way round: there the place after "of" is the bigger, and the district stays.)"""
    token = _place_token(doc, mention)
    if token is None or mention.place is None:
        return False
    if token.pos_ == "NOUN":
        feature = token  # the mention holds the feature word: "Idlib town"
    else:
        while token.dep_ == "compound" and token.head.pos_ == "PROPN":
            token = token.head  # "Deir ez-Zor" to its last word
        if token.dep_ not in ("compound", "amod", "nmod", "poss"):
            return False
        feature = token.head
    while feature.dep_ == "compound" and feature.head.pos_ == "NOUN":
        feature = feature.head  # "the Aleppo province town of Azaz": the town
    if feature.pos_ != "NOUN":
        return False
    named = [g.i for c in feature.children if c.dep_ == "prep" and c.lower_ == "of"
             for g in c.children if g.dep_ == "pobj"]
    return any(other is not mention and other.place is not None and _bigger(mention.place, other.place)
               and (t := _climb(_place_token(doc, other))) is not None and t.i in named for other in others)


def _bigger(place: Any, other: Any) -> bool:
    """Whether `place` is of a bigger kind than `other` (a governorate than a city, a city than a town), or,
    both cities, the more populous."""
    rank, other_rank = CONTAINER_RANK.get(place.kind, 0), CONTAINER_RANK.get(other.kind, 0)
    return rank > other_rank or (rank == other_rank == CONTAINER_RANK["city"] and place.population > other.population)


def _contains_another(doc: Any, mention: PlaceMention, others: list[PlaceMention]) -> bool:
    """"Ghwayran prison in Hasakeh", "the village of Baghouz in Deir ez-Zor": a place named as where another
    named place lies only locates it; the event is at the place it contains."""
    token = _climb(_place_token(doc, mention))
    if token is None or token.dep_ != "pobj" or token.head.lower_ not in CONTAINER_PREPOSITIONS:
        return False
    preposition = token.head
    noun = preposition.head
    for other in others:
        other_token = _place_token(doc, other)
        if other is mention or other_token is None:
            continue
        phrase = other_token.head if other_token.dep_ in ("compound", "amod", "nmod") else other_token
        if phrase.right_edge.i + 1 == preposition.i:
            return True  # "stormed the Ghwayran prison in Hasakeh", the parser hanging "in" on the verb
        if noun.pos_ not in ("NOUN", "PROPN"):
            continue
        named = {other_token.i}
        if other_token.dep_ in ("compound", "amod", "appos", "nmod"):
            named.add(other_token.head.i)  # "Ghwayran prison": the prison
        if other_token.dep_ == "pobj" and other_token.head.lower_ == "of":
            named.add(other_token.head.head.i)  # "the village of Baghouz": the village
        if noun.i in named:
            return True
    return False


def _climb(token: Any) -> Any:
    """From a place's token to the head of the list or name it is part of ("Hama and Idlib", "al-Bab city")."""
    while token is not None and token.dep_ in ("compound", "conj", "appos") and token.head.i != token.i:
        token = token.head
    return token


def _own_object_places(mentions: list[PlaceMention], doc: Any, trigger: Any) -> list[PlaceMention]:
    """"consolidated their control of Castello Road and fully besieged the opposition-held areas of eastern
    Aleppo": a verb whose own object names a place happened there, not at places outside its phrase."""
    objects = [c for c in trigger.children if c.dep_ == "dobj"] if trigger.pos_ == "VERB" else []
    spans = [(o.left_edge.idx, o.right_edge.idx + len(o.right_edge)) for o in objects]
    inside = [m for m in mentions if any(a <= m.mention.start < b for a, b in spans)]
    if not inside:
        return mentions
    phrase = (trigger.left_edge.idx, trigger.right_edge.idx + len(trigger.right_edge))
    return [m for m in mentions if phrase[0] <= m.mention.start < phrase[1]]


def _locates_the_subject(doc: Any, mention: PlaceMention, trigger: Any) -> bool:
    """"The Internal Security Forces in Latakia launched an operation in the countryside of Jableh": a place
    that says where the subject is based, beside another named place, is not where the deed happened."""
    token = _climb(_place_token(doc, mention))
    if token is None or token.dep_ != "pobj" or token.head.lower_ not in ("in", "from"):
        return False
    noun = token.head.head
    return noun.i != trigger.i and noun.pos_ in ("NOUN", "PROPN") and noun.dep_ in ("nsubj", "nsubjpass")


def _is_reference_point(doc: Any, mention: PlaceMention) -> bool:
    """"20 km east of Damascus": the city only locates the scene, which is elsewhere."""
    token = _place_token(doc, mention)
    if token is None or token.dep_ != "pobj" or token.head.lower_ != "of":
        return False
    before = token.head.head
    return before.lower_ in DIRECTION_WORDS or before.lemma_.lower() in DIRECTION_WORDS


def _drop_containing_cities(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """"Victories in Layramoun and Bani Zayd ... inside eastern Aleppo city": the city only frames the
    districts named with it, it is not a further scene."""
    def inside(city: PlaceMention, other: PlaceMention) -> bool:
        assert city.place is not None and other.place is not None
        # (a feature the gazetteer lacks, placed at the city's own point, lies in it: "the Mar Elias church")
        own = other.place.place_id != city.place.place_id or (other.note.startswith("unknown ") and not
                                                  city.note.startswith("unknown "))
        return own and km_between(city.place.lat, city.place.lon, other.place.lat, other.place.lon) <= CITY_KM

    placed = [m for m in mentions if m.place is not None]
    return [m for m in mentions if m.place is None or m.place.kind != "city"
            or not any(inside(m, other) for other in placed if other is not m)]


def _preposition(doc: Any, mention: PlaceMention) -> str:
    token = _place_token(doc, mention)
    while token is not None and token.dep_ in ("compound", "conj", "appos", "amod") and token.head.i != token.i:
        token = token.head
    if token is not None and token.dep_ == "pobj" and token.head.lower_ == "of" and \
            token.head.head.lemma_.lower() in VICINITY_NOUNS and token.head.head.dep_ == "pobj":
        token = token.head.head  # "from the area of Azaz", "from the outskirts of Idlib": from Azaz
    return token.head.lower_ if token is not None and token.dep_ == "pobj" else ""


def _events_for(trigger: Trigger, places: list[PlaceMention], context: _Context,
                resources: Resources) -> list[Event]:
    doc, document = context.doc, context.document
    token = doc[trigger.token]
    sentence = token.sent
    start, end = _trim(document.text, sentence.start_char, sentence.end_char)
    # the evidence is the story's words, not the dateline before them ("BEIRUT, March 14 - Syrian rebels ...")
    start = next((e for s, e in context.datelines if s <= start < e < end and e <= token.idx), start)
    if describes_a_state(token) or names_a_significance(token) or describes_its_noun(token) or \
            names_a_circumstance(token):
        return []  # "the city is under siege": how things stand, for the statements of control
    statement = assess_statement(doc, start, end, resources.fact_cues, trigger=token.idx)
    if statement.fact_status in HAPPENED and (is_aimed_at(token) or is_aimed_at(_agent_deed(token))):
        if _foiled(token):
            return []  # "a second attacker was detained on his way to carry out an attack": a plan stopped
        statement = replace(statement, fact_status="expected")
    if trigger.claim_only and statement.fact_status != "attributed_claim":
        return []
    if trigger.sub_event_type == TERRITORY and _attempted(token):
        trigger = replace(trigger, sub_event_type=ARMED_CLASH)  # ACLED: a failed try for ground is a clash
    territorial = trigger.sub_event_type == TERRITORY
    paragraph = max(p for p in context.paragraph_starts if p <= start)
    story, tense = max((s for s in context.section_starts if s <= start), default=0), tense_of(token)
    dates = _dates_of_the_deed(context, token, (start, end))
    day, precision, dated = date_event(token.idx, (start, end), paragraph, dates, document.published,
                                       past=tense == "Past", future=statement.fact_status in FUTURE,
                                       story_start=story, present=tense == "Pres")
    own_date = any(start <= d.start < end for d in dates)
    if statement.fact_status in FUTURE and own_date:
        day = weekday_ahead(day, [d for d in dates if start <= d.start < end], token, doc, document.published)
    summary = None if own_date else summary_date(token, len(places), document.published)
    if summary is not None:
        (day, precision), dated = summary, False
    if precision == YEAR_PRECISION:
        return []  # "the first truce deal was agreed in 2014": background known only to the year
    if dated and day is not None and _follows_dated_clause(token, context, dates, (start, end)):
        day, precision = day + timedelta(days=1), max(precision, 2)
    # sides as they were on the event's own day: a report of 2025 about 2016 names the state of 2016
    profile, on = resources.actors.profile, day or document.published
    if context.actors_by_day is not None:
        context = replace(context, actors=context.actors_by_day.on(on))
    deed = doc[trigger.counts] if trigger.counts >= 0 else token  # a tally's deeds are the counted ones
    sub_event_type = _protest_turned_violent(sentence) if trigger.sub_event_type == ARMED_CLASH \
        else trigger.sub_event_type
    who = find_participants(deed, context.actors, doc, stance=context.stance, territorial=territorial,
                            liberation_word=deed.lower_.startswith(LIBERATION_PREFIXES), profile=profile,
                            on=on, air=trigger.sub_event_type == AIR_STRIKE,
                            protest=sub_event_type in SUB_EVENT_TYPES_BY_TYPE[PROTESTS])
    who = _fill_actor1(who, deed, context, resources, air=trigger.sub_event_type == AIR_STRIKE, on=on)
    if territorial:  # ACLED keys the sub-event type on actor1 when the gainer is not stated apart
        gainer = who.gained_by or who.actor1_side
        sub_event_type = GOVERNMENT_REGAINS if gainer in state_sides(profile, on) else NON_STATE_OVERTAKES
    framing = tuple(Span(f.start, f.end, f.surface, f.technique)
                    for f in find_framing(document.text[start:end], resources.framing))
    framing = tuple(Span(f.start + start, f.end + start, f.surface, f.label) for f in framing)
    notes: tuple[str, ...] = () if who.gained_by or not territorial else ("side that gained ground not stated",)
    notes += () if dated else (SUMMARISED if summary else UNDATED if document.published else UNDATED_DOCUMENT,)
    gainer_stated = bool(who.gained_by) or not territorial
    places = list(dict.fromkeys(_suburb_meant(p, context) for p in places))
    # "said Tuesday that a cell carried out the deadly bombing": the bombing is one the reader knows, and the
    # day is when it was told of; a dated telling of it elsewhere gives its day
    stated = dated and not (token.pos_ == "NOUN" and token.dep_ in ("dobj", "nsubj", "nsubjpass") and
                            _is_definite(token) and
                            dates_only_the_saying([d for d in dates if start <= d.start < end], token, doc))
    return [replace(_event(document, place, sub_event_type, who, day, precision, statement, framing, (start, end),
                           notes), date_stated=stated, gainer_stated=gainer_stated) for place in places]


def _attempted(token: Any) -> bool:
    """"The convoy tried to enter Jaramana", "attempted to storm the town", "tried to take control of the
    prison" (a phrase trigger is its last word, the verb's object): the deed was tried, not done."""
    verb = token.head if token.dep_ == "dobj" and token.head.pos_ == "VERB" else token
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ATTEMPT_LEMMAS


def _suburb_meant(mention: PlaceMention, context: _Context) -> PlaceMention:
    """"began leaving a long-besieged Damascus suburb": a city named as what an unnamed suburb belongs to
    stands for the suburb the report is about, the settlement it names most often within SUBURB_KM of the
    city; with none, the city."""
    token = _place_token(context.doc, mention)
    city = mention.place
    if token is None or city is None or city.kind != "city":
        return mention
    noun = token if token.lemma_.lower() in SUBURB_NOUNS else token.head if token.dep_ == "compound" else None
    if noun is None or noun.lemma_.lower() not in SUBURB_NOUNS or \
            any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children):
        return mention
    near = [m for m in context.places if m.place is not None and m.place.kind in SUBURB_KINDS
            and km_between(m.place.lat, m.place.lon, city.lat, city.lon) <= SUBURB_KM]
    counts = Counter(m.place.place_id for m in near if m.place is not None)
    if not counts:
        return mention
    best = max(counts, key=lambda place_id: counts[place_id])
    return next(m for m in near if m.place is not None and m.place.place_id == best)


def _agent_deed(token: Any) -> Any:
    """What a trigger that names the doer does ("to allow the Russian Air Force to bombard": bombard), or
    the trigger itself."""
    noun = token
    while noun.dep_ == "compound" and noun.head.i != noun.i:
        noun = noun.head
    return noun.head if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ == "VERB" else token


def _foiled(token: Any) -> bool:
    """The aim a deed was stopped short of: its clause is governed by a verb of stopping ("was detained on
    his way to carry out an attack", "was arrested while preparing to bomb")."""
    return any(a.lemma_.lower() in FOIL_LEMMAS for a in token.ancestors)


def _protest_turned_violent(sentence: Any) -> str:
    """A clash told of a protest ("clashes between Syrian protesters and IDF forces", "clashed with Israeli
    forces at a protest") is ACLED's protest met by a force: excessive force when people were hurt, else a
    protest with intervention; any other clash stays one."""
    lemmas = {t.lemma_.lower() for t in sentence}
    if not lemmas & PROTEST_LEMMAS:
        return ARMED_CLASH
    hurt = bool(lemmas & HARM_LEMMAS)
    return EXCESSIVE_FORCE if hurt else PROTEST_WITH_INTERVENTION


def _dates_of_the_deed(context: _Context, token: Any, sentence: tuple[int, int]) -> list[DateMention]:
    """The document's dates less those of its sentence that date another clause's deed, and less an aside in
    brackets when the sentence dates the deed otherwise ("The Aleppo offensive (June–July 2016) was an
    operation that began in late June 2016": late June)."""
    text = context.document.text
    inside = [d for d in context.dates if sentence[0] <= d.start < sentence[1]]
    own = [d for d in inside if not _dates_another_clause(d, token, context.doc)]
    plain = [d for d in own if not _in_brackets(text, d, sentence[0])]
    keep = {id(d) for d in (plain or own)}
    # a date told in a relative clause of an earlier sentence ("after the breakdown of the agreement that was
    # reached three days ago") dates that clause's deed, not the days the story goes on from
    return [d for d in context.dates if id(d) in keep or
            (not sentence[0] <= d.start < sentence[1] and not (d.start < sentence[0] and _in_relative_clause(d, context.doc)))]


def _in_relative_clause(mention: DateMention, doc: Any) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and len(span) > 0 and any(a.dep_ == "relcl" for a in span.root.ancestors)


def _in_brackets(text: str, mention: DateMention, sentence_start: int) -> bool:
    before = text[sentence_start:mention.start]
    return before.count("(") > before.count(")")


def _dates_another_clause(mention: Any, token: Any, doc: Any) -> bool:
    """A date inside a relative clause that the trigger stands outside of ("The SNA, which liberated Manbij on
    December 9, is now fighting near the Tishrin Dam") dates that clause's deed, not the trigger's; one on
    the trigger itself ("an offensive that began in late June") dates it."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    clause = next((a for a in span.root.ancestors if a.dep_ == "relcl"), None)
    if clause is None or clause.left_edge.i <= token.i <= clause.right_edge.i:
        return False
    return not _same_thing(clause.head, token) and clause.lemma_.lower() not in ONSET_LEMMAS


def _same_thing(noun: Any, token: Any) -> bool:
    """The noun is the trigger, or what a copula says the trigger is ("The offensive was an operation")."""
    if noun.i == token.i:
        return True
    return noun.dep_ == "attr" and any(c.i == token.i and c.dep_ == "nsubj" for c in noun.head.children)


def _follows_dated_clause(token: Any, context: _Context, dates: Sequence[DateMention],
                          sentence: tuple[int, int]) -> bool:
    """"After the attack this past Thursday, the army recaptured the hill": the date that dates the event
    (the nearest in its sentence) belongs to an "after" phrase the trigger stands outside of, so the event
    came later (a day or more). "At dawn on Sunday ..., after the breakdown of the deal reached three days
    ago" is dated by its own Sunday."""
    in_sentence = [d for d in dates if sentence[0] <= d.start < sentence[1]]
    if not in_sentence:
        return False
    mention = min(in_sentence, key=lambda d: abs(d.start - token.idx))
    span = context.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    after = [a for a in span.root.ancestors if a.lower_ == "after" and a.dep_ in ("prep", "mark")]
    return bool(after) and token.i not in {t.i for t in after[0].subtree}


def _fill_actor1(who: Participants, token: Any, context: _Context, resources: Resources, *,
                 air: bool = False, on: date | None = None) -> Participants:
    """With no actor in its sentence, an event's agent is the last combatant named before it in its
    paragraph ("...the Syrian forces advanced. The village of X was re-liberated"), not one named as hit
    ("two U.S. service members were killed ... wounded in the attack"), of the side that gained when ground
    changed hands. An air strike's agent is a side that flies: an unattributed one
    reported by a source whose own side has no aircraft is the state's (ACLED's practice in Syria). A deed
    named by what it hit has no such default author (see `_deed_named_by_its_target`)."""
    if who.actor1:
        return who
    profile, on = resources.actors.profile, on or context.document.published
    own_side = stance_side(context.stance, profile, on) \
        if who.gained_by or air or not _deed_named_by_its_target(token) else ""
    paragraph = max(p for p in context.paragraph_starts if p <= token.idx)
    earlier = [a for a in context.actors if paragraph <= a.start < token.sent.start_char
               and a.side not in ("civilians", "unknown") and not is_holder(a, context.document.text)
               and not is_target(a, context.doc) and not is_attributed_source(a, context.doc)
               and (not who.gained_by or a.side == who.gained_by)
               and (not air or profile.flies(a.side))]
    if earlier and not own_side:
        return replace(who, actor1=earlier[-1].actor.name, actor1_side=earlier[-1].side)
    side = who.gained_by or own_side
    if air and side and not profile.flies(side):
        before = [a for a in context.actors if paragraph <= a.start < token.idx]
        side = air_side(side, before, context.document.text, profile, on)
    if side:  # a partisan source's unnamed protagonist is its own side, named by the profile's label of the day
        return replace(who, actor1=profile.label(side, on), actor1_side=side)
    return who


def _deed_named_by_its_target(token: Any) -> bool:
    """A deed named by a noun and what it hit ("Sunday's attack on Mar Elias Church", "an attack against
    army positions"): told from the side of the target, its unnamed author is no one's own side."""
    return token.pos_ == "NOUN" and any(c.dep_ == "prep" and c.lower_ in ("on", "against") for c in token.children)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _event(document: Document, mention: PlaceMention, sub_event_type: str, who: Any, day: date | None,
           precision: int, statement: Any, framing: tuple[Span, ...], evidence: tuple[int, int],
           notes: tuple[str, ...]) -> Event:
    place = mention.place
    assert place is not None  # only resolved places reach here
    key = (f"{document.doc_id}|{evidence[0]}|{place.place_id}|{mention.mention.name}|{sub_event_type}|{day}|"
           f"{statement.fact_status}")
    confidence = STATUS_CONFIDENCE[statement.fact_status] * min(1.0, 0.5 + mention.score / 2)
    return Event(
        event_id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16], doc_id=document.doc_id,
        event_date=day, time_precision=precision, event_type=event_type_of(sub_event_type),
        sub_event_type=sub_event_type, actor1=who.actor1, actor1_side=who.actor1_side, actor2=who.actor2,
        actor2_side=who.actor2_side, location=_location_name(mention), latitude=place.lat, longitude=place.lon,
        geo_precision=mention.geo_precision, fact_status=statement.fact_status,
        evidence=document.text[evidence[0]:evidence[1]], evidence_start=evidence[0], evidence_end=evidence[1],
        place_id=place.place_id, admin1=place.admin1, hedges=tuple(h.surface for h in statement.hedges),
        claimant=statement.claimant, framing=framing, source=document.source, stance=document.stance,
        url=document.url, published=document.published, confidence=round(confidence, 3), notes=notes)

def _location_name(mention: PlaceMention) -> str:
    """The gazetteer's name; for an unknown feature placed beside a known place, the report's own name."""
    assert mention.place is not None
    return mention.mention.name if mention.note.startswith("unknown ") else mention.place.name
