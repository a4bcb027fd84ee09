"""A quiz in the GUI's message tree (real model): regenerating the grading reply grades again and its Accuracy
badge says the grade comes from the answer key; editing the answers re-grades; ‹ › back makes the first answers'
score the quiz's again. Screenshot to look at: quiz-graded-badge-en.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.paths import AppPaths
from app.store import Store
from tests.ui.test_main_window import open_window, screenshot_dir

TURN_TIMEOUT_MS = 420_000  # one turn on a long prompt, on two shared cores under load


@pytest.mark.timeout(1500)
def test_regenerate_and_edit_redo_the_quiz_in_the_window(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=12, seed=5)
    window.topic_box.setEditText("Convolutional neural networks")
    with qtbot.waitSignal(window.reply_displayed, timeout=TURN_TIMEOUT_MS):
        qtbot.mouseClick(window.lesson_bar.quiz_button, Qt.MouseButton.LeftButton)
    conversation_id = window._conversation_id
    assert conversation_id is not None
    quiz = store.open_quiz(conversation_id)
    assert quiz is not None

    window.input.setPlainText("1. 池化取最大值，把特征图缩小\n2. 不知道\n3. 不知道\n4. 不知道")
    with qtbot.waitSignal(window.reply_displayed, timeout=TURN_TIMEOUT_MS):
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    first = store.quiz(quiz.id)
    assert first.score is not None and first.score < 4
    answer_id = store.messages(conversation_id)[-2].id

    with qtbot.waitSignal(window.reply_displayed, timeout=TURN_TIMEOUT_MS):
        window.regenerate()
    path = store.messages(conversation_id)
    assert store.versions(conversation_id, [path[-1].id])[path[-1].id] == (2, 2)
    assert store.quiz(quiz.id).score == first.score
    shown = window.chat_view.toPlainText()
    assert "Accuracy: graded by the answer key" in shown
    assert f"graded against the topic pack's answer key: {first.score:g}/4" in shown
    window.chat_view.verticalScrollBar().setValue(window.chat_view.verticalScrollBar().maximum())
    window.grab().save(str(screenshot_dir() / "quiz-graded-badge-en.png"))

    window.edit_message(answer_id)
    better = "\n".join(f"{q.position}. {q.answer_key}" for q in first.questions)
    window.input.setPlainText(better)
    with qtbot.waitSignal(window.reply_displayed, timeout=TURN_TIMEOUT_MS):
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert store.quiz(quiz.id).score == 4
    edited_id = store.messages(conversation_id)[-2].id
    assert edited_id != answer_id

    window._on_action("prev", edited_id)  # ‹ : back to the first answers
    assert store.messages(conversation_id)[-2].id == answer_id
    assert store.quiz(quiz.id).score == first.score
    window.close()
