"""The actor catalogue, and finding actors in a text with the side each mention stands for.

The catalogue (`sitrep/data/actors.tsv`, extendable with user files of the same format) lists named
groups ("Tiger Forces", "Jabhat Fatah al-Sham") with a fixed side, and generic or pejorative labels
("rebels", "militants", "terrorists", "regime") whose side depends on context. A row may hold only between
its `valid_from` and `valid_until` days (ACLED's "Military Forces of Syria (2000-2024)" and "(2024-)"):
"government forces" of 2015 are Assad's army, those of 2025 the new state's; `find_actors` takes the day
the text speaks of and matches only the rows that hold on it. It resolves a label's side, first match wins:

1. a qualifier in the same noun phrase: an actor right before it ("ISIS militants", "the regime's
   militias", "Nusra-linked fighters"), or right after it through "of", "from", "loyal to"...
   ("fighters loyal to the government"); a qualifier after "anti-" does not count ("anti-ISIS rebels");
2. a backer right before it: "Turkish-backed rebels" are opposition, "Russian-backed militias" government;
3. the source's stance, through the label's `stance_sides` in the catalogue: "terrorists" in a
   pro-government report are the opposition, "militias" in an opposition report the government's. The
   stance is first read as the side it speaks for on the day (`sitrep.conflict`): an opposition outlet of
   2025 speaks for the new government, a Russian one of 2016 beside Assad's;
4. otherwise the label's own side, usually `unknown`; a label still unknown then takes the side of a known
   actor listed with it ("troops and pro-government militiamen", "the army and allied militia"), unless
   the list names opponents ("clashes between troops and rebels").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Final

from sitrep.conflict import SIDE_ID, ConflictProfile, load_conflict, parse_day
from sitrep.model import Actor, Side
from sitrep.phrases import (
    APOSTROPHES,
    HYPHENS,
    LexiconError,
    PhraseMatcher,
    phrase_units,
    read_tsv,
    split_list,
)

DEFAULT_CATALOGUE: Final = Path(__file__).parent / "data" / "actors.tsv"
CATALOGUE_COLUMNS: Final = ("name", "side", "actor_type", "generic", "stance_sides", "aliases")
# Optional columns: the first and last day a row holds (ISO days, inclusive; empty for open-ended).
VALIDITY_COLUMNS: Final = ("valid_from", "valid_until")

# The sides of the built-in profile (`sitrep/data/conflicts/syria/conflict.yaml`, which a test keeps equal
# to this). A catalogue may name other sides: any id of lower-case letters, digits and underscores.
SIDES: Final = frozenset(Side)
UNKNOWN_SIDE: Final = Side.UNKNOWN
UNRESOLVED: Final = "unresolved"  # the basis of a label whose side nothing decided
ACTOR_TYPES: Final = frozenset(
    {
        "State forces",
        "Rebel group",
        "Political militia",
        "Identity militia",
        "Rioters",
        "Protesters",
        "Civilians",
        "External/Other forces",
    }
)

# The `generic` column: a named group, a label for whoever fits, or a hostile label.
NAMED: Final = "no"
GENERIC: Final = "generic"
PEJORATIVE: Final = "pejorative"
LABEL_KINDS: Final = frozenset({NAMED, GENERIC, PEJORATIVE})

# Stances as `Document.stance` spells them, mapped to the keys of the `stance_sides` column. Stances not
# listed here are used as they are, so a user catalogue can key its own ("pro-turkish=...").
NEUTRAL: Final = "neutral"
ANY_STANCE: Final = "*"
STANCE_SYNONYMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "": NEUTRAL,
        "unknown": NEUTRAL,
        "neutral": NEUTRAL,
        "pro-government": "pro-government",
        "government": "pro-government",
        "pro-regime": "pro-government",
        "pro-assad": "pro-government",
        "loyalist": "pro-government",
        "opposition": "opposition",
        "pro-opposition": "opposition",
        "rebel": "opposition",
        "pro-rebel": "opposition",
        "anti-government": "opposition",
        "kurdish": "pro-kurdish",
        "pro-kurdish": "pro-kurdish",
        "turkish": "pro-turkey",
        "turkish-state": "pro-turkey",
        "pro-turkey": "pro-turkey",
        "pro-turkish": "pro-turkey",
        "israeli": "pro-israel",
        "pro-israel": "pro-israel",
        "pro-israeli": "pro-israel",
        "russian": "pro-russia",
        "russian-state": "pro-russia",
        "pro-russia": "pro-russia",
        "pro-russian": "pro-russia",
        "iranian": "pro-iran",
        "iranian-state": "pro-iran",
        "pro-iran": "pro-iran",
        "pro-iranian": "pro-iran",
        "isis": "pro-isis",
        "pro-isis": "pro-isis",
        "turkey": "pro-turkey",
        "former-regime": "pro-former-regime",
        "pro-former-regime": "pro-former-regime",
    }
)

# The most characters between a qualifier and the label it qualifies; a noun phrase is short.
MAX_QUALIFIER_GAP: Final = 30

_APOSTROPHE: Final = "[" + re.escape(APOSTROPHES) + "]"
_HYPHEN: Final = "[" + re.escape(HYPHENS) + "]"
# Between a qualifier and its label: a possessive, spaces, hyphens, or an affiliation ("Nusra-linked"),
# after the bracket that closes a name's gloss ("Daesh (Islamic State) fighters", "Hayat Tahrir al-Sham
# (HTS) militants": the wires' and think tanks' way of spelling out a name before its label).
_QUALIFIER_GAP: Final = re.compile(
    rf"\)?(?:{_APOSTROPHE}s?)?(?:[\s]|{_HYPHEN})*"
    rf"(?:(?:linked|affiliated|allied|aligned|led|loyal|affiliate|inspired)(?:\s|{_HYPHEN})+)?",
    re.IGNORECASE,
)
_BACKER_GAP: Final = re.compile(
    rf"(?:\s|{_HYPHEN})*(?:backed|supported|sponsored|funded|armed|trained|controlled)(?:\s|{_HYPHEN})+",
    re.IGNORECASE,
)
# Between a label and a qualifier after it: "fighters loyal to the government".
_FOLLOWING_GAP: Final = re.compile(
    r"\s+(?:of|from|belonging\s+to|affiliated\s+(?:with|to)|loyal\s+to|linked\s+to|allied\s+(?:with|to)"
    r"|fighting\s+for|fighting\s+with)\s+(?:the\s+)?",
    re.IGNORECASE,
)
# Between two members of one list: "troops and pro-government militiamen", "the army and allied militia".
_COORDINATION_GAP: Final = re.compile(
    r"\s*(?:,\s*)?(?:and|as\s+well\s+as|along\s+with|together\s+with|alongside|backed\s+by)\s+"
    r"(?:the\s+|its\s+|their\s+)?(?:other\s+)?(?:allied\s+|affiliated\s+|supporting\s+)?",
    re.IGNORECASE,
)
# Right before a list, a word that makes its members opponents: "clashes between troops and rebels".
_OPPONENTS_BEFORE: Final = re.compile(r"\b(?:between|pitting|pitted)\s+(?:the\s+)?$", re.IGNORECASE)
# Right after a list, a reciprocal verb that makes its members opponents: "rebels and militants clashed".
_OPPONENTS_AFTER: Final = re.compile(
    r"\s+(?:\w+\s+)?(?:clash|fought|fight|battl|skirmish|exchang|trad(?:ed|e|ing)\s+fire)", re.IGNORECASE)
# Right before a qualifier, a prefix that turns it around: "anti-ISIS rebels" are not ISIS.
_NEGATING_PREFIX: Final = re.compile(rf"\b(?:anti|counter|non){_HYPHEN}?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One catalogue row: the actor, what kind of label it is, and how its side depends on the stance."""

    actor: Actor
    label: str = NAMED  # NAMED, GENERIC or PEJORATIVE
    stance_sides: Mapping[str, str] = field(default_factory=dict)
    pejorative_aliases: tuple[str, ...] = ()
    valid_from: date | None = None  # the first day the row holds; None: since ever
    valid_until: date | None = None  # the last day it holds; None: still

    def side_for(self, stance: str | Sequence[str]) -> str:
        """The side this label stands for in a source of the given (normalised) stance; given several
        stance keys, the first that has a rule decides."""
        for key in (stance,) if isinstance(stance, str) else stance:
            if key in self.stance_sides:
                return self.stance_sides[key]
        return self.stance_sides.get(ANY_STANCE, self.actor.side)

    def holds_on(self, day: date | None) -> bool:
        """Whether the row holds on `day`; with no day known, rows that began before any date do."""
        if day is None:
            return self.valid_from is None
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text. `text[start:end] == surface`; `side` is resolved in context."""

    surface: str
    start: int
    end: int
    actor: Actor
    side: str
    generic: bool = False  # a label for whoever fits ("rebels", "terrorists"), not one named group
    pejorative: bool = False  # a hostile label ("terrorists", "regime", "Daesh"): framing by the source
    basis: str = "catalogue"  # how `side` was decided: catalogue, qualifier, backer, stance, coordinated,
    # unresolved
    qualifier: Actor | None = None  # the actor that decided a label's side ("ISIS" in "ISIS militants")


class ActorCatalogue:
    """Every known actor and label, with one matcher over all their names, and the conflict profile that
    gives their sides' meaning by date."""

    def __init__(self, entries: Iterable[CatalogueEntry], profile: ConflictProfile | None = None) -> None:
        self.entries: tuple[CatalogueEntry, ...] = tuple(entries)
        self.profile: ConflictProfile = profile if profile is not None else load_conflict()
        phrases: list[str] = []
        # per phrase: every (entry index, whether the alias is pejorative) written that way, latest first
        owners: list[list[tuple[int, bool]]] = []
        spelled: dict[tuple[str, ...], int] = {}
        by_name: dict[str, CatalogueEntry] = {}
        for index, entry in enumerate(self.entries):
            pejorative = {p.casefold() for p in entry.pejorative_aliases}
            for name in _names_with_plurals(entry):
                key = phrase_units(name)
                if key not in spelled:
                    spelled[key] = len(phrases)
                    phrases.append(name)
                    owners.append([])
                owners[spelled[key]].insert(0, (index, name.casefold() in pejorative))
                by_name.setdefault(name.casefold(), entry)
        self._owners = tuple(tuple(o) for o in owners)
        self._by_name = by_name
        self.matcher = PhraseMatcher(phrases)
        self._changes = _days_of_change(self.entries, self.profile)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Actor]:
        return (entry.actor for entry in self.entries)

    def get(self, name: str) -> CatalogueEntry | None:
        """The entry with this name or alias, ignoring case; None when unknown."""
        return self._by_name.get(name.strip().casefold())

    def epoch(self, day: date | None) -> int:
        """Which stretch of time between two changes (a row's or a stance's or camp's first or last day)
        `day` lies in: two days of one epoch resolve every mention alike; -1 for no day."""
        return -1 if day is None else bisect_right(self._changes, day)

    def owner(self, phrase_index: int, day: date | None = None) -> tuple[CatalogueEntry, bool] | None:
        """The entry a matched phrase belongs to on `day` (the latest row that holds then), and whether
        that phrase is a pejorative alias; None when no row of that name holds on the day."""
        for index, pejorative in self._owners[phrase_index]:
            if self.entries[index].holds_on(day):
                return self.entries[index], pejorative
        return None


