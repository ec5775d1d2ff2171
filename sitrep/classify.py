"""Classify a short news snippet into one of ACLED's 25 sub-event types, or None when it reports none.

Rules over spaCy tokens, driven by the trigger lexicon `sitrep/data/event_triggers.yaml`:

1. every trigger phrase of every label (ACLED sub-event types and non-events such as disasters or
   diplomacy) is matched against token texts and lemmas, subject to its sentence's required and
   excluded cues;
2. a dependency rule finds verbs of gaining ground ("captured", "took control of", "were pushed
   back") and scores `Government regains territory` or `Non-state actor overtakes territory` by the
   side of whoever gains;
3. each label that fired gets its learned bias added (`sitrep/data/label_bias.yaml`, fitted by
   `bench/case2021.py --fit`: the one learned part, so that it can be fitted on one half of a labelled set
   and scored on the other); the label with the highest score wins, ties going to the lower `priority`; a
   non-event winner or no score at all gives None.

The spaCy pipeline is passed in (`load_classifier(nlp)`); nothing heavy is loaded on import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Token

from sitrep.errors import SitrepError
from sitrep.taxonomy import SUB_EVENT_TYPES

DEFAULT_LEXICON_PATH: Final = Path(__file__).parent / "data" / "event_triggers.yaml"
DEFAULT_BIAS_PATH: Final = Path(__file__).parent / "data" / "label_bias.yaml"

GAP_WORD: Final = "..."  # in a phrase: up to GAP_MAX_TOKENS words may fall here
GAP_MAX_TOKENS: Final = (
    4  # tokens; enough for "killed and wounded scores of terrorists", short enough to stay in a clause
)
PREFIX_MARK: Final = "*"  # a phrase word ending so matches any word that starts with it
CUE_SET_MARK: Final = "@"  # "@protest" stands for every phrase of the cue set "protest"

# Each further trigger of a label adds this share of its weight to the strongest one's: corroborating
# words count, but three weak protest words do not outvote one clear "tear gas".
OTHER_TRIGGER_SHARE: Final = 0.25
# Weight multiplier for triggers in the first sentence: news leads with the event; later sentences
# add background (earlier attacks, context), so a lead-sentence trigger is stronger evidence.
FIRST_SENTENCE_BONUS: Final = 1.25
# Syntactic salience. A trigger at or next to its sentence's root ("Gunmen stormed...") is the event
# being reported; one deep in the tree or inside a relative/participial clause ("a town that was the scene
# of a chemical attack", "protests over mass arrests") is usually background.
SALIENT_DEPTH: Final = 1  # arcs from the root; a trigger this close gets SALIENT_BONUS
SALIENT_BONUS: Final = 1.15
DEEP_DEPTH: Final = 4  # arcs from the root; a trigger this deep or deeper gets DEEP_DISCOUNT
DEEP_DISCOUNT: Final = 0.85
CLAUSE_DISCOUNT: Final = 0.7  # for a trigger inside a relative or participial clause
BACKGROUND_CLAUSE_DEPS: Final = frozenset({"relcl"})
# A modifier inside a noun phrase ("landmine" in "a landmine attack") is as salient as the phrase's head.
MODIFIER_DEPS: Final = frozenset({"compound", "amod", "nmod"})
# Clause relations under which a gain verb may be a mere attempt ("tried to capture", "an attack to seize").
ATTEMPT_DEPS: Final = frozenset({"xcomp", "acl", "advcl", "relcl", "pcomp"})
# A verb in these relations describes a state, not an event: "rebel-controlled", "fighters occupying
# the town", "the town, seized by rebels last year,".
NON_EVENT_VERB_DEPS: Final = frozenset({"amod", "compound", "acl"})
NEGATION_DETERMINERS: Final = frozenset({"no"})
# A label silences the labels it `overrides` only when its own score is at least this share of theirs:
# "mortar attacks on army positions" is shelling, but a passing "a vehicle was detonated" after a
# report of clashes does not turn the clashes into an IED attack.
OVERRIDE_MIN_RATIO: Final = 0.75
# The least score (in trigger-weight units) that counts as an event; every trigger weighs more.
MIN_EVENT_SCORE: Final = 1.0
# How far (in dependency arcs) to climb from a verb to find its subject ("...by controlling the area").
SUBJECT_SEARCH_STEPS: Final = 3
# Tokens after a territory verb searched for a place-like object ("advanced into the town").
OBJECT_WINDOW_TOKENS: Final = 8
# Texts per spaCy batch in `classify_snippets`; spaCy's own default.
PIPE_BATCH_SIZE: Final = 256
# Pipeline components the rules never read, skipped for speed when the pipeline has them.
UNUSED_COMPONENTS: Final = ("ner",)

STATE: Final = "state"
NON_STATE: Final = "non_state"
GOVERNMENT_REGAINS: Final = "Government regains territory"
NON_STATE_OVERTAKES: Final = "Non-state actor overtakes territory"

Pattern = tuple[str, ...]  # lower-cased words; GAP_WORD and PREFIX_MARK as described above
Span = tuple[int, int]  # token offsets [start, end)


class LexiconError(SitrepError):
    """The event-trigger lexicon could not be read or is malformed."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """A phrase that suggests a label, with cues that must (or must not) share its sentence."""

    pattern: Pattern
    weight: float
    requires: tuple[Pattern, ...] = ()
    excludes: tuple[Pattern, ...] = ()
    pos: frozenset[str] = frozenset()  # coarse parts of speech its first word may have; empty: any


@dataclass(frozen=True, slots=True)
class LabelRule:
    """The triggers of one label; `sub_event_type` is None for a non-event (disaster, diplomacy...)."""

    label: str
    sub_event_type: str | None
    priority: int
    triggers: tuple[Trigger, ...]
    overrides: frozenset[str] = frozenset()  # labels this one silences whenever it fires
    lead_only: bool = False  # fires only in the first sentence (e.g. a claim of responsibility)


@dataclass(frozen=True, slots=True)
class TerritoryRules:
    """Verbs of gaining ground and the words that tell a state actor from a non-state one."""

    weight: float
    gain_verbs: tuple[Pattern, ...]
    attempt_words: frozenset[str]  # a gain verb governed by one of these ("tried to capture") is no gain
    loser_verbs: frozenset[Pattern]
    weak_verbs: frozenset[Pattern]
    not_objects: frozenset[str]  # single words
    places: tuple[Pattern, ...]
    state_actor: tuple[Pattern, ...]
    non_state_actor: tuple[Pattern, ...]


@dataclass(frozen=True, slots=True)
class Classifier:
    """Everything `classify_snippet` needs: the spaCy pipeline and the compiled lexicon."""

    nlp: Language
    rules: tuple[LabelRule, ...]
    territory: TerritoryRules
    first_words: Mapping[str, tuple[Pattern, ...]]  # every pattern, indexed by its first word
    prefix_patterns: tuple[Pattern, ...]  # patterns whose first word is a prefix ("airstrike*")
    # Learned: added to a label's score when it fired (trigger-weight units); absent labels get 0.
    biases: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class MatchIndex:
    """Where each pattern matched in one doc, and which sentence each token lies in."""

    doc: Doc
    spans: Mapping[Pattern, tuple[Span, ...]]
    sentence_of: tuple[int, ...]

    def in_sentence(self, pattern: Pattern, sentence: int) -> bool:
        return any(self.sentence_of[start] == sentence for start, _ in self.spans.get(pattern, ()))

    def in_range(self, pattern: Pattern, start: int, end: int) -> bool:
        return any(start <= s and e <= end for s, e in self.spans.get(pattern, ()))


# ---------------------------------------------------------------------------------------------------
# Loading the lexicon


def load_classifier(
    nlp: Language, lexicon_path: Path = DEFAULT_LEXICON_PATH, bias_path: Path | None = DEFAULT_BIAS_PATH
) -> Classifier:
    """Compile the trigger lexicon for `nlp` (whose tokenizer splits the phrases as it splits text), with
    the learned label biases of `bias_path` (None, or a missing file: the rules alone)."""
    raw = _read_yaml(lexicon_path)
    cue_sets = {
        name: tuple(_to_pattern(nlp, phrase) for phrase in phrases)
        for name, phrases in (raw.get("cue_sets") or {}).items()
    }
    rules = tuple(
        _compile_label(nlp, cue_sets, label, spec, is_event)
        for section, is_event in (("labels", True), ("non_events", False))
        for label, spec in (raw.get(section) or {}).items()
    )
    territory = _compile_territory(nlp, cue_sets, raw.get("territory") or {})
    first_words, prefix_patterns = _index_patterns(_all_patterns(rules, territory))
    biases = load_biases(bias_path, {rule.label for rule in rules}) if bias_path else {}
    return Classifier(nlp, rules, territory, first_words, prefix_patterns, MappingProxyType(biases))


def load_biases(path: Path, labels: Iterable[str]) -> dict[str, float]:
    """The learned label biases of `path` (`biases: {label: number}`); {} when the file is absent."""
    if not path.exists():
        return {}
    raw = _read_yaml(path).get("biases") or {}
    known = set(labels)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise LexiconError(f"{path}: biases for labels the lexicon lacks: {unknown}")
    try:
        return {str(label): float(value) for label, value in raw.items()}
    except (TypeError, ValueError) as e:
        raise LexiconError(f"{path}: a bias is not a number: {e}") from e


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise LexiconError(f"cannot read event-trigger lexicon {path}: {e}") from e
    if not isinstance(data, dict):
        raise LexiconError(f"event-trigger lexicon {path} is not a mapping")
    return data


def _to_pattern(nlp: Language, phrase: str) -> Pattern:
    words = []
    for part in str(phrase).lower().split():
        if part == GAP_WORD or part.endswith(PREFIX_MARK):
            words.append(part)
        else:
            words.extend(token.text for token in nlp.tokenizer(part))
    if not words or words[0] == GAP_WORD or words[-1] == GAP_WORD:
        raise LexiconError(f"bad trigger phrase {phrase!r}")
    return tuple(words)


def _expand(
    nlp: Language, cue_sets: Mapping[str, tuple[Pattern, ...]], items: Iterable[str]
) -> tuple[Pattern, ...]:
    patterns: list[Pattern] = []
    for item in items:
        if str(item).startswith(CUE_SET_MARK):
            name = str(item)[len(CUE_SET_MARK) :]
            if name not in cue_sets:
                raise LexiconError(f"unknown cue set {item!r}")
            patterns.extend(cue_sets[name])
        else:
            patterns.append(_to_pattern(nlp, item))
    return tuple(patterns)


def _compile_label(
    nlp: Language,
    cue_sets: Mapping[str, tuple[Pattern, ...]],
    label: str,
    spec: dict[str, Any],
    is_event: bool,
) -> LabelRule:
    if is_event and label not in SUB_EVENT_TYPES:
        raise LexiconError(f"lexicon label {label!r} is not an ACLED sub-event type")
    default_weight = float(spec.get("weight", 1.0))
    label_excludes = _expand(nlp, cue_sets, spec.get("excludes") or ())
    triggers = []
    for item in spec.get("triggers") or ():
        entry = item if isinstance(item, dict) else {"phrase": item}
        pos = entry.get("pos") or ()
        for pattern in _expand(nlp, cue_sets, [entry["phrase"]]):
            triggers.append(
                Trigger(
                    pattern=pattern,
                    weight=float(entry.get("weight", default_weight)),
                    requires=_expand(nlp, cue_sets, entry.get("requires") or ()),
                    excludes=_expand(nlp, cue_sets, entry.get("excludes") or ()) + label_excludes,
                    pos=frozenset([pos] if isinstance(pos, str) else pos),
                )
            )
    return LabelRule(
        label=label,
        sub_event_type=label if is_event else None,
        priority=int(spec.get("priority", 99)),
        triggers=tuple(triggers),
        overrides=frozenset(spec.get("overrides") or ()),
        lead_only=bool(spec.get("lead_only", False)),
    )


def _compile_territory(
    nlp: Language, cue_sets: Mapping[str, tuple[Pattern, ...]], spec: dict[str, Any]
) -> TerritoryRules:
    def patterns(key: str) -> tuple[Pattern, ...]:
        return _expand(nlp, cue_sets, spec.get(key) or ())

    return TerritoryRules(
        weight=float(spec.get("weight", 1.0)),
        gain_verbs=patterns("gain_verbs"),
        attempt_words=frozenset(p[0] for p in patterns("attempt_words") if len(p) == 1),
        loser_verbs=frozenset(patterns("loser_verbs")),
        weak_verbs=frozenset(patterns("weak_verbs")),
        not_objects=frozenset(p[0] for p in patterns("not_objects") if len(p) == 1),
        places=_expand(nlp, cue_sets, ["@place"]) if "place" in cue_sets else (),
        state_actor=patterns("state_actor"),
        non_state_actor=patterns("non_state_actor"),
    )


def _all_patterns(rules: Iterable[LabelRule], territory: TerritoryRules) -> set[Pattern]:
    found: set[Pattern] = set()
    for rule in rules:
        for trigger in rule.triggers:
            found.update((trigger.pattern, *trigger.requires, *trigger.excludes))
    found.update(territory.gain_verbs, territory.places, territory.state_actor, territory.non_state_actor)
    return found


def _index_patterns(
    patterns: Iterable[Pattern],
) -> tuple[dict[str, tuple[Pattern, ...]], tuple[Pattern, ...]]:
    by_first: defaultdict[str, list[Pattern]] = defaultdict(list)
    prefixed: list[Pattern] = []
    for pattern in patterns:
        if pattern[0].endswith(PREFIX_MARK):
            prefixed.append(pattern)
        else:
            by_first[pattern[0]].append(pattern)
    return {word: tuple(ps) for word, ps in by_first.items()}, tuple(prefixed)


# ---------------------------------------------------------------------------------------------------
# Matching


def _word_matches(word: str, token_keys: tuple[str, str]) -> bool:
    if word.endswith(PREFIX_MARK):
        return any(key.startswith(word[:-1]) for key in token_keys)
    return word in token_keys


def _match_from(pattern: Pattern, keys: Sequence[tuple[str, str]], start: int, at: int = 0) -> int | None:
    """The end of a match of pattern[at:] starting at token `start`, or None."""
    if at == len(pattern):
        return start
    word = pattern[at]
    if word == GAP_WORD:
        for skip in range(GAP_MAX_TOKENS + 1):
            end = _match_from(pattern, keys, start + skip, at + 1)
            if end is not None:
                return end
        return None
    if start >= len(keys) or not _word_matches(word, keys[start]):
        return None
    return _match_from(pattern, keys, start + 1, at + 1)


def index_matches(doc: Doc, classifier: Classifier) -> MatchIndex:
    """Find every lexicon pattern in `doc` (by lower-cased text or lemma)."""
    keys = [(token.lower_, token.lemma_.lower()) for token in doc]
    spans: defaultdict[Pattern, list[Span]] = defaultdict(list)
    for start, token_keys in enumerate(keys):
        candidates = {p for key in set(token_keys) for p in classifier.first_words.get(key, ())}
        candidates.update(classifier.prefix_patterns)
        for pattern in candidates:
            end = _match_from(pattern, keys, start)
            if end is not None:
                spans[pattern].append((start, end))
    sentence_of = [0] * len(doc)
    for number, sentence in enumerate(doc.sents):
        for i in range(sentence.start, sentence.end):
            sentence_of[i] = number
    return MatchIndex(doc, {p: tuple(s) for p, s in spans.items()}, tuple(sentence_of))


# ---------------------------------------------------------------------------------------------------
# Scoring


def _salience(token: Token) -> float:
    """How strongly a trigger at `token` speaks for the snippet's event (see SALIENT_BONUS)."""
    while token.dep_ in MODIFIER_DEPS and token.head.i != token.i:
        token = token.head
    depth, in_clause, node = 0, False, token
    while node.head.i != node.i:
        in_clause = in_clause or node.dep_ in BACKGROUND_CLAUSE_DEPS
        depth, node = depth + 1, node.head
    factor = SALIENT_BONUS if depth <= SALIENT_DEPTH else DEEP_DISCOUNT if depth >= DEEP_DEPTH else 1.0
    if in_clause:
        factor *= CLAUSE_DISCOUNT
    return factor * (FIRST_SENTENCE_BONUS if token.sent.start == 0 else 1.0)


