"""A short answer seldom repeats the question's subject: "为什么需要位置编码？" "因为它像 RNN 一样一个一个处理词".
What it states is said of the question's subject, so the packs' subject-and-claim patterns and key facts apply
to it too."""

from __future__ import annotations

import pytest

from app.checker import check
from app.personas import Persona


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("Transformer 为什么需要位置编码？", "因为它像 RNN 一样一个一个处理词，所以要记住位置喵~"),
        ("反向传播是怎么计算梯度的？", "把输入数据从输出层倒着送回去喵~"),
        ("What is gradient descent?", "It climbs up the gradient to make the loss as large as possible, hoo!"),
        ("Why do neural networks need activation functions?", "They are not non-linear; they only speed things up."),
        ("二分查找对数据有什么要求？", "二分查找不需要数据有序喵。"),
    ],
)
def test_a_claim_about_the_questions_subject_is_caught_without_the_subject(
    xiaomiao: Persona, question: str, reply: str
) -> None:
    badge = check(xiaomiao, reply, question=question).accuracy
    assert badge.label != "ok", reply
    assert any(s.name.startswith(("misconception:", "contradiction:")) for s in badge.signals)


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        # negated anywhere before the claim: the subject would stand before the negation
        ("Transformer 为什么需要位置编码？", "因为它不像 RNN 那样一个一个处理词，自注意力同时看所有词，不知道顺序喵~"),
        (
            "Why does a Transformer need positional encoding?",
            "Unlike an RNN it does not read tokens one by one, so it has no sense of order without it.",
        ),
        ("反向传播是怎么计算梯度的？", "不是把输入数据倒着送回去，而是用链式法则从输出层往回算梯度喵~"),
        ("学习率太大会怎么样？", "会震荡甚至发散，不会更快收敛喵~"),
        # "没有 …，" opening a clause is a condition ("without a non-linear activation, …"), not a denial
        ("神经网络为什么需要激活函数？", "如果没有非线性的激活函数，再多层也等于一层喵~"),
        ("神经网络为什么需要激活函数？", "没有非线性的激活函数，多层网络就等于一层线性变换喵~"),
    ],
)
def test_right_answers_without_the_subject_stay_on_track(xiaomiao: Persona, question: str, reply: str) -> None:
    badge = check(xiaomiao, reply, question=question).accuracy
    assert badge.label == "ok", (reply, badge.reasons)


def test_a_reply_that_names_the_subject_is_read_as_it_is(xiaomiao: Persona) -> None:
    """The stand-in is only for a reply that never names the subject: here the claim is about another thing."""
    reply = "Transformer 会同时看整句话。RNN 才是一个一个处理词的喵~"
    badge = check(xiaomiao, reply, question="Transformer 为什么需要位置编码？").accuracy
    assert not any(s.name.startswith("misconception:") for s in badge.signals)


def test_a_denial_of_a_key_fact_is_still_a_contradiction(xiaomiao: Persona) -> None:
    badge = check(xiaomiao, "激活函数没有非线性，只是加快计算喵~", question="神经网络为什么需要激活函数？").accuracy
    assert any(s.name.startswith("contradiction:negated") for s in badge.signals)
