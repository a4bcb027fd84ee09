"""A quiz in a real conversation on the real starter model: the persona phrases it, the pack grades it,
the learner memory and the progress remember it. Asserts structure, never the model's wording."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat import ChatService
from app.checker import load_packs
from app.engine import LlamaEngine, SamplingParams
from app.errors import PersonaTutorError
from app.personas import PersonaLibrary
from app.progress import progress, review_goal
from app.quiz import answer_mistakes
from app.quiz_service import QuizService
from app.quiz_tree import QuizTree, waiting_quiz
from app.store import Quiz, Store

SHORT = SamplingParams(max_tokens=24, seed=3)


@pytest.fixture
def service(tmp_path: Path, engine: LlamaEngine) -> Iterator[ChatService]:
    store = Store(tmp_path / "quiz.db")
    yield ChatService(store, PersonaLibrary(), engine)
    store.close()


def test_a_quiz_in_character_graded_against_the_pack(service: ChatService) -> None:
    store = service.store
    conversation = service.start("xiaomiao", "Convolutional neural networks", "starter", level="beginner")
    quizzes = QuizService(service)
    streamed: list[str] = []
    asked = quizzes.start(conversation.id, "考考我吧！", SHORT, threading.Event(), streamed.append)
    quiz = store.open_quiz(conversation.id)
    assert quiz is not None and (quiz.topic, quiz.language, quiz.total) == ("cnn", "zh", 4)
    assert quiz.message_id == asked.message_id
    message = store.message(asked.message_id)
    assert message.content == asked.reply
    # the model's own introduction first (streamed), then the pack's questions word for word
    intro, _, listed = asked.reply.partition("**小测验**")
    assert intro.strip() and "".join(streamed).strip() == intro.strip()
    assert [line for line in listed.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")] == [
        f"{q.position}. {q.question}" for q in quiz.questions
    ]
    assert [m.role for m in store.messages(conversation.id)][-2:] == ["user", "assistant"]
    with pytest.raises(PersonaTutorError, match="already waiting"):
        quizzes.start(conversation.id, "再考一次", SHORT, threading.Event())

    answers = (
        "1. 池化取每个窗口的最大值，把特征图缩小\n2. 用反向传播\n3. 池化会放大特征图\n4. 卷积核在输入上滑动，相乘再求和"
    )
    graded = quizzes.answer(conversation.id, answers, SHORT, threading.Event())
    quiz = store.quizzes("cnn")[0]
    assert [q.verdict for q in quiz.questions] == ["correct", "partial", "incorrect", "correct"]
    assert quiz.score == 2.5 and store.open_quiz(conversation.id) is None
    assert "**得分: 2.5/4**" in graded.reply
    # the grading badge says what the wrong answer got wrong, with the reason a reply's Accuracy badge gives
    enlarges = answer_mistakes("池化会放大特征图", next(p for p in load_packs() if p.id == "cnn"))
    assert graded.verdict is not None and enlarges[0].code == "pack_correction"
    reasons = graded.verdict["accuracy"]["reasons"]
    after = reasons.index("3. wrong: 池化会放大特征图 → " + quiz.questions[2].answer_key) + 1
    assert reasons[after : after + len(enlarges)] == enlarges and reasons[after + len(enlarges)].startswith("4. ")
    assert store.message(graded.message_id).content == graded.reply
    memory = [m.fact for m in store.memories("Convolutional neural networks")]
    assert memory == [
        "quiz cnn 2.5/4; missed: 用反向传播和梯度下降最小化损失来训练; 同一个卷积核在所有位置共享，所以参数少"
    ]
    # the next reply's system message recalls the quiz and keeps the learner's level
    system = service.prompt(store.conversation(conversation.id))[0].content
    assert memory[0] in system and "Level: 同学 is 初学者" in system
    with pytest.raises(PersonaTutorError, match="no quiz waiting"):
        quizzes.answer(conversation.id, "1. a", SHORT, threading.Event())

    (topic,) = progress(store, load_packs())
    assert (topic.topic, topic.conversations, [q.score for q in topic.quizzes]) == ("cnn", 1, [2.5])
    missed = ["用反向传播和梯度下降最小化损失来训练", "同一个卷积核在所有位置共享，所以参数少"]
    assert [zh for _en, zh in topic.missed] == missed
    assert review_goal(topic.missed, "en") == (
        "Review: a CNN is trained by backpropagation and gradient descent on a loss; "
        "the same kernel is shared across positions, so there are fewer parameters"
    )


def test_the_quiz_follows_the_topic_the_learner_switched_to(service: ChatService) -> None:
    store = service.store
    conversation = service.start("xiaomiao", "CNN", "starter")
    quizzes = QuizService(service)
    assert quizzes.topic_pack(conversation.id).id == "cnn"
    store.add_message(conversation.id, "user", "What is binary search?")
    assert quizzes.topic_pack(conversation.id).id == "binary-search"
    store.add_message(conversation.id, "user", "And pooling in a CNN?")
    assert quizzes.topic_pack(conversation.id).id == "cnn"


def test_a_topic_without_a_pack_has_no_quiz(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "Medieval poetry", "starter")
    with pytest.raises(PersonaTutorError, match="no quiz for this topic"):
        QuizService(service).start(conversation.id, "Quiz me!", SHORT, threading.Event())
    assert service.store.open_quiz(conversation.id) is None


def test_regenerate_and_edit_redo_the_quiz_and_its_score_follows_the_branch(service: ChatService) -> None:
    store = service.store
    conversation = service.start("xiaomiao", "Convolutional neural networks", "starter")
    quizzes = QuizService(service)
    asked = quizzes.start(conversation.id, "考考我吧！", SHORT, threading.Event())
    questions = store.open_quiz(conversation.id)
    assert questions is not None
    # regenerating the introduction phrases it anew; the same questions follow, the quiz stays open
    rephrased = quizzes.regenerate(conversation.id, SHORT, threading.Event())
    assert rephrased is not None and rephrased.message_id != asked.message_id
    quiz = store.open_quiz(conversation.id)
    assert quiz is not None and quiz.id == questions.id and quiz.message_id == rephrased.message_id
    assert rephrased.reply.endswith(asked.reply[asked.reply.index("**小测验**") :])
    assert [v.id for v in store.siblings(asked.message_id)] == [asked.message_id, rephrased.message_id]

    answers = (
        "1. 池化取每个窗口的最大值，把特征图缩小\n2. 用反向传播\n3. 池化会放大特征图\n4. 卷积核在输入上滑动，相乘再求和"
    )
    first = quizzes.answer(conversation.id, answers, SHORT, threading.Event())
    # the grading reply's Accuracy badge is the grade against the answer key, not the checker's guess
    assert first.verdict is not None and first.verdict["accuracy"]["source"] == "quiz"
    assert first.verdict["accuracy"]["label"] == "ok"
    reasons = first.verdict["accuracy"]["reasons"]
    assert reasons[0] == "graded against the topic pack's answer key: 2.5/4 (1 ✓, 2 ◐, 3 ✗, 4 ✓)"
    assert reasons[3].startswith("3. wrong: 池化会放大特征图 → ")
    assert store.verdicts(first.message_id)[-1].verdict == first.verdict
    assert first.verdict["consistency"]["label"] in ("ok", "doubtful", "off")  # the checker's Persona badge

    # regenerating the grading reply explains again, graded again: one memory line, the same score
    again = quizzes.regenerate(conversation.id, SHORT, threading.Event())
    assert again is not None and again.message_id != first.message_id and "**得分: 2.5/4**" in again.reply
    assert again.verdict is not None and again.verdict["accuracy"]["source"] == "quiz"
    topic = "Convolutional neural networks"
    assert [m.fact[:14] for m in store.memories(topic)] == ["quiz cnn 2.5/4"]

    # editing the answers grades them again on the new branch; the quiz's score is the new one
    better = (
        "1. 池化取每个窗口的最大值，把特征图缩小\n2. 用反向传播和梯度下降最小化损失来训练\n"
        "3. 池化取最大值，把特征图缩小\n4. 卷积核在输入上滑动，相乘再求和"
    )
    edited = quizzes.edit_answer(first.user_message_id, better, SHORT, threading.Event())
    assert edited is not None and edited.user_message_id != first.user_message_id
    regraded = store.quiz(quiz.id)
    assert regraded.score is not None and regraded.score > 2.5
    assert [q.learner_answer for q in regraded.questions][1] == "用反向传播和梯度下降最小化损失来训练"
    assert [m.fact for m in store.memories(topic) if m.fact.startswith("quiz")] == [
        f"quiz cnn {regraded.score:g}/4" + ("; all correct" if regraded.score == 4 else regraded_missed(regraded))
    ]

    # back to the first answers (‹ ›): the score is theirs again
    store.select_branch(first.user_message_id)
    follower = QuizTree(store, quizzes.packs)
    assert follower.follow_branch(conversation.id) is not None
    assert store.quiz(quiz.id).score == 2.5
    assert [m.fact[:14] for m in store.memories(topic) if m.fact.startswith("quiz")] == ["quiz cnn 2.5/4"]
    assert follower.follow_branch(conversation.id) is None  # already this branch's grades
    assert quizzes.waiting(conversation.id) is None  # graded on this branch: the next message is a question
    # editing a message that answers no quiz is an ordinary edit
    assert quizzes.edit_answer(asked.user_message_id, "再考一次", SHORT, threading.Event()) is None


def regraded_missed(quiz: Quiz) -> str:
    return "; missed: " + "; ".join(q.answer_key for q in quiz.missed)


def test_a_quiz_on_a_branch_the_learner_left_does_not_take_the_next_message(service: ChatService) -> None:
    store = service.store
    conversation = service.start("xiaomiao", "CNN", "starter")
    request = store.add_message(conversation.id, "user", "考考我吧！")
    intro = store.add_message(conversation.id, "assistant", "喵~ 小测验来啦！")
    quiz = store.add_quiz(conversation.id, "cnn", "zh", [(0, "Q1", "A1"), (1, "Q2", "A2"), (2, "Q3", "A3")])
    store.set_quiz_message(quiz.id, intro.id)
    quizzes = QuizService(service)
    assert quizzes.waiting(conversation.id) == store.quiz(quiz.id)
    store.add_branch(request.id, "什么是池化层？")  # the request edited: the quiz stays behind on its branch
    assert store.open_quiz(conversation.id) is not None and quizzes.waiting(conversation.id) is None
    assert waiting_quiz(store, conversation.id) is None  # what the window asks (Quiz me, the input's hint)
    store.select_branch(intro.id)
    assert quizzes.waiting(conversation.id) == store.quiz(quiz.id) == waiting_quiz(store, conversation.id)
