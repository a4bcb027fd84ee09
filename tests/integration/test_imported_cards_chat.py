"""Cards made by others import and chat on the real model; a lorebook entry the learner calls up is in the prompt."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store

CARDS = Path(__file__).resolve().parents[1] / "data" / "cards"


@pytest.fixture
def service(paths: AppPaths, engine: LlamaEngine) -> Iterator[ChatService]:
    store = Store(paths.database_path)
    yield ChatService(store, PersonaLibrary(paths.user_personas_dir), engine, user_name="Lin")
    store.close()


@pytest.mark.parametrize("name", sorted(p.name for p in CARDS.glob("stc_*.png")))
def test_imported_card_chats(service: ChatService, name: str) -> None:
    persona = service.personas.import_file(CARDS / name)
    conversation = service.start(persona.id, "Python lists", "starter")
    opening = service.store.messages(conversation.id)[0].content
    assert opening and "{{user}}" not in opening and "{{char}}" not in opening.lower()
    result = service.send(conversation.id, "Hello! What can you do?", SamplingParams(max_tokens=8, seed=1),
                          threading.Event())  # fmt: skip
    assert result.status == "complete" and result.reply.strip()


def test_lorebook_entry_reaches_the_prompt(service: ChatService) -> None:
    persona = service.personas.import_file(CARDS / "stc_contest_Assistant_Sakana.png")
    entry = next(e for e in persona.character_book["entries"] if e["keys"] and e["content"].strip())
    conversation = service.start(persona.id, "office work", "starter")
    service.store.add_message(conversation.id, "user", f"Tell me about {entry['keys'][0]}")
    prompt = service.prompt(service.store.conversation(conversation.id))
    expected = persona.fill(entry["content"], "Lin").strip()[:40]
    assert prompt[0].role == "system" and expected not in prompt[0].content
    assert prompt[-2].role == "system" and expected in prompt[-2].content
    assert prompt[-1].role == "user"
