"""Quiz grading on fixed answers: the packs' answer keys decide, in Chinese and in English."""

from __future__ import annotations

import pytest

from app.checker.accuracy import accuracy_badge
from app.checker.topic_pack import TopicPack, builtin_packs, parse_pack
from app.quiz import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    answer_mistakes,
    grade,
    grade_answer,
    memory_fact,
    pick_questions,
    quiz_items,
    quiz_language,
    split_answers,
)
from app.quiz_service import feedback_instruction, graded_verdict
from app.store import Quiz, QuizQuestion


def _pack(pack_id: str) -> TopicPack:
    return next(p for p in builtin_packs() if p.id == pack_id)


@pytest.mark.parametrize("pack", builtin_packs(), ids=lambda p: p.id)
def test_every_pack_has_goals_and_a_quiz_in_both_languages(pack: TopicPack) -> None:
    assert 2 <= len(pack.goals) <= 4
    assert all(en and zh for en, zh in pack.goals)
    for language in ("en", "zh"):
        items = pick_questions(pack, language)
        assert MIN_QUESTIONS <= len(items) <= MAX_QUESTIONS
        # each question is answered correctly by the pack's own answer: the key and the answer agree
        assert [grade_answer(i.answer, i.key, pack) for i in items] == ["correct"] * len(items)


CNN_ZH = [
    ("池化取每个窗口的最大值，把特征图缩小", "correct"),
    ("池化会让特征图变小", "partial"),  # shrinks, but how (max/average) is missing
    ("池化会放大特征图", "incorrect"),  # the pack's misconception
    ("池化不会缩小特征图，只取最大值", "incorrect"),  # a key fact negated
    ("不知道", "incorrect"),
    ("", "incorrect"),
]
CNN_EN = [
    ("Pooling keeps the max of each window, so the feature map gets smaller.", "correct"),
    ("It downsamples the map.", "partial"),
    ("Pooling enlarges the feature map.", "incorrect"),
    ("Pooling does not shrink the map; it takes the max.", "incorrect"),
    ("I have no idea.", "incorrect"),
]


@pytest.mark.parametrize(("answer", "verdict"), CNN_ZH + CNN_EN)
def test_an_answer_about_pooling_is_graded_against_the_key(answer: str, verdict: str) -> None:
    pack = _pack("cnn")
    pooling = next(i for i in quiz_items(pack, "en") if "pooling" in i.question.lower())
    assert grade_answer(answer, pooling.key, pack) == verdict


HANDSHAKE = [
    # every concept of the key is there, but the server is made the one that starts and ends the handshake
    ("服务器先发送 SYN 和序列号，客户端回复 SYN-ACK，服务器再发送 ACK 确认。", "incorrect"),
    ("The server sends the first SYN with its sequence number, the client answers with SYN-ACK, "
     "and the server acknowledges it with the final ACK.", "incorrect"),
    ("客户端先发送 SYN 和序列号，服务器回复 SYN-ACK，客户端再发送 ACK 确认。", "correct"),
    ("The client sends SYN with its sequence number, the server answers with SYN-ACK, "
     "and the client acknowledges it with the final ACK.", "correct"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "verdict"), HANDSHAKE)
def test_a_step_given_to_the_wrong_agent_is_wrong_for_the_badges_reason(answer: str, verdict: str) -> None:
    pack = _pack("tcp-handshake")
    steps = next(i for i in quiz_items(pack, "en") if "steps" in i.question)
    assert grade_answer(answer, steps.key, pack) == verdict
    mistakes = answer_mistakes(answer, pack)
    badge, _ = accuracy_badge(answer, packs=builtin_packs(), topic=pack)
    wrong_agent = [r for r in badge.reasons if r.code == "key_fact_contradiction"]
    assert mistakes == wrong_agent  # the same reason, code and wording, as the reply's Accuracy badge gives
    if verdict == "incorrect":
        assert [m.code for m in mistakes] == ["key_fact_contradiction"]
        assert "SYN-ACK" in mistakes[0] and ("客户端发送第一个 SYN" in mistakes[0]) == ("服务器" in answer)


def test_the_grading_reply_says_what_a_wrong_answer_got_wrong() -> None:
    pack = _pack("tcp-handshake")
    items = pick_questions(pack, "en")
    answers = ["SYN synchronises sequence numbers, ACK acknowledges", "", HANDSHAKE[1][0]]
    grades, score = grade(items, answers, pack)
    mistakes = [answer_mistakes(g.answer, pack) for g in grades]
    assert [g.verdict for g in grades] == ["correct", "incorrect", "incorrect"] and score == 1
    assert [len(m) for m in mistakes] == [0, 0, 1]
    told = feedback_instruction("Hoot", "you", items, grades, score, "en", mistakes)
    assert f"Grade: wrong ({mistakes[2][0]}). Correct answer: {items[2].answer}" in told
    questions = tuple(
        QuizQuestion(n, i.index, i.question, i.answer, g.answer, g.verdict, g.correct)
        for n, (i, g) in enumerate(zip(items, grades, strict=True), 1)
    )
    quiz = Quiz(1, 1, pack.id, "en", None, score, 3, None, None, questions)  # type: ignore[arg-type]
    verdict = graded_verdict({"consistency": {}}, quiz, mistakes)
    assert verdict is not None
    codes = [r.code for r in verdict["accuracy"]["reasons"]]
    graded = ["quiz_graded", "quiz_answer_correct", "quiz_answer_incorrect", "quiz_answer_incorrect"]
    assert codes == [*graded, "key_fact_contradiction"]  # after the wrong answer it is about


