"""Every piece of feedback given, filtered by persona, topic, reason, model and date; open one in its chat."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.feedback import RATINGS, REASONS, FeedbackFilter, FeedbackItem, FeedbackService
from app.ui.feedback_labels import rating_short, reason_label
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.locale_format import short_date_time

COLUMNS = (
    QT_TRANSLATE_NOOP("FeedbackBrowser", "When"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Persona"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Topic"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Model"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Thumb"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Reasons"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Ratings"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Better reply"),
    QT_TRANSLATE_NOOP("FeedbackBrowser", "Reply"),
)
MAX_COLUMN_PX = 170
_ANY = QT_TRANSLATE_NOOP("FeedbackBrowser", "All")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class FeedbackBrowser(QDialog):
    """A table of feedback, newest first; double-click or "Open in conversation" shows the reply in its chat."""

    open_requested = Signal(int, int)  # conversation id, message id
    export_requested = Signal()
    replay_requested = Signal()

    def __init__(self, service: FeedbackService, persona_names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Feedback"))
        self.resize(980, 520)
        self.service = service
        self.persona_names = persona_names
        self.items: list[FeedbackItem] = []
        self.persona = self._combo(self.tr("Persona"))
        self.topic = self._combo(self.tr("Topic"))
        self.reason = self._combo(self.tr("Reason"))
        self.model = self._combo(self.tr("Model"))
        self.since = self._date_edit(self.tr("From"))
        self.until = self._date_edit(self.tr("To"))
        self.show_deleted = QCheckBox(self.tr("Deleted chats too"))
        self.show_deleted.toggled.connect(self.refresh)
        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("Persona"), self.persona),
            (self.tr("Topic"), self.topic),
            (self.tr("Reason"), self.reason),
            (self.tr("Model"), self.model),
            (self.tr("From"), self.since),
            (self.tr("To"), self.until),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.show_deleted)
        filters.addStretch(1)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count_label = QLabel()
        self.open_button = QPushButton(self.tr("Open in conversation"))
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.export_requested)
        self.replay_button = QPushButton(self.tr("Replay flagged…"))
        self.replay_button.setToolTip(self.tr("Answer every flagged reply again with the loaded model and compare"))
        self.replay_button.clicked.connect(self.replay_requested)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.replay_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(self.tr("{name} filter").format(name=name))
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.addItem(self.tr(_ANY), None)
        combo.currentIndexChanged.connect(self._show)
        return combo

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setAccessibleName(self.tr("{name} date").format(name=name))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.dateChanged.connect(self._show)
        return edit

    @Slot()
    def refresh(self) -> None:
        """Reload from the database and offer the values present as filter choices."""
        self.items = self.service.items(FeedbackFilter(include_deleted=self.show_deleted.isChecked()))
        conversations = [i.conversation for i in self.items]
        self._fill(self.persona, sorted({c.persona_id for c in conversations}), self.persona_names)
        self._fill(self.topic, sorted({c.topic for c in conversations}))
        reasons = [r for r in REASONS if any(r in i.feedback.reasons for i in self.items)]
        self._fill(self.reason, reasons, {r: reason_label(r) for r in reasons})
        self._fill(self.model, sorted({c.model for c in conversations}))
        days = [i.feedback.created_at.date() for i in self.items] or [date.today()]
        for edit, day in ((self.since, min(days)), (self.until, max(max(days), date.today()))):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self._show()

    def _fill(self, combo: QComboBox, values: list[str], labels: dict[str, str] | None = None) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr(_ANY), None)
        for value in values:
            combo.addItem((labels or {}).get(value, value), value)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def current_filter(self) -> FeedbackFilter:
        return FeedbackFilter(
            persona_id=self.persona.currentData(),
            topic=self.topic.currentData(),
            reason=self.reason.currentData(),
            model=self.model.currentData(),
            since=_day(self.since.date()),
            until=_day(self.until.date()),
            include_deleted=self.show_deleted.isChecked(),
        )

    @Slot()
    def _show(self) -> None:
        where = self.current_filter()
        self.shown = [i for i in self.items if where.matches(i)]
        self.table.setRowCount(len(self.shown))
        for row, item in enumerate(self.shown):
            f, c = item.feedback, item.conversation
            cells = (
                short_date_time(f.created_at) + (self.tr(" (deleted)") if item.deleted else ""),
                self.persona_names.get(c.persona_id, c.persona_id),
                c.topic,
                c.model,
                {1: self.tr("▲ good"), -1: self.tr("▼ bad")}.get(f.thumbs or 0, ""),
                self.tr(", ").join(reason_label(r) for r in f.reasons),
                " · ".join(f"{rating_short(k)} {f.ratings[k]}" for k in RATINGS if k in f.ratings),
                _short(f.better_reply or "", 40),
                _short(item.reply.content),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, row)
                if column == len(cells) - 1:
                    cell.setToolTip(item.reply.content)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), MAX_COLUMN_PX))
        count = self.tr("{shown} of {total} shown")
        self.count_label.setText(count.format(shown=len(self.shown), total=len(self.items)))
        if self.shown:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> FeedbackItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        item = self.selected()
        self.open_button.setEnabled(item is not None and not item.deleted)

    @Slot()
    def open_selected(self) -> None:
        item = self.selected()
        if item is not None and not item.deleted:
            self.open_requested.emit(item.conversation.id, item.reply.id)