def _days_of_change(entries: Iterable[CatalogueEntry], profile: ConflictProfile) -> list[date]:
    """Every day on which a catalogue row or a profile relation begins to hold or stops holding, sorted."""
    days: set[date] = set()
    periods = [(e.valid_from, e.valid_until) for e in entries]
    periods += [(p.start, p.end) for stance in profile.stances.values() for p in stance]
    periods += [(c.start, c.end) for c in profile.camps]
    for start, end in periods:
        days |= {start} if start is not None else set()
        days |= {end + timedelta(days=1)} if end is not None else set()
    return sorted(days)


class ActorsByDay:
    """One text's actor mentions, resolved for the day each event happened rather than the day of the
    report ("Assad's forces shelled the town in 2016", written in 2025, are the state of 2016): found once
    per epoch of the catalogue (`ActorCatalogue.epoch`), the publication day's first."""

    def __init__(self, text: str, catalogue: ActorCatalogue, *, stance: str, published: date | None,
                 mentions: list[ActorMention] | None = None) -> None:
        self.text, self.catalogue, self.stance, self.published = text, catalogue, stance, published
        found = mentions if mentions is not None else find_actors(text, catalogue, stance=stance, on=published)
        self._by_epoch: dict[int, list[ActorMention]] = {catalogue.epoch(published): found}

    def on(self, day: date | None) -> list[ActorMention]:
        """The mentions as they read on `day` (the publication day's when `day` is None)."""
        day = day if day is not None else self.published
        epoch = self.catalogue.epoch(day)
        if epoch not in self._by_epoch:
            self._by_epoch[epoch] = find_actors(self.text, self.catalogue, stance=self.stance, on=day)
        return self._by_epoch[epoch]


