"""The main window's Personas menu and card drops: opens the gallery and the editor, imports dropped cards.

The window connects two signals (``new_chat_requested``, ``personas_changed``) and says which of its widgets
take drops; everything else about personas lives here and in the gallery and editor modules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from app.personas import Persona, PersonaLibrary
from app.ui.card_import import CardDropFilter, ImportOutcome, ask_for_card_files, import_cards, report
from app.ui.chat_worker import ModelWorkQueue
from app.ui.persona_editor import PersonaEditor
from app.ui.persona_gallery import PersonaGallery


class PersonaMenu(QObject):
    new_chat_requested = Signal(str)  # persona id
    personas_changed = Signal(str)  # the id to select ("" keeps the current one)

    def __init__(
        self,
        library: PersonaLibrary,
        window: QMainWindow,
        model_work: ModelWorkQueue | None = None,
        on_imported: Callable[[Persona], object] | None = None,
    ) -> None:
        super().__init__(window)
        self._on_imported = on_imported  # told of each card imported (see app.ui.card_import.import_cards)
        self._model_work = model_work
        self._library = library
        self._window = window
        self.gallery: PersonaGallery | None = None
        self.editor: PersonaEditor | None = None
        self.last_import: ImportOutcome | None = None
        self.drops = CardDropFilter(self)
        self.drops.files_dropped.connect(self.import_files)
        self.actions = [
            self._action(self.tr("Persona &gallery…"), self.open_gallery, QKeySequence("Ctrl+Shift+P")),
            self._action(self.tr("&New persona…"), self.new_persona),
            self._action(self.tr("&Import persona cards…"), self._ask_and_import),
        ]

    def _action(self, text: str, slot: Callable[[], object], shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda: slot())
        return action

    def open_gallery(self) -> PersonaGallery:
        if self.gallery is None:
            self.gallery = PersonaGallery(self._library, self._window, self._model_work, self._on_imported)
            self.gallery.new_chat_requested.connect(self.new_chat_requested)
            self.gallery.personas_changed.connect(self.personas_changed)
        else:
            self.gallery.reload()
        self.gallery.show()
        self.gallery.activateWindow()
        return self.gallery

    def new_persona(self) -> PersonaEditor:
        self.editor = PersonaEditor(self._library, None, self._window, self._model_work)
        self.editor.saved.connect(self._on_saved)
        self.editor.open()
        return self.editor

    def _on_saved(self, persona_id: str) -> None:
        if self.gallery is not None:
            self.gallery.reload(persona_id)
        self.personas_changed.emit(persona_id)

    def _ask_and_import(self) -> None:
        self.import_files(ask_for_card_files(self._window))

    def import_files(self, files: list[Path]) -> ImportOutcome:
        """Import dropped or chosen card files; the last good one becomes the selected persona."""
        outcome = import_cards(self._library, files, self._on_imported)
        self.last_import = outcome
        if outcome.imported:
            if self.gallery is not None:
                self.gallery.reload(outcome.imported[-1].id)
            self.personas_changed.emit(outcome.imported[-1].id)
            self._window.statusBar().showMessage(outcome.summary(), 10_000)
        report(self._window, outcome)
        return outcome
