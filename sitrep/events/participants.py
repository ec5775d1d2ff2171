"""Who did it, to whom: the actors of one trigger, and the side that gained in a change of control."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitrep.actors import ActorMention, normalize_stance
from sitrep.conflict import ConflictProfile, default_profile
from sitrep.model import Side
from sitrep.nlp import text_of
from sitrep.phrases import HYPHENS

NOT_COMBATANTS = frozenset({Side.CIVILIANS})
PROTESTERS_TYPE = "Protesters"  # ACLED's actor type of protesters (the catalogue's actor_type column)
UNNAMED_PROTESTERS = "protesters"  # the catalogue's name for protesters a report leaves unnamed
PROTESTERS_SIDE = Side.CIVILIANS  # the side of protesters: non-combatants
UNKNOWN = Side.UNKNOWN  # the side of an agent no report names (ACLED: an unidentified armed group)
# The dependency-path length (arcs) beyond which an actor is too far from a trigger to be its agent.
MAX_ACTOR_PATH = 14


@dataclass(frozen=True, slots=True)
class Participants:
    actor1: str
    actor1_side: str
    actor2: str
    actor2_side: str
    gained_by: str  # the side that gained ground, for a change of control ("" when unknown)


# Arcs that join the members of one name or list: "Bani Zayd and Al-Ashafriyeh" are equally near "victory".
FREE_ARCS = frozenset({"conj", "cc", "appos", "compound", "flat"})
# Arcs inside one noun phrase, from a modifier up to the noun it belongs to ("terrorists' hotbeds").
NOUN_PHRASE_ARCS = frozenset({"compound", "amod", "conj", "appos", "poss", "nmod"})
# Where a noun phrase is the one acted on: an object, or the subject of a passive.
TARGET_ARCS = frozenset({"dobj", "nsubjpass"})
# A prefix glued to a name that makes it what is fought ("counter-ISIS", "anti-IS").
AGAINST_PREFIX_RE = re.compile(r"\b(?:counter|anti)[-\u2010\u2011]$", re.IGNORECASE)
AGAINST_PREFIX_CHARS = 12
TARGET_PREPOSITIONS = frozenset({"against", "on", "at"})
HYPHEN_TOKENS = frozenset({"-", "\u2010", "\u2011"})  # what joins the parts of "counter-attack"
# Subjects that only point back to an agent named before ("After clashes with ISIS, it took...").
PRONOUN_SUBJECTS = frozenset({"it", "they", "he", "she", "we"})
# Relative pronouns: in "the army, which took the town" the subject is the noun the clause hangs on.
RELATIVE_SUBJECTS = frozenset({"who", "which", "that"})
# Verbs of losing ground whose "to" names who gains it: "the village fell to ISIS fighters", "the army lost
# the hill to the rebels", "ceded/surrendered/handed over the town to": the one after "to" acts.
GAINER_TO_VERBS = frozenset({"fall", "lose", "cede", "surrender", "hand", "pass"})
# The most arcs from a mention up to the apposition it lies in ("a key ally of President Bashar Assad":
# Assad, of, ally, then the apposition): a short descriptive phrase.
APPOSITION_DEPTH = 4
# Arcs the search for a trigger's subject does not climb: a trigger that is itself a subject, or set
# beside a noun ("Militants in Idlib zone shell Syrian army positions, two troops wounded": the troops
# who are wounded do not shell), or a clause that something reports ("He claimed that soldiers had been
# killed": the speaker did not kill them).
SUBJECT_BARRIER_ARCS = frozenset({"nsubj", "nsubjpass", "appos", "dep", "ccomp"})
# How many sentences back, within the paragraph, a pronoun subject's antecedent is looked for.
ANTECEDENT_SENTENCES = 2
# A preposition that makes its noun something suffered: "the town has been under siege", "came under
# fire", "remain under bombardment": the subject of the clause is the target, not the agent.
SUFFERING_PREPOSITIONS = frozenset({"under"})
# Verbs by which a teller tells (see `_tells_of`).
SAYING_LEMMAS = frozenset({"say", "tell", "report", "state", "announce", "claim", "add", "confirm"})
# Verbs whose object is the one who then does what follows ("forced ISIS to withdraw", "pushed the rebels
# to pull out"): object control, so the object is the agent of the verb it governs, not its target.
OBJECT_CONTROL_VERBS = frozenset({"force", "compel", "push", "oblige", "drive", "prompt", "lead", "cause", "help",
                                  "allow", "enable"})
# Conjunctions by which a clause says since when, and so through whom, a place suffers what it suffers ("has
# been under siege since government forces closed Castello Road": the forces besiege it; Al Jazeera's and
# Reuters' wording of Aleppo's siege, the wires' "under fire since ... launched").
CAUSE_MARKS = frozenset({"since", "after", "when"})
# Verbs of stopping an attack ("repelled an attack by ISIS", "rebel counter-attacks were repelled", "thwarted
# an infiltration attempt by terrorists"): ACLED's actor1 is the initiator, the one whose attack it was,
# and the one who repelled it is actor2 (SANA's, SOHR's and the wires' daily wording).
REPELLING_VERBS = frozenset({"repel", "repulse", "thwart", "foil", "rebuff", "fend"})
# Prepositions by which an attack names its author: "an attack by ISIS", "an assault of the rebels".
AUTHOR_PREPOSITIONS = frozenset({"by", "of", "from"})
# After an actor, how a place's holder is written ("rebel-held", "government-controlled areas", "the
# ISIS-besieged city"): the actor names who holds a place, not who acts in the event.
_HOLDER_SUFFIX = re.compile(rf"\s*[{re.escape(HYPHENS)}]\s*(?:held|controlled|run|dominated|occupied)\b",
                            re.IGNORECASE)
# Before an actor, the same written with "by": "areas held by the rebels".
_HOLDER_BEFORE = re.compile(r"\b(?:held|controlled|run|dominated|occupied)\s+by\s+(?:the\s+)?$", re.IGNORECASE)
# The most characters looked back for `_HOLDER_BEFORE`.
HOLDER_LOOKBACK = 30


def state_sides(profile: ConflictProfile | None, on: date | None) -> frozenset[str]:
    """The sides whose gains are the state's on `on` (ACLED's "Government regains territory"; anyone
    else's is "Non-state actor overtakes territory"): the state and its allies of that day, as the profile
    (the shipped one by default) dates them: Russia is the state's ally only until 8 December 2024."""
    return (profile or default_profile()).state_sides(on)


