"""Saving, duplicating and deleting own personas, V2 JSON export, and which greeting a conversation opens with."""

import json
from pathlib import Path

import pytest

from app.chat import ChatService
from app.errors import PersonaError
from app.personas import PersonaLibrary
from app.store import Store


def test_save_new_then_over_own_card_keeps_unknown_fields(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    card = {"spec": "chara_card_v2", "data": {"name": "Ms Lin", "first_mes": "Hi", "x_unknown": [1]}, "extra": 2}
    saved = library.save(card)
    assert saved.id == "ms-lin" and not saved.builtin
    changed = json.loads(json.dumps(saved.card))
    changed["data"]["first_mes"] = "Hello {{user}}"
    again = library.save(changed, saved.id)
    assert again.id == "ms-lin" and library.get("ms-lin").first_mes == "Hello {{user}}"
    assert again.card["data"]["x_unknown"] == [1] and again.card["extra"] == 2
    assert [p.id for p in library.all() if not p.builtin] == ["ms-lin"]


def test_save_writes_the_avatar_and_keeps_it_when_none_is_given(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    png = library.avatar_png("xiaomiao")
    assert png is not None
    saved = library.save({"name": "Cat"}, avatar_png=png)
    assert saved.avatar is not None and saved.avatar.read_bytes() == png
    library.save({"name": "Cat 2"}, saved.id)
    assert library.get(saved.id).avatar == saved.avatar and library.get(saved.id).name == "Cat 2"


def test_builtins_are_read_only_and_duplicate_to_edit(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    with pytest.raises(PersonaError, match="built-in"):
        library.save({"name": "Hacked"}, "xiaomiao")
    with pytest.raises(PersonaError, match="built-in"):
        library.delete("xiaomiao")
    copy = library.duplicate("xiaomiao")
    assert copy.name == "小喵 (copy)" and not copy.builtin and copy.avatar is not None
    assert copy.first_mes == library.get("xiaomiao").first_mes
    assert library.get("xiaomiao").name == "小喵"


def test_invalid_card_is_not_saved(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    with pytest.raises(PersonaError, match="no name"):
        library.save({"name": "  "})
    with pytest.raises(PersonaError, match="No own persona"):
        library.save({"name": "A"}, "../escape")
    assert not any((tmp_path / "mine").glob("*")) if (tmp_path / "mine").exists() else True


def test_delete_removes_card_and_picture(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    saved = library.save({"name": "Gone"}, avatar_png=library.avatar_png("redbeard"))
    library.delete(saved.id)
    assert not list((tmp_path / "mine").iterdir())
    with pytest.raises(PersonaError, match="No own persona"):
        library.delete(saved.id)


def test_export_json_as_v2_for_older_readers(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    library.export("redbeard", tmp_path / "v2.json", json_version=2)
    library.export("redbeard", tmp_path / "v3.json")
    v2 = json.loads((tmp_path / "v2.json").read_text(encoding="utf-8"))
    v3 = json.loads((tmp_path / "v3.json").read_text(encoding="utf-8"))
    assert (v2["spec"], v2["spec_version"], v3["spec"]) == ("chara_card_v2", "2.0", "chara_card_v3")
    assert v2["data"]["name"] == v3["data"]["name"] == "Captain Redbeard"


def test_the_chosen_greeting_is_stored_and_prompted(tmp_path: Path) -> None:
    store = Store(tmp_path / "chat.db")
    try:
        service = ChatService(store, PersonaLibrary())
        conversation = service.start("xiaomiao", "CNN", "starter", greeting_index=1)
        stored = store.messages(conversation.id)
        assert stored[0].content.startswith("(伸了个懒腰)")
        prompt = service.prompt(conversation)
        assert [m.role for m in prompt] == ["system", "assistant"]
        assert prompt[1].content == stored[0].content
    finally:
        store.close()
