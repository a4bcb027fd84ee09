"""The engine against the real starter model."""

import threading
from pathlib import Path

import pytest

from app.engine import EngineConfig, LlamaEngine, SamplingParams
from app.errors import ModelError
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage, build_messages, greeting

SHORT = SamplingParams(max_tokens=24, seed=7, temperature=0.0)


def _conversation(*turns: str) -> list[ChatMessage]:
    persona = PersonaLibrary().get("xiaomiao")
    history = [ChatMessage("assistant", greeting(persona))]
    for n, text in enumerate(turns):
        history.append(ChatMessage("user" if n % 2 == 0 else "assistant", text))
    return build_messages(persona, "Convolutional neural networks", history)


def test_reply_streams_through_the_callback(engine: LlamaEngine) -> None:
    pieces: list[str] = []
    completion = engine.generate(_conversation("什么是卷积层？"), SHORT, threading.Event(), pieces.append)
    assert completion.text.strip()
    assert "".join(pieces) == completion.text
    assert len(pieces) > 1
    t = completion.timings
    assert t.prompt_tokens > 100
    assert 0 < t.generated_tokens <= SHORT.max_tokens
    assert t.ttft_s > 0
    assert t.tokens_per_s > 0


def test_the_template_comes_from_the_gguf(engine: LlamaEngine) -> None:
    tokens, stop = engine.render([ChatMessage("system", "S"), ChatMessage("user", "U")])
    assert stop == ["<|im_end|>"]
    text = engine._llm.detokenize(tokens, special=True).decode()
    assert text.startswith("<|im_start|>system\nS<|im_end|>")
    assert text.endswith("<|im_start|>assistant\n")


def test_second_turn_reuses_the_cached_prefix(engine: LlamaEngine) -> None:
    cancel = threading.Event()
    first = engine.generate(_conversation("什么是卷积层？"), SHORT, cancel)
    second = engine.generate(_conversation("什么是卷积层？", first.text, "池化层呢？"), SHORT, cancel)
    assert second.timings.cached_prompt_tokens > first.timings.prompt_tokens // 2
    assert second.timings.cached_prompt_tokens < second.timings.prompt_tokens


def test_cancel_stops_between_tokens(engine: LlamaEngine) -> None:
    cancel = threading.Event()
    pieces: list[str] = []

    def on_token(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 3:
            cancel.set()

    params = SamplingParams(max_tokens=200, seed=1)
    completion = engine.generate(_conversation("详细讲讲卷积神经网络的历史。"), params, cancel, on_token)
    assert completion.finish_reason == "cancelled"
    assert len(pieces) == 3
    assert completion.text == "".join(pieces)


def test_max_tokens_ends_with_length(engine: LlamaEngine) -> None:
    completion = engine.generate(
        _conversation("详细讲讲卷积神经网络的历史。"), SamplingParams(max_tokens=5, seed=1), threading.Event()
    )
    assert completion.finish_reason == "length"
    assert completion.timings.generated_tokens == 5


def test_the_engine_refuses_other_threads(engine: LlamaEngine) -> None:
    errors: list[BaseException] = []

    def call() -> None:
        try:
            engine.count_tokens([ChatMessage("user", "hi")])
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    assert errors and "thread" in str(errors[0])


@pytest.mark.parametrize("content", [b"", b"not a model at all", b"GGUF\x03\x00\x00\x00truncated"])
def test_bad_model_files_are_model_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError):
        LlamaEngine(EngineConfig(model_path=path))


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        LlamaEngine(EngineConfig(model_path=tmp_path / "nope.gguf"))


def test_stop_during_prompt_evaluation_aborts_it_and_leaves_a_usable_context(engine: LlamaEngine) -> None:
    long_question = "请解释下面这段话：" + "卷积核在图像上滑动，逐点相乘再求和，得到特征图。" * 60
    messages = _conversation(long_question)
    total = engine.count_tokens(messages)
    engine.llama.reset()
    cancel = threading.Event()
    timer = threading.Timer(0.05, cancel.set)
    timer.start()
    completion = engine.generate(messages, SamplingParams(max_tokens=8, temperature=0.0), cancel)
    timer.join()
    assert completion.finish_reason == "cancelled"
    assert completion.text == ""
    assert engine.llama.n_tokens < total  # the prompt was not evaluated to the end

    resumed = engine.generate(messages, SamplingParams(max_tokens=8, temperature=0.0), threading.Event())
    engine.llama.reset()
    fresh = engine.generate(messages, SamplingParams(max_tokens=8, temperature=0.0), threading.Event())
    assert resumed.text == fresh.text
    assert resumed.finish_reason != "cancelled"


def test_an_abort_nobody_asked_for_is_retried(engine: LlamaEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    messages = _conversation("什么是卷积层？" + "请详细说明。" * 30)
    engine.llama.reset()
    armed = LlamaEngine._abort_prefill_on
    stray = threading.Event()
    stray.set()

    def arm_with_a_stray_event(self: LlamaEngine, cancel: threading.Event | None) -> None:
        armed(self, stray if cancel is not None else None)

    monkeypatch.setattr(LlamaEngine, "_abort_prefill_on", arm_with_a_stray_event)
    completion = engine.generate(messages, SamplingParams(max_tokens=6, temperature=0.0), threading.Event())
    assert completion.finish_reason != "cancelled"
    assert completion.text


def test_flash_attention_and_a_q8_kv_cache_work_on_a_cpu_build(starter_path: Path) -> None:
    engine = LlamaEngine(EngineConfig(model_path=starter_path, n_ctx=512, n_threads=2, kv_type="q8_0"))
    try:
        completion = engine.generate(
            [ChatMessage("user", "Say hi.")], SamplingParams(max_tokens=4, seed=1), threading.Event()
        )
        assert completion.text.strip()
    finally:
        engine.close()
    with pytest.raises(ModelError, match="KV cache type"):
        LlamaEngine(EngineConfig(model_path=starter_path, kv_type="q4_weird"))


def test_an_engine_nobody_holds_is_freed_at_once_not_by_the_cycle_collector(starter_path: Path) -> None:
    """The cyclic collector finalizes llama.cpp's model and context in no set order (freeing a context after its
    model corrupts the heap): an engine must not sit in a reference cycle of its own."""
    import gc
    import weakref

    engine = LlamaEngine(EngineConfig(model_path=starter_path, n_ctx=256, n_threads=2))
    engine.generate([ChatMessage("user", "Hi")], SamplingParams(max_tokens=2, seed=1), threading.Event())
    llama = weakref.ref(engine._llm)
    gc.disable()
    try:
        del engine
        assert llama() is None
    finally:
        gc.enable()


def test_an_engine_in_a_reference_cycle_closes_its_model_in_order(starter_path: Path) -> None:
    """Whatever holds an unclosed engine in a cycle, the collector only drops the engine; its finalizer closes
    llama.cpp's context and model through Llama.close, in that order."""
    import gc

    engine = LlamaEngine(EngineConfig(model_path=starter_path, n_ctx=256, n_threads=2))
    llama_context = engine._llm._ctx
    engine.cycle = engine  # type: ignore[attr-defined]
    finalizer = engine._free
    del engine
    gc.collect()
    assert not finalizer.alive
    assert llama_context.ctx is None  # freed by Llama.close, not by the collector finalizing parts one by one
