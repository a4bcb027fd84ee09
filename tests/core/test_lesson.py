"""The learning goal and level in the prompt: labelled parts of the system message, in the persona's language,
fixed for the conversation (the cached prefix stays valid) until the learner changes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage, Lesson, build_messages, lesson_parts, system_prompt
from app.store import Store


def test_the_level_is_explained_in_the_personas_language() -> None:
    library = PersonaLibrary()
    chinese = system_prompt(library.get("xiaomiao"), "CNN", "小明", lesson=Lesson("理解池化", "beginner"))
    assert "Learning goal of 小明: 理解池化" in chinese
    assert "Level: 小明 is 初学者。用日常的话" in chinese
    english = system_prompt(library.get("socrates"), "CNN", "Sam", lesson=Lesson("", "advanced"))
    assert "Level: Sam is an advanced learner. Be precise and concise" in english
    assert "Learning goal" not in english


def test_no_goal_and_no_level_add_nothing() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    assert lesson_parts(Lesson(), "zh") == [] and lesson_parts(None, "en") == []
    assert lesson_parts(Lesson("  ", "expert"), "en") == []  # an unknown level is not guessed at
    assert system_prompt(persona, "CNN", lesson=Lesson()) == system_prompt(persona, "CNN")


def test_the_lesson_keeps_the_prefix_stable_as_the_conversation_grows() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    lesson = Lesson("理解池化", "intermediate")
    turns = [ChatMessage("assistant", "喵~"), ChatMessage("user", "什么是池化？")]
    first = build_messages(persona, "CNN", turns, lesson=lesson)
    more = [*turns, ChatMessage("assistant", "池化…"), ChatMessage("user", "为什么？")]
    later = build_messages(persona, "CNN", more, lesson=lesson)
    assert later[: len(first)] == first


@pytest.fixture
def service(tmp_path: Path, engine: LlamaEngine) -> Iterator[ChatService]:
    store = Store(tmp_path / "lesson.db")
    yield ChatService(store, PersonaLibrary(), engine)
    store.close()


def test_a_conversation_starts_with_its_lesson_and_the_learner_can_change_it(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter", goal="理解池化", level="beginner")
    system = service.prompt(service.store.conversation(conversation.id))[0].content
    assert "理解池化" in system and "初学者" in system
    service.store.set_lesson(conversation.id, "", "advanced")
    system = service.prompt(service.store.conversation(conversation.id))[0].content
    assert "理解池化" not in system and "水平较高" in system


def test_an_instruction_for_one_reply_comes_last_after_the_unchanged_prompt(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter", level="beginner")
    service.store.add_message(conversation.id, "user", "考考我吧！")
    params = SamplingParams(max_tokens=16)
    plain = service._fitted_prompt(conversation, params)
    instructed = service._fitted_prompt(conversation, params, instruction="Give a quiz.")
    assert instructed == [*plain, ChatMessage("system", "Give a quiz.")]
