"""View ▸ Facts: the conversation's ledger beside the chat, edited in place, saved through the store, and a
row's source opening its message; a screenshot in Chinese to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.store import Store
from app.ui.language import install_translators
from app.ui.ledger_panel import FACT, KIND, SOURCE, SUBJECT, LedgerPanel
from tests.ui.test_main_window import open_window, screenshot_dir


def lesson(store: Store) -> tuple[int, int]:
    """A conversation whose learner gave a name, with a correction and a story fact in the ledger."""
    c = store.create_conversation("xiaomiao", "CNN", "starter", title="卷积核")
    hello = store.add_message(c.id, "assistant", "喵~ 你好呀！我的毛线球是红色的喵~")
    said = store.add_message(c.id, "user", "我叫小明，我是初学者。卷积核是手工设计的吧")
    reply = store.add_message(c.id, "assistant", "喵~ 小明你好！其实卷积核不是手工设计的，而是在训练中学出来的喵~")
    for _ in range(12):
        store.add_message(c.id, "user", "再讲一遍池化？")
        store.add_message(c.id, "assistant", "喵~ 池化把特征图变小，保留最强的信号喵。")
    store.add_fact(c.id, "learner", "name", "小明", source_message_id=said.id)
    store.add_fact(c.id, "learner", "level", "初学者", source_message_id=said.id)
    store.add_fact(c.id, "correction", "卷积核是手工设计的", "卷积核是在训练中学出来的", source_message_id=reply.id)
    store.add_fact(c.id, "story", "毛线球", "红色", source_message_id=hello.id)
    return c.id, said.id


def test_rows_are_edited_switched_off_added_and_deleted_through_the_store(qtbot: QtBot, store: Store) -> None:
    conversation_id, said = lesson(store)
    panel = LedgerPanel(store)
    qtbot.addWidget(panel)
    panel.show_conversation(conversation_id)
    table = panel.table
    assert table.rowCount() == 4 and not panel.empty_label.isVisibleTo(panel)
    assert [table.item(0, c).text() for c in (KIND, SUBJECT, FACT, SOURCE)] == ["Learner", "name", "小明", f"#{said}"]
    assert table.accessibleName() and panel.add_button.accessibleName()

    table.item(3, FACT).setText("蓝色")  # what an in-place edit commits
    story = store.ledger(conversation_id)[3]
    assert (story.text, story.edited) == ("蓝色", True)
    table.item(1, KIND).setCheckState(Qt.CheckState.Unchecked)
    still_on = ["name", "卷积核是手工设计的", "毛线球"]
    assert [f.subject for f in store.ledger(conversation_id, active_only=True)] == still_on
    assert [f.subject for f in panel.active_facts()] == still_on

    panel.kind_box.setCurrentIndex(panel.kind_box.findData("story"))
    panel.subject_edit.setText("船")
    panel.fact_edit.setText("飞翔号")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    added = store.ledger(conversation_id)[-1]
    assert (added.kind, added.subject, added.text, added.source_message_id, added.edited) == (
        "story", "船", "飞翔号", None, True,
    )  # fmt: skip
    assert table.item(4, SOURCE).text() == "added"

    table.selectRow(4)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert len(store.ledger(conversation_id)) == 4

    with qtbot.waitSignal(panel.message_requested) as jumped:
        table.selectRow(0)
        qtbot.keyClick(panel.go_button, Qt.Key.Key_Space)
    assert jumped.args == [conversation_id, said]

    panel.show_conversation(None)
    assert table.rowCount() == 0 and not panel.add_button.isEnabled()


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    assert install_translators("zh_CN")
    yield
    install_translators("en")


def test_the_facts_panel_beside_the_chat_in_chinese(
    qtbot: QtBot, chinese: None, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    conversation_id, _said = lesson(store)
    window = open_window(qtbot, paths, store, starter_path)
    window.resize(1440, 760)
    panel = window.ledger_panel
    assert panel.dock is not None and not panel.dock.isVisible()  # off until asked for
    toggle = panel.toggle
    assert toggle is not None and toggle in window.menus["View"].actions() and toggle.text() == "事实(&F)"
    assert toggle.shortcut().toString() == "Ctrl+Shift+L"
    toggle.trigger()
    assert panel.dock.isVisible() and panel.table.hasFocus() and toggle.isChecked()
    assert window.splitter.sizes()[0] >= 200  # the conversation list keeps its width
    window.open_conversation(conversation_id)
    assert panel.table.rowCount() == 4
    assert [panel.table.item(0, c).text() for c in (KIND, SUBJECT, FACT)] == ["学习者", "名字", "小明"]

    source = panel.table.visualItemRect(panel.table.item(0, SOURCE)).center()
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=source)
    assert window._window_start is not None or window._page > 0
    assert "我叫小明" in window.chat_view.toPlainText()
    qtbot.wait(50)
    window.grab().save(str(screenshot_dir() / "facts-panel-zh.png"))
    window.close()

    again = open_window(qtbot, paths, store, starter_path)  # the panel stays open across starts
    assert again.ledger_panel.dock is not None and again.ledger_panel.dock.isVisible()
    again.close()
