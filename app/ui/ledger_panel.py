"""View ▸ Facts: the open conversation's facts ledger beside the chat (:mod:`app.facts_ledger`).

One row per fact: its kind (checked while it is on: in the prompt and the checker), what it is about, the fact,
and the message it came from (click it, or press Go to message, to jump there). Subject and fact are edited in
place (F2 or a double click); edits, additions, deletions and the on/off switch go straight to the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PersonaTutorError
from app.store import LedgerFact, Store
from app.store.ledger import LEDGER_KINDS

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

KIND, SUBJECT, FACT, SOURCE = range(4)
DOCK_WIDTH = 340
_ID = Qt.ItemDataRole.UserRole


def kind_label(kind: str) -> str:
    """A kind as the panel shows it (the stored id stays English)."""
    labels = {
        "learner": QCoreApplication.translate("LedgerPanel", "Learner"),
        "correction": QCoreApplication.translate("LedgerPanel", "Correction"),
        "story": QCoreApplication.translate("LedgerPanel", "Story"),
    }
    return labels.get(kind, kind)


def subject_label(fact: LedgerFact) -> str:
    """What a fact is about, with the learner's fixed subjects (``name``, ``level``) in the interface language."""
    if fact.kind == "learner" and fact.subject == "name":
        return QCoreApplication.translate("LedgerPanel", "name")
    if fact.kind == "learner" and fact.subject == "level":
        return QCoreApplication.translate("LedgerPanel", "level")
    return fact.subject


class LedgerPanel(QWidget):
    """The facts of one conversation, editable; ``message_requested(conversation_id, message_id)`` asks the
    window to show a fact's source message."""

    message_requested = Signal(int, int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._conversation_id: int | None = None
        self._facts: list[LedgerFact] = []
        self.dock: QDockWidget | None = None  # the dock holding the panel in the main window
        self.toggle: QAction | None = None  # View ▸ Facts
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("Facts of this conversation"))
        self.table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("About"), self.tr("Fact"), self.tr("Source")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FACT, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellClicked.connect(self._on_cell_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.empty_label = QLabel(self.tr("No facts yet: names, levels, corrections and story facts appear here."))
        self.empty_label.setWordWrap(True)
        self.go_button = QPushButton(self.tr("&Go to message"))
        self.go_button.setAccessibleName(self.tr("Go to the message this fact came from"))
        self.go_button.clicked.connect(self.go_to_source)
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.delete_button.setAccessibleName(self.tr("Delete the selected fact"))
        self.delete_button.clicked.connect(self.delete_selected)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.go_button)
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.delete_button)

        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName(self.tr("Kind of the new fact"))
        for kind in LEDGER_KINDS:
            self.kind_box.addItem(kind_label(kind), kind)
        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText(self.tr("About (e.g. name)"))
        self.subject_edit.setAccessibleName(self.tr("What the new fact is about"))
        self.fact_edit = QLineEdit()
        self.fact_edit.setPlaceholderText(self.tr("Fact"))
        self.fact_edit.setAccessibleName(self.tr("The new fact"))
        self.fact_edit.returnPressed.connect(self.add_from_form)
        self.add_button = QPushButton(self.tr("&Add"))
        self.add_button.setAccessibleName(self.tr("Add the new fact"))
        self.add_button.clicked.connect(self.add_from_form)
        form = QGridLayout()  # two rows keep the dock narrow beside the chat
        form.addWidget(self.kind_box, 0, 0)
        form.addWidget(self.subject_edit, 0, 1)
        form.addWidget(self.fact_edit, 1, 0, 1, 2)
        form.addWidget(self.add_button, 1, 2)
        form.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(row_buttons)
        layout.addLayout(form)
        self.show_conversation(None)

    def show_conversation(self, conversation_id: int | None) -> None:
        """Show the facts of ``conversation_id`` (None: a chat not started yet, nothing to show or add)."""
        self._conversation_id = conversation_id
        self.refresh()

    def refresh(self) -> None:
        """Read the rows again (after a turn may have added some)."""
        self._facts = self._store.branch_ledger(self._conversation_id) if self._conversation_id is not None else []
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._facts))
        for row, fact in enumerate(self._facts):
            self._fill(row, fact)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self.empty_label.setVisible(not self._facts)
        for widget in (self.kind_box, self.subject_edit, self.fact_edit, self.add_button):
            widget.setEnabled(self._conversation_id is not None)
        self._update_buttons()

    def active_facts(self) -> list[LedgerFact]:
        """The rows switched on, as the checker reads them."""
        return [f for f in self._facts if f.active]

    def _fill(self, row: int, fact: LedgerFact) -> None:
        kind = QTableWidgetItem(kind_label(fact.kind))
        kind.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        kind.setCheckState(Qt.CheckState.Checked if fact.active else Qt.CheckState.Unchecked)
        kind.setToolTip(self.tr("Checked: the tutor keeps to this fact and the checker flags replies that break it"))
        kind.setData(_ID, fact.id)
        subject = QTableWidgetItem(subject_label(fact))
        if subject.text() != fact.subject:  # a fixed subject the checker and the prompt rely on
            subject.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        text = QTableWidgetItem(fact.text)
        source = QTableWidgetItem(f"#{fact.source_message_id}" if fact.source_message_id else self.tr("added"))
        source.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if fact.source_message_id:
            source.setToolTip(self.tr("Show the message this fact came from"))
            font = source.font()
            font.setUnderline(True)
            source.setFont(font)
        for column, item in enumerate((kind, subject, text, source)):
            if not fact.active:
                item.setForeground(self.palette().placeholderText())
            self.table.setItem(row, column, item)

    def _selected(self) -> LedgerFact | None:
        rows = self.table.selectionModel().selectedRows()
        return self._facts[rows[0].row()] if rows else None

    @Slot()
    def _update_buttons(self) -> None:
        fact = self._selected()
        self.delete_button.setEnabled(fact is not None)
        self.go_button.setEnabled(fact is not None and fact.source_message_id is not None)

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        fact = self._facts[item.row()]
        try:
            if item.column() == KIND:
                self._store.set_fact_active(fact.id, item.checkState() == Qt.CheckState.Checked)
            elif item.column() == SUBJECT:
                self._store.update_fact(fact.id, subject=item.text())
            elif item.column() == FACT and item.text().strip():
                self._store.update_fact(fact.id, text=item.text())
        except PersonaTutorError:
            pass  # the row went away meanwhile: the refresh below shows what is there
        self.refresh()

    @Slot(int, int)
    def _on_cell_clicked(self, row: int, column: int) -> None:
        if column == SOURCE:
            self.table.selectRow(row)
            self.go_to_source()

    @Slot()
    def go_to_source(self) -> None:
        fact = self._selected()
        if fact is not None and fact.source_message_id is not None:
            self.message_requested.emit(fact.conversation_id, fact.source_message_id)

    @Slot()
    def delete_selected(self) -> None:
        fact = self._selected()
        if fact is not None:
            self._store.delete_fact(fact.id)
            self.refresh()

    @Slot()
    def add_from_form(self) -> None:
        """Add the fact typed in the form below the table (the learner's own: marked edited)."""
        if self._conversation_id is None or not self.fact_edit.text().strip():
            return
        kind = str(self.kind_box.currentData())
        self._store.add_fact(self._conversation_id, kind, self.subject_edit.text(), self.fact_edit.text(), edited=True)
        self.subject_edit.clear()
        self.fact_edit.clear()
        self.refresh()