def stance_side(stance: str, profile: ConflictProfile | None, on: date | None) -> str:
    """The side a source of `stance` speaks for on `on`, or "" for a neutral or unknown stance: an
    opposition outlet of 2016 speaks for the rebels, of 2025 for the new government."""
    return (profile or default_profile()).speaks_for(normalize_stance(stance), on)


def _same_camp(side: str, other: str, profile: ConflictProfile | None = None, on: date | None = None) -> bool:
    """Whether two sides fight on the same side: the same one, or allies of the day ("the regime seized
    Rabia'a with Russian support": Russia is not the regime's opponent there)."""
    return (profile or default_profile()).same_camp(side, other, on)


def _path_costs(token: Any) -> dict[int, int]:
    costs, cost = {token.i: 0}, 0
    while token.head.i != token.i:
        # a proper noun hung on another as "nmod" is the parser's reading of a list ("Dikan, Malhah, San'a")
        free = token.dep_ in FREE_ARCS or (token.dep_ == "nmod" and token.pos_ == token.head.pos_ == "PROPN")
        cost += 0 if free else 1
        token = token.head
        costs[token.i] = cost
    return costs


def tree_distance(a: Any, b: Any) -> int:
    """Arcs between two tokens of one sentence in spaCy's dependency tree, list and name arcs free."""
    costs_a, costs_b = _path_costs(a), _path_costs(b)
    shared = [costs_a[i] + costs_b[i] for i in costs_a.keys() & costs_b.keys()]
    return min(shared) if shared else 99


