"""Where an event happened when its sentence names no place.

ACLED codes every event at a place: a strategic development whose sentence names none ("Russia announced aid
passages", "the agreement was suspended") at the place it concerns, which in a report is the place the report
(or its paragraph) is about; a decree of the head of state ("the President offered an amnesty") at the
capital, as a region-level point (geo_precision 3). Any event's sentence may also refer back to a named place
by its feature word ("the prison" after "Ghwayran prison", "the village" after "the village of Baghouz").

`anchor_unplaced` takes the triggers that place attachment left without a place and gives each the place it
concerns, or nothing when that cannot be told: it never guesses a battle's place from the report's focus, and
it anchors only what a past-tense clause reports ("announced aid passages", not "a good deal of manoeuvring"
or "the reconciliation center goes on"), since a sentence without a place that is not a deed is background.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sitrep.events.genuine import dateline_spans
from sitrep.events.timing import is_past
from sitrep.events.triggers import TERRITORY, Trigger
from sitrep.geo import Gazetteer
from sitrep.model import Mention, PlaceMention
from sitrep.nlp import text_of
from sitrep.taxonomy import STRATEGIC_DEVELOPMENTS, event_type_of

# Kinds that name an area around places rather than a place: never a report's focus while a town is named,
# nor an event's location when the same trigger also names a town, hill or district.
COARSE_KINDS = frozenset({"governorate", "region", "country"})
# Strategic developments ACLED codes at the place concerned even when the sentence names none. Not a change to
# a group (coded at the country when it names no place) nor a change of control (that needs its place).
FOCUS_TYPES = frozenset({"Agreement", "Other", "Non-violent transfer of territory", "Arrests",
                         "Disrupted weapons use", "Headquarters or base established", "Looting/property destruction"})
# Words for a head of state or government, whose decisions (amnesties, decrees) are national.
HEAD_OF_STATE_WORDS = frozenset({"president", "presidency", "premier", "king"})
CAPITAL = "Damascus"  # Syria's capital, where ACLED codes national decisions
CAPITAL_PRECISION = 3  # ACLED's geo_precision for a region-level point: the decision covers the country
# Determiners by which a noun points back to something named before ("the prison", "this village").
DEFINITE_DETERMINERS = frozenset({"the", "this", "that"})
# Nouns by which a definite subject points back to an armed group named before ("the armed group"), and how
# far back (characters) the deed it did last may lie.
ACTOR_NOUNS = frozenset({"group", "gunman", "gunmen", "militant", "fighter", "attacker", "assailant", "cell",
                         "militia", "militiaman", "insurgent"})
REFERENCE_CHARS = 800
# Feature words and the gazetteer kinds they can refer back to, beyond the word itself in a place's name.
FEATURE_KINDS = {"city": {"city"}, "town": {"town", "city"}, "village": {"village", "town"},
                 "suburb": {"town", "village", "district"}, "neighbourhood": {"district"},
                 "neighborhood": {"district"}, "district": {"district"}, "camp": {"camp"}, "base": {"base"},
                 "airport": {"airport", "base"}, "prison": {"prison"}, "road": {"road"}, "hill": {"hill"},
                 "dam": {"dam"}, "bridge": {"bridge"}, "complex": {"base"}}


def anchor_unplaced(triggers: Sequence[Trigger], placed: Sequence[tuple[Trigger, list[PlaceMention]]],
                    doc: Any, places: Sequence[PlaceMention], paragraph_starts: Sequence[int],
                    gazetteer: Gazetteer) -> list[tuple[Trigger, list[PlaceMention]]]:
    """A place for each trigger whose sentence names no resolved place and which attachment left without one:
    the named place its definite feature noun refers back to; for a strategic development, else the capital
    when a head of state decides it, else the place its paragraph, or failing that its report, names most."""
    text = text_of(doc)
    datelines = dateline_spans(text, list(paragraph_starts))
    usable = [m for m in places if m.resolved and not is_heading(text, m)
              and not any(s <= m.mention.start < e for s, e in datelines)]
    named_sentences = {_sentence_start(doc, m) for m in places if m.resolved and not _origin(doc, m)}
    done = {t.token for t, _ in placed}
    anchored: list[tuple[Trigger, list[PlaceMention]]] = []
    for trigger in triggers:
        sentence = doc[trigger.token].sent
        if trigger.token in done or trigger.place_object or trigger.claim_only or trigger.sub_event_type == TERRITORY \
                or sentence.start in named_sentences or not _reports_a_deed(doc[trigger.token]):
            continue
        place = _referred_back(sentence, usable)
        if place is None and trigger.sub_event_type not in FOCUS_TYPES:
            scene = _scene_of_the_actor_before(doc[trigger.token], placed)
            if scene:
                anchored.append((trigger, scene))
                continue
        if place is None and trigger.sub_event_type in FOCUS_TYPES and event_type_of(trigger.sub_event_type) == STRATEGIC_DEVELOPMENTS:
            place = _capital(doc[trigger.token], gazetteer) or _focus(sentence.start_char, usable, paragraph_starts)
        if place is not None:
            anchored.append((trigger, [place]))
    return anchored


def _reports_a_deed(trigger: Any) -> bool:
    """Whether the clause of the trigger (the trigger itself when a verb, else the verb it hangs from) is in
    the past tense."""
    verb = trigger
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb.pos_ in ("VERB", "AUX") and is_past(verb)


def _sentence_start(doc: Any, mention: PlaceMention) -> int:
    span = doc.char_span(mention.mention.start, mention.mention.end, alignment_mode="expand")
    return span.root.sent.start if span is not None and len(span) else -1


def is_heading(text: str, mention: PlaceMention) -> bool:
    """"Aleppo:" opening a line names a section, not the scene of what follows."""
    line_start = text.rfind("\n", 0, mention.mention.start) + 1
    return not text[line_start:mention.mention.start].strip() and text[mention.mention.end:].startswith(":")


def _referred_back(sentence: Any, places: Sequence[PlaceMention]) -> PlaceMention | None:
    """The last place named before the sentence that a definite feature noun in it refers to: one whose name
    ends in that word ("Ghwayran prison") or was introduced by it ("the village of Baghouz"), or whose kind
    the word names ("the city" for Aleppo)."""
    for token in sentence:
        word = token.lemma_.lower()
        if word not in FEATURE_KINDS or token.pos_ != "NOUN" or not any(
                c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in token.children):
            continue
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
            continue  # "the village of X" names a place of its own
        before = [m for m in places if m.mention.end <= sentence.start_char and _has_feature(m, word)]
        if before:
            return before[-1]
    return None


def _origin(doc: Any, mention: PlaceMention) -> bool:
    """"a vehicle coming from Daraa": a place named only as where someone came from."""
    span = doc.char_span(mention.mention.start, mention.mention.end, alignment_mode="expand")
    return span is not None and len(span) > 0 and span.root.dep_ == "pobj" and span.root.head.lower_ == "from"


def _scene_of_the_actor_before(trigger: Any, placed: Sequence[tuple[Trigger, list[PlaceMention]]]) -> list[PlaceMention]:
    """"... a surprise assault on checkpoints across Ashrafiyat Sahnaya. ... the armed group opened fire on a
    vehicle": a deed whose subject points back to an armed group ("the armed group", "the same militants") took
    place where the deed told just before it (within REFERENCE_CHARS) did."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lemma_.lower() not in ACTOR_NOUNS or not any(
            c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in subject.children):
        return []
    start = trigger.sent.start_char
    before = [(trigger.doc[t.token].idx, places) for t, places in placed
              if start - REFERENCE_CHARS <= trigger.doc[t.token].idx < start and places]
    return list(max(before, key=lambda item: item[0])[1]) if before else []


