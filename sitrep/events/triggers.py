"""Where a report says something happened: trigger words, each with the ACLED sub-event type it marks.

Two lexicons feed it: the CASE-tuned classifier lexicon (`event_triggers.yaml`, every ACLED sub-event type)
and the war-report supplement (`report_triggers.yaml`: "victories in", "re-liberated", "gained ground").
A change of control is kept as `territory`: who gained decides its sub-event type later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from sitrep.classify import (
    GOVERNMENT_REGAINS,
    NON_STATE_OVERTAKES,
    Classifier,
    _trigger_occurrences,
    index_matches,
    territory_evidence,
)
from sitrep.errors import ExtractionError
from sitrep.events.participants import tree_distance

REPORT_TRIGGERS = Path(__file__).resolve().parent.parent / "data" / "report_triggers.yaml"
TERRITORY = "territory"  # the sub-event type placeholder for a change of control
# The weakest trigger that starts an event (trigger-weight units, as in the lexicons): below it a word
# such as "attempt" or "bomb" only supports a stronger trigger in the same clause.
MIN_TRIGGER_WEIGHT = 2.4
# Verbs of asking for something ("call for a ceasefire", "urge a truce", "push for talks").
SEEKING_LEMMAS = frozenset({"call", "push", "press", "urge", "appeal", "demand", "seek", "plead", "lobby",
                            "propose", "want", "hope", "wait"})
PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})  # Penn tags, spaCy's English scheme
AIR_STRIKE = "Air/drone strike"
# Prepositions that name what a verb is aimed at: "opened fire on civilians", "shot at residents".
AIMING_PREPOSITIONS = frozenset({"on", "at", "upon", "into"})
# Nouns that a weapon or fighting word modifies as part of a name, not as an event ("artillery academy").
# Two triggers this many dependency arcs apart or closer describe one happening ("a suicide bomber attacked",
# "a missile attack", "air defences confronted the attack"): the more specific one names its type.
NEIGHBOUR_ARCS = 2
# Beside the classifier lexicon's own `overrides` (a suicide bomb over an attack, a shell over a clash), what
# ACLED's codebook ranks above a neighbouring trigger in war reports: weapons intercepted, shot down, cleared
# or seized are disrupted, whatever weapon they are; such a trigger retypes only what it governs ("confronted
# the missile attack", not the strike that went on "destroying ammunition").
DISRUPTED = "Disrupted weapons use"
# Adverbs that make a participle report a fresh deed ("the newly captured town").
RECENT_ADVERBS = frozenset({"newly", "recently", "just"})
# Verbs by which a side gains the control it then holds (see `_control_gained`).
GAINING_LEMMAS = frozenset({"take", "seize", "gain", "consolidate", "establish", "impose", "extend", "assume",
                            "tighten", "wrest", "secure"})
# Verbs that tell what a deed did to people and things ("the shelling killed five"; see `_drop_outcomes`).
OUTCOME_LEMMAS = frozenset({"kill", "wound", "injure", "destroy", "damage", "claim", "leave", "hurt"})
# Trigger nouns that name who does a deed, not the deed ("gunmen clashed with police"): their verb is a deed.
DOERS = frozenset({"gunman", "gunmen", "bandit", "sniper", "bomber", "attacker", "assailant"})
# Types a deed is given when nothing more specific is said of it (see `_typed_by_reference`).
GENERIC_DEEDS = frozenset({"Armed clash", "Attack"})
NEIGHBOUR_OVERRIDES = {
    DISRUPTED: frozenset({AIR_STRIKE, "Shelling/artillery/missile attack", "Armed clash",
                          "Remote explosive/landmine/IED", "Grenade"}),
}
# What a doer trigger makes of the verb it is the subject of: warplanes that "pounded" or "shelled" a town
# carried out an air strike (the verb alone reads as artillery).
SUBJECT_OVERRIDES = {AIR_STRIKE: frozenset({"Shelling/artillery/missile attack"})}
# Arms of the ground that, named as what a verb was done "with", keep it shelling whoever is said to have fired
# ("aircraft also heavily shelled the countryside with artillery").
GROUND_FIRE_ARMS = frozenset({"artillery", "mortar", "shell", "tank", "rocket", "cannon", "howitzer", "launcher"})
# Words of a charge: a deed named as what someone is accused of ("arrested a former officer accused of
# involvement in the Tadamon massacre") is one already known, not a new happening; looked for this many heads up.
CHARGE_LEMMAS = frozenset({"accuse", "charge", "convict", "suspect", "involvement", "implicate", "indict",
                           "wanted", "complicity", "culpable"})
CHARGE_ARCS = 4
# Prepositions that name the sides of a deed ("between X and Y", "with", "against").
PARTY_PREPOSITIONS = frozenset({"between", "with", "against", "among"})
# Verbs of driving a side off ground (see `_drives_out`).
EXPELLING_LEMMAS = frozenset({"drive", "push", "chase", "kick", "force", "flush", "expel", "oust", "dislodge"})
# People, not a side, that a verb of driving out may have as its object.
DISPLACED_LEMMAS = frozenset({"civilian", "people", "resident", "family", "villager", "inhabitant", "woman",
                              "child", "refugee", "person", "household"})
# "left under the agreement", "per the deal": an accord named as the frame of another deed, not agreed there.
FRAME_PREPOSITIONS = frozenset({"under", "per"})
AGREEMENT = "Agreement"
# Verbs of reacting to something ("condemned the corridors", "welcomed the truce", "denounced the siege"):
# the statement is a reaction, the thing reacted to is reported (or not) elsewhere.
REACTION_LEMMAS = frozenset({"condemn", "welcome", "denounce", "criticise", "criticize", "praise", "hail",
                             "slam", "decry", "deplore", "reject", "applaud", "lament"})
INSTITUTION_HEADS = frozenset({"complex", "base", "academy", "school", "college", "battalion", "brigade",
                               "regiment", "division", "unit", "factory", "depot", "position", "battery",
                               "command", "headquarters", "corps", "directorate"})


@dataclass(frozen=True, slots=True)
class Trigger:
    """A token that marks an event: its index in the spaCy Doc, what it marks, and how strongly."""

    token: int
    sub_event_type: str  # an ACLED sub-event type, or TERRITORY
    weight: float
    claim_only: bool = False  # e.g. "control": an event only when someone claims it
    place_object: bool = False  # e.g. "take": an event only where its direct object is a place
    counts: int = -1  # a tally's trigger ("Fourteen of the incidents"): the token of the deed it shares out


@dataclass(frozen=True, slots=True)
class ReportTrigger:
    words: tuple[str, ...]
    sub_event_type: str
    weight: float
    claim_only: bool = False
    place_object: bool = False
    requires_subject: tuple[str, ...] = ()
    requires_object: tuple[str, ...] = ()
    requires_sentence: tuple[str, ...] = ()  # lemmas of which one must occur in the trigger's sentence
    excludes_subject: tuple[str, ...] = ()
    excludes_object: tuple[str, ...] = ()


def _word(word: Any) -> str:
    """A lexicon word as written; YAML reads a bare off, on, yes or no as a boolean, which is no word."""
    if not isinstance(word, str):
        raise ValueError(f"{word!r} is not a word (quote it: YAML reads off, on, yes and no as booleans)")
    return word.lower()


def load_report_triggers(path: Path = REPORT_TRIGGERS) -> tuple[ReportTrigger, ...]:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple(ReportTrigger(words=tuple(_word(w) for w in row["words"]),
                                   sub_event_type=TERRITORY if row.get("territory") else row["sub_event_type"],
                                   weight=float(row["weight"]), claim_only=bool(row.get("claim_only")),
                                   place_object=bool(row.get("place_object")),
                                   requires_subject=tuple(row.get("requires_subject", ())),
                                   requires_object=tuple(row.get("requires_object", ())),
                                   requires_sentence=tuple(row.get("requires_sentence", ())),
                                   excludes_subject=tuple(row.get("excludes_subject", ())),
                                   excludes_object=tuple(row.get("excludes_object", ())))
                     for row in raw["triggers"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise ExtractionError(f"{path}: bad report trigger lexicon: {e}") from e


def _has_subject(verb: Any, lemmas: tuple[str, ...]) -> bool:
    """Whether the verb's subject (or, for "civilians leaving", the noun it modifies; for "tried to confront",
    the governing verb's subject) is one of `lemmas`."""
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in lemmas:
        return True
    verbs = (verb, verb.head) if verb.dep_ == "xcomp" else (verb,)
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in lemmas for v in verbs for c in v.children)


