"""`persona-tutor feedback add|list|export` as a user runs them: real processes on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.chat import ChatService
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from tests.core.feedback_fixtures import Branchy, build_branchy
from tests.integration.test_cli import run_cli


@pytest.fixture
def tree(isolated_home: Path) -> Branchy:
    paths = AppPaths.resolve(isolated_home).ensure()
    store = Store(paths.database_path)
    try:
        return build_branchy(store, PersonaLibrary(paths.user_personas_dir))
    finally:
        store.close()


def test_add_list_and_export(isolated_home: Path, tree: Branchy, tmp_path: Path) -> None:
    better = tmp_path / "better.txt"
    better.write_text("池化层把特征图缩小，保留最明显的特征喵~\n", encoding="utf-8")
    added = run_cli(
        [
            "feedback", "add", str(tree.r3.id), "--down", "--reason", "wrong_fact", "--reason", "boring",
            "--rating", "role=4,accuracy=1,engagement=2", "--better-file", str(better), "--comment", "太短了",
        ],
        isolated_home,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert f"on message {tree.r3.id}" in added.stdout
    picked = run_cli(["feedback", "add", str(tree.r2a.id), "--better-message", str(tree.r2b.id)], isolated_home)
    assert picked.returncode == 0, picked.stderr
    disputed = run_cli(["feedback", "add", str(tree.r2a.id), "--dispute", "accuracy", "--json"], isolated_home)
    assert disputed.returncode == 0, disputed.stderr
    assert set(json.loads(disputed.stdout)) == {"id", "message_id"}

    listed = run_cli(["feedback", "list", "--json"], isolated_home)
    assert listed.returncode == 0, listed.stderr
    items = {item["message_id"]: item for item in json.loads(listed.stdout)}
    assert set(items) == {tree.r3.id, tree.r2a.id}
    r3 = items[tree.r3.id]
    assert (r3["thumbs"], r3["reasons"], r3["ratings"], r3["comment"]) == (
        -1,
        ["wrong_fact", "boring"],
        {"role": 4, "accuracy": 1, "engagement": 2},
        "太短了",
    )
    assert r3["better_reply"] == "池化层把特征图缩小，保留最明显的特征喵~"
    assert (r3["persona_id"], r3["model"], r3["conversation_deleted"]) == ("xiaomiao", "qwen-test", False)
    r2a = items[tree.r2a.id]  # the second add kept the picked alternative
    assert (r2a["better_message_id"], r2a["verdict_review"]) == (tree.r2b.id, {"accuracy": "disputed"})
    plain = run_cli(["feedback", "list"], isolated_home)
    assert "wrong_fact,boring" in plain.stdout and "👎" in plain.stdout

    out = tmp_path / "dpo.jsonl"
    exported = run_cli(["feedback", "export", "--format", "dpo", "--out", str(out), "--anonymize"], isolated_home)
    assert exported.returncode == 0, exported.stderr
    assert "Wrote 2 dpo lines from 2 feedback records" in exported.stdout
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["rejected"][0]["content"] for line in lines] == [tree.r3.content, tree.r2a.content]
    assert "{{user}}" in lines[0]["prompt"][0]["content"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["feedback", "add", "QUESTION", "--up"], "not a tutor's reply"),
        (["feedback", "add", "99999", "--up"], "No message with id 99999"),
        (["feedback", "add", "3", "--rating", "role=7"], "1 to 5"),
        (["feedback", "add", "3"], "Nothing to record"),
        (["feedback", "add", "3", "--better-file", "/nonexistent/better.txt"], "Cannot read the better reply"),
        (["feedback", "export", "--format", "sft", "--out", "/nonexistent/dir/x.jsonl"], "does not exist"),
    ],
)
def test_errors_are_one_line_and_exit_1(isolated_home: Path, tree: Branchy, args: list[str], message: str) -> None:
    args = [str(tree.q1.id) if a == "QUESTION" else a for a in args]
    result = run_cli(args, isolated_home)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_reason_is_refused_by_the_parser(isolated_home: Path, tree: Branchy) -> None:
    result = run_cli(["feedback", "add", str(tree.r1.id), "--reason", "rude"], isolated_home)
    assert result.returncode == 2
    assert "invalid choice: 'rude'" in result.stderr


def test_a_real_reply_exports_with_the_prompt_the_chat_used(
    isolated_home: Path, starter_path: Path, tmp_path: Path
) -> None:
    chat = run_cli(
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
            "--json",
        ],
        isolated_home,
        stdin="什么是卷积层？\n",
    )
    assert chat.returncode == 0, chat.stderr
    turn = json.loads(chat.stdout.splitlines()[-1])
    added = run_cli(
        ["feedback", "add", str(turn["message_id"]), "--down", "--reason", "out_of_character"], isolated_home
    )
    assert added.returncode == 0, added.stderr
    out = tmp_path / "kto.jsonl"
    assert run_cli(["feedback", "export", "--format", "kto", "--out", str(out)], isolated_home).returncode == 0
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["completion"] == [{"role": "assistant", "content": turn["reply"]}]
    assert line["label"] is False
    paths = AppPaths.resolve(isolated_home).ensure()
    store = Store(paths.database_path)
    try:
        service = ChatService(store, PersonaLibrary(paths.user_personas_dir))
        seen = [m.to_dict() for m in service.prompt(store.conversation(turn["conversation_id"]))]
    finally:
        store.close()
    assert line["prompt"] == seen[:-1]  # everything the model saw before its reply
