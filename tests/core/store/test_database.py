import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import StoreError
from app.store import Store
from app.store.migrations import KNOWN


def test_database_is_a_wal_sqlite_file_with_every_migration_recorded(store: Store) -> None:
    store.create_conversation("xiaomiao", "CNN", "m")
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert names == KNOWN


def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    first = Store(tmp_path / "t.db")
    conversation = first.create_conversation("xiaomiao", "CNN", "m")
    first.add_message(conversation.id, "user", "你好")
    first.close()
    second = Store(tmp_path / "t.db")
    assert [m.content for m in second.messages(conversation.id)] == ["你好"]
    assert second.migration_backup is None
    second.close()


def test_messages_keep_order_parent_and_status(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    a = store.add_message(c.id, "assistant", "hello")
    u = store.add_message(c.id, "user", "question")
    r = store.add_message(c.id, "assistant", "", status="streaming")
    store.update_message(r.id, content="partial", status="interrupted", generated_tokens=3)
    messages = store.messages(c.id)
    assert [m.id for m in messages] == [a.id, u.id, r.id]
    assert [m.parent_id for m in messages] == [None, a.id, u.id]
    assert messages[-1].status == "interrupted"
    assert messages[-1].content == "partial"
    assert messages[-1].generated_tokens == 3
    with pytest.raises(ValueError, match="unknown"):
        store.update_message(r.id, nonsense=1)


def test_a_long_conversation_opens_page_by_page(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    ids = [store.add_message(c.id, "user" if i % 2 else "assistant", f"m{i}").id for i in range(25)]
    last = store.messages(c.id, limit=10)
    assert [m.id for m in last] == ids[-10:]
    older = store.messages(c.id, limit=10, before_id=last[0].id)
    assert [m.id for m in older] == ids[-20:-10]
    oldest = store.messages(c.id, limit=10, before_id=older[0].id)
    assert [m.id for m in oldest] == ids[:5]
    assert store.count_messages(c.id) == 25


def test_conversations_are_listed_pinned_then_most_recent_first(store: Store) -> None:
    old = store.create_conversation("xiaomiao", "A", "m")
    new = store.create_conversation("xiaomiao", "B", "m")
    assert [c.id for c in store.conversations()] == [new.id, old.id]
    store.add_message(old.id, "user", "back to A")
    assert [c.id for c in store.conversations()] == [old.id, new.id]
    store.set_pinned(new.id, True)
    assert [c.id for c in store.conversations()] == [new.id, old.id]
    assert store.conversation(new.id).pinned


def test_archived_conversations_can_be_hidden_from_the_list(store: Store) -> None:
    kept = store.create_conversation("xiaomiao", "A", "m")
    shelved = store.create_conversation("xiaomiao", "B", "m")
    store.set_archived(shelved.id, True)
    assert [c.id for c in store.conversations(include_archived=False)] == [kept.id]
    assert {c.id for c in store.conversations()} == {kept.id, shelved.id}


def test_rename_and_sampler_settings_are_kept(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m", sampler={"temperature": 0.7})
    assert store.conversation(c.id).sampler == {"temperature": 0.7}
    store.set_sampler(c.id, {"temperature": 0.2, "top_p": 0.9})
    store.rename_conversation(c.id, "卷积核")
    again = store.conversation(c.id)
    assert again.sampler == {"temperature": 0.2, "top_p": 0.9}
    assert again.title == "卷积核"
    with pytest.raises(StoreError, match="No conversation"):
        store.rename_conversation(404, "x")


def test_delete_can_be_undone_until_purged(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    m = store.add_message(c.id, "user", "卷积核是什么")
    store.delete_conversation(c.id)
    assert store.conversations() == []
    assert store.search("卷积核") == []
    assert [d.id for d in store.deleted_conversations()] == [c.id]
    store.restore_conversation(c.id)
    assert [x.id for x in store.conversations()] == [c.id]
    assert [h.message_id for h in store.search("卷积核")] == [m.id]
    store.delete_conversation(c.id)
    assert store.purge_deleted() == 1
    with pytest.raises(StoreError):
        store.message(m.id)
    with pytest.raises(StoreError):
        store.conversation(c.id)


def test_a_regenerated_reply_is_a_branch_and_the_old_one_can_be_chosen_again(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    q = store.add_message(c.id, "user", "什么是池化？")
    first = store.add_message(c.id, "assistant", "第一次回答")
    follow = store.add_message(c.id, "user", "再举个例子")
    second = store.add_branch(first.id, "第二次回答")
    assert [m.content for m in store.messages(c.id)] == ["什么是池化？", "第二次回答"]
    assert [m.id for m in store.siblings(first.id)] == [first.id, second.id]
    after = store.add_message(c.id, "user", "谢谢")
    assert after.parent_id == second.id
    store.select_branch(first.id)
    assert [m.id for m in store.messages(c.id)] == [q.id, first.id, follow.id]
    store.select_branch(second.id)
    assert [m.id for m in store.messages(c.id)] == [q.id, second.id, after.id]


def test_an_edited_question_branches_from_its_parent(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    greeting = store.add_message(c.id, "assistant", "喵~")
    store.add_message(c.id, "user", "typo questoin")
    store.add_message(c.id, "assistant", "answer")
    edited = store.add_branch(store.messages(c.id)[1].id, "fixed question")
    assert edited.parent_id == greeting.id
    assert [m.content for m in store.messages(c.id)] == ["喵~", "fixed question"]


def _streaming_row_of_a_child_process(path: Path, wait: bool) -> subprocess.Popen[str]:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.store import Store\n"
        f"s = Store(Path({str(path)!r}))\n"
        "c = s.create_conversation('xiaomiao', 'CNN', 'm')\n"
        "s.add_message(c.id, 'assistant', 'half a rep', status='streaming')\n"
        "print('ready', flush=True)\n"
        f"if {wait}: sys.stdin.readline()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def test_streaming_replies_left_by_a_dead_process_are_recovered(store: Store) -> None:
    child = _streaming_row_of_a_child_process(store.path, wait=False)
    child.communicate(timeout=60)
    assert store.recover_interrupted() == 1
    [message] = store.messages(store.conversations()[0].id)
    assert (message.status, message.content) == ("interrupted", "half a rep")


def test_recovery_leaves_the_reply_of_a_live_process_alone(store: Store) -> None:
    child = _streaming_row_of_a_child_process(store.path, wait=True)
    try:
        assert store.recover_interrupted() == 0
        assert store.messages(store.conversations()[0].id)[0].status == "streaming"
    finally:
        child.kill()
        child.communicate(timeout=60)
    assert store.recover_interrupted() == 1


def test_recovery_in_the_writing_process_spares_its_own_live_reply(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    live = store.add_message(c.id, "assistant", "growing", status="streaming")
    assert store.recover_interrupted() == 0
    store.update_message(live.id, content="growing and done", status="complete")
    assert store.recover_interrupted() == 0
    assert store.message(live.id).status == "complete"


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


def test_delete_message_keeps_what_followed_and_its_alternatives(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.db")
    conversation = store.create_conversation("xiaomiao", "CNN", "m")
    greeting = store.add_message(conversation.id, "assistant", "喵~ hello")
    question = store.add_message(conversation.id, "user", "卷积是什么？")
    first = store.add_message(conversation.id, "assistant", "first answer")
    store.add_verdict(first.id, "c", "1", {"ok": True})
    second = store.add_branch(first.id, "second answer")
    # deleting the shown version brings back the other one
    store.delete_message(second.id)
    assert [m.content for m in store.messages(conversation.id)] == ["喵~ hello", "卷积是什么？", "first answer"]
    assert store.search("second answer") == []
    # deleting a message in the middle keeps what followed it, attached to the message before
    store.delete_message(question.id)
    assert [m.content for m in store.messages(conversation.id)] == ["喵~ hello", "first answer"]
    assert store.message(first.id).parent_id == greeting.id
    store.delete_message(first.id)
    assert store.verdicts(first.id) == []
    assert [m.content for m in store.messages(conversation.id)] == ["喵~ hello"]
    store.close()


def test_conversation_summaries_list_what_the_sidebar_shows_in_conversations_order(store: Store) -> None:
    first = store.create_conversation("xiaomiao", "CNN", "m", title="卷积")
    second = store.create_conversation("redbeard", "RNN", "m")
    store.set_pinned(first.id, True)
    store.set_archived(second.id, True)
    summaries = store.conversation_summaries()
    assert [s.id for s in summaries] == [c.id for c in store.conversations()] == [first.id, second.id]
    pinned = summaries[0]
    whole = store.conversation(first.id)
    assert (pinned.title, pinned.persona_id, pinned.topic, pinned.updated_at) == (
        "卷积",
        "xiaomiao",
        "CNN",
        whole.updated_at,
    )
    assert pinned.pinned and not pinned.archived and summaries[1].archived and summaries[1].title == ""
    assert [s.id for s in store.conversation_summaries(include_archived=False)] == [first.id]


def test_versions_count_siblings_of_a_page_in_a_long_conversation(store: Store) -> None:
    chat = store.create_conversation("xiaomiao", "CNN", "m")
    greeting = store.add_message(chat.id, "assistant", "喵~")
    question = store.add_message(chat.id, "user", "什么是卷积？")
    reply = store.add_message(chat.id, "assistant", "first")
    again = store.add_branch(reply.id, "second")
    for n in range(30):
        store.add_message(chat.id, "user" if n % 2 == 0 else "assistant", f"later {n}")
    versions = store.versions(chat.id, [greeting.id, question.id, again.id])
    assert versions == {greeting.id: (1, 1), question.id: (1, 1), again.id: (2, 2)}
    assert store.versions(chat.id, []) == {}
    # a page without the first message reads only the rows after its first parent, and finds every version
    last = store.messages(chat.id, limit=1)[0]
    newest = store.add_branch(last.id, "later 29, again")
    page = [m.id for m in store.messages(chat.id, limit=10)]
    assert store.versions(chat.id, page) == {m: (2, 2) if m == newest.id else (1, 1) for m in page}
    assert store.versions(chat.id, [again.id, newest.id]) == {again.id: (2, 2), newest.id: (2, 2)}


def test_warming_up_reads_nothing_and_changes_nothing(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    store.add_message(c.id, "user", "question")
    store.warm_up()  # the chat worker runs it after a model loads, before the first reply ends
    assert [m.content for m in store.messages(c.id)] == ["question"]
    assert [s.id for s in store.conversation_summaries()] == [c.id]