def _subject_words(verb: Any) -> set[str]:
    """The lemmas of the verb's subject and of the words naming it ("the air force": air, force)."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return {w.lemma_.lower() for s in subjects for w in (s, *s.children) if w.i == s.i or w.dep_ in
            ("compound", "amod")}


def _objects(verb: Any) -> list[Any]:
    """What a verb acts on: its direct object (or passive subject, or the noun a participle modifies: "a
    leaflet dropped"), with the nouns conjoined to it, the "of" noun of a quantity ("thousands of
    leaflets") and the noun of an aiming preposition ("fired on civilians", "shot at a number of people")."""
    heads = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    if verb.dep_ == "acl":
        heads.append(verb.head)
    for word in (verb, *[c for c in verb.children if c.dep_ == "dobj"]):
        heads += [g for c in word.children if c.dep_ == "prep" and c.lower_ in AIMING_PREPOSITIONS
                  for g in c.children if g.dep_ == "pobj"]
    found = []
    for head in heads:
        found += [head, *[c for c in head.children if c.dep_ == "conj"]]
    return found + [g for head in found for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children if g.dep_ == "pobj"]


def _has_object(verb: Any, lemmas: tuple[str, ...], compounds: bool = False) -> bool:
    """One of the verb's objects is one of `lemmas` (with `compounds`, or a word naming it: "barrel bombs")."""
    objects = _objects(verb)
    if compounds:
        objects += [c for o in objects for c in o.children if c.dep_ in ("compound", "amod")]
    return any(o.lemma_.lower() in lemmas for o in objects)


def _report_matches(doc: Any, triggers: tuple[ReportTrigger, ...]) -> list[Trigger]:
    by_first: dict[str, list[ReportTrigger]] = {}
    for trigger in triggers:
        by_first.setdefault(trigger.words[0], []).append(trigger)
    keys = [(t.lower_, t.lemma_.lower()) for t in doc]
    found = []
    for i, (lower, lemma) in enumerate(keys):
        candidates = by_first.get(lower, []) + (by_first.get(lemma, []) if lemma != lower else [])
        for trigger in candidates:
            n = len(trigger.words)
            if i + n > len(doc) or not all(w in keys[i + k] for k, w in enumerate(trigger.words)):
                continue
            head = doc[i + n - 1] if n > 1 and trigger.words[-1] in ("ground", "control", "food") else doc[i]
            if trigger.requires_subject and not _has_subject(head, trigger.requires_subject):
                continue
            if trigger.requires_object and not _has_object(doc[i], trigger.requires_object):
                continue
            if trigger.excludes_subject and _subject_words(head) & set(trigger.excludes_subject):
                continue
            if trigger.excludes_object and _has_object(doc[i], trigger.excludes_object, compounds=True):
                continue
            if trigger.requires_sentence and not any(t.lemma_.lower() in trigger.requires_sentence
                                                     for t in head.sent):
                continue
            found.append(Trigger(head.i, trigger.sub_event_type, trigger.weight, trigger.claim_only,
                                 trigger.place_object))
    return found


def _classifier_matches(doc: Any, classifier: Classifier) -> list[Trigger]:
    index = index_matches(doc, classifier)
    found = []
    for rule in classifier.rules:
        if rule.sub_event_type is None:
            continue  # disasters, diplomacy, attribution: not ACLED events
        for trigger in rule.triggers:
            for token, strength in _trigger_occurrences(trigger, index, False):
                found.append(Trigger(token, rule.sub_event_type, strength))
    for label, token, strength in territory_evidence(index, classifier.territory):
        if label in (GOVERNMENT_REGAINS, NON_STATE_OVERTAKES):
            found.append(Trigger(token, TERRITORY, strength))
    return found


def find_triggers(doc: Any, classifier: Classifier, report_triggers: tuple[ReportTrigger, ...]) -> list[Trigger]:
    """The strongest trigger on each token, strong enough to start an event, in text order."""
    best: dict[int, Trigger] = {}
    for trigger in _classifier_matches(doc, classifier):
        if trigger.sub_event_type == TERRITORY and _takes_no_ground(doc[trigger.token], classifier):
            continue  # "the fighting has driven 200,000 civilians out of the city": people, not ground
        old = best.get(trigger.token)
        if old is None or trigger.weight > old.weight:
            best[trigger.token] = trigger
    decided: set[int] = set()
    for trigger in _report_matches(doc, report_triggers):  # written for war reports: it decides
        if trigger.sub_event_type == TERRITORY and _takes_no_ground(doc[trigger.token], classifier):
            continue
        old = best.get(trigger.token)
        if old is None or trigger.token not in decided or trigger.weight > old.weight:
            best[trigger.token] = trigger
            decided.add(trigger.token)
    kept = [t for _, t in sorted(best.items())
            if t.weight >= MIN_TRIGGER_WEIGHT and not _names_an_institution(doc[t.token])
            and not _names_a_campaign(doc[t.token], t) and not _describes_a_state(doc[t.token])
            and not _is_sought(doc[t.token]) and not _is_referred_to(doc[t.token], t)]
    kept = [_control_gained(t, doc) for t in kept]
    typed = _typed_by_reference(_typed_by_neighbours(_drop_outcomes(kept, doc), doc, classifier), doc)
    return sorted([*typed, *_tallies(doc, typed)], key=lambda t: t.token)


def _control_gained(trigger: Trigger, doc: Any) -> Trigger:
    """"had taken full control of Hawsh al-Nasri", "consolidated their control of Castello Road": control a
    verb of gaining takes is a change of control, not merely a claim of who holds a place."""
    token = doc[trigger.token]
    if not trigger.claim_only or token.dep_ != "dobj" or token.head.lemma_.lower() not in GAINING_LEMMAS:
        return trigger
    return replace(trigger, claim_only=False)


def _drop_outcomes(triggers: list[Trigger], doc: Any) -> list[Trigger]:
    """"The shelling of Aleppo killed five civilians", "clashes left ten fighters dead": a verb whose subject
    is another deed tells that deed's outcome, not a deed of its own."""
    at = {t.token for t in triggers}
    return [t for t in triggers if doc[t.token].lemma_.lower() not in OUTCOME_LEMMAS
            or not any(c.dep_ == "nsubj" and c.i in at and c.pos_ == "NOUN" and c.lemma_.lower() not in DOERS
                       for c in doc[t.token].children)]


def _typed_by_reference(triggers: list[Trigger], doc: Any) -> list[Trigger]:
    """A deed a later sentence names again by what it hit and says how it was done ("Sunday's attack on Mar
    Elias Church ..." and "the suicide bomber behind the church attack"): the telling by the target ("the
    church attack", typed by its neighbour "suicide bomber") types the first telling too, when that one is
    of a generic type (an attack, a clash)."""
    named: dict[tuple[str, str], str] = {}  # (deed noun, target noun) -> the more specific type
    for trigger in triggers:
        token = doc[trigger.token]
        if trigger.sub_event_type in GENERIC_DEEDS or token.pos_ != "NOUN" or \
                not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children):
            continue  # a deed named again is named definitely ("the church attack", not "two car bomb attacks")
        for child in token.children:
            if child.dep_ == "compound" and child.pos_ == "NOUN":
                named[(token.lemma_.lower(), child.lemma_.lower())] = trigger.sub_event_type
    if not named:
        return triggers
    out = []
    for trigger in triggers:
        token = doc[trigger.token]
        if trigger.sub_event_type in GENERIC_DEEDS:
            targets = {t.lemma_.lower() for t in token.subtree if t.i != token.i}
            specific = next((kind for (deed, target), kind in named.items()
                             if deed == token.lemma_.lower() and target in targets), None)
            trigger = replace(trigger, sub_event_type=specific) if specific else trigger
        out.append(trigger)
    return out


