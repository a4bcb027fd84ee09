import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.errors import StoreError
from app.store import Base, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def test_database_is_a_wal_sqlite_file(store: Store) -> None:
    store.create_conversation("xiaomiao", "CNN", "m")
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = [r[0] for r in con.execute("SELECT name FROM schema_migrations")]
    assert names == ["0001_conversations_and_messages"]


def test_migrated_schema_matches_the_orm_models(store: Store) -> None:
    inspector = inspect(store._engine)
    for table in Base.metadata.sorted_tables:
        migrated = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
        declared = {c.name: c.nullable for c in table.columns}
        assert migrated == declared, table.name


def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    first = Store(tmp_path / "t.db")
    conversation = first.create_conversation("xiaomiao", "CNN", "m")
    first.add_message(conversation.id, "user", "你好")
    first.close()
    second = Store(tmp_path / "t.db")
    assert [m.content for m in second.messages(conversation.id)] == ["你好"]
    second.close()


def test_messages_keep_order_parent_and_status(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    a = store.add_message(c.id, "assistant", "hello")
    u = store.add_message(c.id, "user", "question")
    r = store.add_message(c.id, "assistant", "", status="streaming")
    store.update_message(r.id, content="partial", status="interrupted", generated_tokens=3)
    messages = store.messages(c.id)
    assert [m.id for m in messages] == [a.id, u.id, r.id]
    assert messages[-1].status == "interrupted"
    assert messages[-1].content == "partial"
    assert messages[-1].generated_tokens == 3
    with pytest.raises(ValueError, match="unknown"):
        store.update_message(r.id, nonsense=1)


def test_conversations_are_listed_most_recent_first(store: Store) -> None:
    old = store.create_conversation("xiaomiao", "A", "m")
    new = store.create_conversation("xiaomiao", "B", "m")
    assert [c.id for c in store.conversations()] == [new.id, old.id]
    store.add_message(old.id, "user", "back to A")
    assert [c.id for c in store.conversations()] == [old.id, new.id]


def test_streaming_replies_left_by_a_dead_process_are_recovered(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    store.add_message(c.id, "assistant", "half a rep", status="streaming")
    assert store.recover_interrupted() == 1
    assert store.messages(c.id)[0].status == "interrupted"
    assert store.messages(c.id)[0].content == "half a rep"


def test_delete_cascades_to_messages(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    m = store.add_message(c.id, "user", "x")
    store.delete_conversation(c.id)
    with pytest.raises(StoreError):
        store.message(m.id)


def test_a_file_that_is_not_a_database_gets_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a Persona Tutor database"):
        Store(path)
    assert path.read_bytes() == before


def test_unknown_conversation(store: Store) -> None:
    with pytest.raises(StoreError, match="No conversation"):
        store.conversation(404)
