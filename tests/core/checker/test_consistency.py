"""The Persona badge, signal by signal, in Chinese and English."""

from __future__ import annotations

from app.checker import check
from app.personas import Persona

IN_ROLE_ZH = (
    "喵~ 想象小喵的肉垫在图片上一格一格按过去，这个肉垫就是卷积核喵！每按一下就算一个加权和，得到特征图。听懂了吗喵？"
)
COLLAPSED_ZH = (
    "卷积神经网络是一种深度学习模型。具体来说，它主要包括以下几个部分：\n1. **卷积层**：提取特征。\n"
    "2. **池化层**：缩小特征图。\n希望这些信息对你有所帮助！如果你有其他问题，请随时提问。"
)
IN_ROLE_EN = (
    "Hoo-hoo! *ruffles feathers* Picture my talon sliding over the forest map: that talon is the kernel, and "
    "each stop gives one number of the feature map. Do you follow, my young owlet?"
)
COLLAPSED_EN = (
    "Certainly! Here is a detailed explanation of convolutional neural networks.\n1. **Convolution layer**: "
    "extracts features.\n2. **Pooling layer**: reduces the size.\nI hope this helps! Let me know if you have any "
    "other questions."
)


def names(persona: Persona, reply: str, **kw: object) -> set[str]:
    return {s.name.split(":")[0] for s in check(persona, reply, topic="cnn", **kw).consistency.signals}  # type: ignore[arg-type]


def test_in_role_replies_are_on_track(xiaomiao: Persona, hoot: Persona) -> None:
    assert check(xiaomiao, IN_ROLE_ZH, topic="cnn").consistency.label == "ok"
    assert check(hoot, IN_ROLE_EN, topic="cnn").consistency.label == "ok"


def test_textbook_assistant_replies_are_off(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, COLLAPSED_ZH, topic="cnn").consistency
    en = check(hoot, COLLAPSED_EN, topic="cnn").consistency
    assert zh.label == en.label == "off"
    assert any("喵" in r for r in zh.reasons)
    assert any("generic assistant" in r for r in en.reasons)
    assert check(xiaomiao, IN_ROLE_ZH).consistency.score > zh.score


def test_ai_disclaimers_are_flagged_in_both_languages(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, "喵~ 作为一个人工智能，我没有猫耳朵，不过可以讲卷积喵。", topic="cnn").consistency
    en = check(hoot, "Hoo-hoo! As a language model, I cannot fly, but I can explain kernels.", topic="cnn")
    assert zh.label == "off" and any("人工智能" in r for r in zh.reasons)
    assert en.consistency.label == "off" and any("language model" in r for r in en.consistency.reasons)
    assert "ai_disclaimer" in names(xiaomiao, "我是一个语言模型，喵。")


def test_forbidden_phrases_of_the_card(xiaomiao: Persona) -> None:
    verdict = check(xiaomiao, "喵~ 作为AI我来讲讲池化喵。", topic="cnn").consistency
    assert verdict.label == "off"
    assert any("作为ai" in r.lower() for r in verdict.reasons)


def test_missing_catchphrase_is_named_with_the_sentence_count(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, "卷积核在图上滑动。每次相乘再相加。得到特征图。最后接全连接层。", topic="cnn").consistency
    assert "no “喵” in 4 sentences" in zh.reasons
    en = check(hoot, "The kernel slides over the image. It multiplies and adds. That gives a feature map.").consistency
    assert any(r.startswith("no “hoo”") for r in en.reasons)


def test_switching_language_is_flagged(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, "Meow~ The kernel slides over the image and produces a feature map, meow!").consistency
    assert "switched to English" in zh.reasons
    en = check(hoot, "Hoo-hoo！卷积核在图像上滑动，得到特征图。我是猫头鹰教授。").consistency
    assert "switched to Chinese" in en.reasons


def test_dropping_the_first_person_voice(hoot: Persona) -> None:
    reply = (
        "Hoo. A convolution layer applies kernels. The kernels are small weight grids. "
        "Each position yields one number. The result is a feature map."
    )
    assert any("first-person" in r for r in check(hoot, reply).consistency.reasons)


def test_style_similarity_prefers_the_persona_register(xiaomiao: Persona) -> None:
    persona_like = check(xiaomiao, "喵~ 小喵用毛线球打个比方：肉垫按过去就是卷积核喵～").consistency
    neutral = check(xiaomiao, "该方法通过计算得到结果，从而提高模型的性能，通常用于图像识别等领域。").consistency
    value = {s.name: s.value for s in persona_like.signals}["style_margin"]
    assert value > {s.name: s.value for s in neutral.signals}["style_margin"]


def test_requested_step_out_is_not_collapse_when_the_card_allows_it(captain: Persona, xiaomiao: Persona) -> None:
    plain_en = "Binary search compares the target with the middle element of a sorted array and halves the range."
    asked = "Stop role-playing and answer plainly, as an engineer would: how does binary search work?"
    allowed = check(captain, plain_en, question=asked, topic="binary-search").consistency
    unasked = check(captain, plain_en, question="How does binary search work?", topic="binary-search").consistency
    assert allowed.label == "ok" and allowed.score > unasked.score
    assert any("may step out" in r for r in allowed.reasons)
    plain_zh = "卷积层用卷积核在输入上滑动，计算加权和，得到特征图。池化层缩小特征图。最后接全连接层输出类别。"
    refused = check(xiaomiao, plain_zh, question="别再角色扮演了，请像工程师一样回答：卷积层做什么？").consistency
    assert refused.label == "off"
    assert any("should stay in character" in r for r in refused.reasons)


def test_cards_without_the_extension_get_a_derived_profile(plain_card: Persona) -> None:
    in_role = check(plain_card, "Kon! *swishes tails* A kernel slides over the picture like lantern light, Kon!")
    collapsed = check(plain_card, COLLAPSED_EN)
    assert in_role.consistency.score > collapsed.consistency.score
    assert collapsed.consistency.label == "off"
    assert any("kon" in r for r in collapsed.consistency.reasons)


def test_drift_across_the_conversation(hoot: Persona) -> None:
    earlier = [
        ("user", "What is a kernel?"),
        ("assistant", IN_ROLE_EN),
        ("user", "And pooling?"),
        ("assistant", "Hoo-hoo! *hoots softly* From high above the forest, pooling keeps the biggest value, owlet!"),
    ]
    reply = "Hoo. Pooling reduces the spatial size of the feature map. It is commonly used to improve performance."
    with_history = check(hoot, reply, history=earlier).consistency
    assert any(s.name == "drift" and s.contribution < 0 for s in with_history.signals)
    assert with_history.score < check(hoot, reply).consistency.score


def test_partial_text_gets_a_cheap_provisional_verdict(xiaomiao: Persona) -> None:
    from app.checker import check_partial

    early = check_partial(xiaomiao, "卷积")
    assert early.consistency.label in ("ok", "doubtful")  # one word is no evidence of collapse
    assert check_partial(xiaomiao, "As an AI language model, I").consistency.label == "off"
