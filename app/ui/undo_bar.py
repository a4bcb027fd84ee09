"""A quiet "Deleted … Undo" notice in the status bar that goes away by itself, instead of an "are you sure?"."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

UNDO_SECONDS = 15


class UndoBar(QWidget):
    undo_requested = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.button = QPushButton(self.tr("Undo"))
        self.button.setAccessibleName(self.tr("Undo delete"))
        self.button.setToolTip(self.tr("Undo (Ctrl+Z)"))
        self.button.clicked.connect(self.undo_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)
        self.hide()

    def _expire(self) -> None:
        self.hide()
        self.expired.emit()

    def offer(self, message: str, seconds: int = UNDO_SECONDS) -> None:
        self.label.setText(message)
        self.show()
        self._timer.start(seconds * 1000)
