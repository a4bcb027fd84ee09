"""Conversation ▸ Stay in character: a reply the Persona badge calls off is written once more, and the more
in-character version is shown; both stay browsable with ‹ ›.

The work is the core's (``ChatService.stay_in_character``); this module is the checkable action, kept in the
window settings (off by default), the worker's flag, and what the window shows while the second reply streams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from app.ui.chat_worker import ChatWorker
    from app.ui.main_window import MainWindow

_SETTING = "chat/stay_in_character"


class StayInCharacter(QObject):
    """The action and its wiring; :meth:`attach` it to the worker once the worker exists."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._worker: ChatWorker | None = None
        self.action = QAction(self.tr("Stay in &character"), window, checkable=True)
        self.action.setStatusTip(
            self.tr("When a reply comes out of character, write it once more and show the more in-character one")
        )
        self.action.setChecked(bool(window._settings.value(_SETTING, False, type=bool)))
        self.action.toggled.connect(self._on_toggled)

    def attach(self, worker: ChatWorker) -> None:
        self._worker = worker
        worker.retry_started.connect(self._on_retry_started)
        self._apply(self.action.isChecked())

    def _apply(self, on: bool) -> None:
        if self._worker is not None:
            if on:
                self._worker.stay_in_character.set()
            else:
                self._worker.stay_in_character.clear()

    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        self._window._settings.setValue(_SETTING, on)
        self._apply(on)

    @Slot()
    def _on_retry_started(self) -> None:
        """The first reply came out of character: show the conversation up to the question and stream anew."""
        window = self._window
        window.statusBar().showMessage(self.tr("The reply came out of character: writing it once more…"), 15_000)
        if window._conversation_id is None:
            return
        persona_id = str(window.persona_box.currentData())
        path = window._store.messages(window._conversation_id)[:-1]  # the last is the new, empty version
        window.chat_view.show_bubbles(window._bubbles(path, persona_id))
        window.stream_badges.reset()
        window.chat_view.begin_stream(window._persona_name(persona_id), persona_id)


def install_stay_in_character(window: MainWindow) -> StayInCharacter:
    """Add the checkable action to the Conversation menu."""
    chooser = StayInCharacter(window)
    window.menus["Conversation"].addSeparator()
    window.menus["Conversation"].addAction(chooser.action)
    window.feedback.stay_in_character = chooser.action.isChecked  # the Replay window starts with the same choice
    return chooser
