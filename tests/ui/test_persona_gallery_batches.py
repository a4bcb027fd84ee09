"""The gallery with many personas: read a batch per event-loop turn, avatars drawn only for the cards shown."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.ui.avatars import avatar_image
from app.ui.persona_batches import FIRST_BATCH
from app.ui.persona_gallery import PersonaGallery
from tests.ui.test_main_window import screenshot_dir

MANY = 300


def _write_cards(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(MANY):
        card = {"name": f"Tutor {n:04d}", "first_mes": "Hello!", "creator_notes": f"Teaches topic number {n}"}
        (folder / f"tutor-{n:04d}.json").write_text(json.dumps(card), encoding="utf-8")


def _gallery(qtbot: QtBot, paths: AppPaths) -> PersonaGallery:
    _write_cards(paths.user_personas_dir)
    gallery = PersonaGallery(PersonaLibrary(paths.user_personas_dir))
    qtbot.addWidget(gallery)
    gallery.resize(820, 600)
    gallery.show()
    return gallery


def test_avatars_are_drawn_for_the_cards_on_screen_only(qtbot: QtBot, paths: AppPaths) -> None:
    gallery = _gallery(qtbot, paths)
    gallery.view.grab()
    shown = avatar_image.cache_info().currsize
    assert 0 < shown < 40  # a screenful of cards, not one per persona
    qtbot.waitUntil(lambda: gallery.model.rowCount() == MANY + 8)
    gallery.view.scrollToBottom()
    gallery.view.grab()
    assert shown < avatar_image.cache_info().currsize < 2 * shown + 8  # the last screenful's, drawn when shown


def test_the_personas_come_in_batches_and_the_wanted_one_is_selected_when_it_comes(
    qtbot: QtBot, paths: AppPaths
) -> None:
    gallery = _gallery(qtbot, paths)
    assert FIRST_BATCH <= gallery.model.rowCount() < MANY + 8  # the rest come a batch per event-loop turn
    assert gallery.selected_id() == "xiaomiao"  # the first persona, shown at once
    assert gallery.count_label.text() == f"{gallery.model.rowCount()} personas so far…"
    gallery.grab().save(str(screenshot_dir() / "persona-gallery-reading.png"))
    qtbot.waitUntil(lambda: gallery.model.rowCount() == MANY + 8)
    assert gallery.count_label.text() == f"{MANY + 8} personas"

    gallery.reload(select="tutor-0299")  # e.g. after saving it: read again (from the library's cache: at once)
    qtbot.waitUntil(lambda: gallery.selected_id() == "tutor-0299")
    gallery.view.setCurrentIndex(gallery.proxy.index(3, 0))
    chosen = gallery.selected_id()
    gallery.reload()  # after a delete elsewhere, say: the choice is kept
    qtbot.waitUntil(lambda: gallery.model.rowCount() == MANY + 8)
    assert gallery.selected_id() == chosen and gallery.chat_button.isEnabled()
