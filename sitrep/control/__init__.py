"""Who controls what: per-place control timelines (claimed, assessed, forecast), areas, and the CLI.

    rebuild_control(store)                               # from every stored event
    update_control_after_save(store, doc_id, statement_observations(document, resources, doc=doc))
    control_at(store, date(2016, 7, 30), "assessed", region="Aleppo")
    control_changes(store, date(2016, 7, 1), date(2016, 8, 31))
    control_areas(states, date(2016, 7, 30))             # GeoJSON FeatureCollection
"""

from __future__ import annotations

from sitrep.control.areas import control_areas
from sitrep.control.rules import DEFAULT_RULES, AssessmentRules
from sitrep.control.state import ASSESSED, CLAIMED, FORECAST, ControlState, Observation
from sitrep.control.statements import ControlStatement, find_control_statements, load_control_cues
from sitrep.control.storage import (
    ControlChange,
    control_at,
    control_changes,
    rebuild_control,
    timeline_of,
    update_control_after_save,
    update_control_for_document,
)
from sitrep.control.timeline import build_timeline

__all__ = ["ASSESSED", "CLAIMED", "DEFAULT_RULES", "FORECAST", "AssessmentRules", "ControlChange", "ControlState",
           "ControlStatement", "Observation", "build_timeline", "control_areas", "control_at", "control_changes",
           "find_control_statements", "load_control_cues", "rebuild_control", "timeline_of",
           "update_control_after_save", "update_control_for_document"]
