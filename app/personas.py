"""Persona cards: the Character Card V2 JSON files in ``personas/`` and the user's personas folder.

A persona's id is its file name without the extension. This module reads the fields the prompt builder
and the GUI need; the full card work (V1/V3, PNG and CHARX, lorebooks) grows here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import PersonaError
from app.paths import bundled_dir

_MACROS = re.compile(r"\{\{\s*(char|user)\s*\}\}|<(BOT|USER)>", re.IGNORECASE)
_MAX_CARD_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Persona:
    """A character the tutor plays, with our ``persona_tutor`` extension when the card has one."""

    id: str
    name: str
    description: str = ""
    personality: str = ""
    scenario: str = ""
    first_mes: str = ""
    mes_example: str = ""
    system_prompt: str = ""
    post_history_instructions: str = ""
    creator_notes: str = ""
    tutor: dict[str, Any] = field(default_factory=dict)
    builtin: bool = False

    @property
    def language(self) -> str:
        return str(self.tutor.get("language", ""))

    @property
    def tagline(self) -> str:
        return str(self.tutor.get("tagline", ""))

    @property
    def suggested_topics(self) -> list[str]:
        return [str(t) for t in self.tutor.get("suggested_topics", [])]

    def fill(self, text: str, user: str) -> str:
        """Replace the ``{{char}}``/``{{user}}`` (and ``<BOT>``/``<USER>``) macros, as Tavern front-ends do."""

        def swap(match: re.Match[str]) -> str:
            word = (match.group(1) or match.group(2)).lower()
            return self.name if word in ("char", "bot") else user

        return _MACROS.sub(swap, text)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PersonaError(f"the field {key!r} must be text, not {type(value).__name__}")
    return value


def parse_card(raw: dict[str, Any], persona_id: str, *, builtin: bool = False) -> Persona:
    """Turn a card's JSON object (V1 flat, V2 or V3 with ``data``) into a :class:`Persona`."""
    spec = raw.get("spec")
    if spec in ("chara_card_v2", "chara_card_v3"):
        data = raw.get("data")
        if not isinstance(data, dict):
            raise PersonaError(f"a {spec} card needs a 'data' object")
    elif spec is None:
        data = raw
    else:
        raise PersonaError(f"unknown card spec {spec!r}")
    name = _text(data, "name").strip()
    if not name:
        raise PersonaError("the card has no name")
    extensions = data.get("extensions") or {}
    tutor = extensions.get("persona_tutor", {}) if isinstance(extensions, dict) else {}
    return Persona(
        id=persona_id,
        name=name,
        description=_text(data, "description"),
        personality=_text(data, "personality"),
        scenario=_text(data, "scenario"),
        first_mes=_text(data, "first_mes"),
        mes_example=_text(data, "mes_example"),
        system_prompt=_text(data, "system_prompt"),
        post_history_instructions=_text(data, "post_history_instructions"),
        creator_notes=_text(data, "creator_notes"),
        tutor=tutor if isinstance(tutor, dict) else {},
        builtin=builtin,
    )


def load_card_file(path: Path, *, builtin: bool = False) -> Persona:
    """Read one ``.json`` card; every problem becomes a :class:`PersonaError` naming the file."""
    try:
        if path.stat().st_size > _MAX_CARD_BYTES:
            raise PersonaError("the file is larger than 8 MB")
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise PersonaError("the card must be a JSON object")
        return parse_card(raw, path.stem, builtin=builtin)
    except PersonaError as exc:
        raise PersonaError(f"{path.name}: {exc}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PersonaError(f"{path.name}: cannot read the card ({exc})") from None


class PersonaLibrary:
    """The built-in personas plus the user's own, by id (a user card with a built-in's id does not hide it)."""

    def __init__(self, user_dir: Path | None = None, builtin_dir: Path | None = None) -> None:
        self._builtin_dir = builtin_dir or bundled_dir("personas")
        self._user_dir = user_dir

    def all(self) -> list[Persona]:
        personas: dict[str, Persona] = {}
        for path in sorted(self._builtin_dir.glob("*.json")):
            personas[path.stem] = load_card_file(path, builtin=True)
        if self._user_dir and self._user_dir.is_dir():
            for path in sorted(self._user_dir.glob("*.json")):
                if path.stem not in personas:
                    personas[path.stem] = load_card_file(path)
        return list(personas.values())

    def get(self, persona_id: str) -> Persona:
        for folder, builtin in ((self._builtin_dir, True), (self._user_dir, False)):
            if folder is None:
                continue
            path = folder / f"{persona_id}.json"
            if path.is_file():
                return load_card_file(path, builtin=builtin)
        raise PersonaError(f"No persona with the id {persona_id!r}; see `persona-tutor personas list`.")
