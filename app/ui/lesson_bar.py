"""The row under the persona and topic: the learning goal and level of the chat, and the "Quiz me" button.

The goal is typed or picked from the topic pack's goals; the level shapes how the persona explains (see
``app.prompt_builder.Lesson``). For a new chat they are used when it starts; for an open chat, a change is
saved at once and the persona follows it from the next reply.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.checker import TopicPack, resolve_topic
from app.ui.language import QT_TRANSLATE_NOOP

LEVEL_LABELS = (
    ("", QT_TRANSLATE_NOOP("LessonBar", "Any level")),
    ("beginner", QT_TRANSLATE_NOOP("LessonBar", "Beginner")),
    ("intermediate", QT_TRANSLATE_NOOP("LessonBar", "Intermediate")),
    ("advanced", QT_TRANSLATE_NOOP("LessonBar", "Advanced")),
)


def content_language() -> str:
    """``zh`` when the interface is Chinese: topic pack text (goals, facts) is shown in that language."""
    code = QCoreApplication.translate("LessonBar", "en", "language code of topic pack text shown (en or zh)")
    return "zh" if code == "zh" else "en"


class LessonBar(QWidget):
    lesson_edited = Signal(str, str)  # goal, level: the learner changed them
    quiz_requested = Signal()

    def __init__(self, packs: Sequence[TopicPack], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._packs = packs
        self.goal_box = QComboBox()
        self.goal_box.setEditable(True)
        self.goal_box.setAccessibleName(self.tr("Learning goal"))
        # A pack's long goals must not widen the chat column: with the Facts panel open at 1024 px it would
        # squeeze the conversation list instead (the picked goal still shows whole in the open list).
        self.goal_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.goal_box.setMinimumContentsLength(12)
        line = self.goal_box.lineEdit()
        assert line is not None  # the box is editable
        line.setPlaceholderText(self.tr("Type a learning goal or pick one"))
        line.editingFinished.connect(self._edited)
        self.goal_box.activated.connect(self._edited)
        self.level_box = QComboBox()
        self.level_box.setAccessibleName(self.tr("Level"))
        for level, label in LEVEL_LABELS:
            self.level_box.addItem(QCoreApplication.translate("LessonBar", label), level)
        self.level_box.currentIndexChanged.connect(self._edited)
        self.quiz_button = QPushButton(self.tr("Quiz me"))
        self.quiz_button.setToolTip(self.tr("The tutor asks you 3–5 questions on the topic and grades your answers"))
        self.quiz_button.clicked.connect(self.quiz_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Goal")))
        layout.addWidget(self.goal_box, 3)
        layout.addWidget(QLabel(self.tr("Level")))
        layout.addWidget(self.level_box, 1)
        layout.addWidget(self.quiz_button)
        self._shown = ("", "")

    def set_packs(self, packs: Sequence[TopicPack]) -> None:
        """The topic packs changed (the learner saved or removed one)."""
        self._packs = packs

    def goal(self) -> str:
        return " ".join(self.goal_box.currentText().split())

    def level(self) -> str:
        return str(self.level_box.currentData() or "")

    @Slot(str)
    def set_topic(self, topic: str) -> None:
        """Offer the goals of the topic's pack (the typed goal stays)."""
        typed = self.goal_box.currentText()
        pack = resolve_topic(topic, self._packs) if topic.strip() else None
        language = content_language()
        self.goal_box.blockSignals(True)
        self.goal_box.clear()
        if pack is not None:
            self.goal_box.addItems([(zh or en) if language == "zh" else (en or zh) for en, zh in pack.goals])
        self.goal_box.setEditText(typed)
        self.goal_box.blockSignals(False)

    def show_lesson(self, goal: str, level: str) -> None:
        """Show a conversation's goal and level (no ``lesson_edited``)."""
        self.goal_box.blockSignals(True)
        self.level_box.blockSignals(True)
        self.goal_box.setEditText(goal)
        self.level_box.setCurrentIndex(max(self.level_box.findData(level), 0))
        self.goal_box.blockSignals(False)
        self.level_box.blockSignals(False)
        self._shown = (self.goal(), self.level())

    @Slot()
    def _edited(self, *_args: object) -> None:
        now = (self.goal(), self.level())
        if now != self._shown:
            self._shown = now
            self.lesson_edited.emit(*now)