def _names_with_plurals(entry: CatalogueEntry) -> list[str]:
    """The entry's name and aliases, plus "-ies" plurals of names ending in consonant + y ("mercenary")."""
    names = [entry.actor.name, *entry.actor.aliases]
    plurals = [n[:-1] + "ies" for n in names if len(n) > 2 and n[-1] == "y" and n[-2] not in "aeiou"]
    return names + plurals


def normalize_stance(stance: str) -> str:
    """A source's stance as the `stance_sides` column keys it: pro-government, opposition, neutral..."""
    key = stance.strip().lower().replace("_", "-").replace(" ", "-")
    return STANCE_SYNONYMS.get(key, key)


def load_actor_catalogue(path: Path | None = None, extra: Iterable[Path] = (),
                         profile: ConflictProfile | None = None) -> ActorCatalogue:
    """Read the built-in catalogue (or `path`), extended by the `extra` files in order, with the conflict
    profile that dates its sides (the built-in one by default).

    A row whose name is already known adds its aliases to that actor and overrides the fields it fills.
    Raises `LexiconError` for an unreadable file or an invalid side, actor type, label kind or stance rule.
    """
    merged: dict[tuple[str, str, str], dict[str, str]] = {}
    for file in (path or DEFAULT_CATALOGUE, *extra):
        for row in read_tsv(file, CATALOGUE_COLUMNS):
            _merge_row(merged, row)
    return ActorCatalogue((_parse_entry(row) for row in merged.values()), profile)


