"""`kill -9` of a real `persona-tutor chat` at 20 random moments — while the model loads, while it reads the prompt
and while it streams — into one real database whose history grows from kill to kill (real model, real SQLite).

After every kill nothing that was committed is lost (a streaming reply only grows); the next process marks the
cut reply interrupted; at the end the file passes SQLite's and the search index's integrity checks. The moments
come from a seed named in every assertion message (``CRASH_SEED=N`` replays a run). No timing is asserted.
"""

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.paths import HOME_ENV, AppPaths
from app.store import Store

KILLS = 20
PHASES = ("load", "prefill", "stream")
TURNS_PER_CONVERSATION = 3  # history accumulates, while each process's prompt (read again after a kill) stays short
WAIT_S = 180  # how long a child may take to reach a phase on a loaded machine before the test gives up

Rows = dict[int, tuple[str, str, str]]  # message id -> (role, content, status)


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


def _messages(database: Path) -> Rows:
    rows = _read(database, "SELECT id, role, content, status FROM messages")
    return {int(r[0]): (str(r[1]), str(r[2]), str(r[3])) for r in rows}  # type: ignore[call-overload]


def _streaming(database: Path, pid: int, with_text: bool = False) -> bool:
    text = " AND content != ''" if with_text else ""
    sql = f"SELECT 1 FROM messages WHERE status = 'streaming' AND writer_pid = ?{text}"
    return bool(_read(database, sql, (pid,)))


def _wait(condition: Callable[[], bool], child: subprocess.Popen[bytes], log: Path, until: float) -> bool:
    """Poll ``condition`` until it holds (True) or ``until`` passes (False); a child that dies first fails the test."""
    while time.monotonic() < until:
        if condition():
            return True
        assert child.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        time.sleep(0.01)
    return False


def _conversation_to_continue(database: Path) -> int | None:
    """The newest conversation while it has fewer than TURNS_PER_CONVERSATION questions, else None (a new one)."""
    rows = _read(
        database,
        "SELECT c.id, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user') "
        "FROM conversations c ORDER BY c.id DESC LIMIT 1",
    )
    if not rows or int(rows[0][1]) >= TURNS_PER_CONVERSATION:  # type: ignore[call-overload]
        return None
    return int(rows[0][0])  # type: ignore[call-overload]


def _reach(phase: str, rng: random.Random, database: Path, child: subprocess.Popen[bytes], log: Path) -> str:
    """Wait for a random moment of ``phase``; returns where the child really was when the moment came."""
    pid = child.pid
    if phase == "load":  # imports, model load, migration, the question's commit: any moment before the reply row
        if _wait(lambda: _streaming(database, pid), child, log, time.monotonic() + rng.uniform(0.0, 3.0)):
            return "prefill"
        return "load"
    assert _wait(lambda: _streaming(database, pid), child, log, time.monotonic() + WAIT_S), "never streamed"
    if phase == "prefill":  # the reply row exists, the model is reading the prompt (or its first tokens)
        time.sleep(rng.uniform(0.0, 0.5))
        return "stream" if _streaming(database, pid, with_text=True) else "prefill"
    assert _wait(lambda: _streaming(database, pid, with_text=True), child, log, time.monotonic() + WAIT_S), (
        "never saved text"
    )
    time.sleep(rng.uniform(0.0, 1.0))
    return "stream"


def _check_nothing_lost(before: Rows, after: Rows, where: str) -> None:
    """Every message seen committed before the kill is there after it, unchanged (a streaming reply may have grown
    or finished)."""
    for message_id, (role, content, status) in before.items():
        assert message_id in after, f"{where}: message {message_id} was lost"
        now_role, now_content, now_status = after[message_id]
        assert now_role == role, where
        if status == "streaming":
            assert now_content.startswith(content), f"{where}: saved text of reply {message_id} was lost"
        else:
            assert (now_content, now_status) == (content, status), f"{where}: message {message_id} changed"


@pytest.mark.timeout(900)  # about 90 s on two idle cores; far more when other model runs share them
def test_kill_9_at_random_moments_loses_nothing_committed(
    isolated_home: Path, starter_path: Path, tmp_path: Path
) -> None:
    database = AppPaths.resolve(isolated_home).database_path
    seed = int(os.environ.get("CRASH_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    phases = [PHASES[i % len(PHASES)] for i in range(KILLS)]
    rng.shuffle(phases)
    env = {**os.environ, HOME_ENV: str(isolated_home)}
    moments: list[str] = []  # planned phase -> where the kill landed, for the assertion messages
    cut: set[int] = set()  # replies a kill cut off mid-stream
    committed: Rows = {}
    for round_number, phase in enumerate(phases):
        where = f"seed {seed}, kill {round_number + 1}"
        question = f"第{round_number + 1}个问题：请一步一步详细解释卷积神经网络里的卷积、池化和反向传播。"
        command = [sys.executable, "-m", "app", "chat", "--persona", "xiaomiao", "--topic", "CNN", "--json",
                   "--max-tokens", "160", "--ctx", "2048", "--model", str(starter_path)]  # fmt: skip
        conversation = _conversation_to_continue(database)
        if conversation is not None:
            command += ["--conversation", str(conversation)]
        log = tmp_path / f"chat-{round_number}.log"
        with log.open("wb") as errors:
            child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env)
            assert child.stdin is not None
            try:
                child.stdin.write((question + "\n").encode("utf-8"))
                child.stdin.flush()
                landed = _reach(phase, rng, database, child, log)
                before = _messages(database)
            finally:  # the kill; on a failed wait too, so no child outlives the test
                child.kill()
                child.wait(timeout=60)
                child.stdin.close()
        moments.append(f"{phase}->{landed}")
        where += f" ({moments[-1]}; all: {', '.join(moments)})"
        assert child.returncode == -9, where
        after = _messages(database)
        _check_nothing_lost({**committed, **before}, after, where)
        streaming = [i for i, (_, _, status) in after.items() if status == "streaming"]
        assert len(streaming) <= 1, where
        if landed != "load":  # the question was committed before the reply row was made
            assert any(r == ("user", question, "complete") for r in after.values()), where
        cut.update(streaming)
        committed = after

    where = f"seed {seed} ({', '.join(moments)})"
    store = Store(database)
    try:
        last_was_cut = any(status == "streaming" for _, _, status in committed.values())
        # each chat process recovered the reply the kill before it cut; the last one is recovered here
        assert store.recover_interrupted() == int(last_was_cut), where
        final = _messages(database)
        _check_nothing_lost({i: r for i, r in committed.items() if r[2] != "streaming"}, final, where)
        assert {i: final[i][1] for i in cut} == {i: committed[i][1] for i in cut}, where
        assert {final[i][2] for i in cut} <= {"interrupted"}, where
        assert any(final[i][1] for i in cut), f"{where}: no kill cut a reply that had saved text"
        assert "streaming" not in {status for _, _, status in final.values()}, where
        questions = [content for role, content, _ in final.values() if role == "user"]
        assert len(questions) == len(set(questions)), where  # no question was stored twice
        assert sum(1 for m in moments if not m.endswith("load")) <= len(questions), where
        assert store.recover_interrupted() == 0, where
    finally:
        store.close()
    with sqlite3.connect(database) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", where
        con.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