def test_a_whole_quiz_is_scored_with_half_points_for_partly_right_answers() -> None:
    pack = _pack("tcp-handshake")
    items = pick_questions(pack, "zh")
    questions = ["SYN 和 ACK 分别表示什么？", "TCP 为什么需要三次握手？", "TCP 握手有哪几步？"]
    assert [i.question for i in items] == questions
    answers = split_answers(
        "1. SYN 是同步序列号，ACK 是确认收到\n2. 为了双方确认\n3. 客户端发 hello，服务器回 hello", len(items)
    )
    grades, score = grade(items, answers, pack)
    assert [g.verdict for g in grades] == ["correct", "partial", "incorrect"]
    assert [g.correct for g in grades] == [True, False, False]
    assert score == 1.5


def test_english_answers_to_a_binary_search_quiz() -> None:
    pack = _pack("binary-search")
    items = pick_questions(pack, "en")
    answers = split_answers("1) O(log n)\n2) it has to be sorted\n3) look at the middle element", len(items))
    grades, score = grade(items, answers, pack)
    assert [g.verdict for g in grades] == ["correct", "correct", "partial"]
    assert score == 2.5


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("1. a\n2. b\n3. c", ["a", "b", "c"]),
        ("1) a 2) b 3) c", ["a", "b", "c"]),
        ("（1）甲（2）乙（3）丙", ["甲", "乙", "丙"]),
        ("1、甲\n3、丙", ["甲", "", "丙"]),  # a skipped question stays unanswered
        ("第1题：甲 第二题：乙 第3题：丙", ["甲", "乙", "丙"]),
        ("a\nb\nc", ["a", "b", "c"]),  # one per line, unnumbered
        ("a; b", ["a", "b", ""]),
        ("1. O(log n), since it halves 2. sorted 3. mid", ["O(log n), since it halves", "sorted", "mid"]),
    ],
)
def test_answers_are_read_from_one_message(text: str, answers: list[str]) -> None:
    assert split_answers(text, 3) == answers


def test_the_questions_missed_last_time_come_back_first() -> None:
    pack = _pack("cnn")  # four quiz items
    raw = {
        "version": 1,
        "id": "big",
        "facts": [{"en": "f"}],
        "questions": [{"ask": f"q{n}", "needs": ["x"], "en": "x", "quiz_en": f"Q{n}?"} for n in range(7)],
    }
    big = parse_pack(raw)
    assert [i.index for i in pick_questions(big, "en")] == [0, 1, 2, 3, 4]
    earlier = Quiz(1, 1, "big", "en", None, 4, 5, None, None, tuple(  # type: ignore[arg-type]
        QuizQuestion(n + 1, n, f"Q{n}?", "x", "x", "incorrect" if n == 3 else "correct", n != 3) for n in range(5)
    ))  # fmt: skip
    # the missed one, those never asked, then the least asked
    assert [i.index for i in pick_questions(big, "en", [earlier])] == [0, 1, 3, 5, 6]
    assert len(pick_questions(pack, "zh")) == 4


def test_a_pack_with_fewer_than_three_quiz_items_has_no_quiz() -> None:
    raw = {"version": 1, "id": "tiny", "facts": [{"en": "f"}], "questions": [{"ask": "a", "needs": ["b"], "en": "b"}]}
    assert pick_questions(parse_pack(raw), "en") == []


def test_the_quiz_language_follows_the_learner() -> None:
    assert quiz_language("什么是池化？", "en") == "zh"
    assert quiz_language("What is pooling?", "zh") == "en"
    assert quiz_language("", "zh") == "zh"


def test_a_graded_quiz_leaves_one_line_in_the_learner_memory() -> None:
    pack = _pack("cnn")
    questions = (
        QuizQuestion(1, 0, "Q1", "pooling shrinks the feature map", "x", "incorrect", False),
        QuizQuestion(2, 1, "Q2", "trained by backprop", "x", "correct", True),
        QuizQuestion(3, 2, "Q3", "weights are shared", "x", "partial", False),
    )
    quiz = Quiz(1, 1, "cnn", "en", None, 1.5, 3, None, None, questions)  # type: ignore[arg-type]
    assert memory_fact(pack, quiz) == "quiz cnn 1.5/3; missed: pooling shrinks the feature map; weights are shared"


def test_an_answer_that_leaves_the_subject_out_is_read_as_about_the_question() -> None:
    """Quiz answers are short: "它像 RNN 一样一个一个处理词" to the positional-encoding question states the
    pack's misconception, and the grading reply says so, as the badge would."""
    pack = _pack("transformers")
    item = next(i for i in quiz_items(pack, "zh") if "位置编码" in i.question)
    answer = "因为它像 RNN 一样一个一个处理词"
    assert grade_answer(answer, item.key, pack, item.question) == "incorrect"
    mistakes = answer_mistakes(answer, pack, item.question)
    assert [m.code for m in mistakes] == ["pack_correction"] and answer_mistakes(answer, pack) == []
