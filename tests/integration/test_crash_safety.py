"""`kill -9` of a real `persona-tutor chat` while it streams a reply from the real model into a real database."""

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.paths import HOME_ENV, AppPaths
from app.store import Store

KILLS = 5


def _read(database: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if not database.exists():
        return []
    con = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # tables not created yet by the child
        return []
    finally:
        con.close()


def _wait_for_streaming_reply(database: Path, pid: int, child: subprocess.Popen[bytes], log: Path) -> int:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        rows = _read(database, "SELECT id FROM messages WHERE status = 'streaming' AND writer_pid = ?", (pid,))
        if rows:
            return int(rows[0][0])  # type: ignore[call-overload]
        assert child.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        time.sleep(0.05)
    raise AssertionError("the chat process never started streaming a reply")


def _wait_for_saved_text(database: Path, reply_id: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if _read(database, "SELECT 1 FROM messages WHERE id = ? AND content != ''", (reply_id,)):
            return
        time.sleep(0.05)
    raise AssertionError("the reply never saved any text")


def test_kill_9_while_streaming_loses_nothing_committed(
    isolated_home: Path, starter_path: Path, tmp_path: Path
) -> None:
    database = AppPaths.resolve(isolated_home).database_path
    seed = random.randrange(1_000_000)
    moments = random.Random(seed)
    env = {**os.environ, HOME_ENV: str(isolated_home)}
    questions: list[str] = []
    replies: dict[int, str] = {}
    expected: dict[int, str] = {}  # a reply that finished before the kill landed is complete, the rest interrupted
    for round_number in range(KILLS):
        question = f"第{round_number + 1}个问题：请一步一步详细解释卷积神经网络里的卷积、池化和反向传播。"
        questions.append(question)
        command = [sys.executable, "-m", "app", "chat", "--persona", "xiaomiao", "--topic", "CNN", "--json",
                   "--max-tokens", "300", "--model", str(starter_path)]  # fmt: skip
        if round_number:
            command += ["--conversation", "1"]
        log = tmp_path / f"chat-{round_number}.log"
        with log.open("wb") as errors:
            child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env)
            assert child.stdin is not None
            child.stdin.write((question + "\n").encode("utf-8"))
            child.stdin.flush()
            reply_id = _wait_for_streaming_reply(database, child.pid, child, log)
            if round_number % 2:  # every other kill lands after the first save, the others anywhere (even prefill)
                _wait_for_saved_text(database, reply_id)
            time.sleep(moments.uniform(0.0, 1.5))
            seen = _read(database, "SELECT content FROM messages WHERE id = ?", (reply_id,))[0][0]
            time.sleep(1.1)  # what was saved a second before the kill must survive it
            child.kill()
            child.wait(timeout=60)
            child.stdin.close()
        assert child.returncode == -9
        survived, status = _read(database, "SELECT content, status FROM messages WHERE id = ?", (reply_id,))[0]
        expected[reply_id] = "complete" if status == "complete" else "interrupted"
        assert isinstance(seen, str) and isinstance(survived, str)
        assert survived.startswith(seen), f"seed {seed}: saved text was lost"
        replies[reply_id] = survived
        if round_number % 2:
            assert survived, f"seed {seed}"

    store = Store(database)
    try:
        last_was_cut = expected[max(expected)] == "interrupted"
        assert store.recover_interrupted() == int(last_was_cut)  # each new chat recovered the one killed before it
        messages = store.messages(1)
        users = [m.content for m in messages if m.role == "user"]
        assert users == questions, f"seed {seed}"
        partial = [m for m in messages if m.id in replies]
        assert {m.id: m.status for m in partial} == expected, f"seed {seed}"
        assert list(expected.values()).count("interrupted") >= 2, f"seed {seed}: too few kills landed mid-reply"
        assert {m.id: m.content for m in partial} == replies
        assert store.recover_interrupted() == 0
    finally:
        store.close()
    with sqlite3.connect(database) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
