"""Card macros as SillyTavern fills them: ``{{char}}``, ``{{user}}``, ``<BOT>``, ``<USER>``, ``{{original}}``.

Matching ignores case. Only deterministic macros are filled, so that the same card renders to the same prompt
every turn (the KV cache depends on it); comments ``{{// …}}`` are removed.
"""

from __future__ import annotations

import re

_MACRO = re.compile(
    r"\{\{\s*(char|user|bot|original|newline)\s*\}\}|<(bot|user|char)>|\{\{//.*?\}\}",
    re.IGNORECASE | re.DOTALL,
)


def fill(text: str, char: str, user: str, original: str = "") -> str:
    """``text`` with its macros replaced: ``char`` is the card's nickname or name, ``user`` the learner's name."""

    def swap(match: re.Match[str]) -> str:
        word = (match.group(1) or match.group(2) or "").lower()
        if word in ("char", "bot"):
            return char
        if word == "user":
            return user
        if word == "original":
            return original
        if word == "newline":
            return "\n"
        return ""  # a {{// comment}}

    return _MACRO.sub(swap, text)
