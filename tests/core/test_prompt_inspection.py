"""The prompt as labelled parts, and how each part's tokens are counted (tokenizer-free unit tests here; the
real model's counts in tests/integration/test_prompt_inspector.py)."""

from collections.abc import Sequence

from app.personas import PersonaLibrary, parse_card
from app.prompt_builder import ChatMessage, Recall, build_messages, greeting
from app.prompt_inspection import attribute, estimated_parts, part_spans, placeholders
from app.remote_backend import MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMER_TOKENS

LORE_CARD = {
    "name": "Lore",
    "system_prompt": "{{original}} Be brief.",
    "description": "A cat who knows {{user}}.",
    "post_history_instructions": "Stay as {{char}}.",
    "character_book": {
        "entries": [
            {"keys": ["kernel"], "content": "A kernel is a small grid of weights.", "comment": "kernels"},
            {"keys": ["pool"], "content": "Pooling shrinks a feature map.", "name": "pooling"},
            {"keys": ["absent"], "content": "Never fires."},
        ]
    },
}


def _chatml(messages: Sequence[ChatMessage]) -> str:
    """The starter model's template family, as the engine renders it."""
    body = "".join(f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in messages)
    return body + "<|im_start|>assistant\n"


def _char_tokens(text: str) -> list[int]:
    """A tokenizer with one token per character: where each token starts, in bytes."""
    starts, at = [], 0
    for ch in text:
        starts.append(at)
        at += len(ch.encode("utf-8"))
    return starts


def test_every_message_is_its_parts_joined_and_each_part_is_labelled() -> None:
    persona = parse_card(LORE_CARD, "lore")
    history = [ChatMessage("assistant", "Hello!"), ChatMessage("user", "What is a kernel? And pool?")]
    messages = build_messages(persona, "CNN", history, "Ann", Recall(("likes cats",), "- Ann: hi"))
    for message in messages:
        assert "".join(p.sep + p.text for p in message.pieces()) == message.content
    kinds = [p.kind for m in messages for p in m.pieces()]
    assert kinds == [
        "system_prompt", "description", "topic", "memory", "summary",  # the system message
        "assistant", "lore", "lore", "user", "post_history",
    ]  # fmt: skip
    labels = [p.label for p in messages[2].pieces()]
    assert labels == ["Lorebook: kernels", "Lorebook: pooling"]
    assert messages[2].content.startswith("Background for the next reply:\nA kernel")


def test_parts_do_not_change_equality_or_what_a_server_is_sent() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    history = [ChatMessage("assistant", greeting(persona)), ChatMessage("user", "什么是卷积？")]
    built = build_messages(persona, "CNN", history)
    plain = [ChatMessage(m.role, m.content) for m in built]
    assert built == plain
    assert [m.to_dict() for m in built] == [m.to_dict() for m in plain]
    assert built[1].parts and built[1].pieces()[0].kind == "assistant"


def test_with_one_token_per_character_each_part_counts_its_own_characters() -> None:
    persona = parse_card(LORE_CARD, "lore")
    messages = build_messages(persona, "CNN", [ChatMessage("user", "kernel 喵?")], "Ann")
    rendered = _chatml(messages)
    parts = attribute(messages, rendered, _char_tokens(rendered), len, _chatml(placeholders(messages)))
    assert sum(p.tokens for p in parts) == len(rendered)
    body = [p for p in parts if p.kind != "template"]
    assert [p.tokens for p in body] == [len(p.sep) + len(p.text) for m in messages for p in m.pieces()]
    template = parts[-1]
    assert template.kind == "template" and not template.estimated
    assert template.text == _chatml([ChatMessage(m.role, "") for m in messages])
    assert template.tokens == len(template.text)


def test_without_a_skeleton_each_content_is_found_in_turn() -> None:
    messages = [ChatMessage("system", "user"), ChatMessage("user", "user")]
    rendered = _chatml(messages)
    searched = part_spans(messages, rendered)
    certain = part_spans(messages, rendered, _chatml(placeholders(messages)))
    second = rendered.rindex("user")
    assert certain == [[(19, 23)], [(second, second + 4)]]
    assert searched[1] != certain[1]  # "user" also occurs in the markup: why the engine renders a skeleton


def test_a_message_the_template_rewrites_is_counted_on_its_own_and_marked_as_an_estimate() -> None:
    messages = [ChatMessage("system", "Be kind."), ChatMessage("user", "hello there")]

    def shouting(ms: Sequence[ChatMessage]) -> str:
        return "".join(f"[{m.role}] {m.content.upper() if m.role == 'user' else m.content}\n" for m in ms)

    rendered = shouting(messages)
    parts = attribute(messages, rendered, _char_tokens(rendered), len, shouting(placeholders(messages)))
    assert [(p.kind, p.tokens, p.estimated) for p in parts[:2]] == [("system", 8, False), ("user", 11, True)]
    assert sum(p.tokens for p in parts) == len(rendered)  # the estimate comes out of the template's share
    assert parts[-1].kind == "template" and parts[-1].estimated


def test_remote_estimates_add_the_backends_own_allowance_for_the_template() -> None:
    messages = [ChatMessage("system", "卷积"), ChatMessage("user", "abcdef")]
    parts = estimated_parts(messages, prefix="so far")
    assert all(p.estimated for p in parts)
    assert [p.kind for p in parts] == ["system", "user", "continued", "template"]
    assert [p.tokens for p in parts[:3]] == [2, 2, 2]
    assert parts[-1].tokens == REPLY_PRIMER_TOKENS + MESSAGE_OVERHEAD_TOKENS * 3
