"""Sampling settings: persona defaults from the card, per-conversation overrides in a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.personas import Persona, PersonaLibrary, parse_card
from app.sampling import (
    conversation_params,
    persona_defaults,
    reset_conversation_params,
    save_conversation_params,
    validate,
)
from app.store import Store

BASE = SamplingParams(max_tokens=40, seed=11)


def card(sampling: object) -> Persona:
    raw = {
        "spec": "chara_card_v2",
        "spec_version": "2.0",
        "data": {"name": "Ada", "first_mes": "Hello.", "extensions": {"persona_tutor": {"sampling": sampling}}},
    }
    return parse_card(raw, "ada")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "sampling.db")
    yield s
    s.close()


def test_the_card_sets_the_persona_defaults() -> None:
    ada = card({"temperature": 1.2, "top_k": 20})
    assert persona_defaults(ada, BASE) == SamplingParams(temperature=1.2, top_k=20, max_tokens=40, seed=11)
    assert persona_defaults(PersonaLibrary().get("xiaomiao"), BASE) == BASE  # built-in cards keep the app's
    with pytest.raises(PersonaTutorError, match="Temperature must be between 0 and 2, not 7"):
        persona_defaults(card({"temperature": 7}), BASE)
    with pytest.raises(PersonaTutorError, match="Unknown the sampling of persona 'ada': warmth"):
        persona_defaults(card({"warmth": 1}), BASE)


def test_a_conversation_keeps_its_own_settings(store: Store) -> None:
    ada = card({"temperature": 1.2})
    conversation = store.create_conversation("ada", "maths", "m")
    assert conversation_params(store, ada, conversation.id, BASE).temperature == 1.2
    chosen = SamplingParams(temperature=0.3, top_p=0.8, top_k=0, min_p=0.1, repeat_penalty=1.3, max_tokens=99)
    save_conversation_params(store, conversation.id, chosen)
    reopened = Store(store.path)
    try:
        assert conversation_params(reopened, ada, conversation.id, BASE) == chosen
        assert reopened.conversation(conversation.id).sampler["max_tokens"] == 99
    finally:
        reopened.close()
    reset_conversation_params(store, conversation.id)
    assert conversation_params(store, ada, conversation.id, BASE).temperature == 1.2
    with pytest.raises(PersonaTutorError, match="Max tokens must be between 1"):
        save_conversation_params(store, conversation.id, SamplingParams(max_tokens=0))


def test_values_are_typed_and_checked() -> None:
    assert validate({"top_k": 40.0, "seed": None, "temperature": 1}) == {"top_k": 40, "seed": None, "temperature": 1.0}
    for bad in ({"top_k": 1.5}, {"temperature": "hot"}, {"seed": True}, {"min_p": -0.1}):
        with pytest.raises(PersonaTutorError):
            validate(bad)
