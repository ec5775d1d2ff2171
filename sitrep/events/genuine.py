"""Whether a clause asserts a specific happening, read off spaCy's dependency parse.

A trigger word ("siege", "liberating", "attack") names an event only where its clause says that the
event took place. Three kinds of clause do not, whatever their tense:

- a **state**: the trigger is what a copula predicates of its subject ("the city is already under
  siege", "troops remain deployed in the area"). How things stand feeds the statements of control, not
  the event list; a state with a "since" adjunct ("under siege since 7 July") dates the happening that
  began it and stays an event;
- a **goal or significance**: the trigger is the object of a preposition that hangs from an adjective or
  noun ("central to liberating the city", "an ideal springboard for storming it", "close to capturing
  the town"), or the infinitive of a purpose ("launched an offensive to re-liberate Kinsibba", "on his
  way to carry out an attack"): the event is aimed at, so it is `expected`, not reported;
- a **dateline** ("DAMASCUS -", "Aleppo, SANA –", "TEHRAN (Tasnim) –"): the place a wire story was
  filed from is never the scene of what it reports.
"""

from __future__ import annotations

import re
from typing import Any, Final

# Copulas ("is under siege", "became under fire") and verbs of lasting, which also make a participle a
# state ("remains encircled", "stays deployed"; "was re-liberated" is a passive, an event).
COPULA_LEMMAS: Final = frozenset({"be", "become"})
LASTING_LEMMAS: Final = frozenset({"remain", "stay", "lie"})
# Verbs that post forces somewhere (see `describes_its_noun`).
POSTING_LEMMAS: Final = frozenset({"deploy", "redeploy", "station", "position", "post", "garrison", "base"})
# The links by which a copula takes its predicate: "is under (siege)", "remain deployed", "is a siege".
PREDICATE_DEPS: Final = frozenset({"prep", "acomp", "attr", "oprd", "xcomp"})
# Prepositions whose object is a state one is in ("under siege", "under fire", "in ruins").
STATE_PREPOSITIONS: Final = frozenset({"under", "in", "at"})
# A siege named as the circumstance of something else ("the situation has worsened with the siege that the
# regime imposed", "a result of the siege") is how things stand, not a happening of the day.
SIEGE_NOUNS: Final = frozenset({"siege", "blockade", "encirclement"})
CIRCUMSTANCE_PREPOSITIONS: Final = frozenset({"with", "amid", "despite", "given"})
CIRCUMSTANCE_NOUNS: Final = frozenset({"result", "consequence", "because", "due"})
# Spans of time over which a deed "has gone on" makes it a state ("has besieged the town for months").
LONG_SPANS: Final = frozenset({"week", "month", "year", "decade"})
# A state said to hold "since" a time dates the happening that began it ("besieged since July 7").
BEGINNING_WORDS: Final = frozenset({"since"})
# Adjectives that tie a deed to its doer rather than aim at it: "responsible for shelling the market",
# "guilty of bombing", "known for attacking convoys" (a habit: not a goal either, but not expected).
DEED_ADJECTIVES: Final = frozenset({"responsible", "guilty", "accountable", "culpable", "known", "famous",
                                    "infamous", "notorious", "blamed", "proud"})
# Adjectives of significance: "central to liberating the city", "key to retaking it", "vital for the
# assault" say what something matters for, which is neither a deed nor a plan of one.
RISK_LEMMAS: Final = frozenset({"risk", "threaten", "endanger", "jeopardize", "jeopardise"})
SIGNIFICANCE_ADJECTIVES: Final = frozenset({"central", "key", "vital", "crucial", "important", "essential",
                                            "critical", "significant", "instrumental", "fundamental", "pivotal",
                                            "decisive", "integral", "necessary", "indispensable"})
# Prepositions of a goal hanging from an adjective or noun: "central to liberating", "ready for the
# assault", "a springboard for storming", "close to capturing", "a step towards retaking".
GOAL_PREPOSITIONS: Final = frozenset({"to", "for", "toward", "towards"})
# Verbs whose infinitive complement did happen: "managed to capture", "succeeded to enter", "went on to
# take"; claims ("claimed to control") are someone's report; attempts ("tried to storm") are attacks.
ACCOMPLISHMENT_LEMMAS: Final = frozenset({"manage", "succeed", "continue", "begin", "start", "go", "proceed",
                                         "help"})
