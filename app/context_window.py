"""Which turns the model sees once a conversation outgrows the context.

When the prompt would overflow, the oldest turns after the fixed prefix (system message and greeting) are
dropped in one large chunk, down to ``keep_ratio`` of the budget, and the cut is remembered: the following
turns only append, so llama.cpp keeps reusing its KV cache and a re-evaluation happens once per chunk rather
than on every turn (as llama.cpp's server and KoboldCpp do when they shift the context). The renderer is told
which turns were dropped, so the prompt can recall them in a summary that changes only when the cut moves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.prompt_builder import ChatMessage

Render = Callable[[list[ChatMessage], list[ChatMessage]], list[ChatMessage]]  # (kept turns, dropped turns)
Count = Callable[[list[ChatMessage]], int]


class ContextWindow:
    """Per-conversation cut points; one instance lives as long as the engine's KV cache does."""

    def __init__(self, keep_ratio: float = 0.5) -> None:
        if not 0 < keep_ratio <= 1:
            raise ValueError("keep_ratio must be in (0, 1]")
        self.keep_ratio = keep_ratio
        self._cuts: dict[int, int] = {}

    def cut(self, conversation_id: int) -> int:
        """How many of the oldest droppable turns are currently left out (0: none)."""
        return self._cuts.get(conversation_id, 0)

    def resume(self, conversation_id: int, cut: int) -> None:
        """Take up a cut remembered elsewhere (with a saved KV state), so the next prompt matches that state."""
        if cut < 0:
            raise ValueError("a cut counts dropped turns")
        self._cuts[conversation_id] = cut

    def fit(
        self,
        conversation_id: int,
        history: Sequence[ChatMessage],
        render: Render,
        count: Count,
        budget: int,
    ) -> list[ChatMessage]:
        """The rendered prompt for ``history`` (greeting first, newest user turn last) within ``budget`` tokens."""
        messages, self._cuts[conversation_id] = self._fit(conversation_id, history, render, count, budget, False)
        return messages

    def preview(
        self, conversation_id: int, history: Sequence[ChatMessage], render: Render, count: Count, budget: int
    ) -> list[ChatMessage]:
        """What :meth:`fit` would return now, without moving the cut."""
        return self._fit(conversation_id, history, render, count, budget, False)[0]

    def next_cut(
        self, conversation_id: int, history: Sequence[ChatMessage], render: Render, count: Count, budget: int
    ) -> int:
        """How many droppable turns the next overflow will leave out (without moving the cut now)."""
        return self._fit(conversation_id, history, render, count, budget, True)[1]

    def _fit(
        self,
        conversation_id: int,
        history: Sequence[ChatMessage],
        render: Render,
        count: Count,
        budget: int,
        overflowing: bool,
    ) -> tuple[list[ChatMessage], int]:
        pinned = 1 if history and history[0].role == "assistant" else 0
        droppable = list(history[pinned:])
        cut = min(self._cuts.get(conversation_id, 0), max(len(droppable) - 1, 0))
        messages = render([*history[:pinned], *droppable[cut:]], droppable[:cut])
        if not overflowing and count(messages) <= budget:
            return messages, cut
        target = int(budget * self.keep_ratio)
        while cut < len(droppable) - 1:
            cut += 1
            # never start the kept part with an assistant reply whose question was dropped
            while cut < len(droppable) - 1 and droppable[cut].role != "user":
                cut += 1
            messages = render([*history[:pinned], *droppable[cut:]], droppable[:cut])
            if count(messages) <= target:
                break
        return messages, cut