def _is_negated(token: Token) -> bool:
    """ "not detained", "no arrests", "no group claimed": the trigger reports that nothing happened."""
    if any(child.dep_ == "neg" for child in token.children):
        return True
    if any(child.dep_ == "det" and child.lower_ in NEGATION_DETERMINERS for child in token.children):
        return True
    subjects = [child for child in token.children if child.dep_ in ("nsubj", "nsubjpass")]
    return any(
        child.dep_ == "det" and child.lower_ in NEGATION_DETERMINERS
        for subject in subjects
        for child in subject.children
    )


def _trigger_occurrences(trigger: Trigger, index: MatchIndex, lead_only: bool) -> list[tuple[int, float]]:
    """(token, strength) for each valid occurrence of the trigger."""
    found = []
    for start, _ in index.spans.get(trigger.pattern, ()):
        sentence = index.sentence_of[start]
        if lead_only and sentence != 0:
            continue
        if trigger.pos and index.doc[start].pos_ not in trigger.pos:
            continue
        if _is_negated(index.doc[start]):
            continue
        if trigger.requires and not any(index.in_sentence(p, sentence) for p in trigger.requires):
            continue
        if any(index.in_sentence(p, sentence) for p in trigger.excludes):
            continue
        found.append((start, trigger.weight * _salience(index.doc[start])))
    return found


