"""Misconception patterns that read correct replies as wrong: narrowed, and each pack checked against its own facts."""

from __future__ import annotations

import pytest

from app.checker import load_packs
from app.checker.accuracy import stated_misconceptions


def _stated(text: str, pack_id: str) -> list[str]:
    pack = next(p for p in load_packs(None) if p.id == pack_id)
    return [item.claim for _pack, item in stated_misconceptions(text, [pack])]


@pytest.mark.parametrize(
    ("pack_id", "right", "wrong"),
    [
        # dropout is switched off at test time: saying so is the correct fact, dropping neurons then is not
        ("overfitting", "Dropout is turned off at test time.", "Dropout also drops neurons at test time."),
        (
            "overfitting",
            "Dropout is only used in training and switched off at test time.",
            "Dropout removes neurons permanently.",
        ),
        ("overfitting", "Dropout 只在训练时使用，测试时关闭。", "Dropout 在测试时也会丢弃神经元。"),
        # "训练难度变大" is training getting harder, not the gradient growing
        ("rnn", "梯度消失会让训练难度变大。", "梯度消失就是梯度越来越大。"),
        ("rnn", "梯度消失时，序列越长，学习长距离依赖的难度越来越大。", "梯度消失是梯度变得很大。"),
        (
            "rnn",
            "Vanishing gradients make training harder as sequences grow.",
            "Vanishing gradients mean the gradients grow.",
        ),
        # "no", "不用" negate the claim like "not" does
        (
            "cnn",
            "Pooling has no weights: it keeps the maximum of each window.",
            "Pooling multiplies the window by weights.",
        ),
        ("decision-trees", "决策树通过贪心分裂生长，不用梯度下降。", "决策树是一种用梯度下降训练的神经网络。"),
        (
            "transformers",
            "A Transformer has no recurrence: attention sees all tokens at once.",
            "A Transformer is built on recurrence.",
        ),
        # another function's range or name in the same sentence is not said of the sigmoid
        (
            "activation-functions",
            "Sigmoid outputs lie between 0 and 1 (tanh gives -1 to 1).",
            "Sigmoid outputs range from -1 to 1.",
        ),
        (
            "activation-functions",
            "Sigmoid 是 1/(1+e^-x)，tanh 和恒等函数是别的函数。",
            "Sigmoid 就是 tanh 或恒等函数。",
        ),
        (
            "activation-functions",
            "ReLU is simple, unlike the sigmoid or the identity function.",
            "The sigmoid, also known as the identity function, is linear.",
        ),
        # the subject negated right before it: the sentence is about leaving it out
        (
            "overfitting",
            "Without regularization the model becomes more complex and overfits.",
            "Regularization makes the model more complex.",
        ),
        ("overfitting", "不加正则化，模型会更复杂。", "正则化让模型更复杂。"),
        # more parameters make overfitting likelier; only claiming they fix it is the misconception
        (
            "overfitting",
            "A model with more parameters overfits more easily.",
            "Adding more parameters fixes overfitting.",
        ),
        (
            "photosynthesis",
            "Photosynthesis happens in chloroplasts, while respiration happens in the mitochondria.",
            "Photosynthesis takes place in the mitochondria.",
        ),
        ("photosynthesis", "光合作用在叶绿体进行，线粒体负责呼吸作用。", "光合作用在线粒体中进行。"),
        (
            "rnn",
            "Transformers replaced RNNs because attention looks at the whole sequence in parallel.",
            "An RNN processes the whole sequence at once, in parallel.",
        ),
        ("transformers", "与逐个读入词的 RNN 不同，Transformer 同时看所有位置。", "Transformer 也是逐个处理词的。"),
    ],
)
def test_a_correct_sentence_is_not_read_as_the_misconception(pack_id: str, right: str, wrong: str) -> None:
    assert _stated(right, pack_id) == [], right
    assert _stated(wrong, pack_id), wrong


def test_a_packs_own_correct_statements_never_state_its_misconceptions() -> None:
    for pack in load_packs(None):
        texts = [text for fact in pack.facts for text in fact]
        texts += [text for item in pack.misconceptions for text in (item.correction, item.correction_zh)]
        texts += [text for key in pack.questions for text in (key.answer, key.answer_zh)]
        texts += [text for relation in pack.relations for text in (relation.en, relation.zh)]
        texts += [text for goal in pack.goals for text in goal]
        assert [(t, _stated(t, pack.id)) for t in texts if t and _stated(t, pack.id)] == [], pack.id
