"""Quizzes in the message tree: which quiz a message asks or answers, and grades that follow the current branch.

A regenerated introduction is a version of the message that asked the quiz; an edited answer or a regenerated
grading reply grades the quiz again. Grading is deterministic (the pack's answer keys), so when the learner
switches versions (‹ ›) the quiz is graded again from the answers on the branch now shown, and its score and
learner-memory line are that branch's. Used by :class:`app.quiz_service.QuizService` and by the GUI after a switch.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.checker import TopicPack, resolve_topic
from app.errors import PersonaTutorError
from app.quiz import QuizItem, grade, memory_fact, split_answers
from app.store import Message, Quiz, Store


def waiting_quiz(store: Store, conversation_id: int) -> Quiz | None:
    """The quiz the learner's next message answers: one asked by the last message of the active path (a quiz asked
    on a branch the learner left waits there). Reads one message, so the GUI may ask on every change."""
    last = store.messages(conversation_id, limit=1)
    if not last:
        return None
    quizzes = store.conversation_quizzes(conversation_id)
    return next((q for q in reversed(quizzes) if last[-1].id in _asking_ids(store, q)), None)


def _asking_ids(store: Store, quiz: Quiz) -> set[int]:
    return {m.id for m in store.siblings(quiz.message_id)} if quiz.message_id is not None else set()


class QuizTree:
    """The quizzes of a store's conversations as they sit in the message tree, graded with ``packs``."""

    def __init__(self, store: Store, packs: Sequence[TopicPack]) -> None:
        self.store = store
        self.packs = tuple(packs)

    def follow_branch(self, conversation_id: int) -> Quiz | None:
        """After the learner switched versions (‹ ›): the quiz whose answers are on the active path is graded
        from those answers again, so its score (and its learner-memory line) is the current branch's. Grading
        is deterministic, so nothing changes when the answers are the ones graded. Returns the regraded quiz."""
        path = self.store.messages(conversation_id)
        found = self.quiz_on(path)
        if found is None or found[1] + 1 >= len(path) or path[found[1] + 1].role != "user":
            return None
        quiz, at = found
        pack = next((p for p in self.packs if p.id == quiz.topic), None)
        if pack is None:  # its pack was removed: the grades it had stand
            return None
        items = self.items(quiz, pack)
        grades, score = grade(items, split_answers(path[at + 1].content, len(items)), pack)
        if [q.learner_answer for q in quiz.questions] == [g.answer for g in grades] and quiz.score == score:
            return None
        graded = self.store.grade_quiz(quiz.id, grades, score)
        reply_id = path[at + 2].id if at + 2 < len(path) else None
        self.remember(graded, pack, reply_id)
        return graded

    def remember(self, quiz: Quiz, pack: TopicPack, reply_id: int | None) -> None:
        """The quiz's line in the learner memory, in place of the line an earlier grading of it left."""
        conversation = self.store.conversation(quiz.conversation_id)
        topic = conversation.topic if resolve_topic(conversation.topic, [pack]) is pack else pack.title
        asking = self.asking_ids(quiz)
        for memory in self.store.memories(topic):
            source = memory.source_message_id
            if source is not None and memory.fact.startswith(f"quiz {pack.id} ") and self._grades(source, asking):
                self.store.forget_memory(memory.id)
        self.store.add_memory(topic, memory_fact(pack, quiz), source_message_id=reply_id)

    def _grades(self, message_id: int, asking: set[int]) -> bool:
        """Message ``message_id`` is a reply to answers given to a quiz asked by one of the ``asking`` messages."""
        answer = self.store.message(message_id).parent_id
        return answer is not None and self.store.message(answer).parent_id in asking

    def quiz_on(self, path: Sequence[Message]) -> tuple[Quiz, int] | None:
        """The newest quiz asked on ``path`` (by any version of its asking message) and where that message is."""
        if not path:
            return None
        where = {m.id: i for i, m in enumerate(path)}
        for quiz in reversed(self.store.conversation_quizzes(path[0].conversation_id)):
            at = next((where[i] for i in self.asking_ids(quiz) if i in where), None)
            if at is not None:
                return quiz, at
        return None

    def asking_ids(self, quiz: Quiz) -> set[int]:
        """The versions of the message that asked ``quiz`` (a regenerated introduction asks the same quiz)."""
        return _asking_ids(self.store, quiz)

    def pack(self, quiz: Quiz) -> TopicPack:
        pack = next((p for p in self.packs if p.id == quiz.topic), None)
        if pack is None:
            raise PersonaTutorError(f"The topic pack {quiz.topic!r} of this quiz is gone.")
        return pack

    @staticmethod
    def items(quiz: Quiz, pack: TopicPack) -> list[QuizItem]:
        return [QuizItem(q.key_index, pack.questions[q.key_index], q.question, q.answer_key) for q in quiz.questions]