def _combine(occurrences: Iterable[tuple[int, float]]) -> float:
    """A label's score: its strongest token plus a share of the others (each token counted once)."""
    best_by_token: dict[int, float] = {}
    for token, strength in occurrences:
        best_by_token[token] = max(strength, best_by_token.get(token, 0.0))
    ordered = sorted(best_by_token.values(), reverse=True)
    if not ordered:
        return 0.0
    return ordered[0] + OTHER_TRIGGER_SHARE * sum(ordered[1:])


def score_labels(doc: Doc, classifier: Classifier) -> dict[str, float]:
    """Every label's score for `doc` (labels that did not fire are left out)."""
    index = index_matches(doc, classifier)
    occurrences: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for rule in classifier.rules:
        for trigger in rule.triggers:
            occurrences[rule.label].extend(_trigger_occurrences(trigger, index, rule.lead_only))
    for label, token, strength in territory_evidence(index, classifier.territory):
        occurrences[label].append((token, strength))
    scores = {label: _combine(found) for label, found in occurrences.items()}
    scores = {label: score for label, score in scores.items() if score >= MIN_EVENT_SCORE}
    silenced = {
        label
        for rule in classifier.rules
        if rule.label in scores
        for label in rule.overrides
        if scores.get(label, 0.0) * OVERRIDE_MIN_RATIO <= scores[rule.label]
    }
    return {label: score for label, score in scores.items() if label not in silenced}


