"""Wrong relations between right terms: a step or property given to the wrong agent (topic packs' ``relations``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.checker import check, load_packs
from app.checker.relations import wrong_relations
from app.checker.topic_pack import load_pack_file
from app.personas import Persona
from tests.core.checker.test_topic_pack import assert_refused


def _wrong(reply: str, pack_id: str) -> list[str]:
    pack = next(p for p in load_packs(None) if p.id == pack_id)
    return [r.en for r in wrong_relations(reply, pack.relations)]


@pytest.mark.parametrize(
    ("pack_id", "reply"),
    [
        ("tcp-handshake", "1. The client sends a SYN packet. 2. The server accepts the SYN-ACK packet."),
        ("tcp-handshake", "第一步，客户端发送 SYN；第二步，客户端回复 SYN-ACK。"),
        ("transformers", "Q 是前一个词的输入，K 是当前词的输入。"),
        ("transformers", "The query is the previous word, and the keys are all the words."),
        ("backpropagation", "Backpropagation, also known as back-propagating error, is used to calculate the loss."),
        ("binary-search", "如果目标比中间元素大，就去左半边继续找。"),
        ("binary-search", "If the target is smaller than the middle element, continue in the right half."),
        ("photosynthesis", "光反应在叶绿体基质中固定二氧化碳。"),
        ("photosynthesis", "The Calvin cycle takes place in the thylakoid membranes and releases oxygen."),
        ("gradient-descent", "随机梯度下降比批量梯度下降更稳定，因为它用全部数据。"),
        ("gradient-descent", "Gradient descent updates the weights in the direction of the gradient."),
        ("rnn", "An RNN uses different weights at each time step."),
        ("rnn", "梯度消失就是梯度变得越来越大，越往前越大。"),
        ("overfitting", "过拟合的模型泛化能力很强。"),
        ("overfitting", "Dropout randomly drops training samples from the dataset."),
        ("embeddings", "A word embedding is a sparse code with only one 1."),
        ("embeddings", "意思相近的词向量相近，是因为它们拼写相似。"),
        ("overfitting", "正则化就是把输入数据归一化，让数值范围一致。"),
        ("photosynthesis", "Plants use light to turn oxygen into glucose."),
    ],
)
def test_wrong_pairings_are_found(pack_id: str, reply: str) -> None:
    assert _wrong(reply, pack_id), reply


@pytest.mark.parametrize(
    ("pack_id", "reply"),
    [
        # the agent of the step is the client: "the server" is the object of "to"
        ("tcp-handshake", "The client sends a SYN packet to the server and receives a SYN-ACK packet."),
        ("tcp-handshake", "客户端发送 SYN，服务器回复 SYN-ACK，客户端再发送 ACK。"),
        ("transformers", "The query of each word is compared with the keys of the previous words."),
        ("transformers", "Q 来自当前词，K 和 V 来自所有词。"),
        ("backpropagation", "The forward pass computes the loss; backpropagation computes its gradient."),
        ("binary-search", "如果目标比中间元素大，就排除左半边，在右半边继续找。"),
        ("binary-search", "If the target is smaller than the middle element, continue in the left half."),
        ("binary-search", "Binary search takes O(log n) time, while linear search takes O(n)."),
        ("photosynthesis", "光反应在类囊体上产生 ATP 和 NADPH，卡尔文循环在基质中固定二氧化碳。"),
        ("photosynthesis", "Photosynthesis needs light, water and carbon dioxide to produce glucose and oxygen."),
        ("gradient-descent", "随机梯度下降每次随机选一个样本，比批量梯度下降噪声更大。"),
        ("gradient-descent", "Gradient descent moves the weights in the direction opposite to the gradient."),
        ("rnn", "An RNN uses the same weights at every time step."),
        ("rnn", "梯度消失是梯度往回传时越来越小；梯度爆炸则是越来越大。"),
        ("overfitting", "过拟合的模型泛化能力很差。"),
        ("overfitting", "Without regularization the model becomes more complex and overfits."),
        ("embeddings", "Unlike sparse one-hot codes, an embedding is a dense vector."),
        ("embeddings", "意思相近的词出现在相似的上下文里，所以它们的词向量相近。"),
        ("embeddings", "A common misconception is that similar words are close because of their spelling."),
        # the step is part of another agent's name: batch normalization is not regularization normalizing data
        ("overfitting", "常见的正则化方法有 L2、Dropout，另外还常配合批归一化使用。"),
        ("photosynthesis", "Plants use light to turn carbon dioxide and water into glucose and oxygen."),
        ("photosynthesis", "叶绿体和线粒体分别负责光合作用和呼吸作用。"),
        ("binary-search", "如果目标比中间值大，就把左边界移到 mid + 1。"),
        ("gradient-descent", "The weights move along the gradient descent direction, downhill."),
        ("overfitting", "An overfit model fails to generalize well to new data."),
        ("embeddings", "Word embeddings solve the problem of sparse one-hot codes."),
    ],
)
def test_right_pairings_and_corrections_are_left_alone(pack_id: str, reply: str) -> None:
    assert _wrong(reply, pack_id) == [], reply


def test_a_packs_own_correct_statements_never_trip_its_relations() -> None:
    for pack in load_packs(None):
        texts = [text for fact in pack.facts for text in fact]
        texts += [text for item in pack.misconceptions for text in (item.correction, item.correction_zh)]
        texts += [text for key in pack.questions for text in (key.answer, key.answer_zh)]
        texts += [text for relation in pack.relations for text in (relation.en, relation.zh)]
        assert [t for t in texts if wrong_relations(t, pack.relations)] == [], pack.id


def test_a_wrong_relation_turns_the_badge_off_with_the_fact(xiaomiao: Persona, hoot: Persona) -> None:
    en = check(hoot, "Hoo-hoo! The server accepts the SYN-ACK packet, owlet.", topic="tcp-handshake").accuracy
    assert en.label == "off"
    assert any("the server answers with SYN-ACK" in r for r in en.reasons)
    assert any(s.name == "wrong_relation:tcp-handshake" for s in en.signals)
    zh = check(xiaomiao, "喵~ Q 是前一个词的输入，K 是当前词的输入喵。", question="自注意力里的 Q、K、V 是什么？")
    assert any("查询来自它自己" in r for r in zh.accuracy.reasons)
    good = check(xiaomiao, "喵~ Q 来自当前词，和所有词的 K 比较，再对 V 加权求和喵。", topic="transformers")
    assert not any(s.name.startswith("wrong_relation") for s in good.accuracy.signals)


def test_relations_are_validated(tmp_path: Path) -> None:
    base = '{"version": 1, "id": "x", "facts": [{"en": "f"}], "relations": '
    cases = {
        "missing.json": (base + '[{"subject": "a"}]}', r"bad relation"),
        "unknown.json": (base + '[{"subject": "a", "wrong": "b", "object": "c"}]}', r"bad relation"),
        "groups.json": (base + '[{"subject": "a + b", "wrong": "c"}]}', r"one group of alternatives"),
    }
    assert_refused(tmp_path, cases)
    good = tmp_path / "good.json"
    good.write_text(base + '[{"subject": "A|b", "wrong": "c", "unless": "d"}]}', encoding="utf-8")
    relation = load_pack_file(good).relations[0]
    assert relation.subject == ("a", "b") and relation.wrong == ("c",) and relation.others == ()
