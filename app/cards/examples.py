"""Example dialogue (``mes_example``): blocks separated by ``<START>``, each a list of speaker turns.

A line that starts with ``{{user}}:`` / ``<USER>:`` or ``{{char}}:`` / ``<BOT>:`` opens a turn; other lines
continue the turn before them. Text before the first speaker line of a block is kept as a narration turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Speaker = Literal["user", "char", "narration"]

_START = re.compile(r"<START>", re.IGNORECASE)
_SPEAKER = re.compile(r"^\s*(?:\{\{\s*(user|char)\s*\}\}|<(user|bot|char)>)\s*:\s?", re.IGNORECASE)


@dataclass(frozen=True)
class ExampleTurn:
    speaker: Speaker
    text: str


def parse_examples(mes_example: str) -> list[list[ExampleTurn]]:
    """The example blocks of a card, macros left in the text for the caller to fill."""
    blocks = []
    for raw in _START.split(mes_example.replace("\r\n", "\n")):
        turns: list[tuple[Speaker, list[str]]] = []
        for line in raw.split("\n"):
            match = _SPEAKER.match(line)
            if match:
                word = (match.group(1) or match.group(2)).lower()
                turns.append(("user" if word == "user" else "char", [line[match.end() :]]))
            elif turns:
                turns[-1][1].append(line)
            elif line.strip():
                turns.append(("narration", [line]))
        block = [ExampleTurn(s, "\n".join(lines).strip()) for s, lines in turns]
        block = [t for t in block if t.text]
        if block:
            blocks.append(block)
    return blocks
