"""The screenshots in docs/screenshots, which the README shows: ``make screenshots`` renders exactly this set.

One conversation with the real starter model replying, shown in the main window in light and dark, English and
Chinese (switched live, as View → Language does), then the windows around it, all at the sizes a learner sees
them. Other GUI tests save more pictures of what they check into ``screenshots/`` (or PERSONA_TUTOR_SCREENSHOTS).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.model_catalog import Machine
from app.model_library import add_model
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui.language import install_translators
from app.ui.main_window import MainWindow
from app.ui.model_manager import ModelManager
from app.ui.persona_editor import PersonaEditor
from app.ui.persona_gallery import PersonaGallery
from tests.ui.test_language import switch
from tests.ui.test_main_window import screenshot_dir
from tests.ui.test_persona_gallery import cards_dir

ROOT = Path(__file__).resolve().parents[2]
MAIN_WINDOW = tuple(f"main-window-{theme}-{lang}.png" for lang in ("en", "zh") for theme in ("light", "dark"))
WINDOWS = (
    "persona-gallery.png",
    "persona-editor.png",
    "persona-editor-lorebook.png",
    "model-manager.png",
    "model-catalog.png",
    "feedback-dialog.png",
    "feedback-dialog-zh.png",
    "welcome-page.png",
)
SCREENSHOTS = MAIN_WINDOW + WINDOWS  # every file in docs/screenshots, and nothing else
# A short answer (it ends on its own, not at max_tokens); the name and level fill the Facts panel.
QUESTION = "我叫小明，我是初学者。用一两句话告诉我：卷积层是做什么的？"
REPLY_TIMEOUT_MS = 600_000  # pictures, not a speed test: a loaded machine may take minutes for the reply
MACHINE = Machine(free_ram_mb=6_000, free_vram_mb=None)  # the same verdicts on every machine that renders


def _save(widget: QWidget, name: str) -> None:
    assert name in SCREENSHOTS
    widget.grab().save(str(screenshot_dir() / name))


def _main_window_in_both_themes(qtbot: QtBot, window: MainWindow, language: str) -> None:
    window.input.setFocus()  # on the draft, as the learner goes on typing (not on a Facts row)
    for theme in ("light", "dark"):
        window.theme.choose(theme)
        qtbot.wait(100)
        _save(window, f"main-window-{theme}-{language}.png")


def _flag_dialog(qtbot: QtBot, window: MainWindow, message_id: int, name: str) -> None:
    flag = window.feedback.flag(message_id)  # at its default size: the reasons wrap, whole
    qtbot.waitExposed(flag)
    qtbot.wait(50)
    _save(flag, name)
    flag.reject()


@pytest.mark.timeout(1800)
def test_render_the_screenshots(
    qtbot: QtBot, windows: list[MainWindow], paths: AppPaths, store: Store, starter_path: Path
) -> None:
    install_translators("en")  # as the app starts: English, with its locale's dates and numbers
    add_model(paths.models_dir, starter_path, link=True)  # installed, so the model manager lists it too
    personas = PersonaLibrary(paths.user_personas_dir)
    window = MainWindow(paths, store, personas)
    windows.append(window)
    window.resize(1024, 640)
    window.show()
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=60_000)
    window.sampling = SamplingParams(max_tokens=70, seed=7)
    window.input.setPlainText(QUESTION)
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as finished:
        window.send()
    reply = finished.args[0]
    assert reply.status == "complete" and reply.verdict is not None
    window.input.setPlainText("池化层呢？")  # a draft: the box reads as in use
    window.speed_label.clear()  # this machine's speed while it renders (under load, maybe) is no one's business
    window.ledger_panel.toggle.trigger()  # the Facts panel open beside the chat (remembered across the switch)
    qtbot.waitUntil(lambda: window.ledger_panel.table.rowCount() >= 2)
    _main_window_in_both_themes(qtbot, window, "en")
    window = switch(qtbot, windows, window, "zh_CN")
    try:
        assert window.send_button.text() == "发送" and QUESTION in window.chat_view.toPlainText()
        _main_window_in_both_themes(qtbot, window, "zh")
        window.theme.choose("light")
        _flag_dialog(qtbot, window, reply.message_id, "feedback-dialog-zh.png")  # the checker's reasons in Chinese
        window = switch(qtbot, windows, window, "en")
    finally:
        install_translators("en")  # the other tests read English
    window.theme.choose("light")

    _flag_dialog(qtbot, window, reply.message_id, "feedback-dialog.png")

    personas.import_file(cards_dir() / "stc_default_CodingSensei.png")  # a card from elsewhere, beside ours
    gallery = PersonaGallery(personas)
    qtbot.addWidget(gallery)
    gallery.resize(900, 640)
    gallery.show()
    gallery.select("xiaomiao")
    qtbot.wait(50)
    _save(gallery, "persona-gallery.png")

    editor = PersonaEditor(personas, personas.get("xiaomiao"))
    qtbot.addWidget(editor)
    editor.resize(1040, 720)
    editor.show()
    qtbot.wait(50)
    _save(editor, "persona-editor.png")
    sakana = personas.import_file(cards_dir() / "stc_contest_Assistant_Sakana.png")  # a card with a lorebook
    lore = PersonaEditor(personas, sakana)
    qtbot.addWidget(lore)
    lore.resize(1040, 720)
    lore.show()
    lore.tabs.setCurrentIndex(4)
    qtbot.wait(50)
    _save(lore, "persona-editor-lorebook.png")

    manager = ModelManager(paths, machine=MACHINE)
    qtbot.addWidget(manager)
    manager.resize(1024, 520)
    manager.show()
    qtbot.waitUntil(lambda: manager.installed._scan is None and manager.installed.table.rowCount() == 1)
    _save(manager, "model-manager.png")
    manager.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: manager.catalog.table.rowCount() > 0)
    qtbot.wait(50)
    _save(manager, "model-catalog.png")
    manager.shutdown()
    window.close()

    empty = AppPaths.resolve(paths.data_dir / "fresh").ensure()  # no model installed: the first-run page
    fresh_store = Store(empty.database_path)
    first_run = MainWindow(empty, fresh_store, PersonaLibrary(empty.user_personas_dir))
    qtbot.addWidget(first_run)
    first_run.resize(1024, 640)
    first_run.show()
    assert first_run.welcome.active
    qtbot.wait(50)
    _save(first_run, "welcome-page.png")
    first_run.close()
    fresh_store.close()


def test_the_readme_shows_screenshots_of_the_set() -> None:
    shown = set(re.findall(r"docs/screenshots/([\w.-]+\.png)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert shown and shown <= set(SCREENSHOTS)
    committed = {path.name for path in (ROOT / "docs" / "screenshots").glob("*.png")}
    assert committed == set(SCREENSHOTS), "run `make screenshots` and commit docs/screenshots"
