"""The one place where prompts are made: persona + topic + history become chat messages.

The system message and the greeting never change within a conversation and history only grows at the end,
so each turn renders to the previous turn's tokens plus new ones: the engine's KV cache reuses the prefix.
Anything that varies per turn goes at the end: lorebook entries that the recent messages activate are a
system message just before the newest user turn (so they never shift the fixed prefix), and the
post-history instructions come after the history.

The conversation's facts ledger (:func:`ledger_message`: the learner's name and level, corrections, story facts)
is a system message of its own just before the newest user turn, after the lorebook entries: it grows as
the chat establishes facts and the learner edits rows, so it stays out of the fixed prefix too.

What the tutor remembers beyond the turns it sees (:class:`Recall`: facts about the learner from the store's
learner memory, and a summary of the turns the context window dropped) is part of the system message: it
changes rarely (a new fact, or the window's cut moving, which re-evaluates the prompt anyway).

The learner's goal and level (:class:`Lesson`) are labelled parts of the system message too: they are set when
the conversation starts and change only when the learner changes them, so they keep the prefix stable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from app.cards.examples import parse_examples
from app.cards.lorebook import activate
from app.facts_ledger import FactLike, prompt_line
from app.personas import Persona

Role = Literal["system", "user", "assistant"]
DEFAULT_USER_NAME = "同学"
_QUESTION_CHARS = 100
_TURN_CHARS = 300
# The most lorebook text one prompt carries, whatever the card's own token_budget says (or when it has none):
# a book of thousands of entries or megabyte-long entries must not push the conversation out of the context.
MAX_LORE_TOKENS = 1024
# The most the facts ledger takes of a prompt (and at most an eighth of the context): the rows that fit, by kind.
MAX_LEDGER_TOKENS = 256
_LEDGER_ORDER = ("learner", "correction", "story")


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


LEVELS = ("beginner", "intermediate", "advanced")
# How the persona adapts its explanations to each level, in the persona's language (English, Chinese).
_LEVEL_INSTRUCTIONS = {
    "beginner": (
        "a beginner. Use everyday words and one simple example or analogy, no formulas, "
        "and explain every technical term the first time you use it.",
        "初学者。用日常的话和一个简单的例子或比喻来讲，不用公式，第一次出现的术语都要解释。",
    ),
    "intermediate": (
        "an intermediate learner. Use the proper terms, give a short concrete example, "
        "and show how the parts fit together.",
        "有一定基础的学习者。使用规范的术语，举一个简短具体的例子，讲清各部分怎样配合。",
    ),
    "advanced": (
        "an advanced learner. Be precise and concise; formulas and technical terms are welcome; "
        "mention trade-offs and edge cases.",
        "水平较高的学习者。讲得准确简洁，可以用公式和专业术语，并讲到权衡和边界情况。",
    ),
}


@dataclass(frozen=True)
class Lesson:
    """What the learner wants from this conversation (``goal``) and their ``level`` (one of :data:`LEVELS`)."""

    goal: str = ""
    level: str = ""


def lesson_parts(lesson: Lesson | None, language: str, user: str = DEFAULT_USER_NAME) -> list[str]:
    """The system message's labelled goal and level parts ("" level or goal: no part)."""
    if lesson is None:
        return []
    parts = []
    if lesson.goal.strip():
        parts.append(f"Learning goal of {user}: {' '.join(lesson.goal.split())}")
    if lesson.level in _LEVEL_INSTRUCTIONS:
        english, chinese = _LEVEL_INSTRUCTIONS[lesson.level]
        parts.append(f"Level: {user} is " + (chinese if language == "zh" else english))
    return parts


@dataclass(frozen=True)
class Recall:
    """What the tutor knows beyond the visible turns: learner facts and a summary of dropped turns."""

    memory: tuple[str, ...] = ()
    summary: str = ""
    ledger: tuple[str, ...] = ()  # the facts ledger's lines that fit its budget (:func:`ledger_lines`)


def summarize_dropped(dropped: Sequence[ChatMessage], user: str = DEFAULT_USER_NAME, limit: int = 400) -> str:
    """An extractive summary of turns that no longer fit: the learner's questions, the most recent ones that fit
    in ``limit`` characters.

    Extractive on purpose: it costs no generation time, never invents anything, and is the same text every
    time for the same turns, so the prompt prefix stays stable until the window's cut moves again.
    """
    lines = []
    for message in dropped:
        if message.role != "user" or not message.content.strip():
            continue
        text = " ".join(message.content.split())
        if len(text) > _QUESTION_CHARS:
            text = text[: _QUESTION_CHARS - 1] + "…"
        lines.append(f"- {user}: {text}")
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    if not kept:
        return ""
    skipped = len(lines) - len(kept)
    head = f"(and {skipped} earlier questions)\n" if skipped else ""
    return head + "\n".join(reversed(kept))


