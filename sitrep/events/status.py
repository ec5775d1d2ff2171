"""Fact status of one reported event: did the source say it happened, pass on someone else's claim,
expect it, imagine it, or deny it?

`assess_statement(doc, start, end, cues, trigger=...)` reads the cue words of `data/fact_cues.yaml` that
*govern* the event's trigger word in the dependency tree, so that "Rebels captured the hill, and the army
will counter-attack" keeps the capture `reported` and makes the counter-attack `expected`.

A cue governs the trigger when, walking up from the trigger through its heads (the *chain*):
- the cue is the trigger or a chain token itself ("claimed" in "they claimed to control the hill",
  "prelude" in "the prelude to the battle"), or
- the cue modifies a chain token as an auxiliary, negation, adverb, adjective, determiner, mark or
  preposition ("will", "not", "reportedly", "upcoming", "no", "if", "according to").
Walking up stops carrying modality at a subordinate or relative clause ("the army will retaliate after
rebels attacked": the attack is not expected) but still carries attribution ("SANA said that after
rebels attacked, troops retaliated": both are SANA's claim). A conjunct with its own subject is its own
clause and does not share its neighbour's auxiliaries.

Decisions, so that reviewers can check them:
- Precedence: negated > hypothetical > expected > attributed_claim > reported.
- "was reported", "is said to": an agentless passive report verb keeps `reported` (a source that passes
  on news in the passive vouches for it) and records the cue with the label "attribution"; with a "by"
  agent it is that agent's claim.
- Subjects "I"/"we" are the author: "we reported" is not someone else's claim.
- "would" in a clause reported by someone ("Russia announced that corridors would open") is the future
  seen from the past: `expected`, not `hypothetical`.
- "may/might/could/must have" + participle is a hedged report of the past, not an expectation.
- The claimant is the subject (or "by" agent, or "according to" object) of the innermost attribution
  cue; it is filled whenever one governs the trigger, also when a stronger status wins.
- Without a trigger, the head of the span stands for it, and cues inside the span in the same clause as
  that head also count (except negation, which must govern directly: "with no casualties").
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from sitrep.model import FACT_STATUSES, Span
from sitrep.phrases import LexiconError

DEFAULT_CUES_PATH: Final = Path(__file__).resolve().parent.parent / "data" / "fact_cues.yaml"

# Strongest first: when several cues govern the trigger, the earliest status here wins.
STATUS_PRECEDENCE: Final = ("negated", "hypothetical", "expected", "attributed_claim", "reported")
HEDGE_LABELS: Final = frozenset({"hedge", "expectation", "condition", "attribution", "negation"})
NO_LABEL: Final = "none"  # a group whose phrases are not cues ("not only"): matched so as to be skipped

# Dependencies by which a cue modifies a chain token ("will" aux, "not" neg, "reportedly" advmod,
# "upcoming" amod, "no" det, "if" mark, "according to" prep, "about (to)" acomp, "planned" acl, and a
# reporting verb set in the clause it reports: "Later, al-Rifai added, the group attacked" (parataxis).
MODIFIER_DEPS: Final = frozenset({"aux", "auxpass", "neg", "advmod", "amod", "det", "npadvmod", "prep",
                                  "mark", "acomp", "acl", "prt", "quantmod", "parataxis"})
# Links from a subject up to its verb: a claim or denial never governs its own subject ("the shelling
# claimed five lives", "the attack failed to dislodge them": the shelling and the attack happened).
SUBJECT_DEPS: Final = frozenset({"nsubj", "csubj"})
SUBJECT_BLIND_STATUSES: Final = frozenset({"attributed_claim", "negated"})
# Subordinate clauses and time adjuncts: above them only attribution carries on.
BOUNDARY_DEPS: Final = frozenset({"relcl"})
BOUNDARY_PREPOSITIONS: Final = frozenset({"after", "before", "since", "following", "despite", "amid",
                                          "amidst", "until"})
# Clause-forming dependencies, for the same-clause test used when no trigger is given.
CLAUSE_DEPS: Final = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "conj",
                                "pcomp"})
# What a reporting verb that reports something of its own has: "said that ...", "reported clashes".
REPORTED_CONTENT_DEPS: Final = frozenset({"ccomp", "xcomp", "dobj", "mark"})
SUBJECT_CHILD_DEPS: Final = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
AUTHOR_PRONOUNS: Final = frozenset({"i", "we"})
# Finite or bare verb tags: such a verb needs a subject to attribute anything ("to note" is the author).
FINITE_VERB_TAGS: Final = frozenset({"VB", "VBD", "VBP", "VBZ"})
# Modals that mark the future seen from the past inside reported speech.
REPORTED_FUTURE_MODALS: Final = frozenset({"would", "'d"})
# Conjunctions after which a second verb keeps none of the first's negation or modality.
CONTRAST_WORDS: Final = frozenset({"but", "yet"})
# Dependents cut from a claimant's noun phrase ("Hael Asi Hilal, who heads the Red Crescent, said").
CLAIMANT_CUT_DEPS: Final = frozenset({"relcl", "acl", "appos", "punct", "advcl"})
# A spaced dash before the claimant's head ends a dateline ("DAMASCUS - State media said"); a dash
# inside a word ("Britain-based") does not.
DATELINE_DASHES: Final = frozenset({"-", "–", "—"})


@dataclass(frozen=True, slots=True)
class CueGroup:
    """Phrases implying one fact status, recorded with one hedge label (see data/fact_cues.yaml)."""

    status: str
    label: str
    phrases: tuple[tuple[str, ...], ...]
    tags: frozenset[str] = frozenset()
    deps: frozenset[str] = frozenset()
    not_via: frozenset[str] = frozenset()
    perfect_status: str = ""
    passive_status: str = ""


@dataclass(frozen=True, eq=False)
class FactCues:
    """The cue lexicon, indexed by each phrase's first word. Loaded once and passed in; compared and
    hashed by identity."""

    groups: tuple[CueGroup, ...]
    by_first_word: dict[str, tuple[tuple[tuple[str, ...], CueGroup], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statement:
    """What a source says about one event: its fact status, the cues behind it, and who claims it."""

    fact_status: str
    hedges: tuple[Span, ...] = ()
    claimant: str = ""


@dataclass(frozen=True, slots=True)
class _Cue:
    """One cue phrase found in a sentence: tokens first..last, `anchor` its highest token."""

    group: CueGroup
    first: int
    last: int
    anchor: Any  # spacy.tokens.Token


@dataclass(frozen=True, slots=True)
class _Step:
    """One token of the trigger's chain and what of it may govern the trigger."""

    token: Any  # spacy.tokens.Token
    via: str  # the dependency of the chain token below it; "self" for the trigger
    modal: bool  # False above a subordinate clause: only attribution carries on
    own: bool  # the token itself may be a cue
    modifiers: bool  # its modifiers may be cues