CLAIM_LEMMAS: Final = frozenset({"claim", "say", "announce", "assert", "boast", "report", "declare"})
ATTEMPT_LEMMAS: Final = frozenset({"attempt", "try", "seek", "bid"})
# Links by which an infinitive states what its head is for: "launched operations to force", "on his way
# to carry out" (a complement, "helping to drop food", is as factual as the verb it completes).
PURPOSE_DEPS: Final = frozenset({"advcl", "acl", "relcl"})
# Light verbs whose object noun is the event itself: "to carry out an attack", "to launch an offensive".
EVENT_OBJECT_DEPS: Final = frozenset({"dobj", "nsubjpass"})
# The dateline of a wire story: at most this many words before a spaced dash ("ERBIL, Kurdistan Region –",
# "DAMASCUS, Syria (North Press) -"), each capitalised or a number (a date), with an optional (agency).
DATELINE: Final = re.compile(
    r"[ \t]*(?:[A-Z0-9][\w'’.-]*)(?:,?[ \t]+[A-Z0-9][\w'’.-]*){0,4}(?:[ \t]*\([^()\n]{1,40}\))?[ \t]+[-–—][ \t]")
# A dateline opens the story: it is looked for in this many paragraphs from the top (the title, a
# subtitle or byline, then the first paragraph of the body).
DATELINE_PARAGRAPHS: Final = 4
# A city name in capitals, as datelines print it, has at least this many letters ("HOMS", "IDLIB"; "US"
# and "UN" open sentences).
MIN_CAPITALS: Final = 3


def dateline_spans(text: str, paragraph_starts: list[int]) -> list[tuple[int, int]]:
    """The datelines opening the first paragraphs of `text`, as (start, end) character spans."""
    spans = []
    for start in paragraph_starts[:DATELINE_PARAGRAPHS]:
        match = DATELINE.match(text, start)
        if match and "\n" not in match.group(0) and _looks_like_a_dateline(match.group(0)):
            spans.append((start, match.end()))
    return spans


def _looks_like_a_dateline(line: str) -> bool:
    """A city in capitals ("KOBANE –"), or a name with its country or agency ("Aleppo, SANA –"): not a
    sentence's capitalised subject before a dash ("Rebels - backed by Turkey - attacked")."""
    first = line.split()[0].strip(",")
    return (first.isupper() and len(first) >= MIN_CAPITALS) or "," in line or "(" in line


def describes_a_state(trigger: Any) -> bool:
    """Whether the trigger is what a copula predicates ("is under siege", "remain deployed") and no
    "since" dates the happening that began it, or a deed said to have gone on for weeks or more ("ISIS has
    besieged Kobane for over a month")."""
    verb = _state_verb(trigger)
    if verb is None:
        return _has_lasted(trigger)
    return not any(t.lower_ in BEGINNING_WORDS for t in verb.subtree)


def names_a_circumstance(trigger: Any) -> bool:
    """A siege named as what something else comes with or from ("worsened with the siege that the regime
    imposed", "the request was a result of the siege", "because of the siege")."""
    if trigger.lemma_.lower() not in SIEGE_NOUNS or trigger.dep_ != "pobj":
        return False
    preposition = trigger.head
    if preposition.lower_ in CIRCUMSTANCE_PREPOSITIONS:
        return True
    return preposition.lower_ == "of" and preposition.head.lemma_.lower() in CIRCUMSTANCE_NOUNS


def describes_its_noun(trigger: Any) -> bool:
    """A posting verb as a participle that only says where the forces it describes are ("clashes between
    protesters and Israeli forces deployed to the buffer zone", "the troops stationed in Tal Tamr"): who they
    are, not a new deployment."""
    return trigger.dep_ == "acl" and trigger.tag_ in ("VBN", "VBD") and trigger.lemma_.lower() in POSTING_LEMMAS


def _has_lasted(verb: Any) -> bool:
    """A perfect ("has besieged", "have been shelling") with "for" and a span of weeks or more: a state of
    things up to the time of writing, not a happening of one day (a deed "for ten hours" is one)."""
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    spans = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"
             for g in c.subtree if g.lemma_.lower() in LONG_SPANS]
    return perfect and bool(spans)


