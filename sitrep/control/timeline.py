"""A place's control timeline in one layer, from its observations.

Reports of the same state (same side for held and besieged; any side for contested) at one place within
`corroboration_days` of each other form one *step*, dated by its earliest report. The claimed layer keeps
every step that happened (a publisher's own denial withdraws its claim); the assessed layer keeps the steps
whose combined confidence reaches `accept_at` (rules.py); the forecast layer folds the expected and
hypothetical steps only. Steps then fold, in date order, into non-overlapping states:

- held by a side until the next different step;
- contested (the previous holder keeps its name) for `contested_days`, then held again by that holder
  unless something else happened first;
- besieged (the besieged side is the holder) until the next different step.

A side whose forces changed (the conflict profile's successions: "government" is Assad's state until 7
December 2024 and the new state from the 8th) is two holders: reports of either side of that day are
different steps, and a place it held on both sides changed hands from the former holder (former_regime).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sitrep.conflict import ConflictProfile, default_profile
from sitrep.control.rules import (
    DEFAULT_RULES,
    EXPECTED_STATUSES,
    REPORTED_STATUSES,
    AssessmentRules,
    combined_confidence,
)
from sitrep.control.state import ASSESSED, CONTESTED, FORECAST, HELD, ControlState, Observation

# Same-day steps fold in this order: fighting first, then a siege, then the change of control that ends it.
STATE_ORDER = {CONTESTED: 0, "besieged": 1, HELD: 2}


@dataclass(slots=True)
class Step:
    """Reports of one state at one place, close in time."""

    day: date
    side: str
    state: str
    support: list[Observation] = field(default_factory=list)
    confidence: float = 0.0

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(sorted({o.event_id for o in self.support if o.event_id}))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({o.publisher for o in self.support}))


def build_timeline(observations: Sequence[Observation], layer: str, rules: AssessmentRules = DEFAULT_RULES,
                   profile: ConflictProfile | None = None) -> list[ControlState]:
    """The control states of one place (all `observations` are about it) in `layer`, oldest first; sides
    change holders as the `profile` (the shipped one by default) dates their successions."""
    if not observations:
        return []
    profile = profile or default_profile()
    wanted = EXPECTED_STATUSES if layer == FORECAST else REPORTED_STATUSES
    steps = group_steps([o for o in observations if o.fact_status in wanted], rules, profile)
    denials = [o for o in observations if o.fact_status == "negated"]
    kept = [s for s in steps if _keep(s, denials, layer, rules)]
    return fold_steps(kept, observations[0], layer, rules, profile)


def group_steps(observations: Iterable[Observation], rules: AssessmentRules = DEFAULT_RULES,
                profile: ConflictProfile | None = None) -> list[Step]:
    """Reports of one state within `corroboration_days` of its first report, as one step each; never
    across the day its side's forces changed."""
    profile = profile or default_profile()
    steps: list[Step] = []
    open_steps: dict[tuple[str, str, int], Step] = {}
    for observation in sorted(observations, key=lambda o: (o.day, o.publisher, o.event_id, o.evidence)):
        side = "" if observation.state == CONTESTED else observation.side
        key = (observation.state, side, profile.era(side, observation.day) if side else 0)
        step = open_steps.get(key)
        if step is None or (observation.day - step.day).days > rules.corroboration_days:
            step = Step(observation.day, key[1], observation.state)
            open_steps[key] = step
            steps.append(step)
        step.support.append(observation)
    return steps


def _keep(step: Step, denials: Sequence[Observation], layer: str, rules: AssessmentRules) -> bool:
    against = [d for d in denials if d.state == step.state and d.side == step.side
               and abs((d.day - step.day).days) <= rules.corroboration_days]
    step.confidence = combined_confidence(step.support, against, rules)
    if layer == ASSESSED:
        return step.confidence >= rules.accept_at
    denied_by = {d.publisher for d in against}
    return any(o.publisher not in denied_by for o in step.support)  # claimed and forecast


def fold_steps(steps: Sequence[Step], place: Observation, layer: str, rules: AssessmentRules = DEFAULT_RULES,
               profile: ConflictProfile | None = None) -> list[ControlState]:
    """Steps in date order as non-overlapping states (see the module doc)."""
    profile = profile or default_profile()
    states: list[ControlState] = []
    holder: ControlState | None = None  # the last held state: who holds the place between fights
    for step in sorted(steps, key=lambda s: (s.day, STATE_ORDER.get(s.state, 0), s.confidence)):
        _revert_after_fighting(states, holder, step.day, rules)
        succeeded = profile.succeeded(holder.side, holder.valid_from, step.day) if holder is not None else ""
        side = step.side or (holder.side if holder is not None else "")
        current = states[-1] if states else None
        if current is not None and current.state == step.state and current.side == side \
                and (current.valid_until is None or current.valid_until >= step.day) \
                and not profile.succeeded(current.side, current.valid_from, step.day):
            states[-1] = _extended(current, step, rules)
            continue
        _close(states, step.day)
        previous = (succeeded or holder.side) if holder is not None else ""
        state = _state(place, layer, step, side, previous, rules)
        states.append(state)
        if state.state == HELD:
            holder = state
    _revert_after_fighting(states, holder, None, rules)
    return [s for s in states if s.valid_until is None or s.valid_until > s.valid_from]


def _state(place: Observation, layer: str, step: Step, side: str, previous: str,
           rules: AssessmentRules) -> ControlState:
    until = step.day + timedelta(days=rules.contested_days) if step.state == CONTESTED else None
    return ControlState(place_id=place.place_id, place_name=place.place_name, lat=place.lat, lon=place.lon,
                        admin1=place.admin1, layer=layer, side=side, state=step.state, valid_from=step.day,
                        valid_until=until, confidence=step.confidence, event_ids=step.event_ids,
                        sources=step.sources, previous_side=previous)


def _extended(state: ControlState, step: Step, rules: AssessmentRules) -> ControlState:
    """The same state reported again: more evidence, and fighting lasts `contested_days` from the news."""


    until = state.valid_until
    if state.state == CONTESTED:
        until = max(until or step.day, step.day + timedelta(days=rules.contested_days))
    return replace(state, valid_until=until, confidence=max(state.confidence, step.confidence),
                   event_ids=tuple(sorted({*state.event_ids, *step.event_ids})),
                   sources=tuple(sorted({*state.sources, *step.sources})))


def _close(states: list[ControlState], day: date) -> None:
    """End the last state at `day` (a contested one may already have ended earlier)."""


    if states and (states[-1].valid_until is None or states[-1].valid_until > day):
        states[-1] = replace(states[-1], valid_until=day)


def _revert_after_fighting(states: list[ControlState], holder: ControlState | None, day: date | None,
                           rules: AssessmentRules) -> None:
    """Once a contested spell has run out (before `day`; None: ever), the previous holder holds again."""


    last = states[-1] if states else None
    if last is None or last.state != CONTESTED or last.valid_until is None or holder is None:
        return
    if day is not None and last.valid_until >= day:
        return
    states.append(replace(holder, valid_from=last.valid_until, valid_until=None, previous_side=holder.side))