def choose_label(
    scores: Mapping[str, float], classifier: Classifier, biases: Mapping[str, float] | None = None
) -> str | None:
    """The sub-event type that `score_labels`'s scores give once each fired label's bias is added
    (`biases`, else the classifier's own); None when nothing fired or a non-event wins."""
    biases = classifier.biases if biases is None else biases
    rule_of = {rule.label: rule for rule in classifier.rules}
    ranked = sorted(
        ((score + biases.get(label, 0.0), label) for label, score in scores.items() if score >= MIN_EVENT_SCORE),
        key=lambda item: (-item[0], rule_of[item[1]].priority if item[1] in rule_of else 99),
    )
    if not ranked:
        return None
    return rule_of[ranked[0][1]].sub_event_type


def classify_doc(doc: Doc, classifier: Classifier) -> str | None:
    """The ACLED sub-event type `doc` reports, or None (no event, or one ACLED does not record)."""
    return choose_label(score_labels(doc, classifier), classifier)


def classify_snippet(text: str, classifier: Classifier) -> str | None:
    """The ACLED sub-event type a news snippet reports, or None. See `classify_snippets` for many."""
    return classify_doc(_parse(classifier.nlp, text), classifier)


def classify_snippets(
    texts: Iterable[str], classifier: Classifier, batch_size: int = PIPE_BATCH_SIZE
) -> list[str | None]:
    """Classify many snippets, parsing them in batches with `nlp.pipe`."""
    return [choose_label(scores, classifier) for scores in score_snippets(texts, classifier, batch_size)]


