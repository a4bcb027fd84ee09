"""Learning in the GUI: the goal and level pickers, a quiz in the chat (real model, Chinese interface), the
progress view with "Review these"; screenshots to look at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.checker import load_packs
from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Grade, Store
from app.store.schema import QuizRow
from app.ui.language import install_translators
from app.ui.lesson_bar import LessonBar
from app.ui.main_window import MainWindow
from app.ui.progress_view import ProgressView
from tests.ui.test_main_window import open_window, screenshot_dir

# Two turns on a 750-token prompt: on two shared cores under load, one turn has taken five minutes.
QUIZ_TIMEOUT_MS = 420_000


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    assert install_translators("zh_CN")
    yield
    install_translators("en")  # the other tests read English


def _graded(store: Store, conversation_id: int, grades: list[str], when: datetime) -> None:
    asked = [(i, f"Q{i}", f"A{i}") for i in range(len(grades))]
    quiz = store.add_quiz(conversation_id, "cnn", "en", asked)
    answers = [Grade("x", verdict, verdict == "correct") for verdict in grades]
    store.grade_quiz(quiz.id, answers, sum({"correct": 1, "partial": 0.5}.get(v, 0) for v in grades))
    with store._session() as session:  # the quizzes were taken on different days
        row = session.get(QuizRow, quiz.id)
        assert row is not None
        row.graded_at = when


def test_the_level_picker_and_the_topic_goals(qtbot: QtBot) -> None:
    bar = LessonBar(load_packs())
    qtbot.addWidget(bar)
    bar.set_topic("Convolutional neural networks")
    goals = [bar.goal_box.itemText(i) for i in range(bar.goal_box.count())]
    assert goals[1] == "Know what pooling does and why" and len(goals) == 4
    assert [bar.level_box.itemData(i) for i in range(bar.level_box.count())] == [
        "",
        "beginner",
        "intermediate",
        "advanced",
    ]
    bar.show_lesson("My own goal", "advanced")  # showing a conversation's lesson is not an edit
    with qtbot.assertNotEmitted(bar.lesson_edited):
        bar.show_lesson("", "")
    with qtbot.waitSignal(bar.lesson_edited) as edited:
        bar.level_box.setCurrentIndex(1)
    assert edited.args == ["", "beginner"]
    with qtbot.waitSignal(bar.lesson_edited) as edited:
        bar.goal_box.setCurrentIndex(1)
        bar.goal_box.activated.emit(1)
    assert edited.args == ["Know what pooling does and why", "beginner"]
    bar.set_topic("Medieval poetry")  # no pack: no suggestions, the typed goal stays
    assert bar.goal_box.count() == 0 and bar.goal() == "Know what pooling does and why"


def test_the_progress_view_shows_scores_over_time_and_what_to_review(qtbot: QtBot, store: Store) -> None:
    cnn = store.create_conversation("xiaomiao", "Convolutional neural networks", "starter")
    store.create_conversation("xiaomiao", "binary search", "starter")
    _graded(store, cnn.id, ["incorrect", "partial", "correct", "incorrect"], datetime(2026, 11, 20, 9))
    _graded(store, cnn.id, ["correct", "partial", "correct", "incorrect"], datetime(2026, 11, 27, 9))
    view = ProgressView(store, load_packs())
    qtbot.addWidget(view)
    view.show()
    assert [view.topic_list.item(i).text() for i in range(view.topic_list.count())] == [
        "Convolutional neural networks  ·  2.5/4",
        "Binary search",
    ]
    assert view.chart.accessibleDescription() == "1.5/4, 2.5/4"
    assert [view.missed_list.item(i).text() for i in range(view.missed_list.count())] == [
        "• a CNN is trained by backpropagation and gradient descent on a loss",
        "• a kernel of learned weights slides over the input, multiplying and summing each patch into a feature map",
    ]
    view.grab().save(str(screenshot_dir() / "progress-view.png"))
    with qtbot.waitSignal(view.review_requested) as review:
        qtbot.mouseClick(view.review_button, Qt.MouseButton.LeftButton)
    assert review.args[0] == "Convolutional neural networks"
    assert review.args[1].startswith("Review: a CNN is trained by backpropagation")
    view.topic_list.setCurrentRow(1)  # studied, never quizzed
    assert not view.review_button.isEnabled() and view.chart.accessibleDescription() == ""


@pytest.mark.timeout(900)
def test_a_quiz_in_the_chat_in_chinese_then_progress_and_review(
    qtbot: QtBot, chinese: None, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=24, seed=11)
    window.topic_box.setEditText("卷积神经网络")
    window.lesson_bar.level_box.setCurrentIndex(1)  # beginner, chosen before the chat starts
    assert window.lesson_bar.goal_box.itemText(0) == "理解卷积如何把图像变成特征图"
    with qtbot.waitSignal(window.reply_displayed, timeout=QUIZ_TIMEOUT_MS):
        qtbot.mouseClick(window.lesson_bar.quiz_button, Qt.MouseButton.LeftButton)
        assert not window.lesson_bar.quiz_button.isEnabled()  # busy
    conversation = store.conversation(window._conversation_id)
    assert (conversation.topic, conversation.level) == ("卷积神经网络", "beginner")
    quiz = store.open_quiz(conversation.id)
    assert quiz is not None and quiz.language == "zh"
    shown = window.chat_view.toPlainText()
    assert "考考我吧！" in shown and "小测验" in shown
    assert all(q.question in shown for q in quiz.questions)
    assert window.input.placeholderText().startswith("在一条消息里回答小测验")
    window.grab().save(str(screenshot_dir() / "quiz-asked-zh.png"))

    window.input.setPlainText("1. 池化取最大值，把特征图缩小\n2. 反向传播和梯度下降，最小化损失\n3. 不知道\n4. 不知道")
    with qtbot.waitSignal(window.reply_displayed, timeout=QUIZ_TIMEOUT_MS):
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    graded = store.quizzes("cnn")[0]
    assert [q.verdict for q in graded.questions] == ["correct", "correct", "incorrect", "incorrect"]
    assert "得分: 2/4" in window.chat_view.toPlainText()
    window.chat_view.verticalScrollBar().setValue(window.chat_view.verticalScrollBar().maximum())
    window.grab().save(str(screenshot_dir() / "quiz-in-chat-zh.png"))

    # the level is editable for the open chat, and saved with it
    window.lesson_bar.level_box.setCurrentIndex(3)
    assert store.conversation(conversation.id).level == "advanced"

    window.learning.progress_action.trigger()
    view = window.learning.progress_view
    assert view is not None and view.topic_list.item(0).text() == "卷积神经网络  ·  2/4"
    assert view.missed_list.count() == 2
    view.grab().save(str(screenshot_dir() / "progress-view-zh.png"))
    qtbot.mouseClick(view.review_button, Qt.MouseButton.LeftButton)
    assert window._conversation_id is None  # a new chat, on the topic, with the missed facts as its goal
    assert window.topic_box.currentText() == "卷积神经网络"
    assert window.lesson_bar.goal().startswith("复习：同一个卷积核在所有位置共享")
    window.close()


def test_after_five_questions_on_a_topic_with_a_quiz_the_window_suggests_one(
    qtbot: QtBot, paths: AppPaths, store: Store
) -> None:
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))  # no model needed
    qtbot.addWidget(window)
    on_topic = store.create_conversation("xiaomiao", "Convolutional neural networks", "starter")
    off_topic = store.create_conversation("xiaomiao", "Medieval poetry", "starter")
    for n in range(5):
        for conversation in (off_topic, on_topic):
            store.add_message(conversation.id, "user", f"question {n}")
        window.learning._suggest_quiz(off_topic.id)
        assert window.statusBar().currentMessage() == ""  # no pack, no quiz
        window.learning._suggest_quiz(on_topic.id)
        if n < 4:
            assert window.statusBar().currentMessage() == ""
    assert window.statusBar().currentMessage() == "5 questions so far: click “Quiz me” to check what you learned."


def test_an_open_chat_shows_its_lesson_and_a_new_chat_keeps_only_the_level(
    qtbot: QtBot, paths: AppPaths, store: Store
) -> None:
    conversation = store.create_conversation("xiaomiao", "CNN", "starter", goal="理解池化", level="advanced")
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))  # opens the newest conversation
    qtbot.addWidget(window)
    assert (window.lesson_bar.goal(), window.lesson_bar.level()) == ("理解池化", "advanced")
    window.lesson_bar.level_box.setCurrentIndex(2)  # edited for the open chat: saved at once
    assert store.conversation(conversation.id).level == "intermediate"
    window.new_chat()
    assert (window.lesson_bar.goal(), window.lesson_bar.level()) == ("", "intermediate")
    window.lesson_bar.level_box.setCurrentIndex(1)  # a new chat: nothing to save yet
    assert store.conversation(conversation.id).level == "intermediate"