def _tallies(doc: Any, triggers: list[Trigger]) -> list[Trigger]:
    """A sentence that shares out the deeds its predecessor counted ("25 incidents of shelling were recorded
    in the zone. Fourteen of the incidents were logged in Idlib Province, eight in Latakia Province"): its
    counted noun is a trigger of the counted deed's type, so that each place it names has the deed."""
    by_sentence: dict[int, list[Trigger]] = {}
    for trigger in triggers:
        by_sentence.setdefault(doc[trigger.token].sent.start, []).append(trigger)
    found = []
    sentences = list(doc.sents)
    for before, sentence in pairwise(sentences):
        if sentence.start in by_sentence or before.start not in by_sentence:
            continue
        counted = {_counted_noun(doc[t.token]): t for t in by_sentence[before.start]}
        for token in sentence:
            antecedent = counted.get(token.lemma_.lower()) if _is_share_of_a_count(token) else None
            if antecedent is not None:
                found.append(replace(antecedent, token=token.i, counts=antecedent.token))
                break
    return found


def _counted_noun(token: Any) -> str:
    """The noun that counts a deed: "incidents" of "25 incidents of shelling", else the deed's own noun."""
    if token.dep_ in ("pobj", "pcomp") and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN":
        return str(token.head.head.lemma_.lower())
    return str(token.lemma_.lower())