def score_snippets(
    texts: Iterable[str], classifier: Classifier, batch_size: int = PIPE_BATCH_SIZE
) -> list[dict[str, float]]:
    """`score_labels` of many snippets, parsed in batches with `nlp.pipe` (what a bias fit reads)."""
    nlp = classifier.nlp
    disabled = [name for name in UNUSED_COMPONENTS if name in nlp.pipe_names]
    docs = nlp.pipe(texts, batch_size=batch_size, disable=disabled)
    return [score_labels(doc, classifier) for doc in docs]


def _parse(nlp: Language, text: str) -> Doc:
    disabled = [name for name in UNUSED_COMPONENTS if name in nlp.pipe_names]
    return nlp(text, disable=disabled)


# ---------------------------------------------------------------------------------------------------
# Territory: who gains ground


def territory_evidence(index: MatchIndex, rules: TerritoryRules) -> list[tuple[str, int, float]]:
    """(label, verb token, strength) for each verb of gaining ground, by the side that gains."""
    evidence = []
    doc = index.doc
    for verb_pattern in rules.gain_verbs:
        for start, end in index.spans.get(verb_pattern, ()):
            verb = doc[start]
            if not _is_gain_of_ground(verb, verb_pattern, end, index, rules):
                continue
            side = _winner_side(verb, verb_pattern, index, rules)
            label = GOVERNMENT_REGAINS if side == STATE else NON_STATE_OVERTAKES
            evidence.append((label, start, rules.weight * _salience(verb)))
    return evidence


