"""Conversations and messages in one SQLite file, through SQLAlchemy 2.x.

Writes commit immediately (the user's message before generation starts, the streaming reply as it grows), so
a crash or a killed process loses at most the text streamed since the last save. Records handed out are plain
frozen dataclasses, safe to pass between threads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import ForeignKey, String, create_engine, event, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from app.errors import StoreError

MessageStatus = Literal["complete", "streaming", "interrupted", "error"]
Role = Literal["user", "assistant", "system"]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    persona_id: Mapped[str] = mapped_column(String)
    topic: Mapped[str] = mapped_column(String)
    model: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(String, default="")
    status: Mapped[str] = mapped_column(String, default="complete")
    error: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    ttft_s: Mapped[float | None]
    prompt_tokens: Mapped[int | None]
    cached_prompt_tokens: Mapped[int | None]
    generated_tokens: Mapped[int | None]
    tokens_per_s: Mapped[float | None]


# Append-only: each migration runs once, in order, and its name is recorded in schema_migrations.
# Never edit a released migration; add a new one.
_MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "0001_conversations_and_messages",
        [
            """CREATE TABLE conversations (
                id INTEGER NOT NULL PRIMARY KEY,
                persona_id VARCHAR NOT NULL,
                topic VARCHAR NOT NULL,
                model VARCHAR NOT NULL,
                title VARCHAR NOT NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL
            )""",
            """CREATE TABLE messages (
                id INTEGER NOT NULL PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                parent_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
                role VARCHAR NOT NULL,
                content VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                error VARCHAR,
                created_at DATETIME NOT NULL,
                ttft_s FLOAT,
                prompt_tokens INTEGER,
                cached_prompt_tokens INTEGER,
                generated_tokens INTEGER,
                tokens_per_s FLOAT
            )""",
            "CREATE INDEX ix_messages_conversation_id ON messages (conversation_id)",
        ],
    ),
]


@dataclass(frozen=True)
class Conversation:
    id: int
    persona_id: str
    topic: str
    model: str
    title: str
    created_at: datetime
    updated_at: datetime


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

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "role": self.role, "content": self.content, "status": self.status}


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(row.id, row.persona_id, row.topic, row.model, row.title, row.created_at, row.updated_at)


def _message(row: MessageRow) -> Message:
    return Message(
        row.id, row.conversation_id, row.role, row.content, row.status, row.error, row.created_at,
        row.ttft_s, row.prompt_tokens, row.cached_prompt_tokens, row.generated_tokens, row.tokens_per_s,
    )  # fmt: skip


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _friendly(path: Path, exc: Exception) -> StoreError:
    detail = str(getattr(exc, "orig", exc))
    if "not a database" in detail or "malformed" in detail:
        return StoreError(f"{path} is not a Persona Tutor database or is damaged ({detail}).")
    if "disk is full" in detail or "database or disk is full" in detail:
        return StoreError(f"The disk holding {path} is full; free some space and try again.")
    if "locked" in detail:
        return StoreError(f"{path} is busy in another program ({detail}).")
    return StoreError(f"Cannot use the database {path}: {detail}")


class Store:
    """The conversation database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._engine: Engine = create_engine(f"sqlite:///{path}")
            event.listen(self._engine, "connect", _on_connect)
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
            with self._engine.begin() as connection:
                self._migrate(connection)
        except (OperationalError, DatabaseError, OSError) as exc:
            raise _friendly(path, exc) from exc

    @staticmethod
    def _migrate(connection: Connection) -> None:
        connection.execute(
            text("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at DATETIME)")
        )
        done = {row[0] for row in connection.execute(text("SELECT name FROM schema_migrations"))}
        for name, statements in _MIGRATIONS:
            if name in done:
                continue
            for statement in statements:
                connection.execute(text(statement))
            connection.execute(
                text("INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :t)"),
                {"n": name, "t": _now()},
            )

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, DatabaseError) as exc:
            raise _friendly(self.path, exc) from exc

    def close(self) -> None:
        self._engine.dispose()

    # Conversations

    def create_conversation(self, persona_id: str, topic: str, model: str, title: str = "") -> Conversation:
        with self._session() as session:
            row = ConversationRow(persona_id=persona_id, topic=topic, model=model, title=title)
            session.add(row)
            session.flush()
            return _conversation(row)

    def conversation(self, conversation_id: int) -> Conversation:
        with self._session() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise StoreError(f"No conversation with id {conversation_id}.")
            return _conversation(row)

    def conversations(self) -> list[Conversation]:
        """All conversations, most recently active first."""
        with self._session() as session:
            rows = session.scalars(
                select(ConversationRow).order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc())
            )
            return [_conversation(r) for r in rows]

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        with self._session() as session:
            session.execute(update(ConversationRow).where(ConversationRow.id == conversation_id).values(title=title))

    def delete_conversation(self, conversation_id: int) -> None:
        with self._session() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is not None:
                session.delete(row)

    # Messages

    def add_message(
        self, conversation_id: int, role: Role, content: str, status: MessageStatus = "complete"
    ) -> Message:
        with self._session() as session:
            parent = session.scalar(
                select(MessageRow.id)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.id.desc())
                .limit(1)
            )
            row = MessageRow(
                conversation_id=conversation_id, parent_id=parent, role=role, content=content, status=status
            )
            session.add(row)
            session.execute(
                update(ConversationRow).where(ConversationRow.id == conversation_id).values(updated_at=_now())
            )
            session.flush()
            return _message(row)

    def update_message(self, message_id: int, **values: Any) -> None:
        """Set columns of a message (``content``, ``status``, ``error``, the timing columns)."""
        allowed = set(MessageRow.__table__.columns.keys()) - {"id", "conversation_id", "created_at"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown message columns: {sorted(unknown)}")
        with self._session() as session:
            session.execute(update(MessageRow).where(MessageRow.id == message_id).values(**values))

    def messages(self, conversation_id: int) -> list[Message]:
        with self._session() as session:
            rows = session.scalars(
                select(MessageRow).where(MessageRow.conversation_id == conversation_id).order_by(MessageRow.id)
            )
            return [_message(r) for r in rows]

    def message(self, message_id: int) -> Message:
        with self._session() as session:
            row = session.get(MessageRow, message_id)
            if row is None:
                raise StoreError(f"No message with id {message_id}.")
            return _message(row)

    def recover_interrupted(self) -> int:
        """Mark replies left ``streaming`` by a process that died as ``interrupted``; returns how many."""
        with self._session() as session:
            result = session.execute(
                update(MessageRow).where(MessageRow.status == "streaming").values(status="interrupted")
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
