"""Replay flagged replies from the Feedback menu: runs on the chat's own worker, fills a before/after table,
stops on request, and leaves the conversations as they were."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.feedback import FeedbackService
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from tests.core.feedback_fixtures import build_branchy, give_feedback
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir


def _messages(store: Store) -> list[tuple[int, str, str, bool]]:
    """Every message of every conversation, branches included."""
    with store._engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, content, status, active FROM messages ORDER BY id")
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_replay_flagged_from_the_feedback_menu(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    tree = build_branchy(store, PersonaLibrary(paths.user_personas_dir))
    give_feedback(store, tree)  # r2a 👎 wrong fact, r3 ⚑ boring (xiaomiao)
    other = store.create_conversation("socrates", "logic", "qwen-test")
    store.add_message(other.id, "user", "What is a syllogism?")
    plain = store.add_message(other.id, "assistant", "A syllogism is a kind of pasta.")
    FeedbackService(store).set_thumbs(plain.id, -1)
    window = open_window(qtbot, paths, store, starter_path)
    before = _messages(store)

    [replay_action] = [a for a in window.menus["Feedback"].actions() if a.text() == "&Replay flagged replies…"]
    replay_action.trigger()
    dialog = window.feedback.replay_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.max_tokens = 12
    assert [dialog.persona.itemData(i) for i in range(dialog.persona.count())] == [None, "socrates", "xiaomiao"]
    assert dialog.flagged_label.text() == "3 flagged replies"
    dialog.persona.setCurrentIndex(dialog.persona.findData("xiaomiao"))
    assert dialog.flagged_label.text() == "2 flagged replies"

    assert not dialog.in_character.isChecked()  # as the Conversation menu's "Stay in character" (off)
    dialog.in_character.setChecked(True)

    qtbot.mouseClick(dialog.replay_button, Qt.MouseButton.LeftButton)
    assert not dialog.replay_button.isEnabled() and dialog.stop_button.isEnabled()
    assert not dialog.in_character.isEnabled()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=4 * REPLY_TIMEOUT_MS)
    assert dialog.report is not None and dialog.report.summary()["replayed"] == 2
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["池化层呢？", "池化层有什么用？"]
    assert dialog.table.item(0, 2).text() == tree.r2a.content
    assert dialog.table.item(0, 3).text().strip()
    assert "→" in dialog.table.item(0, 5).text()
    assert dialog.table.item(0, 6).text() in ("✔ fixed", "? still bad", "✘ regressed")
    assert dialog.status.text().startswith("2 replayed:")
    assert _messages(store) == before  # nothing added to any conversation
    assert {r.message_id for r in store.replays()} == {tree.r2a.id, tree.r3.id}
    assert dialog.report.stay_in_character and all(r.stay_in_character for r in store.replays())
    dialog.grab().save(str(screenshot_dir() / "replay-flagged.png"))

    # Stop: the replay ends early and says so
    dialog.persona.setCurrentIndex(0)
    qtbot.mouseClick(dialog.replay_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=4 * REPLY_TIMEOUT_MS)
    assert dialog.report is not None and dialog.report.cancelled and len(dialog.report.items) < 3
    assert dialog.status.text().endswith("— stopped") and dialog.replay_button.isEnabled()

    # the browser offers the same window
    browser = window.feedback.browse()
    qtbot.mouseClick(browser.replay_button, Qt.MouseButton.LeftButton)
    assert window.feedback.replay_dialog is dialog and dialog.isVisible()
    dialog.close()


def test_the_replay_window_stays_in_character_when_the_chat_does(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    tree = build_branchy(store, PersonaLibrary(paths.user_personas_dir))
    give_feedback(store, tree)
    window = open_window(qtbot, paths, store, starter_path)
    window.stay_in_character.action.setChecked(True)
    dialog = window.feedback.replay()
    assert dialog.in_character.isChecked() and dialog.in_character.isEnabled()
    dialog.grab().save(str(screenshot_dir() / "replay-stay-in-character.png"))
    window.close()
