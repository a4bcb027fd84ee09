"""Migration 0007_learning and the quiz tables: goal and level per conversation, quizzes graded per question."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.errors import StoreError
from app.store import Grade, Store
from tests.core.store.test_migrations import FIXTURE_V0001


def test_the_first_release_database_gets_goal_level_and_quiz_tables(tmp_path: Path) -> None:
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    store = Store(path)
    try:
        old = store.conversation(1)
        assert (old.goal, old.level) == ("", "")
        assert store.open_quiz(1) is None
        store.set_lesson(1, "理解池化", "beginner")
        assert (store.conversation(1).goal, store.conversation(1).level) == ("理解池化", "beginner")
    finally:
        store.close()
    con = sqlite3.connect(path)
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = [row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    finally:
        con.close()
    assert {"quizzes", "quiz_questions"} <= tables
    assert "0007_learning" in applied


def test_a_quiz_is_open_until_graded_and_then_lists_what_was_missed(store: Store) -> None:
    conversation = store.create_conversation("xiaomiao", "CNN", "starter", goal="池化", level="advanced")
    assert (conversation.goal, conversation.level) == ("池化", "advanced")
    asked = [(0, "池化做什么？", "缩小特征图"), (2, "为什么参数少？", "共享")]
    quiz = store.add_quiz(conversation.id, "cnn", "zh", asked)
    assert [(q.position, q.key_index, q.learner_answer) for q in quiz.questions] == [(1, 0, None), (2, 2, None)]
    assert store.open_quiz(conversation.id) == quiz
    assert store.quizzes() == []  # only graded quizzes count as progress
    with pytest.raises(StoreError, match="2 questions, not 1"):
        store.grade_quiz(quiz.id, [Grade("a", "correct", True)], 1)
    graded = store.grade_quiz(quiz.id, [Grade("缩小", "partial", False), Grade("共享，少", "correct", True)], 1.5)
    assert store.open_quiz(conversation.id) is None
    assert (graded.score, graded.total, graded.graded_at is not None) == (1.5, 2, True)
    assert [(q.learner_answer, q.verdict, q.correct) for q in graded.questions] == [
        ("缩小", "partial", False),
        ("共享，少", "correct", True),
    ]
    assert [q.question for q in graded.missed] == ["池化做什么？"]
    assert store.quizzes("cnn") == [graded]
    assert store.quizzes("rnn") == []
    store.delete_conversation(conversation.id)
    assert store.quizzes() == []  # a deleted conversation's quizzes leave the progress with it


def test_the_quiz_remembers_the_message_that_asked_it(store: Store) -> None:
    conversation = store.create_conversation("xiaomiao", "CNN", "starter")
    message = store.add_message(conversation.id, "assistant", "小测验")
    quiz = store.add_quiz(conversation.id, "cnn", "zh", [(0, "q", "a")] * 3)
    store.set_quiz_message(quiz.id, message.id)
    assert store.quiz(quiz.id).message_id == message.id
    with pytest.raises(StoreError, match="No quiz"):
        store.quiz(quiz.id + 1)
