"""Learning in the main window: the lesson bar's goal and level, "Quiz me" (menu and button), the progress view.

A quiz runs through the chat view like any turn (``TurnRequest("quiz")``); while a quiz waits for answers,
the learner's next message is graded (the worker routes it to ``QuizService.answer``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence

from app.checker import resolve_topic
from app.quiz import MIN_QUESTIONS, quiz_items
from app.quiz_tree import waiting_quiz
from app.store import Conversation
from app.ui.progress_view import ProgressView

NUDGE_EVERY = 5  # after this many questions the tutor suggests a quiz: the lesson is at a natural end

if TYPE_CHECKING:
    from app.chat import TurnResult
    from app.ui.main_window import MainWindow


class LearningActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.progress_view: ProgressView | None = None
        bar = window.lesson_bar
        bar.lesson_edited.connect(self._save_lesson)
        bar.quiz_requested.connect(self.quiz)
        window.topic_box.currentTextChanged.connect(bar.set_topic)
        window.reply_displayed.connect(self._after_reply)
        self.quiz_action = QAction(self.tr("&Quiz me"), window, shortcut=QKeySequence("Ctrl+Shift+Q"))
        self.quiz_action.triggered.connect(self.quiz)
        self.progress_action = QAction(self.tr("Learning &progress…"), window, shortcut=QKeySequence("Ctrl+Shift+P"))
        self.progress_action.triggered.connect(self.show_progress)
        window.menus["Conversation"].addAction(self.quiz_action)
        window.menus["View"].addAction(self.progress_action)

    def show_conversation(self, conversation: Conversation | None) -> None:
        """The lesson bar shows the open conversation's goal and level; a new chat keeps the level, not the goal."""
        bar = self.window.lesson_bar
        if conversation is not None:
            bar.show_lesson(conversation.goal, conversation.level)
        else:
            bar.show_lesson("", bar.level())
        self._hint()

    def update_controls(self, ready: bool, busy: bool) -> None:
        self.window.lesson_bar.setEnabled(not busy)
        self.window.lesson_bar.quiz_button.setEnabled(ready and not busy)
        self.quiz_action.setEnabled(ready and not busy)

    @Slot(str, str)
    def _save_lesson(self, goal: str, level: str) -> None:
        conversation_id = self.window._conversation_id
        if conversation_id is None:
            return  # used when the chat starts
        self.window._store.set_lesson(conversation_id, goal, level)
        saved = self.tr("The tutor follows the new goal and level from the next reply.")
        self.window.statusBar().showMessage(saved, 8000)

    @Slot()
    def quiz(self) -> None:
        """Ask the tutor for a quiz on the chat's topic (a new chat starts when none is open)."""
        window = self.window
        if window.is_busy() or not window._model_id:
            return
        if window._conversation_id is not None and waiting_quiz(window._store, window._conversation_id) is not None:
            window.statusBar().showMessage(self.tr("Answer the quiz first: one message, numbered 1. 2. 3."), 8000)
            return
        text = self.tr("Quiz me!")
        window._start_turn(window.turn_request("quiz", text), shown_question=text)

    @Slot()
    def show_progress(self) -> None:
        if self.progress_view is None:
            self.progress_view = ProgressView(self.window._store, self.window._packs, self.window)
            self.progress_view.review_requested.connect(self.review)
        self.progress_view.refresh()
        self.progress_view.show()
        self.progress_view.raise_()
        self.progress_view.activateWindow()

    @Slot(str, str)
    def review(self, topic: str, goal: str) -> None:
        """A new chat on ``topic`` whose goal is to review the missed facts."""
        window = self.window
        if window.is_busy():
            return
        window.new_chat()
        window.topic_box.setEditText(topic)
        window.lesson_bar.show_lesson(goal, window.lesson_bar.level())
        if self.progress_view is not None:
            self.progress_view.hide()
        window.input.setFocus()

    @Slot(object)
    def _after_reply(self, result: TurnResult) -> None:
        self._hint()
        self._suggest_quiz(result.conversation_id)
        if self.progress_view is not None and self.progress_view.isVisible():
            self.progress_view.refresh()

    def _suggest_quiz(self, conversation_id: int) -> None:
        """Every few questions on a topic with a quiz, the status bar suggests one (the end of a lesson)."""
        store = self.window._store
        questions = sum(1 for m in store.messages(conversation_id) if m.role == "user")
        if not questions or questions % NUDGE_EVERY or waiting_quiz(store, conversation_id) is not None:
            return
        pack = resolve_topic(store.conversation(conversation_id).topic, self.window._packs)
        if pack is not None and len(quiz_items(pack, "en")) >= MIN_QUESTIONS:
            suggestion = self.tr("{count} questions so far: click “Quiz me” to check what you learned.")
            self.window.statusBar().showMessage(suggestion.format(count=questions), 15_000)

    def _hint(self) -> None:
        """While a quiz waits for answers, the message box says how to answer."""
        window = self.window
        waiting = window._conversation_id is not None and waiting_quiz(window._store, window._conversation_id)
        window.input.setPlaceholderText(
            self.tr("Answer the quiz in one message: 1. … 2. … 3. …")
            if waiting
            else self.tr("Ask your tutor… (Enter sends, Shift+Enter for a new line)")
        )
