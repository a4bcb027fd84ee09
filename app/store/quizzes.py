"""Quizzes the persona gives and how the learner did: a mixin of :class:`app.store.Store`.

A quiz row holds the topic pack it came from and the language it was asked in; each question row the pack's
answer key it asks (so grading is deterministic), the learner's answer and the grade. A quiz is *open* until
it is graded; a conversation has at most one open quiz that answers go to.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import StoreError
from app.store.schema import ConversationRow, QuizQuestionRow, QuizRow, now


@dataclass(frozen=True)
class QuizQuestion:
    position: int  # 1-based, as the learner numbers the answers
    key_index: int  # index into the topic pack's ``questions``
    question: str
    answer_key: str  # the correct answer, in the quiz's language
    learner_answer: str | None = None
    verdict: str | None = None  # "correct" | "partial" | "incorrect"
    correct: bool | None = None


@dataclass(frozen=True)
class Quiz:
    id: int
    conversation_id: int
    topic: str  # the topic pack's id
    language: str
    message_id: int | None
    score: float | None  # points (a partly right answer counts half); None while open
    total: int
    created_at: datetime
    graded_at: datetime | None
    questions: tuple[QuizQuestion, ...]

    @property
    def missed(self) -> tuple[QuizQuestion, ...]:
        """The questions not fully right: what the learner should review."""
        return tuple(q for q in self.questions if q.verdict is not None and q.verdict != "correct")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "topic": self.topic,
            "language": self.language,
            "score": self.score,
            "total": self.total,
            "created_at": self.created_at.isoformat(),
            "graded_at": self.graded_at.isoformat() if self.graded_at else None,
            "questions": [
                {"question": q.question, "answer_key": q.answer_key, "answer": q.learner_answer, "verdict": q.verdict}
                for q in self.questions
            ],
        }


@dataclass(frozen=True)
class Grade:
    """The learner's answer to one question and its grade, as :meth:`Quizzes.grade_quiz` stores it."""

    answer: str
    verdict: str
    correct: bool


class Quizzes:
    def _session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def add_quiz(
        self, conversation_id: int, topic: str, language: str, questions: Sequence[tuple[int, str, str]]
    ) -> Quiz:
        """A new open quiz; ``questions`` are ``(key_index, question, answer_key)`` in the order asked."""
        with self._session() as session:
            row = QuizRow(conversation_id=conversation_id, topic=topic, language=language, total=len(questions))
            session.add(row)
            session.flush()
            for position, (key_index, question, answer_key) in enumerate(questions, 1):
                session.add(
                    QuizQuestionRow(
                        quiz_id=row.id, position=position, key_index=key_index, question=question, answer_key=answer_key
                    )
                )
            session.flush()
            return _quiz(session, row)

    def set_quiz_message(self, quiz_id: int, message_id: int) -> None:
        """Remember the message that asked the quiz."""
        with self._session() as session:
            self._row(session, quiz_id).message_id = message_id

    def quiz(self, quiz_id: int) -> Quiz:
        with self._session() as session:
            return _quiz(session, self._row(session, quiz_id))

    def open_quiz(self, conversation_id: int) -> Quiz | None:
        """The conversation's newest quiz when it still waits for answers."""
        with self._session() as session:
            row = session.scalars(
                select(QuizRow).where(QuizRow.conversation_id == conversation_id).order_by(QuizRow.id.desc()).limit(1)
            ).first()
            return _quiz(session, row) if row is not None and row.graded_at is None else None

    def conversation_quizzes(self, conversation_id: int) -> list[Quiz]:
        """Every quiz of a conversation, open or graded, oldest first."""
        query = select(QuizRow).where(QuizRow.conversation_id == conversation_id).order_by(QuizRow.id)
        with self._session() as session:
            return [_quiz(session, row) for row in session.scalars(query)]

    def grade_quiz(self, quiz_id: int, grades: Sequence[Grade], score: float) -> Quiz:
        """Store the learner's answers with their grades (in question order) and close the quiz."""
        with self._session() as session:
            row = self._row(session, quiz_id)
            questions = _question_rows(session, quiz_id)
            if len(grades) != len(questions):
                raise StoreError(f"Quiz {quiz_id} has {len(questions)} questions, not {len(grades)}.")
            for question, grade in zip(questions, grades, strict=True):
                question.learner_answer, question.verdict, question.correct = grade.answer, grade.verdict, grade.correct
            row.score, row.graded_at = score, now()
            session.flush()
            return _quiz(session, row)

    def quizzes(self, topic: str | None = None) -> list[Quiz]:
        """Graded quizzes of conversations not deleted (on ``topic`` when given), oldest first."""
        query = (
            select(QuizRow)
            .join(ConversationRow, ConversationRow.id == QuizRow.conversation_id)
            .where(QuizRow.graded_at.is_not(None), ConversationRow.deleted_at.is_(None))
        )
        if topic is not None:
            query = query.where(QuizRow.topic == topic)
        with self._session() as session:
            return [_quiz(session, row) for row in session.scalars(query.order_by(QuizRow.graded_at, QuizRow.id))]

    @staticmethod
    def _row(session: Session, quiz_id: int) -> QuizRow:
        row = session.get(QuizRow, quiz_id)
        if row is None:
            raise StoreError(f"No quiz with id {quiz_id}.")
        return row


def _question_rows(session: Session, quiz_id: int) -> list[QuizQuestionRow]:
    query = select(QuizQuestionRow).where(QuizQuestionRow.quiz_id == quiz_id).order_by(QuizQuestionRow.position)
    return list(session.scalars(query))


def _question(q: QuizQuestionRow) -> QuizQuestion:
    correct = None if q.correct is None else bool(q.correct)
    return QuizQuestion(q.position, q.key_index, q.question, q.answer_key, q.learner_answer, q.verdict, correct)


def _quiz(session: Session, row: QuizRow) -> Quiz:
    questions = tuple(_question(q) for q in _question_rows(session, row.id))
    return Quiz(
        row.id, row.conversation_id, row.topic, row.language, row.message_id, row.score, row.total,
        row.created_at, row.graded_at, questions,
    )  # fmt: skip
