"""Benchmarks that compare side by side in one run, so that a noisy shared machine cancels out.

``engine``: the app's full reply pipeline against a bare llama-cpp-python generate loop (``decode_ratio``),
and time to first token as a scripted conversation grows, with KV-cache reuse and without it.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.chat import ChatService
from app.engine import EngineConfig, LlamaEngine, SamplingParams
from app.kv_state_cache import KvStateCache
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage
from app.store import Store

Progress = Callable[[str], None]

QUESTIONS = (
    "什么是卷积层？",
    "卷积核的大小怎么选？",
    "步长和填充有什么作用？",
    "池化层为什么能减少计算量？",
    "什么是感受野？",
    "为什么卷积网络适合处理图像？",
    "ReLU 在卷积网络里起什么作用？",
    "批归一化放在哪里比较好？",
    "什么是残差连接？",
    "1×1 卷积有什么用？",
    "数据增强怎么帮助训练？",
    "怎么判断模型过拟合了？",
)
DECODE_PROMPT = "请详细介绍卷积神经网络的发展历史，从 LeNet 讲到 ResNet，每个模型写一段。"


@dataclass(frozen=True)
class EngineBenchConfig:
    model_path: Path
    threads: int | None = None
    decode_tokens: int = 128
    decode_rounds: int = 4
    turns: int = 60
    turn_tokens: int = 48
    n_ctx: int = 2048  # small on purpose: the scripted conversation overflows it several times


def _bare_tokens_per_s(engine: LlamaEngine, messages: list[ChatMessage], n_tokens: int, seed: int) -> float:
    """llama-cpp-python's own generate loop on the same prompt, sampler and model: the ceiling."""
    llm = engine.llama
    tokens, _stop = engine.render(messages)
    llm.reset()
    llm.set_seed(seed)
    produced = 0
    first = last = 0.0
    for token in llm.generate(tokens, temp=0.7, top_p=0.9, top_k=40, min_p=0.05, repeat_penalty=1.1):
        now = time.perf_counter()
        if produced == 0:
            first = now
        last = now
        produced += 1
        if produced >= n_tokens or llm.token_eos() == token:
            break
    return (produced - 1) / (last - first) if produced > 1 and last > first else 0.0


def _app_tokens_per_s(engine: LlamaEngine, service: ChatService, conversation_id: int, params: SamplingParams) -> float:
    engine.llama.reset()
    result = service.send(conversation_id, DECODE_PROMPT, params, threading.Event())
    assert result.timings is not None
    return result.timings.tokens_per_s


def _decode_ratio(config: EngineBenchConfig, db_dir: Path) -> dict[str, float]:
    engine = LlamaEngine(EngineConfig(config.model_path, n_ctx=config.n_ctx, n_threads=config.threads))
    store = Store(db_dir / "decode.db")
    try:
        service = ChatService(store, PersonaLibrary(), engine)
        persona = PersonaLibrary().get("xiaomiao")
        bare: list[float] = []
        app: list[float] = []
        for round_ in range(config.decode_rounds):
            conversation = service.start(persona.id, "CNN", "bench")
            params = SamplingParams(max_tokens=config.decode_tokens, seed=round_)
            # The same reply both ways, one right after the other, in alternating order (app first, then bare
            # first): a shared machine's speed drifts by 10-20 % within a minute, and that drift would otherwise
            # count against whichever loop always runs second.
            messages = [*service.prompt(store.conversation(conversation.id)), ChatMessage("user", DECODE_PROMPT)]
            if round_ % 2 == 0:
                app.append(_app_tokens_per_s(engine, service, conversation.id, params))
                bare.append(_bare_tokens_per_s(engine, messages, config.decode_tokens, round_))
            else:
                bare.append(_bare_tokens_per_s(engine, messages, config.decode_tokens, round_))
                app.append(_app_tokens_per_s(engine, service, conversation.id, params))
        return {
            "app_tokens_per_s": round(statistics.median(app), 2),
            "bare_tokens_per_s": round(statistics.median(bare), 2),
            # each round's pair compared, then the middle of those: one slow minute moves one pair, not the result
            "decode_ratio": round(statistics.median(a / b for a, b in zip(app, bare, strict=True)), 3),
        }
    finally:
        engine.close()
        store.close()


