"""What the store hands out: plain frozen dataclasses, safe to pass between threads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import Row

from app.store.schema import ConversationRow, MessageRow

MessageStatus = Literal["complete", "streaming", "interrupted", "error"]
Role = Literal["user", "assistant", "system"]


@dataclass(frozen=True)
class Conversation:
    id: int
    persona_id: str
    topic: str
    model: str
    title: str
    created_at: datetime
    updated_at: datetime
    sampler: dict[str, Any] | None = None
    pinned: bool = False
    archived: bool = False
    deleted_at: datetime | None = None
    goal: str = ""  # the learning goal ("" when none)
    level: str = ""  # "beginner" | "intermediate" | "advanced" ("" when not chosen)
    persona_version_id: int | None = None  # the card version it runs with (None: from before version 0005)
    topic_id: str | None = None  # the recorded topic ``topic`` names (None: none recorded matches it)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "persona_id": self.persona_id,
            "topic": self.topic,
            "model": self.model,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "pinned": self.pinned,
            "archived": self.archived,
            "sampler": self.sampler,
            "goal": self.goal,
            "level": self.level,
            "topic_id": self.topic_id,
        }


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: int
    role: str
    content: str
    status: str
    error: str | None
    created_at: datetime
    ttft_s: float | None
    prompt_tokens: int | None
    cached_prompt_tokens: int | None
    generated_tokens: int | None
    tokens_per_s: float | None
    parent_id: int | None = None
    active: bool = True
    persona_version_id: int | None = None  # the card version that wrote a reply (None: unknown, older rows)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "role": self.role, "content": self.content, "status": self.status}


class ConversationSummary(NamedTuple):
    """What the sidebar lists of a conversation: a plain tuple, so ten thousand of them load in milliseconds."""

    id: int
    persona_id: str
    topic: str
    title: str
    updated_at: datetime
    pinned: bool
    archived: bool


@dataclass(frozen=True)
class ImportedMessage:
    """One message of a transcript brought in from a file (see ``app.store.transcripts``)."""

    role: Role
    content: str
    created_at: datetime | None = None
    status: MessageStatus = "complete"
    # Other versions of this message (SillyTavern swipes), kept as inactive sibling branches.
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A message that matches a search; ``snippet`` marks the matches with ``«`` and ``»``."""

    message_id: int
    conversation_id: int
    conversation_title: str
    role: str
    created_at: datetime
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "conversation_id": self.conversation_id,
            "conversation_title": self.conversation_title,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "snippet": self.snippet,
        }


def conversation_record(row: ConversationRow) -> Conversation:
    return Conversation(
        row.id, row.persona_id, row.topic, row.model, row.title, row.created_at, row.updated_at,
        json.loads(row.sampler_json) if row.sampler_json else None, bool(row.pinned), bool(row.archived),
        row.deleted_at, row.goal or "", row.level or "", row.persona_version_id, row.topic_id,
    )  # fmt: skip


def message_record(row: MessageRow | Row[Any]) -> Message:
    """A message from its ORM row or from a plain row of the table's columns (see ``Store.messages``)."""
    return Message(
        row.id, row.conversation_id, row.role, row.content, row.status, row.error, row.created_at,
        row.ttft_s, row.prompt_tokens, row.cached_prompt_tokens, row.generated_tokens, row.tokens_per_s,
        row.parent_id, bool(row.active), row.persona_version_id,
    )  # fmt: skip