def _show_dock(window: MainWindow, panel: LedgerPanel, dock: QDockWidget, shown: bool) -> None:
    """Open or close the dock; opened, it takes its width from the chat rather than the conversation list
    (which the splitter would shrink), and the keyboard goes to its rows."""
    sidebar = window.splitter.sizes()[0]
    dock.setVisible(shown)
    if shown:
        window.resizeDocks([dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        sizes = window.splitter.sizes()
        window.splitter.setSizes([sidebar, sum(sizes) - sidebar])
        panel.table.setFocus()


def install_ledger_panel(window: MainWindow, store: Store, settings: QSettings) -> LedgerPanel:
    """The Facts dock on the right of the window, toggled from View ▸ Facts (Ctrl+Shift+L), remembered."""
    panel = LedgerPanel(store, window)
    dock = QDockWidget(QCoreApplication.translate("LedgerPanel", "Facts"), window)
    dock.setObjectName("facts-ledger")
    dock.setWidget(panel)
    dock.setAccessibleName(QCoreApplication.translate("LedgerPanel", "Facts ledger"))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.setVisible(settings.value("facts_panel", False, type=bool) is True)
    toggle = QAction(QCoreApplication.translate("LedgerPanel", "&Facts"), window)
    toggle.setCheckable(True)
    toggle.setChecked(dock.isVisibleTo(window))
    toggle.setShortcut(QKeySequence("Ctrl+Shift+L"))
    toggle.triggered.connect(lambda shown: _show_dock(window, panel, dock, shown))
    toggle.triggered.connect(lambda shown: settings.setValue("facts_panel", shown))  # the learner's choice only
    dock.toggleViewAction().toggled.connect(toggle.setChecked)  # closed with the dock's own button
    dock.toggleViewAction().triggered.connect(lambda shown: settings.setValue("facts_panel", shown))
    window.menus["View"].addAction(toggle)
    panel.message_requested.connect(window.open_message)
    window.reply_displayed.connect(lambda _result: panel.refresh())
    panel.dock = dock
    panel.toggle = toggle
    return panel