def _merge_row(merged: dict[tuple[str, str, str], dict[str, str]], row: dict[str, str]) -> None:
    """Rows of one name and one period are one actor; the same name in another period is another row."""
    key = (row["name"].casefold(), row.get("valid_from", ""), row.get("valid_until", ""))
    if not key[0]:
        raise LexiconError(f"{row['_line']}: empty actor name")
    if key not in merged and not key[1] and not key[2]:
        # a row that gives no dates extends every period of a known name ("Tiger Forces ... Nimr boys")
        periods = [existing for (name, _, _), existing in merged.items() if name == key[0]]
        for existing in periods:
            _merge_into(existing, row)
        if periods:
            return
    known = merged.get(key)
    if known is None:
        merged[key] = dict(row)
        return
    _merge_into(known, row)


def _merge_into(known: dict[str, str], row: dict[str, str]) -> None:
    for column, value in row.items():
        if column in ("aliases", "pejorative_aliases"):
            known[column] = "|".join(_unique(split_list(known.get(column, "")) + split_list(value)))
        elif value and column != "name":
            known[column] = value


def _unique(items: list[str]) -> list[str]:
    """The items in order, each once, ignoring case."""
    firsts: dict[str, str] = {}
    for item in items:
        firsts.setdefault(item.casefold(), item)
    return list(firsts.values())


