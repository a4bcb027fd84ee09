import json
from datetime import datetime
from pathlib import Path

import pytest

from app.errors import StoreError
from app.store import Store
from app.store.transcripts import (
    read_transcripts,
    to_markdown,
    to_openai_jsonl,
    to_sillytavern,
    write_atomically,
)

ST_DIR = Path(__file__).resolve().parents[2] / "data" / "st"


def _lesson(store: Store) -> int:
    c = store.create_conversation("xiaomiao", "CNN", "m-0.5b", title="什么是卷积核？")
    store.add_message(c.id, "assistant", "喵~ 你好！")
    store.add_message(c.id, "user", "什么是卷积核？")
    reply = store.add_message(c.id, "assistant", "", status="streaming")
    store.update_message(reply.id, content="卷积核是一个小窗口喵~", status="interrupted")
    failed = store.add_message(c.id, "assistant", "", status="streaming")
    store.update_message(failed.id, status="error", error="boom")
    return c.id


def test_markdown_reads_as_a_transcript(store: Store) -> None:
    cid = _lesson(store)
    md = to_markdown(store.conversation(cid), store.messages(cid), "小喵", "同学")
    assert md.startswith("# 什么是卷积核？\n")
    assert "### 小喵\n\n喵~ 你好！" in md
    assert "### 同学\n\n什么是卷积核？" in md
    assert "### 小喵 _(interrupted)_\n\n卷积核是一个小窗口喵~" in md
    assert "error" not in md


def test_openai_jsonl_round_trip(store: Store, tmp_path: Path) -> None:
    cid = _lesson(store)
    path = tmp_path / "lesson.jsonl"
    write_atomically(path, to_openai_jsonl(store.messages(cid)))
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "messages": [
            {"role": "assistant", "content": "喵~ 你好！"},
            {"role": "user", "content": "什么是卷积核？"},
            {"role": "assistant", "content": "卷积核是一个小窗口喵~"},
        ]
    }
    [transcript] = read_transcripts(path)
    copy = store.import_conversation("xiaomiao", "CNN", "m", "copy", transcript.messages)
    assert [(m.role, m.content) for m in store.messages(copy.id)] == [
        (m.role, m.content) for m in store.messages(cid) if m.status != "error"
    ]


def test_sillytavern_round_trip_keeps_names_dates_status_and_metadata(store: Store, tmp_path: Path) -> None:
    cid = _lesson(store)
    original = store.conversation(cid)
    path = tmp_path / "小喵 - lesson.jsonl"
    write_atomically(path, to_sillytavern(original, store.messages(cid), "小喵", "同学"))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert set(lines[0]) == {"user_name", "character_name", "create_date", "chat_metadata"}
    assert (lines[0]["user_name"], lines[0]["character_name"]) == ("同学", "小喵")
    assert [(m["name"], m["is_user"], m["mes"]) for m in lines[1:]] == [
        ("小喵", False, "喵~ 你好！"),
        ("同学", True, "什么是卷积核？"),
        ("小喵", False, "卷积核是一个小窗口喵~"),
    ]
    assert all({"name", "is_user", "send_date", "mes"} <= set(m) for m in lines[1:])
    [transcript] = read_transcripts(path)
    assert (transcript.persona_id, transcript.topic, transcript.title, transcript.model) == (
        "xiaomiao",
        "CNN",
        "什么是卷积核？",
        "m-0.5b",
    )
    copy = store.import_conversation(
        "xiaomiao", "CNN", "m-0.5b", transcript.title or "", transcript.messages, transcript.created_at
    )
    before = [(m.role, m.content, m.status, m.created_at) for m in store.messages(cid) if m.status != "error"]
    assert [(m.role, m.content, m.status, m.created_at) for m in store.messages(copy.id)] == before
    assert store.conversation(copy.id).created_at == original.created_at


def test_sillytavern_chats_made_by_others_are_read() -> None:
    [old] = read_transcripts(ST_DIR / "Seraphina - 2023-5-14 @17h 32m 11s 123ms.jsonl")
    assert old.character_name == "Seraphina"
    assert old.created_at == datetime(2023, 5, 14, 17, 32, 11)
    assert [m.role for m in old.messages] == ["assistant", "user", "assistant", "system"]
    assert old.messages[2].content.startswith("Of course. A convolution slides")  # the chosen swipe
    assert old.messages[1].created_at == datetime(2023, 5, 14, 17, 33)
    [new] = read_transcripts(ST_DIR / "Amy - 2024-09-01@10h15m30s.jsonl")
    assert new.character_name == "Amy"
    assert new.messages[1].content == "什么是池化层？"
    assert new.messages[2].created_at == datetime(2024, 9, 1, 10, 16, 9, 20000)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "is empty"),
        ("{not json\n", "line 1: not valid JSON"),
        ('{"hello": 1}\n', "neither a SillyTavern chat"),
        ('{"character_name": "A"}\n{"name": "A"}\n', "line 2: a SillyTavern message needs"),
        ('{"messages": [{"role": "wizard", "content": "x"}]}\n', "line 1: each message needs a role"),
    ],
)
def test_bad_files_are_refused_with_the_file_and_the_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match=reason) as error:
        read_transcripts(path)
    assert str(path) in str(error.value)


def test_regenerated_replies_travel_as_sillytavern_swipes(store: Store, tmp_path: Path) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    store.add_message(c.id, "user", "什么是步长？")
    first = store.add_message(c.id, "assistant", "步长是一次走几格")
    second = store.add_branch(first.id, "步长（stride）是卷积核每次移动的距离喵~")
    messages = store.messages(c.id)
    versions = {m.id: store.siblings(m.id) for m in messages}
    path = tmp_path / "swipes.jsonl"
    write_atomically(path, to_sillytavern(store.conversation(c.id), messages, "小喵", "同学", versions))
    reply = json.loads(path.read_text(encoding="utf-8").splitlines()[2])
    assert reply["swipes"] == ["步长是一次走几格", "步长（stride）是卷积核每次移动的距离喵~"]
    assert reply["swipe_id"] == 1
    [transcript] = read_transcripts(path)
    copy = store.import_conversation("xiaomiao", "CNN", "m", "copy", transcript.messages)
    imported = store.messages(copy.id)
    assert [m.content for m in imported] == [m.content for m in messages]
    assert [m.content for m in store.siblings(imported[1].id)] == [second.content, first.content]


def test_swipes_in_chats_made_by_others_become_branches(store: Store) -> None:
    [old] = read_transcripts(ST_DIR / "Seraphina - 2023-5-14 @17h 32m 11s 123ms.jsonl")
    copy = store.import_conversation("xiaomiao", "CNN", "m", "t", old.messages)
    chosen = store.messages(copy.id)[2]
    assert [m.content for m in store.siblings(chosen.id)][1] == "A convolution is like a stencil."
