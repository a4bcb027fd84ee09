"""Work split with ``next_turn`` lets what is waiting (a timer, input, paint) run between its parts."""

from __future__ import annotations

import time
from itertools import pairwise

from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from app.ui.event_turns import next_turn


def test_a_timer_that_is_due_runs_between_two_parts(qtbot: QtBot) -> None:
    """Each part takes longer than the 5 ms ticker's interval, so the ticker is due whenever a part ends (as the
    stall benchmarks' ticker is): it must get its turn before the next part. With ``QTimer.singleShot(0, …)``
    the parts ran back to back."""
    owner = QObject()
    ticks: list[int] = []
    seen: list[int] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: ticks.append(1))

    def part(left: int) -> None:
        seen.append(len(ticks))
        started = time.perf_counter()
        while time.perf_counter() - started < 0.006:  # work, longer than the ticker's interval
            pass
        if left:
            next_turn(owner, lambda: part(left - 1))

    ticker.start()
    next_turn(owner, lambda: part(5))
    qtbot.waitUntil(lambda: len(seen) == 6)
    ticker.stop()
    assert all(later > earlier for earlier, later in pairwise(seen)), seen


def test_nothing_runs_once_its_owner_is_gone(qtbot: QtBot) -> None:
    owner = QObject()
    ran: list[str] = []
    next_turn(owner, lambda: ran.append("late"))
    owner.deleteLater()
    qtbot.wait(50)
    assert ran == []