def _is_share_of_a_count(token: Any) -> bool:
    """"Fourteen of the incidents": a plural noun taken by a number from a definite whole."""
    return token.pos_ == "NOUN" and token.tag_ == "NNS" and token.dep_ == "pobj" and \
        token.head.lower_ == "of" and token.head.head.like_num and \
        any(c.dep_ == "det" and c.lower_ in ("the", "these", "those") for c in token.children)


def _typed_by_neighbours(triggers: list[Trigger], doc: Any, classifier: Classifier) -> list[Trigger]:
    """"A suicide bomber attacked the church", "a missile attack", "air defences confronted the attack": a
    trigger takes the type of a more specific one within NEIGHBOUR_ARCS of it (the lexicon's `overrides`
    and NEIGHBOUR_OVERRIDES say which is more specific); a change of control keeps its own."""
    overrides = {rule.sub_event_type: set(rule.overrides) for rule in classifier.rules if rule.sub_event_type}
    for label, silenced in NEIGHBOUR_OVERRIDES.items():
        overrides.setdefault(label, set()).update(silenced)
    typed = []
    for trigger in triggers:
        token = doc[trigger.token]
        winners = [other for other in triggers
                   if other.token != trigger.token and trigger.sub_event_type in overrides.get(other.sub_event_type, ())
                   and doc[other.token].sent.start == token.sent.start
                   and tree_distance(doc[other.token], token) <= NEIGHBOUR_ARCS
                   and (other.sub_event_type != DISRUPTED or _governs(doc[other.token], token))]
        winners += [other for other in triggers
                    if trigger.sub_event_type in SUBJECT_OVERRIDES.get(other.sub_event_type, ())
                    and _subject_noun(doc[other.token]).dep_ == "nsubj"
                    and _subject_noun(doc[other.token]).head.i == token.i and not _fired_with_ground_arms(token)]
        if winners and trigger.sub_event_type != TERRITORY:
            best = max(winners, key=lambda other: other.weight)
            trigger = replace(trigger, sub_event_type=best.sub_event_type)
        typed.append(trigger)
    return typed


