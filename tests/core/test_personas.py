import json
from pathlib import Path

import pytest

from app.errors import PersonaError
from app.personas import PersonaLibrary, load_card_file, parse_card


def test_builtin_xiaomiao_card() -> None:
    persona = PersonaLibrary().get("xiaomiao")
    assert persona.name == "小喵"
    assert persona.builtin
    assert persona.language == "zh"
    assert "喵" in persona.first_mes
    assert "Convolutional neural networks" in persona.suggested_topics


def test_macros_are_filled_case_insensitively() -> None:
    persona = parse_card({"name": "Amy", "first_mes": "Hi {{user}}, I am {{Char}}. <BOT> greets <USER>."}, "amy")
    assert persona.fill(persona.first_mes, "Lin") == "Hi Lin, I am Amy. Amy greets Lin."


def test_v1_flat_card_is_read() -> None:
    persona = parse_card({"name": "Old", "description": "d", "first_mes": "hello"}, "old")
    assert (persona.name, persona.description, persona.first_mes) == ("Old", "d", "hello")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "cannot read"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"spec": "chara_card_v9", "data": {"name": "x"}}), "unknown card spec"),
        (json.dumps({"spec": "chara_card_v2"}), "'data' object"),
        (json.dumps({"spec": "chara_card_v2", "data": {"name": ""}}), "no name"),
        (json.dumps({"name": "x", "description": 5}), "must be text"),
    ],
)
def test_malformed_cards_name_file_and_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PersonaError, match=reason) as info:
        load_card_file(path)
    assert "broken.json" in str(info.value)


def test_non_utf8_card_is_a_persona_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"name": "\xe9"}')
    with pytest.raises(PersonaError, match=r"latin\.json"):
        load_card_file(path)


def test_user_personas_are_listed_after_builtins(tmp_path: Path) -> None:
    (tmp_path / "mine.json").write_text(json.dumps({"name": "Mine"}), encoding="utf-8")
    library = PersonaLibrary(tmp_path)
    ids = [p.id for p in library.all()]
    assert ids[0] == "xiaomiao"
    assert "mine" in ids
    assert not library.get("mine").builtin


def test_unknown_persona_id() -> None:
    with pytest.raises(PersonaError, match="nobody"):
        PersonaLibrary().get("nobody")


@pytest.mark.parametrize("persona_id", ["../personas/xiaomiao", "/etc/passwd", ".hidden"])
def test_an_id_is_never_a_path(persona_id: str) -> None:
    with pytest.raises(PersonaError, match="No persona"):
        PersonaLibrary().get(persona_id)


def test_import_gives_a_clashing_name_a_fresh_id_and_keeps_the_avatar(tmp_path: Path) -> None:
    library = PersonaLibrary(tmp_path / "mine")
    exported = tmp_path / "out.png"
    library.export("xiaomiao", exported)
    first = library.import_file(exported)
    second = library.import_file(exported)
    assert (first.id, second.id) == ("小喵", "小喵-2")
    assert first.avatar == tmp_path / "mine" / "小喵.png" and first.avatar.is_file()
    assert first.card == library.get("xiaomiao").card
    assert not first.builtin


def test_a_card_without_our_extension_still_gets_a_language_and_tagline() -> None:
    zh = parse_card(
        {"name": "阿明", "first_mes": "你好，我是阿明，今天一起学数学吧。", "creator_notes": "数学老师\n更多"}, "a"
    )
    en = parse_card({"name": "Ann", "first_mes": "Hello there!", "creator_notes": "x" * 200}, "b")
    assert (zh.language, zh.tagline) == ("zh", "数学老师")
    assert en.language == "en" and len(en.tagline) == 80 and en.tagline.endswith("…")
