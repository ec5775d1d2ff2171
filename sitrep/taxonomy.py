"""ACLED's event taxonomy: 6 event types, 25 sub-event types, spelled exactly as ACLED spells them.

Also the mapping from the CASE 2021 Task 2 label codes to ACLED sub-event types; the five CASE types that
ACLED does not record (diplomacy, attribution, organised crime and the two kinds of disaster) map to None.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from sitrep.errors import SitrepError
from sitrep.model import EventType, SubEventType

BATTLES: Final[str] = EventType.BATTLES
EXPLOSIONS: Final[str] = EventType.EXPLOSIONS
VIOLENCE_AGAINST_CIVILIANS: Final[str] = EventType.VIOLENCE_AGAINST_CIVILIANS
PROTESTS: Final[str] = EventType.PROTESTS
RIOTS: Final[str] = EventType.RIOTS
STRATEGIC_DEVELOPMENTS: Final[str] = EventType.STRATEGIC_DEVELOPMENTS

EVENT_TYPES: Final[tuple[str, ...]] = (
    BATTLES,
    EXPLOSIONS,
    VIOLENCE_AGAINST_CIVILIANS,
    PROTESTS,
    RIOTS,
    STRATEGIC_DEVELOPMENTS,
)

# Each event type with its sub-event types, in ACLED's codebook order.
SUB_EVENT_TYPES_BY_TYPE: Final[MappingProxyType[str, tuple[str, ...]]] = MappingProxyType(
    {
        BATTLES: (
            SubEventType.ARMED_CLASH,
            SubEventType.GOVERNMENT_REGAINS_TERRITORY,
            SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        ),
        EXPLOSIONS: (
            SubEventType.CHEMICAL_WEAPON,
            SubEventType.AIR_DRONE_STRIKE,
            SubEventType.SUICIDE_BOMB,
            SubEventType.SHELLING,
            SubEventType.REMOTE_EXPLOSIVE,
            SubEventType.GRENADE,
        ),
        VIOLENCE_AGAINST_CIVILIANS: (
            SubEventType.SEXUAL_VIOLENCE,
            SubEventType.ATTACK,
            SubEventType.ABDUCTION,
        ),
        PROTESTS: (
            SubEventType.PEACEFUL_PROTEST,
            SubEventType.PROTEST_WITH_INTERVENTION,
            SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        ),
        RIOTS: (
            SubEventType.VIOLENT_DEMONSTRATION,
            SubEventType.MOB_VIOLENCE,
        ),
        STRATEGIC_DEVELOPMENTS: (
            SubEventType.AGREEMENT,
            SubEventType.ARRESTS,
            SubEventType.CHANGE_TO_GROUP_ACTIVITY,
            SubEventType.DISRUPTED_WEAPONS_USE,
            SubEventType.HEADQUARTERS_OR_BASE_ESTABLISHED,
            SubEventType.LOOTING_PROPERTY_DESTRUCTION,
            SubEventType.NON_VIOLENT_TRANSFER_OF_TERRITORY,
            SubEventType.OTHER,
        ),
    }
)

SUB_EVENT_TYPES: Final[tuple[str, ...]] = tuple(
    sub for subs in SUB_EVENT_TYPES_BY_TYPE.values() for sub in subs
)

# Sub-event type -> its event type.
EVENT_TYPE_OF: Final[MappingProxyType[str, str]] = MappingProxyType(
    {sub: event_type for event_type, subs in SUB_EVENT_TYPES_BY_TYPE.items() for sub in subs}
)

# CASE 2021 Task 2 label code -> ACLED sub-event type (None: an event type ACLED does not record).
CASE_CODE_TO_SUB_EVENT_TYPE: Final[MappingProxyType[str, str | None]] = MappingProxyType(
    {
        "ABDUCT_DISSAP": "Abduction/forced disappearance",
        "AGREEMENT": "Agreement",
        "AIR_STRIKE": "Air/drone strike",
        "ARMED_CLASH": "Armed clash",
        "ARREST": "Arrests",
        "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
        "ATTACK": "Attack",
        "CHANGE_TO_GROUP_ACT": "Change to group/activity",
        "CHEM_WEAP": "Chemical weapon",
        "DISR_WEAP": "Disrupted weapons use",
        "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
        "GOV_REGAINS_TERIT": "Government regains territory",
        "GRENADE": "Grenade",
        "HQ_ESTABLISHED": "Headquarters or base established",
        "MOB_VIOL": "Mob violence",
        "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
        "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
        "OTHER": "Other",
        "PEACE_PROTEST": "Peaceful protest",
        "PROPERTY_DISTRUCT": "Looting/property destruction",
        "PROTEST_WITH_INTER": "Protest with intervention",
        "REM_EXPLOS": "Remote explosive/landmine/IED",
        "SEX_VIOL": "Sexual violence",
        "SUIC_BOMB": "Suicide bomb",
        "VIOL_DEMONSTR": "Violent demonstration",
        # CASE types outside ACLED's taxonomy.
        "DIPLO": None,
        "ATTRIB": None,
        "ORG_CRIME": None,
        "NATURAL_DISASTER": None,
        "MAN_MADE_DISASTER": None,
    }
)


class UnknownLabelError(SitrepError, KeyError):
    """A label is neither an ACLED sub-event type nor a CASE 2021 code."""


def event_type_of(sub_event_type: str) -> str:
    """The ACLED event type of a sub-event type: "Air/drone strike" -> "Explosions/Remote violence"."""
    try:
        return EVENT_TYPE_OF[sub_event_type]
    except KeyError as e:
        raise UnknownLabelError(f"not an ACLED sub-event type: {sub_event_type!r}") from e


def sub_event_type_from_case(code: str) -> str | None:
    """The ACLED sub-event type for a CASE 2021 label code; None for the five non-ACLED CASE types."""
    try:
        return CASE_CODE_TO_SUB_EVENT_TYPE[code.strip().upper()]
    except KeyError as e:
        raise UnknownLabelError(f"not a CASE 2021 label code: {code!r}") from e
