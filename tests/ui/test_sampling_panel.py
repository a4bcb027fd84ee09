"""Conversation ▸ Sampling settings…: chosen per conversation, kept in the store, used by the next turn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.remote_servers import RemoteConfig
from app.store import Store
from app.ui.main_window import MainWindow
from app.ui.sampling_panel import SamplingPanel, turn_params
from tests.remote_server import free_port
from tests.ui.test_main_window import screenshot_dir


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def _open_panel(window: MainWindow) -> SamplingPanel:
    action = next(a for a in window.menus["Conversation"].actions() if a.text() == "&Sampling settings…")
    action.trigger()
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, SamplingPanel) and w.isVisible())


def test_settings_are_kept_per_conversation(qtbot: QtBot, paths: AppPaths, store: Store) -> None:
    # No model is needed to choose settings: point the window at a server that is not there.
    nowhere = RemoteConfig(base_url=f"http://127.0.0.1:{free_port()}")
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), remote=nowhere)
    qtbot.addWidget(window)
    window.sampling = SamplingParams(max_tokens=40, seed=11)
    window.show()
    first = store.create_conversation("xiaomiao", "CNN", "m")
    other = store.create_conversation("socrates", "logic", "m")
    window.refresh_sidebar()
    window.open_conversation(first.id)

    panel = _open_panel(window)
    assert panel.boxes["max_tokens"].value() == 40 and panel.boxes["seed"].value() == 11
    panel.boxes["temperature"].setValue(1.35)
    panel.boxes["top_k"].setValue(12)
    panel.boxes["seed"].setValue(-1)  # shown as "random"
    assert panel.boxes["seed"].text() == "random"
    panel.grab().save(str(screenshot_dir() / "sampling-panel.png"))
    panel.accept()

    stored = store.conversation(first.id).sampler
    assert stored is not None and (stored["temperature"], stored["top_k"], stored["seed"]) == (1.35, 12, None)
    chosen = turn_params(window, first.id)
    assert (chosen.temperature, chosen.top_k, chosen.seed, chosen.max_tokens) == (1.35, 12, None, 40)
    assert turn_params(window, other.id) == window.sampling  # other conversations keep their own

    window.open_conversation(first.id)
    again = _open_panel(window)
    assert again.boxes["temperature"].value() == 1.35
    buttons = again.findChild(QDialogButtonBox)
    buttons.clicked.emit(again.defaults_button)
    assert again.boxes["temperature"].value() == pytest.approx(window.sampling.temperature)
    again.accept()
    assert store.conversation(first.id).sampler is None  # back to the persona's defaults
