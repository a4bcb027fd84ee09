"""The persona gallery: every persona as a card in a grid, with search, new chat, import/export, edit and delete.

File work goes through :class:`app.personas.PersonaLibrary`; the gallery only asks and shows. Cards can be
dropped on it (and on the main window) from a file manager, several at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import PersonaError
from app.personas import Persona, PersonaLibrary
from app.ui.avatars import add_sources, avatar_image
from app.ui.card_import import CardDropFilter, ImportOutcome, ask_for_card_files, import_cards, report
from app.ui.chat_worker import ModelWorkQueue
from app.ui.persona_batches import read_in_batches
from app.ui.persona_editor import PersonaEditor
from app.ui.persona_grid import CARD_SIZE, PERSONA_ROLE, PersonaCardDelegate, PersonaFilter, PersonaListModel

EXPORT_FILTERS = {
    "PNG card — the card inside its picture (*.png)": (".png", 3),
    "Character Card V3 JSON (*.json)": (".json", 3),
    "Character Card V2 JSON, for older apps (*.json)": (".json", 2),
    "CHARX archive (*.charx)": (".charx", 3),
}


class PersonaGallery(QDialog):
    """Browse, find and manage personas; "New chat with…" hands the chosen one to the main window."""

    new_chat_requested = Signal(str)  # persona id
    personas_changed = Signal(str)  # after an import, save or delete; the id to select ("" for none)

    def __init__(
        self,
        library: PersonaLibrary,
        parent: QWidget | None = None,
        model_work: ModelWorkQueue | None = None,
        on_imported: Callable[[Persona], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_imported = on_imported  # told of each card imported (see app.ui.card_import.import_cards)
        self._model_work = model_work  # the chat worker's queue, for the editor's "Test this persona"
        self.setWindowTitle(self.tr("Personas"))
        self.setObjectName("persona-gallery")
        self.resize(820, 600)
        self._library = library
        self.last_import: ImportOutcome | None = None
        self.editor: PersonaEditor | None = None
        self._wanted = ""  # the persona to select once its batch is read
        self._reading = False  # more card files to read (see reload)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name, tagline, tag or language…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search personas"))
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #666666")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)

        self.model = PersonaListModel()
        self.proxy = PersonaFilter()
        self.proxy.setSourceModel(self.model)
        self.view = QListView()
        self.view.setAccessibleName(self.tr("Personas"))
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setGridSize(CARD_SIZE)
        self.view.setSpacing(0)
        self.view.setWordWrap(True)
        self.view.setMouseTracking(True)
        self.delegate = PersonaCardDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.proxy)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(lambda _index: self.start_chat())  # double-click or Enter
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())

        self.chat_button = QPushButton(self.tr("New chat"))
        self.chat_button.setDefault(True)
        self.chat_button.clicked.connect(self.start_chat)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.new_button = QPushButton(self.tr("New persona…"))
        self.new_button.clicked.connect(self.create_persona)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.clicked.connect(lambda: self.import_files(ask_for_card_files(self)))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.export_selected)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        buttons = QHBoxLayout()
        for button in (self.new_button, self.import_button, self.export_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.duplicate_button, self.edit_button, self.chat_button):
            buttons.addWidget(button)
        hint = QLabel(self.tr("Drop PNG, JSON, CHARX or BYAF card files here to import them."))
        hint.setStyleSheet("color: #777777")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)

        self.search.textChanged.connect(self._on_search)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.search.setFocus())
        self.addAction(find)
        self.drops = CardDropFilter(self)
        self.drops.watch(self, self.view.viewport())
        self.drops.files_dropped.connect(self.import_files)
        self.reload()

    # Contents

    def reload(self, select: str = "") -> None:
        """Read the personas again (after an import, save or delete) and select ``select`` if given.

        The first batch is read now, the rest a batch per event-loop turn (see :func:`read_in_batches`): a
        thousand card files read the first time would hold up the window for a second."""
        self._wanted = select or self.selected_id()
        avatar_image.cache_clear()  # pictures may have changed
        self.delegate.forget()
        self.model.set_personas([])
        read_in_batches(self, self._library.each(), self._add_batch)

    def _add_batch(self, personas: list[Persona], done: bool) -> None:
        add_sources({p.id: p.avatar for p in personas})
        self._reading = not done
        self.model.append_personas(personas)
        self._update_count()
        found = bool(self._wanted) and self.model.row_of(self._wanted) >= 0
        if found or (done and self._wanted) or not self.view.currentIndex().isValid():
            self.select(self._wanted)  # the first persona until the wanted one is read
        if found or done:
            self._wanted = ""

    def select(self, persona_id: str) -> None:
        row = self.model.row_of(persona_id)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid():
            index = self.proxy.index(0, 0)
        if index.isValid():
            flag = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.view.selectionModel().setCurrentIndex(index, flag)
            self.view.scrollTo(index)
        self._update_buttons()

    def selected(self) -> Persona | None:
        persona = self.view.currentIndex().data(PERSONA_ROLE)
        return persona if isinstance(persona, Persona) else None

    def selected_id(self) -> str:
        persona = self.selected()
        return persona.id if persona else ""

    def visible_names(self) -> list[str]:
        return [str(self.proxy.index(row, 0).data()) for row in range(self.proxy.rowCount())]

    def _on_search(self, text: str) -> None:
        self.proxy.set_query(text)
        self._update_count()
        if not self.view.currentIndex().isValid() or not self.selected():
            self.select("")
        self._update_buttons()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if self._reading:  # more card files to read: the numbers are not final yet
            text = self.tr("{total} personas so far…") if shown == total else self.tr("{shown} of {total} so far…")
        else:
            text = self.tr("{total} personas") if shown == total else self.tr("{shown} of {total}")
        self.count_label.setText(text.format(shown=shown, total=total))

    def _update_buttons(self) -> None:
        persona = self.selected() if self.view.currentIndex().isValid() else None
        self.chat_button.setText(
            self.tr("New chat with {name}").format(name=persona.name) if persona else self.tr("New chat")
        )
        for button in (self.chat_button, self.edit_button, self.duplicate_button, self.export_button):
            button.setEnabled(persona is not None)
        self.edit_button.setText(self.tr("View…") if persona and persona.builtin else self.tr("Edit…"))
        self.delete_button.setEnabled(persona is not None and not persona.builtin)
        self.delete_button.setToolTip(
            self.tr("Built-in personas cannot be deleted") if persona and persona.builtin else ""
        )

    def _context_menu(self, pos: QPoint) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for button in (self.chat_button, self.edit_button, self.duplicate_button, self.export_button):
            menu.addAction(button.text(), button.click)
        delete = menu.addAction(self.tr("Delete"), self.delete_button.click)
        delete.setEnabled(self.delete_button.isEnabled())
        menu.popup(self.view.viewport().mapToGlobal(pos))

    # Actions

    def start_chat(self) -> None:
        persona = self.selected()
        if persona is not None:
            self.new_chat_requested.emit(persona.id)
            self.accept()

    def import_files(self, files: list[Path]) -> ImportOutcome:
        outcome = import_cards(self._library, files, self._on_imported)
        self.last_import = outcome
        if outcome.imported:
            self.reload(outcome.imported[-1].id)
            self.personas_changed.emit(outcome.imported[-1].id)
        report(self, outcome)
        return outcome

    def export_selected(self) -> None:
        persona = self.selected()
        if persona is None:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export persona"), f"{persona.id}.png", ";;".join(EXPORT_FILTERS), next(iter(EXPORT_FILTERS))
        )
        if name:
            suffix, version = EXPORT_FILTERS.get(chosen, (".png", 3))
            path = Path(name)
            self.export_to(persona.id, path if path.suffix else path.with_suffix(suffix), version)

    def export_to(self, persona_id: str, path: Path, json_version: int = 3) -> bool:
        try:
            self._library.export(persona_id, path, json_version=json_version)
        except PersonaError as exc:
            QMessageBox.warning(self, self.tr("Export persona"), str(exc))
            return False
        return True

    def delete_selected(self, confirm: bool = True) -> None:
        persona = self.selected()
        if persona is None or persona.builtin:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete persona"),
                self.tr("Delete {name}? Its card file is removed; conversations with it stay in the sidebar.").format(
                    name=persona.name
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self._library.delete(persona.id)
        except PersonaError as exc:
            QMessageBox.warning(self, self.tr("Delete persona"), str(exc))
            return
        self.reload()
        self.personas_changed.emit("")

    def duplicate_selected(self) -> None:
        persona = self.selected()
        if persona is None:
            return
        try:
            copy = self._library.duplicate(persona.id)
        except PersonaError as exc:
            QMessageBox.warning(self, self.tr("Duplicate persona"), str(exc))
            return
        self.reload(copy.id)
        self.personas_changed.emit(copy.id)

    def edit_selected(self) -> PersonaEditor | None:
        persona = self.selected()
        return self._open_editor(persona) if persona else None

    def create_persona(self) -> PersonaEditor:
        return self._open_editor(None)

    def _open_editor(self, persona: Persona | None) -> PersonaEditor:
        self.editor = PersonaEditor(self._library, persona, self, self._model_work)
        self.editor.saved.connect(self._on_saved)
        self.editor.open()
        return self.editor

    def _on_saved(self, persona_id: str) -> None:
        self.reload(persona_id)
        self.personas_changed.emit(persona_id)
