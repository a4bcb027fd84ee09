import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.errors import StoreError
from app.store import Base, Store
from app.store.migrations import KNOWN

FIXTURE_V0001 = Path(__file__).resolve().parents[2] / "data" / "db" / "v0001.db"


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_migrated_schema_equals_the_orm_models_exactly(store: Store) -> None:
    inspector = inspect(store._engine)
    for table in Base.metadata.sorted_tables:
        migrated = [
            (c["name"], str(c["type"]), c["nullable"], bool(c.get("primary_key")))
            for c in inspector.get_columns(table.name)
        ]
        declared = [
            (c.name, str(c.type.compile(store._engine.dialect)), c.nullable, c.primary_key) for c in table.columns
        ]
        assert migrated == declared, table.name
        migrated_fks = {
            (row[3], row[2], row[4], row[6])  # from, table, to, on_delete
            for row in _rows(store.path, f"PRAGMA foreign_key_list({table.name})")
        }
        declared_fks = {
            (fk.parent.name, fk.column.table.name, fk.column.name, fk.ondelete or "NO ACTION")
            for fk in table.foreign_keys
        }
        assert migrated_fks == declared_fks, table.name
        migrated_ix = {
            (ix["name"], tuple(ix["column_names"]), bool(ix["unique"])) for ix in inspector.get_indexes(table.name)
        }
        declared_ix = {(ix.name, tuple(c.name for c in ix.columns), bool(ix.unique)) for ix in table.indexes}
        assert migrated_ix == declared_ix, table.name
    plain_tables = {name for name in inspector.get_table_names() if not name.startswith("messages_fts")} - {
        "schema_migrations"
    }
    assert plain_tables == set(Base.metadata.tables)


def test_a_database_from_the_first_release_opens_in_the_newest_schema_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    before = _rows(path, "SELECT id, conversation_id, parent_id, role, content, status, error FROM messages")
    titles = _rows(path, "SELECT id, title, persona_id, topic FROM conversations ORDER BY id")
    store = Store(path)
    try:
        after = _rows(path, "SELECT id, conversation_id, parent_id, role, content, status, error FROM messages")
        assert after == before
        assert [(c.id, c.title, c.persona_id, c.topic) for c in reversed(store.conversations())] == titles
        messages = store.messages(1)
        assert [m.content for m in messages][:2] == ["喵~ 你好呀！今天我们来学卷积神经网络吧喵~", "什么是卷积核？"]
        assert messages[2].status == "interrupted"
        assert messages[2].generated_tokens == 18
        assert [h.message_id for h in store.search("卷积核")] == [3, 2]
        assert [h.message_id for h in store.search("backprop")] == [7]
        assert _rows(path, "SELECT name FROM schema_migrations ORDER BY rowid") == [(n,) for n in KNOWN]
        # The first release's database was copied aside, untouched, before anything changed.
        assert store.migration_backup is not None
        assert store.migration_backup.parent == tmp_path / "backups"
        assert _rows(store.migration_backup, "SELECT id, content FROM messages") == [(r[0], r[4]) for r in before]
        assert _rows(store.migration_backup, "SELECT name FROM schema_migrations") == [(KNOWN[0],)]
    finally:
        store.close()


def test_a_new_empty_database_is_not_backed_up(tmp_path: Path) -> None:
    store = Store(tmp_path / "fresh.db")
    assert store.migration_backup is None
    assert not (tmp_path / "backups").exists()
    store.close()


def test_a_database_from_a_newer_app_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer Persona Tutor"):
        Store(path)


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.store import migrations

    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    broken = [(migrations.MIGRATIONS[1][0], [*migrations.MIGRATIONS[1][1], "CREATE TABLE conversations (x)"])]
    monkeypatch.setattr(migrations, "MIGRATIONS", [migrations.MIGRATIONS[0], *broken])
    monkeypatch.setattr(migrations, "KNOWN", [name for name, _ in migrations.MIGRATIONS])
    with pytest.raises(StoreError, match="already exists"):
        Store(path)
    assert _rows(path, "SELECT name FROM schema_migrations") == [(KNOWN[0],)]
    columns = [row[1] for row in _rows(path, "PRAGMA table_info(conversations)")]
    assert "pinned" not in columns
    assert len(_rows(path, "SELECT id FROM messages")) == 8


