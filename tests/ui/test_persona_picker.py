"""The window's persona picker with many personas: every one listed at once (by id, from one directory read), named
a batch per event-loop turn, the one shown named at once; cards added, edited or deleted outside the app show up
when the picker is filled again, as before."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.personas import DEFAULT_PERSONA_ID, PersonaLibrary
from app.ui.persona_picker import PersonaPicker

MANY = 300


def _write_card(folder: Path, stem: str, name: str) -> None:
    card = {"name": name, "first_mes": "Hello!", "creator_notes": f"Teaches {name}"}
    (folder / f"{stem}.json").write_text(json.dumps(card), encoding="utf-8")


def _picker(qtbot: QtBot, library: PersonaLibrary, names: dict[str, str]) -> PersonaPicker:
    picker = PersonaPicker()
    qtbot.addWidget(picker)
    picker.fill(library, names.update)
    return picker


def test_every_persona_is_listed_at_once_and_named_as_the_cards_are_read(qtbot: QtBot, paths: AppPaths) -> None:
    paths.user_personas_dir.mkdir(parents=True, exist_ok=True)
    for n in range(MANY):
        _write_card(paths.user_personas_dir, f"tutor-{n:04d}", f"Tutor {n:04d}")
    library = PersonaLibrary(paths.user_personas_dir)
    names: dict[str, str] = {}
    picker = _picker(qtbot, library, names)

    everyone = [p.id for p in library.all()]
    assert [picker.itemData(i) for i in range(picker.count())] == everyone  # all of them, in the library's order
    assert picker.naming and picker.itemText(picker.count() - 1) == "tutor-0299"  # its id until its card is read
    picker.setCurrentIndex(picker.findData("tutor-0150"))  # the one shown is named at once
    assert picker.currentText() == "Tutor 0150 — Teaches Tutor 0150" and names == {"tutor-0150": "Tutor 0150"}

    qtbot.waitUntil(lambda: not picker.naming, timeout=30_000)
    assert picker.itemText(picker.findData("tutor-0299")) == "Tutor 0299 — Teaches Tutor 0299"
    assert picker.itemText(0).startswith(library.get(DEFAULT_PERSONA_ID).name)  # the default persona first
    assert len(names) == len(everyone) and not picker.itemIcon(picker.count() - 1).isNull()


def test_cards_changed_outside_the_app_show_when_it_is_filled_again(qtbot: QtBot, paths: AppPaths) -> None:
    folder = paths.user_personas_dir
    folder.mkdir(parents=True, exist_ok=True)
    _write_card(folder, "alice", "Alice")
    _write_card(folder, "bob", "Bob")
    library = PersonaLibrary(folder)
    picker = _picker(qtbot, library, {})
    qtbot.waitUntil(lambda: not picker.naming, timeout=10_000)

    _write_card(folder, "alice", "Alice the Second")  # edited, with a new size
    (folder / "bob.json").unlink()
    _write_card(folder, "carol", "Carol")
    picker.fill(library, {}.update)
    qtbot.waitUntil(lambda: not picker.naming, timeout=10_000)
    assert picker.findData("bob") == -1
    assert picker.itemText(picker.findData("alice")) == "Alice the Second — Teaches Alice the Second"
    assert picker.itemText(picker.findData("carol")) == "Carol — Teaches Carol"


def test_the_listing_has_every_persona_and_picture_in_the_order_of_all(paths: AppPaths) -> None:
    folder = paths.user_personas_dir
    folder.mkdir(parents=True, exist_ok=True)
    _write_card(folder, "zed", "Zed")
    _write_card(folder, "amy", "Amy")
    (folder / "amy.png").write_bytes(b"not read by the listing")
    _write_card(folder, DEFAULT_PERSONA_ID, "A user card with a built-in's id does not hide it")
    library = PersonaLibrary(folder)
    assert library.listing() == [(p.id, p.avatar) for p in library.all()]