def _ttft_series(config: EngineBenchConfig, db_dir: Path, reuse: bool, progress: Progress) -> tuple[list[float], int]:
    """First-token times of a scripted conversation, and its id (its KV state saved when ``reuse``)."""
    engine = LlamaEngine(
        EngineConfig(config.model_path, n_ctx=config.n_ctx, n_threads=config.threads, reuse_prefix=reuse)
    )
    store = Store(db_dir / f"turns-{reuse}.db")
    try:
        kv_states = KvStateCache(db_dir / "kv") if reuse else None
        service = ChatService(store, PersonaLibrary(), engine, kv_states=kv_states)
        conversation = service.start("xiaomiao", "Convolutional neural networks", "bench")
        series = []
        for turn in range(config.turns):
            question = QUESTIONS[turn % len(QUESTIONS)]
            params = SamplingParams(max_tokens=config.turn_tokens, seed=turn)
            result = service.send(conversation.id, question, params, threading.Event())
            assert result.timings is not None
            series.append(result.timings.ttft_s)
            if (turn + 1) % 10 == 0 or turn + 1 == config.turns:
                label = "with KV reuse" if reuse else "re-evaluating every turn"
                progress(f"{label}: turn {turn + 1}/{config.turns}, first token {result.timings.ttft_s:.2f} s")
        service.save_state()
        return series, conversation.id
    finally:
        engine.close()
        store.close()


def _resume_ttft(config: EngineBenchConfig, db_dir: Path, conversation_id: int, saved_state: bool) -> float:
    """First token of the next turn in a fresh engine (as after a restart), with or without the saved state."""
    engine = LlamaEngine(EngineConfig(config.model_path, n_ctx=config.n_ctx, n_threads=config.threads))
    copy = db_dir / f"resume-{saved_state}.db"  # each measurement continues the same history
    shutil.copyfile(db_dir / "turns-True.db", copy)
    store = Store(copy)
    try:
        kv_states = KvStateCache(db_dir / "kv") if saved_state else None
        service = ChatService(store, PersonaLibrary(), engine, kv_states=kv_states)
        params = SamplingParams(max_tokens=config.turn_tokens, seed=0)
        result = service.send(conversation_id, "最后总结一下今天学的内容。", params, threading.Event())
        assert result.timings is not None
        return result.timings.ttft_s
    finally:
        engine.close()
        store.close()


def _quiet(_line: str) -> None:
    pass


def run_engine_bench(config: EngineBenchConfig, progress: Progress = _quiet) -> dict[str, Any]:
    """Everything side by side in one run; ``progress`` hears where a long run is (a line per phase and every ten
    turns), since the whole takes many minutes on two cores."""
    with tempfile.TemporaryDirectory(prefix="persona-tutor-bench-") as tmp:
        db_dir = Path(tmp)
        progress("decode speed: app pipeline vs bare llama-cpp-python")
        decode = _decode_ratio(config, db_dir)
        progress(f"decode_ratio {decode['decode_ratio']}; first-token times over {config.turns} turns")
        reused, conversation_id = _ttft_series(config, db_dir, True, progress)
        naive, _ = _ttft_series(config, db_dir, False, progress)
        progress("first token after a restart, with and without the saved state")
        resume = _resume_ttft(config, db_dir, conversation_id, saved_state=True)
        resume_naive = _resume_ttft(config, db_dir, conversation_id, saved_state=False)
    warm = statistics.median(reused[1:])
    return {
        **decode,
        "turns": config.turns,
        "ttft_turn1_s": round(reused[0], 3),
        f"ttft_turn{config.turns}_s": round(reused[-1], 3),
        "ttft_growth": round(reused[-1] / reused[0], 2),
        "ttft_growth_naive": round(naive[-1] / naive[0], 2),
        f"ttft_turn{config.turns}_naive_s": round(naive[-1], 3),
        "warm_ttft_s": round(warm, 3),
        "resume_ttft_s": round(resume, 3),
        "resume_ttft_naive_s": round(resume_naive, 3),
        "resume_vs_warm": round(resume / warm, 2),
    }


def format_table(result: dict[str, Any]) -> str:
    width = max(len(k) for k in result)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in result.items())