def load_fact_cues(path: Path | None = None) -> FactCues:
    """Read the cue lexicon (default: the one shipped in sitrep/data). Raises LexiconError when the file
    is unreadable or malformed."""
    path = path or DEFAULT_CUES_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise LexiconError(f"cannot read fact-cue lexicon {path}: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise LexiconError(f"fact-cue lexicon {path} has no list of `groups`")
    groups = tuple(_parse_group(raw, path) for raw in data["groups"])
    index: dict[str, list[tuple[tuple[str, ...], CueGroup]]] = {}
    for group in groups:
        for phrase in group.phrases:
            index.setdefault(phrase[0], []).append((phrase, group))
    return FactCues(groups, {word: tuple(entries) for word, entries in index.items()})


def _parse_group(raw: Any, path: Path) -> CueGroup:
    if not isinstance(raw, dict) or not isinstance(raw.get("phrases"), list):
        raise LexiconError(f"fact-cue lexicon {path}: a group without a list of `phrases`: {raw!r}")
    status, label = raw.get("status"), raw.get("label")
    if status not in FACT_STATUSES:
        raise LexiconError(f"fact-cue lexicon {path}: unknown status {status!r}")
    if label not in HEDGE_LABELS | {NO_LABEL}:
        raise LexiconError(f"fact-cue lexicon {path}: unknown label {label!r}")
    for key in ("perfect_status", "passive_status"):
        if raw.get(key, "reported") not in FACT_STATUSES:
            raise LexiconError(f"fact-cue lexicon {path}: unknown {key} {raw[key]!r}")
    phrases = tuple(tuple(str(p).lower().split()) for p in raw["phrases"] if str(p).strip())
    return CueGroup(status=status, label=label, phrases=phrases, tags=_strings(raw, "tags"),
                    deps=_strings(raw, "deps"), not_via=_strings(raw, "not_via"),
                    perfect_status=str(raw.get("perfect_status", "")),
                    passive_status=str(raw.get("passive_status", "")))


def _strings(raw: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(v) for v in raw.get(key) or ())


def assess_statement(doc: Any, start: int, end: int, cues: FactCues, *, trigger: int | None = None
                     ) -> Statement:
    """The fact status of the event whose clause is `doc.text[start:end]` and whose trigger word is at
    character `trigger` (when known), with the governing cues as hedge spans and the claimant."""
    length = _text_length(doc)  # not len(doc.text): spaCy joins the whole text anew on every call
    start, end = max(0, min(start, length)), max(0, min(end, length))
    head = _token_at(doc, trigger) if trigger is not None else None
    in_span = head is None
    if head is None:
        head = _span_head(doc, start, max(start, end))
    if head is None:
        return Statement("reported")
    found = _find_cues(head.sent, cues)
    chain = list(_walk_up(head))
    governing = [(cue, step) for cue in found for step in chain if _governs(cue, step)]
    if in_span:
        counted = {id(cue) for cue, _ in governing}
        governing += [(cue, chain[0]) for cue in found
                      if id(cue) not in counted and _in_clause_of(cue, head, start, end)]
    verdicts = [_verdict(cue, step, found) for cue, step in governing]
    return _statement(doc, [v for v in verdicts if v[1]], chain)


def _text_length(doc: Any) -> int:
    """The length of the parsed text, from its last token (Doc.text rebuilds the text, O(n))."""
    if not len(doc):
        return 0
    last = doc[len(doc) - 1]
    return int(last.idx + len(last.text_with_ws))


def _token_at(doc: Any, offset: int) -> Any:
    """The token covering character `offset`, else the next one; None past the end."""
    if not len(doc):
        return None
    i = max(0, bisect.bisect_right(doc, offset, key=lambda t: t.idx) - 1)
    token = doc[i]
    if offset >= token.idx + len(token) and i + 1 < len(doc):
        token = doc[i + 1]
    return token if token.idx + len(token) > offset else None


def _span_head(doc: Any, start: int, end: int) -> Any:
    """The syntactic head of the tokens overlapping [start, end): a verb if one heads part of it."""
    tokens = [t for t in _tokens_between(doc, start, end) if not (t.is_space or t.is_punct)]
    indices = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i == t.i or t.head.i not in indices]
    verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    return (verbs or roots or [None])[0]


