"""Ledger contradictions detected in Chinese and English: a reply that breaks a row the conversation established
lowers accuracy with a reason naming the row; one that keeps to it (or merely ignores the level) does not."""

from __future__ import annotations

from app.checker import check, check_partial
from app.facts_ledger import FactCandidate
from app.personas import Persona

ZH_LEDGER = (
    FactCandidate("learner", "name", "小明"),
    FactCandidate("learner", "level", "初学者"),
    FactCandidate("correction", "卷积核是手工设计的", "卷积核是在训练中学出来的"),
    FactCandidate("story", "毛线球", "红色"),
)
EN_LEDGER = (
    FactCandidate("learner", "name", "Sam"),
    FactCandidate("learner", "level", "beginner"),
    FactCandidate("correction", "pooling layers have weights", "pooling layers do not have any weights"),
    FactCandidate("story", "ship", "Nautilus"),
)


def _reasons(persona: Persona, reply: str, ledger: tuple[FactCandidate, ...]) -> list[str]:
    return [r for r in check(persona, reply, ledger=ledger).accuracy.reasons if "ledger" in r]


def test_ledger_contradictions_detected_in_chinese(xiaomiao: Persona) -> None:
    cases = {
        "喵~ 你叫小红对吧？今天我们继续学卷积喵！": "contradicts the ledger: your name is 小明",
        "喵~ 其实卷积核是手工设计的喵，工程师一个个画出来。": (
            "contradicts the ledger: 卷积核是在训练中学出来的 (not: 卷积核是手工设计的)"
        ),
        "喵~ 我的毛线球是蓝色的喵，滚来滚去！": "contradicts the ledger: 毛线球 is 红色",
    }
    for reply, reason in cases.items():
        assert _reasons(xiaomiao, reply, ZH_LEDGER) == [reason], reply
        assert check(xiaomiao, reply, ledger=ZH_LEDGER).accuracy.score < check(xiaomiao, reply).accuracy.score


def test_ledger_contradictions_detected_in_english(captain: Persona) -> None:
    cases = {
        "Arr, your name is Max, matey! Let's sail on.": "contradicts the ledger: your name is Sam",
        "Arr! Pooling layers have weights that the ship's crew trains, matey.": (
            "contradicts the ledger: pooling layers do not have any weights (not: pooling layers have weights)"
        ),
        "Arr! My ship is called the Black Pearl, matey.": "contradicts the ledger: ship is called Nautilus",
    }
    for reply, reason in cases.items():
        assert _reasons(captain, reply, EN_LEDGER) == [reason], reply
        assert check(captain, reply, ledger=EN_LEDGER).accuracy.score < check(captain, reply).accuracy.score


def test_replies_that_keep_to_the_ledger_are_not_flagged(xiaomiao: Persona, captain: Persona) -> None:
    kept_zh = [
        "喵~ 小明你好！卷积核是在训练中学出来的，不是手工设计的喵。",
        "喵~ 卷积核不是手工设计的喵！",
        "喵~ 很多人以为卷积核是手工设计的，其实是学出来的喵。",
        "喵~ 我的毛线球是红色的喵，像一个卷积核在图上滑动。",
        "喵~ 我们来看一个高级的例子：残差网络喵。",  # the level ignored is not a contradiction
        "喵~ 你叫什么名字来着？",
    ]
    for reply in kept_zh:
        assert _reasons(xiaomiao, reply, ZH_LEDGER) == [], reply
    kept_en = [
        "Arr, Sam! Pooling layers have no weights at all, matey.",
        "Arr! Pooling layers do not have weights; they only take the max.",
        "My ship is called the Nautilus, and she sails through feature maps!",
        "Here's an advanced trick, matey: dilated convolutions.",
        "My yarn ball is blue.",  # nothing about the yarn ball in this ledger
    ]
    for reply in kept_en:
        assert _reasons(captain, reply, EN_LEDGER) == [], reply


def test_rows_switched_off_are_not_checked(xiaomiao: Persona) -> None:
    class Off:
        kind, subject, text, active = "story", "毛线球", "红色", False

    assert _reasons(xiaomiao, "我的毛线球是蓝色的喵", (Off(),)) == []  # type: ignore[arg-type]


def test_streaming_badges_see_the_ledger_too(xiaomiao: Persona) -> None:
    partial = check_partial(xiaomiao, "喵~ 我的毛线球是蓝色的", ledger=ZH_LEDGER)
    assert "contradicts the ledger: 毛线球 is 红色" in partial.accuracy.reasons


def test_a_long_ledger_in_agreement_raises_nothing(xiaomiao: Persona) -> None:
    # speed with a long ledger is measured in `persona-tutor bench checker`, not here: these machines are noisy
    ledger = ZH_LEDGER + tuple(FactCandidate("story", f"第{i}个毛线球", "红色") for i in range(40))
    reply = "喵~ 卷积层用一个小小的卷积核在图上滑动，每一步做乘加，得到特征图喵。我的毛线球是红色的！" * 3
    verdict = check(xiaomiao, reply, topic="cnn", ledger=ledger)
    assert not any("ledger" in reason for reason in verdict.accuracy.reasons)