def _fired_with_ground_arms(verb: Any) -> bool:
    return any(c.dep_ == "prep" and c.lower_ == "with" and any(g.lemma_.lower() in GROUND_FIRE_ARMS
                                                              for g in c.subtree) for c in verb.children)


def _subject_noun(token: Any) -> Any:
    """The head of the noun phrase a word is part of ("Syrian warplanes", "Russian and Syrian warplanes")."""
    while token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i and token.head.pos_ != "VERB":
        token = token.head
    return token


def _governs(word: Any, other: Any) -> bool:
    """Whether `other` lies under `word` in the dependency tree, or under the noun `word` modifies
    ("clearing mines" parsed as a compound)."""
    head = word.head if word.dep_ in ("compound", "amod") else word
    return (other.i != head.i and head.i in {a.i for a in other.ancestors}) or other.i == head.i != word.i


def _is_sought(token: Any) -> bool:
    """"pushing for a ceasefire", "called for a truce", "urged an agreement": what someone asks for has
    not happened (wire copy and UN statements word their appeals so)."""
    if token.pos_ != "NOUN":
        return False
    governor = token.head
    if token.dep_ == "pobj" and governor.lower_ == "for":
        governor = governor.head
    elif token.dep_ != "dobj":
        return False
    return governor.lemma_.lower() in SEEKING_LEMMAS


