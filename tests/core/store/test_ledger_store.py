"""Ledger rows persist per conversation: added, edited (marked so), switched off, deleted, gone with their
conversation; and an old database upgrades to hold them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.errors import StoreError
from app.store import Store

FIXTURE_V0001 = Path(__file__).resolve().parents[2] / "data" / "db" / "v0001.db"


def test_rows_persist_edit_and_switch_off(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = Store(path)
    conversation = store.create_conversation("xiaomiao", "CNN", "m")
    other = store.create_conversation("xiaomiao", "CNN", "m")
    said = store.add_message(conversation.id, "user", "我叫小明")
    name = store.add_fact(conversation.id, "learner", "name", " 小明 ", source_message_id=said.id)
    story = store.add_fact(conversation.id, "story", "毛线球", "红色")
    store.add_fact(other.id, "learner", "name", "Sam")
    store.close()

    store = Store(path)
    assert [(f.kind, f.subject, f.text, f.source_message_id) for f in store.ledger(conversation.id)] == [
        ("learner", "name", "小明", said.id),
        ("story", "毛线球", "红色", None),
    ]
    edited = store.update_fact(story.id, text="蓝色")
    assert (edited.text, edited.edited, name.edited) == ("蓝色", True, False)
    store.set_fact_active(name.id, False)
    assert [f.id for f in store.ledger(conversation.id, active_only=True)] == [story.id]
    store.delete_fact(story.id)
    assert [f.text for f in store.ledger(conversation.id)] == ["小明"]
    assert store.ledger(conversation.id)[0].to_json()["active"] is False
    with pytest.raises(ValueError, match="kind must be one of"):
        store.add_fact(conversation.id, "rumour", "x", "y")
    with pytest.raises(StoreError, match="No ledger fact"):
        store.update_fact(9999, text="x")
    store.delete_conversation(conversation.id)
    store.purge_deleted()
    assert store.ledger(conversation.id) == []
    assert [f.text for f in store.ledger(other.id)] == ["Sam"]
    store.close()


def test_a_first_release_database_upgrades_to_hold_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    store = Store(path)
    try:
        fact = store.add_fact(1, "correction", "卷积核是手工设计的", "卷积核是学出来的", source_message_id=3)
        assert store.ledger(1) == [fact]
        store.delete_message(3)
        assert store.ledger(1)[0].source_message_id is None
    finally:
        store.close()


def test_the_branch_ledger_keeps_the_facts_of_the_branch_shown(tmp_path: Path) -> None:
    """A regenerated reply leaves its old version's fact behind (on the old branch only); a typed fact and the
    facts of the branch shown stay, and a branch switched back to brings its fact back."""
    store = Store(tmp_path / "db.sqlite")
    conversation = store.create_conversation("xiaomiao", "CNN", "m")
    question = store.add_message(conversation.id, "user", "我叫小明")
    old_reply = store.add_message(conversation.id, "assistant", "你好小明")
    new_reply = store.add_branch(old_reply.id, "你好小红")
    store.add_fact(conversation.id, "learner", "question", "小明", source_message_id=question.id)
    store.add_fact(conversation.id, "learner", "name", "小明", source_message_id=old_reply.id)
    store.add_fact(conversation.id, "learner", "name", "小红", source_message_id=new_reply.id)
    store.add_fact(conversation.id, "story", "毛线球", "红色")

    def texts(through: int | None = None) -> list[str]:
        return [f"{f.subject}={f.text}" for f in store.branch_ledger(conversation.id, through)]

    assert texts() == ["question=小明", "name=小红", "毛线球=红色"]
    assert texts(through=old_reply.id) == ["question=小明", "name=小明", "毛线球=红色"]
    store.select_branch(old_reply.id)
    assert texts() == ["question=小明", "name=小明", "毛线球=红色"]
    store.close()
