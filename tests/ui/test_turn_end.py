"""How a reply's end shares the machine with the window: the worker's idle work (saving the conversation's state,
summarizing ahead) waits until the window has laid the finished reply out, and the GUI thread gets the
interpreter lock within a millisecond while the app runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.chat import ChatService
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui import chat_worker
from app.ui.chat_worker import ChatWorker
from app.ui.heap import GUI_SWITCH_INTERVAL_S, imports_frozen
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window


def test_idle_work_starts_only_once_the_reply_is_shown(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    shown_when_saved: list[bool] = []
    save_state = ChatService.save_state

    def recording(service: ChatService) -> None:
        shown_when_saved.append(window.worker.reply_shown.is_set())
        save_state(service)

    monkeypatch.setattr(ChatService, "save_state", recording)
    window.input.setPlainText("什么是池化？")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS):
        window.send()
    qtbot.waitUntil(lambda: bool(shown_when_saved), timeout=10_000)
    assert shown_when_saved == [True]


def test_the_wait_ends_when_a_new_turn_is_asked_for_or_the_window_never_says(
    qtbot: QtBot, paths: AppPaths, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = ChatWorker(paths, store, PersonaLibrary(paths.user_personas_dir))
    monkeypatch.setattr(chat_worker, "SHOWN_WAIT_S", 3600.0)
    worker.idle_cancel.set()
    worker._wait_until_shown()  # returns: a new turn is waiting
    worker.idle_cancel.clear()
    worker.reply_shown.set()
    worker._wait_until_shown()  # returns: the reply is on screen
    worker.reply_shown.clear()
    monkeypatch.setattr(chat_worker, "SHOWN_WAIT_S", 0.05)
    worker._wait_until_shown()  # returns: a window that never says so does not hold idle work forever


def test_the_app_hands_the_interpreter_lock_over_within_a_millisecond() -> None:
    before = sys.getswitchinterval()
    with imports_frozen():
        assert sys.getswitchinterval() == GUI_SWITCH_INTERVAL_S == 0.001
    assert sys.getswitchinterval() == before
