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
Every message the builder makes also says where its text came from, as labelled :class:`PromptPart` pieces
(card fields, lorebook entries, memory, summary, turns…) whose texts join back into the content exactly: the
prompt inspector shows them. A new kind of content is one more labelled part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
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


ROLE_LABELS = {"system": "System message", "user": "Learner", "assistant": "Tutor"}
SYSTEM_SEPARATOR = "\n\n"  # between the parts of the system message
LORE_HEADER = "Background for the next reply:\n"


@dataclass(frozen=True)
class PromptPart:
    """One labelled piece of a prompt message, for the prompt inspector.

    ``kind`` is a stable id (``description``, ``lore``, ``memory``, ``user``…), ``label`` says it in words, and
    ``text`` is exactly what the model reads; ``sep`` is the text that joins it to the piece before it (or a
    header, for the first piece), counted with it.
    """

    kind: str
    label: str
    text: str
    sep: str = ""


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str
    # Where the content came from; empty for a plain message (one part of its role). Not part of equality.
    parts: tuple[PromptPart, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}

    @classmethod
    def of_parts(cls, role: Role, parts: Sequence[PromptPart]) -> ChatMessage:
        """A message whose content is ``parts`` joined (each part's ``sep`` then its text)."""
        return cls(role, "".join(p.sep + p.text for p in parts), tuple(parts))

    def pieces(self) -> tuple[PromptPart, ...]:
        """The labelled parts of this message; a plain message is one part of its role's kind."""
        return self.parts or (PromptPart(self.role, ROLE_LABELS[self.role], self.content),)


def _joined(parts: Sequence[PromptPart], separator: str, header: str = "") -> list[PromptPart]:
    """``parts`` with ``separator`` between them and ``header`` before the first."""
    return [replace(p, sep=header if i == 0 else separator) for i, p in enumerate(parts)]


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


def lesson_parts(lesson: Lesson | None, language: str, user: str = DEFAULT_USER_NAME) -> list[PromptPart]:
    """The system message's labelled goal and level parts ("" level or goal: no part)."""
    if lesson is None:
        return []
    parts = []
    if lesson.goal.strip():
        parts.append(PromptPart("goal", "Learning goal", f"Learning goal of {user}: {' '.join(lesson.goal.split())}"))
    if lesson.level in _LEVEL_INSTRUCTIONS:
        english, chinese = _LEVEL_INSTRUCTIONS[lesson.level]
        parts.append(PromptPart("level", "Level", f"Level: {user} is " + (chinese if language == "zh" else english)))
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
    return ChatMessage.of_parts("system", system_parts(persona, topic, user, recall, lesson)).content


def system_parts(
    persona: Persona,
    topic: str,
    user: str = DEFAULT_USER_NAME,
    recall: Recall | None = None,
    lesson: Lesson | None = None,
) -> list[PromptPart]:
    """The system message as labelled parts, in order (joined by blank lines)."""
    original = default_system_prompt(persona, user)
    parts = [
        PromptPart(
            "system_prompt", "System prompt", persona.fill(persona.system_prompt, user, original).strip() or original
        )
    ]
    for kind, label, text in (
        ("description", "Character", persona.description),
        ("personality", "Personality", persona.personality),
        ("scenario", "Scenario", persona.scenario),
    ):
        if text.strip():
            parts.append(PromptPart(kind, label, f"{label}: {persona.fill(text, user).strip()}"))
    if persona.tutor.get("teaching_approach"):
        approach = f"Teaching approach: {persona.tutor['teaching_approach']}"
        parts.append(PromptPart("teaching_approach", "Teaching approach", approach))
    if topic:
        parts.append(PromptPart("topic", "Topic", f"Topic of this lesson: {topic}"))
    parts.extend(lesson_parts(lesson, persona.language, user))
    examples = _examples(persona, user)
    if examples:
        parts.append(PromptPart("examples", "Example dialogue", f"Example dialogue (style only):\n{examples}"))
    if recall and recall.memory:
        remembered = "\n".join(f"- {fact}" for fact in recall.memory)
        parts.append(PromptPart("memory", "Learner memory", f"What you remember about {user}:\n{remembered}"))
    if recall and recall.summary:
        earlier = f"Earlier in this conversation (no longer shown), {user} asked:\n{recall.summary}"
        parts.append(PromptPart("summary", "Summary of dropped turns", earlier))
    return _joined(parts, SYSTEM_SEPARATOR)


def greeting(persona: Persona, user: str = DEFAULT_USER_NAME, index: int = 0) -> str:
    """The persona's opening message (``index`` picks an alternate greeting), macros filled in."""
    choices = persona.greetings
    if not choices:
        return ""
    return persona.fill(choices[index % len(choices)], user).strip()


def greetings(persona: Persona, user: str = DEFAULT_USER_NAME) -> list[str]:
    """Every opening message the learner can switch between: ``first_mes`` then ``alternate_greetings``."""
    return [persona.fill(g, user).strip() for g in persona.greetings]


def lore_parts(persona: Persona, history: Sequence[ChatMessage], user: str = DEFAULT_USER_NAME) -> list[PromptPart]:
    """The lorebook entries the recent history activates, one part each (named as the card names them)."""
    book = persona.character_book
    if book:
        own = book.get("token_budget")
        fits = isinstance(own, int | float) and not isinstance(own, bool) and 0 < own <= MAX_LORE_TOKENS
        book = book if fits else {**book, "token_budget": MAX_LORE_TOKENS}
    entries = activate(book, [m.content for m in history])
    return [
        PromptPart("lore", f"Lorebook: {e.name}" if e.name else "Lorebook entry", persona.fill(e.content, user))
        for e in entries
    ]


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
    header = "Facts established in this conversation (keep to them):\n"
    return ChatMessage.of_parts("system", [PromptPart("ledger", "Facts ledger", facts, sep=header)])


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
    Each message carries its labelled parts (:attr:`ChatMessage.parts`).
    """
    messages = [ChatMessage.of_parts("system", system_parts(persona, topic, user, recall, lesson))]
    turns = [
        m if m.parts else ChatMessage.of_parts(m.role, m.pieces())
        for m in history
        if m.content.strip() or m.role == "user"
    ]
    background = lore_parts(persona, turns, user)
    cut = len(turns) - 1 if turns and turns[-1].role == "user" else len(turns)
    ledger = ledger_message(recall.ledger) if recall else None
    if ledger and turns and turns[-1].role == "user":  # facts for the next reply, when there is one to make
        turns.insert(cut, ledger)
    if background:
        turns.insert(cut, ChatMessage.of_parts("system", _joined(background, "\n\n", LORE_HEADER)))
    messages.extend(turns)
    post = persona.fill(persona.post_history_instructions, user).strip()
    if post:
        messages.append(ChatMessage.of_parts("system", [PromptPart("post_history", "Post-history instructions", post)]))
    return messages
