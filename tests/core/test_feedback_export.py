"""Each export format, field by field, on a conversation with branches (an edited question, a regenerated reply)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.feedback import ExportOptions, FeedbackService, export_feedback
from app.personas import PersonaLibrary
from app.prompt_builder import Recall, system_prompt
from app.store import Store
from tests.core.feedback_fixtures import MODEL, TOPIC, TYPED_BETTER, Branchy, build_branchy, give_feedback


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


@pytest.fixture
def personas(tmp_path: Path) -> PersonaLibrary:
    return PersonaLibrary(tmp_path / "personas")


@pytest.fixture
def tree(store: Store, personas: PersonaLibrary) -> Branchy:
    t = build_branchy(store, personas)
    give_feedback(store, t)
    return t


def export(store: Store, personas: PersonaLibrary, tmp_path: Path, fmt: str, **options: Any) -> list[dict[str, Any]]:
    out = tmp_path / f"{fmt}.jsonl"
    report = export_feedback(store, personas, out, ExportOptions(fmt, **options))  # type: ignore[arg-type]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert report.lines == len(lines) and report.skipped == ()
    assert not list(tmp_path.glob("*.tmp"))
    return [json.loads(line) for line in lines]  # each line stands alone


def turns(t: Branchy, *messages: Any) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


def system(personas: PersonaLibrary, user: str = "同学") -> dict[str, str]:
    return {"role": "system", "content": system_prompt(personas.get("xiaomiao"), TOPIC, user)}


def test_sft_ends_with_the_better_reply_after_the_prompt_of_the_flagged_branch(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    lines = export(store, personas, tmp_path, "sft")
    assert [set(line) for line in lines] == [{"messages"}, {"messages"}]
    # r2a sits on the branch of the original question q2, not on the edited one shown now
    assert lines[0]["messages"] == [
        system(personas),
        *turns(tree, tree.greeting, tree.q1, tree.r1, tree.q2),
        {"role": "assistant", "content": tree.r2b.content},
    ]
    assert lines[1]["messages"] == [
        system(personas),
        *turns(tree, tree.greeting, tree.q1, tree.r1, tree.q2b),
        {"role": "assistant", "content": TYPED_BETTER},
    ]


def test_dpo_prefers_the_better_reply_and_never_pairs_a_reply_with_itself(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    lines = export(store, personas, tmp_path, "dpo")
    assert [set(line) for line in lines] == [{"prompt", "chosen", "rejected"}] * 2
    first, second = lines
    assert first["prompt"] == [system(personas), *turns(tree, tree.greeting, tree.q1, tree.r1, tree.q2)]
    assert first["chosen"] == [{"role": "assistant", "content": tree.r2b.content}]
    assert first["rejected"] == [{"role": "assistant", "content": tree.r2a.content}]
    assert second["prompt"][-1] == {"role": "user", "content": tree.q2b.content}
    assert second["chosen"] == [{"role": "assistant", "content": TYPED_BETTER}]
    assert second["rejected"] == [{"role": "assistant", "content": tree.r3.content}]
    assert all(line["chosen"] != line["rejected"] for line in lines)
    # thumbs alone (r1) make no pair
    assert all(line["rejected"][0]["content"] != tree.r1.content for line in lines)


def test_kto_labels_come_from_thumbs_flags_and_better_replies(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    lines = export(store, personas, tmp_path, "kto")
    assert all(set(line) == {"prompt", "completion", "label"} for line in lines)
    got = [(line["completion"][0]["content"], line["label"]) for line in lines]
    assert got == [
        (tree.r1.content, True),
        (tree.r2a.content, False),
        (tree.r2b.content, True),
        (tree.r3.content, False),  # flagged without a thumb: a flag is a thumbs-down
        (TYPED_BETTER, True),
    ]
    assert lines[0]["prompt"] == [system(personas), *turns(tree, tree.greeting, tree.q1)]
    assert all(line["completion"][0]["role"] == "assistant" for line in lines)


def test_raw_has_everything_about_the_pair(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    by_message = {line["message_id"]: line for line in export(store, personas, tmp_path, "raw")}
    assert set(by_message) == {tree.r1.id, tree.r2a.id, tree.r3.id}
    raw = by_message[tree.r2a.id]
    verdict = store.verdicts(tree.r2a.id)[0]
    assert raw == {
        "export_version": 1,
        "feedback_id": FeedbackService(store).current(tree.r2a.id).id,  # type: ignore[union-attr]
        "created_at": raw["created_at"],
        "conversation_id": tree.conversation_id,
        "conversation_deleted": False,
        "message_id": tree.r2a.id,
        "persona_id": "xiaomiao",
        "persona_name": "小喵",
        "topic": TOPIC,
        "model": MODEL,
        "system_prompt": system(personas)["content"],
        "prompt": [system(personas), *turns(tree, tree.greeting, tree.q1, tree.r1, tree.q2)],
        "reply": tree.r2a.content,
        "reply_status": "complete",
        "thumbs": -1,
        "reasons": ["wrong_fact"],
        "ratings": {"role": 2, "accuracy": 1, "engagement": 3},
        "comment": "池化层不是全连接层",
        "better_reply": tree.r2b.content,
        "better_reply_source": "alternative",
        "better_message_id": tree.r2b.id,
        "checker_verdicts": [
            {
                "id": verdict.id,
                "checker": "persona-tutor",
                "checker_version": "test-1",
                "verdict": {  # signals as objects of one shape, so Arrow can load the column
                    "consistency": {
                        "label": "off",
                        "score": 0.1,
                        "reasons": ["no 喵"],
                        "signals": [{"name": "catchphrase", "value": 0.0, "contribution": -2.5}],
                    },
                    "accuracy": {"label": "ok", "score": 0.9, "reasons": [], "signals": []},
                },
            }
        ],
        "verdict_review": {"verdict_id": verdict.id, "accuracy": "disputed", "consistency": "confirmed"},
        "user_name": "同学",
    }
    assert by_message[tree.r3.id]["better_reply_source"] == "typed"
    assert by_message[tree.r1.id]["thumbs"] == 1 and by_message[tree.r1.id]["better_reply"] is None


def test_anonymized_exports_name_the_learner_user(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    for fmt in ("sft", "dpo", "kto", "raw"):
        text = json.dumps(export(store, personas, tmp_path, fmt, anonymize=True), ensure_ascii=False)
        assert "同学" not in text, fmt
        assert "{{user}}" in text, fmt
    [sft, _] = export(store, personas, tmp_path, "sft", anonymize=True)
    assert sft["messages"][0] == system(personas, "{{user}}")
    assert sft["messages"][1]["content"].startswith("喵~ 你好呀，{{user}}！")


def test_a_deleted_conversations_feedback_is_exported_or_left_out_as_chosen(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    store.delete_conversation(tree.conversation_id)
    assert export(store, personas, tmp_path, "raw") == []
    kept = export(store, personas, tmp_path, "raw", include_deleted=True)
    assert len(kept) == 3 and all(line["conversation_deleted"] for line in kept)
    assert FeedbackService(store).remove_deleted() == 3
    assert export(store, personas, tmp_path, "raw", include_deleted=True) == []


def test_feedback_on_a_persona_that_is_gone_is_skipped_with_a_reason(
    store: Store, personas: PersonaLibrary, tmp_path: Path
) -> None:
    c = store.create_conversation("no-such-persona", TOPIC, MODEL)
    store.add_message(c.id, "user", "hi")
    reply = store.add_message(c.id, "assistant", "hello")
    FeedbackService(store).set_thumbs(reply.id, -1)
    report = export_feedback(store, personas, tmp_path / "kto.jsonl", ExportOptions("kto"))
    assert report.lines == 0 and report.items == 1
    assert "no-such-persona" in report.skipped[0]


def _shape(value: Any) -> Any:
    """The type structure of a JSON value, as a columnar loader (Arrow, ``datasets``) infers it."""
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _shape(v)) for k, v in value.items() if v is not None)))
    if isinstance(value, list):
        shapes = {repr(_shape(v)) for v in value}
        assert len(shapes) <= 1, f"a list mixes types: {value!r}"
        return ("list",)
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


@pytest.mark.parametrize("fmt", ["sft", "dpo", "kto", "raw"])
def test_every_line_has_the_same_columns_as_a_table_loader_expects(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path, fmt: str
) -> None:
    lines = export(store, personas, tmp_path, fmt)
    assert lines and len({tuple(line) for line in lines}) == 1
    for key in lines[0]:
        kinds = {_shape(line[key])[0] if isinstance(line[key], dict | list) else _shape(line[key]) for line in lines}
        assert len(kinds - {"NoneType"}) == 1, (key, kinds)


def test_the_system_prompt_recalls_the_learner_memory_as_the_chat_does(
    store: Store, personas: PersonaLibrary, tree: Branchy, tmp_path: Path
) -> None:
    store.add_memory(TOPIC, "同学已经学过矩阵乘法")
    [raw, *_] = export(store, personas, tmp_path, "raw")
    expected = system_prompt(personas.get("xiaomiao"), TOPIC, "同学", Recall(("同学已经学过矩阵乘法",)))
    assert raw["system_prompt"] == expected and "矩阵乘法" in expected
    assert raw["prompt"][0] == {"role": "system", "content": expected}
    [anonymous, *_] = export(store, personas, tmp_path, "raw", anonymize=True)
    assert "{{user}}已经学过矩阵乘法" in anonymous["system_prompt"]