def _tokens_between(doc: Any, start: int, end: int) -> Iterator[Any]:
    i = max(0, bisect.bisect_right(doc, start, key=lambda t: t.idx) - 1)
    while i < len(doc) and doc[i].idx < end:
        if doc[i].idx + len(doc[i]) > start:
            yield doc[i]
        i += 1


def _find_cues(sentence: Any, cues: FactCues) -> list[_Cue]:
    """Every cue phrase in the sentence, the longest one at each token; `none` groups are dropped."""
    found: list[_Cue] = []
    tokens = list(sentence)
    i = 0
    while i < len(tokens):
        matches = _matches_at(tokens, i, cues)
        if not matches:
            i += 1
            continue
        length = max(n for n, _ in matches)
        span = tokens[i:i + length]
        anchor = min(span, key=_depth)
        found += [_Cue(group, span[0].i, span[-1].i, anchor) for n, group in matches
                  if n == length and group.label != NO_LABEL]
        i += length
    return found


def _matches_at(tokens: list[Any], i: int, cues: FactCues) -> list[tuple[int, CueGroup]]:
    first = tokens[i]
    candidates = cues.by_first_word.get(first.lower_, ()) + cues.by_first_word.get(first.lemma_.lower(), ())
    matches: list[tuple[int, CueGroup]] = []
    for phrase, group in dict.fromkeys(candidates):
        if group.tags and first.tag_ not in group.tags:
            continue
        if len(phrase) <= len(tokens) - i and all(_word_matches(tokens[i + k], w) for k, w in enumerate(phrase)):
            matches.append((len(phrase), group))
    return matches


def _word_matches(token: Any, word: str) -> bool:
    return bool(token.lower_ == word or token.lemma_.lower() == word)


