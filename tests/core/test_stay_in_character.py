"""Stay in character, on the real starter model: an off-persona reply is written once more, both versions are
kept, and the one with the higher Persona score is the active one.

Asked plainly "什么是卷积层？", the 0.5B starter model drops 小喵's voice and lectures (no 喵): the Persona badge
calls that off. The assertions are about the mechanism, not the wording of either reply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import Completion, LlamaEngine, SamplingParams, Timings
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage
from app.store import Store

QUESTION = "什么是卷积层？"
PARAMS = SamplingParams(max_tokens=24, seed=3)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "chat.db")
    yield s
    s.close()


def _persona_score(store: Store, message_id: int) -> float:
    return float(store.latest_verdicts([message_id])[message_id]["consistency"]["score"])


def test_an_off_persona_reply_is_written_again_and_the_better_one_shown(store: Store, engine: LlamaEngine) -> None:
    service = ChatService(store, PersonaLibrary(), engine, stay_in_character=True)
    retries: list[bool] = []
    service.on_retry = lambda: retries.append(True)
    conversation = service.start("xiaomiao", "CNN", "starter")
    result = service.send(conversation.id, QUESTION, PARAMS, threading.Event())

    assert retries == [True] and result.alternative_id is not None and result.notice
    versions = store.siblings(result.message_id)
    assert sorted(v.id for v in versions) == sorted([result.message_id, result.alternative_id])
    assert all(v.status == "complete" and v.content for v in versions)  # both kept
    active = store.messages(conversation.id)[-1]
    assert active.id == result.message_id and active.content == result.reply
    assert _persona_score(store, result.message_id) >= _persona_score(store, result.alternative_id)
    first = min(versions, key=lambda v: v.id)
    assert store.latest_verdicts([first.id])[first.id]["consistency"]["label"] == "off"


def test_off_by_default_one_reply_only(store: Store, engine: LlamaEngine) -> None:
    service = ChatService(store, PersonaLibrary(), engine)
    conversation = service.start("xiaomiao", "CNN", "starter")
    result = service.send(conversation.id, QUESTION, PARAMS, threading.Event())
    assert result.verdict is not None and result.verdict["consistency"]["label"] == "off"  # the same reply as above
    assert result.alternative_id is None and [v.id for v in store.siblings(result.message_id)] == [result.message_id]


class ScriptedBackend:
    """Replies from a list, one per call: the branches the real model cannot be steered into on demand
    (the retry coming out worse, a stopped reply). The main path above runs on the real model."""

    model_name = "scripted"
    context_size = 4096

    def __init__(self, replies: list[str]) -> None:
        self.replies = replies
        self.calls: list[SamplingParams] = []

    def generate(
        self,
        messages: Sequence[ChatMessage],
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
        prefix: str = "",
    ) -> Completion:
        self.calls.append(params)
        text = self.replies[len(self.calls) - 1]
        return Completion(text, "cancelled" if cancel.is_set() else "stop", Timings(0.1, 10, 0, 5, 50.0))

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return sum(len(m.content) for m in messages)

    def close(self) -> None:
        pass


LECTURE = "卷积层是神经网络中的一层。它用卷积核提取特征。以下是具体步骤：1. 输入图像。2. 计算特征图。"
WORSE = "As an AI language model, I can explain: a convolution layer applies filters to the input image."


def test_the_first_version_stays_active_when_the_second_is_worse(store: Store) -> None:
    backend = ScriptedBackend([LECTURE, WORSE])
    service = ChatService(store, PersonaLibrary(), backend, stay_in_character=True)
    conversation = service.start("xiaomiao", "CNN", "scripted")
    result = service.send(conversation.id, QUESTION, PARAMS, threading.Event())
    assert [p.seed for p in backend.calls] == [3, 4]  # a fixed seed moves on, or the retry would repeat the reply
    assert result.reply == LECTURE and result.notice and "first version" in result.notice
    assert store.messages(conversation.id)[-1].id == result.message_id
    assert result.alternative_id is not None and store.message(result.alternative_id).content == WORSE
    assert _persona_score(store, result.message_id) >= _persona_score(store, result.alternative_id)


def test_a_stopped_reply_is_not_written_again(store: Store) -> None:
    backend = ScriptedBackend([LECTURE, WORSE])
    service = ChatService(store, PersonaLibrary(), backend, stay_in_character=True)
    conversation = service.start("xiaomiao", "CNN", "scripted")
    cancel = threading.Event()
    cancel.set()
    result = service.send(conversation.id, QUESTION, PARAMS, cancel)
    assert result.status == "interrupted" and result.alternative_id is None and len(backend.calls) == 1
