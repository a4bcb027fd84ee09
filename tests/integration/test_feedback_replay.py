"""Replaying flagged replies on the real starter model: the prompt each was answered from, a new reply scored
beside the old one, stored apart, and nothing added to the conversation."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.feedback import FeedbackService, reply_context
from app.feedback.replay import OUTCOMES, ReplayItem, complaint_badges, outcome_of, replay_flagged
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.sampling import save_conversation_params
from app.store import Store
from tests.core.feedback_fixtures import Branchy, build_branchy, give_feedback
from tests.integration.test_cli import run_cli

LABELS = ("ok", "doubtful", "off")


def _paths_of(store: Store) -> list[tuple[int, str, str, bool]]:
    with store._engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, content, status, active FROM messages ORDER BY id")
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _flagged_tree(store: Store, personas: PersonaLibrary) -> Branchy:
    tree = build_branchy(store, personas)
    give_feedback(store, tree)  # r1 👍 (not flagged); r2a 👎 wrong_fact (an old branch); r3 ⚑ boring
    FeedbackService(store).set_thumbs(tree.greeting.id, -1)  # a greeting answers no question
    return tree


def test_flagged_replies_are_replayed_without_touching_the_conversation(tmp_path: Path, engine: LlamaEngine) -> None:
    store = Store(tmp_path / "replay.db")
    personas = PersonaLibrary()
    try:
        tree = _flagged_tree(store, personas)
        chat = ChatService(store, personas, engine)
        before = _paths_of(store)
        # the prompt a reply on a branch the learner left was answered from: its own history, as exports give it
        _, prompt = chat.replay_prompt(tree.r2a.id, SamplingParams())
        assert prompt == reply_context(store, personas, tree.r2a.id).prompt
        assert prompt[-1].content == "池化层呢？"

        seen: list[tuple[int, int]] = []
        report = replay_flagged(chat, "starter", max_tokens=12, progress=lambda d, t, _i: seen.append((d, t)))
        assert seen[0] == (0, 3) and seen[-1] == (3, 3)
        assert [i.message_id for i in report.items] == [tree.r2a.id, tree.r3.id]
        assert [s["message_id"] for s in report.skipped] == [tree.greeting.id]
        r2a, r3 = report.items
        assert (r2a.reasons, r2a.complaint, r2a.question) == (("wrong_fact",), ("accuracy",), "池化层呢？")
        assert r3.complaint == ("consistency", "accuracy")  # "boring" is measured by neither badge
        assert r3.question == "池化层有什么用？"
        for item in report.items:
            assert item.after_reply.strip() and item.before_reply == store.message(item.message_id).content
            assert item.before["consistency"]["label"] in LABELS and item.after["accuracy"]["label"] in LABELS
            assert item.outcome in OUTCOMES
        summary = report.summary()
        assert (summary["replayed"], summary["skipped"], summary["cancelled"]) == (2, 1, False)
        assert summary["fixed"] + summary["still_bad"] + summary["regressed"] == 2

        assert _paths_of(store) == before  # no message added, changed or switched
        stored = store.replays(tree.r2a.id)
        assert [(s.reply, s.model, s.outcome) for s in stored] == [(r2a.after_reply, "starter", r2a.outcome)]
        assert stored[0].feedback_id == r2a.feedback_id and len(stored[0].persona_hash or "") == 64
        assert stored[0].after == r2a.after and stored[0].before == r2a.before
    finally:
        store.close()


def test_a_replay_stops_when_cancelled(tmp_path: Path, engine: LlamaEngine) -> None:
    store = Store(tmp_path / "replay.db")
    personas = PersonaLibrary()
    try:
        _flagged_tree(store, personas)
        cancel = threading.Event()

        def stop_after_first(done: int, _total: int, _item: ReplayItem | None) -> None:
            if done == 1:
                cancel.set()

        report = replay_flagged(ChatService(store, personas, engine), "starter", None, cancel, stop_after_first, 8)
        assert len(report.items) == 1 and report.summary()["cancelled"] is True
        assert len(store.replays()) == 1
    finally:
        store.close()


def test_outcomes_follow_the_complaint() -> None:
    def badges(persona: str, accuracy: str) -> dict[str, dict[str, str]]:
        return {"consistency": {"label": persona}, "accuracy": {"label": accuracy}}

    assert complaint_badges(["out_of_character", "boring"]) == ("consistency",)
    assert complaint_badges([]) == ("consistency", "accuracy")
    assert outcome_of(badges("off", "ok"), badges("ok", "ok"), ("consistency",)) == "fixed"
    assert outcome_of(badges("off", "ok"), badges("doubtful", "ok"), ("consistency",)) == "still_bad"
    assert outcome_of(badges("off", "ok"), badges("ok", "doubtful"), ("consistency",)) == "regressed"
    assert outcome_of(badges("ok", "off"), badges("ok", "off"), ("accuracy",)) == "still_bad"


def test_replay_cli_json(isolated_home: Path, starter_path: Path) -> None:
    paths = AppPaths.resolve(isolated_home).ensure()
    store = Store(paths.database_path)
    try:
        tree = _flagged_tree(store, PersonaLibrary(paths.user_personas_dir))
        before = _paths_of(store)
    finally:
        store.close()
    run = run_cli(["feedback", "replay", "--model", str(starter_path), "--max-tokens", "12", "--json"], isolated_home)
    assert run.returncode == 0, run.stderr
    assert f"replayed 2/3: message {tree.r3.id}" in run.stderr  # progress on stderr
    report = json.loads(run.stdout)
    assert set(report) == {"model", "persona", "stay_in_character", "summary", "items", "skipped"}
    assert report["stay_in_character"] is False and report["items"][0]["retried"] is False
    assert set(report["summary"]) == {"replayed", "fixed", "still_bad", "regressed", "skipped", "cancelled"}
    item = report["items"][0]
    assert item["message_id"] == tree.r2a.id and item["reasons"] == ["wrong_fact"]
    assert set(item["before"]) == {"reply", "consistency", "accuracy"}
    assert set(item["after"]) == {"reply", "finish_reason", "consistency", "accuracy"}
    assert set(item["after"]["accuracy"]) == {"score", "label", "reasons"}
    assert isinstance(item["complaint_fixed"], bool) and item["outcome"] in OUTCOMES
    store = Store(paths.database_path)
    try:
        assert _paths_of(store) == before
        assert len(store.replays()) == 2
    finally:
        store.close()
    nobody = run_cli(["feedback", "replay", "--persona", "socrates", "--model", str(starter_path)], isolated_home)
    assert nobody.returncode == 0, nobody.stderr
    assert nobody.stdout.strip() == "0 replayed: 0 fixed, 0 still bad, 0 regressed"
    args = ["feedback", "replay", "--persona", "socrates", "--model", str(starter_path), "--stay-in-character"]
    in_character = run_cli([*args, "--json"], isolated_home)
    assert in_character.returncode == 0, in_character.stderr
    assert json.loads(in_character.stdout)["stay_in_character"] is True


def test_a_replay_that_stays_in_character_writes_an_off_persona_reply_twice(
    tmp_path: Path, engine: LlamaEngine
) -> None:
    """Asked plainly "什么是卷积层？" with seed 3, the starter model drops 小喵's voice (see
    tests/core/test_stay_in_character.py); replayed with the same settings, the new reply is off again, so
    "stay in character" writes it once more (seed 4) and keeps the more in-character one."""
    store = Store(tmp_path / "replay.db")
    try:
        chat = ChatService(store, PersonaLibrary(), engine)
        conversation = chat.start("xiaomiao", "CNN", "starter")
        params = SamplingParams(max_tokens=24, seed=3)
        save_conversation_params(store, conversation.id, params)
        turn = chat.send(conversation.id, "什么是卷积层？", params, threading.Event())
        assert turn.verdict is not None and turn.verdict["consistency"]["label"] == "off"
        FeedbackService(store).merge(turn.message_id, reasons=("out_of_character",))
        report = replay_flagged(chat, "starter", stay_in_character=True)
        (item,) = report.items
        assert report.stay_in_character and report.to_json()["stay_in_character"] is True
        assert item.retried and item.to_json()["retried"] is True
        assert item.after["consistency"]["score"] >= turn.verdict["consistency"]["score"]
        (stored,) = store.replays(turn.message_id)
        assert stored.stay_in_character and stored.reply == item.after_reply
        assert [m.id for m in store.siblings(turn.message_id)] == [turn.message_id]  # nothing added to the chat
    finally:
        store.close()