def _depth(token: Any) -> int:
    return sum(1 for _ in token.ancestors)


def _walk_up(trigger: Any) -> Iterator[_Step]:
    """The trigger and its heads up to the sentence root, with what each may contribute."""
    yield _Step(trigger, "self", True, True, True)
    child, modal = trigger, True
    while child.head.i != child.i:
        own = modifiers = True
        if child.dep_ == "conj":
            own = False  # "denied the attack and claimed ...": one verb's meaning is not the other's
            modifiers = not _has_child(child, SUBJECT_CHILD_DEPS) and not _has_child(child, {"aux"}) and \
                not _contrasted(child)
        modal = modal and not _is_boundary(child)
        yield _Step(child.head, child.dep_, modal, own, modifiers)
        child = child.head


def _contrasted(conjunct: Any) -> bool:
    """"did not mention the base but said the army had killed ...": a verb joined by "but" or "yet" shares
    its subject, not the other verb's negation or modal."""
    return any(c.dep_ == "cc" and c.lower_ in CONTRAST_WORDS and c.i < conjunct.i for c in conjunct.head.children)


def _is_boundary(token: Any) -> bool:
    """Whether modality stops at `token` going up: a relative clause, a finite adverbial clause, or a
    time adjunct ("after the attack")."""
    if token.dep_ in BOUNDARY_DEPS:
        return True
    if token.dep_ == "advcl":
        return _has_child(token, SUBJECT_CHILD_DEPS | {"mark"})
    return bool(token.dep_ == "prep" and token.lower_ in BOUNDARY_PREPOSITIONS)


def _has_child(token: Any, deps: set[str] | frozenset[str]) -> bool:
    return any(c.dep_ in deps for c in token.children)


def _governs(cue: _Cue, step: _Step) -> bool:
    group = cue.group
    if not step.modal and group.status != "attributed_claim":
        return False
    if cue.anchor.i == step.token.i:
        if not step.own or step.via in group.not_via:
            return False
        return not (group.status in SUBJECT_BLIND_STATUSES and step.via in SUBJECT_DEPS)
    if _conditions_clause_of(cue, step):
        return True
    if cue.anchor.head.i != step.token.i or not step.modifiers:
        return False
    if _is_parenthetical_report(cue):
        return True
    return bool(cue.anchor.dep_ in (group.deps or MODIFIER_DEPS))


def _is_parenthetical_report(cue: _Cue) -> bool:
    """"On Friday, activists reported, jets bombed the market": spaCy often hangs the inserted reporting
    verb from the clause it reports as if that verb's complement; with no complement of its own it is
    an aside that attributes its host clause."""
    anchor = cue.anchor
    return bool(cue.group.status == "attributed_claim" and anchor.dep_ == "ccomp" and anchor.i < anchor.head.i
                and not _has_child(anchor, REPORTED_CONTENT_DEPS))


def _conditions_clause_of(cue: _Cue, step: _Step) -> bool:
    """A condition mark also governs the clause its own clause modifies: in "the army will enter if the
    militia withdraws" the entry is as hypothetical as the withdrawal."""
    anchor = cue.anchor
    clause = anchor.head
    return bool(cue.group.status == "hypothetical" and anchor.dep_ == "mark" and clause.dep_ == "advcl"
                and clause.head.i == step.token.i and clause.i != step.token.i)


def _in_clause_of(cue: _Cue, head: Any, start: int, end: int) -> bool:
    """Without a trigger: a cue inside the span, in the head's own clause (not a negation)."""
    anchor = cue.anchor
    if cue.group.status == "negated" or not (start <= anchor.idx < end):
        return False
    token = anchor
    while token.dep_ not in CLAUSE_DEPS and token.head.i != token.i:
        token = token.head
    return bool(token.i == head.i)


def _verdict(cue: _Cue, step: _Step, found: list[_Cue]) -> tuple[_Cue, str, str]:
    """The status and hedge label a governing cue implies, after the modal, passive and author
    adjustments (status "" when the cue turns out not to count)."""
    group, anchor = cue.group, cue.anchor
    if group.perfect_status and _is_perfect(anchor):
        return cue, group.perfect_status, group.label
    if group.status == "attributed_claim" and anchor.pos_ in ("VERB", "AUX"):
        if group.passive_status and _is_passive(anchor) and not _has_child(anchor, {"agent"}):
            return cue, group.passive_status, group.label
        subject = _subject(anchor)
        if subject is not None and subject.lower_ in AUTHOR_PRONOUNS:
            return cue, "", ""
        if subject is None and anchor.tag_ in FINITE_VERB_TAGS and not _is_passive(anchor):
            return cue, "", ""
    if anchor.lower_ in REPORTED_FUTURE_MODALS and _in_reported_speech(step.token, found):
        return cue, "expected", "expectation"
    return cue, group.status, group.label