def _token_at(doc: Any, char: int) -> Any:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _ranked(trigger: Any, mentions: Sequence[ActorMention], doc: Any) -> list[ActorMention]:
    scored = []
    sentence = trigger.sent
    for mention in mentions:
        if not sentence.start_char <= mention.start < sentence.end_char:
            continue
        token = _token_at(doc, mention.start)
        if token is None:
            continue
        distance = tree_distance(trigger, token)
        if distance <= MAX_ACTOR_PATH:
            # English puts the agent before its verb: the nearest actor before the trigger first, then
            # the nearest after it ("the victory ... by the Syrian forces")
            before = mention.start < trigger.idx
            scored.append((0 if before else 1, abs(trigger.idx - mention.start), mention))
    if not any(item[0] == 0 for item in scored):
        # only actors after the trigger: too often the other side ("the battle for X, the terrorists'
        # nerve centre"), unless "by" marks the agent ("the victory in X by the Syrian forces"); otherwise
        # the caller falls back on the paragraph or the source's side
        return [item[2] for item in scored if _by_agent(item[2], doc)]
    scored.sort(key=lambda item: item[:2])
    return [item[2] for item in scored]


def _by_agent(mention: ActorMention, doc: Any) -> bool:
    token = _token_at(doc, mention.start)
    while token is not None and token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i:
        token = token.head
    return token is not None and token.dep_ == "pobj" and token.head.lower_ == "by"


def is_target(mention: ActorMention, doc: Any, trigger: Any = None) -> bool:
    """An actor on the receiving end: a direct object ("removing terrorists"), the subject of a passive
    ("rebel positions were shelled"), or governed by "against"/"on"/"at", itself or as the owner of what is
    ("operations against terrorists' hotbeds"), the group it belongs to ("servicemen of the army were
    wounded") or the one who operates it ("a drone operated by the factions was shot down"). A modifier of the trigger itself is its agent ("rebel counter-attacks were
    repelled")."""
    token = _token_at(doc, mention.start)
    if token is None:
        return False
    if AGAINST_PREFIX_RE.search(text_of(doc), max(0, mention.start - AGAINST_PREFIX_CHARS), mention.start):
        return True  # "counter-ISIS operations", "the anti-IS coalition": what is fought
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is not None and len(span) and _operates(span.root):
        token = span.root  # "these Turkiye-backed factions": the phrase's head is the agent of "operated"
    word = _hyphenated_word(trigger) if trigger is not None else frozenset()
    head = token
    while head.head.i != head.i:
        if head.dep_ in NOUN_PHRASE_ARCS:
            if head.head.i in word:
                return False
            head = head.head
        elif _operates(head) and (trigger is None or head.head.head.i != trigger.i):
            head = head.head.head.head  # from the "by" agent of a participle to the noun it modifies
        elif _owns(head) and (trigger is None or head.head.head.i != trigger.i):
            head = head.head.head  # "two servicemen of the Syrian Armed Forces were wounded": the owner
        else:
            break
    # a phrase set before what it modifies frames the clause ("On Monday regime forces raked..."), it is
    # not what is acted on ("strikes on rebel positions", "fired at the convoy")
    return head.dep_ in TARGET_ARCS or (head.dep_ == "pobj" and head.head.lower_ in TARGET_PREPOSITIONS
                                        and head.head.i > head.head.head.i)


def _owns(token: Any) -> bool:
    """Whether a token names the group a noun belongs to through "of" ("servicemen of the army")."""
    return token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.dep_ == "prep" \
        and token.head.head.pos_ in ("NOUN", "PROPN", "NUM") and token.head.head.i != token.head.i


def _operates(token: Any) -> bool:
    """Whether a token is the "by" agent of a participle that modifies a noun ("a drone operated by X",
    "a convoy led by X"): X belongs to that noun's phrase."""
    by = token.head
    return token.dep_ == "pobj" and by.dep_ in ("agent", "prep") and by.lower_ == "by" \
        and by.head.dep_ == "acl" and by.head.head.i != by.head.i


