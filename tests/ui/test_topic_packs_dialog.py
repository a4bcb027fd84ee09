"""Conversation ▸ Topic packs…: write a pack in the window, see the next check use it; a broken pack opens with the
window, is named in the status bar and in the dialog, and can be fixed there."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.checker import resolve_topic
from app.paths import AppPaths
from app.store import Store
from app.ui.topic_packs_dialog import TopicPacksDialog
from tests.core.test_topic_library import LINKED_LISTS
from tests.ui.test_main_window import open_window, screenshot_dir


def test_write_fix_and_delete_packs_in_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "broken.md").write_text("# Broken\nno facts here\n", encoding="utf-8")
    dialog = TopicPacksDialog(tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.packs.count() == 1 and "cannot be read" in dialog.packs.item(0).text()
    assert "Not a topic pack yet" in dialog.status.text() and not dialog.save_button.isEnabled()

    dialog.new_pack()
    assert not dialog.save_button.isEnabled()  # the template alone has no facts
    dialog.editor.setPlainText(LINKED_LISTS)
    assert dialog.save_button.isEnabled() and "2 facts, 1 misconceptions" in dialog.status.text()
    changes: list[bool] = []
    dialog.changed.connect(lambda: changes.append(True))
    assert dialog.save()
    assert (tmp_path / "linked-lists.md").read_text(encoding="utf-8") == LINKED_LISTS
    assert [dialog.packs.item(i).text() for i in range(dialog.packs.count())][1] == "Linked lists (链表)"
    assert changes and dialog.packs.currentItem().text() == "Linked lists (链表)"
    dialog.grab().save(str(screenshot_dir() / "topic-packs.png"))

    dialog.packs.setCurrentRow(0)  # the broken one: fixed in place
    dialog.editor.setPlainText("# Broken\n\n## Facts\n- Now it has a fact.\n")
    assert dialog.save() and not (tmp_path / "broken.md").read_text(encoding="utf-8").startswith("# Broken\nno")
    dialog.delete_current(confirm=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked-lists.md"]


def test_the_window_opens_with_a_broken_pack_and_uses_a_new_one(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    paths.topics_dir.mkdir(parents=True, exist_ok=True)
    (paths.topics_dir / "broken.md").write_text("# Broken\nno facts here\n", encoding="utf-8")
    window = open_window(qtbot, paths, store, starter_path)
    assert "broken.md" in window.statusBar().currentMessage()
    window.open_topic_packs()
    dialog = window.topic_packs_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.new_pack()
    dialog.editor.setPlainText(LINKED_LISTS)
    assert dialog.save()
    assert any(p.id == "linked-lists" for p in window._packs)
    topics = [window.topic_box.itemText(i) for i in range(window.topic_box.count())]
    assert "Linked lists" in topics  # the learner's pack is a topic to pick
    resolved = resolve_topic("Linked lists", window.lesson_bar._packs)
    assert resolved is not None and resolved.id == "linked-lists"  # the lesson bar and the badges see it
    dialog.close()
