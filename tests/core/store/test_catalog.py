"""Persona card versions and topics in the store: one row per distinct card content, pinned by conversations and
recorded on replies; built-in and typed topics."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.errors import StoreError
from app.store import Store
from app.store.catalog import canonical_card_json, card_hash

FIXTURE_V0001 = Path(__file__).resolve().parents[2] / "data" / "db" / "v0001.db"
CARD = {"spec": "chara_card_v3", "spec_version": "3.0", "data": {"name": "Ada", "description": "勤奋的老师"}}


def test_equal_card_content_has_one_hash_whatever_the_key_order() -> None:
    reordered = {"data": {"description": "勤奋的老师", "name": "Ada"}, "spec_version": "3.0", "spec": "chara_card_v3"}
    assert canonical_card_json(reordered) == canonical_card_json(CARD)
    assert card_hash(reordered) == card_hash(CARD)
    assert "勤奋" in canonical_card_json(CARD)  # readable as stored
    assert card_hash({**CARD, "data": {"name": "Ada", "description": "lazy"}}) != card_hash(CARD)


def test_a_card_content_is_stored_once_and_a_changed_card_is_a_new_version(store: Store) -> None:
    first = store.record_persona_version("ada", "Ada", CARD, "user")
    again = store.record_persona_version("ada", "Ada", dict(reversed(list(CARD.items()))), "user")
    assert again == first
    assert first.content_hash == card_hash(CARD) and first.card == CARD and first.source == "user"
    edited = {**CARD, "data": {"name": "Ada", "description": "strict"}}
    second = store.record_persona_version("ada", "Ada", edited, "user")
    assert second.id != first.id
    # the same content under another persona id is that persona's own version
    other = store.record_persona_version("ada-2", "Ada", CARD, "imported")
    assert other.id not in (first.id, second.id)
    assert [v.id for v in store.persona_versions("ada")] == [first.id, second.id]
    assert store.persona_version(second.id).card == edited
    with pytest.raises(StoreError, match="No persona version"):
        store.persona_version(9999)


def test_the_database_refuses_a_second_row_for_one_persona_content(store: Store) -> None:
    store.record_persona_version("ada", "Ada", CARD, "user")
    con = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(
                "INSERT INTO persona_versions (persona_id, name, content_hash, card_json, source, created_at) "
                "VALUES ('ada', 'Ada', ?, '{}', 'user', '2026-01-01')",
                (card_hash(CARD),),
            )
    finally:
        con.close()


def test_conversations_pin_a_version_and_replies_record_theirs(store: Store) -> None:
    v1 = store.record_persona_version("ada", "Ada", CARD, "user")
    conversation = store.create_conversation("ada", "CNN", "starter", persona_version_id=v1.id)
    assert store.conversation(conversation.id).persona_version_id == v1.id
    store.add_message(conversation.id, "user", "hi")
    reply = store.add_message(conversation.id, "assistant", "", status="streaming", persona_version_id=v1.id)
    assert store.message(reply.id).persona_version_id == v1.id
    v2 = store.record_persona_version("ada", "Ada", {**CARD, "data": {"name": "Ada"}}, "user")
    store.pin_persona_version(conversation.id, v2.id)
    branch = store.add_branch(reply.id, "again", persona_version_id=v2.id)
    assert store.conversation(conversation.id).persona_version_id == v2.id
    assert [m.persona_version_id for m in store.siblings(branch.id)] == [v1.id, v2.id]
    plain = store.add_message(conversation.id, "user", "and now?")
    assert plain.persona_version_id is None
    with pytest.raises(StoreError, match="No conversation"):
        store.pin_persona_version(9999, v1.id)


def test_conversations_from_before_card_versions_keep_null(tmp_path: Path) -> None:
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    store = Store(path)
    try:
        assert all(c.persona_version_id is None for c in store.conversations())
        assert all(m.persona_version_id is None for m in store.messages(1))
        assert store.persona_versions("xiaomiao") == []
    finally:
        store.close()


def test_built_in_and_typed_topics_are_listed_once(store: Store) -> None:
    store.record_topics([("cnn", "Convolutional neural networks", "卷积神经网络")], "builtin")
    store.record_topics([("cnn", "CNNs", "卷积神经网络")], "builtin")  # a newer title replaces the old one
    typed = store.record_typed_topic("  Sorting   algorithms ")
    assert store.record_typed_topic("sorting ALGORITHMS") == typed
    assert typed.title == "Sorting algorithms" and typed.source == "typed"
    assert [(t.id, t.title, t.title_zh, t.source) for t in store.topics()] == [
        ("cnn", "CNNs", "卷积神经网络", "builtin"),
        ("typed:sorting algorithms", "Sorting algorithms", "", "typed"),
    ]


def test_a_new_conversation_links_the_recorded_topic_its_topic_names(store: Store) -> None:
    store.record_topics([("cnn", "Convolutional neural networks", "卷积神经网络")], "builtin")
    typed = store.record_typed_topic("Sorting algorithms")
    by_id = store.create_conversation("xiaomiao", "CNN", "m")
    by_title = store.create_conversation("xiaomiao", " convolutional NEURAL networks ", "m")
    by_chinese = store.create_conversation("xiaomiao", "卷积神经网络", "m")
    by_typed = store.create_conversation("xiaomiao", "sorting algorithms", "m")
    unknown = store.create_conversation("xiaomiao", "Medieval poetry", "m")
    linked = [store.conversation(c.id).topic_id for c in (by_id, by_title, by_chinese, by_typed, unknown)]
    assert linked == ["cnn", "cnn", "cnn", typed.id, None]
    assert store.conversation(by_id.id).to_json()["topic_id"] == "cnn"
    assert store.conversation(by_id.id).topic == "CNN"  # the words the learner chose stay as they were
    imported = store.import_conversation("xiaomiao", "卷积神经网络", "imported", "t", [])
    assert imported.topic_id == "cnn"


def test_a_topic_recorded_later_links_the_conversations_that_named_it(store: Store) -> None:
    early = store.create_conversation("xiaomiao", "Medieval poetry", "m")
    assert early.topic_id is None
    store.record_typed_topic("medieval  poetry")  # typed again later, spaced differently
    assert store.conversation(early.id).topic_id == "typed:medieval poetry"
    # a built-in recorded later does not take a link already made
    store.record_topics([("medieval poetry", "Medieval poetry", "")], "pack")
    assert store.conversation(early.id).topic_id == "typed:medieval poetry"


def test_conversations_of_the_first_release_link_their_topics_once_recorded(tmp_path: Path) -> None:
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    store = Store(path)
    try:
        assert [c.topic_id for c in store.conversations()] == [None, None]  # no topics were recorded back then
        store.record_topics([("cnn", "Convolutional neural networks", ""), ("backpropagation", "Backpropagation", "")],
                            "builtin")  # fmt: skip
        assert {c.topic: c.topic_id for c in store.conversations()} == {
            "CNN": "cnn",
            "Backpropagation": "backpropagation",
        }
    finally:
        store.close()