def _hyphenated_word(token: Any) -> frozenset[int]:
    """The token indices of the hyphenated word a token is part of ("counter-attacks": three tokens)."""
    doc, first, last = token.doc, token.i, token.i
    while first >= 2 and doc[first - 1].text in HYPHEN_TOKENS and not doc[first - 2].whitespace_ \
            and not doc[first - 1].whitespace_:
        first -= 2
    while last + 2 < len(doc) and doc[last + 1].text in HYPHEN_TOKENS and not doc[last].whitespace_ \
            and not doc[last + 1].whitespace_:
        last += 2
    return frozenset(range(first, last + 1))


def _describes(mention: ActorMention, others: Sequence[ActorMention], doc: Any) -> bool:
    """Whether a mention only describes another in an apposition ("Russia, a key ally of President Bashar
    Assad, announced": Assad is not the one announcing)."""
    token = _token_at(doc, mention.start)
    for _ in range(APPOSITION_DEPTH):
        if token is None or token.head.i == token.i:
            return False
        if token.dep_ == "appos":
            head = token.head.idx
            return any(o is not mention and o.start <= head < o.end for o in others)
        token = token.head
    return False


# What closes a relative clause set off in the text: a phrase after one of these is beyond the clause
# whatever the parse says ("..., after which the terrorists claimed to control Zuwayqaat Hill, Syrian forces
# ... recaptured the hill": the parser hangs "Syrian forces" on "Hill", inside the clause).
CLAUSE_CLOSERS = frozenset({",", ";", ":", "(", ")", "\u2014", "\u2013", "--"})


def _in_other_relative_clause(mention: ActorMention, trigger: Any, doc: Any) -> bool:
    """Whether a mention is inside a relative clause that describes someone or something other than the
    event and its arguments: "General X, a rebel officer who defected from the Syrian army a month ago, said
    the checkpoint was taken" (AFP), "the activist, who fled ISIS-held Raqqa, said the town was shelled":
    the army and ISIS there are the speaker's story, not the deed's participants. A clause on the trigger's
    own argument ("attacked a checkpoint that government forces had set up") still names a participant."""
    start = _token_at(doc, mention.start)
    token = start
    while token is not None and token.head.i != token.i:
        if token.dep_ == "relcl":
            clause = range(token.left_edge.i, token.right_edge.i + 1)
            if trigger.i in clause:
                return False  # the trigger is the clause's own deed ("forces who captured the town")
            if any(t.text in CLAUSE_CLOSERS for t in doc[token.left_edge.i:start.i]):
                return False  # the clause was closed before the mention
            return not _argument_of(token.head, trigger)
        token = token.head
    return False


def _argument_of(noun: Any, trigger: Any) -> bool:
    """Whether a noun is the trigger itself or one of its arguments: its subject or object, or the object
    of a preposition on it ("shelled positions near the town that the rebels hold")."""
    if noun.i == trigger.i or noun.head.i == trigger.i:
        return True
    return noun.dep_ == "pobj" and noun.head.head.i == trigger.i


def is_holder(mention: ActorMention, text: str) -> bool:
    """Whether a mention names who holds a place ("rebel-held", "areas controlled by the SDF"), not an
    actor of the event."""
    return bool(_HOLDER_SUFFIX.match(text, mention.end)) or \
        bool(_HOLDER_BEFORE.search(text, max(0, mention.start - HOLDER_LOOKBACK), mention.start))


def _suffers(trigger: Any) -> bool:
    """Whether a noun trigger is what its clause's subject suffers ("they have been under siege", "came
    under sniper fire")."""
    noun = _suffered_noun(trigger)
    return noun.dep_ == "pobj" and noun.head.lower_ in SUFFERING_PREPOSITIONS


def _suffered_noun(trigger: Any) -> Any:
    """The noun a trigger word is part of ("sniper" of "sniper fire", "shooting" of "fire and shooting")."""
    while trigger.dep_ in ("compound", "conj", "amod") and trigger.head.i != trigger.i:
        trigger = trigger.head
    return trigger


