import sqlite3
from pathlib import Path

import pytest

from app.errors import StoreError
from app.store import Store
from app.store.backup import backup_database, restore_database


def _database_with(path: Path, text: str) -> None:
    store = Store(path)
    c = store.create_conversation("xiaomiao", "CNN", "m", title=text)
    store.add_message(c.id, "user", text)
    store.close()


def test_backup_then_restore_brings_back_the_old_conversations_and_keeps_the_replaced_ones(tmp_path: Path) -> None:
    live = tmp_path / "home" / "persona-tutor.db"
    _database_with(live, "第一课")
    backup_database(live, tmp_path / "saved.db")
    store = Store(live)
    store.create_conversation("xiaomiao", "RNN", "m", title="第二课")
    store.close()

    kept = restore_database(live, tmp_path / "saved.db")

    store = Store(live)
    assert [c.title for c in store.conversations()] == ["第一课"]
    store.close()
    assert kept is not None and kept.parent == live.parent / "backups"
    old = Store(kept)
    assert sorted(c.title for c in old.conversations()) == ["第一课", "第二课"]
    old.close()


def test_backup_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    store = Store(live)
    c = store.create_conversation("xiaomiao", "CNN", "m")
    for i in range(50):
        store.add_message(c.id, "user", f"m{i}")
    backup_database(live, tmp_path / "copy.db")
    store.close()
    with sqlite3.connect(tmp_path / "copy.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 50


def test_restoring_an_old_schema_backup_upgrades_it(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[2] / "data" / "db" / "v0001.db"
    live = tmp_path / "persona-tutor.db"
    assert restore_database(live, fixture) is None
    store = Store(live)
    assert [h.message_id for h in store.search("卷积核")] == [3, 2]
    store.close()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b"not a database at all" * 50), "not a Persona Tutor database"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE notes (x)").connection.commit(), "no schema history"),
        (lambda p: None, "does not exist"),
    ],
)
def test_restore_refuses_bad_files_and_leaves_the_database_alone(tmp_path: Path, make: object, reason: str) -> None:
    live = tmp_path / "persona-tutor.db"
    _database_with(live, "keep me")
    bad = tmp_path / "bad.db"
    make(bad)  # type: ignore[operator]
    with pytest.raises(StoreError, match=reason) as error:
        restore_database(live, bad)
    assert str(bad) in str(error.value)
    store = Store(live)
    assert [c.title for c in store.conversations()] == ["keep me"]
    store.close()
    assert not (tmp_path / "backups").exists()


def test_backup_needs_a_database_and_a_different_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        backup_database(tmp_path / "none.db", tmp_path / "out.db")
    live = tmp_path / "live.db"
    _database_with(live, "x")
    with pytest.raises(StoreError, match="live database"):
        backup_database(live, live)
