"""The CLI contract, run as a user runs it: a real process, the real model, a real SQLite file."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__


def run_cli(args: list[str], home: Path, stdin: str = "", timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_version(isolated_home: Path) -> None:
    result = run_cli(["--version"], isolated_home)
    assert result.returncode == 0
    assert result.stdout.strip() == f"persona-tutor {__version__}"


def test_two_turn_json_chat_reuses_the_cache_and_is_stored(isolated_home: Path, starter_path: Path) -> None:
    result = run_cli(
        ["chat", "--persona", "xiaomiao", "--topic", "Convolutional neural networks", "--model", str(starter_path),
         "--max-tokens", "24", "--seed", "5", "--json"],
        isolated_home,
        stdin="什么是卷积层？\n\n池化层有什么用？\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(turns) == 2
    for turn in turns:
        assert set(turn) == {"conversation_id", "message_id", "reply", "timings"}
        assert set(turn["timings"]) == {
            "ttft_s",
            "prompt_tokens",
            "cached_prompt_tokens",
            "generated_tokens",
            "tokens_per_s",
        }
        assert turn["reply"].strip()
    assert turns[0]["conversation_id"] == turns[1]["conversation_id"]
    assert turns[1]["timings"]["cached_prompt_tokens"] > 0

    with sqlite3.connect(isolated_home / "persona-tutor.db") as con:
        rows = con.execute(
            "SELECT id, role, content, status FROM messages WHERE conversation_id = ? ORDER BY id",
            (turns[0]["conversation_id"],),
        ).fetchall()
    assert [r[1] for r in rows] == ["assistant", "user", "assistant", "user", "assistant"]
    assert rows[1][2] == "什么是卷积层？"
    assert rows[3][2] == "池化层有什么用？"
    assert (rows[2][0], rows[2][2], rows[2][3]) == (turns[0]["message_id"], turns[0]["reply"], "complete")
    assert (rows[4][0], rows[4][2]) == (turns[1]["message_id"], turns[1]["reply"])


def test_plain_chat_streams_text(isolated_home: Path, starter_path: Path) -> None:
    result = run_cli(
        [
            "chat",
            "--persona",
            "xiaomiao",
            "--topic",
            "CNN",
            "--model",
            str(starter_path),
            "--max-tokens",
            "8",
        ],
        isolated_home,
        stdin="你好\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert not result.stdout.lstrip().startswith("{")


def test_data_dir_flag_after_the_subcommand(tmp_path: Path, isolated_home: Path, starter_path: Path) -> None:
    other = tmp_path / "elsewhere"
    (other / "models").mkdir(parents=True)
    os.symlink(starter_path, other / "models" / starter_path.name)
    result = run_cli(["models", "list", "--json", "--data-dir", str(other)], isolated_home)
    assert result.returncode == 0, result.stderr
    models = json.loads(result.stdout)
    assert [m["id"] for m in models] == [starter_path.stem]
    assert models[0]["size"] == 491400064


def test_models_list_on_an_empty_install(isolated_home: Path) -> None:
    result = run_cli(["models", "list", "--json"], isolated_home)
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


def test_personas_list(isolated_home: Path) -> None:
    result = run_cli(["personas", "list", "--json"], isolated_home)
    assert result.returncode == 0
    assert {"id": "xiaomiao", "name": "小喵", "language": "zh", "builtin": True} in json.loads(result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chat", "--persona", "nobody", "--topic", "x"], "No persona with the id 'nobody'"),
        (
            ["chat", "--persona", "xiaomiao", "--topic", "x", "--model", "/no/such/file.gguf"],
            "Model file not found",
        ),
        (["chat", "--persona", "xiaomiao", "--topic", "x", "--model", "unknown-id"], "No installed model"),
        (["chat", "--persona", "xiaomiao", "--topic", "x", "--max-tokens", "0"], "--max-tokens"),
    ],
)
def test_errors_are_one_line_without_traceback(isolated_home: Path, args: list[str], message: str) -> None:
    result = run_cli(args, isolated_home, stdin="hi\n")
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_model(isolated_home: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.gguf"
    fake.write_text("hello")
    result = run_cli(["chat", "--persona", "xiaomiao", "--topic", "x", "--model", str(fake)], isolated_home, "hi\n")
    assert result.returncode == 1
    assert "not a GGUF model" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_that_is_not_ours(isolated_home: Path, starter_path: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "persona-tutor.db").write_bytes(b"x" * 4096)
    result = run_cli(
        ["chat", "--persona", "xiaomiao", "--topic", "x", "--model", str(starter_path)], isolated_home, "hi\n"
    )
    assert result.returncode == 1
    assert "not a Persona Tutor database" in result.stderr
    assert (isolated_home / "persona-tutor.db").read_bytes() == b"x" * 4096


def test_a_conversation_continues_in_a_new_process_from_its_saved_state(
    isolated_home: Path, starter_path: Path
) -> None:
    args = ["chat", "--persona", "xiaomiao", "--topic", "CNN", "--model", str(starter_path), "--max-tokens", "8"]
    first = run_cli([*args, "--seed", "1", "--json"], isolated_home, stdin="什么是卷积层？\n")
    assert first.returncode == 0, first.stderr
    turn = json.loads(first.stdout)
    second = run_cli(
        [*args, "--json", "--conversation", str(turn["conversation_id"])], isolated_home, stdin="池化层呢？\n"
    )
    assert second.returncode == 0, second.stderr
    resumed = json.loads(second.stdout)
    assert resumed["conversation_id"] == turn["conversation_id"]
    assert resumed["timings"]["cached_prompt_tokens"] >= turn["timings"]["prompt_tokens"]


def test_an_unknown_conversation_is_a_clear_error(isolated_home: Path, starter_path: Path) -> None:
    result = run_cli(
        ["chat", "--persona", "xiaomiao", "--topic", "x", "--model", str(starter_path), "--conversation", "999"],
        isolated_home,
        "hi\n",
    )
    assert result.returncode == 1
    assert "No conversation with id 999" in result.stderr