def _has_feature(mention: PlaceMention, word: str) -> bool:
    surface = mention.mention.surface.lower()
    assert mention.place is not None
    return (surface.endswith(word) or surface.startswith(f"the {word} of") or mention.mention.feature == word
            or mention.place.kind in FEATURE_KINDS[word])


def _capital(trigger: Any, gazetteer: Gazetteer) -> PlaceMention | None:
    """The capital, when the trigger's clause is a head of state's doing ("President Assad offered an
    amnesty", "the President issued a decree of amnesty")."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    words = [w for s in subjects for w in s.subtree if w.lemma_.lower() in HEAD_OF_STATE_WORDS]
    if not words:
        return None
    capital = next((p for p in gazetteer.search(CAPITAL) if p.name == CAPITAL and p.kind == "city"), None)
    if capital is None:
        return None
    subject = subjects[0]
    start, end = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
    mention = Mention(doc_id="", surface=text_of(trigger.doc)[start:end], start=start, end=end, cues=("capital",),
                      name=CAPITAL)
    return PlaceMention(mention, capital, score=0.5, geo_precision=CAPITAL_PRECISION,
                        note="a head of state's decision: coded at the capital")


def _focus(before: int, places: Sequence[PlaceMention], paragraph_starts: Sequence[int]) -> PlaceMention | None:
    """The precise place the paragraph names most up to `before` (the latest of equals), else the one the whole
    report names most (the first named of equals: the lead's); a governorate or region only where no precise
    place is named at all."""
    precise = [m for m in places if m.place is not None and m.place.kind not in COARSE_KINDS] or list(places)
    paragraph = max((p for p in paragraph_starts if p <= before), default=0)
    for pool, latest in (([m for m in precise if paragraph <= m.mention.start < before], True), (precise, False)):
        counts = Counter(m.place.place_id for m in pool if m.place is not None)
        if counts:
            best = max(counts.values())
            tied = [m for m in pool if m.place is not None and counts[m.place.place_id] == best]
            return tied[-1] if latest else tied[0]
    return None
