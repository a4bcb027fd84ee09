"""A quiz in the chat, in character: the persona phrases it, the learner answers, the topic pack grades.

The question content comes from the pack (``app.quiz``) and is appended to the persona's message word for word,
so grading never depends on what the model wrote. The model is asked twice through :class:`ChatService` with
an instruction for that one reply: to introduce the quiz in its own voice, then to explain the learner's
mistakes given the correct facts. A graded quiz leaves a line in the learner memory for its topic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from app.chat import CHECKER_NAME, ChatService, TurnResult
from app.checker import CHECKER_VERSION, TopicPack, resolve_topic
from app.checker.accuracy import detect_packs
from app.checker.reasons import reason
from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.quiz import (
    MIN_QUESTIONS,
    QuizItem,
    answer_mistakes,
    grade,
    pick_questions,
    quiz_items,
    quiz_language,
    score_text,
    split_answers,
)
from app.quiz_tree import QuizTree, waiting_quiz
from app.store import Grade, Quiz

INTRO_TOKENS = 160  # the persona's introduction is a sentence or two: the questions follow it verbatim
_LANGUAGE_NAMES = {"zh": "Simplified Chinese", "en": "English"}
_MARKS = {"correct": "✓", "partial": "◐", "incorrect": "✗"}


class QuizService:
    """Quizzes in a conversation; use it on the thread that owns the chat service's backend."""

    def __init__(self, chat: ChatService, packs: Sequence[TopicPack] | None = None) -> None:
        self.chat = chat
        self.store = chat.store
        self.packs = tuple(packs) if packs is not None else chat.packs()
        self.tree = QuizTree(self.store, self.packs)

    def topic_pack(self, conversation_id: int) -> TopicPack | None:
        """The pack a quiz is on: the conversation's topic, or the latest question's when the learner switched."""
        conversation = self.store.conversation(conversation_id)
        quizzable = [p for p in self.packs if len(quiz_items(p, "en")) >= MIN_QUESTIONS]
        own = resolve_topic(conversation.topic, quizzable)
        questions = [m.content for m in self.store.messages(conversation_id) if m.role == "user"]
        asked = detect_packs(questions[-1], quizzable) if questions else []
        if asked and own not in asked:
            return asked[0]
        return own

    def start(
        self,
        conversation_id: int,
        request: str,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """The learner's ``request`` ("Quiz me!"), answered by the persona's introduction and the questions."""
        if self.waiting(conversation_id) is not None:
            raise PersonaTutorError("A quiz is already waiting for your answers.")
        pack = self.topic_pack(conversation_id)
        if pack is None:
            raise PersonaTutorError("There is no quiz for this topic: quizzes come from the topic packs' questions.")
        persona = self.chat.persona_of(self.store.conversation(conversation_id))
        questions = [m.content for m in self.store.messages(conversation_id) if m.role == "user"]
        language = quiz_language(questions[-1] if questions else "", persona.language)
        items = pick_questions(pack, language, self.store.quizzes(pack.id))
        instruction = self._intro_instruction(conversation_id, pack, items, language)
        short = replace(params, max_tokens=min(params.max_tokens, INTRO_TOKENS))
        result = self.chat.send(conversation_id, request, short, cancel, on_token, instruction)
        quiz = self.store.add_quiz(conversation_id, pack.id, language, [(i.index, i.question, i.answer) for i in items])
        self.store.set_quiz_message(quiz.id, result.message_id)
        return self._with_questions(result, items, language)

    def _intro_instruction(
        self, conversation_id: int, pack: TopicPack, items: Sequence[QuizItem], language: str
    ) -> str:
        persona = self.chat.persona_of(self.store.conversation(conversation_id))
        name = persona.nickname or persona.name
        return quiz_instruction(name, self.chat.user_name, pack.label(language), items, language)

    def _with_questions(self, result: TurnResult, items: Sequence[QuizItem], language: str) -> TurnResult:
        """The persona's introduction with the pack's questions after it, word for word."""
        text = f"{result.reply.rstrip()}\n\n{questions_block(items, language)}".lstrip()
        self.store.update_message(result.message_id, content=text)
        return replace(result, reply=text)

    def answer(
        self,
        conversation_id: int,
        text: str,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Grade the learner's answers (``text``, one message) to the open quiz; the persona explains mistakes."""
        quiz = self.waiting(conversation_id)
        if quiz is None:
            raise PersonaTutorError("There is no quiz waiting for answers.")
        return self._graded(
            quiz, text, lambda hint: self.chat.send(conversation_id, text, params, cancel, on_token, hint)
        )

    def waiting(self, conversation_id: int) -> Quiz | None:
        """The quiz the learner's next message answers: the one the active path's last message asks (a quiz
        asked on a branch the learner left waits there, and one graded on another branch can be answered anew)."""
        return waiting_quiz(self.store, conversation_id)

    def regenerate(
        self,
        conversation_id: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult | None:
        """Redo the last reply when it is a quiz's: its introduction is phrased anew (the same questions follow),
        its grading reply explains again (the answers graded again). None when it is an ordinary reply."""
        path = self.store.messages(conversation_id)
        found = self.tree.quiz_on(path)
        if found is None or found[1] not in (len(path) - 1, len(path) - 3):
            return None
        quiz, at = found
        if at == len(path) - 3:
            answer = path[-2].content
            return self._graded(
                quiz, answer, lambda hint: self.chat.regenerate(conversation_id, params, cancel, on_token, hint)
            )
        pack = self.tree.pack(quiz)
        items = self.tree.items(quiz, pack)
        instruction = self._intro_instruction(conversation_id, pack, items, quiz.language)
        short = replace(params, max_tokens=min(params.max_tokens, INTRO_TOKENS))
        result = self.chat.regenerate(conversation_id, short, cancel, on_token, instruction)
        self.store.set_quiz_message(quiz.id, result.message_id)
        return self._with_questions(result, items, quiz.language)

    def edit_answer(
        self,
        message_id: int,
        text: str,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult | None:
        """Edit a quiz's answers (message ``message_id``) to ``text``: graded again on the new branch, and the
        quiz's score is the new one. None when the message answers no quiz (an ordinary edit)."""
        path = self.store.path_to(message_id)
        found = self.tree.quiz_on(path)
        if found is None or found[1] != len(path) - 2:
            return None
        run = lambda hint: self.chat.edit_and_resend(message_id, text, params, cancel, on_token, hint)  # noqa: E731
        return self._graded(found[0], text, run)

    def _graded(self, quiz: Quiz, text: str, run: Callable[[str], TurnResult]) -> TurnResult:
        """Grade ``text`` as the answers to ``quiz``; ``run(instruction)`` has the persona explain (a new turn, a
        regenerated or an edited one); the grades follow its reply, which gets the grade as its Accuracy badge."""
        pack = self.tree.pack(quiz)
        items = self.tree.items(quiz, pack)
        grades, score = grade(items, split_answers(text, len(items)), pack)
        mistakes = [answer_mistakes(g.answer, pack, item.question) for g, item in zip(grades, items, strict=True)]
        persona = self.chat.persona_of(self.store.conversation(quiz.conversation_id))
        name = persona.nickname or persona.name
        instruction = feedback_instruction(name, self.chat.user_name, items, grades, score, quiz.language, mistakes)
        result = run(instruction)
        graded = self.store.grade_quiz(quiz.id, grades, score)
        reply = f"{result.reply.rstrip()}\n\n{results_block(graded)}".lstrip()
        self.store.update_message(result.message_id, content=reply)
        self.tree.remember(graded, pack, result.message_id)
        verdict = graded_verdict(result.verdict, graded, mistakes)
        if verdict is not None:
            self.store.add_verdict(result.message_id, CHECKER_NAME, CHECKER_VERSION, verdict)
        return replace(result, reply=reply, verdict=verdict)


def quiz_instruction(name: str, user: str, title: str, items: Sequence[QuizItem], language: str) -> str:
    """What the model is told for the quiz's introduction: the questions are listed by the app, not by it."""
    listed = "\n".join(f"{n}. {item.question}" for n, item in enumerate(items, 1))
    return (
        f"{name} now gives {user} a short quiz on {title}, in character, in {_LANGUAGE_NAMES[language]}. "
        f"Write only a short introduction of one or two sentences in {name}'s own voice that invites {user} to "
        "answer. Do not write the questions and do not answer them: the app lists them right after your "
        f"introduction:\n{listed}"
    )


def feedback_instruction(
    name: str,
    user: str,
    items: Sequence[QuizItem],
    grades: Sequence[Grade],
    score: float,
    language: str,
    mistakes: Sequence[Sequence[str]] = (),
) -> str:
    """What the model is told to explain: each answer with its final grade, what it got wrong (``mistakes``, the
    checker's reasons per answer, so the persona explains the actual error) and the pack's correct answer."""
    lines = []
    for n, (item, graded) in enumerate(zip(items, grades, strict=True), 1):
        said = {"correct": "correct", "partial": "partly right", "incorrect": "wrong"}[graded.verdict]
        answer = graded.answer or "(no answer)"
        wrong = mistakes[n - 1] if n <= len(mistakes) else ()
        why = f" ({'; '.join(wrong)})" if wrong else ""
        lines.append(
            f"{n}. {item.question}\n   {user}'s answer: {answer}\n   Grade: {said}{why}. Correct answer: {item.answer}"
        )
    return (
        f"{user} has answered the quiz. The app graded the answers against the lesson's facts; the grades are final. "
        f"Score: {score_text(score, len(items))}.\n" + "\n".join(lines) + "\n"
        f"In character and in {_LANGUAGE_NAMES[language]}, {name} reacts to the score in one sentence, then, for each "
        "answer that is wrong or partly right, explains the correct answer briefly in their own words. Use only "
        "the correct answers given here. The app shows the grades after your message."
    )


def questions_block(items: Sequence[QuizItem], language: str) -> str:
    """The quiz's questions as the persona's message shows them, with how to answer."""
    listed = "\n".join(f"{n}. {item.question}" for n, item in enumerate(items, 1))
    if language == "zh":
        return f"**小测验**\n\n{listed}\n\n（请在一条消息里按编号作答：1. … 2. …）"
    return f"**Quiz**\n\n{listed}\n\n(Answer in one message, numbered: 1. … 2. …)"


def results_block(quiz: Quiz) -> str:
    """The grades under the persona's explanation: the score, and each question with the correct answer."""
    heading = "得分" if quiz.language == "zh" else "Score"
    lines = [f"**{heading}: {score_text(quiz.score or 0.0, quiz.total)}**", ""]
    for q in quiz.questions:
        mark = _MARKS.get(q.verdict or "incorrect", "✗")
        lines.append(f"{q.position}. {mark} {q.question}" + ("" if q.verdict == "correct" else f" — {q.answer_key}"))
    return "\n".join(lines)


def graded_verdict(
    checked: dict[str, Any] | None, quiz: Quiz, mistakes: Sequence[Sequence[str]] = ()
) -> dict[str, Any] | None:
    """A grading reply's badges: the Persona badge as the checker gave it, and an Accuracy badge that comes
    from the grade, not from the checker's guess: the grades are the pack's answer keys applied to the learner's
    answers (``source`` "quiz"; its reasons name each graded answer, followed by what a wrong one got wrong,
    ``mistakes`` per question). None when the checker gave no verdict."""
    if checked is None:
        return None
    share = (quiz.score or 0.0) / quiz.total if quiz.total else 0.0
    marks = ", ".join(f"{q.position} {_MARKS.get(q.verdict or 'incorrect', '✗')}" for q in quiz.questions)
    score = score_text(quiz.score or 0.0, quiz.total)
    reasons: list[str] = [reason("quiz_graded", score=score, marks=marks)]
    for q in quiz.questions:
        verdict = q.verdict if q.verdict in _MARKS else "incorrect"
        key = {} if verdict == "correct" else {"key": q.answer_key}
        reasons.append(reason(f"quiz_answer_{verdict}", position=q.position, answer=q.learner_answer or "—", **key))
        if verdict == "incorrect" and q.position <= len(mistakes):
            reasons += mistakes[q.position - 1]
    accuracy = {
        "score": 1.0,
        "label": "ok",
        "source": "quiz",
        "reasons": reasons,
        "signals": [["quiz_score", round(share, 4), 0.0]],
    }
    return {**checked, "accuracy": accuracy}
