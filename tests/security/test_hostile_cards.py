"""Hostile lorebooks stay within the prompt budget; card and model text render inert."""

from __future__ import annotations

import dataclasses
import time

import pytest

from app.cards.lorebook import estimate_tokens
from app.personas import PersonaLibrary
from app.prompt_builder import MAX_LORE_TOKENS, ChatMessage, build_messages, greeting
from app.rendering import markdown_to_html


def book(entries: list[dict[str, object]], **fields: object) -> dict[str, object]:
    return {"entries": entries, **fields}


def lore_message(messages: list[ChatMessage]) -> str:
    found = [m.content for m in messages if m.role == "system" and m.content.startswith("Background")]
    return found[0] if found else ""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("card_budget", [None, 0, 10**9, float("inf"), "lots", 500])
def test_a_huge_lorebook_stays_within_the_budget(card_budget: object) -> None:
    entries: list[dict[str, object]] = [
        {"keys": ["卷积"], "content": f"条目{i}：" + "卷积核在图像上滑动。" * 20, "constant": i % 2 == 0}
        for i in range(5_000)
    ]
    entries += [{"keys": ["池化"], "content": "巨" * 1_000_000, "constant": True} for _ in range(3)]
    fields = {} if card_budget is None else {"token_budget": card_budget}
    persona = dataclasses.replace(PersonaLibrary().get("xiaomiao"), character_book=book(entries, **fields))
    history = [ChatMessage("assistant", greeting(persona)), ChatMessage("user", "卷积和池化有什么区别？")]
    started = time.perf_counter()
    messages = build_messages(persona, "CNN", history)
    elapsed = time.perf_counter() - started
    lore = lore_message(messages)
    budget = 500 if card_budget == 500 else MAX_LORE_TOKENS
    assert lore and estimate_tokens(lore) <= budget + 20  # the header line and separators
    assert "巨巨巨" not in lore
    assert messages[-1] == history[-1]
    assert elapsed < 20


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="http://evil.example/x.png" onerror="alert(1)">',
    "<iframe src='http://evil.example'></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    "[click me](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<style>body { display: none }</style>",
    '<div style="position:fixed">overlay</div>',
    "<b onmouseover=alert(1)>bold</b>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_card_and_model_text_renders_as_text(text: str) -> None:
    rendered = markdown_to_html(text)
    for forbidden in ("<script", "<img", "<iframe", "<style", "<div", "<b ", 'href="javascript', 'href="data'):
        assert forbidden not in rendered, rendered
