"""Conversations as files: Markdown to read, OpenAI ``messages`` JSONL for tools, SillyTavern chat JSONL both ways.

SillyTavern keeps a chat as JSON lines: a header ``{user_name, character_name, create_date, chat_metadata}``,
then one ``{name, is_user, is_system, send_date, mes, extra, ...}`` per message. Our export adds a
``persona_tutor`` entry to ``chat_metadata`` (persona id, topic, title, model) and a status to ``extra``, which
SillyTavern ignores and which makes the round trip exact.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.errors import StoreError
from app.store.records import Conversation, ImportedMessage, Message, MessageStatus, Role

FORMATS = ("md", "jsonl", "st")
_ST_CREATE_DATE = "%Y-%m-%d@%Hh%Mm%Ss"
_ST_SEND_DATE = "%B %d, %Y %I:%M%p"
_STATUSES = ("complete", "interrupted", "error")
_HUMANIZED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\s*@\s*(\d{1,2})h\s*(\d{1,2})m\s*(\d{1,2})s")


@dataclass(frozen=True)
class Transcript:
    """A conversation read from a file, before it is matched to a persona and stored."""

    messages: list[ImportedMessage]
    character_name: str | None = None
    persona_id: str | None = None
    topic: str | None = None
    title: str | None = None
    model: str | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _exported(messages: list[Message]) -> list[Message]:
    """What leaves the app: the active path without failed replies (they hold no text worth keeping)."""
    return [m for m in messages if not (m.status == "error" and not m.content)]


def to_markdown(conversation: Conversation, messages: list[Message], character: str, user: str) -> str:
    lines = [
        f"# {conversation.title or conversation.topic}",
        "",
        f"- Persona: {character} (`{conversation.persona_id}`)",
        f"- Topic: {conversation.topic}",
        f"- Model: {conversation.model}",
        f"- Started: {conversation.created_at:%Y-%m-%d %H:%M} UTC",
        "",
    ]
    for message in _exported(messages):
        speaker = user if message.role == "user" else character if message.role == "assistant" else "System"
        note = "" if message.status == "complete" else f" _({message.status})_"
        lines += [f"### {speaker}{note}", "", message.content.strip(), ""]
    return "\n".join(lines)


def to_openai_jsonl(messages: list[Message]) -> str:
    """One line ``{"messages": [{"role", "content"}, ...]}``, the chat fine-tuning and eval format."""
    payload = [{"role": m.role, "content": m.content} for m in _exported(messages)]
    return json.dumps({"messages": payload}, ensure_ascii=False) + "\n"


def to_sillytavern(
    conversation: Conversation,
    messages: list[Message],
    character: str,
    user: str,
    versions: dict[int, list[Message]] | None = None,
) -> str:
    """``versions`` maps a message id to all its versions (see ``Store.siblings``), written as swipes."""
    header = {
        "user_name": user,
        "character_name": character,
        "create_date": conversation.created_at.strftime(_ST_CREATE_DATE),
        "chat_metadata": {
            "persona_tutor": {
                "persona_id": conversation.persona_id,
                "topic": conversation.topic,
                "title": conversation.title,
                "model": conversation.model,
                "created_at": conversation.created_at.isoformat(),
            }
        },
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    for m in _exported(messages):
        line: dict[str, Any] = {
            "name": user if m.role == "user" else character,
            "is_user": m.role == "user",
            "is_system": m.role == "system",
            "send_date": m.created_at.strftime(_ST_SEND_DATE).lower().replace(" 0", " "),
            "mes": m.content,
            "extra": {"persona_tutor": {"status": m.status, "created_at": m.created_at.isoformat()}},
        }
        alternatives = (versions or {}).get(m.id, [])
        if m.role == "assistant" and len(alternatives) > 1:
            line["swipes"] = [v.content for v in alternatives]
            line["swipe_id"] = [v.id for v in alternatives].index(m.id)
        lines.append(json.dumps(line, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"Cannot write {path}: {exc.strerror or exc}") from exc


# Reading


def _parse_date(value: Any) -> datetime | None:
    """SillyTavern has written dates several ways over the years; unknown ones are not worth failing over."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC).replace(tzinfo=None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
    except ValueError:
        pass
    for pattern in (_ST_SEND_DATE, "%B %d, %Y %I:%M %p"):
        try:
            return datetime.strptime(text.upper(), pattern)
        except ValueError:
            continue
    humanized = _HUMANIZED.match(text)  # "2023-5-14@17h32m11s", "2023-5-14 @17h 32m 11s 123ms"
    if humanized:
        try:
            year, month, day, hour, minute, second = (int(part) for part in humanized.groups())
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    return None


