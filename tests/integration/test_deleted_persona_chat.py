"""A learner deletes a persona, then goes on with a conversation they had with it: `persona-tutor chat
--conversation` answers from the copy of the card the conversation kept (real processes, real model, real SQLite)."""

import json
from pathlib import Path

from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store.catalog import card_hash
from tests.integration.test_cli import run_cli
from tests.integration.test_store_cli import ST_DIR

CARD = {
    "name": "Professor Owl",
    "description": "A patient owl who teaches with forest metaphors.",
    "first_mes": "Hoo! Welcome to the forest classroom.",
}


def _chat(home: Path, model: Path, args: list[str], question: str) -> dict[str, object]:
    result = run_cli(
        ["chat", *args, "--model", str(model), "--max-tokens", "8", "--seed", "2", "--json"], home, stdin=question
    )
    assert result.returncode == 0, result.stderr
    turn: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return turn


def test_a_conversation_continues_after_its_persona_was_deleted(isolated_home: Path, starter_path: Path) -> None:
    paths = AppPaths.resolve(isolated_home).ensure()
    library = PersonaLibrary(paths.user_personas_dir)
    owl = library.save(CARD)
    first = _chat(isolated_home, starter_path, ["--persona", owl.id, "--topic", "Forests"], "What is a tree?\n")
    conversation = str(first["conversation_id"])
    library.delete(owl.id)
    assert run_cli(["personas", "show", owl.id], isolated_home).returncode == 1

    # the contract as before (--persona and --topic given), and the short form (the conversation knows them)
    second = _chat(isolated_home, starter_path, ["--persona", owl.id, "--topic", "Forests",
                                                 "--conversation", conversation], "And a leaf?\n")  # fmt: skip
    third = _chat(isolated_home, starter_path, ["--conversation", conversation], "And the roots?\n")
    assert first["conversation_id"] == second["conversation_id"] == third["conversation_id"]
    assert str(third["reply"]).strip()

    shown = run_cli(["conversations", "show", conversation, "--json"], isolated_home)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert set(data["persona_version"]) == {"id", "content_hash"}
    assert data["persona_version"]["content_hash"] == card_hash(owl.card)
    assert data["persona_id"] == owl.id  # the keys it had keep their values
    assert [m["role"] for m in data["messages"]] == ["assistant"] + ["user", "assistant"] * 3
    assert all(m["status"] == "complete" for m in data["messages"])


def test_chat_without_a_persona_or_conversation_says_what_it_needs(isolated_home: Path) -> None:
    result = run_cli(["chat", "--topic", "CNN"], isolated_home)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "persona-tutor: error: chat needs --persona ID and --topic TEXT (or --conversation ID to continue one)."
    )


def test_an_imported_chat_keeps_its_card_and_continues_after_the_persona_was_deleted(
    isolated_home: Path, starter_path: Path
) -> None:
    paths = AppPaths.resolve(isolated_home).ensure()
    library = PersonaLibrary(paths.user_personas_dir)
    owl = library.save(CARD)
    chat_file = ST_DIR / "Amy - 2024-09-01@10h15m30s.jsonl"
    imported = run_cli(["conversations", "import", str(chat_file), "--persona", owl.id, "--json"], isolated_home)
    assert imported.returncode == 0, imported.stderr
    conversation = str(json.loads(imported.stdout)[0]["id"])
    shown = json.loads(run_cli(["conversations", "show", conversation, "--json"], isolated_home).stdout)
    assert shown["persona_version"]["content_hash"] == card_hash(owl.card)  # pinned at import, before any turn
    assert "topic_id" in shown and shown["persona_id"] == owl.id
    before = len(shown["messages"])
    library.delete(owl.id)

    turn = _chat(isolated_home, starter_path, ["--conversation", conversation], "Are you still there?\n")
    assert str(turn["conversation_id"]) == conversation and str(turn["reply"]).strip()
    after = json.loads(run_cli(["conversations", "show", conversation, "--json"], isolated_home).stdout)
    assert len(after["messages"]) == before + 2
    assert after["persona_version"] == shown["persona_version"]
