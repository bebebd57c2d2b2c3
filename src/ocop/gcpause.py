"""Pausing Python's cycle collector around work that makes millions of small acyclic objects.

At national scale every full collection walks the whole loaded register; reading, indexing and writing the
exports make many objects and no cycles, so collecting during them only costs time (about half of the search
index's time at 20,000 products).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc(freeze: bool = False):
    """No cycle collection inside (usable as a decorator: ``@paused_gc()``).

    With *freeze*, every object alive at the end is moved out of the collector's reach for good (``gc.freeze``):
    right for a register kept until the process ends, so that later collections and forked workers (whose
    collections would otherwise touch, and so copy, every inherited page) never walk it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