def _json_lines(path: Path) -> list[Any]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise StoreError(f"{path} does not exist.") from exc
    except UnicodeDecodeError as exc:
        raise StoreError(f"{path} is not a UTF-8 text file ({exc.reason}).") from exc
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    values = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}, line {number}: not valid JSON ({exc.msg}).") from exc
    if not values:
        raise StoreError(f"{path} is empty.")
    return values


def read_transcripts(path: Path) -> list[Transcript]:
    """The conversations in a SillyTavern chat file or an OpenAI ``messages`` JSONL file."""
    values = _json_lines(path)
    first = values[0]
    if isinstance(first, dict) and "messages" in first:
        return [_openai(path, number, value) for number, value in enumerate(values, start=1)]
    if isinstance(first, dict) and ("character_name" in first or "chat_metadata" in first or "mes" in first):
        return [_sillytavern(path, values)]
    raise StoreError(
        f"{path} is neither a SillyTavern chat (first line with character_name) nor OpenAI JSONL "
        "(lines with a messages list)."
    )


def _openai(path: Path, number: int, value: Any) -> Transcript:
    items = value.get("messages") if isinstance(value, dict) else None
    if not isinstance(items, list):
        raise StoreError(f"{path}, line {number}: expected an object with a messages list.")
    messages = []
    for item in items:
        role = item.get("role") if isinstance(item, dict) else None
        content = item.get("content") if isinstance(item, dict) else None
        if role not in ("user", "assistant", "system") or not isinstance(content, str):
            raise StoreError(
                f"{path}, line {number}: each message needs a role (user, assistant or system) and text content."
            )
        messages.append(ImportedMessage(role, content))
    return Transcript(messages)


def _sillytavern(path: Path, values: list[Any]) -> Transcript:
    header: dict[str, Any] = values[0] if "mes" not in values[0] else {}
    lines = values[1:] if header else values
    ours = header.get("chat_metadata", {}).get("persona_tutor", {}) if header else {}
    if not isinstance(ours, dict):
        ours = {}
    messages = []
    for number, item in enumerate(lines, start=2 if header else 1):
        if not isinstance(item, dict) or not isinstance(item.get("mes"), str):
            raise StoreError(f"{path}, line {number}: a SillyTavern message needs a text field 'mes'.")
        extra = item.get("extra")
        meta = extra.get("persona_tutor") if isinstance(extra, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        role: Role = "system" if item.get("is_system") else "user" if item.get("is_user") else "assistant"
        status: MessageStatus = meta["status"] if meta.get("status") in _STATUSES else "complete"
        when = _parse_date(meta.get("created_at")) or _parse_date(item.get("send_date"))
        swipes = item.get("swipes")
        alternatives: tuple[str, ...] = ()
        if isinstance(swipes, list):
            alternatives = tuple(t for t in swipes if isinstance(t, str) and t != item["mes"])
        messages.append(ImportedMessage(role, item["mes"], when, status, alternatives))
    return Transcript(
        messages,
        character_name=str(header.get("character_name") or "") or None,
        persona_id=ours.get("persona_id"),
        topic=ours.get("topic"),
        title=ours.get("title"),
        model=ours.get("model"),
        created_at=_parse_date(ours.get("created_at")) or _parse_date(header.get("create_date")),
    )
