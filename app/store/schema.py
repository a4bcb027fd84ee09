"""The tables of the conversation database, declared once as SQLAlchemy models.

The migrations in ``app.store.migrations`` must produce exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    """UTC without tzinfo: how SQLite stores every timestamp here."""
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
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    sampler_json: Mapped[str | None] = mapped_column(String)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    deleted_at: Mapped[datetime | None]


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(String, default="")
    status: Mapped[str] = mapped_column(String, default="complete")
    error: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=now)
    ttft_s: Mapped[float | None] = mapped_column(Float)
    prompt_tokens: Mapped[int | None]
    cached_prompt_tokens: Mapped[int | None]
    generated_tokens: Mapped[int | None]
    tokens_per_s: Mapped[float | None] = mapped_column(Float)
    # On the active path of its conversation (False: a branch the learner moved away from).
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    # The process streaming into this row; recovery leaves rows of live writers alone.
    writer_pid: Mapped[int | None]


class VerdictRow(Base):
    __tablename__ = "message_verdicts"
    __table_args__ = (Index("ix_message_verdicts_message_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    checker: Mapped[str] = mapped_column(String)
    checker_version: Mapped[str] = mapped_column(String)
    verdict_json: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=now)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_message_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    thumbs: Mapped[int | None]
    reasons_json: Mapped[str] = mapped_column(String, default="[]")
    ratings_json: Mapped[str] = mapped_column(String, default="{}")
    comment: Mapped[str | None] = mapped_column(String)
    better_reply: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The regenerated alternative the learner picked as the better reply (its text is copied to better_reply).
    better_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    # The checker verdict the learner confirmed or disputed, and how: {"consistency": "disputed", ...}.
    verdict_id: Mapped[int | None] = mapped_column(ForeignKey("message_verdicts.id", ondelete="SET NULL"))
    verdict_review_json: Mapped[str | None] = mapped_column(String)


class SummaryRow(Base):
    __tablename__ = "summaries"
    __table_args__ = (Index("ix_summaries_conversation_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    first_message_id: Mapped[int]
    last_message_id: Mapped[int]
    text: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(default=now)


class MemoryRow(Base):
    __tablename__ = "learner_memory"
    __table_args__ = (Index("ix_learner_memory_learner_topic", "learner", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner: Mapped[str] = mapped_column(String)
    topic: Mapped[str] = mapped_column(String)
    fact: Mapped[str] = mapped_column(String)
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class PromptRecordRow(Base):
    """What the model saw for one reply (app.store.prompt_records): parts and template, compressed."""

    __tablename__ = "prompt_records"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String)
    model_source: Mapped[str] = mapped_column(String)
    backend: Mapped[str] = mapped_column(String)
    context_size: Mapped[int]
    sampler_json: Mapped[str] = mapped_column(String)
    prompt_tokens: Mapped[int]
    cached_prompt_tokens: Mapped[int]
    estimated: Mapped[bool] = mapped_column(Boolean)
    body: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed JSON: {"parts": [...], "template": "..."}
    created_at: Mapped[datetime] = mapped_column(default=now)
