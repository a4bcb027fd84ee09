"""The window opens and continues a conversation whose persona was deleted, from the copy of the card it kept
(real model, real SQLite)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.chat import ChatService
from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir

CARD = {
    "name": "Professor Owl",
    "description": "A patient owl who teaches with forest metaphors.",
    "first_mes": "Hoo! Welcome to the forest classroom.",
}


def test_a_conversation_goes_on_after_its_persona_was_deleted(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    library = PersonaLibrary(paths.user_personas_dir)
    owl = library.save(CARD)
    conversation = ChatService(store, library).start(owl.id, "Forests", "starter")
    version_id = store.conversation(conversation.id).persona_version_id
    library.delete(owl.id)

    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=8, seed=11)
    assert window.sidebar.count() == 1
    shown = window.chat_view.toPlainText()
    assert "Hoo! Welcome to the forest classroom." in shown and "Professor Owl" in shown

    window.input.setPlainText("What is a tree?")
    with qtbot.waitSignal(window.reply_displayed, timeout=2 * REPLY_TIMEOUT_MS) as finished:
        window.send()
        assert window._busy, window.statusBar().currentMessage()  # the turn started: nothing refused it
    result = finished.args[0]
    assert result.status == "complete" and result.reply.strip()
    assert result.conversation_id == conversation.id
    assert store.message(result.message_id).persona_version_id == version_id
    assert result.verdict is not None  # the badges were judged against the kept card
    assert window.statusBar().currentMessage() == ""
    window.grab().save(str(screenshot_dir() / "deleted-persona-continued.png"))
    window.close()


CARDS = Path(__file__).resolve().parents[1] / "data" / "cards"


def test_cards_imported_in_the_window_are_kept_as_imported_and_a_deleted_persona_is_named_in_the_picker(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    outcome = window.persona_menu.import_files([CARDS / "stc_default_CodingSensei.png"])
    (sensei,) = outcome.imported
    gallery_outcome = window.persona_menu.open_gallery().import_files([CARDS / "stc_contest_Assistant_Amy.png"])
    window.persona_menu.gallery.close()
    (amy,) = gallery_outcome.imported
    assert [v.source for v in store.persona_versions(sensei.id)] == ["imported"]
    assert [v.source for v in store.persona_versions(amy.id)] == ["imported"]

    conversation = ChatService(store, window._personas).start(sensei.id, "Python", "starter")
    assert store.persona_version(store.conversation(conversation.id).persona_version_id or 0).source == "imported"
    window._personas.delete(sensei.id)
    window.reload_personas()  # what the gallery's Delete does
    window.open_conversation(conversation.id)
    box = window.persona_box
    assert box.currentText() == "Coding Sensei (deleted)"
    assert box.findData(sensei.id) == box.currentIndex() and not box.isEnabled()
    assert not box.model().item(box.currentIndex()).isEnabled()  # never offered for a new chat
    window.reload_personas()  # after an import or an edit elsewhere: still the deleted persona, not the default
    assert box.currentText() == "Coding Sensei (deleted)"
    window.grab().save(str(screenshot_dir() / "deleted-persona-picker.png"))

    window.new_chat()
    assert box.findData(sensei.id) == -1 and box.isEnabled()
    assert box.currentData() == "xiaomiao" and "小喵" in window.chat_view.toPlainText()
    window.open_conversation(conversation.id)  # and back: the picker names it again
    assert box.currentText() == "Coding Sensei (deleted)"
    window.close()
