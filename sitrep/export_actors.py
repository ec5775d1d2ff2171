"""ACLED's associated actors (`assoc_actor_1`, `assoc_actor_2`): the named groups a report says fought
beside actor1 or actor2 ("retook the town backed by Russian jets", "troops and Hezbollah fighters stormed",
"with the support of the Tiger Forces"), in the actor catalogue's names.

An associated actor is a named catalogue actor (a label such as "allied militias" names no one) that the
text links to the event's actor by backing or company: "backed/supported/aided/covered by X", "with
(the support of) X", "alongside X", "together with X", or listed with it ("troops and X"). An epithet ("the
US-backed SDF", "Turkish-backed rebels") says who backs a force in general, not who took part in this
event, and associates no one.
It must fight on the actor's side on the event's day, as the conflict profile's camps say (Russia beside
Assad's state until 8 December 2024, Turkey beside the new state after it): "clashes between the army and
the Islamic State" associates no one, because the Islamic State is the army's opponent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from sitrep.model import Event

# Right before an ally's name: a verb of backing with "by", a preposition of company, or a list's "and"
# ("backed by the", "with the support of", "alongside", "and allied"), up to the name itself.
_BACKING: Final = r"(?:backed|supported|aided|assisted|covered|helped|reinforced|joined|accompanied|escorted)\s+by"
_COMPANY: Final = (r"(?:with|alongside|along\s+with|together\s+with|in\s+coordination\s+with|"
                   r"in\s+cooperation\s+with|under)")
_HELP_OF: Final = r"(?:the\s+)?(?:air\s+)?(?:support|help|backing|cover|participation|assistance)\s+(?:of|from)"
ALLY_BEFORE: Final = re.compile(
    rf"(?:\b{_BACKING}|\b{_COMPANY}(?:\s+{_HELP_OF})?|\b{_HELP_OF}|\band)\s+(?:(?:the|their|its)\s+)?"
    r"(?:(?:allied|fellow|supporting)\s+)?$",
    re.IGNORECASE)
# How far before a name its cue may start, characters: "with the air support of the" is 27.
CUE_WINDOW: Final = 40
# ACLED separates several associated actors with a semicolon.
ACTOR_SEPARATOR: Final = "; "


def _linked(text: str, start: int) -> bool:
    """Whether the name at text[start:end] is introduced as a backer or companion."""
    return bool(ALLY_BEFORE.search(text[max(0, start - CUE_WINDOW):start]))


def associated_actors(event: Event, catalogue: Any, *, actor_side: str, exclude: Sequence[str],
                      day: date | None = None) -> list[str]:
    """The catalogue names of the actors the event's evidence links to an actor of `actor_side` as its
    backers or companions, in text order, each once, leaving out the names in `exclude` (the event's
    own actors). [] without a catalogue or a known side."""
    from sitrep.actors import find_actors

    if catalogue is None or not actor_side or actor_side == "unknown" or not event.evidence:
        return []
    on = day or event.event_date or event.published
    allies = catalogue.profile.allies(actor_side, on)
    found: list[str] = []
    for mention in find_actors(event.evidence, catalogue, stance=event.stance, on=on):
        name = str(mention.actor.name)
        if mention.generic or name.islower() or name in exclude or name in found:
            continue
        if mention.side in allies and _linked(event.evidence, mention.start):
            found.append(name)
    return found


def associated_columns(event: Event, catalogue: Any, actor1: str, actor2: str,
                       day: date | None = None) -> tuple[str, str]:
    """`assoc_actor_1` and `assoc_actor_2` for an event whose canonical actors are `actor1`, `actor2`.
    An actor in both camps (actor1 and actor2 on one side) is actor1's."""
    own = (actor1, actor2)
    first = associated_actors(event, catalogue, actor_side=event.actor1_side, exclude=own, day=day) \
        if actor1 else []
    second = associated_actors(event, catalogue, actor_side=event.actor2_side, exclude=(*own, *first), day=day) \
        if actor2 and event.actor2_side != event.actor1_side else []
    return ACTOR_SEPARATOR.join(first), ACTOR_SEPARATOR.join(second)
