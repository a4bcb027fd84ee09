"""Recording feedback: validation, merging, alternatives, the checker review, filters; and the schema upgrade."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import feedback as feedback_cli
from app.feedback import REASONS, FeedbackDraft, FeedbackError, FeedbackFilter, FeedbackService, parse_ratings
from app.personas import PersonaLibrary
from app.store import Store, migrations
from tests.core.feedback_fixtures import TOPIC, Branchy, build_branchy, give_feedback


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


@pytest.fixture
def tree(store: Store, tmp_path: Path) -> Branchy:
    return build_branchy(store, PersonaLibrary(tmp_path / "personas"))


def test_reason_ids_are_stable_and_the_cli_offers_the_same() -> None:
    assert list(REASONS) == ["out_of_character", "wrong_fact", "confusing", "boring", "unsafe", "other"]
    assert tuple(REASONS) == feedback_cli._REASON_IDS


def test_ratings_parse_and_are_checked() -> None:
    assert parse_ratings("engagement=5, role=4") == {"role": 4, "engagement": 5}
    for bad in ("role=6", "role=0", "mood=3", "role", "role=x"):
        with pytest.raises(FeedbackError):
            parse_ratings(bad)


def test_feedback_is_refined_not_duplicated(store: Store, tree: Branchy) -> None:
    service = FeedbackService(store)
    service.set_thumbs(tree.r1.id, -1)
    service.merge(tree.r1.id, reasons=("boring", "confusing"))
    service.merge(tree.r1.id, ratings={"engagement": 2})
    [record] = store.feedback(tree.r1.id)
    assert (record.thumbs, record.reasons, record.ratings) == (-1, ["confusing", "boring"], {"engagement": 2})
    # a second click on the same thumb takes it back; nothing left to say removes the record
    service.save(tree.r1.id, FeedbackDraft(thumbs=-1))
    assert service.toggle_thumbs(tree.r1.id, -1) is None
    assert store.feedback(tree.r1.id) == []


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (FeedbackDraft(reasons=("rude",)), "Unknown reason"),
        (FeedbackDraft(ratings={"role": 9}), "1 to 5"),
        (FeedbackDraft(thumbs=2), "Thumbs"),
        (FeedbackDraft(verdict_review={"accuracy": "maybe"}), "confirmed or disputed"),
    ],
)
def test_bad_feedback_is_refused(store: Store, tree: Branchy, draft: FeedbackDraft, message: str) -> None:
    with pytest.raises(FeedbackError, match=message):
        FeedbackService(store).save(tree.r2a.id, draft)
    assert store.feedback() == []


def test_a_better_reply_is_never_the_reply_itself(store: Store, tree: Branchy) -> None:
    service = FeedbackService(store)
    assert [m.id for m in service.alternatives(tree.r2a.id)] == [tree.r2b.id]
    with pytest.raises(FeedbackError, match="not another version"):
        service.save(tree.r2a.id, FeedbackDraft(better_message_id=tree.r2a.id))
    with pytest.raises(FeedbackError, match="not another version"):
        service.save(tree.r2a.id, FeedbackDraft(better_message_id=tree.r3.id))
    with pytest.raises(FeedbackError, match="same as the reply"):
        service.save(tree.r2a.id, FeedbackDraft(better_reply=f"  {tree.r2a.content}\n"))


def test_a_picked_alternative_copies_its_text_and_an_edited_one_counts_as_typed(store: Store, tree: Branchy) -> None:
    service = FeedbackService(store)
    picked = service.save(tree.r2a.id, FeedbackDraft(better_message_id=tree.r2b.id))
    assert picked is not None and (picked.better_reply, picked.better_message_id) == (tree.r2b.content, tree.r2b.id)
    edited = service.save(tree.r2a.id, FeedbackDraft(better_message_id=tree.r2b.id, better_reply="改过的回答喵"))
    assert edited is not None and (edited.better_reply, edited.better_message_id) == ("改过的回答喵", None)


def test_feedback_is_only_on_replies(store: Store, tree: Branchy) -> None:
    with pytest.raises(FeedbackError, match="not a tutor's reply"):
        FeedbackService(store).set_thumbs(tree.q1.id, 1)
    with pytest.raises(FeedbackError, match="No message"):
        FeedbackService(store).set_thumbs(99_999, 1)


def test_a_disputed_verdict_is_tied_to_the_verdict_shown(store: Store, tree: Branchy) -> None:
    service = FeedbackService(store)
    record = service.review_verdict(tree.r2a.id, {"accuracy": "disputed"})
    assert record is not None
    assert record.verdict_id == store.verdicts(tree.r2a.id)[-1].id
    assert record.verdict_review == {"accuracy": "disputed"}
    with pytest.raises(FeedbackError, match="no checker verdict"):
        service.review_verdict(tree.r1.id, {"accuracy": "confirmed"})


def test_items_filter_by_persona_topic_reason_model_and_date(store: Store, tree: Branchy) -> None:
    give_feedback(store, tree)
    service = FeedbackService(store)
    assert [i.reply.id for i in service.items()] == [tree.r3.id, tree.r2a.id, tree.r1.id]  # newest first
    assert [i.reply.id for i in service.items(FeedbackFilter(reason="wrong_fact"))] == [tree.r2a.id]
    assert len(service.items(FeedbackFilter(persona_id="xiaomiao", topic=TOPIC, model="qwen-test"))) == 3
    assert service.items(FeedbackFilter(persona_id="redbeard")) == []
    assert service.items(FeedbackFilter(model="other")) == []
    today = service.items()[0].feedback.created_at.date()
    assert len(service.items(FeedbackFilter(since=today, until=today))) == 3
    assert service.items(FeedbackFilter(since=today + timedelta(days=1))) == []
    assert service.items()[1].to_json()["reasons"] == ["wrong_fact"]


def test_a_database_from_before_feedback_details_upgrades_and_keeps_feedback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:  # the old schema, written with plain SQL (today's models have more columns)
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        patch.setattr(migrations, "KNOWN", migrations.KNOWN[:3])
        migrations.migrate(path)
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO conversations (id, persona_id, topic, model, title, created_at, updated_at) "
        "VALUES (1, 'xiaomiao', ?, 'm', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        (TOPIC,),
    )
    con.execute(
        "INSERT INTO messages (id, conversation_id, role, content, status, created_at) "
        "VALUES (1, 1, 'assistant', '喵', 'complete', '2026-01-01 00:00:00')"
    )
    con.execute(
        "INSERT INTO feedback (message_id, thumbs, reasons_json, ratings_json, created_at) "
        "VALUES (1, -1, '[\"boring\"]', '{}', '2026-01-01 00:00:00')"
    )
    con.commit()
    con.close()
    store = Store(path)
    try:
        [record] = store.feedback(1)
        assert (record.thumbs, record.reasons, record.better_message_id, record.verdict_review) == (
            -1,
            ["boring"],
            None,
            None,
        )
    finally:
        store.close()