def summary_request(turns: Sequence[ChatMessage], context_size: int, previous: str = "") -> list[ChatMessage]:
    """The prompt that asks the model to summarize ``turns`` (about to leave the context) as notes, starting
    from the ``previous`` notes when there are some (a rolling summary).

    Each turn is clipped and the transcript keeps its newest part, so the request fits half the context.
    """
    lines = []
    for turn in turns:
        if turn.role in ("user", "assistant") and turn.content.strip():
            who = "Learner" if turn.role == "user" else "Tutor"
            text = " ".join(turn.content.split())
            lines.append(f"{who}: {text[:_TURN_CHARS]}")
    transcript = "\n".join(lines)[-(context_size // 2) :]
    if previous.strip():
        transcript = f"Earlier notes:\n{previous.strip()}\n\nConversation since then:\n{transcript}"
    return [
        ChatMessage(
            "system",
            "You take notes for a tutor. In at most four short bullet points, in the language of the conversation, "
            "write what the learner asked and what the tutor explained. Facts only; no role-play, no greeting.",
        ),
        ChatMessage("user", transcript),
    ]


def _examples(persona: Persona, user: str) -> str:
    names = {"user": f"{user}: ", "char": f"{persona.nickname or persona.name}: ", "narration": ""}
    blocks = parse_examples(persona.mes_example)
    return "\n\n".join(
        "\n".join(names[turn.speaker] + persona.fill(turn.text, user) for turn in block) for block in blocks
    )


def default_system_prompt(persona: Persona, user: str = DEFAULT_USER_NAME) -> str:
    """The app's own system prompt, used when a card has none and inserted where a card says ``{{original}}``."""
    return f"You are {persona.nickname or persona.name}. Stay in character and teach {user} accurately."


def system_prompt(
    persona: Persona,
    topic: str,
    user: str = DEFAULT_USER_NAME,
    recall: Recall | None = None,
    lesson: Lesson | None = None,
) -> str:
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
    parts.extend(lesson_parts(lesson, persona.language, user))
    examples = _examples(persona, user)
    if examples:
        parts.append(f"Example dialogue (style only):\n{examples}")
    if recall and recall.memory:
        parts.append(f"What you remember about {user}:\n" + "\n".join(f"- {fact}" for fact in recall.memory))
    if recall and recall.summary:
        parts.append(f"Earlier in this conversation (no longer shown), {user} asked:\n{recall.summary}")
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


def estimate_tokens(text: str) -> int:
    """A token count that errs high: a CJK character a token, four other characters a token."""
    cjk = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    return cjk + (len(text) - cjk + 3) // 4


def ledger_lines(
    facts: Sequence[FactLike],
    user: str = DEFAULT_USER_NAME,
    budget: int = MAX_LEDGER_TOKENS,
    count: Callable[[str], int] = estimate_tokens,
) -> tuple[str, ...]:
    """The active ledger rows as prompt lines, within ``budget`` tokens: learner facts first, then corrections,
    then story facts, the newest of each kind first when not all fit; shown in that order, oldest first."""
    active = [f for f in facts if getattr(f, "active", True) and f.text.strip()]
    rank = [_LEDGER_ORDER.index(f.kind) if f.kind in _LEDGER_ORDER else len(_LEDGER_ORDER) for f in active]
    kept: list[int] = []
    used = 0
    for index in sorted(range(len(active)), key=lambda i: (rank[i], -i)):
        cost = count(prompt_line(active[index], user)) + 1
        if used + cost <= budget:
            kept.append(index)
            used += cost
    return tuple(prompt_line(active[i], user) for i in sorted(kept, key=lambda i: (rank[i], i)))


def ledger_message(lines: Sequence[str]) -> ChatMessage | None:
    """The facts ledger as the system message placed before the newest user turn (None when empty)."""
    if not lines:
        return None
    facts = "\n".join(f"- {line}" for line in lines)
    return ChatMessage("system", f"Facts established in this conversation (keep to them):\n{facts}")


def build_messages(
    persona: Persona,
    topic: str,
    history: Sequence[ChatMessage],
    user: str = DEFAULT_USER_NAME,
    recall: Recall | None = None,
    lesson: Lesson | None = None,
) -> list[ChatMessage]:
    """System message, then the conversation so far (greeting first, the new user turn last).

    Activated lorebook entries, then the facts ledger, go in system messages just before the newest user turn.
    """
    messages = [ChatMessage("system", system_prompt(persona, topic, user, recall, lesson))]
    turns = [m for m in history if m.content.strip() or m.role == "user"]
    background = lore(persona, turns, user)
    cut = len(turns) - 1 if turns and turns[-1].role == "user" else len(turns)
    ledger = ledger_message(recall.ledger) if recall else None
    if ledger and turns and turns[-1].role == "user":  # facts for the next reply, when there is one to make
        turns.insert(cut, ledger)
    if background:
        turns.insert(cut, ChatMessage("system", f"Background for the next reply:\n{background}"))
    messages.extend(turns)
    post = persona.fill(persona.post_history_instructions, user).strip()
    if post:
        messages.append(ChatMessage("system", post))
    return messages
