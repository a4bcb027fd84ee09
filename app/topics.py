"""Topics a learner can pick; any text typed by the learner is a topic too.

Each built-in topic has a topic pack (key facts, misconceptions, terms) in ``app/checker/packs/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.checker.topic_pack import TopicPack
    from app.store import Store


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


def known_topic(text: str, topics: Iterable[Topic]) -> Topic | None:
    """The topic whose id, title or Chinese title ``text`` names (ignoring case and spacing), if any."""
    wanted = " ".join(text.split()).casefold()
    for topic in topics:
        if wanted in (topic.id.casefold(), topic.title.casefold(), topic.title_zh.casefold()):
            return topic
    return None


def remember_topic(store: Store, text: str, packs: Iterable[TopicPack]) -> None:
    """Record the built-in topics, the learner's topic packs and — when it names none of them — the topic the
    learner typed, in the store's ``topics`` table."""
    shipped = {t.id: t for t in BUILTIN_TOPICS}
    own: dict[str, Topic] = {}
    for pack in packs:
        (shipped if pack.builtin else own)[pack.id] = Topic(pack.id, pack.title, pack.title_zh)
    store.record_topics([(t.id, t.title, t.title_zh) for t in shipped.values()], "builtin")
    store.record_topics([(t.id, t.title, t.title_zh) for t in own.values()], "pack")
    if known_topic(text, [*shipped.values(), *own.values()]) is None and text.strip():
        store.record_typed_topic(text)
