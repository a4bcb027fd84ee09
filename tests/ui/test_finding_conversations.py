"""Finding things again: pin, archive, delete with undo, the sidebar filter, search, and long conversations."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.store import Store
from app.ui.main_window import PAGE, MainWindow
from tests.ui.test_main_window import open_window, screenshot_dir


def _titles(window: MainWindow) -> list[str]:
    return [window.sidebar.item_title(n) for n in range(window.sidebar.count())]


def test_pin_archive_and_undo_delete(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    for title, topic in (("卷积", "CNN"), ("循环", "RNN"), ("注意力", "Attention")):
        conversation = store.create_conversation("xiaomiao", topic, "m", title=title)
        store.add_message(conversation.id, "user", f"{title}是什么？")
    window = open_window(qtbot, paths, store, starter_path)
    assert _titles(window) == ["注意力", "循环", "卷积"]  # most recent first

    卷积, 循环, _ = (c.id for c in sorted(store.conversations(), key=lambda c: c.id))
    window.sidebar.pin_requested.emit(卷积, True)
    assert _titles(window)[0] == "卷积"
    assert window.sidebar.proxy.index(0, 0).data().startswith("★ 卷积")

    window.sidebar.archive_requested.emit(循环, True)
    assert "循环" not in _titles(window)
    window.sidebar.show_archived.setChecked(True)
    assert "循环" in _titles(window)
    assert "Archived · " in window.sidebar.proxy.index(_titles(window).index("循环"), 0).data()
    window.sidebar.show_archived.setChecked(False)

    window.sidebar.filter.setText("attention")  # matches the topic as well as the title
    assert _titles(window) == ["注意力"]
    window.sidebar.filter.clear()

    window.sidebar.delete_requested.emit(卷积)
    assert "卷积" not in _titles(window)
    assert window.undo_bar.isVisibleTo(window)
    assert "卷积" in window.undo_bar.label.text()
    window.undo_bar.button.click()
    assert _titles(window)[0] == "卷积"  # back, still pinned, with its message
    assert store.messages(卷积)[0].content == "卷积是什么？"
    assert not window.undo_bar.isVisibleTo(window)
    window.grab().save(str(screenshot_dir() / "sidebar.png"))
    window.close()


def test_an_undo_that_expired_does_nothing(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    gone = store.create_conversation("xiaomiao", "CNN", "m", title="gone")
    window = open_window(qtbot, paths, store, starter_path)
    window.sidebar.delete_requested.emit(gone.id)
    window.undo_bar.expired.emit()
    window.undo_delete()
    assert store.conversations() == []
    window.close()


def test_search_jumps_to_the_message_even_on_another_branch(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    cnn = store.create_conversation("xiaomiao", "CNN", "m", title="卷积课")
    store.add_message(cnn.id, "user", "卷积核是怎么滑动的？")
    old = store.add_message(cnn.id, "assistant", "喵~ 卷积核像毛线球一样在图像上滑动 (stride)。")
    store.add_branch(old.id, "喵~ 另一个回答。")
    other = store.create_conversation("redbeard", "RNN", "m", title="RNN lesson")
    store.add_message(other.id, "user", "What is a recurrent network?")
    window = open_window(qtbot, paths, store, starter_path)
    window.open_conversation(other.id)

    window.find()
    panel = window._search
    assert panel is not None
    panel.query.setText("毛线球")
    qtbot.waitUntil(lambda: len(panel.hits) == 1, timeout=2000)
    assert '<b style="background:#fff3b0">毛线球</b>' in panel.results.toHtml().replace("\n", "") or "毛线球" in (
        panel.results.toPlainText()
    )
    panel.grab().save(str(screenshot_dir() / "search.png"))
    panel.results.anchorClicked.emit(QUrl(f"hit:{cnn.id}/{old.id}"))
    assert window._conversation_id == cnn.id
    assert "毛线球" in window.chat_view.toPlainText()  # the branch holding the match is shown
    panel.query.setText("nothing matches this")
    qtbot.waitUntil(lambda: "No messages" in panel.summary.text(), timeout=2000)
    window.close()


def _shown(qtbot: QtBot, window: MainWindow) -> str:
    """The chat view's text once a long page is all laid out (it goes in a chunk per event-loop turn)."""
    qtbot.waitUntil(lambda: not window.chat_view.rendering, timeout=10_000)
    return window.chat_view.toPlainText()


def test_a_long_conversation_opens_with_its_newest_page(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    long = store.create_conversation("xiaomiao", "CNN", "m", title="long")
    ids = [store.add_message(long.id, "user" if n % 2 else "assistant", f"message {n}").id for n in range(PAGE + 250)]
    window = open_window(qtbot, paths, store, starter_path)
    window.open_conversation(long.id)
    text = _shown(qtbot, window)
    assert f"message {PAGE + 249}" in text and "message 249\n" not in text
    assert "Show earlier messages (250 more)" in text
    window.chat_view.action_requested.emit("earlier", 0)
    text = _shown(qtbot, window)
    assert "message 100\n" in text and "(50 more)" in text
    window.open_message(long.id, ids[30])  # a search hit far back opens a page around it, not everything
    text = _shown(qtbot, window)
    assert "message 30\n" in text and "message 10\n" in text and "message 9\n" not in text
    assert "Show earlier messages (10 more)" in text
    assert f"message {10 + PAGE - 1}\n" in text and f"message {10 + PAGE}\n" not in text
    assert f"Show later messages ({250 - 10} more)" in text
    assert "Edit" not in text  # no edit or regenerate in the middle of a conversation
    window.chat_view.action_requested.emit("later", 0)
    assert "Show later messages (40 more)" in _shown(qtbot, window)
    window.chat_view.action_requested.emit("later", 0)  # the rest fits one page: the ordinary newest view
    text = _shown(qtbot, window)
    assert f"message {PAGE + 249}" in text and "Show later" not in text
    window.close()


def test_delete_one_message_from_the_chat(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    chat = store.create_conversation("xiaomiao", "CNN", "m", title="t")
    store.add_message(chat.id, "assistant", "喵~ greeting")
    question = store.add_message(chat.id, "user", "a question to delete")
    store.add_message(chat.id, "assistant", "the answer stays")
    window = open_window(qtbot, paths, store, starter_path)
    window.open_conversation(chat.id)
    window.chat_view.scroll_to_message(question.id)
    rect = window.chat_view.cursorRect(window.chat_view.document().find("a question to delete"))
    assert window.chat_view.message_at(rect.center()) == question.id  # what the right-click menu deletes
    window.delete_message(question.id, confirm=False)
    text = window.chat_view.toPlainText()
    assert "a question to delete" not in text and "the answer stays" in text
    window.close()
