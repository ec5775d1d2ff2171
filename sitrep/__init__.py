"""sitrep: an open conflict-monitoring engine."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "find_places", "load_gazetteer"]


def load_gazetteer(*args: Any, **kwargs: Any) -> Any:
    """The shipped gazetteer plus extensions; see `sitrep.geo.gazetteer.load_gazetteer`."""
    from sitrep.geo.gazetteer import load_gazetteer as load

    return load(*args, **kwargs)


def find_places(text: str, **kwargs: Any) -> Any:
    """Every place mention in `text`, resolved; see `sitrep.geo.find_places`."""
    from sitrep.geo import find_places as find

    return find(text, **kwargs)