def test_two_processes_opening_an_old_database_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    code = (
        "import sys\nfrom pathlib import Path\nfrom app.store import Store\n"
        "s = Store(Path(sys.argv[1]))\nprint(len(s.messages(1)))\ns.close()\n"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120)[0].strip() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert outputs == ["5", "5"]
    assert _rows(path, "SELECT name FROM schema_migrations ORDER BY rowid") == [(n,) for n in KNOWN]


def test_the_facts_ledger_table_is_migrated_with_its_columns(store: Store) -> None:
    columns = [row[1] for row in _rows(store.path, "PRAGMA table_info(facts_ledger)")]
    assert columns == [
        "id", "conversation_id", "kind", "subject", "text", "source_message_id", "created_at", "edited", "active",
    ]  # fmt: skip
    assert "0008_facts_ledger" in KNOWN


def test_the_replay_tables_come_from_their_own_migration(store: Store) -> None:
    assert "0009_replays" in KNOWN
    tables = set(inspect(store._engine).get_table_names())
    assert {"replays", "probe_runs"} <= tables
    columns = [c["name"] for c in inspect(store._engine).get_columns("replays")]
    assert columns[:4] == ["id", "feedback_id", "message_id", "model"]
    assert {"persona_hash", "reply", "before_json", "after_json", "created_at"} <= set(columns)


def test_the_topic_link_is_backfilled_from_topics_recorded_before_0010(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store import migrations

    cut = KNOWN.index("0010_conversation_topics")
    path = tmp_path / "persona-tutor.db"
    shutil.copy(FIXTURE_V0001, path)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:cut])
    monkeypatch.setattr(migrations, "KNOWN", KNOWN[:cut])
    migrations.migrate(path)  # the database as the app before 0010 left it, with topics it recorded
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO topics (id, title, title_zh, source, created_at) VALUES (?, ?, ?, ?, '2026-01-01')",
        [("cnn", "Convolutional neural networks", "卷积神经网络", "builtin"),
         ("typed:backpropagation", "Backpropagation", "", "typed"),
         ("backpropagation", "Backpropagation", "反向传播", "builtin"),
         ("transformers", "Attention and Transformers", "注意力机制与 Transformer", "builtin")],
    )  # fmt: skip
    con.execute("INSERT INTO conversations (persona_id, topic, model, title, created_at, updated_at) "
                "VALUES ('xiaomiao', '卷积神经网络', 'm', 'zh', '2026-01-02', '2026-01-02'), "
                "('xiaomiao', ' 注意力机制与 transformer ', 'm', 'zh2', '2026-01-02', '2026-01-02'), "
                "('xiaomiao', 'Knitting', 'm', 'no topic', '2026-01-02', '2026-01-02')")  # fmt: skip
    con.commit()
    con.close()
    monkeypatch.undo()
    store = Store(path)
    try:
        linked = [(c.topic, c.topic_id) for c in sorted(store.conversations(), key=lambda c: c.id)]
        assert linked == [
            ("CNN", "cnn"),  # by id, ignoring case
            ("Backpropagation", "backpropagation"),  # by title: a built-in topic before a typed one
            ("卷积神经网络", "cnn"),  # by Chinese title
            (" 注意力机制与 transformer ", "transformers"),  # ignoring case and outer spaces
            ("Knitting", None),
        ]
        assert _rows(path, "SELECT name FROM schema_migrations ORDER BY rowid") == [(n,) for n in KNOWN]
    finally:
        store.close()


def test_a_replay_remembers_whether_it_stayed_in_character(store: Store) -> None:
    assert "0011_replay_modes" in KNOWN
    columns = [row[1] for row in _rows(store.path, "PRAGMA table_info(replays)")]
    assert columns[-1] == "stay_in_character"
