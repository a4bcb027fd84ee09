"""A damaged or foreign file at the database path is never overwritten; one window per data folder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import StoreError
from app.instance_lock import LOCK_NAME, InstanceLock, InstanceLockedError
from app.paths import AppPaths
from app.store import Store
from app.store.backup import restore_database
from app.store.file_check import newest_backup
from app.store.migrations import backup_to, timestamped


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_backup(database: Path) -> Path:
    store = Store(database)
    conversation = store.create_conversation("xiaomiao", "CNN", "starter")
    store.add_message(conversation.id, "user", "备份里的问题")
    store.close()
    source = sqlite3.connect(database)
    try:
        return backup_to(source, timestamped(database, "manual"))
    finally:
        source.close()


@pytest.mark.parametrize(
    "content",
    [
        b"hello, I am a text file\n" * 100,
        b"\x00" * 4096,
        b"SQLite format 3\x00" + os.urandom(8192),  # an SQLite header over garbage pages
        b"SQL",
    ],
)
def test_a_file_that_is_not_our_database_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    database = tmp_path / "persona-tutor.db"
    database.write_bytes(content)
    before = digest(database)
    with pytest.raises(StoreError) as caught:
        Store(database)
    message = str(caught.value)
    assert str(database) in message and "left untouched" in message
    assert "No backup was found" in message
    assert digest(database) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["persona-tutor.db"]


def test_a_damaged_database_names_the_newest_backup_and_restore_brings_it_back(tmp_path: Path) -> None:
    database = tmp_path / "persona-tutor.db"
    older = make_backup(database)
    time.sleep(0.01)
    newest = make_backup(database)
    assert newest_backup(database) == newest != older
    # damage it: keep the header, overwrite the schema page and beyond
    blob = bytearray(database.read_bytes())
    blob[100:] = os.urandom(len(blob) - 100)
    database.write_bytes(bytes(blob))
    Path(f"{database}-wal").unlink(missing_ok=True)
    Path(f"{database}-shm").unlink(missing_ok=True)
    before = digest(database)
    with pytest.raises(StoreError) as caught:
        Store(database)
    assert f"persona-tutor restore {newest}" in str(caught.value)
    assert digest(database) == before

    kept = restore_database(database, newest)
    assert kept is not None and kept.read_bytes() == bytes(blob)  # the damaged file is kept, byte for byte
    store = Store(database)
    try:
        assert [m.content for m in store.messages(1)] == ["备份里的问题"]
    finally:
        store.close()


def test_another_programs_sqlite_database_is_not_touched(tmp_path: Path) -> None:
    database = tmp_path / "persona-tutor.db"
    with sqlite3.connect(database) as con:
        con.execute("CREATE TABLE bookmarks (url TEXT)")
        con.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    con.close()
    before = digest(database)
    with pytest.raises(StoreError, match="another program"):
        Store(database)
    assert digest(database) == before


def test_the_cli_says_so_in_one_line(isolated_home: Path) -> None:
    paths = AppPaths.resolve(isolated_home).ensure()
    paths.database_path.write_bytes(b"not a database at all" * 10)
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(isolated_home)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "conversations", "list"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(paths.database_path) in lines[0] and "left untouched" in lines[0]


def test_a_second_window_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from app.instance_lock import InstanceLock; "
         "lock = InstanceLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)",
         str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(InstanceLockedError) as caught:
            InstanceLock(tmp_path).acquire()
        assert f"process {holder.pid}" in str(caught.value) and str(tmp_path) in str(caught.value)
        holder.kill()  # like kill -9: the lock goes with the process
        holder.wait(timeout=30)
        with InstanceLock(tmp_path) as lock:
            assert (tmp_path / LOCK_NAME).read_text().strip() == str(os.getpid())
            with pytest.raises(InstanceLockedError):
                InstanceLock(tmp_path).acquire()  # even from the same process
        assert lock._fd is None
    finally:
        holder.kill()
        holder.wait(timeout=30)
        if holder.stdout:
            holder.stdout.close()


def test_a_stale_lock_file_of_a_dead_process_is_taken_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / LOCK_NAME).write_text(dead.stdout)
    InstanceLock(tmp_path).acquire().release()  # with flock
    # without flock (not POSIX): the pid decides
    (tmp_path / LOCK_NAME).write_text(dead.stdout)
    monkeypatch.setitem(sys.modules, "fcntl", None)
    lock = InstanceLock(tmp_path).acquire()
    assert (tmp_path / LOCK_NAME).read_text().strip() == str(os.getpid())
    with pytest.raises(InstanceLockedError, match=f"process {os.getppid()}"):
        (tmp_path / LOCK_NAME).write_text(str(os.getppid()))
        InstanceLock(tmp_path).acquire()
    lock.release()


@pytest.mark.timeout(120)
def test_two_processes_writing_one_database_lose_nothing(tmp_path: Path) -> None:
    database = tmp_path / "persona-tutor.db"
    Store(database).close()
    script = (
        "import sys; from pathlib import Path; from app.store import Store\n"
        "s = Store(Path(sys.argv[1])); c = s.create_conversation('xiaomiao', sys.argv[2], 'm')\n"
        "for i in range(150):\n"
        "    m = s.add_message(c.id, 'assistant', '', status='streaming')\n"
        "    s.update_message(m.id, content=f'{sys.argv[2]} {i}', status='complete')\n"
        "s.close()\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, str(database), f"w{n}"]) for n in range(2)]
    assert [w.wait(timeout=110) for w in writers] == [0, 0]
    store = Store(database)
    try:
        for conversation in store.conversations():
            contents = [m.content for m in store.messages(conversation.id)]
            assert contents == [f"{conversation.topic} {i}" for i in range(150)]
    finally:
        store.close()
    with sqlite3.connect(database) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
