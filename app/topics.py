"""Topics a learner can pick; any text typed by the learner is a topic too.

Each built-in topic has a topic pack (key facts, misconceptions, terms) in ``app/checker/packs/``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    title_zh: str


BUILTIN_TOPICS: tuple[Topic, ...] = (
    Topic("cnn", "Convolutional neural networks", "卷积神经网络"),
    Topic("rnn", "Recurrent neural networks", "循环神经网络"),
    Topic("transformers", "Attention and Transformers", "注意力机制与 Transformer"),
    Topic("gradient-descent", "Gradient descent", "梯度下降"),
    Topic("backpropagation", "Backpropagation", "反向传播"),
    Topic("overfitting", "Overfitting and regularization", "过拟合与正则化"),
    Topic("activation-functions", "Activation functions", "激活函数"),
    Topic("embeddings", "Embeddings", "词嵌入"),
    Topic("decision-trees", "Decision trees", "决策树"),
    Topic("binary-search", "Binary search", "二分查找"),
    Topic("tcp-handshake", "The TCP handshake", "TCP 三次握手"),
    Topic("photosynthesis", "Photosynthesis", "光合作用"),
)


def topic_title(text: str) -> str:
    """A topic id (``cnn``) becomes its title; any other text is the learner's own topic, trimmed."""
    cleaned = " ".join(text.split())
    for topic in BUILTIN_TOPICS:
        if cleaned.lower() == topic.id:
            return topic.title
    return cleaned