def _is_referred_to(token: Any, trigger: Trigger) -> bool:
    """A noun trigger that names a thing talked about, not a happening: the accord another deed follows
    ("leaving under a deal with the government"), or what a statement reacts to ("the opposition condemned
    the corridors")."""
    if token.pos_ != "NOUN":
        return False
    if trigger.sub_event_type == AGREEMENT and token.dep_ == "pobj" and token.head.lower_ in FRAME_PREPOSITIONS:
        return True
    if token.lemma_.lower() in DOERS and _named_as_a_party(token):
        return True
    if any(a.lemma_.lower() in CHARGE_LEMMAS for a in list(token.ancestors)[:CHARGE_ARCS]):
        return True
    return token.dep_ == "dobj" and token.head.lemma_.lower() in REACTION_LEMMAS


def _named_as_a_party(noun: Any) -> bool:
    """"clashes between security forces and Druze gunmen", "fought with gunmen": a doer named as a side
    of another deed, not doing one of its own."""
    while noun.dep_ == "conj" and noun.head.i != noun.i:
        noun = noun.head
    return noun.dep_ == "pobj" and noun.head.lower_ in PARTY_PREPOSITIONS


def _takes_no_ground(verb: Any, classifier: Classifier) -> bool:
    """"seized weapons", "captured twenty fighters": what was taken is people or arms, not ground (the
    classifier's `not_objects`; its own arrest and seizure triggers stay)."""
    not_objects = classifier.territory.not_objects
    if _drives_out(verb):
        return False  # "drove Islamic State militants out of the town": the people are the losers of ground
    return any({o.lower_, o.lemma_.lower()} & not_objects for o in _objects(verb) if o.i != verb.head.i)


def _drives_out(verb: Any) -> bool:
    """"drove the militants out of Tel Abyad", "expelled the rebels from the village", "flushed out": a verb
    whose object is the side that lost the ground, with the place it lost ("out", "from"); people driven
    from their homes ("the fighting has driven 200,000 civilians out of the city") lost no ground."""
    return verb.lemma_.lower() in EXPELLING_LEMMAS and any(
        c.dep_ in ("prt", "prep", "advmod") and c.lower_ in ("out", "from") for c in verb.children) and not any(
        o.lemma_.lower() in DISPLACED_LEMMAS for o in _objects(verb))


def _names_a_campaign(token: Any, trigger: Trigger) -> bool:
    """"the Battle of Aleppo", "the Siege of Kobani": a capitalised trigger inside a sentence is part of a
    name, which titles a campaign rather than reporting an event (air forces excepted: "the Air Force
    pounded" names the one who struck)."""
    return (token.tag_ in PROPER_NOUN_TAGS and token.is_title and token.i != token.sent.start
            and trigger.sub_event_type != AIR_STRIKE) or _titled_by_its_span(token)


def _titled_by_its_span(token: Any) -> bool:
    """"Aleppo offensive (July–August 2016)", "The Rif Dimashq offensive (June–October 2016) was ...": a deed
    named with its span of dates in brackets is a campaign's title (an encyclopaedia's), whose days are
    reported one by one elsewhere."""
    doc = token.doc
    if token.i + 2 >= len(doc) or doc[token.i + 1].text != "(":
        return False
    inside: list[Any] = []
    for t in doc[token.i + 2:min(len(doc), token.i + 10)]:
        if t.text == ")":
            return bool(inside) and all(w.ent_type_ == "DATE" or w.is_punct for w in inside)
        inside.append(t)
    return False


def _describes_a_state(token: Any) -> bool:
    """"besieged Aleppo", "a bombed-out road": a participle modifying a noun tells how things stand, unless
    it says the deed is new ("the newly captured Hawsh al-Nasri")."""
    return token.dep_ == "amod" and token.tag_ == "VBN" and \
        not any(c.dep_ == "advmod" and c.lower_ in RECENT_ADVERBS for c in token.children)


def _names_an_institution(token: Any) -> bool:
    """"the Ramouseh artillery complex", "the Air Defence base": a weapon word naming a place or unit."""
    return token.dep_ in ("compound", "amod", "nmod") and token.head.lemma_.lower() in INSTITUTION_HEADS
