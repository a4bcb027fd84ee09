"""Prompt records: kept per reply, read back whole, replaced by a newer prompt, gone with their message, small."""

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from app.context_window import ContextWindow
from app.engine import LlamaEngine, SamplingParams, Timings
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage, Recall, build_messages, greeting
from app.prompt_inspection import prompt_record
from app.store import PromptRecord, RecordedPart, Store
from tests.core.store.test_migrations import FIXTURE_V0001


def _record(message_id: int, tokens: int = 30) -> PromptRecord:
    parts = (
        RecordedPart("system_prompt", "System prompt", "你是小喵。", 10, "system", 0),
        RecordedPart("user", "Learner", "什么是卷积？", tokens - 18, "user", 1),
        RecordedPart("template", "Chat template markup", "<|im_start|>…", 8),
    )
    return PromptRecord(
        message_id, "Qwen", "starter.gguf", "llama.cpp", 2048, {"temperature": 0.7, "seed": None}, parts,
        "<|im_start|>system\n你是小喵。<|im_end|>…", tokens, 12,
    )  # fmt: skip


def _reply(store: Store) -> int:
    c = store.create_conversation("xiaomiao", "CNN", "starter")
    store.add_message(c.id, "user", "什么是卷积？")
    return store.add_message(c.id, "assistant", "喵~").id


def test_a_record_is_read_back_as_it_was_saved(store: Store) -> None:
    reply = _reply(store)
    assert store.prompt_record(reply) is None
    store.save_prompt_record(_record(reply))
    read = store.prompt_record(reply)
    assert read is not None and read.created_at is not None
    assert replace(read, created_at=None) == _record(reply)
    assert read.evaluated_tokens == 18
    assert read.to_json()["parts"][1] == {
        "kind": "user", "label": "Learner", "text": "什么是卷积？", "tokens": 12, "role": "user", "message": 1,
        "estimated": False,
    }  # fmt: skip


def test_a_newer_prompt_replaces_the_old_and_deleting_the_reply_removes_it(store: Store) -> None:
    reply = _reply(store)
    store.save_prompt_record(_record(reply, 30))
    store.save_prompt_record(_record(reply, 40))  # the reply was continued
    record = store.prompt_record(reply)
    assert record is not None and record.prompt_tokens == 40
    store.delete_message(reply)
    assert store.prompt_record(reply) is None
    assert sqlite3.connect(store.path).execute("SELECT count(*) FROM prompt_records").fetchone() == (0,)


def test_a_database_from_the_first_release_gains_the_table_empty(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE_V0001, path)
    store = Store(path)
    try:
        assert store.prompt_record(3) is None  # an old reply: no record, no error
        store.save_prompt_record(_record(3))
        assert store.prompt_record(3) is not None
    finally:
        store.close()


def test_sixty_turns_of_records_stay_small(store: Store, engine: LlamaEngine) -> None:
    """Every prompt repeats the system message and the history; compressed, 60 turns in a full 2048-token
    context take well under a megabyte (measured: about 125 kB, or 2 kB a reply)."""
    persona = PersonaLibrary().get("xiaomiao")
    c = store.create_conversation("xiaomiao", "CNN", "starter")
    window, history = ContextWindow(), [ChatMessage("assistant", greeting(persona))]
    params = SamplingParams(max_tokens=256)
    budget = engine.context_size - params.max_tokens
    raw = 0
    for turn in range(60):
        history.append(ChatMessage("user", f"第{turn}个问题：卷积层和池化层有什么区别？请举一个猫咪的例子。"))

        def render(kept: list[ChatMessage], dropped: list[ChatMessage]) -> list[ChatMessage]:
            return build_messages(persona, "CNN", kept, recall=Recall(("同学喜欢猫",)))

        messages = window.fit(c.id, history, render, engine.count_tokens, budget)
        reply = store.add_message(
            c.id, "assistant", "喵~ " + "卷积核在图片上滑动，提取边缘和纹理；池化把特征图缩小。" * 4
        )
        tokens = len(engine.render(messages)[0])
        record = prompt_record(engine, reply.id, messages, params, Timings(0.1, tokens, tokens - 40, 100, 10.0))
        assert sum(p.tokens for p in record.parts) == tokens
        store.save_prompt_record(record)
        raw += len(record.template.encode()) + sum(len(p.text.encode()) for p in record.parts)
        history.append(ChatMessage("assistant", reply.content))
    stored = sqlite3.connect(store.path).execute("SELECT sum(length(body)), count(*) FROM prompt_records").fetchone()
    assert stored[1] == 60
    print(f"60 prompt records: {stored[0]:,} bytes stored, {raw:,} bytes of text")
    assert stored[0] < 300_000
    assert stored[0] < raw / 4
