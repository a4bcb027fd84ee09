"""Quizzes from the topic packs: which questions to ask, how to read the learner's answers, how to grade them.

Everything here is deterministic and needs no model: the questions are the packs' answer keys that carry quiz
wording (``quiz_en``/``quiz_zh``), and an answer is graded with the same matchers the reply checker uses
(``app.checker.answer_key``): it must cover the key's concept groups, and must not state one of the pack's
misconceptions, flip one of its key facts or give a step to the wrong agent (its relations): the errors the
Accuracy badge finds, with the badge's reasons (:func:`answer_mistakes`). The persona only *phrases* the quiz
and the explanations (``app.quiz_service``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.checker.accuracy import stated_errors
from app.checker.answer_key import key_coverage
from app.checker.reasons import Reason
from app.checker.text import is_cjk_text
from app.checker.topic_pack import QuestionKey, TopicPack
from app.store import Grade, Quiz

MIN_QUESTIONS = 3
MAX_QUESTIONS = 5
PARTIAL_POINTS = 0.5  # a partly right answer (some of the key's concepts) counts half

# "1. …", "2) …", "3、…" at the start of a line or after a space or punctuation; "(4) …", "第5题：…" anywhere.
_NUMBERED = re.compile(
    r"[(（]\s*([1-9])\s*[)）]|第\s*([1-9一二三四五])\s*题\s*[.、:：]?"
    r"|(?:^|(?<=[\s;；,，。.!！?？]))([1-9])\s*[.)）、:：]"
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


@dataclass(frozen=True)
class QuizItem:
    """One question a quiz asks: the pack's answer key (``index`` into ``pack.questions``) in one language."""

    index: int
    key: QuestionKey
    question: str
    answer: str  # the correct answer, as the pack states it


def quiz_items(pack: TopicPack, language: str) -> list[QuizItem]:
    """Every answer key of ``pack`` that has quiz wording, in ``language`` ("zh" or "en")."""
    items = []
    for index, key in enumerate(pack.questions):
        question = (key.quiz_zh or key.quiz) if language == "zh" else (key.quiz or key.quiz_zh)
        answer = (key.answer_zh or key.answer) if language == "zh" else (key.answer or key.answer_zh)
        if question and answer:
            items.append(QuizItem(index, key, question, answer))
    return items


def pick_questions(pack: TopicPack, language: str, earlier: Sequence[Quiz] = ()) -> list[QuizItem]:
    """3–5 questions of ``pack``: the ones the learner missed last time first, then those asked least often.

    Returns [] when the pack has fewer than three quiz items (no quiz for that topic).
    """
    items = quiz_items(pack, language)
    if len(items) < MIN_QUESTIONS:
        return []
    asked: dict[int, int] = {}
    last_verdict: dict[int, str] = {}
    for quiz in earlier:
        for question in quiz.questions:
            asked[question.key_index] = asked.get(question.key_index, 0) + 1
            if question.verdict:
                last_verdict[question.key_index] = question.verdict
    ranked = sorted(
        items, key=lambda i: (last_verdict.get(i.index) in (None, "correct"), asked.get(i.index, 0), i.index)
    )
    chosen = {i.index for i in ranked[:MAX_QUESTIONS]}
    return [i for i in items if i.index in chosen]  # in the pack's order: it builds up from the basics


def quiz_language(text: str, fallback: str) -> str:
    """``zh`` when ``text`` (the learner's last words) is mostly Chinese, ``en`` when it has Latin words, else
    ``fallback`` (the persona's language)."""
    if not text.strip():
        return fallback
    return "zh" if is_cjk_text(text) else "en"


def split_answers(text: str, count: int) -> list[str]:
    """The learner's answers to ``count`` questions from one message: numbered ("1. … 2. …", "（3）…",
    "第4题：…"), else one per line (or per ";"), in order. Missing answers are ""."""
    marks = [(m.start(), m.end(), _number(m)) for m in _NUMBERED.finditer(text)]
    marks = [m for m in marks if 1 <= m[2] <= count]
    if marks and marks[0][2] == 1:
        answers = [""] * count
        for (_start, end, number), following in zip(marks, [*marks[1:], None], strict=True):
            stop = following[0] if following else len(text)
            if not answers[number - 1]:
                answers[number - 1] = text[end:stop].strip()
        return answers
    parts = [line.strip() for line in text.splitlines() if line.strip()]
    if len(parts) < count:
        parts = [p.strip() for p in re.split(r"[;；]|\n", text) if p.strip()]
    return (parts + [""] * count)[:count]


def _number(match: re.Match[str]) -> int:
    raw = next(g for g in match.groups() if g)
    return _CHINESE_DIGITS.get(raw) or int(raw)


def answer_mistakes(answer: str, pack: TopicPack, question: str | None = None) -> list[Reason]:
    """What the answer to ``question`` gets wrong against ``pack`` (a misconception, a key fact flipped, a step
    given to the wrong agent), as the reasons the Accuracy badge gives for the same words; [] when it states
    nothing wrong. An answer that does not name the question's subject speaks of it, as in a reply."""
    return [why for _signal, why in stated_errors(answer, [pack], question)]


def grade_answer(answer: str, key: QuestionKey, pack: TopicPack, question: str | None = None) -> str:
    """``correct`` when the answer covers every concept of the key, ``partial`` for some, else ``incorrect``;
    an answer with one of :func:`answer_mistakes` is ``incorrect``."""
    if not answer.strip():
        return "incorrect"
    if answer_mistakes(answer, pack, question):
        return "incorrect"
    coverage, _missing = key_coverage(answer, key)
    if coverage >= 1:
        return "correct"
    return "partial" if coverage > 0 else "incorrect"


def grade(items: Sequence[QuizItem], answers: Sequence[str], pack: TopicPack) -> tuple[list[Grade], float]:
    """Each answer graded against its item's key, and the score (a partly right answer counts half)."""
    grades = []
    for item, answer in zip(items, answers, strict=True):
        verdict = grade_answer(answer, item.key, pack, item.question)
        grades.append(Grade(answer, verdict, verdict == "correct"))
    return grades, points(grades)


def points(grades: Sequence[Grade]) -> float:
    return sum(1.0 if g.verdict == "correct" else PARTIAL_POINTS if g.verdict == "partial" else 0.0 for g in grades)


def score_text(score: float, total: int) -> str:
    """``3/5``, ``2.5/4``."""
    return f"{score:g}/{total}"


def memory_fact(pack: TopicPack, quiz: Quiz) -> str:
    """The learner-memory line a graded quiz leaves: ``quiz cnn 2.5/4; missed: <correct answers>``."""
    line = f"quiz {pack.id} {score_text(quiz.score or 0.0, quiz.total)}"
    missed = [q.answer_key for q in quiz.missed]
    return line + (f"; missed: {'; '.join(missed)}" if missed else "; all correct")