def _sufferer(trigger: Any) -> Any:
    """The subject of the clause whose "under" phrase holds the trigger, or None."""
    if not _suffers(trigger):
        return None
    clause = _suffered_noun(trigger).head.head
    return next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _controller(trigger: Any, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The object of a control verb above the trigger, which is its agent ("forced ISIS to begin
    evacuating": ISIS evacuates)."""
    verb = trigger
    while verb.dep_ == "xcomp" and verb.head.i != verb.i:
        verb = verb.head
        if verb.lemma_ in OBJECT_CONTROL_VERBS:
            for child in verb.children:
                if child.dep_ == "dobj":
                    return _mention_of_phrase(child, mentions)
            return None
    return None


def _gainer_after_to(trigger: Any, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The one named after "to" by a verb of losing ground ("fell to ISIS fighters"), or None."""
    if trigger.lemma_ not in GAINER_TO_VERBS:
        return None
    for child in trigger.children:
        if child.dep_ in ("prep", "dative") and child.lower_ == "to":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return _mention_of_phrase(pobj, mentions)
    return None


def _cause_of_suffering(trigger: Any, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """For what a clause's subject suffers ("under siege"), the subject of the clause saying since when
    ("since the army cut the last road"): the one who inflicts it; None without one."""
    if not _suffers(trigger):
        return None
    for clause in trigger.head.head.children:
        if clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CAUSE_MARKS for c in clause.children):
            for subject in clause.children:
                if subject.dep_ == "nsubj":
                    return _mention_of_phrase(subject, mentions)
    return None


def _attacker_repelled(trigger: Any, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The author of the attack a verb of repelling stops ("repelled an attack by ISIS", "rebel
    counter-attacks were repelled"), or None."""
    if trigger.lemma_ not in REPELLING_VERBS:
        return None
    for attack in trigger.children:
        if attack.dep_ not in ("dobj", "nsubjpass"):
            continue
        found = _mention_of_phrase(attack, mentions)
        if found is not None:
            return found
        for prep in attack.children:
            if prep.dep_ == "prep" and prep.lower_ in AUTHOR_PREPOSITIONS:
                for pobj in prep.children:
                    author = _mention_of_phrase(pobj, mentions) if pobj.dep_ == "pobj" else None
                    if author is not None:
                        return author
    return None


def _subject_of(trigger: Any, mentions: Sequence[ActorMention], doc: Any) -> ActorMention | Any | None:
    """The actor that is the grammatical subject (or "by" agent) of the trigger's verb, or of a noun
    trigger ("attacks by the PKK"); the subject token itself when it is a pronoun that names no actor.
    The object of a control verb is the subject of what it governs ("forced ISIS to withdraw"); what
    is suffered has no subject ("the town came under fire")."""
    if trigger.dep_ == "acl":  # "civilians leaving the city": the noun is the subject
        for mention in mentions:
            if mention.start <= trigger.head.idx < mention.end:
                return mention
    if _suffers(trigger):
        return None
    controller = _controller(trigger, mentions)
    if controller is not None:
        return controller
    verb, below = trigger, None
    unnamed = _unnamed_subject(trigger, mentions)
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "agent")]
        if below is not None and below.dep_ == "xcomp":  # "the army is expected to launch": raised from below
            subjects += [c for c in verb.children if c.dep_ == "nsubjpass"]
        subjects += [g for c in verb.children if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"
                     and verb.pos_ in ("NOUN", "PROPN")) for g in c.children if g.dep_ == "pobj"]
        for subject in subjects:
            if subject.lower_ in RELATIVE_SUBJECTS and verb.dep_ == "relcl":
                subject = verb.head
            found = _mention_of_phrase(subject, mentions)
            if found is not None:
                return found
            if subject.lower_ in PRONOUN_SUBJECTS:
                return subject
            if unnamed is not None and subject.i == unnamed.i:
                return None  # the deed's own party, unnamed: not the subject of a clause above
        if verb.head.i == verb.i or verb.dep_ in SUBJECT_BARRIER_ARCS or _has_own_patient(verb):
            break
        verb, below = verb.head, verb
    return None