def _is_perfect(modal: Any) -> bool:
    """"may have captured": a modal, "have", and a past participle."""
    verb = modal.head
    return bool(verb.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux" for c in verb.children))


def _is_passive(verb: Any) -> bool:
    return _has_child(verb, {"auxpass", "nsubjpass", "csubjpass"})


def _subject(verb: Any) -> Any:
    """A verb's subject, shared from the first conjunct when it has none of its own."""
    while True:
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_CHILD_DEPS), None)
        if subject is not None or verb.dep_ not in ("conj", "xcomp") or verb.head.i == verb.i:
            return subject
        verb = verb.head


def _in_reported_speech(clause: Any, found: list[_Cue]) -> bool:
    """Whether `clause` is the complement of an attribution or expectation cue ("said that ... would")."""
    if clause.dep_ != "ccomp":
        return False
    return any(c.anchor.i == clause.head.i and c.group.status in ("attributed_claim", "expected")
               for c in found)


def _statement(doc: Any, verdicts: list[tuple[_Cue, str, str]], chain: list[_Step]) -> Statement:
    statuses = {status for _, status, _ in verdicts}
    fact_status = next((s for s in STATUS_PRECEDENCE if s in statuses), "reported")
    return Statement(fact_status, _hedge_spans(doc, verdicts), _claimant(doc, verdicts, chain))


def _hedge_spans(doc: Any, verdicts: list[tuple[_Cue, str, str]]) -> tuple[Span, ...]:
    """One span per cue, labelled by its strongest reading, in text order."""
    best: dict[tuple[int, int], tuple[int, str, str]] = {}
    for cue, status, label in verdicts:
        start = doc[cue.first].idx
        end = doc[cue.last].idx + len(doc[cue.last])
        rank = STATUS_PRECEDENCE.index(status)
        if (start, end) not in best or rank < best[start, end][0]:
            best[start, end] = (rank, label, doc[cue.first:cue.last + 1].text)
    return tuple(Span(s, e, surface, label) for (s, e), (_, label, surface) in sorted(best.items()))


def _claimant(doc: Any, verdicts: list[tuple[_Cue, str, str]], chain: list[_Step]) -> str:
    """Who makes the claim: the noun phrase of the attribution cue nearest the trigger."""
    order = {step.token.i: n for n, step in enumerate(chain)}
    attributions = [cue for cue, status, _ in verdicts if status == "attributed_claim"]
    for cue in sorted(attributions, key=lambda c: order.get(c.anchor.i, order.get(c.anchor.head.i, 0))):
        holder = _claimant_token(doc, cue)
        if holder is not None:
            return _phrase_text(doc, holder)
    return ""


def _claimant_token(doc: Any, cue: _Cue) -> Any:
    anchor = cue.anchor
    for child in anchor.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    subject = _subject(anchor) if anchor.pos_ in ("VERB", "AUX") else None
    if subject is not None:
        return subject
    for i in range(cue.first, cue.last + 1):  # "according to X", "citing X", "the rebels' claim"
        holder = next((c for c in doc[i].children if c.dep_ in ("pobj", "poss")), None)
        if holder is not None:
            return holder
    return next((c for c in anchor.children if c.dep_ == "dobj" and anchor.tag_ == "VBG"), None)


def _phrase_text(doc: Any, head: Any) -> str:
    """The noun phrase headed by `head`, without relative clauses, appositions and the like."""
    cut = {t.i for c in head.children if c.dep_ in CLAIMANT_CUT_DEPS and c.i > head.i for t in c.subtree}
    kept = [t.i for t in head.subtree if t.i not in cut]
    dashes = [i for i in kept if i < head.i and doc[i].text in DATELINE_DASHES and doc[i].whitespace_]
    first, last = max([min(kept)] + [i + 1 for i in dashes]), max(kept)
    return str(doc[first:last + 1].text.strip())
