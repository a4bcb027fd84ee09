"""What the learner has studied and how their quizzes went, per topic pack: the progress view and
``persona-tutor progress`` read it from here.

A topic counts as studied once a conversation is on it (its topic resolves to the pack) or a quiz was given
on it. The facts to review are the pack answers whose latest grade was not fully right: a fact missed once and
answered correctly later is learned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.checker import TopicPack, resolve_topic
from app.store import Quiz, Store


@dataclass(frozen=True)
class QuizScore:
    quiz_id: int
    conversation_id: int
    graded_at: datetime
    score: float
    total: int

    @property
    def share(self) -> float:
        return self.score / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "quiz_id": self.quiz_id,
            "conversation_id": self.conversation_id,
            "graded_at": self.graded_at.isoformat(),
            "score": self.score,
            "total": self.total,
        }


@dataclass(frozen=True)
class TopicProgress:
    topic: str  # the topic pack's id
    title: str
    title_zh: str
    conversations: int
    quizzes: tuple[QuizScore, ...]  # oldest first
    missed: tuple[tuple[str, str], ...]  # (English, Chinese) correct answers still to review

    def label(self, language: str) -> str:
        return self.title_zh if language == "zh" and self.title_zh else self.title

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "title": self.title,
            "title_zh": self.title_zh,
            "conversations": self.conversations,
            "quizzes": [q.to_json() for q in self.quizzes],
            "missed": [{"en": en, "zh": zh} for en, zh in self.missed],
        }


def progress(store: Store, packs: Sequence[TopicPack]) -> list[TopicProgress]:
    """Every studied topic, the most recently quizzed first, then by the number of conversations."""
    by_id = {p.id: p for p in packs}
    counts: dict[str, int] = {}
    resolved: dict[str, str | None] = {}
    for conversation in store.conversations():
        if conversation.topic not in resolved:
            pack = resolve_topic(conversation.topic, packs)
            resolved[conversation.topic] = pack.id if pack else None
        pack_id = resolved[conversation.topic]
        if pack_id:
            counts[pack_id] = counts.get(pack_id, 0) + 1
    quizzes: dict[str, list[Quiz]] = {}
    for quiz in store.quizzes():
        quizzes.setdefault(quiz.topic, []).append(quiz)
    topics = [by_id[t] for t in {**counts, **quizzes} if t in by_id]
    found = [_topic(pack, counts.get(pack.id, 0), quizzes.get(pack.id, [])) for pack in topics]
    return sorted(found, key=_recency, reverse=True)


def _recency(topic: TopicProgress) -> tuple[datetime, int]:
    return (topic.quizzes[-1].graded_at if topic.quizzes else datetime.min, topic.conversations)


def _topic(pack: TopicPack, conversations: int, quizzes: list[Quiz]) -> TopicProgress:
    latest: dict[int, str] = {}  # answer key -> its newest grade
    for quiz in quizzes:
        for question in quiz.questions:
            if question.verdict:
                latest[question.key_index] = question.verdict
    missed = tuple(
        (pack.questions[i].answer, pack.questions[i].answer_zh)
        for i, verdict in sorted(latest.items())
        if verdict != "correct" and i < len(pack.questions)
    )
    scores = tuple(
        QuizScore(q.id, q.conversation_id, q.graded_at, q.score or 0.0, q.total) for q in quizzes if q.graded_at
    )
    return TopicProgress(pack.id, pack.title, pack.title_zh, conversations, scores, missed)


def review_goal(missed: Sequence[tuple[str, str]], language: str) -> str:
    """The goal of a "review these" conversation: the facts to go over again, in ``language``."""
    facts = [(zh or en) if language == "zh" else (en or zh) for en, zh in missed]
    if language == "zh":
        return "复习：" + "；".join(facts)
    return "Review: " + "; ".join(facts)
