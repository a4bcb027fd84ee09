"""Long conversations never fail and do not re-evaluate everything on every turn."""

import itertools
import threading
from pathlib import Path

import pytest

from app.chat import ChatService
from app.context_window import ContextWindow
from app.engine import LlamaEngine, SamplingParams
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage
from app.store import Store


def _render(kept: list[ChatMessage], dropped: list[ChatMessage] = []) -> list[ChatMessage]:  # noqa: B006
    return [ChatMessage("system", "S" * 10), *kept]


def _count(messages: list[ChatMessage]) -> int:
    return sum(len(m.content) for m in messages)


def _history(turns: int) -> list[ChatMessage]:
    history = [ChatMessage("assistant", "G" * 10)]
    for n in range(turns):
        history += [ChatMessage("user", f"{n:02d}" + "u" * 8), ChatMessage("assistant", "a" * 10)]
    return history


def test_nothing_is_dropped_while_it_fits() -> None:
    window = ContextWindow()
    history = [*_history(3), ChatMessage("user", "q")]
    assert window.fit(1, history, _render, _count, budget=1000) == _render(history)
    assert window.cut(1) == 0


def test_overflow_drops_a_large_chunk_after_the_greeting_and_remembers_it() -> None:
    window = ContextWindow(keep_ratio=0.5)
    history = [*_history(10), ChatMessage("user", "q" * 10)]  # 10 + 10 + 200 + 10 = 230 chars
    messages = window.fit(1, history, _render, _count, budget=200)
    assert _count(messages) <= 100
    assert messages[1] == history[0]  # the greeting stays
    assert messages[2].role == "user"  # the kept part starts with a question
    assert messages[-1] == history[-1]
    cut = window.cut(1)
    assert cut > 0
    # The next turns only append: the cut stays where it was until the budget is reached again.
    longer = [*history, ChatMessage("assistant", "a" * 10), ChatMessage("user", "r" * 10)]
    window.fit(1, longer, _render, _count, budget=200)
    assert window.cut(1) == cut


def test_a_single_huge_turn_still_yields_a_prompt() -> None:
    window = ContextWindow()
    history = [ChatMessage("assistant", "G"), ChatMessage("user", "x" * 500)]
    messages = window.fit(1, history, _render, _count, budget=100)
    assert messages[-1] == history[-1]


def test_bad_ratio() -> None:
    with pytest.raises(ValueError):
        ContextWindow(keep_ratio=0)


def test_real_model_overflows_several_times_without_failing(tmp_path: Path, engine: LlamaEngine) -> None:
    store = Store(tmp_path / "long.db")
    service = ChatService(store, PersonaLibrary(), engine)
    conversation = service.start("xiaomiao", "CNN", "starter")
    params = SamplingParams(max_tokens=8, seed=1)
    cuts = []
    cached_ratios = []
    summaries: list[str] = []
    for n in range(24):
        # long questions fill the 2048-token context quickly without long generations
        result = service.send(
            conversation.id, f"第{n}个问题：" + "卷积核在图像上滑动。" * 12, params, threading.Event()
        )
        assert result.status == "complete"
        assert result.timings is not None
        assert result.timings.prompt_tokens + params.max_tokens <= engine.context_size
        cuts.append(service.window.cut(conversation.id))
        cached_ratios.append(result.timings.cached_prompt_tokens / result.timings.prompt_tokens)
        made = service.summarize_ahead(conversation.id, params, threading.Event())  # what the worker does when idle
        if made:
            summaries.append(made)
    moves = sum(1 for a, b in itertools.pairwise(cuts) if b != a)
    assert moves >= 2  # it overflowed several times
    assert moves <= len(cuts) // 3  # in chunks, not on every turn
    steady = [r for r, a, b in zip(cached_ratios[1:], cuts, cuts[1:], strict=False) if a == b]
    assert sum(steady) / len(steady) > 0.8  # turns between cuts reuse the cache
    assert len(store.messages(conversation.id)) == 1 + 2 * 24  # nothing is lost from the store
    # the model summarized ahead of the cuts, rolling (a few times, not on every idle moment), and the
    # system message recalls the dropped turns with the model's newest summary
    assert 1 <= len(summaries) <= moves + 1
    stored = store.summaries(conversation.id)
    assert [s.text for s in stored] == summaries
    assert all(s.first_message_id == stored[0].first_message_id for s in stored)
    system = service._fitted_prompt(store.conversation(conversation.id), params)[0].content
    assert "Earlier in this conversation" in system
    assert any(text in system for text in summaries)
