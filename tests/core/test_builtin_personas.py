"""The built-in personas: complete cards, each in its own voice, with an avatar and our tutor extension."""

import struct
from pathlib import Path

import pytest

from app.cards.examples import parse_examples
from app.paths import bundled_dir
from app.personas import PersonaLibrary

BUILTIN_IDS = sorted(p.stem for p in bundled_dir("personas").glob("*.json"))
TUTOR_KEYS = {
    "version": int,
    "language": str,
    "tagline": str,
    "catchphrases": list,
    "forbidden_phrases": list,
    "register": list,
    "teaching_approach": str,
    "suggested_topics": list,
    "may_step_out_of_role": bool,
}


def test_at_least_eight_personas_in_chinese_and_english() -> None:
    personas = PersonaLibrary().all()
    assert len(personas) >= 8
    assert personas[0].id == "xiaomiao"  # the default one opens the app
    languages = [p.language for p in personas]
    assert languages.count("zh") >= 3 and languages.count("en") >= 3
    names = {p.name for p in personas}
    assert {"小喵", "Captain Redbeard", "老夫子", "Textbook Tutor"} <= names


@pytest.mark.parametrize("persona_id", BUILTIN_IDS)
def test_builtin_card_is_complete(persona_id: str) -> None:
    persona = PersonaLibrary().get(persona_id)
    assert persona.card["data"]["name"] == persona.name and persona.builtin
    assert persona.first_mes.strip() and len(persona.alternate_greetings) >= 1
    assert persona.system_prompt.strip() and persona.creator_notes.strip()
    for key, kind in TUTOR_KEYS.items():
        assert isinstance(persona.tutor.get(key), kind), key
    assert persona.language in ("zh", "en")
    assert len(persona.suggested_topics) >= 3
    for phrase in persona.tutor["catchphrases"]:
        assert isinstance(phrase["text"], str) and isinstance(phrase["min_per_reply"], int)


@pytest.mark.parametrize("persona_id", BUILTIN_IDS)
def test_example_dialogue_and_greeting_are_in_the_personas_voice(persona_id: str) -> None:
    persona = PersonaLibrary().get(persona_id)
    blocks = parse_examples(persona.mes_example)
    assert len(blocks) >= 2
    replies = [t.text for block in blocks for t in block if t.speaker == "char"]
    assert replies and all(any(t.speaker == "user" for t in block) for block in blocks)
    for phrase in persona.tutor["catchphrases"]:
        for text in [*replies, persona.first_mes]:
            assert text.count(phrase["text"]) >= phrase["min_per_reply"], (phrase, text[:40])
    texts = [*replies, persona.first_mes, *persona.alternate_greetings]
    for forbidden in persona.tutor["forbidden_phrases"]:
        assert all(forbidden.lower() not in t.lower() for t in texts), forbidden


@pytest.mark.parametrize("persona_id", BUILTIN_IDS)
def test_avatar_svg_and_its_png_render_exist(persona_id: str) -> None:
    persona = PersonaLibrary().get(persona_id)
    assert persona.avatar is not None and persona.avatar.suffix == ".svg"
    assert persona.avatar.read_text(encoding="utf-8").lstrip().startswith("<svg")
    png = Path(persona.avatar).with_suffix(".png").read_bytes()
    assert png[12:16] == b"IHDR" and struct.unpack(">II", png[16:24]) == (256, 256)
