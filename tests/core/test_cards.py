"""Card fields as SillyTavern-style front-ends honour them: macros, greetings, example dialogue, lorebooks."""

import json
from pathlib import Path

import pytest

from app.cards import charx, png_chunks
from app.cards.examples import ExampleTurn, parse_examples
from app.cards.files import card_bytes, read_bytes
from app.cards.formats import normalize, v2_backfill
from app.cards.lorebook import activate
from app.cards.macros import fill
from app.errors import PersonaError
from app.personas import parse_card
from app.prompt_builder import ChatMessage, build_messages, greeting, greetings, system_prompt


def test_macros_fill_char_user_bot_original_and_drop_comments() -> None:
    text = "{{CHAR}} and <bot> meet {{ user }} / <User>.{{// note for editors}} [{{original}}]{{newline}}"
    assert fill(text, "Amy", "Lin", original="be nice") == "Amy and Amy meet Lin / Lin. [be nice]\n"


def test_nickname_is_used_for_char() -> None:
    persona = parse_card({"spec": "chara_card_v3", "data": {"name": "Captain Redbeard", "nickname": "Cap'n"}}, "r")
    assert persona.fill("I be {{char}}", "you") == "I be Cap'n"


def test_greetings_first_then_alternates() -> None:
    persona = parse_card(
        {"spec": "chara_card_v2", "data": {"name": "A", "first_mes": "Hi {{user}}", "alternate_greetings": "Yo"}}, "a"
    )
    assert greetings(persona, "Lin") == ["Hi Lin", "Yo"]
    assert greeting(persona, "Lin", index=1) == "Yo"
    assert greeting(persona, "Lin") == "Hi Lin"


def test_example_dialogue_is_split_into_blocks_and_turns() -> None:
    text = (
        "<START>\n{{user}}: What is a loop?\n{{char}}: A loop repeats.\nIt stops when told.\n"
        "<start>\n<USER>: hi\n<BOT>: ahoy"
    )
    assert parse_examples(text) == [
        [ExampleTurn("user", "What is a loop?"), ExampleTurn("char", "A loop repeats.\nIt stops when told.")],
        [ExampleTurn("user", "hi"), ExampleTurn("char", "ahoy")],
    ]


def test_system_prompt_with_original_wraps_the_app_default() -> None:
    persona = parse_card({"name": "P", "system_prompt": "{{original}} Speak like a pirate."}, "p")
    text = system_prompt(persona, "loops", user="Lin")
    assert text.startswith("You are P. Stay in character and teach Lin accurately. Speak like a pirate.")


def test_creator_notes_never_reach_the_model() -> None:
    persona = parse_card({"name": "P", "creator_notes": "SECRET NOTE", "first_mes": "hi"}, "p")
    messages = build_messages(persona, "t", [ChatMessage("assistant", "hi"), ChatMessage("user", "q")])
    assert all("SECRET NOTE" not in m.content for m in messages)


def _book(**entry: object) -> dict:
    return {"entries": [{"keys": ["dragon"], "content": "Dragons breathe fire.", "enabled": True, **entry}]}


@pytest.mark.parametrize(
    ("entry", "recent", "active"),
    [
        ({}, ["I saw a DRAGON"], True),
        ({}, ["nothing here"], False),
        ({"enabled": False}, ["dragon"], False),
        ({"constant": True, "keys": []}, ["nothing"], True),
        ({"case_sensitive": True}, ["DRAGON"], False),
        ({"selective": True, "secondary_keys": ["cave"]}, ["dragon in the field"], False),
        ({"selective": True, "secondary_keys": ["cave"]}, ["dragon in the cave"], True),
        ({"selective": True, "secondary_keys": ["cave"], "extensions": {"selectiveLogic": 2}}, ["dragon cave"], False),
        ({"keys": ["/dra+gon/i"]}, ["DRAAAGON"], True),
        ({"keys": ["/([/"]}, ["dragon"], False),
        ({"content": "@@depth 4\n"}, ["dragon"], False),
        ({}, ["dragon", "two", "three"], False),  # older than the default scan depth of 2
    ],
)
def test_lorebook_activation(entry: dict, recent: list[str], active: bool) -> None:
    assert bool(activate(_book(**entry), recent)) is active


@pytest.mark.timeout(10)
@pytest.mark.parametrize("key", ["/(a+)+$/", "/(a|a)*b/", "/(\\w+\\s?)*$/", "/(x{1,})+y/"])
def test_a_catastrophic_regex_key_never_runs(key: str) -> None:
    # each would take minutes on this message with Python's backtracking engine (ReDoS)
    assert activate(_book(keys=[key]), ["a" * 40 + "!" + "x" * 40]) == []
    assert activate(_book(keys=["/(cat|dog)s?/"]), ["two dogs"])  # plain alternation still works


def test_lorebook_order_position_budget_and_decorators() -> None:
    book = {
        "scan_depth": 5,
        "token_budget": 10,
        "entries": [
            {"keys": ["a"], "content": "@@depth 2\nafter two", "insertion_order": 2, "enabled": True},
            {"keys": ["a"], "content": "after one", "insertion_order": 1, "enabled": True},
            {"keys": ["a"], "content": "before", "position": "before_char", "insertion_order": 9, "enabled": True},
            {"keys": ["a"], "content": "x" * 400, "insertion_order": 0, "enabled": True},  # over budget
        ],
    }
    assert [e.content for e in activate(book, ["a", "b", "c", "d"])] == ["before", "after one", "after two"]


