"""Conversation ▸ Stay in character: off by default, kept in the window settings, handed to the worker, and the
window streams the second reply afresh when the core writes an off-persona reply once more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.remote_servers import RemoteConfig
from app.store import Store
from app.ui.main_window import MainWindow
from tests.remote_server import free_port
from tests.ui.test_main_window import screenshot_dir


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def _window(qtbot: QtBot, paths: AppPaths, store: Store) -> MainWindow:
    # No model is needed for the setting: point the window at a server that is not there.
    nowhere = RemoteConfig(base_url=f"http://127.0.0.1:{free_port()}")
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), remote=nowhere)
    qtbot.addWidget(window)
    return window


def _action(window: MainWindow) -> QAction:
    return next(a for a in window.menus["Conversation"].actions() if a.text() == "Stay in &character")


def test_the_setting_is_off_by_default_kept_and_given_to_the_worker(
    qtbot: QtBot, paths: AppPaths, store: Store
) -> None:
    window = _window(qtbot, paths, store)
    action = _action(window)
    assert action.isCheckable() and not action.isChecked()
    assert not window.worker.stay_in_character.is_set()
    action.trigger()
    assert action.isChecked() and window.worker.stay_in_character.is_set()
    window.close()

    again = _window(qtbot, paths, store)
    assert _action(again).isChecked() and again.worker.stay_in_character.is_set()
    _action(again).trigger()
    assert not again.worker.stay_in_character.is_set()


def test_a_second_version_streams_afresh_with_a_notice(qtbot: QtBot, paths: AppPaths, store: Store) -> None:
    window = _window(qtbot, paths, store)
    window.show()
    conversation = store.create_conversation("xiaomiao", "CNN", "m")
    store.add_message(conversation.id, "user", "什么是卷积层？")
    first = store.add_message(conversation.id, "assistant", "Convolution is a mathematical operation.")
    window.refresh_sidebar()
    window.open_conversation(conversation.id)
    store.add_branch(first.id, "", status="streaming")  # what the core does before it writes the reply again

    window.worker.retry_started.emit()
    window.worker.token_received.emit("喵~ 卷积层就像小猫用爪子一格一格地摸毛线球喵！")
    qtbot.waitUntil(lambda: "一格一格" in window.chat_view.toPlainText())
    shown = window.chat_view.toPlainText()
    assert "Convolution is a mathematical operation." not in shown  # the first version is not streamed twice
    assert "out of character" in window.statusBar().currentMessage()
    window.grab().save(str(screenshot_dir() / "stay-in-character.png"))
