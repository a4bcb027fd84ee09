"""The persona editor: edit → save → reload, nothing lost, validation, preview, built-ins saved as copies."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.paths import AppPaths, bundled_dir
from app.personas import PersonaLibrary
from app.ui.persona_editor import PersonaEditor
from tests.ui.test_main_window import screenshot_dir
from tests.ui.test_persona_gallery import cards_dir

TAVERN_CARDS = [
    "stc_default_CodingSensei.png",
    "stc_contest_Assistant_Gloria.png",
    "stc_contest_Assistant_Sakana.png",
    "stc_contest_Assistant_Amy.png",
    "backyard_test_1.byaf",
]


@pytest.fixture
def library(paths: AppPaths) -> PersonaLibrary:
    return PersonaLibrary(paths.user_personas_dir)


def open_editor(qtbot: QtBot, library: PersonaLibrary, persona_id: str | None) -> PersonaEditor:
    editor = PersonaEditor(library, library.get(persona_id) if persona_id else None)
    qtbot.addWidget(editor)
    editor.show()
    return editor


@pytest.mark.parametrize("persona_id", ["xiaomiao", "redbeard", "laofuzi"])
def test_opening_and_saving_a_builtin_unchanged_changes_nothing(
    qtbot: QtBot, library: PersonaLibrary, persona_id: str
) -> None:
    editor = open_editor(qtbot, library, persona_id)
    assert editor.card() == library.get(persona_id).card


@pytest.mark.parametrize("name", TAVERN_CARDS)
def test_real_cards_pass_through_the_editor_unchanged(qtbot: QtBot, library: PersonaLibrary, name: str) -> None:
    imported = library.import_file(cards_dir() / name)
    editor = open_editor(qtbot, library, imported.id)
    assert editor.card() == imported.card


def test_edit_save_reload_round_trip(qtbot: QtBot, library: PersonaLibrary) -> None:
    sakana = library.import_file(cards_dir() / "stc_contest_Assistant_Sakana.png")
    original = copy.deepcopy(sakana.card)
    editor = open_editor(qtbot, library, sakana.id)
    assert editor.lorebook.table.rowCount() == 14
    editor.name.setText("Sakana-sensei")
    editor.description.selectAll()
    editor.description.insertPlainText("{{char}} teaches {{user}} about fish. 鱼很聪明。")
    editor.add_alternate()
    editor.alternate_text.insertPlainText("Back again, {{user}}?")
    editor.style_rules.language.setCurrentIndex(editor.style_rules.language.findData("en"))
    editor.style_rules.add_catchphrase("blub", 1)
    editor.style_rules.catchphrases.item(0, 0).setText("blub")
    editor.style_rules.forbidden.setPlainText("as an AI\nlanguage model")
    editor.lorebook.add_entry()
    editor.lorebook.keys.setText("coral, reef")
    editor.lorebook.keys.textEdited.emit("coral, reef")
    editor.lorebook.constant.setChecked(True)
    editor.lorebook.content.setPlainText("Coral reefs are built by tiny animals.")
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save_button.click()
    assert saved.args == [sakana.id]

    again = PersonaLibrary(library._user_dir).get(sakana.id)
    assert again.name == "Sakana-sensei"
    assert again.description.startswith("{{char}} teaches")
    assert again.alternate_greetings[-1] == "Back again, {{user}}?"
    assert again.tutor["language"] == "en"
    assert again.tutor["catchphrases"] == [{"text": "blub", "min_per_reply": 1}]
    assert again.tutor["forbidden_phrases"] == ["as an AI", "language model"]
    book = again.character_book
    assert book is not None and len(book["entries"]) == 15
    assert book["entries"][-1]["keys"] == ["coral", "reef"] and book["entries"][-1]["constant"] is True
    assert book["entries"][:14] == original["data"]["character_book"]["entries"]  # the others untouched
    for key in ("scenario", "mes_example", "first_mes", "creator_notes", "tags"):
        assert again.card["data"][key] == original["data"][key]

    reopened = open_editor(qtbot, library, sakana.id)
    assert reopened.name.text() == "Sakana-sensei"
    assert reopened.lorebook.table.rowCount() == 15
    assert reopened.style_rules.catchphrase_rows() == [{"text": "blub", "min_per_reply": 1}]


def test_validation_messages_block_saving(qtbot: QtBot, library: PersonaLibrary, paths: AppPaths) -> None:
    editor = open_editor(qtbot, library, None)
    assert "Name: a persona needs a name." in editor.problems_label.text()
    assert not editor.save_button.isEnabled()
    assert editor.save() is None
    editor.name.setText("Ms Lin")
    editor.add_alternate("Hello again!")
    editor.update_preview()
    assert "Greetings: write the first message" in editor.problems_label.text()
    assert not editor.save_button.isEnabled()
    editor.first_mes.setPlainText("Hello!")
    editor.lorebook.add_entry()  # a warning only: an entry without keys or content is never inserted
    editor.update_preview()
    assert "Lorebook entry 1 has no keys and is not constant" in editor.problems_label.text()
    assert "✘" not in editor.problems_label.text() and editor.save_button.isEnabled()
    assert not paths.user_personas_dir.exists() or not any(paths.user_personas_dir.iterdir())
    editor.lorebook.remove_entry()
    editor.update_preview()
    assert editor.problems_label.text() == ""


def test_preview_fills_macros_and_follows_the_greeting_being_edited(qtbot: QtBot, library: PersonaLibrary) -> None:
    editor = open_editor(qtbot, library, None)
    editor.name.setText("Ann")
    editor.first_mes.setPlainText("Hi {{user}}, I am {{char}}. <BOT> waves.")
    editor.update_preview()
    assert "Hi 同学, I am Ann. Ann waves." in editor.preview.toPlainText()
    assert editor.preview_title.text().startswith("Greeting 1 of 1")
    editor.add_alternate()
    editor.alternate_text.insertPlainText("Welcome back, {{user}}!")
    editor.update_preview()
    assert "Welcome back, 同学!" in editor.preview.toPlainText()
    assert editor.preview_title.text().startswith("Greeting 2 of 2")


def test_builtins_are_saved_as_a_copy_with_their_picture(qtbot: QtBot, library: PersonaLibrary) -> None:
    before = (bundled_dir("personas") / "redbeard.json").read_bytes()
    editor = open_editor(qtbot, library, "redbeard")
    assert not editor.save_button.isVisible() and editor.save_new_button.text() == "Save as copy"
    editor.personality.setPlainText("Gruff but kind.")
    copy_persona = editor.save(as_new=True)
    assert copy_persona is not None and not copy_persona.builtin and copy_persona.id != "redbeard"
    assert copy_persona.personality == "Gruff but kind." and copy_persona.avatar is not None
    assert (bundled_dir("personas") / "redbeard.json").read_bytes() == before


def test_new_persona_with_a_chosen_picture(qtbot: QtBot, library: PersonaLibrary, tmp_path: Path) -> None:
    editor = open_editor(qtbot, library, None)
    editor.name.setText("Detective Wu")
    editor.first_mes.setPlainText("Sit down, {{user}}.")
    assert not editor.set_avatar_file(tmp_path / "missing.png")
    assert "not a readable image" in editor.problems_label.text()
    assert editor.set_avatar_file(bundled_dir("personas") / "avatars" / "detective.svg")
    saved = editor.save()
    assert saved is not None and saved.id == "detective-wu" and saved.avatar is not None
    image = QImage(str(saved.avatar))
    assert (image.width(), image.height()) == (256, 256)
    assert json.loads(saved.avatar.with_suffix(".json").read_text(encoding="utf-8"))["spec"] == "chara_card_v3"


def test_editor_screenshot(qtbot: QtBot, library: PersonaLibrary) -> None:
    editor = open_editor(qtbot, library, "xiaomiao")
    editor.resize(1040, 720)
    qtbot.wait(50)
    editor.grab().save(str(screenshot_dir() / "persona-editor.png"))
    editor.tabs.setCurrentIndex(3)
    editor.grab().save(str(screenshot_dir() / "persona-editor-style.png"))
    editor.tabs.setCurrentIndex(1)
    editor.alternates.itemClicked.emit(editor.alternates.item(0))
    editor.update_preview()
    assert editor.preview_title.text().startswith("Greeting 2 of 2")
    editor.grab().save(str(screenshot_dir() / "persona-editor-greetings.png"))
    blank = open_editor(qtbot, library, None)
    blank.resize(1040, 720)
    blank.lorebook.add_entry()
    blank.update_preview()
    qtbot.wait(50)
    blank.grab().save(str(screenshot_dir() / "persona-editor-new.png"))
    sakana = library.import_file(cards_dir() / "stc_contest_Assistant_Sakana.png")
    lore = open_editor(qtbot, library, sakana.id)
    lore.tabs.setCurrentIndex(4)
    lore.resize(1040, 720)
    qtbot.wait(50)
    lore.grab().save(str(screenshot_dir() / "persona-editor-lorebook.png"))
