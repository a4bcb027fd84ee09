"""Help ▸ About on the real starter model: version, bundled licenses, the model's license; and a screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import __version__
from app.paths import AppPaths
from app.store import Store
from app.ui.about_dialog import AboutDialog
from tests.ui.test_main_window import open_window, screenshot_dir


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def test_about_box_shows_versions_and_licenses(qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    help_menu = window.menus["Help"]
    assert help_menu.menuAction().isVisible()
    [about] = [a for a in help_menu.actions() if a.text() == "&About Persona Tutor"]

    opened: list[str] = []

    def close_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutDialog)
        opened.append(dialog.model_label.text())
        dialog.reject()

    QTimer.singleShot(200, close_the_dialog)
    about.trigger()  # modal: returns once the timer closed it
    assert opened and "apache-2.0" in opened[0].lower()

    dialog = AboutDialog(window.worker.model_path, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert __version__ in dialog.header.text()
    components = dialog.components.toPlainText()
    for expected in ("PySide6", "LGPL-3.0-only", "llama.cpp", "MIT", "SQLAlchemy"):
        assert expected in components
    assert dialog.model is not None and dialog.model.source == "starter model"
    assert "Qwen2.5" in dialog.model_label.text()
    dialog.grab().save(str(screenshot_dir() / "about-dialog.png"))


def test_about_box_before_a_model_is_loaded(qtbot: QtBot) -> None:
    dialog = AboutDialog(None)
    qtbot.addWidget(dialog)
    assert "none loaded yet" in dialog.model_label.text()
