"""The persona gallery and card drops on real card files: import, search, delete, new chat, greeting choice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui.main_window import MainWindow
from app.ui.persona_batches import FIRST_BATCH
from app.ui.persona_gallery import PersonaGallery
from tests.ui.test_main_window import screenshot_dir

CARDS = Path(__file__).resolve().parents[1] / "data" / "cards"
SHARED_CARDS = Path(__file__).resolve().parents[3] / "shared" / "cards"
REPLY_TIMEOUT_MS = 120_000


def cards_dir() -> Path:
    """The real cards made by others: the shared folder beside the checkout when present, else the repo's copy."""
    return SHARED_CARDS if (SHARED_CARDS / "stc_contest_Assistant_Amy.png").is_file() else CARDS


def drop_files(target: QWidget, files: list[Path]) -> bool:
    """Drag ``files`` over ``target`` and drop them, as a file manager does; returns whether the drop was taken."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    action = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), action, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(10, 10), action, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


@pytest.fixture
def library(paths: AppPaths) -> PersonaLibrary:
    return PersonaLibrary(paths.user_personas_dir)


@pytest.fixture
def gallery(qtbot: QtBot, library: PersonaLibrary) -> PersonaGallery:
    widget = PersonaGallery(library)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_dropping_cards_imports_the_good_ones_and_names_the_bad(
    qtbot: QtBot, gallery: PersonaGallery, paths: AppPaths, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "Half', encoding="utf-8")
    files = [
        cards_dir() / "stc_contest_Assistant_Amy.png",
        cards_dir() / "stc_contest_Assistant_Sakana.png",
        cards_dir() / "backyard_legacy_v4.png",  # not a Tavern card: data in EXIF
        broken,
    ]
    assert drop_files(gallery.view.viewport(), files)
    outcome = gallery.last_import
    assert outcome is not None
    assert [p.name for p in outcome.imported] == ["Amy", "Sakana"]
    assert len(outcome.errors) == 2
    assert outcome.errors[0].startswith("backyard_legacy_v4.png: no card data")
    assert outcome.errors[1].startswith("broken.json: cannot read the card: invalid JSON")
    report = gallery.findChild(QMessageBox, "import-report")
    assert report is not None and report.isVisible()
    assert "Imported 2 of 4 files" in report.text() and "broken.json" in report.informativeText()
    assert {"Amy", "Sakana"} <= set(gallery.visible_names())
    assert gallery.selected_id() == outcome.imported[-1].id  # the last import is selected
    written = sorted(p.name for p in paths.user_personas_dir.iterdir())
    assert written == ["amy.json", "amy.png", "sakana.json", "sakana.png"]  # nothing half-imported
    report.close()


def test_a_drop_of_other_files_is_not_taken(gallery: PersonaGallery, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    assert not drop_files(gallery.view.viewport(), [text])


def test_search_filters_by_name_tag_and_language(gallery: PersonaGallery) -> None:
    everyone = gallery.visible_names()
    assert len(everyone) >= 8 and "小喵" in everyone and "Captain Redbeard" in everyone
    gallery.search.setText("pirate")
    assert gallery.visible_names() == ["Captain Redbeard"]
    gallery.search.setText("中文")
    chinese = gallery.visible_names()
    assert "小喵" in chinese and "老夫子" in chinese and "Captain Redbeard" not in chinese
    gallery.search.setText("nobody-is-called-this")
    assert gallery.visible_names() == [] and gallery.count_label.text().startswith("0 of")
    assert not gallery.chat_button.isEnabled()
    gallery.search.clear()
    assert gallery.visible_names() == everyone


def test_builtins_cannot_be_deleted_own_cards_can(
    gallery: PersonaGallery, library: PersonaLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    gallery.select("xiaomiao")
    assert not gallery.delete_button.isEnabled()
    gallery.duplicate_selected()
    copy_id = gallery.selected_id()
    assert copy_id != "xiaomiao" and gallery.selected() is not None and not gallery.selected().builtin
    assert gallery.delete_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Cancel)
    gallery.delete_selected()
    assert copy_id in [p.id for p in library.all()]
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    gallery.delete_selected()
    assert copy_id not in [p.id for p in library.all()]
    assert "小喵 (copy)" not in gallery.visible_names()


def test_export_writes_png_and_v2_json(gallery: PersonaGallery, library: PersonaLibrary, tmp_path: Path) -> None:
    assert gallery.export_to("laofuzi", tmp_path / "laofuzi.png")
    assert gallery.export_to("laofuzi", tmp_path / "laofuzi.json", json_version=2)
    assert json.loads((tmp_path / "laofuzi.json").read_text(encoding="utf-8"))["spec"] == "chara_card_v2"
    assert library.import_file(tmp_path / "laofuzi.png").card == library.get("laofuzi").card


def test_a_thousand_personas_are_listed_and_searched(qtbot: QtBot, library: PersonaLibrary, paths: AppPaths) -> None:
    folder = paths.user_personas_dir
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1000):
        card = {"name": f"Tutor {n:04d}", "first_mes": "Hello!", "creator_notes": f"Teaches topic number {n}"}
        (folder / f"tutor-{n:04d}.json").write_text(json.dumps(card), encoding="utf-8")
    many = PersonaGallery(library)
    qtbot.addWidget(many)
    many.show()
    many.view.grab()
    assert many.model.rowCount() == FIRST_BATCH  # the first batch at once, the rest a batch per event-loop turn
    many.search.setText("0999")  # searching while they are read finds the one read last
    qtbot.waitUntil(lambda: many.visible_names() == ["Tutor 0999"])
    assert many.model.rowCount() == 1008
    assert many.count_label.text() == "1 of 1008"
    assert len(many.view.findChildren(QWidget)) < 20  # painted cards, not a widget per persona
    # how long opening and searching take is measured side by side in `persona-tutor bench ui`, not here


def test_gallery_screenshot(qtbot: QtBot, gallery: PersonaGallery) -> None:
    gallery.import_files([cards_dir() / "stc_default_CodingSensei.png", cards_dir() / "stc_contest_Assistant_Amy.png"])
    gallery.resize(900, 640)
    gallery.select("xiaomiao")
    qtbot.wait(50)
    gallery.grab().save(str(screenshot_dir() / "persona-gallery.png"))


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def test_window_drop_gallery_new_chat_and_greeting_switch(
    qtbot: QtBot, paths: AppPaths, store: Store, library: PersonaLibrary, starter_path: Path
) -> None:
    window = MainWindow(paths, store, library, str(starter_path))
    qtbot.addWidget(window)
    window.sampling = SamplingParams(max_tokens=8, seed=3)
    window.show()

    # a card dropped on the chat imports and becomes the persona of the new chat
    assert drop_files(window.chat_view.viewport(), [cards_dir() / "stc_contest_Assistant_Gloria.png"])
    assert window.persona_menu.last_import is not None and not window.persona_menu.last_import.errors
    assert window.persona_box.currentText().startswith("Gloria")
    # dropped on the message box, it is imported too, not pasted as a path
    assert drop_files(window.input.viewport(), [cards_dir() / "stc_default_CodingSensei.png"])
    assert window.input.toPlainText() == ""

    gallery = window.persona_menu.open_gallery()
    gallery.select("xiaomiao")
    gallery.chat_button.click()
    assert window.persona_box.currentData() == "xiaomiao" and not gallery.isVisible()
    first = window.chat_view.toPlainText()
    assert "1/2" in first and "喵~ 你好呀" in first
    window.chat_view.action_requested.emit("next", 0)
    second = window.chat_view.toPlainText()
    assert "2/2" in second and "伸了个懒腰" in second
    window.chat_view.action_requested.emit("next", 0)
    assert "1/2" in window.chat_view.toPlainText()
    window.chat_view.action_requested.emit("prev", 0)
    window.grab().save(str(screenshot_dir() / "main-window-greeting-switch.png"))

    # the chosen greeting is the one stored, so it is the one the model sees
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=60_000)
    window.input.insertPlainText("什么是卷积？")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS):
        window.send()
    assert window._conversation_id is not None
    opening = store.messages(window._conversation_id)[0]
    assert opening.role == "assistant" and "伸了个懒腰" in opening.content


def test_enter_on_a_card_starts_a_chat_with_it(qtbot: QtBot, gallery: PersonaGallery) -> None:
    gallery.select("redbeard")
    assert gallery.chat_button.text() == "New chat with Captain Redbeard"
    with qtbot.waitSignal(gallery.new_chat_requested) as chosen:
        qtbot.keyClick(gallery.view, Qt.Key.Key_Return)
    assert chosen.args == ["redbeard"] and not gallery.isVisible()
