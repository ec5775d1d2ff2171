"""Memory management for the few hot paths that allocate many objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, collect_after: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (if it was on), then back as it was.

    For blocks that allocate tens of thousands of objects with no reference cycles (loading the gazetteer,
    listing a country's control states): the collector's passes over them free nothing and cost up to half
    the block's time. `collect_after` runs one full collection at the end, so that long-lived objects are
    filed as old at once instead of slowing the next allocations.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect_after:
                gc.collect()
