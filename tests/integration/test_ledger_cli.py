"""`conversations show ID --json` carries the facts ledger of the branch it shows (an additive key)."""

import json
from pathlib import Path

from app.paths import AppPaths
from app.store import Store
from tests.integration.test_cli import run_cli


def test_show_json_lists_the_ledger(isolated_home: Path) -> None:
    store = Store(AppPaths.resolve(isolated_home).ensure().database_path)
    c = store.create_conversation("xiaomiao", "CNN", "starter")
    said = store.add_message(c.id, "user", "我叫小明")
    store.add_fact(c.id, "learner", "name", "小明", source_message_id=said.id)
    off = store.add_fact(c.id, "story", "毛线球", "红色")
    store.set_fact_active(off.id, False)
    store.close()
    shown = run_cli(["conversations", "show", str(c.id), "--json"], isolated_home)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert [m["content"] for m in data["messages"]] == ["我叫小明"]
    assert [(f["kind"], f["subject"], f["text"], f["source_message_id"], f["active"]) for f in data["ledger"]] == [
        ("learner", "name", "小明", said.id, True),
        ("story", "毛线球", "红色", None, False),
    ]
    assert set(data["ledger"][0]) == {
        "id", "kind", "subject", "text", "source_message_id", "created_at", "edited", "active",
    }  # fmt: skip


def test_show_json_lists_only_the_shown_branchs_facts(isolated_home: Path) -> None:
    store = Store(AppPaths.resolve(isolated_home).ensure().database_path)
    c = store.create_conversation("xiaomiao", "CNN", "starter")
    first = store.add_message(c.id, "user", "我叫小明")
    store.add_fact(c.id, "learner", "name", "小明", source_message_id=first.id)
    edited = store.add_branch(first.id, "我叫小红")  # the learner edited the question: a new branch
    store.add_fact(c.id, "learner", "name", "小红", source_message_id=edited.id)
    store.close()
    data = json.loads(run_cli(["conversations", "show", str(c.id), "--json"], isolated_home).stdout)
    assert [m["content"] for m in data["messages"]] == ["我叫小红"]
    assert [f["text"] for f in data["ledger"]] == ["小红"]
