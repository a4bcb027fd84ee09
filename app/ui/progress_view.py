"""The learner's progress: topics studied, quiz scores over time, the facts to review, and "Review these".

It reads ``app.progress`` (the same data as ``persona-tutor progress``); "Review these" asks the window for a
new chat on the topic whose goal is to go over the missed facts again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.checker import TopicPack
from app.progress import QuizScore, TopicProgress, progress, review_goal
from app.quiz import score_text
from app.store import Store
from app.ui.lesson_bar import content_language

_BAR_WIDTH = 34
_GOOD, _FAIR, _POOR = QColor("#3a9d5d"), QColor("#d99a26"), QColor("#c8553d")


class ScoreChart(QWidget):
    """One bar per quiz, oldest on the left: its height is the share of points, its label the score and date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(150)
        self._scores: tuple[QuizScore, ...] = ()

    def set_scores(self, scores: Sequence[QuizScore]) -> None:
        self._scores = tuple(scores)
        self.setAccessibleDescription(", ".join(score_text(s.score, s.total) for s in self._scores))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        line = painter.fontMetrics().height()
        top, bottom = line + 4, self.height() - line - 6
        painter.setPen(text)
        painter.drawLine(4, bottom, self.width() - 4, bottom)
        faint = QColor(text)
        faint.setAlpha(60)
        painter.setPen(faint)
        painter.drawLine(4, top, self.width() - 4, top)  # full marks
        painter.setPen(text)
        if not self._scores:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No quizzes on this topic yet"))
            return
        step = max(_BAR_WIDTH + 12, min(90, (self.width() - 16) // len(self._scores)))
        shown = self._scores[-max(1, (self.width() - 16) // step) :]
        for n, score in enumerate(shown):
            x = 12 + n * step
            height = max(2.0, (bottom - top) * score.share)
            color = _GOOD if score.share >= 0.8 else _FAIR if score.share >= 0.5 else _POOR
            painter.fillRect(QRectF(x, bottom - height, _BAR_WIDTH, height), color)
            label = QRectF(x - 16, bottom - height - line - 2, _BAR_WIDTH + 32, line)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, score_text(score.score, score.total))
            date = QRectF(x - 16, bottom + 3, _BAR_WIDTH + 32, line)
            painter.drawText(date, Qt.AlignmentFlag.AlignCenter, score.graded_at.strftime("%m-%d"))


class ProgressView(QDialog):
    """Topics on the left; the chosen topic's scores over time and facts to review on the right."""

    review_requested = Signal(str, str)  # topic title (the pack's), goal

    def __init__(self, store: Store, packs: Sequence[TopicPack], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Learning progress"))
        self.resize(760, 480)
        self._store = store
        self._packs = packs
        self._language = content_language()
        self._topics: list[TopicProgress] = []
        self.topic_list = QListWidget()
        self.topic_list.setAccessibleName(self.tr("Topics studied"))
        self.topic_list.currentRowChanged.connect(self._show_topic)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel()
        self.chart = ScoreChart()
        self.missed_list = QListWidget()
        self.missed_list.setWordWrap(True)
        self.missed_list.setSpacing(3)
        self.missed_list.setAccessibleName(self.tr("Facts to review"))
        self.review_button = QPushButton(self.tr("Review these"))
        self.review_button.setToolTip(self.tr("A new chat on this topic, with these facts as its goal"))
        self.review_button.clicked.connect(self._review)
        self.empty = QLabel(self.tr("No topics studied yet. Chat about a topic, then click “Quiz me”."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self._build()
        self.refresh()

    def _build(self) -> None:
        detail = QWidget()
        right = QVBoxLayout(detail)
        right.addWidget(self.heading)
        right.addWidget(self.summary)
        right.addWidget(QLabel(self.tr("Quiz scores over time")))
        right.addWidget(self.chart)
        right.addWidget(QLabel(self.tr("Facts to review")))
        right.addWidget(self.missed_list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.review_button)
        right.addLayout(row)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.topic_list)
        self.splitter.addWidget(detail)
        self.splitter.setSizes([240, 520])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)

    @Slot()
    def refresh(self) -> None:
        """Read the progress again (after a quiz) and keep the chosen topic."""
        chosen = self.current_topic()
        self._topics = progress(self._store, self._packs)
        self.topic_list.blockSignals(True)
        self.topic_list.clear()
        for topic in self._topics:
            latest = topic.quizzes[-1] if topic.quizzes else None
            score = f"  ·  {score_text(latest.score, latest.total)}" if latest else ""
            item = QListWidgetItem(topic.label(self._language) + score)
            item.setToolTip(
                self.tr("Latest quiz: {score}").format(score=score_text(latest.score, latest.total))
                if latest
                else self.tr("No quiz yet")
            )
            self.topic_list.addItem(item)
        self.topic_list.blockSignals(False)
        self.empty.setVisible(not self._topics)
        self.splitter.setVisible(bool(self._topics))
        ids = [t.topic for t in self._topics]
        self.topic_list.setCurrentRow(ids.index(chosen.topic) if chosen and chosen.topic in ids else 0)
        self._show_topic(self.topic_list.currentRow())

    def current_topic(self) -> TopicProgress | None:
        row = self.topic_list.currentRow()
        return self._topics[row] if 0 <= row < len(self._topics) else None

    @Slot(int)
    def _show_topic(self, _row: int) -> None:
        topic = self.current_topic()
        if topic is None:
            return
        self.heading.setText(topic.label(self._language))
        self.summary.setText(
            self.tr("Conversations: {conversations} · Quizzes: {quizzes}").format(
                conversations=topic.conversations, quizzes=len(topic.quizzes)
            )
        )
        self.chart.set_scores(topic.quizzes)
        self.missed_list.clear()
        for en, zh in topic.missed:
            self.missed_list.addItem("• " + ((zh or en) if self._language == "zh" else (en or zh)))
        if not topic.missed:
            self.missed_list.addItem(
                self.tr("Nothing to review: every question was answered right.")
                if topic.quizzes
                else self.tr("Take a quiz to see what to review.")
            )
        self.review_button.setEnabled(bool(topic.missed))

    @Slot()
    def _review(self) -> None:
        topic = self.current_topic()
        if topic is not None and topic.missed:
            self.review_requested.emit(topic.label(self._language), review_goal(topic.missed, self._language))
