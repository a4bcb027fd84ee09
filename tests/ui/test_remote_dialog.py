"""Models ▸ Connect to a server…: the window chats through a real llama_cpp.server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.remote_servers import RemoteConfig, load_servers
from app.store import Store
from app.ui.main_window import MainWindow
from app.ui.remote_dialog import RemoteDialog
from tests.remote_server import MODEL_ALIAS, LlamaServer, free_port
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, screenshot_dir  # a shared server answers more slowly


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def _open_dialog(window: MainWindow) -> RemoteDialog:
    action = next(a for a in window.menus["Models"].actions() if a.text() == "Connect to a &server…")
    assert window.menus["Models"].menuAction().isVisible()
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RemoteDialog) and w.isVisible())
    return dialog


def test_connect_to_a_server_and_chat(qtbot: QtBot, paths: AppPaths, store: Store, llama_server: LlamaServer) -> None:
    dead = RemoteConfig(base_url=f"http://127.0.0.1:{free_port()}")
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), remote=dead)
    qtbot.addWidget(window)
    window.sampling = SamplingParams(max_tokens=12, seed=8)
    window.show()
    qtbot.waitUntil(lambda: "connection refused" in window.model_label.text(), timeout=10_000)
    assert not window.send_button.isEnabled()

    dialog = _open_dialog(window)
    dialog.url_edit.setText("not a url")
    dialog.connect_button.click()
    assert "Not a server address" in dialog.status_label.text()

    dialog.url_edit.setText(llama_server.url + "/v1")
    dialog.list_button.click()
    qtbot.waitUntil(lambda: dialog.model_box.count() == 1, timeout=10_000)
    assert dialog.model_box.currentText() == MODEL_ALIAS
    dialog.ctx_spin.setValue(2048)
    dialog.name_edit.setText("lab")
    dialog.grab().save(str(screenshot_dir() / "remote-dialog.png"))
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=30_000)
    assert not dialog.isVisible()
    assert window.model_label.text() == f"Model: {MODEL_ALIAS}"
    assert window.backend_label.text() == f"Remote · 127.0.0.1:{llama_server.port}"
    assert load_servers(paths.config_dir)["lab"].context_size == 2048

    window.input.insertPlainText("什么是卷积层？")
    with qtbot.waitSignal(window.reply_displayed, timeout=3 * REPLY_TIMEOUT_MS) as shown:
        window.send_button.click()
    result = shown.args[0]
    assert result.status == "complete" and result.reply.strip()
    assert store.conversation(result.conversation_id).model == f"{MODEL_ALIAS}@127.0.0.1:{llama_server.port}"
    window.grab().save(str(screenshot_dir() / "remote-chat.png"))

    again = _open_dialog(window)  # the saved server is offered next time
    assert again.saved_box.currentText() == "lab"
    assert again.url_edit.text() == llama_server.url
    again.reject()