def _parse_entry(row: dict[str, str]) -> CatalogueEntry:
    where = row["_line"]
    side, actor_type, label = row["side"], row["actor_type"], row["generic"] or NAMED
    if not SIDE_ID.fullmatch(side):
        raise LexiconError(f"{where}: bad side {side!r}: lower-case letters, digits and underscores, e.g. "
                           f"{', '.join(sorted(SIDES))}")
    if actor_type and actor_type not in ACTOR_TYPES:
        raise LexiconError(f"{where}: unknown actor type {actor_type!r}")
    if label not in LABEL_KINDS:
        raise LexiconError(f"{where}: generic must be one of {', '.join(sorted(LABEL_KINDS))}, not {label!r}")
    pejorative = split_list(row.get("pejorative_aliases", ""))
    aliases = _unique(split_list(row["aliases"]) + pejorative)
    actor = Actor(name=row["name"], side=side, actor_type=actor_type, aliases=tuple(aliases))
    stance_sides = _parse_stance_sides(row["stance_sides"], where)
    try:
        valid_from, valid_until = (parse_day(row.get(column, "")) for column in VALIDITY_COLUMNS)
    except ValueError as e:
        raise LexiconError(f"{where}: valid_from/valid_until must be ISO days (2024-12-08): {e}") from e
    if valid_from and valid_until and valid_until < valid_from:
        raise LexiconError(f"{where}: valid_until {valid_until} is before valid_from {valid_from}")
    return CatalogueEntry(actor, label, MappingProxyType(stance_sides), tuple(pejorative), valid_from, valid_until)


def _parse_stance_sides(cell: str, where: str) -> dict[str, str]:
    """`pro-government=opposition;*=unknown` as a mapping from normalised stance to side."""
    rules: dict[str, str] = {}
    for rule in filter(None, (r.strip() for r in cell.split(";"))):
        stance, sep, side = (part.strip() for part in rule.partition("="))
        if not sep or not SIDE_ID.fullmatch(side):
            raise LexiconError(f"{where}: bad stance rule {rule!r}; write stance=side, e.g. neutral=unknown")
        rules[stance if stance == ANY_STANCE else normalize_stance(stance)] = side
    return rules


def find_actors(text: str, catalogue: ActorCatalogue, *, stance: str = "",
                on: date | None = None) -> list[ActorMention]:
    """Every actor named in `text`, left to right, with its side resolved for a source of `stance`
    writing about the day `on` (the publication day, usually; None: before any dated row).

    Matching is case-insensitive on word boundaries, longest name first (see `sitrep.phrases`);
    linear in the length of the text.
    """
    stance_keys = catalogue.profile.label_stances(normalize_stance(stance), on)
    owned = ((m, catalogue.owner(m.index, on)) for m in catalogue.matcher.finditer(text))
    found = [(m.start, m.end, *owner) for m, owner in owned if owner is not None]
    proxies = catalogue.profile.proxy_sides()  # "Turkish-backed rebels" fight as Turkey's (the profile's)
    backed = _backed_groups(text, found, proxies)
    mentions: list[ActorMention] = []
    for i, (start, end, entry, pejorative_alias) in enumerate(found):
        mention = ActorMention(
            surface=text[start:end],
            start=start,
            end=end,
            actor=entry.actor,
            side=entry.actor.side,
            generic=entry.label != NAMED,
            pejorative=pejorative_alias or entry.label == PEJORATIVE,
        )
        if entry.label == NAMED and entry.actor.name in backed:
            mention = _with_side(mention, *backed[entry.actor.name])
        if entry.label != NAMED:
            following = found[i + 1] if i + 1 < len(found) else None
            mention = _resolve_label(text, mention, entry, stance_keys, mentions[-1:], following, proxies)
        mentions.append(mention)
    return _resolve_coordinated(text, mentions)


