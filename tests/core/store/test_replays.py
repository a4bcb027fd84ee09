"""Replays and persona test bench runs are stored apart from the conversation and go with what they are about."""

from __future__ import annotations

from app.store import Store


def _flagged_reply(store: Store) -> tuple[int, int]:
    conversation = store.create_conversation("xiaomiao", "CNN", "starter")
    store.add_message(conversation.id, "user", "什么是池化层？")
    reply = store.add_message(conversation.id, "assistant", "池化层就是全连接层。")
    feedback = store.add_feedback(reply.id, thumbs=-1, reasons=["wrong_fact"])
    return feedback.id, reply.id


def test_a_replay_round_trips_and_is_not_a_message(store: Store) -> None:
    feedback_id, message_id = _flagged_reply(store)
    before = {"consistency": {"score": 0.2, "label": "off"}, "accuracy": {"score": 0.1, "label": "off"}}
    after = {"consistency": {"score": 0.9, "label": "ok"}, "accuracy": {"score": 0.8, "label": "ok"}}
    saved = store.add_replay(feedback_id, message_id, "starter", "xiaomiao", "ab12", "池化层缩小特征图喵~",
                             "stop", before, after, "fixed")  # fmt: skip
    assert store.replays(message_id) == [saved]
    assert saved.before == before and saved.after == after and saved.outcome == "fixed"
    conversation_id = store.message(message_id).conversation_id
    assert [m.content for m in store.messages(conversation_id)] == ["什么是池化层？", "池化层就是全连接层。"]


def test_replays_go_with_their_feedback(store: Store) -> None:
    feedback_id, message_id = _flagged_reply(store)
    store.add_replay(feedback_id, message_id, "m", "xiaomiao", None, "x", "length", {}, None, "still_bad")
    store.delete_feedback(feedback_id)
    assert store.replays() == []


def test_probe_runs_are_kept_per_persona_newest_first(store: Store) -> None:
    first = store.add_probe_run("socrates", "hash-1", "starter", "logic", [{"probe": "identity"}])
    second = store.add_probe_run("socrates", "hash-2", "other-model", "logic", [{"probe": "identity"}])
    store.add_probe_run("xiaomiao", "hash-3", "starter", "CNN", [])
    assert [r.id for r in store.probe_runs("socrates")] == [second.id, first.id]
    assert store.probe_runs("socrates")[1].results == [{"probe": "identity"}]
