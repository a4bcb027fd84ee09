"""Checker 1.2 signals on the packs' key terms: other topics' terms, equated concepts, the key answer's wording."""

from __future__ import annotations

from app.checker import check, load_packs
from app.checker.answer_key import contradictions, question_key
from app.checker.topic_pack import TopicPack
from app.checker.topic_terms import answer_similarity, foreign_terms, identity_claims
from app.personas import Persona


def _packs() -> dict[str, TopicPack]:
    return {p.id: p for p in load_packs(None)}


def _foreign(reply: str, asked: str) -> set[str]:
    packs = _packs()
    return {word for _, word in foreign_terms(reply, [packs[asked]], list(packs.values()))}


def _claims(reply: str, asked: str) -> list[tuple[str, str]]:
    packs = _packs()
    return identity_claims(reply, [packs[asked]], list(packs.values()))


def test_another_topics_terms_are_found_in_chinese_and_english() -> None:
    assert _foreign("位置编码是在池化之后的特征图上加的，这样网络知道位置。", "transformers") == {"池化", "特征图"}
    assert _foreign("Positional encoding maps each patch of the feature map after pooling.", "transformers") == {
        "feature map",
        "pooling",
    }
    # a related topic the asked pack itself names ("unlike an RNN"), and everyday words, are not foreign
    assert not _foreign(
        "Unlike an RNN, a Transformer looks at every token at once; each key has a value.", "transformers"
    )
    assert not _foreign("反向传播用链式法则，把激活函数的导数也乘进去。", "backpropagation")


def test_foreign_terms_lower_the_badge_with_a_reason(hoot: Persona, xiaomiao: Persona) -> None:
    question = "Why does a Transformer need positional encoding?"
    garbled = (
        "Hoo-hoo! Positional encoding tells the model where each word sits, after pooling shrinks the feature map."
    )
    clean = (
        "Hoo-hoo! Positional encoding tells the model where each word sits, because attention sees all words at once."
    )
    bad, good = check(hoot, garbled, question=question).accuracy, check(hoot, clean, question=question).accuracy
    assert bad.score < good.score
    assert any("terms of other topics" in r and "pooling" in r for r in bad.reasons)
    assert not any("terms of other topics" in r for r in good.reasons)
    zh = check(
        xiaomiao, "喵~ 激活函数就像过拟合的正则化，dropout 一下就好喵！", question="神经网络为什么需要激活函数？"
    )
    assert any(s.name == "foreign_terms" for s in zh.accuracy.signals)


def test_identity_claims_between_different_concepts() -> None:
    assert _claims("池化层就是全连接层。", "cnn") == [("池化", "全连接层")]
    assert _claims("Pooling is just a fully connected layer, matey.", "cnn") == [("pooling", "fully connected layer")]
    assert _claims("注意力就是池化，挑出最大的值喵。", "transformers") == [("注意力", "池化")]
    assert _claims("Self-attention is pooling over the sentence.", "transformers") == [("self-attention", "pooling")]


def test_identity_claims_spare_negations_synonyms_and_true_statements() -> None:
    assert _claims("池化层不是全连接层。", "cnn") == []
    assert _claims("Pooling is not a fully connected layer.", "cnn") == []
    assert _claims("池化就是 pooling，卷积核就是 kernel。", "cnn") == []  # a term and its translation
    assert _claims("ReLU 是非线性的激活函数。", "activation-functions") == []  # a plain "is" inside one topic
    assert _claims("A common misconception is that pooling is just a fully connected layer.", "cnn") == []


def test_an_identity_claim_is_off(xiaomiao: Persona) -> None:
    badge = check(xiaomiao, "喵~ 池化层就是全连接层，把所有数连起来喵！", question="池化层是做什么的？").accuracy
    assert badge.label == "off"
    assert any("“池化”" in r and "“全连接层”" in r for r in badge.reasons)


def test_a_short_identity_claim_is_off_too(xiaomiao: Persona) -> None:
    """Too short for the answer key, but a stated error is wrong at any length (it showed as on track)."""
    for reply in ("池化层就是全连接层。", "池化层就是全连接层，它把特征图变小喵~"):
        badge = check(xiaomiao, reply, question="池化层呢？", topic="cnn").accuracy
        assert badge.label == "off", reply
        assert any("“全连接层”" in r for r in badge.reasons)


def test_the_key_answers_wording_raises_the_score() -> None:
    packs = _packs()
    key = question_key("卷积神经网络里的池化层是做什么的？", packs["cnn"])
    assert key is not None
    close = answer_similarity("池化取每个小窗口的最大值，把特征图缩小。", key, zh=True)
    far = answer_similarity("池化层让网络更厉害，效果很好。", key, zh=True)
    assert close is not None and far is not None and close > far
    key_en = question_key("What does the pooling layer in a CNN do?", packs["cnn"])
    assert key_en is not None
    close_en = answer_similarity("It keeps the maximum of each window, so the feature map shrinks.", key_en, zh=False)
    far_en = answer_similarity("It makes the network better at many things.", key_en, zh=False)
    assert close_en is not None and far_en is not None and close_en > far_en > -1


def test_counts_skip_ordinals_and_the_indefinite_article() -> None:
    packs = [p for p in load_packs(None) if p.id in ("tcp-handshake", "rnn")]
    assert contradictions("1. 发起第一次握手：客户端向服务器发出一个 SYN 报文。", packs) == []
    assert [c.kind for c in contradictions("TCP 需要四次握手才能建立连接。", packs)] == ["number"]
    assert [c.kind for c in contradictions("A GRU has three gates.", packs)] == ["number"]
    assert contradictions("A GRU has two gates: update and reset.", packs) == []