def _backed_groups(text: str, found: Sequence[tuple[int, int, CatalogueEntry, bool]], proxies: Mapping[str, str]
                   ) -> dict[str, tuple[str, str, Actor]]:
    """Named groups the text calls backed by a side's proxies' patron ("the Turkey-backed Free Syrian
    Army", "Turkish-backed FSA factions"), with the side that makes them and the backer: one sense per
    story, every mention of the group in the text is on that side (Orient News, Anadolu and the wires of
    2016-2019 name the Euphrates Shield factions so once, then "the FSA")."""
    backed: dict[str, tuple[str, str, Actor]] = {}
    for (p_start, p_end, previous, _), (start, _end, entry, _alias) in pairwise(found):
        if entry.label != NAMED or previous.actor.side not in proxies or entry.actor.name in backed:
            continue
        side = proxies[previous.actor.side]
        gap = text[p_end:start]
        if side != entry.actor.side and len(gap) <= MAX_QUALIFIER_GAP and _BACKER_GAP.fullmatch(gap) and \
                not _NEGATING_PREFIX.search(text, max(0, p_start - MAX_QUALIFIER_GAP), p_start):
            backed[entry.actor.name] = (side, "backer", previous.actor)
    return backed


def _resolve_coordinated(text: str, mentions: list[ActorMention]) -> list[ActorMention]:
    """A label left unresolved takes the side of the known actor it is listed with, before or after it
    ("troops and pro-government militiamen stormed", "the army and allied militia"), unless the list
    names opponents ("clashes between troops and rebels", "rebels and militants clashed")."""
    resolved = list(mentions)
    for i in range(len(resolved) - 1):
        first, second = resolved[i], resolved[i + 1]
        if (first.basis == UNRESOLVED) == (second.basis == UNRESOLVED):
            continue
        known = second if first.basis == UNRESOLVED else first
        if known.side == UNKNOWN_SIDE:
            continue
        gap = text[first.end : second.start]
        if len(gap) > MAX_QUALIFIER_GAP or not _COORDINATION_GAP.fullmatch(gap):
            continue
        if _OPPONENTS_BEFORE.search(text, max(0, first.start - MAX_QUALIFIER_GAP), first.start) or \
                _OPPONENTS_AFTER.match(text, second.end):
            continue
        index = i if known is second else i + 1
        resolved[index] = _with_side(resolved[index], known.side, "coordinated", known.actor)
    return resolved


def _resolve_label(
    text: str,
    mention: ActorMention,
    entry: CatalogueEntry,
    stance: Sequence[str],
    before: list[ActorMention],
    after: tuple[int, int, CatalogueEntry, bool] | None,
    proxies: Mapping[str, str],
) -> ActorMention:
    """Decide a generic or pejorative label's side: qualifier, backer, stance, then its own side."""
    if before:
        resolved = _resolve_by_preceding(text, mention, before[0], proxies)
        if resolved is not None:
            return resolved
    if after is not None:
        start, _, following, _ = after
        if following.label == NAMED and following.actor.side != UNKNOWN_SIDE:
            gap = text[mention.end : start]
            if len(gap) <= MAX_QUALIFIER_GAP and _FOLLOWING_GAP.fullmatch(gap):
                return _with_side(mention, following.actor.side, "qualifier", following.actor)
    side = entry.side_for(stance)
    return _with_side(mention, side, "stance" if side != UNKNOWN_SIDE else UNRESOLVED, None)


def _resolve_by_preceding(text: str, mention: ActorMention, previous: ActorMention, proxies: Mapping[str, str]
                          ) -> ActorMention | None:
    """The side given by the actor right before a label ("ISIS militants", "Turkish-backed rebels")."""
    gap = text[previous.end : mention.start]
    if previous.side == UNKNOWN_SIDE or len(gap) > MAX_QUALIFIER_GAP:
        return None
    if _NEGATING_PREFIX.search(text, max(0, previous.start - MAX_QUALIFIER_GAP), previous.start):
        return None
    if _QUALIFIER_GAP.fullmatch(gap):
        return _with_side(mention, previous.side, "qualifier", previous.actor)
    if _BACKER_GAP.fullmatch(gap) and previous.side in proxies:
        return _with_side(mention, proxies[previous.side], "backer", previous.actor)
    return None


def _with_side(mention: ActorMention, side: str, basis: str, qualifier: Actor | None) -> ActorMention:
    return replace(mention, side=side, basis=basis, qualifier=qualifier)
