"""Personas handed to a view a batch per event-loop turn, as the library reads their card files.

A thousand card files read the first time take most of a second: the gallery shows the first batch at once and
the others as they come, and stays responsive meanwhile (search, scroll, select).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject

from app.personas import Persona
from app.ui.event_turns import next_turn

FIRST_BATCH = 12  # personas read before the gallery shows (a screenful at its first size), however long they take
BATCH_MS = 20.0  # then as many as this lets read per event-loop turn


def read_in_batches(
    owner: QObject, personas: Iterator[Persona], add: Callable[[list[Persona], bool], object], first: bool = True
) -> None:
    """Hand ``add`` the personas ``personas`` yields a batch at a time (``add(batch, done)``): ``FIRST_BATCH`` of
    them now, then about ``BATCH_MS`` worth per event-loop turn until there are no more. A later call
    for the same ``owner`` takes over from one still reading."""
    generation = int(owner.property("persona_batches") or 0) + (1 if first else 0)
    owner.setProperty("persona_batches", generation)
    started, batch = time.perf_counter(), []
    for persona in personas:
        batch.append(persona)
        if (len(batch) >= FIRST_BATCH) if first else (time.perf_counter() - started) * 1000 > BATCH_MS:
            add(batch, False)
            next_turn(owner, lambda: _go_on(owner, generation, personas, add))
            return
    add(batch, True)


def _go_on(
    owner: QObject, generation: int, personas: Iterator[Persona], add: Callable[[list[Persona], bool], object]
) -> None:
    if owner.property("persona_batches") == generation:  # not taken over by a later reload
        read_in_batches(owner, personas, add, first=False)
