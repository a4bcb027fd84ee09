"""Backyard AI archives (``.byaf``, spec v1) imported as a V2-style card, mapped as SillyTavern maps them.

A ``.byaf`` is a zip: ``manifest.json`` names one character file and one or more scenarios. The character's
persona becomes the description, the first scenario gives the scenario text, greeting, system prompt
(formatting instructions) and example dialogue, later scenarios' greetings become alternate greetings, and
lore items become a lorebook. Backyard's ``{user}``/``{character}`` placeholders become ``{{user}}``/``{{char}}``.
The archive is read with the same caps as CHARX; nothing is extracted to disk.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
import zlib
from typing import Any

from app.cards.charx import MAX_ARCHIVE_BYTES, MAX_ICON_BYTES, MAX_MEMBERS, read_member
from app.cards.formats import MAX_CARD_JSON_BYTES, normalize
from app.errors import PersonaError

_PLACEHOLDER = re.compile(r"#?\{(user|character)\}(:?)")


def _convert(text: Any) -> str:
    if not isinstance(text, str):
        return ""

    def swap(match: re.Match[str]) -> str:
        return ("{{user}}" if match.group(1) == "user" else "{{char}}") + match.group(2)

    return _PLACEHOLDER.sub(swap, text)


def _list(value: dict[str, Any], key: str) -> list[Any]:
    found = value.get(key)
    return found if isinstance(found, list) else []


def _json(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], name: str) -> dict[str, Any]:
    if name not in names:
        raise PersonaError(f"the archive has no {name}")
    try:
        value = json.loads(read_member(archive, names[name], MAX_CARD_JSON_BYTES).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PersonaError(f"{name} in the archive is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise PersonaError(f"{name} in the archive must be a JSON object")
    return value


def _first_message(scenario: dict[str, Any]) -> str:
    messages = scenario.get("firstMessages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        return _convert(messages[0].get("text"))
    return ""


def _card(manifest: dict[str, Any], character: dict[str, Any], scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    first = scenarios[0] if scenarios else {}
    examples = _list(first, "exampleMessages")
    lore = _list(character, "loreItems")
    entries = [
        {
            "keys": [k.strip() for k in str(item.get("key", "")).split(",") if k.strip()],
            "content": _convert(item.get("value")),
            "enabled": True,
            "insertion_order": index,
            "extensions": {},
        }
        for index, item in enumerate(lore)
        if isinstance(item, dict)
    ]
    author: dict[str, Any] = manifest["author"] if isinstance(manifest.get("author"), dict) else {}
    data: dict[str, Any] = {
        "name": str(character.get("displayName") or character.get("name") or ""),
        "description": _convert(character.get("persona")),
        "scenario": _convert(first.get("narrative")),
        "first_mes": _first_message(first),
        "alternate_greetings": [g for g in (_first_message(s) for s in scenarios[1:]) if g],
        "system_prompt": _convert(first.get("formattingInstructions")),
        "mes_example": "\n".join(
            "<START>\n" + _convert(e.get("text")) for e in examples if isinstance(e, dict) and e.get("text")
        ),
        "creator": str(author.get("name") or ""),
        "extensions": {"backyard": {"id": character.get("id"), "isNSFW": character.get("isNSFW")}},
    }
    if entries:
        data["character_book"] = {"name": data["name"], "entries": entries, "extensions": {}}
    return normalize({"spec": "chara_card_v2", "spec_version": "2.0", "data": data})


def read_byaf(blob: bytes) -> tuple[dict[str, Any], bytes | None]:
    """The normalized card and the character's PNG avatar (``None`` when it has none or it is not a PNG)."""
    if len(blob) > MAX_ARCHIVE_BYTES:
        raise PersonaError("the archive is larger than 64 MB")
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise PersonaError(f"the archive has more than {MAX_MEMBERS} files")
            names = {info.filename: info for info in infos}
            manifest = _json(archive, names, "manifest.json")
            paths = manifest.get("characters")
            if not isinstance(paths, list) or len(paths) != 1 or not isinstance(paths[0], str):
                raise PersonaError("manifest.json must name exactly one character")
            character = _json(archive, names, paths[0])
            scenarios = [_json(archive, names, p) for p in _list(manifest, "scenarios") if isinstance(p, str)]
            avatar = None
            for image in _list(character, "images"):
                if isinstance(image, dict) and isinstance(image.get("path"), str):
                    member = posixpath.normpath(posixpath.join(posixpath.dirname(paths[0]), image["path"]))
                    if member in names:
                        avatar = read_member(archive, names[member], MAX_ICON_BYTES)
                        break
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, zlib.error) as exc:
        raise PersonaError(f"the archive is damaged or unsupported ({exc})") from None
    if avatar is not None and not avatar.startswith(b"\x89PNG\r\n\x1a\n"):
        avatar = None  # JPEG avatars are not kept: re-encoding needs an imaging library
    return _card(manifest, character, scenarios), avatar
