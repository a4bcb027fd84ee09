"""A conversation with branches and feedback on three replies, built in a real SQLite file (no model needed).

Tree (ids grow along every path)::

    greeting ─ q1 ─ r1 👍 ─ q2 ─ r2a 👎 wrong_fact, better = r2b (a regenerated alternative), accuracy disputed
                           │     └ r2b
                           └ q2b (edited question, active) ─ r3  boring, better reply typed
"""

from __future__ import annotations

from dataclasses import dataclass

from app.feedback import FeedbackDraft, FeedbackService
from app.personas import PersonaLibrary
from app.prompt_builder import greeting
from app.store import Message, Store

TOPIC = "Convolutional neural networks"
MODEL = "qwen-test"
TYPED_BETTER = "池化层可以让特征图变小，同学，还能让小平移不影响结果喵~"


@dataclass
class Branchy:
    conversation_id: int
    greeting: Message
    q1: Message
    r1: Message
    q2: Message
    r2a: Message
    r2b: Message
    q2b: Message
    r3: Message


def build_branchy(store: Store, personas: PersonaLibrary) -> Branchy:
    c = store.create_conversation("xiaomiao", TOPIC, MODEL)
    hello = store.add_message(c.id, "assistant", greeting(personas.get("xiaomiao")))
    q1 = store.add_message(c.id, "user", "什么是卷积层？")
    r1 = store.add_message(c.id, "assistant", "卷积层用一个小小的卷积核在图片上滑动喵~")
    q2 = store.add_message(c.id, "user", "池化层呢？")
    r2a = store.add_message(c.id, "assistant", "池化层就是全连接层。")
    store.add_verdict(
        r2a.id,
        "persona-tutor",
        "test-1",
        {
            "consistency": {"label": "off", "score": 0.1, "reasons": ["no 喵"], "signals": [["catchphrase", 0, -2.5]]},
            "accuracy": {"label": "ok", "score": 0.9, "reasons": [], "signals": []},
        },
    )
    r2b = store.add_branch(r2a.id, "池化层把特征图缩小喵~ 最常用的是最大池化。")
    q2b = store.add_branch(q2.id, "池化层有什么用？")
    r3 = store.add_message(c.id, "assistant", "池化层有用。")
    return Branchy(c.id, hello, q1, r1, q2, r2a, r2b, q2b, r3)


def give_feedback(store: Store, t: Branchy) -> None:
    service = FeedbackService(store)
    service.set_thumbs(t.r1.id, 1)
    service.save(
        t.r2a.id,
        FeedbackDraft(
            thumbs=-1,
            reasons=("wrong_fact",),
            ratings={"role": 2, "accuracy": 1, "engagement": 3},
            comment="池化层不是全连接层",
            better_message_id=t.r2b.id,
            verdict_review={"accuracy": "disputed", "consistency": "confirmed"},
        ),
    )
    service.save(t.r3.id, FeedbackDraft(reasons=("boring",), better_reply=TYPED_BETTER))
