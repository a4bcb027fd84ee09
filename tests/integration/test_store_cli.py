"""The history commands as a user runs them: real processes on a real SQLite file (no model needed)."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.paths import AppPaths
from app.store import Store
from tests.integration.test_cli import run_cli

ST_DIR = Path(__file__).resolve().parents[1] / "data" / "st"


@pytest.fixture
def lesson(isolated_home: Path) -> int:
    store = Store(AppPaths.resolve(isolated_home).ensure().database_path)
    c = store.create_conversation("xiaomiao", "CNN", "starter", title="什么是卷积核？")
    store.add_message(c.id, "assistant", "喵~ 你好！")
    store.add_message(c.id, "user", "什么是卷积核？")
    reply = store.add_message(c.id, "assistant", "", status="streaming")
    store.update_message(reply.id, content="卷积核是一个在图片上滑动的小窗口喵~", status="interrupted")
    store.close()
    return c.id


def test_list_and_show_as_json(isolated_home: Path, lesson: int) -> None:
    listed = run_cli(["conversations", "list", "--json"], isolated_home)
    assert listed.returncode == 0, listed.stderr
    [entry] = json.loads(listed.stdout)
    assert (entry["id"], entry["title"], entry["persona_id"], entry["topic"]) == (
        lesson,
        "什么是卷积核？",
        "xiaomiao",
        "CNN",
    )
    assert entry["message_count"] == 3
    shown = run_cli(["conversations", "show", str(lesson), "--json"], isolated_home)
    assert shown.returncode == 0, shown.stderr
    messages = json.loads(shown.stdout)["messages"]
    assert json.loads(shown.stdout)["persona_version"] is None  # a conversation made without a card copy
    assert [set(m) for m in messages] == [{"id", "role", "content", "status"}] * 3
    assert [(m["role"], m["status"]) for m in messages] == [
        ("assistant", "complete"),
        ("user", "complete"),
        ("assistant", "interrupted"),
    ]
    plain = run_cli(["conversations", "list"], isolated_home)
    assert "什么是卷积核？" in plain.stdout


def test_search_in_chinese_and_english_finds_the_message_to_jump_to(isolated_home: Path, lesson: int) -> None:
    result = run_cli(["search", "卷积核", "--json"], isolated_home)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["conversation_id"] for h in hits] == [lesson, lesson]
    assert all("«卷积核»" in h["snippet"] for h in hits)
    shown = json.loads(run_cli(["conversations", "show", str(lesson), "--json"], isolated_home).stdout)
    assert {h["message_id"] for h in hits} == {m["id"] for m in shown["messages"][1:]}
    assert json.loads(run_cli(["search", "喵", "--json"], isolated_home).stdout)[0]["snippet"].count("«喵»") >= 1
    assert "No messages match." in run_cli(["search", "transformer"], isolated_home).stdout


def test_export_in_each_format_and_import_the_sillytavern_file_back(
    isolated_home: Path, lesson: int, tmp_path: Path
) -> None:
    for fmt in ("md", "jsonl", "st"):
        out = tmp_path / f"lesson.{fmt}"
        result = run_cli(["conversations", "export", str(lesson), "--format", fmt, str(out)], isolated_home)
        assert result.returncode == 0, result.stderr
        assert out.read_text(encoding="utf-8")
    assert "### 小喵" in (tmp_path / "lesson.md").read_text(encoding="utf-8")
    imported = run_cli(["conversations", "import", str(tmp_path / "lesson.st"), "--json"], isolated_home)
    assert imported.returncode == 0, imported.stderr
    [copy] = json.loads(imported.stdout)
    assert (copy["title"], copy["persona_id"], copy["topic"]) == ("什么是卷积核？", "xiaomiao", "CNN")
    original = json.loads(run_cli(["conversations", "show", str(lesson), "--json"], isolated_home).stdout)
    again = json.loads(run_cli(["conversations", "show", str(copy["id"]), "--json"], isolated_home).stdout)
    strip = [(m["role"], m["content"], m["status"]) for m in original["messages"]]
    assert [(m["role"], m["content"], m["status"]) for m in again["messages"]] == strip


def test_sillytavern_chats_made_by_others_import_under_a_chosen_persona(isolated_home: Path, tmp_path: Path) -> None:
    for source in ST_DIR.glob("*.jsonl"):
        refused = run_cli(["conversations", "import", str(source)], isolated_home)
        assert refused.returncode == 1
        assert "--persona" in refused.stderr and "Traceback" not in refused.stderr
        result = run_cli(["conversations", "import", str(source), "--persona", "xiaomiao", "--json"], isolated_home)
        assert result.returncode == 0, result.stderr
    titles = {c["title"] for c in json.loads(run_cli(["conversations", "list", "--json"], isolated_home).stdout)}
    assert titles == {"Better, thanks. Can you explain what a convolution does?", "什么是池化层？"}
    hits = json.loads(run_cli(["search", "最大池化", "--json"], isolated_home).stdout)
    assert len(hits) == 1


def test_backup_and_restore(isolated_home: Path, lesson: int, tmp_path: Path) -> None:
    saved = tmp_path / "saved.db"
    result = run_cli(["backup", str(saved)], isolated_home)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(saved) as con:
        assert con.execute("SELECT title FROM conversations").fetchall() == [("什么是卷积核？",)]
    store = Store(AppPaths.resolve(isolated_home).database_path)
    store.delete_conversation(lesson)
    store.purge_deleted()
    store.close()
    assert json.loads(run_cli(["conversations", "list", "--json"], isolated_home).stdout) == []
    restored = run_cli(["restore", str(saved)], isolated_home)
    assert restored.returncode == 0, restored.stderr
    assert "previous database is kept" in restored.stdout
    assert [c["id"] for c in json.loads(run_cli(["conversations", "list", "--json"], isolated_home).stdout)] == [lesson]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conversations", "show", "999"], "No conversation with id 999"),
        (["conversations", "export", "999", "--format", "md", "x.md"], "No conversation with id 999"),
        (["conversations", "import", "missing.jsonl"], "missing.jsonl does not exist"),
        (["restore", "missing.db"], "missing.db does not exist"),
    ],
)
def test_errors_are_one_line(isolated_home: Path, args: list[str], message: str) -> None:
    result = run_cli(args, isolated_home)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_restore_refuses_a_file_that_is_not_a_database(isolated_home: Path, lesson: int, tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    shutil.copy(ST_DIR / "Amy - 2024-09-01@10h15m30s.jsonl", bad)
    result = run_cli(["restore", str(bad)], isolated_home)
    assert result.returncode == 1
    assert str(bad) in result.stderr and "not a Persona Tutor database" in result.stderr
    assert [c["id"] for c in json.loads(run_cli(["conversations", "list", "--json"], isolated_home).stdout)] == [lesson]
