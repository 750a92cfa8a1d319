"""Python's cyclic garbage collector, paused while a large model is built or compiled.

The model build and the standard-form compile allocate millions of small objects and create no
garbage cycles; with the collector running, its passes over the growing heap cost more than the
work itself (3-6x on the slice-indexed families). `paused_gc` pauses it (Pyomo's `PauseGC`,
nestable) and, when the outermost pause ends, hands what survived to the oldest generation in
one step (`gc.freeze()` then `gc.unfreeze()`, which moves objects between generation lists
without traversing them): otherwise the first young-generation collections after the pause
would traverse the whole new model once more (0.5 s after the 24-day plan-case build).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from pyomo.common.gc_manager import PauseGC


@contextmanager
def paused_gc() -> Iterator[None]:
    with PauseGC():
        yield
    if gc.isenabled():  # the outermost pause has ended: survivors become old objects
        gc.freeze()
        gc.unfreeze()
