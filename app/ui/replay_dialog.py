"""Replay flagged replies from the app: every ▼ / ⚑ reply answered again on the loaded model, side by side with
the old one and both replies' badges, and whether the learner's complaint is now fixed.

The work runs on the chat worker (:class:`app.ui.chat_worker.ModelWorkQueue`), the one owner of the model; rows
arrive through the job's signals as each reply is done, and Stop sets the job's cancel flag directly.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.chat import ChatService
from app.feedback import FeedbackService
from app.feedback.replay import ReplayItem, ReplayReport, flagged, replay_flagged
from app.ui.badge_cells import badge_colour, badge_item
from app.ui.chat_worker import ModelWorkQueue
from app.ui.feedback_labels import reason_label
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.model_jobs import ModelJob
from app.ui.tables import read_only_table

COLUMNS = (
    QT_TRANSLATE_NOOP("ReplayDialog", "Question"),
    QT_TRANSLATE_NOOP("ReplayDialog", "Complaint"),
    QT_TRANSLATE_NOOP("ReplayDialog", "Flagged reply"),
    QT_TRANSLATE_NOOP("ReplayDialog", "Reply now"),
    QT_TRANSLATE_NOOP("ReplayDialog", "Persona"),
    QT_TRANSLATE_NOOP("ReplayDialog", "Accuracy"),
    QT_TRANSLATE_NOOP("ReplayDialog", "Result"),
)
OUTCOME_LABELS = {
    "fixed": QT_TRANSLATE_NOOP("ReplayDialog", "✔ fixed"),
    "still_bad": QT_TRANSLATE_NOOP("ReplayDialog", "? still bad"),
    "regressed": QT_TRANSLATE_NOOP("ReplayDialog", "✘ regressed"),
}
_OUTCOME_LOOK = {"fixed": "ok", "still_bad": "doubtful", "regressed": "off"}  # the badge colour each one takes
REPLY_COLUMN_PX = 260
_ANY = QT_TRANSLATE_NOOP("ReplayDialog", "All personas")


def _short(text: str, limit: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ReplayDialog(QDialog):
    """Replay the flagged replies of one persona (or all) and show each before and after."""

    open_requested = Signal(int, int)  # conversation id, message id

    def __init__(
        self,
        service: FeedbackService,
        queue: ModelWorkQueue,
        persona_names: dict[str, str],
        parent: QWidget | None = None,
        max_tokens: int | None = None,
        stay_in_character: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Replay flagged replies"))
        self.resize(1180, 560)
        self.service = service
        self.queue = queue
        self.persona_names = persona_names
        self.max_tokens = max_tokens  # None: each conversation's own setting
        self.items: list[ReplayItem] = []
        self.report: ReplayReport | None = None
        self.job: ModelJob | None = None
        self.persona = QComboBox()
        self.persona.setAccessibleName(self.tr("Persona filter"))
        self.persona.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.persona.currentIndexChanged.connect(self._persona_changed)
        self.flagged_label = QLabel()
        self.in_character = QCheckBox(self.tr("Stay in character"))
        self.in_character.setChecked(stay_in_character)  # the chat's setting (Conversation menu) by default
        self.in_character.setToolTip(
            self.tr("When a new reply comes out of character, write it once more and keep the more in-character one")
        )
        self.replay_button = QPushButton(self.tr("Replay"))
        self.replay_button.setDefault(True)
        self.replay_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Persona")))
        top.addWidget(self.persona)
        top.addWidget(self.flagged_label, 1)
        top.addWidget(self.in_character)
        top.addWidget(self.replay_button)
        top.addWidget(self.stop_button)
        self.table = self._table()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel(
            self.tr("Each flagged reply is answered again with the loaded model and the current card.")
        )
        self.status.setWordWrap(True)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.refresh()

    def _table(self) -> QTableWidget:
        table = read_only_table([self.tr(c) for c in COLUMNS])
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(0, 160)
        table.itemDoubleClicked.connect(self._open)
        return table

    @Slot()
    def refresh(self) -> None:
        """Offer the personas that have flagged replies; count what a replay would take."""
        chosen = self.persona.currentData()
        ids = sorted({i.conversation.persona_id for i in flagged(self.service)})
        self.persona.blockSignals(True)
        self.persona.clear()
        self.persona.addItem(self.tr(_ANY), None)
        for persona_id in ids:
            self.persona.addItem(self.persona_names.get(persona_id, persona_id), persona_id)
        self.persona.setCurrentIndex(max(self.persona.findData(chosen), 0))
        self.persona.blockSignals(False)
        self._persona_changed()

    def _persona_changed(self, *_args: object) -> None:
        count = len(flagged(self.service, self.persona.currentData()))
        self.flagged_label.setText(self.tr("{count} flagged replies").format(count=count))
        self._show()
        self._update_buttons(count)

    def _update_buttons(self, count: int | None = None) -> None:
        running = self.job is not None
        if count is None:
            count = len(flagged(self.service, self.persona.currentData()))
        self.replay_button.setEnabled(not running and count > 0)
        self.stop_button.setEnabled(running)
        self.persona.setEnabled(not running)
        self.in_character.setEnabled(not running)
        self.progress.setVisible(running)

    # Running

    @Slot()
    def start(self) -> ModelJob | None:
        """Replay the flagged replies of the chosen persona on the chat worker."""
        if self.job is not None:
            return None
        persona_id, max_tokens = self.persona.currentData(), self.max_tokens
        in_character = self.in_character.isChecked()
        self.items, self.report = [], None
        self._show()
        job = ModelJob(self)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self.job = job
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("Waiting for the model…"))
        self._update_buttons()

        def work(chat: ChatService, model_id: str, running: ModelJob) -> ReplayReport:
            def progress(done: int, total: int, item: ReplayItem | None) -> None:
                running.report((done, total, item))

            return replay_flagged(chat, model_id, persona_id, running.cancel, progress, max_tokens, in_character)

        return self.queue.submit(job, work)

    @Slot()
    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel.set()
            self.status.setText(self.tr("Stopping after the reply being written…"))

    @Slot(object)
    def _on_progress(self, value: Any) -> None:
        done, total, item = value
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("{done} of {total}").format(done=done, total=total))
        self.status.setText(self.tr("Replaying {done} of {total}…").format(done=min(done + 1, total), total=total))
        if item is not None:
            self.items.append(item)
            self._show()

    @Slot(object)
    def _on_done(self, report: ReplayReport) -> None:
        self.job, self.report = None, report
        self.items = list(report.items)
        self._show()
        s = report.summary()
        text = self.tr("{replayed} replayed: {fixed} fixed, {still_bad} still bad, {regressed} regressed").format(**s)
        if s["skipped"]:
            text += self.tr(" ({count} skipped: {first})").format(count=s["skipped"], first=report.skipped[0]["reason"])
        if s["cancelled"]:
            text += self.tr(" — stopped")
        self.status.setText(text)
        self._update_buttons()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.job = None
        self.status.setText(self.tr("Replay failed: {error}").format(error=error))
        self._update_buttons()

    # Showing

    def shown(self) -> list[ReplayItem]:
        persona_id = self.persona.currentData()
        return [i for i in self.items if persona_id in (None, i.persona_id)]

    def _show(self) -> None:
        rows = self.shown()
        self.table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            complaint = self.tr(", ").join(reason_label(r) for r in item.reasons) or self.tr("▼ bad")
            cells = [
                QTableWidgetItem(_short(item.question, 80)),
                QTableWidgetItem(complaint),
                QTableWidgetItem(_short(item.before_reply)),
                QTableWidgetItem(_short(item.after_reply)),
                badge_item(item.after["consistency"], item.before["consistency"]),
                badge_item(item.after["accuracy"], item.before["accuracy"]),
                self._outcome_item(item.outcome),
            ]
            cells[0].setToolTip(item.question)
            cells[2].setToolTip(item.before_reply)
            cells[3].setToolTip(item.after_reply)
            for column, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, row)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()

    def _outcome_item(self, outcome: str) -> QTableWidgetItem:
        label = OUTCOME_LABELS.get(outcome)
        item = QTableWidgetItem(self.tr(label) if label else outcome)
        colour = badge_colour(_OUTCOME_LOOK.get(outcome))
        if colour is not None:
            item.setForeground(colour)
        return item

    def _open(self, cell: QTableWidgetItem) -> None:
        rows = self.shown()
        row = cell.data(Qt.ItemDataRole.UserRole)
        if isinstance(row, int) and 0 <= row < len(rows):
            self.open_requested.emit(rows[row].conversation_id, rows[row].message_id)

    def closeEvent(self, event: Any) -> None:
        self.stop()  # a replay in progress stops with its window
        super().closeEvent(event)
