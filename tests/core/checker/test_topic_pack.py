"""Topic packs: the built-in JSON packs, the learner's Markdown packs, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.checker import check, load_packs
from app.checker.topic_pack import TopicPackError, builtin_packs, load_pack_file
from app.personas import Persona
from app.topics import BUILTIN_TOPICS, topic_title

SORTING = """# Sorting algorithms (排序算法)
keywords: quicksort, sorting, 排序
## Facts
- Quicksort picks a pivot and partitions the array around it.
- Its average time is O(n log n).
## Misconceptions
- quicksort is always stable => quicksort is not stable
## Terms
- pivot = 基准
"""


def test_builtin_packs_cover_every_builtin_topic_in_both_languages() -> None:
    packs = {p.id: p for p in builtin_packs()}
    assert len(packs) >= 12
    for topic in BUILTIN_TOPICS:
        assert topic.id in packs, topic.id
    for pack in packs.values():
        assert pack.title and pack.title_zh and pack.facts and pack.misconceptions and pack.terms
        assert all(en and zh for en, zh in pack.facts)
        assert all(m.claim and m.claim_zh and m.correction and m.correction_zh for m in pack.misconceptions)
    assert topic_title("cnn") == "Convolutional neural networks"


def test_a_learners_markdown_pack_is_loaded_and_used(tmp_path: Path, hoot: Persona) -> None:
    (tmp_path / "sorting.md").write_text(SORTING, encoding="utf-8")
    packs = load_packs(tmp_path)
    pack = next(p for p in packs if p.id == "sorting")
    assert pack.title_zh == "排序算法" and len(pack.facts) == 2 and pack.terms == (("pivot", "基准"),)
    wrong = check(hoot, "Hoo! Quicksort is always stable, owlet.", question="Explain quicksort", packs=packs)
    right = check(hoot, "Hoo! Quicksort is not stable, owlet.", question="Explain quicksort", packs=packs)
    assert wrong.accuracy.label == "off" and right.accuracy.label == "ok"
    assert any("quicksort is not stable" in r for r in wrong.accuracy.reasons)


def test_bad_packs_name_the_file_and_the_reason(tmp_path: Path) -> None:
    no_facts = tmp_path / "empty.md"
    no_facts.write_text("# Nothing here\n## Terms\n- a = b\n", encoding="utf-8")
    with pytest.raises(TopicPackError, match=r"empty\.md: no '## Facts' list"):
        load_pack_file(no_facts)
    unknown = tmp_path / "odd.json"
    unknown.write_text('{"version": 1, "id": "odd", "colour": "red"}', encoding="utf-8")
    with pytest.raises(TopicPackError, match=r"odd\.json: unknown keys \['colour'\]"):
        load_pack_file(unknown)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(TopicPackError, match=r"broken\.json: cannot read"):
        load_pack_file(broken)


def test_answer_keys_counts_and_fact_patterns_are_validated(tmp_path: Path) -> None:
    assert all(pack.questions and pack.fact_patterns for pack in load_packs(None))  # every built-in topic
    base = '{"version": 1, "id": "x", "facts": [{"en": "f", "match": "a + b"}], '
    cases = {
        "question.json": (base + '"questions": [{"ask": "q"}]}', r"bad question"),
        "count.json": (base + '"counts": [{"about": "a", "unit": "u", "value": "three"}]}', r"bad count"),
        "fact.json": ('{"version": 1, "id": "x", "facts": [{"en": "f", "match": "only-one-group"}]}', r"subject \+"),
    }
    assert_refused(tmp_path, cases)
    good = tmp_path / "good.json"
    good.write_text(base + '"questions": [{"ask": "why", "needs": ["b|c"]}]}', encoding="utf-8")
    pack = load_pack_file(good)
    assert pack.questions[0].needs == (("b", "c"),) and pack.fact_patterns[0].subject == ("a",)


def test_patterns_are_plain_text_and_a_regex_is_refused_with_the_reason(tmp_path: Path) -> None:
    from app.checker.topic_pack import parse_pattern

    assert parse_pattern("gradient descent + maximize the loss|maximise the loss") == (
        ("gradient descent",),
        ("maximize the loss", "maximise the loss"),
    )
    with pytest.raises(TopicPackError, match=r"plain text, '\[sz\]' is not a regular expression"):
        parse_pattern("maximi[sz]e the loss")  # would never match: a reply says "maximise", not "[sz]"


def test_the_gradient_descent_pack_catches_both_spellings_of_maximising_the_loss(hoot: Persona) -> None:
    packs = load_packs(None)
    for spelling in ("maximize", "maximise"):
        reply = f"Gradient descent takes steps to {spelling} the loss, so the model learns faster."
        verdict = check(hoot, reply, question="How does gradient descent work?", topic="gradient-descent", packs=packs)
        correction = "contradicts the Gradient descent notes: it steps against the gradient to decrease the loss"
        assert correction in verdict.accuracy.reasons, (spelling, verdict.accuracy.reasons)


def assert_refused(folder: Path, cases: dict[str, tuple[str, str]]) -> None:
    """Each pack file (name: its text, the reason expected) is refused, naming the file and the reason."""
    for name, (text, message) in cases.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(TopicPackError, match=rf"{name}: .*{message}"):
            load_pack_file(path)
