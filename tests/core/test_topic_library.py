"""The learner's topic packs as files: saved only when they parse, whole or not at all; a broken one is left out
of the checker and reported, never fatal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.checker import TopicPackError, check
from app.personas import PersonaLibrary
from app.topic_library import TEMPLATE, file_name, readable_packs, save_pack, user_packs

LINKED_LISTS = """# Linked lists (链表)
keywords: linked list, 链表, node

## Facts
- Each node holds a value and a pointer to the next node.
- Reaching the k-th element takes k steps: there is no random access.

## Misconceptions
- linked lists give constant-time random access => reaching the k-th node walks k pointers
"""


def test_a_pack_is_saved_under_its_title_and_read_back(tmp_path: Path) -> None:
    path = save_pack(tmp_path, LINKED_LISTS)
    assert path.name == "linked-lists.md" and path.read_text(encoding="utf-8") == LINKED_LISTS
    [item] = user_packs(tmp_path)
    assert item.pack is not None and item.pack.title_zh == "链表" and len(item.pack.facts) == 2
    assert file_name("# 链表\n") == "链表.md"


def test_the_template_alone_is_not_a_pack_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(TopicPackError, match="Facts"):
        save_pack(tmp_path, TEMPLATE.format(title="Queues"))
    assert list(tmp_path.iterdir()) == []


def test_a_new_title_renames_the_file_and_another_packs_name_is_refused(tmp_path: Path) -> None:
    old = save_pack(tmp_path, LINKED_LISTS)
    renamed = save_pack(tmp_path, LINKED_LISTS.replace("# Linked lists", "# Singly linked lists"), old)
    assert renamed.name == "singly-linked-lists.md" and not old.exists()
    save_pack(tmp_path, LINKED_LISTS)
    with pytest.raises(TopicPackError, match="already exists"):
        save_pack(tmp_path, LINKED_LISTS, renamed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked-lists.md", "singly-linked-lists.md"]


def test_a_failed_write_leaves_the_old_pack_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_pack(tmp_path, LINKED_LISTS)

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        save_pack(tmp_path, LINKED_LISTS.replace("pointer", "link"), path)
    assert path.read_text(encoding="utf-8") == LINKED_LISTS
    assert [p.name for p in tmp_path.iterdir()] == ["linked-lists.md"]


def test_a_broken_pack_is_reported_and_the_others_still_check(tmp_path: Path) -> None:
    save_pack(tmp_path, LINKED_LISTS)
    (tmp_path / "broken.md").write_text("# Broken\nno facts here\n", encoding="utf-8")
    (tmp_path / "garbled.json").write_text("{not json", encoding="utf-8")
    packs, problems = readable_packs(tmp_path)
    assert any(p.id == "linked-lists" for p in packs) and any(p.id == "cnn" for p in packs)
    assert len(problems) == 2 and any(p.startswith("broken.md:") for p in problems)
    xiaomiao = PersonaLibrary(None).get("xiaomiao")
    reply = "Meow~ linked lists give constant-time random access, nya."
    badge = check(xiaomiao, reply, question="Can a linked list be indexed?", topic="Linked lists", packs=packs).accuracy
    assert badge.label == "off" and any("walks k pointers" in r for r in badge.reasons)


def test_two_packs_with_chinese_titles_are_two_topics(tmp_path: Path) -> None:
    save_pack(tmp_path, "# 链表\n\n## Facts\n- 每个节点存一个值和指向下一个节点的指针。\n")
    save_pack(tmp_path, "# 栈\n\n## Facts\n- 栈是后进先出的。\n")
    packs, problems = readable_packs(tmp_path)
    mine = [p for p in packs if not p.builtin]
    assert not problems and sorted(p.title for p in mine) == ["栈", "链表"] and len({p.id for p in mine}) == 2
