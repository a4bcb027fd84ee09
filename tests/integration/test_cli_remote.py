"""The CLI on a remote server: `chat --backend …` and `models remote …`, as real processes against llama_cpp.server."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from tests.integration.test_cli import run_cli
from tests.remote_server import MODEL_ALIAS, LlamaServer, free_port


def test_chat_through_a_server_is_stored(isolated_home: Path, llama_server: LlamaServer) -> None:
    result = run_cli(
        ["chat", "--persona", "xiaomiao", "--topic", "CNN", "--backend", "openai", "--base-url", llama_server.url,
         "--remote-model", MODEL_ALIAS, "--ctx", "2048", "--max-tokens", "12", "--seed", "4", "--json"],
        isolated_home,
        stdin="什么是卷积层？\n池化层呢？\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(turns) == 2 and all(t["reply"].strip() for t in turns)
    assert turns[0]["timings"]["generated_tokens"] > 0
    with sqlite3.connect(isolated_home / "persona-tutor.db") as con:
        model, statuses = con.execute(
            "SELECT c.model, group_concat(m.status) FROM conversations c JOIN messages m ON m.conversation_id = c.id"
        ).fetchone()
    assert model == f"{MODEL_ALIAS}@127.0.0.1:{llama_server.port}"
    assert statuses == ",".join(["complete"] * 5)


def test_saved_servers_and_chat_by_name(isolated_home: Path, llama_server: LlamaServer) -> None:
    added = run_cli(["models", "remote", "add", "lab", llama_server.url + "/v1", "--api-key-stdin", "--ctx", "2048",
                     "--json"], isolated_home, stdin="sk-not-needed\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {
        "name": "lab",
        "base_url": llama_server.url,
        "model": MODEL_ALIAS,  # checked on the server and filled in
        "api_key": "stored",
        "context_size": 2048,
    }
    stored = isolated_home / "config" / "remote_servers.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    listing = run_cli(["models", "remote", "list"], isolated_home)
    assert "lab\t" in listing.stdout and "key: stored" in listing.stdout
    assert "sk-not-needed" not in listing.stdout + added.stdout + added.stderr
    served = run_cli(["models", "remote", "models", "lab", "--json"], isolated_home)
    assert json.loads(served.stdout) == [MODEL_ALIAS]

    chat = run_cli(["chat", "--persona", "socrates", "--topic", "logic", "--backend", "lab", "--max-tokens", "6"],
                   isolated_home, stdin="What is a syllogism?\n")  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.strip()

    assert run_cli(["models", "remote", "remove", "lab"], isolated_home).returncode == 0
    gone = run_cli(["chat", "--persona", "socrates", "--topic", "logic", "--backend", "lab"], isolated_home)
    assert gone.returncode == 1
    assert gone.stderr.startswith("persona-tutor: error: No saved server is called 'lab'")


def test_a_server_that_is_not_running_is_one_clear_line(isolated_home: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli(["chat", "--persona", "xiaomiao", "--topic", "CNN", "--backend", url], isolated_home, stdin="hi\n")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"persona-tutor: error: Cannot connect to {url[7:]}: connection refused. Is the server running?"
    ]
