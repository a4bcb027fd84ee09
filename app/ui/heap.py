"""Keeping Python's cyclic garbage collector out of the GUI's way.

A full collection walks every object the interpreter tracks; after the app's imports that is some 85,000
modules, classes and functions (SQLAlchemy, Qt bindings, Markdown), and a full pass took 60–180 ms on two
shared cores: set off by whatever step happened to allocate enough, it was the longest stall of opening the
window, the gallery or a long conversation. Those objects live as long as the process, so once they are
imported they are moved out of the collector's sight (``gc.freeze``); the collector still frees everything
made afterwards, and reference counting frees frozen objects that are dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_imports() -> None:
    """Collect what is garbage now, then freeze every object left (call once the GUI's modules are imported)."""
    gc.collect()
    gc.freeze()


@contextmanager
def imports_frozen() -> Iterator[None]:
    """:func:`freeze_imports` for a while (a benchmark measuring the app as it runs), then unfrozen again."""
    freeze_imports()
    try:
        yield
    finally:
        gc.unfreeze()
