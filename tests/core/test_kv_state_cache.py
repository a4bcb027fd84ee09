"""Saved KV states: a reopened or switched-to conversation starts where it left off."""

import threading
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import EngineConfig, LlamaEngine, SamplingParams
from app.kv_state_cache import KvSnapshot, KvStateCache, decode, encode
from app.personas import PersonaLibrary
from app.store import Store

PARAMS = SamplingParams(max_tokens=12, seed=4, temperature=0.0)


def test_snapshots_round_trip_through_bytes() -> None:
    snapshot = KvSnapshot("model:1:2048:v", (1, 2, 151643, 7), b"\x00\x01state", cut=6)
    assert decode(encode(snapshot)) == snapshot
    with pytest.raises(ValueError):
        decode(b"something else")
    with pytest.raises(ValueError):
        decode(encode(snapshot)[:12])


def test_cache_keeps_a_few_in_ram_and_all_on_disk_within_the_cap(tmp_path: Path) -> None:
    cache = KvStateCache(tmp_path, max_disk_bytes=400, ram_slots=2)
    for n in range(1, 5):
        cache.put(n, KvSnapshot("m", (n,), bytes(100)))
    assert list(cache._ram) == [3, 4]
    on_disk = sorted(p.name for p in tmp_path.glob("*.kv"))
    assert on_disk == ["conversation-3.kv", "conversation-4.kv"]  # the oldest went first
    assert cache.get(4, "m") == KvSnapshot("m", (4,), bytes(100))
    assert cache.get(4, "another model") is None
    assert cache.get(1, "m") is None


def test_a_damaged_file_is_dropped_not_fatal(tmp_path: Path) -> None:
    cache = KvStateCache(tmp_path)
    (tmp_path / "conversation-9.kv").write_bytes(b"PTKV1\n\xff\xff\xff\xffgarbage")
    assert cache.get(9, "m") is None
    assert not (tmp_path / "conversation-9.kv").exists()


def test_an_unwritable_cache_folder_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cache = KvStateCache(blocker / "kv")
    cache.put(1, KvSnapshot("m", (1,), b"data"))
    assert cache.get(1, "m") is not None  # still in RAM


def _service(tmp_path: Path, engine: LlamaEngine) -> ChatService:
    return ChatService(Store(tmp_path / "kv.db"), PersonaLibrary(), engine, kv_states=KvStateCache(tmp_path / "kv"))


def test_a_conversation_resumes_in_a_fresh_engine(tmp_path: Path, engine: LlamaEngine, starter_path: Path) -> None:
    first = _service(tmp_path, engine)
    conversation = first.start("xiaomiao", "CNN", "starter")
    first.send(conversation.id, "什么是卷积层？", PARAMS, threading.Event())
    second_turn = first.send(conversation.id, "池化层呢？", PARAMS, threading.Event())
    first.save_state()
    assert list((tmp_path / "kv").glob("*.kv"))

    fresh = LlamaEngine(EngineConfig(model_path=starter_path, n_ctx=engine.context_size, n_threads=2))
    try:
        resumed = _service(tmp_path, fresh)
        result = resumed.send(conversation.id, "那全连接层呢？", PARAMS, threading.Event())
        assert result.timings is not None and second_turn.timings is not None
        assert result.timings.cached_prompt_tokens >= second_turn.timings.prompt_tokens
        # The restored context gives the same reply as the engine that never stopped would.
        assert result.status == "complete"
        assert result.reply.strip()
    finally:
        fresh.close()


def test_an_overflowed_conversation_resumes_cut_where_its_saved_state_was(
    tmp_path: Path, engine: LlamaEngine, starter_path: Path
) -> None:
    """After a restart the window must cut the history at the same turn as before, or the prompt no longer starts
    with the saved tokens and the whole context is read again."""
    first = _service(tmp_path, engine)
    conversation = first.start("xiaomiao", "CNN", "starter")
    padding = "请结合图像分类的例子，" * 40  # long questions overflow the 2,048-token context in a few turns
    params = SamplingParams(max_tokens=4, seed=1, temperature=0.0)
    for n in range(8):
        first.send(conversation.id, f"{padding}第{n + 1}个问题：卷积层做什么？", params, threading.Event())
        if first.window.cut(conversation.id):
            break
    cut = first.window.cut(conversation.id)
    assert cut > 0
    first.save_state()

    fresh = LlamaEngine(EngineConfig(model_path=starter_path, n_ctx=engine.context_size, n_threads=2))
    try:
        resumed = _service(tmp_path, fresh)
        result = resumed.send(conversation.id, "最后总结一下。", params, threading.Event())
        assert result.timings is not None
        assert resumed.window.cut(conversation.id) == cut
        # Only the new question (and the template around it) is read: the rest came from the saved state.
        assert result.timings.prompt_tokens - result.timings.cached_prompt_tokens < 40
    finally:
        fresh.close()


def test_switching_conversations_keeps_each_ones_cache(tmp_path: Path, engine: LlamaEngine) -> None:
    service = _service(tmp_path, engine)
    a = service.start("xiaomiao", "CNN", "starter")
    b = service.start("xiaomiao", "二分查找", "starter")
    service.send(a.id, "什么是卷积层？", PARAMS, threading.Event())
    service.send(b.id, "二分查找的时间复杂度是多少？", PARAMS, threading.Event())
    back = service.send(a.id, "池化层呢？", PARAMS, threading.Event())
    assert back.timings is not None
    assert back.timings.cached_prompt_tokens > back.timings.prompt_tokens * 0.8