def _state_verb(trigger: Any) -> Any:
    if trigger.dep_ == "pobj" and trigger.head.lower_ in STATE_PREPOSITIONS:
        predicate = trigger.head  # "under siege": the preposition is the predicate
        verbs = COPULA_LEMMAS | LASTING_LEMMAS
    elif trigger.dep_ in ("acomp", "oprd", "xcomp") and trigger.tag_ in ("VBN", "JJ"):
        predicate = trigger  # "remain deployed"; "was re-liberated" is a passive, not a state
        verbs = LASTING_LEMMAS
    else:
        return None
    verb = predicate.head
    if predicate.dep_ not in PREDICATE_DEPS or verb.i == predicate.i or verb.lemma_.lower() not in verbs:
        return None
    return verb


def names_a_significance(trigger: Any) -> bool:
    """Whether the trigger is what something is said to matter for ("This fight is central to liberating
    the whole of Aleppo City"), or a deed named as what risks a consequence ("The new siege of Aleppo City
    risks a humanitarian catastrophe"): what it means, not its happening."""
    if trigger.pos_ == "NOUN" and trigger.dep_ == "nsubj" and trigger.head.lemma_.lower() in RISK_LEMMAS:
        return True
    return trigger.dep_ in ("pobj", "pcomp") and trigger.head.lower_ in GOAL_PREPOSITIONS and \
        trigger.head.head.lemma_.lower() in SIGNIFICANCE_ADJECTIVES


def is_aimed_at(trigger: Any) -> bool:
    """Whether the trigger names a goal rather than a deed: the object of "to/for/towards" under an
    adjective or noun ("central to liberating", "a springboard for storming"), or an infinitive of
    purpose ("an offensive to re-liberate Kinsibba", "on his way to carry out an attack")."""
    return _is_goal_of_a_word(trigger) or _is_purpose(trigger)


def _is_goal_of_a_word(trigger: Any) -> bool:
    if trigger.dep_ not in ("pobj", "pcomp") or trigger.head.lower_ not in GOAL_PREPOSITIONS:
        return False
    if trigger.pos_ == "NOUN" and trigger.tag_ != "VBG" and trigger.head.head.pos_ == "NOUN":
        return False  # "the battle for Hawsh Nasri", "attacks on convoys": a noun's own event
    governor = trigger.head.head
    if governor.lemma_.lower() in DEED_ADJECTIVES:
        return False
    if governor.pos_ == "ADJ":
        return True
    return governor.pos_ == "NOUN" and trigger.tag_ == "VBG"


def _is_purpose(trigger: Any) -> bool:
    if trigger.dep_ in EVENT_OBJECT_DEPS and trigger.pos_ == "NOUN":
        verb = trigger.head  # "to carry out an attack": the light verb carries the infinitive
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return verb.dep_ in PURPOSE_DEPS and not _happened_through(verb.head)
    return _is_bare_infinitive_of_purpose(trigger)


def _is_bare_infinitive_of_purpose(verb: Any) -> bool:
    """"to re-liberate Kinsibba" (split by the tokenizer: "to" may hang from "re", not from the verb),
    unless what governs it says it happened ("managed to capture", "claimed to control")."""
    before = verb.i - 1
    while before >= verb.sent.start and verb.doc[before].lower_ in ("re", "-"):
        before -= 1
    if before < verb.sent.start or verb.doc[before].lower_ != "to" or verb.lower_ != verb.lemma_.lower():
        return False
    governor = verb.doc[before].head if verb.doc[before].head.i != verb.i else verb.head
    if verb.dep_ == "xcomp" and _happened_through(verb.head) and verb.head.i != verb.i:
        # "moved to Idlib to help the Tiger Forces to capture the airport": as aimed as what it completes
        return _is_bare_infinitive_of_purpose(verb.head)
    return not _happened_through(governor) and not _happened_through(verb.head)


def _happened_through(governor: Any) -> bool:
    return governor.lemma_.lower() in ACCOMPLISHMENT_LEMMAS | CLAIM_LEMMAS | ATTEMPT_LEMMAS
