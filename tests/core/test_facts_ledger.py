"""The facts ledger's rules: what a message establishes (zh and en), what must NOT become a row, how new facts
merge with the rows there, and how the rows reach the prompt within their budget."""

from __future__ import annotations

import pytest

from app.facts_ledger import FactCandidate, from_learner, from_reply, merge
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage, Recall, build_messages, estimate_tokens, ledger_lines

F = FactCandidate


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("我叫小明", [F("learner", "name", "小明")]),
        ("你好！我叫王小明，是初学者。", [F("learner", "name", "王小明")]),
        ("叫我小红就好", [F("learner", "name", "小红")]),
        ("我叫小明，你叫什么名字？", [F("learner", "name", "小明")]),
        ("我是初学者，请讲慢一点", [F("learner", "level", "初学者")]),
        ("我完全零基础", [F("learner", "level", "初学者")]),
        ("my name is Sam", [F("learner", "name", "Sam")]),
        ("Hi, my name is sam, what's yours?", [F("learner", "name", "Sam")]),
        ("Please call me Alex.", [F("learner", "name", "Alex")]),
        ("I'm a complete beginner", [F("learner", "level", "beginner")]),
        ("I am new to CNNs.", [F("learner", "level", "beginner")]),
    ],
)
def test_the_learner_states_their_name_or_level(text: str, facts: list[FactCandidate]) -> None:
    assert from_learner(text) == facts


@pytest.mark.parametrize(
    "text",
    [
        "我叫什么名字？",
        "不要叫我小明",
        "我叫你小喵吧",
        "老师叫我做作业",
        "我叫外卖了",
        "我不是初学者",
        "我是初学者吗？",
        "如果我是初学者，该怎么学？",
        "什么是卷积层？",
        "What is my name?",
        "Don't call me Sam.",
        "call me back later",
        "I'm not a beginner.",
        "Am I a beginner?",
        "If I'm a beginner, where do I start?",
        "I'm interested in CNNs.",
    ],
)
def test_no_row_for_questions_negations_and_hypotheticals(text: str) -> None:
    assert from_learner(text) == []


@pytest.mark.parametrize(
    ("reply", "learner", "facts"),
    [
        (
            "其实卷积核不是手工设计的，而是在训练中学出来的喵~",
            "",
            [F("correction", "卷积核是手工设计的", "卷积核是在训练中学出来的")],
        ),
        (
            "那是一个常见的误区喵。池化层没有可学习的参数。",
            "池化层也要学习参数",
            [F("correction", "池化层也要学习参数", "池化层没有可学习的参数")],
        ),
        (
            "Actually, pooling layers do not have any weights.",
            "Do pooling layers have weights?",
            [F("correction", "pooling layers have any weights", "pooling layers do not have any weights")],
        ),
        (
            "That's a common misconception! Pooling layers have no learnable weights.",
            "Pooling layers learn their weights.",
            [F("correction", "Pooling layers learn their weights", "Pooling layers have no learnable weights")],
        ),
        ("我的毛线球是红色的喵~", "", [F("story", "毛线球", "红色")]),
        ("我的猫叫咪咪喵~", "", [F("story", "猫", "咪咪")]),
        ("My ship is called the Nautilus.", "", [F("story", "ship", "Nautilus")]),
        ("Arr, my yarn ball is red, you see.", "", [F("story", "yarn ball", "red")]),
    ],
)
def test_the_tutor_corrects_or_tells_a_story_fact(reply: str, learner: str, facts: list[FactCandidate]) -> None:
    assert from_reply(reply, learner) == facts


@pytest.mark.parametrize(
    ("reply", "learner"),
    [
        ("这不是问题，而是机会", ""),  # no subject to correct
        ("卷积核不是手工设计的，而是学出来的吗？", ""),  # a question
        ("Actually, that is right!", "What is pooling?"),  # nothing was wrong
        ("That's a common misconception.", "What is pooling?"),  # the learner asked, claimed nothing
        ("我的毛线球是红色的吗？", ""),
        ("如果我的毛线球是红色的，那就好了", ""),
        ("My name is Captain Nemo.", ""),  # the persona's own name is the card's, not a story fact
        ("My point is simple: convolution slides a kernel.", ""),
        ("卷积层用卷积核在图像上滑动，提取特征喵。", ""),
        ("A convolution slides a small kernel over the image.", ""),
    ],
)
def test_no_row_from_ordinary_explanations(reply: str, learner: str) -> None:
    assert from_reply(reply, learner) == []


class Row:
    def __init__(self, id: int, kind: str, subject: str, text: str, active: bool = True) -> None:
        self.id, self.kind, self.subject, self.text, self.active = id, kind, subject, text, active


def test_merging_keeps_one_row_per_fact() -> None:
    rows = [
        Row(1, "learner", "name", "小明"),
        Row(2, "story", "毛线球", "红色"),
        Row(3, "learner", "level", "初学者", False),
    ]
    changes = merge(
        rows,
        [
            F("learner", "name", "小明"),  # known
            F("story", "毛线球", "蓝色"),  # the established story fact stays; the checker flags the change
            F("learner", "level", "初学者"),  # switched off by the learner: not added back
            F("learner", "name", "小红"),  # restated by the learner: supersedes the old name
            F("story", "船", "飞翔号"),
        ],
    )
    assert [(c.candidate.text, c.supersedes) for c in changes] == [("小红", (1,)), ("飞翔号", ())]


def test_ledger_rows_fit_their_budget_learner_facts_first() -> None:
    facts = [F("story", f"第{i}个毛线球", "红色") for i in range(30)] + [F("learner", "name", "小明")]
    lines = ledger_lines(facts, budget=60)
    assert lines[0] == "The learner's name is 小明; call them 小明."
    assert sum(estimate_tokens(line) + 1 for line in lines) <= 60
    assert 1 < len(lines) < 31
    assert lines[-1].startswith("In your story, 第29个毛线球")  # the newest story facts are kept
    assert "第0个毛线球" not in "".join(lines)  # the oldest ones give way
    assert len(ledger_lines(facts, budget=10_000)) == 31


def test_the_ledger_goes_before_the_newest_question_and_leaves_the_system_prompt_alone() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    turns = [ChatMessage("assistant", "喵~"), ChatMessage("user", "我叫小明"), ChatMessage("assistant", "你好小明")]
    question = ChatMessage("user", "什么是池化？")
    lines = ledger_lines([F("learner", "name", "小明"), F("story", "毛线球", "红色")])
    plain = build_messages(persona, "CNN", [*turns, question])
    with_ledger = build_messages(persona, "CNN", [*turns, question], recall=Recall(ledger=lines))
    assert with_ledger[0] == plain[0]
    assert with_ledger[-1] == question
    assert with_ledger[-2].role == "system"
    assert with_ledger[-2].content == (
        "Facts established in this conversation (keep to them):\n"
        "- The learner's name is 小明; call them 小明.\n- In your story, 毛线球 is 红色."
    )
    assert with_ledger[: len(plain) - 1] == plain[:-1]


def test_no_ledger_message_when_no_reply_is_asked_for() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    turns = [ChatMessage("assistant", "喵~"), ChatMessage("user", "我叫小明"), ChatMessage("assistant", "你好小明")]
    lines = ledger_lines([F("learner", "name", "小明")])
    assert build_messages(persona, "CNN", turns, recall=Recall(ledger=lines)) == build_messages(persona, "CNN", turns)
