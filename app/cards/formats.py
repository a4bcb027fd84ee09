"""Character Card V1, V2 and V3 JSON: detect the version, validate, and normalize to one V3-shaped object.

The normalized card is ``{"spec": "chara_card_v3", "spec_version": "3.0", "data": {...}}`` with every V2/V3
field present and typed. Nothing is thrown away: unknown ``data`` fields, ``extensions`` and top-level keys
(such as SillyTavern's V1 mirror or TavernAI extras) are kept as they are, so a card survives a round trip.
Normalizing is idempotent. Every problem is a :class:`PersonaError` with a reason a user can act on.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from typing import Any

from app.errors import PersonaError

V2_SPEC = "chara_card_v2"
V3_SPEC = "chara_card_v3"
MAX_CARD_JSON_BYTES = 8 * 1024 * 1024
MAX_FIELD_CHARS = 1024 * 1024

V1_FIELDS = ("name", "description", "personality", "scenario", "first_mes", "mes_example")
TEXT_FIELDS = (
    *V1_FIELDS,
    "creator_notes",
    "system_prompt",
    "post_history_instructions",
    "creator",
    "character_version",
)
LIST_FIELDS = ("alternate_greetings", "group_only_greetings", "tags")
# a flat card may carry later fields at the top level too; they are read as data, not kept as extras
_FLAT_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "extensions", "character_book")
_DECORATOR_LINE = re.compile(r"^@@.*(?:\n|$)")


def detect_version(raw: dict[str, Any]) -> int:
    """1, 2 or 3, from the JSON itself (never from the PNG chunk it came in)."""
    spec = raw.get("spec")
    if spec == V3_SPEC:
        return 3
    if spec == V2_SPEC:
        return 2
    if spec is None:
        return 1
    raise PersonaError(f"unknown card spec {spec!r} (expected {V2_SPEC!r} or {V3_SPEC!r})")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if key == "character_version" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise PersonaError(f"the field {key!r} must be text, not {type(value).__name__}")
    if len(value) > MAX_FIELD_CHARS:
        raise PersonaError(f"the field {key!r} is larger than 1 MB")
    return value


def _text_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        # seen in the wild: tags as "a, b", a single alternate greeting as a plain string
        return [t.strip() for t in value.split(",") if t.strip()] if key == "tags" else [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PersonaError(f"the field {key!r} must be a list of text")
    if sum(len(item) for item in value) > MAX_FIELD_CHARS:
        raise PersonaError(f"the field {key!r} is larger than 1 MB")
    return list(value)


def _book(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PersonaError("the lorebook ('character_book') must be an object")
    book = dict(value)
    entries = book.get("entries", [])
    if not isinstance(entries, list):
        raise PersonaError("the lorebook's 'entries' must be a list")
    book["entries"] = [_entry(e, i) for i, e in enumerate(entries)]
    book.setdefault("extensions", {})  # required by the spec; SillyTavern's exports leave it out
    if not isinstance(book["extensions"], dict):
        raise PersonaError("the lorebook's 'extensions' must be an object")
    return book


def _entry(value: Any, index: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PersonaError(f"lorebook entry {index} must be an object")
    entry = dict(value)
    try:
        for key in ("keys", "secondary_keys"):
            if key in entry:
                entry[key] = _text_list(entry, key)
        entry["content"] = _text(entry, "content")
    except PersonaError as exc:
        raise PersonaError(f"lorebook entry {index}: {exc}") from None
    entry.setdefault("keys", [])
    entry.setdefault("enabled", True)
    entry.setdefault("insertion_order", 0)
    entry.setdefault("extensions", {})
    entry.setdefault("use_regex", False)  # required in V3; keys are plain text unless written /pattern/
    return entry


_ENVELOPE = ("spec", "spec_version", "data")


def normalize(raw: Any) -> dict[str, Any]:
    """A V1, V2 or V3 card object as a validated, V3-shaped card (a new object; ``raw`` is not changed)."""
    if not isinstance(raw, dict):
        raise PersonaError("the card must be a JSON object")
    version = detect_version(raw)
    if version == 1:
        if "name" not in raw and any(k in raw for k in ("char_name", "char_persona")):
            raise PersonaError("this is a Pygmalion/Gradio character, not a Tavern card")
        data = {k: copy.deepcopy(v) for k, v in raw.items() if k in _FLAT_FIELDS}
        # a flat card's own "spec"/"data" keys (null, or junk) cannot survive: they name the V3 envelope
        extra = {k: copy.deepcopy(v) for k, v in raw.items() if k not in _FLAT_FIELDS and k not in _ENVELOPE}
        spec_version: Any = "3.0"
    else:
        source = raw.get("data")
        if not isinstance(source, dict):
            raise PersonaError(f"a {raw['spec']} card needs a 'data' object")
        data = copy.deepcopy(source)
        extra = {k: copy.deepcopy(v) for k, v in raw.items() if k not in _ENVELOPE}
        spec_version = raw.get("spec_version", "3.0") if version == 3 else "3.0"
    for key in TEXT_FIELDS:
        data[key] = _text(data, key)
    for key in LIST_FIELDS:
        data[key] = _text_list(data, key)
    if not data["name"].strip():
        raise PersonaError("the card has no name")
    if data.get("extensions") is None:
        data["extensions"] = {}
    if not isinstance(data["extensions"], dict):
        raise PersonaError("the field 'extensions' must be an object")
    if data.get("character_book") is not None:
        data["character_book"] = _book(data["character_book"])
    elif "character_book" in data:
        del data["character_book"]
    return {"spec": V3_SPEC, "spec_version": spec_version, "data": data, **extra}


def strip_decorators(content: str) -> str:
    """Lorebook content without its leading V3 ``@@decorator`` lines."""
    while _DECORATOR_LINE.match(content):
        content = _DECORATOR_LINE.sub("", content, count=1)
    return content


def v2_backfill(card: dict[str, Any]) -> dict[str, Any]:
    """The V2 form of a normalized card for older readers: same data, V2 spec, decorators stripped from lore."""
    data = copy.deepcopy(card["data"])
    book = data.get("character_book")
    if isinstance(book, dict):
        for entry in book.get("entries", []):
            entry["content"] = strip_decorators(entry.get("content", ""))
    extra = {k: v for k, v in card.items() if k not in ("spec", "spec_version", "data")}
    return {"spec": V2_SPEC, "spec_version": "2.0", "data": data, **copy.deepcopy(extra)}


def parse_json_bytes(payload: bytes) -> dict[str, Any]:
    """Card JSON bytes (UTF-8, an optional BOM) as a normalized card."""
    if len(payload) > MAX_CARD_JSON_BYTES:
        raise PersonaError("the card data is larger than 8 MB")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PersonaError(f"the card text is not UTF-8 (byte {exc.start})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PersonaError(
            f"cannot read the card: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise PersonaError("cannot read the card: invalid JSON (nested too deeply)") from None
    return normalize(raw)


def decode_base64(text: bytes) -> bytes:
    """The bytes inside a ``tEXt`` card payload: base64 with whitespace or missing padding tolerated."""
    if text.lstrip().startswith(b"{"):  # some writers embed raw JSON
        return text.strip()
    compact = b"".join(text.split())
    compact += b"=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise PersonaError("the card data is not valid base64") from None


def encode_base64(card: dict[str, Any]) -> bytes:
    return base64.b64encode(to_json_bytes(card, indent=None))


def to_json_bytes(card: dict[str, Any], indent: int | None = 2) -> bytes:
    return json.dumps(card, ensure_ascii=False, indent=indent).encode("utf-8")
