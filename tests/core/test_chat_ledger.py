"""The facts ledger in a real chat turn on the starter model: the learner's name becomes a row, and the next
turn's prompt carries it to the model (a row the learner switched off does not)."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.chat import ChatService
from app.checker import CHECKER_VERSION
from app.engine import LlamaEngine, SamplingParams
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage
from app.store import Store

SHORT = SamplingParams(max_tokens=12, seed=1)


@pytest.fixture
def service(tmp_path: Path, engine: LlamaEngine) -> Iterator[ChatService]:
    store = Store(tmp_path / "chat.db")
    yield ChatService(store, PersonaLibrary(), engine)
    store.close()


def record_prompts(monkeypatch: pytest.MonkeyPatch, engine: LlamaEngine) -> list[list[ChatMessage]]:
    """The real engine still answers; every prompt it is given is kept, newest last."""
    seen: list[list[ChatMessage]] = []
    generate = engine.generate

    def recording(messages: list[ChatMessage], *args: Any, **kwargs: Any) -> Any:
        seen.append(list(messages))
        return generate(messages, *args, **kwargs)

    monkeypatch.setattr(engine, "generate", recording)
    return seen


def test_the_ledger_reaches_the_prompt_of_the_next_turn(
    service: ChatService, engine: LlamaEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    first = service.send(conversation.id, "你好！我叫小明，我是初学者。", SHORT, threading.Event())
    rows = service.store.ledger(conversation.id)
    assert [(f.kind, f.subject, f.text, f.source_message_id) for f in rows][:2] == [
        ("learner", "name", "小明", first.user_message_id),
        ("learner", "level", "初学者", first.user_message_id),
    ]
    story = service.store.add_fact(conversation.id, "story", "毛线球", "红色", edited=True)
    service.store.set_fact_active(story.id, False)

    seen = record_prompts(monkeypatch, engine)
    second = service.send(conversation.id, "什么是池化层？", SHORT, threading.Event())
    assert second.status in ("complete", "interrupted") and second.timings is not None
    prompt = seen[-1]
    assert prompt[-1] == ChatMessage("user", "什么是池化层？")
    ledger = prompt[-2]
    assert ledger.role == "system" and ledger.content.startswith("Facts established in this conversation")
    assert "The learner's name is 小明" in ledger.content and "初学者" in ledger.content
    assert "毛线球" not in ledger.content  # switched off
    assert "小明" not in prompt[0].content  # the fixed system prompt (the reused prefix) is untouched
    assert service.store.verdicts(second.message_id)[-1].checker_version == CHECKER_VERSION == "1.8"


def test_an_edited_message_takes_its_facts_off_the_new_branch(
    service: ChatService, engine: LlamaEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    first = service.send(conversation.id, "你好！我叫小明。", SHORT, threading.Event())
    edited = service.edit_and_resend(first.user_message_id, "你好！我叫小红。", SHORT, threading.Event())
    store = service.store
    assert [f.text for f in store.branch_ledger(conversation.id)] == ["小红"]
    assert {f.text for f in store.ledger(conversation.id)} == {"小明", "小红"}  # the old branch keeps its row
    assert [f.text for f in store.branch_ledger(conversation.id, through=first.message_id)] == ["小明"]

    seen = record_prompts(monkeypatch, engine)
    service.send(conversation.id, "什么是池化层？", SHORT, threading.Event())
    block = seen[-1][-2]
    assert block.role == "system" and "The learner's name is 小红" in block.content
    assert "小明" not in block.content
    # the checker compares a reply on the new branch with the new branch's facts only
    verdict = service.verdict(conversation, seen[-1], "喵~ 你叫小红对吧？", question_id=edited.user_message_id)
    assert verdict is not None and "ledger" not in str(verdict["accuracy"]["reasons"])
    wrong = service.verdict(conversation, seen[-1], "喵~ 你叫小明对吧？", question_id=edited.user_message_id)
    assert wrong is not None and "contradicts the ledger: your name is 小红" in wrong["accuracy"]["reasons"]

    # back on the old branch, its facts are the ones that count again
    store.select_branch(first.user_message_id)
    assert [f.text for f in store.branch_ledger(conversation.id)] == ["小明"]
    again = service.send(conversation.id, "我叫小明，记住了吗？", SHORT, threading.Event())
    assert [f.text for f in store.branch_ledger(conversation.id)] == ["小明"]  # not recorded twice
    assert again.status in ("complete", "interrupted")
