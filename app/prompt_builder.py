"""The one place where prompts are made: persona + topic + history become chat messages.

The system message and the greeting never change within a conversation and history only grows at the end,
so each turn renders to the previous turn's tokens plus new ones: the engine's KV cache reuses the prefix.
Anything that varies per turn (post-history instructions) goes after the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.personas import Persona

Role = Literal["system", "user", "assistant"]
DEFAULT_USER_NAME = "同学"


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def _examples(persona: Persona, user: str) -> str:
    blocks = [b.strip() for b in persona.mes_example.split("<START>")]
    return "\n\n".join(persona.fill(b, user) for b in blocks if b)


def system_prompt(persona: Persona, topic: str, user: str = DEFAULT_USER_NAME) -> str:
    """The fixed system message of a conversation."""
    parts = [
        persona.fill(persona.system_prompt, user)
        or f"You are {persona.name}. Stay in character and teach {user} accurately."
    ]
    for label, text in (
        ("Character", persona.description),
        ("Personality", persona.personality),
        ("Scenario", persona.scenario),
    ):
        if text.strip():
            parts.append(f"{label}: {persona.fill(text, user).strip()}")
    if persona.tutor.get("teaching_approach"):
        parts.append(f"Teaching approach: {persona.tutor['teaching_approach']}")
    if topic:
        parts.append(f"Topic of this lesson: {topic}")
    examples = _examples(persona, user)
    if examples:
        parts.append(f"Example dialogue (style only):\n{examples}")
    return "\n\n".join(parts)


def greeting(persona: Persona, user: str = DEFAULT_USER_NAME) -> str:
    """The persona's opening message, macros filled in."""
    return persona.fill(persona.first_mes, user).strip()


def build_messages(
    persona: Persona,
    topic: str,
    history: Sequence[ChatMessage],
    user: str = DEFAULT_USER_NAME,
) -> list[ChatMessage]:
    """System message, then the conversation so far (greeting first, the new user turn last)."""
    messages = [ChatMessage("system", system_prompt(persona, topic, user))]
    messages.extend(m for m in history if m.content.strip() or m.role == "user")
    post = persona.fill(persona.post_history_instructions, user).strip()
    if post:
        messages.append(ChatMessage("system", post))
    return messages
