"""Provisional badges for a streaming reply, worked out on a thread of their own.

The checker's partial mode reads the whole reply so far: a millisecond on a short one, tens of milliseconds
near the end of a long one (and its first call compiles its patterns). On the GUI thread that stalls the
window while the reply streams, so the view shows the newest badges worked out so far and asks for the next
ones; when they are ready it redraws the open part of the reply. One check at a time, and at most one started
every ``MIN_INTERVAL_S``: a check holds Python's interpreter lock while it runs, and the GUI thread needs that lock
for every event it handles, so back-to-back checks would make the window wait in turn. Newer text simply waits for
a later redraw; the stored verdict replaces the provisional badges when the reply ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

Badges = dict[str, Any]

MIN_INTERVAL_S = 0.25  # between the starts of two checks of one reply


class StreamBadges(QObject):
    """``badges(text, check)`` returns the newest badges ready and starts ``check`` for ``text`` unless one is
    running; ``updated`` says newer ones are ready (emitted on the GUI thread)."""

    updated = Signal()
    _computed = Signal(object, int)  # badges (or None), the stream they belong to; from the checking thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stream-badges")
        self._stream = 0  # counts reset(): badges of an earlier reply are dropped when they arrive
        self._latest: Badges | None = None
        self._asked = ""  # the text the running or last check was for
        self._running: Future[None] | None = None
        self._closed = False
        self._last_start = float("-inf")
        self._computed.connect(self._on_computed)

    def prepare(self, work: Callable[[], object]) -> None:
        """Run ``work`` on the thread before any check: one-off set-up (compiling patterns) that would otherwise
        stall the GUI thread the first time it is needed. A failure is logged, and the checks run all the same
        (they then do the set-up themselves)."""
        self._executor.submit(self._prepare, work)

    @staticmethod
    def _prepare(work: Callable[[], object]) -> None:
        try:
            work()
        except Exception:  # nobody waits on this future: without the log the failure would vanish
            log.exception("preparing the provisional badges failed")

    def reset(self) -> None:
        """A new reply starts streaming: forget the badges of the last one."""
        self._stream += 1
        self._latest = None
        self._asked = ""
        self._last_start = float("-inf")

    def badges(self, text: str, check: Callable[[], Badges | None]) -> Badges | None:
        """The newest badges worked out for this reply; ``check`` (the badges of ``text``) runs on the thread
        unless a check is running or ``text`` was checked already."""
        idle = self._running is None or self._running.done()
        due = time.monotonic() - self._last_start >= MIN_INTERVAL_S
        if idle and due and text != self._asked and not self._closed:
            self._asked = text
            self._last_start = time.monotonic()
            self._running = self._executor.submit(self._check, check, self._stream)
        return self._latest

    def _check(self, check: Callable[[], Badges | None], stream: int) -> None:
        try:
            badges = check()
        except Exception:  # provisional badges are an aid: the reply streams on without them
            log.exception("provisional badges failed")
            badges = None
        self._computed.emit(badges, stream)

    @Slot(object, int)
    def _on_computed(self, badges: Badges | None, stream: int) -> None:
        if stream == self._stream:
            self._latest = badges
            self.updated.emit()

    def close(self) -> None:
        """Stop the thread (the window is closing); a check still running finishes first."""
        self._stream += 1
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
