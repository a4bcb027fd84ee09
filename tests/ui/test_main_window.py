"""The main window on the real model: send, stream, stop, restart; and a screenshot to look at."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui.main_window import MainWindow
from app.ui.model_jobs import ModelJob

ROOT = Path(__file__).resolve().parents[2]

REPLY_TIMEOUT_MS = 120_000
# Tests wait on the window's own signals: pytest-qt's waitSignal on a signal emitted from the worker thread
# would run its handler there.


class EscapeOnFirstToken(QObject):
    """Presses Esc in the message box when the first token arrives."""

    def __init__(self, window: MainWindow, qtbot: QtBot) -> None:
        super().__init__()
        self.window = window
        self.qtbot = qtbot

    @Slot(str)
    def on_token(self, _piece: str) -> None:
        if self.window._busy and not self.window.is_stopping():
            self.qtbot.keyClick(self.window.input, Qt.Key.Key_Escape)


class StopOnFirstToken(QObject):
    """Clicks Stop when the first token arrives; lives on the GUI thread, as a user's click does."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window

    @Slot(str)
    def on_token(self, _piece: str) -> None:
        if self.window._busy and self.window.send_button.text() == "Stop":
            self.window.send_button.click()


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("PERSONA_TUTOR_SCREENSHOTS", Path(__file__).resolve().parents[2] / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_window(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> MainWindow:
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), str(starter_path))
    qtbot.addWidget(window)
    window.sampling = SamplingParams(max_tokens=40, seed=11)
    window.show()
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=60_000)
    return window


def test_chat_stop_and_restart(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    assert window.send_button.isEnabled()
    assert "小喵" in window.chat_view.toPlainText()  # the greeting of a new chat

    # Shift+Enter adds a line; Enter sends.
    window.input.insertPlainText("卷积层是怎么工作的？")  # QTest.keyClicks only types ASCII
    qtbot.keyClick(window.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.input.toPlainText() == "卷积层是怎么工作的？\n"
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(window.input, Qt.Key.Key_Return)
        assert window.send_button.text() == "Stop"
    first = finished.args[0]
    assert first.status == "complete"
    assert first.reply.strip()[:10] in window.chat_view.toPlainText()
    assert window.send_button.text() == "Send"
    assert "tok/s" in window.speed_label.text()
    assert window.backend_label.text().startswith("CPU")
    shown = window.chat_view.toPlainText()
    assert "Persona: " in shown and "Accuracy: " in shown  # the badges, in words as well as colour
    assert first.verdict is not None
    window.grab().save(str(screenshot_dir() / "main-window-reply.png"))

    # Press Stop as soon as the second reply starts streaming.
    window.sampling = SamplingParams(max_tokens=300, seed=11)
    window.input.setPlainText("请详细讲讲卷积神经网络的历史。")
    stopper = StopOnFirstToken(window)
    window.worker.token_received.connect(stopper.on_token)
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as stopped:
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    second = stopped.args[0]
    assert second.status == "interrupted"
    assert second.timings.generated_tokens < 300
    conversation_id = second.conversation_id
    stored = store.messages(conversation_id)
    assert [(m.role, m.status) for m in stored][-2:] == [("user", "complete"), ("assistant", "interrupted")]
    assert "Stopped" in window.chat_view.toPlainText()
    window.close()

    # Open the app again: the conversation is in the sidebar and opens with every message.
    again = open_window(qtbot, paths, store, starter_path)
    assert again.sidebar.count() == 1
    assert again.sidebar.item_title(0) == "卷积层是怎么工作的？"
    shown = again.chat_view.toPlainText()
    assert "卷积层是怎么工作的？" in shown
    assert "请详细讲讲卷积神经网络的历史。" in shown
    assert not again.persona_box.isEnabled()
    again.grab().save(str(screenshot_dir() / "main-window-reopened.png"))
    again.close()


def test_stop_before_the_worker_picks_the_turn_up(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    """Stop pressed while the worker is still busy with something else (saving the last turn's state, a replay)
    stops the turn asked for: it used to be lost, as the worker cleared one shared flag as each turn began."""
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=200, seed=11)
    busy, release = threading.Event(), threading.Event()

    def hold(_service: object, _model: str, _job: ModelJob) -> None:
        busy.set()
        release.wait(30)

    window.model_work.submit(ModelJob(window), hold)
    qtbot.waitUntil(busy.is_set, timeout=10_000)
    window.input.setPlainText("请详细讲讲卷积神经网络的历史。")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as stopped:
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.send_button.text() == "Stop")
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)  # the worker has not started the turn
        release.set()
    result = stopped.args[0]
    assert result.status == "interrupted"
    assert result.timings is None or result.timings.generated_tokens == 0
    stored = store.messages(result.conversation_id)
    assert [(m.role, m.status) for m in stored][-2:] == [("user", "complete"), ("assistant", "interrupted")]
    assert window.send_button.text() == "Send"

    # The next turn has a flag of its own: it is not stopped by the last one's.
    window.sampling = SamplingParams(max_tokens=8, seed=11)
    window.input.setPlainText("什么是池化？")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].status == "complete"
    window.close()


