"""Whatever a learner pastes — 200,000 characters, control characters, lone surrogates, RTL marks, emoji — is
stored, answered on the real model, and cut for the model only with a notice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import chat
from app.chat import MAX_MESSAGE_CHARS, ChatService, clean_text, shown_to_model
from app.engine import LlamaEngine, SamplingParams
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage
from app.store import Store

PARAMS = SamplingParams(max_tokens=8, seed=3)
NASTY = "控制\x00字符\x01\x07\x1b[31m红\x7f 🐱👩‍👩‍👧 ‮右到左‬ ‏עברית‎ 𝔘𝔫𝔦 e\u0301 \ufeff\u200b 零宽 \r\n\t 末尾"


@pytest.fixture
def service(tmp_path: Path, engine: LlamaEngine) -> Iterator[ChatService]:
    store = Store(tmp_path / "chat.db")
    yield ChatService(store, PersonaLibrary(), engine)
    store.close()


def test_lone_surrogates_become_replacement_characters_and_pairs_are_joined() -> None:
    assert clean_text("a\ud800b") == "a\ufffdb"
    assert clean_text("\udfff") == "\ufffd"
    assert clean_text("\ud83d\ude00") == "😀"  # a pair split by a bad paste is put back together
    assert clean_text("a\x00b") == "a\ufffdb"  # SQLite's full-text index would stop reading at NUL
    assert clean_text(NASTY) == NASTY.replace("\x00", "\ufffd")  # everything else is kept exactly


def test_a_long_message_is_cut_for_the_model_with_a_note() -> None:
    assert shown_to_model("abc", 3) == "abc"
    cut = shown_to_model("x" * 10, 4)
    assert cut.startswith("xxxx\n\n[… 6 more characters")


@pytest.mark.timeout(300)
def test_a_200k_character_message_is_stored_whole_and_answered_with_a_notice(
    service: ChatService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat, "MAX_MESSAGE_CHARS", 400)  # a short prefill on 2 busy cores; the cut is the same
    conversation = service.start("xiaomiao", "CNN", "starter")
    text = ("请解释卷积。" + "Convolution slides a kernel over the image. " * 10) * 500
    text = text[:200_000]
    assert len(text) == 200_000
    result = service.send(conversation.id, text, PARAMS, threading.Event())
    assert result.status == "complete"
    read = service.chars_read(text)
    assert 0 < read <= service.message_limit() <= chat.MAX_MESSAGE_CHARS < MAX_MESSAGE_CHARS
    assert result.notice is not None and "200,000 characters" in result.notice and f"{read:,}" in result.notice
    assert result.to_json()["notice"] == result.notice
    stored = service.store.message(result.user_message_id)
    assert stored.content == text  # nothing lost
    assert result.timings is not None and result.timings.prompt_tokens < service.backend.context_size  # type: ignore[union-attr]
    # the next turn still fits: the long message stays cut in the history
    follow = service.send(conversation.id, "池化呢？", PARAMS, threading.Event())
    assert follow.status == "complete" and follow.notice is None


@pytest.mark.timeout(300)
def test_control_characters_surrogates_rtl_and_emoji_are_answered_and_kept(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    result = service.send(conversation.id, NASTY + "\ud800", PARAMS, threading.Event())
    assert result.status == "complete" and result.notice is None
    stored = service.store.message(result.user_message_id)
    assert stored.content == NASTY.replace("\x00", "\ufffd") + "\ufffd"
    hits = service.store.search("右到左 末尾")
    assert [h.message_id for h in hits] == [result.user_message_id]
    assert service.store.conversation(conversation.id).title.startswith("控制")


def test_emoji_and_marks_are_cut_by_tokens_not_only_characters(service: ChatService) -> None:
    text = "🐱\u202e👩‍👩‍👧\u202c" * 5_000  # several tokens per character
    read = service.chars_read(text)
    assert read < service.message_limit()
    budget = service.backend.context_size // 2  # type: ignore[union-attr]
    shown = [ChatMessage("user", shown_to_model(text, read))]
    assert service.backend.count_tokens(shown) <= budget  # type: ignore[union-attr]
    longer = [ChatMessage("user", shown_to_model(text, read + 1))]
    assert service.backend.count_tokens(longer) > budget  # type: ignore[union-attr]
    assert service.chars_read("短消息") == 3


def test_card_text_with_a_lone_surrogate_does_not_break_the_prompt(engine: LlamaEngine) -> None:
    tokens, _ = engine.render([ChatMessage("system", "喵\ud800"), ChatMessage("user", "hi\udfff")])
    assert tokens
