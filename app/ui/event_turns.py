"""Work split across event-loop turns, so that the learner's input, painting and timers run between its parts.

Each part is started by a 1 ms timer, not ``QTimer.singleShot(0, …)``: Qt hands a zero-timeout call over as a posted
event, and a part that posts the next one this way was measured running two or three parts back to back before the
loop got round to its timers (a 5 ms ticker saw one stall of two or three parts). A 1 ms timer is a real timer, due
with the others: what is waiting runs between two parts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

NEXT_TURN_MS = 1


def next_turn(owner: QObject, step: Callable[[], object]) -> None:
    """Run ``step`` on a later event-loop turn, after what is waiting now; not at all once ``owner`` is gone."""
    QTimer.singleShot(NEXT_TURN_MS, owner, step)