def _is_gain_of_ground(
    verb: Token, pattern: Pattern, end: int, index: MatchIndex, rules: TerritoryRules
) -> bool:
    """A finite or infinitive verb use ("captured", not "rebel-controlled"), not a mere attempt."""
    if verb.pos_ != "VERB" or verb.dep_ in NON_EVENT_VERB_DEPS:
        return False
    governor = verb.head
    if verb.dep_ in ATTEMPT_DEPS and {governor.lemma_.lower(), governor.lower_} & rules.attempt_words:
        return False
    return _has_territorial_object(verb, pattern, end, index, rules)


def _has_territorial_object(
    verb: Token, pattern: Pattern, end: int, index: MatchIndex, rules: TerritoryRules
) -> bool:
    objects = [child for child in verb.children if child.dep_ in ("dobj", "nsubjpass")]
    taken = [obj for obj in objects if {obj.lower_, obj.lemma_.lower()} & rules.not_objects]
    if taken and pattern not in rules.loser_verbs:
        return False
    if pattern not in rules.weak_verbs or any(obj.pos_ == "PROPN" for obj in objects):
        return True
    if any({(obj.lower_,), (obj.lemma_.lower(),)} & set(rules.places) for obj in objects):
        return True
    window_end = min(len(index.doc), end + OBJECT_WINDOW_TOKENS)
    return any(index.in_range(place, end, window_end) for place in rules.places)


def _winner_side(verb: Token, pattern: Pattern, index: MatchIndex, rules: TerritoryRules) -> str:
    """STATE or NON_STATE: the side that gains ground by `verb` (state when it cannot be told)."""
    passive = any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children)
    side: str | None = None
    if not passive:
        subject = _find_subject(verb)
        side = _actor_side(subject, index, rules) if subject is not None else None
    else:
        agent = _passive_agent(verb)
        if agent is not None:
            side = _actor_side(agent, index, rules)
        elif pattern in rules.loser_verbs:
            loser = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            loser_side = _actor_side(loser, index, rules) if loser is not None else None
            side = {STATE: NON_STATE, NON_STATE: STATE}.get(loser_side or "")
    return side or _sentence_side(verb, index, rules)


def _find_subject(verb: Token) -> Token | None:
    """The verb's subject, climbing to governing verbs when it has none; a pronoun gives way to the
    governing verb's subject ("the army confirmed it regained...")."""
    token, pronoun = verb, None
    for _ in range(SUBJECT_SEARCH_STEPS + 1):
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.pos_ != "PRON":
            return subject
        pronoun = pronoun or subject
        if token.head.i == token.i:
            break
        token = token.head
    return pronoun


def _passive_agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _actor_side(actor: Token, index: MatchIndex, rules: TerritoryRules) -> str | None:
    """The side an actor phrase names: its head word first, then any cue in the phrase."""
    head_keys = {actor.lower_, actor.lemma_.lower()}
    if any(len(p) == 1 and p[0] in head_keys for p in rules.non_state_actor):
        return NON_STATE
    if any(len(p) == 1 and p[0] in head_keys for p in rules.state_actor):
        return STATE
    start, end = actor.left_edge.i, actor.right_edge.i + 1
    state = sum(index.in_range(p, start, end) for p in rules.state_actor)
    non_state = sum(index.in_range(p, start, end) for p in rules.non_state_actor)
    if state == non_state:
        return None
    return STATE if state > non_state else NON_STATE


def _sentence_side(verb: Token, index: MatchIndex, rules: TerritoryRules) -> str:
    sentence = index.sentence_of[verb.i]
    state = sum(index.in_sentence(p, sentence) for p in rules.state_actor)
    non_state = sum(index.in_sentence(p, sentence) for p in rules.non_state_actor)
    return NON_STATE if non_state > state else STATE
