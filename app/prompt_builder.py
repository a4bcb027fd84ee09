"""The one place where prompts are made: persona + topic + history become chat messages.

The system message and the greeting never change within a conversation and history only grows at the end,
so each turn renders to the previous turn's tokens plus new ones: the engine's KV cache reuses the prefix.
Anything that varies per turn goes at the end: lorebook entries that the recent messages activate are a
system message just before the newest user turn (so they never shift the fixed prefix), and the
post-history instructions come after the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.cards.examples import parse_examples
from app.cards.lorebook import activate
from app.personas import Persona

Role = Literal["system", "user", "assistant"]
DEFAULT_USER_NAME = "同学"
# The most lorebook text one prompt carries, whatever the card's own token_budget says (or when it has none):
# a book of thousands of entries or megabyte-long entries must not push the conversation out of the context.
MAX_LORE_TOKENS = 1024


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def _examples(persona: Persona, user: str) -> str:
    names = {"user": f"{user}: ", "char": f"{persona.nickname or persona.name}: ", "narration": ""}
    blocks = parse_examples(persona.mes_example)
    return "\n\n".join(
        "\n".join(names[turn.speaker] + persona.fill(turn.text, user) for turn in block) for block in blocks
    )


def default_system_prompt(persona: Persona, user: str = DEFAULT_USER_NAME) -> str:
    """The app's own system prompt, used when a card has none and inserted where a card says ``{{original}}``."""
    return f"You are {persona.nickname or persona.name}. Stay in character and teach {user} accurately."


def system_prompt(persona: Persona, topic: str, user: str = DEFAULT_USER_NAME) -> str:
    """The fixed system message of a conversation."""
    original = default_system_prompt(persona, user)
    parts = [persona.fill(persona.system_prompt, user, original).strip() or original]
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


def greeting(persona: Persona, user: str = DEFAULT_USER_NAME, index: int = 0) -> str:
    """The persona's opening message (``index`` picks an alternate greeting), macros filled in."""
    choices = persona.greetings
    if not choices:
        return ""
    return persona.fill(choices[index % len(choices)], user).strip()


def greetings(persona: Persona, user: str = DEFAULT_USER_NAME) -> list[str]:
    """Every opening message the learner can switch between: ``first_mes`` then ``alternate_greetings``."""
    return [persona.fill(g, user).strip() for g in persona.greetings]


def lore(persona: Persona, history: Sequence[ChatMessage], user: str = DEFAULT_USER_NAME) -> str:
    """The lorebook entries the recent history activates, as one block of text ("" when none)."""
    book = persona.character_book
    if book:
        own = book.get("token_budget")
        fits = isinstance(own, int | float) and not isinstance(own, bool) and 0 < own <= MAX_LORE_TOKENS
        book = book if fits else {**book, "token_budget": MAX_LORE_TOKENS}
    entries = activate(book, [m.content for m in history])
    return "\n\n".join(persona.fill(e.content, user) for e in entries)


def build_messages(
    persona: Persona,
    topic: str,
    history: Sequence[ChatMessage],
    user: str = DEFAULT_USER_NAME,
) -> list[ChatMessage]:
    """System message, then the conversation so far (greeting first, the new user turn last).

    Activated lorebook entries go in a system message just before the newest user turn.
    """
    messages = [ChatMessage("system", system_prompt(persona, topic, user))]
    turns = [m for m in history if m.content.strip() or m.role == "user"]
    background = lore(persona, turns, user)
    if background:
        cut = len(turns) - 1 if turns and turns[-1].role == "user" else len(turns)
        turns.insert(cut, ChatMessage("system", f"Background for the next reply:\n{background}"))
    messages.extend(turns)
    post = persona.fill(persona.post_history_instructions, user).strip()
    if post:
        messages.append(ChatMessage("system", post))
    return messages
