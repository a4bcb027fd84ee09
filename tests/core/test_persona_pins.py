"""A conversation keeps the persona card it runs with: edited cards become new versions, and a deleted or broken
card is replaced by the copy kept in the store, so the conversation can go on (real model, real SQLite)."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.errors import PersonaError
from app.persona_pins import PersonaPins
from app.personas import PersonaLibrary
from app.store import Store

CARD = {
    "name": "Professor Owl",
    "description": "A patient owl who teaches {{user}} with forest metaphors. Secret word: hazelnut.",
    "first_mes": "Hoo! Welcome to the forest classroom, {{user}}.",
}
FAST = SamplingParams(max_tokens=8, seed=1)


@pytest.fixture
def library(tmp_path: Path) -> PersonaLibrary:
    return PersonaLibrary(tmp_path / "personas")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "pins.db")
    yield s
    s.close()


@pytest.fixture
def service(store: Store, library: PersonaLibrary, engine: LlamaEngine) -> ChatService:
    return ChatService(store, library, engine)


def _turn(service: ChatService, conversation_id: int, text: str = "Hello?") -> int:
    return service.send(conversation_id, text, FAST, threading.Event()).message_id


def test_a_new_conversation_pins_the_card_and_its_greeting_records_it(store: Store, library: PersonaLibrary) -> None:
    owl = library.save(CARD)
    service = ChatService(store, library)
    conversation = service.start(owl.id, "Forests", "starter")
    version_id = store.conversation(conversation.id).persona_version_id
    assert version_id is not None
    version = store.persona_version(version_id)
    assert (version.persona_id, version.name, version.source) == (owl.id, "Professor Owl", "user")
    assert version.card == owl.card
    assert [m.persona_version_id for m in store.messages(conversation.id)] == [version_id]
    builtin = service.start("xiaomiao", "CNN", "starter")
    assert store.persona_version(store.conversation(builtin.id).persona_version_id or 0).source == "builtin"


def test_a_deleted_or_broken_card_is_read_from_the_copy_kept(store: Store, library: PersonaLibrary) -> None:
    owl = library.save(CARD)
    conversation = ChatService(store, library).start(owl.id, "Forests", "starter")
    pins = PersonaPins(store, library)
    card_file = library._require_user_dir() / f"{owl.id}.json"
    card_file.write_bytes(b"{not json")  # a card that became unreadable
    with pytest.raises(PersonaError):
        library.get(owl.id)
    kept = pins.persona(store.conversation(conversation.id))
    assert (kept.id, kept.name, kept.description) == (owl.id, owl.name, owl.description)
    card_file.unlink()  # then deleted
    persona, version_id = pins.pin(store.conversation(conversation.id))
    assert persona.description == owl.description and not persona.builtin
    assert version_id == store.conversation(conversation.id).persona_version_id
    assert len(store.persona_versions(owl.id)) == 1  # nothing new was recorded without a card
    assert pins.name(owl.id) == "Professor Owl" and pins.name("nobody") == "nobody"


def test_a_conversation_from_before_card_copies_says_why_it_cannot_go_on(store: Store, library: PersonaLibrary) -> None:
    conversation = store.create_conversation("gone", "CNN", "starter")  # persona_version_id NULL, as old rows
    with pytest.raises(PersonaError, match="older than saved persona copies"):
        PersonaPins(store, library).persona(conversation)


def test_an_edited_card_becomes_a_new_version_from_the_next_turn_on(service: ChatService) -> None:
    owl = service.personas.save(CARD)
    conversation = service.start(owl.id, "Forests", "starter")
    first_version = service.store.conversation(conversation.id).persona_version_id
    first_reply = _turn(service, conversation.id)
    assert service.store.message(first_reply).persona_version_id == first_version
    service.personas.save({**CARD, "description": "A strict owl. Secret word: acorn."}, owl.id)
    second_reply = _turn(service, conversation.id, "And now?")
    second_version = service.store.conversation(conversation.id).persona_version_id
    assert second_version not in (None, first_version)
    assert service.store.message(second_reply).persona_version_id == second_version
    assert service.store.message(first_reply).persona_version_id == first_version  # the old reply keeps its card
    assert "acorn" in service.store.persona_version(second_version or 0).card["data"]["description"]


def test_a_conversation_goes_on_after_its_persona_was_deleted(service: ChatService) -> None:
    owl = service.personas.save(CARD)
    conversation = service.start(owl.id, "Forests", "starter")
    _turn(service, conversation.id)
    version_id = service.store.conversation(conversation.id).persona_version_id
    service.personas.delete(owl.id)
    reply = _turn(service, conversation.id, "Are you still there?")
    assert service.store.message(reply).status == "complete"
    assert service.store.message(reply).persona_version_id == version_id
    prompt = service.prompt(service.store.conversation(conversation.id))
    assert "hazelnut" in prompt[0].content  # the kept card still speaks
    regenerated = service.regenerate(conversation.id, FAST, threading.Event())
    assert regenerated.status == "complete"
    assert service.store.message(regenerated.message_id).persona_version_id == version_id


def test_topics_typed_by_the_learner_are_remembered_beside_the_built_in_ones(service: ChatService) -> None:
    service.start("xiaomiao", "Convolutional neural networks", "starter")
    service.start("xiaomiao", "cnn", "starter")
    assert {t.source for t in service.store.topics()} == {"builtin"}
    assert any(t.id == "cnn" and t.title_zh == "卷积神经网络" for t in service.store.topics())
    service.start("xiaomiao", "Sorting algorithms", "starter")
    assert [t.title for t in service.store.topics() if t.source == "typed"] == ["Sorting algorithms"]
    # a new conversation links the topic it named, the learner's own ones too
    linked = [c.topic_id for c in sorted(service.store.conversations(), key=lambda c: c.id)]
    assert linked == ["cnn", "cnn", "typed:sorting algorithms"]


CARDS = Path(__file__).resolve().parents[1] / "data" / "cards"


def test_an_imported_card_is_kept_as_imported_until_it_is_edited(store: Store, library: PersonaLibrary) -> None:
    pins = PersonaPins(store, library)
    sensei = library.import_file(CARDS / "stc_default_CodingSensei.png")
    imported = pins.record_import(sensei)
    assert (imported.persona_id, imported.name, imported.source) == (sensei.id, "Coding Sensei", "imported")
    conversation = ChatService(store, library).start(sensei.id, "Python", "starter")
    assert store.conversation(conversation.id).persona_version_id == imported.id  # the imported copy, as it was
    assert [v.source for v in store.persona_versions(sensei.id)] == ["imported"]
    library.save({**sensei.card, "data": {**sensei.card["data"], "description": "Sterner now."}}, sensei.id)
    edited = pins.record(library.get(sensei.id))
    assert edited.source == "user"
    assert [v.source for v in store.persona_versions(sensei.id)] == ["imported", "user"]
    library.delete(sensei.id)
    assert pins.name_of(store.conversation(conversation.id)) == "Coding Sensei"  # from the copy it pinned
    assert pins.name_of(store.create_conversation("gone", "CNN", "m")) == "gone"  # no card, no copy: its id
