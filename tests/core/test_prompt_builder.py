from app.personas import PersonaLibrary, parse_card
from app.prompt_builder import (
    ChatMessage,
    Recall,
    build_messages,
    greeting,
    summarize_dropped,
    summary_request,
    system_prompt,
)


def test_system_prompt_carries_persona_topic_and_examples() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    text = system_prompt(persona, "Convolutional neural networks", user="小明")
    assert "小喵" in text
    assert "Convolutional neural networks" in text
    assert "小明" in text
    assert "{{char}}" not in text and "{{user}}" not in text
    assert "<START>" not in text
    assert "卷积核" in text  # example dialogue, for style


def test_greeting_fills_macros() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    assert greeting(persona, "小明").startswith("喵~ 你好呀，小明")


def test_history_only_grows_at_the_end_so_the_prefix_is_stable() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    turns = [
        ChatMessage("assistant", greeting(persona)),
        ChatMessage("user", "什么是卷积？"),
        ChatMessage("assistant", "喵~ 卷积就是……"),
        ChatMessage("user", "那池化呢？"),
    ]
    first = build_messages(persona, "CNN", turns[:2])
    second = build_messages(persona, "CNN", turns)
    assert second[: len(first)] == first
    assert second[0].role == "system"
    assert second[-1] == ChatMessage("user", "那池化呢？")


def test_post_history_instructions_come_after_the_history() -> None:
    persona = parse_card({"name": "P", "post_history_instructions": "Stay as {{char}}."}, "p")
    messages = build_messages(persona, "t", [ChatMessage("user", "hi")])
    assert messages[-1] == ChatMessage("system", "Stay as P.")


def test_empty_assistant_turns_are_dropped_but_user_turns_kept() -> None:
    persona = parse_card({"name": "P"}, "p")
    messages = build_messages(
        persona, "t", [ChatMessage("user", "a"), ChatMessage("assistant", ""), ChatMessage("user", "b")]
    )
    assert [m.role for m in messages] == ["system", "user", "user"]


def test_learner_memory_and_the_summary_of_dropped_turns_are_recalled_in_the_system_message() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    recall = Recall(memory=("prefers examples with cats",), summary="- 小明: 什么是卷积？")
    messages = build_messages(persona, "CNN", [ChatMessage("user", "那池化呢？")], "小明", recall)
    assert "What you remember about 小明:\n- prefers examples with cats" in messages[0].content
    assert "Earlier in this conversation (no longer shown), 小明 asked:\n- 小明: 什么是卷积？" in messages[0].content
    assert "remember" not in build_messages(persona, "CNN", [ChatMessage("user", "hi")])[0].content


def test_the_summary_keeps_the_newest_questions_within_its_limit() -> None:
    dropped = []
    for n in range(30):
        dropped += [ChatMessage("user", f"question {n} " + "x" * 200), ChatMessage("assistant", "answer")]
    summary = summarize_dropped(dropped, "Ann", limit=400)
    assert len(summary) <= 400 + 40
    assert "question 29" in summary and "question 0 " not in summary
    assert summary.startswith("(and ")
    assert all(len(line) <= 110 for line in summary.splitlines())
    assert summarize_dropped([ChatMessage("assistant", "only replies")]) == ""
    assert summarize_dropped(dropped, "Ann") == summarize_dropped(dropped, "Ann")  # stable: the prefix stays cached


def test_a_summary_request_rolls_on_from_the_previous_notes_and_fits_the_context() -> None:
    turns = [ChatMessage("user", "什么是池化？" * 200), ChatMessage("assistant", "喵~ 池化会缩小特征图。")]
    request = summary_request(turns, context_size=512, previous="- 学过卷积")
    assert request[0].role == "system" and "notes" in request[0].content
    assert request[1].content.startswith("Earlier notes:\n- 学过卷积")
    assert "Tutor: 喵~ 池化会缩小特征图。" in request[1].content
    assert len(request[1].content) < 512
