"""Stay in character, on the real starter model: an off-persona reply is written once more, both versions are
kept, and the one with the higher Persona score is the active one.

Asked plainly "什么是卷积层？", the 0.5B starter model drops 小喵's voice and lectures (no 喵): the Persona badge
calls that off. The assertions are about the mechanism, not the wording of either reply.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.personas import PersonaLibrary
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
