"""Keeping Python's cyclic garbage collector and its interpreter lock out of the GUI's way.

A full collection walks every object the interpreter tracks; after the app's imports that is some 85,000
modules, classes and functions (SQLAlchemy, Qt bindings, Markdown), and a full pass took 60–180 ms on two
shared cores: set off by whatever step happened to allocate enough, it was the longest stall of opening the
window, the gallery or a long conversation. Those objects live as long as the process, so once they are
imported they are moved out of the collector's sight (``gc.freeze``); the collector still frees everything
made afterwards, and reference counting frees frozen objects that are dropped.

The model's thread and the badges' thread run Python too, and the GUI thread needs the interpreter lock for every
event it handles. When another thread holds it, the GUI thread waits up to the switch interval (5 ms by default)
each time it asks, and a step that calls back into Python many times (laying out a turn while the model's thread
starts a conversation) waits many times over: a 25 ms step took 65–90 ms. A 1 ms interval bounds each wait at
1 ms; the model's work runs in llama.cpp without the lock, so it does not slow the model.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

GUI_SWITCH_INTERVAL_S = 0.001


def freeze_imports() -> None:
    """Collect what is garbage now, then freeze every object left (call once the GUI's modules are imported); and
    let the GUI thread have the interpreter lock sooner."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


@contextmanager
def imports_frozen() -> Iterator[None]:
    """:func:`freeze_imports` for a while (a benchmark measuring the app as it runs), then unfrozen again."""
    interval = sys.getswitchinterval()
    freeze_imports()
    try:
        yield
    finally:
        gc.unfreeze()
        sys.setswitchinterval(interval)
