from pathlib import Path

import pytest

from app.store import Store


def test_verdicts_keep_the_checker_version(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    reply = store.add_message(c.id, "assistant", "卷积核喵~")
    store.add_verdict(reply.id, "persona", "1.0", {"in_character": True, "catchphrases": ["喵"]})
    store.add_verdict(reply.id, "persona", "1.1", {"in_character": False})
    verdicts = store.verdicts(reply.id)
    assert [(v.checker_version, v.verdict) for v in verdicts] == [
        ("1.0", {"in_character": True, "catchphrases": ["喵"]}),
        ("1.1", {"in_character": False}),
    ]


def test_feedback_is_stored_with_reasons_ratings_and_a_better_reply(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    reply = store.add_message(c.id, "assistant", "wrong")
    store.add_feedback(reply.id, thumbs=-1, reasons=["inaccurate"], ratings={"persona": 4}, better_reply="right")
    [feedback] = store.feedback(reply.id)
    assert (feedback.thumbs, feedback.reasons, feedback.ratings, feedback.better_reply) == (
        -1,
        ["inaccurate"],
        {"persona": 4},
        "right",
    )
    assert store.feedback() == [feedback]
    with pytest.raises(ValueError):
        store.add_feedback(reply.id, thumbs=5)


def test_the_latest_summary_covers_the_most_messages(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    ids = [store.add_message(c.id, "user", str(i)).id for i in range(6)]
    assert store.latest_summary(c.id) is None
    store.add_summary(c.id, ids[0], ids[2], "learned kernels")
    store.add_summary(c.id, ids[0], ids[5], "learned kernels and pooling")
    summary = store.latest_summary(c.id)
    assert summary is not None
    assert (summary.last_message_id, summary.text) == (ids[5], "learned kernels and pooling")


def test_learner_memory_per_topic_includes_general_facts(store: Store) -> None:
    general = store.add_memory("", "prefers Chinese explanations")
    cnn = store.add_memory("CNN", "knows what a kernel is")
    store.add_memory("RNN", "confused by gates")
    assert store.memories("CNN") == [general, cnn]
    assert len(store.memories()) == 3
    store.forget_memory(cnn.id)
    assert store.memories("CNN") == [general]
    assert store.memories("CNN", learner="someone else") == []


def test_annotations_go_with_their_conversation_when_it_is_purged(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    c = store.create_conversation("xiaomiao", "CNN", "m")
    reply = store.add_message(c.id, "assistant", "x")
    store.add_verdict(reply.id, "persona", "1", {})
    store.add_feedback(reply.id, thumbs=1)
    store.add_summary(c.id, reply.id, reply.id, "s")
    remembered = store.add_memory("CNN", "fact", source_message_id=reply.id)
    store.delete_conversation(c.id)
    store.purge_deleted()
    assert store.verdicts(reply.id) == []
    assert store.feedback() == []
    assert store.latest_summary(c.id) is None
    [kept] = store.memories("CNN")
    assert (kept.id, kept.source_message_id) == (remembered.id, None)
    store.close()