def test_lore_goes_before_the_newest_user_turn_and_keeps_the_prefix() -> None:
    persona = parse_card(
        {"spec": "chara_card_v2", "data": {"name": "P", "character_book": _book(content="{{char}} fears dragons.")}},
        "p",
    )
    first = build_messages(persona, "t", [ChatMessage("assistant", "hi"), ChatMessage("user", "a dragon!")])
    assert first[-2] == ChatMessage("system", "Background for the next reply:\nP fears dragons.")
    assert first[-1] == ChatMessage("user", "a dragon!")
    quiet = build_messages(persona, "t", [ChatMessage("assistant", "hi"), ChatMessage("user", "hello")])
    assert first[0] == quiet[0]  # the system message does not depend on the lorebook
    assert all("dragons" not in m.content for m in quiet)


def test_v1_card_keeps_unknown_fields_through_normalize_and_backfill() -> None:
    raw = {"name": "Old", "first_mes": "hey", "talkativeness": "0.5", "metadata": {"x": 1}}
    card = normalize(raw)
    assert card["spec"] == "chara_card_v3" and card["data"]["first_mes"] == "hey"
    assert card["talkativeness"] == "0.5" and card["metadata"] == {"x": 1}
    assert normalize(card) == card
    assert normalize(v2_backfill(card)) == card


def test_png_and_charx_round_trip_keep_unknown_fields() -> None:
    card = normalize(
        {"spec": "chara_card_v3", "spec_version": "3.0", "x_top": 1, "data": {"name": "N", "x_field": [1, {"a": 2}]}}
    )
    avatar = png_chunks.solid_png(8, 8, (200, 10, 10))
    png = card_bytes(card, ".png", avatar)
    assert read_bytes(png, ".png").card == card
    again = read_bytes(card_bytes(card, ".charx", avatar), ".charx")
    assert again.avatar_png == avatar
    assert {k: v for k, v in again.card["data"].items() if k != "assets"} == card["data"]


def test_png_prefers_ccv3_and_detects_version_from_json() -> None:
    import base64

    v3 = {"spec": "chara_card_v3", "spec_version": "3.0", "data": {"name": "Three"}}
    v2 = {"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "Two"}}
    base = png_chunks.solid_png(2, 2, (0, 0, 0))
    png = png_chunks.embed(
        base, {"chara": base64.b64encode(json.dumps(v2).encode()), "ccv3": base64.b64encode(json.dumps(v3).encode())}
    )
    assert read_bytes(png, ".png").card["data"]["name"] == "Three"
    only_chara = png_chunks.embed(base, {"chara": base64.b64encode(json.dumps(v3).encode())})
    assert read_bytes(only_chara, ".png").card["data"]["name"] == "Three"


def test_corrupt_crc_is_reported(tmp_path: Path) -> None:
    png = bytearray(png_chunks.solid_png(2, 2, (0, 0, 0)))
    png[-1] ^= 0xFF
    with pytest.raises(PersonaError, match="CRC"):
        read_bytes(bytes(png), ".png")


def test_charx_icon_outside_archive_is_not_followed() -> None:
    card = normalize({"spec": "chara_card_v3", "data": {"name": "N"}})
    card["data"]["assets"] = [{"type": "icon", "uri": "embeded://../../etc/passwd", "name": "main", "ext": "png"}]
    blob = charx.write_charx(card, None)
    loaded = read_bytes(blob, ".charx")
    assert loaded.avatar_png is None and loaded.card["data"]["name"] == "N"


V2_REQUIRED = {
    "name": str, "description": str, "personality": str, "scenario": str, "first_mes": str, "mes_example": str,
    "creator_notes": str, "system_prompt": str, "post_history_instructions": str, "alternate_greetings": list,
    "tags": list, "creator": str, "character_version": str, "extensions": dict,
}  # fmt: skip
ENTRY_REQUIRED = {"keys": list, "content": str, "extensions": dict, "enabled": bool, "insertion_order": int}


def test_written_png_carries_every_field_the_v2_and_v3_specs_require() -> None:
    import base64

    sakana = Path(__file__).resolve().parents[1] / "data" / "cards" / "stc_contest_Assistant_Sakana.png"
    loaded = read_bytes(sakana.read_bytes(), ".png")
    written = card_bytes(loaded.card, ".png", loaded.avatar_png or b"")
    texts = dict(png_chunks.text_chunks(png_chunks.read_chunks(written)))
    v2 = json.loads(base64.b64decode(texts["chara"]))
    v3 = json.loads(base64.b64decode(texts["ccv3"]))
    assert (v2["spec"], v2["spec_version"], v3["spec"], v3["spec_version"]) == (
        "chara_card_v2",
        "2.0",
        "chara_card_v3",
        "3.0",
    )
    for card in (v2, v3):
        for key, kind in V2_REQUIRED.items():
            assert isinstance(card["data"][key], kind), key
        book = card["data"]["character_book"]
        assert isinstance(book["extensions"], dict) and len(book["entries"]) == 14
        for entry in book["entries"]:
            for key, kind in ENTRY_REQUIRED.items():
                assert isinstance(entry[key], kind), key
    assert isinstance(v3["data"]["group_only_greetings"], list)
    assert all(isinstance(e["use_regex"], bool) for e in v3["data"]["character_book"]["entries"])


@pytest.mark.parametrize(
    "flat",
    [{"description": None, "data": None, "name": "0"}, {"description": None, "spec": None, "name": "0"}],
)
def test_a_flat_card_with_stray_envelope_keys_normalizes_stably(flat: dict[str, object]) -> None:
    # found by hypothesis: a V1 card's own null "data"/"spec" overwrote the V3 envelope on the second pass
    from app.cards.formats import normalize

    once = normalize(flat)
    assert once["spec"] == "chara_card_v3"
    assert once["data"]["name"] == "0"
    assert normalize(once) == once
