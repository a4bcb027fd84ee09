"""Conversation ▸ Topic packs…: the learner writes, edits and removes their own topic packs.

A pack is Markdown (``# Title (中文)``, ``keywords:``, ``## Facts``, ``## Misconceptions`` as ``claim => correction``,
``## Terms`` as ``en = zh``); any reference text works as facts, a sentence per line. Reading, checking and writing
the files is :mod:`app.topic_library`'s; this dialog only shows them. A pack that cannot be read is listed with the
reason, so it can be fixed here; the checker leaves it out meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.checker import TopicPackError
from app.checker.topic_pack import parse_markdown_pack
from app.topic_library import TEMPLATE, delete_pack, save_pack, user_packs

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class TopicPacksDialog(QDialog):
    """The learner's packs on the left, the selected one's Markdown on the right; ``changed`` after a save or a
    removal."""

    changed = Signal()

    def __init__(self, topics_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Topic packs"))
        self._dir = topics_dir
        self._path: Path | None = None  # the file being edited; None for a new pack
        self.packs = QListWidget()
        self.packs.setAccessibleName(self.tr("Your topic packs"))
        self.packs.currentItemChanged.connect(self._open)
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(self.tr("Topic pack text"))
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.textChanged.connect(self._validate)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        new = QPushButton(self.tr("&New pack"))
        new.clicked.connect(self.new_pack)
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.delete_button.clicked.connect(lambda: self.delete_current(confirm=True))
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.clicked.connect(self.save)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.packs)
        row = QHBoxLayout()
        row.addWidget(new)
        row.addWidget(self.delete_button)
        column.addLayout(row)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.editor)
        column.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([220, 560])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "The Accuracy badge checks replies against these packs, as it does against the built-in ones. "
                "They are files in {folder}."
            ).format(folder=str(topics_dir))
        )
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(hint)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(820, 520)
        self.reload()

    def reload(self, select: Path | None = None) -> None:
        """List the packs again, selecting ``select`` (or the first); a new pack when there is none."""
        self.packs.blockSignals(True)
        self.packs.clear()
        for item in user_packs(self._dir):
            if item.pack is not None:
                label = item.pack.title + (f" ({item.pack.title_zh})" if item.pack.title_zh else "")
            else:
                label = self.tr("⚠ {file} (cannot be read)").format(file=item.path.name)
            row = QListWidgetItem(label)
            row.setData(Qt.ItemDataRole.UserRole, str(item.path))
            row.setToolTip(item.problem or item.path.name)
            self.packs.addItem(row)
            if item.path == select:
                self.packs.setCurrentItem(row)
        self.packs.blockSignals(False)
        if self.packs.currentItem() is None and self.packs.count():
            self.packs.setCurrentRow(0)
        self._open(self.packs.currentItem())

    def _open(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is None:
            self.new_pack()
            return
        self._path = Path(item.data(Qt.ItemDataRole.UserRole))
        try:
            text = self._path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            text = ""
            self.status.setText(self.tr("Cannot read {file}: {error}").format(file=self._path.name, error=exc))
        self.editor.setPlainText(text)
        self.delete_button.setEnabled(True)

    def new_pack(self) -> None:
        """Start a new pack from the template."""
        self.packs.blockSignals(True)
        self.packs.setCurrentItem(None)
        self.packs.blockSignals(False)
        self._path = None
        self.editor.setPlainText(TEMPLATE.format(title=self.tr("New topic")))
        self.delete_button.setEnabled(False)
        self.editor.setFocus()

    def _validate(self) -> None:
        text = self.editor.toPlainText()
        if self._path is not None and self._path.suffix == ".json":
            self.status.setText(self.tr("A JSON pack is edited as a file; this view shows it as it is."))
            self.save_button.setEnabled(False)
            return
        try:
            pack = parse_markdown_pack(text, "topic")
        except TopicPackError as exc:
            self.status.setText(self.tr("Not a topic pack yet: {problem}").format(problem=exc))
            self.save_button.setEnabled(False)
            return
        self.status.setText(
            self.tr("{title}: {facts} facts, {misconceptions} misconceptions, {terms} terms").format(
                title=pack.title, facts=len(pack.facts), misconceptions=len(pack.misconceptions), terms=len(pack.terms)
            )
        )
        self.save_button.setEnabled(True)

    def save(self) -> bool:
        """Write the pack being edited; a problem is shown and nothing is changed."""
        try:
            path = save_pack(self._dir, self.editor.toPlainText(), self._path)
        except (TopicPackError, OSError) as exc:
            self.status.setText(self.tr("Not saved: {problem}").format(problem=exc))
            return False
        self.reload(select=path)
        self.status.setText(self.tr("Saved as {file}.").format(file=path.name))
        self.changed.emit()
        return True

    def delete_current(self, confirm: bool = True) -> None:
        if self._path is None:
            return
        if confirm:
            asked = QMessageBox.question(
                self, self.tr("Delete topic pack"), self.tr("Delete {file}?").format(file=self._path.name)
            )
            if asked != QMessageBox.StandardButton.Yes:
                return
        try:
            delete_pack(self._path)
        except OSError as exc:
            self.status.setText(self.tr("Not deleted: {problem}").format(problem=exc))
            return
        self.reload()
        self.changed.emit()


def install_topic_packs_menu(window: MainWindow) -> None:
    """Adds Conversation ▸ Topic packs… to the window's menu bar."""
    action = QAction(QCoreApplication.translate("TopicPacksDialog", "&Topic packs…"), window)
    action.triggered.connect(window.open_topic_packs)
    window.menus["Conversation"].addAction(action)