def test_the_model_is_freed_on_its_thread_when_that_thread_ends(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    """Even when the thread's event loop quits before a queued close reaches the worker (the race shutdown can
    lose), the engine is closed on the worker thread rather than left to the garbage collector."""
    window = open_window(qtbot, paths, store, starter_path)
    assert window.worker._engine is not None
    window._thread.quit()  # no close_requested first
    window._thread.wait()
    assert window.worker._engine is None


def test_keyboard_escape_stops_and_ctrl_n_starts_a_new_chat(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=300, seed=2)
    escaper = EscapeOnFirstToken(window, qtbot)
    window.worker.token_received.connect(escaper.on_token)
    window.input.setPlainText("请详细讲讲卷积神经网络的历史。")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as stopped:
        window.send()
    assert stopped.args[0].status == "interrupted"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window._conversation_id is None
    assert window.persona_box.isEnabled()
    window.close()


def test_rename_and_delete_from_the_sidebar(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    first = store.create_conversation("xiaomiao", "CNN", "m", title="old title")
    second = store.create_conversation("xiaomiao", "RNN", "m", title="keep me")
    window = open_window(qtbot, paths, store, starter_path)
    window.sidebar.rename_requested.emit(first.id, "新的标题")
    assert store.conversation(first.id).title == "新的标题"
    window.sidebar.delete_requested.emit(second.id)
    assert [c.id for c in store.conversations()] == [first.id]
    assert window.sidebar.count() == 1
    window.close()


def test_layout_is_restored(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.resize(window.minimumSize())  # fits the small offscreen screen, so the geometry is restored as is
    window.splitter.setSizes([320, 580])
    sizes = window.splitter.sizes()
    window.close()
    assert (paths.config_dir / "window.ini").is_file()
    again = open_window(qtbot, paths, store, starter_path)
    assert again.splitter.sizes() == sizes
    again.close()


def test_new_chat_uses_the_chosen_topic(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.topic_box.setEditText("二分查找")
    window.input.setPlainText("它的时间复杂度是多少？")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS):
        window.send()
    [conversation] = store.conversations()
    assert (conversation.persona_id, conversation.topic) == ("xiaomiao", "二分查找")
    window.new_chat()
    assert window.persona_box.isEnabled()
    assert window.chat_view.toPlainText().count("小喵") >= 1
    window.close()


def test_regenerate_browse_edit_and_continue(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=6, seed=3)
    window.input.setPlainText("什么是卷积层？")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as first:
        window.send()
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as second:
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "2/2" in window.chat_view.toPlainText()
    assert "Regenerate" in window.chat_view.toPlainText()
    window.chat_view.action_requested.emit("prev", second.args[0].message_id)
    assert "1/2" in window.chat_view.toPlainText()
    assert store.messages(first.args[0].conversation_id)[-1].id == first.args[0].message_id

    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.input.toPlainText() == "什么是卷积层？"
    window.input.setPlainText("什么是池化层？")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as edited:
        qtbot.keyClick(window.input, Qt.Key.Key_Return)
    path = store.messages(edited.args[0].conversation_id)
    assert [m.content for m in path if m.role == "user"] == ["什么是池化层？"]

    cut = edited.args[0].reply
    store.update_message(edited.args[0].message_id, status="interrupted")
    window.open_conversation(edited.args[0].conversation_id)
    assert "Continue" in window.chat_view.toPlainText()
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as continued:
        window.chat_view.action_requested.emit("continue", edited.args[0].message_id)
    assert continued.args[0].reply.startswith(cut)
    assert continued.args[0].message_id == edited.args[0].message_id
    window.grab().save(str(screenshot_dir() / "main-window-alternatives.png"))
    window.close()


def test_a_new_chat_that_cannot_start_gives_the_question_back(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    card = json.loads((ROOT / "personas" / "xiaomiao.json").read_text(encoding="utf-8"))
    card["data"]["name"] = "Ghost"
    paths.user_personas_dir.mkdir(parents=True, exist_ok=True)
    ghost = paths.user_personas_dir / "ghost.json"
    ghost.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    window = open_window(qtbot, paths, store, starter_path)
    window.persona_box.setCurrentIndex(window.persona_box.findData("ghost"))
    ghost.unlink()  # its card is deleted (by hand, in another window) before the first message is sent
    window.input.setPlainText("什么是卷积层？")
    window.send()
    assert not window._busy
    assert window.input.toPlainText() == "什么是卷积层？"  # nothing was stored, so nothing typed is lost
    assert store.conversations() == []
    assert "ghost" in window.statusBar().currentMessage()
    window.close()