def _unnamed_subject(trigger: Any, mentions: Sequence[ActorMention]) -> Any | None:
    """The subject of a verb trigger when it is a noun phrase with a determiner that names no actor ("the group
    then opened fire", "a gunman shot three men"): the deed is that party's, not an actor's named in another
    clause. (A bare noun, "aircraft also shelled the villages", often names again an actor just named.)"""
    if trigger.pos_ != "VERB":
        return None
    for child in trigger.children:
        if child.dep_ == "nsubj" and child.pos_ == "NOUN" and any(c.dep_ == "det" for c in child.children):
            start, end = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
            if not any(start <= m.start < end for m in mentions):
                return child
    return None


def _pronoun_patients(trigger: Any, mentions: Sequence[ActorMention]) -> list[ActorMention]:
    """The mentions in the subject of the clause above a passive trigger whose own subject is a pronoun
    ("U.S. Army soldiers were carrying out ... when they were attacked"): who the pronoun names, the deed's
    patients."""
    if not any(c.dep_ == "nsubjpass" and c.pos_ == "PRON" for c in trigger.children) or \
            trigger.dep_ not in ("advcl", "conj"):
        return []
    subject = next((c for c in trigger.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return []
    # the whole subject ("Chief Pentagon Spokesman and ..., U.S. Army soldiers", a list the parser may make)
    start, end = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
    return [m for m in mentions if start <= m.start < end]


def _has_own_patient(verb: Any) -> bool:
    """A passive verb with its own subject ("soldiers were carrying out an engagement when they were
    attacked"): that subject suffered the deed, and the clause above it tells who did not."""
    return verb.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubjpass" for c in verb.children)


def is_attributed_source(mention: ActorMention, doc: Any) -> bool:
    """"... were killed in an ambush, according to U.S. Central Command": who tells of the deed. Named beside
    its own people hit ("two U.S. service members were killed"), the teller is not the deed's agent; alone
    ("a drone was shot down, according to the SDF") it is."""
    token = _token_at(doc, mention.start)
    while token is not None and token.dep_ in NOUN_PHRASE_ARCS and token.head.i != token.i:
        token = token.head
    return token is not None and token.dep_ == "pobj" and token.head.lower_ == "to" and \
        token.head.head.lower_ == "according"


def _tells_of(mention: ActorMention, trigger: Any, doc: Any) -> bool:
    """The mention is the subject of a verb of saying that the trigger's clause hangs from ("Asayish said
    that one of its points came under fire")."""
    token = _token_at(doc, mention.start)
    while token is not None and token.dep_ in NOUN_PHRASE_ARCS and token.head.i != token.i:
        token = token.head
    return token is not None and token.dep_ == "nsubj" and token.head.lemma_ in SAYING_LEMMAS and \
        token.head in trigger.ancestors


def _mention_of_phrase(head: Any, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The mention that holds a noun phrase's head word, else the last one among the words that modify it
    from the left ("Syrian army units": the army), never one in its clauses or prepositions."""
    start = head.idx
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "nmod", "poss", "nummod", "det"):
            start = min(start, child.left_edge.idx)
    holding = [m for m in mentions if m.start <= head.idx < m.end]
    if holding:
        return holding[0]
    modifying = [m for m in mentions if start <= m.start < head.idx]
    return modifying[-1] if modifying else None


def _antecedent(pronoun: Any, mentions: Sequence[ActorMention], doc: Any) -> ActorMention | None:
    """The actor a pronoun subject points back to: the subject of a verb its clause hangs on ("HTS said
    that it had launched..."), else of one of the sentences just before it in its paragraph ("FSA fighters
    made advances. After clashes with ISIS, it took...")."""
    for verb in pronoun.head.ancestors:
        for child in verb.children:
            if child.dep_ == "nsubj" and child.i < pronoun.i:
                found = _mention_of_phrase(child, mentions)
                if found is not None:
                    return found
    sentence = pronoun.sent
    for _ in range(ANTECEDENT_SENTENCES):
        if sentence.start == 0:
            return None
        before = doc[sentence.start - 1].sent
        if "\n\n" in text_of(doc)[before.start_char : sentence.start_char]:
            return None  # another paragraph
        sentence = before
        for token in sentence:
            if token.dep_ == "nsubj":
                found = _mention_of_phrase(token, mentions)
                if found is not None:
                    return found
    return None


def find_participants(trigger: Any, mentions: Sequence[ActorMention], doc: Any, *, stance: str,
                      territorial: bool, liberation_word: bool, profile: ConflictProfile | None = None,
                      on: date | None = None, air: bool = False, protest: bool = False) -> Participants:
    """Actor1 (the agent), actor2 (the other side) and, for a change of control, who gained; sides are
    related as the `profile` relates them on `on` (the event's or the report's day). For an air strike
    (`air`), only a side with aircraft can be the agent: "the bombs fell on the rebels" is not theirs.
    A protest's (`protest`) actor1 is its protesters and actor2 whoever met them (ACLED's coding)."""
    if protest:
        return _protest_participants(find_participants(trigger, mentions, doc, stance=stance, territorial=False,
                                                       liberation_word=False, profile=profile, on=on),
                                     trigger, mentions)
    ranked = [m for m in _ranked(trigger, mentions, doc) if (m.side not in NOT_COMBATANTS or not territorial)
              and not is_holder(m, text_of(doc))]
    patients = _pronoun_patients(trigger, mentions)
    hit = {m.side for m in mentions if trigger.sent.start_char <= m.start < trigger.sent.end_char
           and (is_target(m, doc, trigger) or m in patients)}
    # a teller beside its own people hit, or telling of what was suffered ("Asayish said one of its points
    # came under sniper fire"), is not the agent
    suffered = _suffers(trigger)
    ranked = [m for m in ranked if not _describes(m, ranked, doc) and not _in_other_relative_clause(m, trigger, doc)
              and not ((suffered or m.side in hit) and is_attributed_source(m, doc))
              and not (suffered and _tells_of(m, trigger, doc))]
    found = _gainer_after_to(trigger, [m for m in mentions if not is_holder(m, text_of(doc))]) or \
        _attacker_repelled(trigger, ranked) or _cause_of_suffering(trigger, [m for m in mentions
                                                                     if not is_holder(m, text_of(doc))]) or \
        _subject_of(trigger, ranked, doc)
    subject = found if isinstance(found, ActorMention) else None
    sufferer = _sufferer(trigger)
    suffering = _mention_of_phrase(sufferer, ranked) if sufferer is not None else None
    # what is acted on never acts, nor does who a passive pronoun says suffered ("soldiers were carrying out
    # an engagement when they were attacked")
    agents = [m for m in ranked if not is_target(m, doc, trigger) and m is not suffering and m not in patients]
    if found is not None and subject is None:  # a pronoun: the agent was named before, not beside it
        subject, agents = _antecedent(found, mentions, doc), []
    if air:
        profile = profile or default_profile()
        subject = subject if subject is not None and _can_fly(subject, profile) else None
        agents = [m for m in agents if _can_fly(m, profile)]
    if subject is None and _unnamed_subject(trigger, mentions) is not None:
        agents = []  # "the checkpoint stopped the convoy, and the group then opened fire": the group's deed
    actor1 = subject or (agents[0] if agents else None)
    parties = _parties_between(trigger, [m for m in mentions if not is_holder(m, text_of(doc))]) \
        if actor1 is None else []
    if parties:  # "the fighting between the SDF and IS militants": the first named is actor1 (ACLED's order)
        actor1, ranked = parties[0], [*parties[1:], *ranked]
    others = [m for m in ranked if actor1 is None
              or (not _same_camp(m.side, actor1.side, profile, on) and m.side != UNKNOWN)]
    # the second side named "between" is the other side even of one camp ("clashes between Ahrar al-Sham and
    # Hayat Tahrir al-Sham": infighting)
    others = [p for p in parties[1:2] if p.actor.name != actor1.actor.name] + others if parties and actor1 else others
    actor2 = others[0] if others else None
    gained_by = ""
    if territorial:
        if actor1 is not None and actor1.side not in (UNKNOWN, *NOT_COMBATANTS):
            gained_by = actor1.side
        elif liberation_word:
            gained_by = stance_side(stance, profile, on)
    return Participants(actor1=actor1.actor.name if actor1 else "", actor1_side=actor1.side if actor1 else UNKNOWN,
                        actor2=actor2.actor.name if actor2 else "", actor2_side=actor2.side if actor2 else "",
                        gained_by=gained_by)


def _protest_participants(found: Participants, trigger: Any, mentions: Sequence[ActorMention]) -> Participants:
    """ACLED codes every Protests event with the protesters as actor1 (named in the trigger's sentence, else
    unnamed protesters, civilians) and a force that intervened as actor2 ("protesters clashed with Israeli
    forces at a protest": the protesters, then Israel)."""
    sentence = trigger.sent
    protesters = next((m for m in mentions if sentence.start_char <= m.start < sentence.end_char
                       and m.actor.actor_type == PROTESTERS_TYPE), None)
    force = (found.actor1, found.actor1_side) if found.actor1_side not in (UNKNOWN, *NOT_COMBATANTS) \
        else (found.actor2, found.actor2_side)
    if not force[0]:  # "clashed with Israeli forces at a protest": the force the sentence names
        named = next((m for m in mentions if sentence.start_char <= m.start < sentence.end_char
                      and m.side not in (UNKNOWN, *NOT_COMBATANTS) and m.actor.actor_type != PROTESTERS_TYPE), None)
        force = (named.actor.name, named.side) if named is not None else force
    return Participants(actor1=protesters.actor.name if protesters else UNNAMED_PROTESTERS,
                        actor1_side=protesters.side if protesters else PROTESTERS_SIDE,
                        actor2=force[0], actor2_side=force[1] if force[0] else "", gained_by="")


def _parties_between(trigger: Any, mentions: Sequence[ActorMention]) -> list[ActorMention]:
    """The sides of a fight named by "between X and Y" on the trigger ("clashes between troops and
    rebels"), in their order, on the trigger or on the verb it is the subject of ("clashes broke out on
    Sunday between security forces and Druze gunmen"); [] when there is no such phrase or it names no actor."""
    holders = [trigger, trigger.head] if trigger.dep_ == "nsubj" and trigger.head.pos_ == "VERB" else [trigger]
    for child in (c for holder in holders for c in holder.children):
        if child.dep_ == "prep" and child.lower_ in ("between", "among", "pitting"):
            end = child.right_edge.idx + len(child.right_edge)
            return [m for m in mentions if child.idx < m.start < end and m.side != UNKNOWN]
    return []


def _can_fly(mention: ActorMention, profile: ConflictProfile) -> bool:
    """Whether the mention's side flies; an unresolved label may stand for one that does."""
    return mention.side == UNKNOWN or profile.flies(mention.side)



def air_side(own_side: str, before: Sequence[ActorMention], text: str, profile: ConflictProfile,
             on: date | None) -> str:
    """The side whose aircraft flew an air strike no one is named for, reported by a source speaking for
    `own_side`, a side without aircraft, from the last combatant named `before` it (in its paragraph, up
    to the strike) and the profile's camps on that day: an opponent that flies flew it ("Turkish-backed
    factions attacked ... a drone strike hit"); an opponent that does not was hit by the one that flies in
    the source's own camp (a Kurdish outlet's "airstrikes halted ISIS's advance" on Kobani in 2014: the
    US-led coalition); otherwise the state of that day, ACLED's practice in Syria (an opposition outlet's
    "air strikes on rebel-held districts" are the regime's)."""
    state = next((s for s in sorted(profile.state_sides(on)) if profile.side(s).state), "")
    combatants = [m for m in before if m.side not in (*NOT_COMBATANTS, UNKNOWN) and not is_holder(m, text)]
    if not combatants or profile.same_camp(own_side, combatants[-1].side, on):
        return state
    if profile.flies(combatants[-1].side):
        return combatants[-1].side
    flying_allies = sorted(s for s in profile.allies(own_side, on) if profile.flies(s))
    return flying_allies[0] if len(flying_allies) == 1 else state
