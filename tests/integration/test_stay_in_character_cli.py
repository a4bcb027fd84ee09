"""`chat --stay-in-character`: the CLI runs the core's second try and says so, keeping both versions."""

import json
import sqlite3
from pathlib import Path

from tests.integration.test_cli import run_cli


def test_an_off_persona_reply_is_written_again_from_the_command_line(isolated_home: Path, starter_path: Path) -> None:
    result = run_cli(
        ["chat", "--persona", "xiaomiao", "--topic", "CNN", "--model", str(starter_path),
         "--max-tokens", "24", "--seed", "3", "--json", "--stay-in-character"],
        isolated_home,
        stdin="什么是卷积层？\n",
        timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    turn = json.loads(result.stdout)
    assert turn["alternative_id"] != turn["message_id"] and "Stay in character" in turn["notice"]
    assert "Stay in character" in result.stderr  # the note for a person reading the terminal
    with sqlite3.connect(isolated_home / "persona-tutor.db") as con:
        rows = con.execute(
            "SELECT id, content, active FROM messages WHERE conversation_id = ? AND role = 'assistant' ORDER BY id",
            (turn["conversation_id"],),
        ).fetchall()
    replies = {r[0]: (r[1], r[2]) for r in rows[1:]}  # after the greeting: the two versions
    assert set(replies) == {turn["message_id"], turn["alternative_id"]}
    assert replies[turn["message_id"]] == (turn["reply"], 1) and replies[turn["alternative_id"]][1] == 0
