"""The editor's "Tutor style" page: our ``data.extensions.persona_tutor`` rules (language, catchphrases, …).

Keys the form does not know (``version``, future ones) are kept, and a card that had no extension gets one
only when something is filled in: without it the checker derives the rules from the card text instead.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.language import QT_TRANSLATE_NOOP

LANGUAGES = (
    ("", QT_TRANSLATE_NOOP("StyleRulesForm", "Guess from the card")),
    ("zh", "中文 (zh)"),
    ("en", "English (en)"),
)


def as_int(value: Any) -> int:
    """A number from a card as an int for a spin box; anything unreadable is 0."""
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0


def split_list(text: str, separator: str = ",") -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class StyleRulesForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original: dict[str, Any] = {}
        self.language = QComboBox()
        self.language.setEditable(True)
        for code, label in LANGUAGES:
            self.language.addItem(self.tr(label), code)
        self.tagline = QLineEdit()
        self.tagline.setPlaceholderText(self.tr("One line shown under the name in the gallery"))
        self.catchphrases = QTableWidget(0, 2)
        self.catchphrases.setHorizontalHeaderLabels(
            [self.tr("Catchphrase or verbal tic"), self.tr("At least … per reply")]
        )
        header = self.catchphrases.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.catchphrases.verticalHeader().hide()
        self.catchphrases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.catchphrases.setMinimumHeight(90)
        self.catchphrases.setMaximumHeight(130)
        add = QPushButton(self.tr("Add"))
        add.clicked.connect(lambda: self.add_catchphrase("", 1))
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove_catchphrase)
        phrase_buttons = QHBoxLayout()
        phrase_buttons.addWidget(add)
        phrase_buttons.addWidget(remove)
        phrase_buttons.addStretch(1)
        phrases = QVBoxLayout()
        phrases.setContentsMargins(0, 0, 0, 0)
        phrases.addWidget(self.catchphrases)
        phrases.addLayout(phrase_buttons)
        self.forbidden = QPlainTextEdit()
        self.forbidden.setPlaceholderText(self.tr("One per line, e.g. as an AI"))
        self.register_words = QLineEdit()
        self.register_words.setPlaceholderText(self.tr("Comma-separated, e.g. playful, patient, first person"))
        self.approach = QPlainTextEdit()
        self.approach.setPlaceholderText(self.tr("How this tutor teaches (sent to the model)"))
        self.topics = QPlainTextEdit()
        self.topics.setPlaceholderText(self.tr("One topic per line"))
        self.may_step_out = QCheckBox(self.tr("May step out of role when the learner explicitly asks"))
        for box in (self.forbidden, self.approach, self.topics):
            box.setTabChangesFocus(True)
            box.setMaximumHeight(90)

        form = QFormLayout(self)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Tagline"), self.tagline)
        form.addRow(self.tr("Catchphrases"), phrases)
        form.addRow(self.tr("Never says"), self.forbidden)
        form.addRow(self.tr("Register / tone"), self.register_words)
        form.addRow(self.tr("Teaching approach"), self.approach)
        form.addRow(self.tr("Suggested topics"), self.topics)
        form.addRow("", self.may_step_out)

        self.language.currentTextChanged.connect(self.changed)
        self.catchphrases.itemChanged.connect(self.changed)
        self.may_step_out.toggled.connect(self.changed)
        for line in (self.tagline, self.register_words):
            line.textChanged.connect(self.changed)
        for box in (self.forbidden, self.approach, self.topics):
            box.textChanged.connect(self.changed)

    def add_catchphrase(self, text: str, minimum: int, original: dict[str, Any] | None = None) -> None:
        """A row; ``original`` is the card's object for it, whose other keys are kept."""
        row = self.catchphrases.rowCount()
        self.catchphrases.insertRow(row)
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, copy.deepcopy(original or {}))
        self.catchphrases.setItem(row, 0, item)
        spin = QSpinBox()
        spin.setRange(0, 20)
        spin.setValue(minimum)
        spin.valueChanged.connect(self.changed)
        self.catchphrases.setCellWidget(row, 1, spin)
        self.changed.emit()

    def _remove_catchphrase(self) -> None:
        row = self.catchphrases.currentRow()
        if row >= 0:
            self.catchphrases.removeRow(row)
            self.changed.emit()

    def load(self, tutor: dict[str, Any]) -> None:
        self._original = copy.deepcopy(tutor)
        code = str(tutor.get("language", ""))
        index = self.language.findData(code)
        if index >= 0:
            self.language.setCurrentIndex(index)
        else:
            self.language.setEditText(code)
        self.tagline.setText(str(tutor.get("tagline", "")))
        self.catchphrases.setRowCount(0)
        for phrase in tutor.get("catchphrases", []) or []:
            if isinstance(phrase, dict):
                self.add_catchphrase(str(phrase.get("text", "")), as_int(phrase.get("min_per_reply")), phrase)
        self.forbidden.setPlainText("\n".join(str(f) for f in tutor.get("forbidden_phrases", []) or []))
        self.register_words.setText(", ".join(str(w) for w in tutor.get("register", []) or []))
        self.approach.setPlainText(str(tutor.get("teaching_approach", "")))
        self.topics.setPlainText("\n".join(str(t) for t in tutor.get("suggested_topics", []) or []))
        self.may_step_out.setChecked(bool(tutor.get("may_step_out_of_role", False)))

    def language_code(self) -> str:
        data = self.language.currentData()
        text = self.language.currentText().strip()
        if data is not None and self.language.itemText(self.language.currentIndex()) == text:
            return str(data)
        return text

    def catchphrase_rows(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.catchphrases.rowCount()):
            item = self.catchphrases.item(row, 0)
            spin = self.catchphrases.cellWidget(row, 1)
            text = item.text().strip() if item else ""
            if text:
                original = item.data(Qt.ItemDataRole.UserRole) if item else None
                row_data = dict(original) if isinstance(original, dict) else {}
                row_data.update(text=text, min_per_reply=spin.value() if isinstance(spin, QSpinBox) else 0)
                rows.append(row_data)
        return rows

    def values(self) -> dict[str, Any]:
        """The extension as the card will store it: the original keys, updated; empty rules left out."""
        tutor = copy.deepcopy(self._original)
        fields: dict[str, Any] = {
            "language": self.language_code(),
            "tagline": self.tagline.text().strip(),
            "catchphrases": self.catchphrase_rows(),
            "forbidden_phrases": lines_of(self.forbidden.toPlainText()),
            "register": split_list(self.register_words.text()),
            "teaching_approach": self.approach.toPlainText().strip(),
            "suggested_topics": lines_of(self.topics.toPlainText()),
            "may_step_out_of_role": self.may_step_out.isChecked(),
        }
        for key, value in fields.items():
            if value or (key in self._original and key != "may_step_out_of_role"):
                tutor[key] = value
            elif key == "may_step_out_of_role" and key in self._original:
                tutor[key] = False
            else:
                tutor.pop(key, None)
        return tutor
