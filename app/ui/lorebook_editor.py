"""The editor's "Lorebook" page: a table of ``character_book`` entries and a form for the selected one.

Each entry is edited in place in a copy of its original object, so fields the form does not show
(``extensions``, ``id``, ``comment``, ``priority``, …) survive a save.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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
from app.ui.style_rules_form import as_int, split_list

COLUMNS = (
    QT_TRANSLATE_NOOP("LorebookEditor", "On"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Keys"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Secondary"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Sel."),
    QT_TRANSLATE_NOOP("LorebookEditor", "Const."),
    QT_TRANSLATE_NOOP("LorebookEditor", "Order"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Position"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Content"),
)
COLUMN_TIPS = (
    QT_TRANSLATE_NOOP("LorebookEditor", "Enabled"),
    "",
    QT_TRANSLATE_NOOP("LorebookEditor", "Secondary keys"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Selective"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Constant (always inserted)"),
    QT_TRANSLATE_NOOP("LorebookEditor", "Insertion order"),
    "",
    "",
)
POSITIONS = ("after_char", "before_char")


def _tick(value: Any) -> str:
    return "✓" if value else ""


def new_entry(order: int) -> dict[str, Any]:
    return {
        "keys": [],
        "content": "",
        "extensions": {},
        "enabled": True,
        "insertion_order": order,
        "use_regex": False,
        "position": "after_char",
    }


class LorebookEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._book: dict[str, Any] | None = None
        self._entries: list[dict[str, Any]] = []
        self._loading = False

        self.scan_depth = QSpinBox()
        self.scan_depth.setRange(0, 100)
        self.scan_depth.setSpecialValueText(self.tr("default (2)"))
        self.token_budget = QSpinBox()
        self.token_budget.setRange(0, 100_000)
        self.token_budget.setSingleStep(64)
        self.token_budget.setSpecialValueText(self.tr("no limit"))
        book_row = QHBoxLayout()
        book_row.addWidget(QLabel(self.tr("Scan the last")))
        book_row.addWidget(self.scan_depth)
        book_row.addWidget(QLabel(self.tr("messages · token budget")))
        book_row.addWidget(self.token_budget)
        book_row.addStretch(1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column, tip in enumerate(COLUMN_TIPS):
            item = self.table.horizontalHeaderItem(column)
            if tip and item is not None:
                item.setToolTip(self.tr(tip))
        for column, width in ((1, 170), (2, 90)):  # long key lists are elided, not allowed to push the rest away
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_entry(row))

        add = QPushButton(self.tr("Add entry"))
        add.clicked.connect(self.add_entry)
        self.remove_button = QPushButton(self.tr("Remove entry"))
        self.remove_button.clicked.connect(self.remove_entry)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        self.keys = QLineEdit()
        self.keys.setPlaceholderText(self.tr("Comma-separated; /regex/ works too"))
        self.secondary = QLineEdit()
        self.secondary.setPlaceholderText(self.tr("Only used when Selective is on"))
        self.enabled = QCheckBox(self.tr("Enabled"))
        self.selective = QCheckBox(self.tr("Selective"))
        self.selective.setToolTip(self.tr("When it has secondary keys, one of them must appear too"))
        self.constant = QCheckBox(self.tr("Constant (always inserted)"))
        self.case_sensitive = QCheckBox(self.tr("Case-sensitive"))
        self.order = QSpinBox()
        self.order.setRange(-10_000, 10_000)
        self.position = QComboBox()
        self.position.addItems(POSITIONS)
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText(
            self.tr("Text inserted into the prompt when a key appears in the recent messages")
        )
        self.content.setTabChangesFocus(True)
        flags = QHBoxLayout()
        for box in (self.enabled, self.selective, self.constant, self.case_sensitive):
            flags.addWidget(box)
        flags.addStretch(1)
        placement = QHBoxLayout()
        placement.addWidget(QLabel(self.tr("Insertion order")))
        placement.addWidget(self.order)
        placement.addWidget(QLabel(self.tr("Position")))
        placement.addWidget(self.position)
        placement.addStretch(1)
        self.detail = QWidget()
        form = QFormLayout(self.detail)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Keys"), self.keys)
        form.addRow(self.tr("Secondary keys"), self.secondary)
        form.addRow("", flags)
        form.addRow("", placement)
        form.addRow(self.tr("Content"), self.content)

        layout = QVBoxLayout(self)
        layout.addLayout(book_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.detail, 1)

        for line in (self.keys, self.secondary):
            line.textEdited.connect(self._store_entry)
        for box in (self.enabled, self.selective, self.constant, self.case_sensitive):
            box.toggled.connect(self._store_entry)
        self.order.valueChanged.connect(self._store_entry)
        self.position.currentIndexChanged.connect(self._store_entry)
        self.content.textChanged.connect(self._store_entry)
        self.scan_depth.valueChanged.connect(self.changed)
        self.token_budget.valueChanged.connect(self.changed)
        self._show_entry(-1)

    def load(self, book: dict[str, Any] | None) -> None:
        self._book = copy.deepcopy(book)
        self._entries = [copy.deepcopy(e) for e in (book or {}).get("entries", []) if isinstance(e, dict)]
        self._loading = True
        self.scan_depth.setValue(as_int((book or {}).get("scan_depth")))
        self.token_budget.setValue(as_int((book or {}).get("token_budget")))
        self._loading = False
        self.table.setRowCount(0)
        for row in range(len(self._entries)):
            self.table.insertRow(row)
            self._fill_row(row)
        self.table.setCurrentCell(0 if self._entries else -1, 0)
        self._show_entry(self.table.currentRow())

    def entries(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(e) for e in self._entries]

    def book(self) -> dict[str, Any] | None:
        """The lorebook to store, or ``None`` when there was none and no entry was added."""
        if self._book is None and not self._entries:
            return None
        book = copy.deepcopy(self._book) if self._book is not None else {"extensions": {}}
        book["entries"] = self.entries()
        original = self._book or {}
        for key, spin in (("scan_depth", self.scan_depth), ("token_budget", self.token_budget)):
            if spin.value() == as_int(original.get(key)):
                continue  # untouched: keep what the card had (a null, a float, nothing)
            if spin.value():
                book[key] = spin.value()
            else:
                book.pop(key, None)
        return book

    def warnings(self) -> list[str]:
        """Entries that would never be used; saving is still allowed (cards in the wild have them)."""
        found = []
        for n, entry in enumerate(self._entries, start=1):
            if not entry.get("keys") and not entry.get("constant"):
                found.append(
                    self.tr("Lorebook entry {n} has no keys and is not constant, so it is never inserted.").format(n=n)
                )
            if not str(entry.get("content", "")).strip():
                found.append(self.tr("Lorebook entry {n} has no content, so it is never inserted.").format(n=n))
        return found

    def add_entry(self) -> None:
        order = max((as_int(e.get("insertion_order")) for e in self._entries), default=0) + 10
        self._entries.append(new_entry(order))
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._fill_row(row)
        self.table.setCurrentCell(row, 0)
        self.keys.setFocus()
        self.changed.emit()

    def remove_entry(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._entries):
            del self._entries[row]
            self.table.removeRow(row)
            self._show_entry(self.table.currentRow())
            self.changed.emit()

    def _fill_row(self, row: int) -> None:
        e = self._entries[row]
        first_line = str(e.get("content", "")).strip().split("\n", 1)[0]
        cells = (
            _tick(e.get("enabled", True)),
            ", ".join(e.get("keys", [])),
            ", ".join(e.get("secondary_keys", []) or []),
            _tick(e.get("selective")),
            _tick(e.get("constant")),
            str(e.get("insertion_order", 0)),
            str(e.get("position") or "after_char"),
            first_line[:120],
        )
        for column, text in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def _show_entry(self, row: int) -> None:
        valid = 0 <= row < len(self._entries)
        self.detail.setEnabled(valid)
        self.remove_button.setEnabled(valid)
        e = self._entries[row] if valid else new_entry(0)
        self._loading = True
        self.keys.setText(", ".join(e.get("keys", [])))
        self.secondary.setText(", ".join(e.get("secondary_keys", []) or []))
        self.enabled.setChecked(bool(e.get("enabled", True)))
        self.selective.setChecked(bool(e.get("selective")))
        self.constant.setChecked(bool(e.get("constant")))
        self.case_sensitive.setChecked(bool(e.get("case_sensitive")))
        self.order.setValue(as_int(e.get("insertion_order")))
        self.position.setCurrentIndex(max(0, POSITIONS.index(e["position"]) if e.get("position") in POSITIONS else 0))
        self.content.setPlainText(str(e.get("content", "")))
        self._loading = False

    def _store_entry(self, *_args: object) -> None:
        row = self.table.currentRow()
        if self._loading or not 0 <= row < len(self._entries):
            return
        e = self._entries[row]
        e["keys"] = split_list(self.keys.text())
        secondary = split_list(self.secondary.text())
        if secondary or "secondary_keys" in e:
            e["secondary_keys"] = secondary
        for key, box in (
            ("enabled", self.enabled),
            ("selective", self.selective),
            ("constant", self.constant),
            ("case_sensitive", self.case_sensitive),
        ):
            if box.isChecked() or key in e:
                e[key] = box.isChecked()
        e["insertion_order"] = self.order.value()
        e["position"] = self.position.currentText()
        e["content"] = self.content.toPlainText()
        self._fill_row(row)
        self.changed.emit()
