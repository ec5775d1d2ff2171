"""Control points as GeoJSON text, written straight from the stored listings: the API's `/api/control`
places (a country's 13,000 points on a day) without building a ControlState, a dict and an encoder's
walk over them for each; a third of the time. One feature per place:

    {"type": "Feature", "id": PLACE_ID, "geometry": {"type": "Point", "coordinates": [LON, LAT]},
     "properties": {"place_id", "name", "admin1" (sitrep's name of the governorate), "side", "state"
                    ("unknown" for none), "confidence",
                    "since", "until" (ISO dates, until null while it lasts), "events" (event ids)}}

Places are in `control_at`'s order: governorate, place name, place id.
"""

from __future__ import annotations

import json
from datetime import date
from json.encoder import encode_basestring

from sitrep.admin1 import admin1_name
from sitrep.control.state import ControlState
from sitrep.control.storage import listing_fields, listings_at
from sitrep.memory import collector_paused
from sitrep.store import Store


def points_json(store: Store, day: date, layer: str, region: str | None = None) -> str:
    """The FeatureCollection of every place's control state on `day` in `layer` (see `control_at`)."""
    listed, unlisted = listings_at(store, day, layer, region)
    with collector_paused():
        keyed = [_keyed(listing_fields(listing), lat, lon, confidence) for listing, lat, lon, confidence in listed]
        keyed += [_keyed(_fields_of(state), state.lat, state.lon, state.confidence) for state in unlisted]
        keyed.sort()
        return '{"type":"FeatureCollection","features":[' + ",".join(feature for _, feature in keyed) + "]}"


def _fields_of(state: ControlState) -> list[str]:
    """A state's fields in the order of `listing_fields`."""
    return [state.place_id, state.place_name, state.admin1, state.side, state.state, state.valid_from.isoformat(),
            state.valid_until.isoformat() if state.valid_until else "", " ".join(state.event_ids),
            "\n".join(state.sources), state.previous_side]


def _keyed(fields: list[str], lat: float | None, lon: float | None, confidence: float | None) -> tuple[str, str]:
    """(sort key, feature text) of one state. The key is `control_at`'s order (NUL sorts first)."""
    place_id, name, admin1, side, state, since, until, events = fields[:8]
    quoted_id = encode_basestring(place_id)
    feature = (f'{{"type":"Feature","id":{quoted_id},"geometry":{{"type":"Point","coordinates":'
               f'[{_number(lon)},{_number(lat)}]}},"properties":{{"place_id":{quoted_id},'
               f'"name":{encode_basestring(name)},"admin1":{encode_basestring(admin1_name(admin1))},'
               f'"side":{encode_basestring(side)},"state":{encode_basestring(state or "unknown")},'
               f'"confidence":{_number(confidence)},"since":"{since}","until":{f"{chr(34)}{until}{chr(34)}" if until else "null"},'
               f'"events":{_ids(events)}}}}}')
    return f"{admin1}\0{name}\0{place_id}", feature


def _number(value: float | None) -> str:
    return "null" if value is None else repr(float(value))


def _ids(events: str) -> str:
    """Space-separated event ids as a JSON array (ids are plain tokens; any other text goes through json)."""
    if not events:
        return "[]"
    if not events.isprintable() or '"' in events or "\\" in events or "  " in events or " " in (events[0], events[-1]):
        return json.dumps(events.split())
    return '["' + events.replace(" ", '","') + '"]'
