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
    # Conversations whose topic text names no recorded topic (yet): linked when that topic is recorded.
    # The sidebar's order, so a page of it is read from the index (a sort of 10,000 rows took 10 ms each time).
    __table_args__ = (
        Index("ix_conversations_topic_unlinked", "topic", sqlite_where=text("topic_id IS NULL")),
        Index("ix_conversations_sidebar", "pinned", "updated_at", "id", sqlite_where=text("deleted_at IS NULL")),
    )

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
    # The persona card version the conversation runs with (NULL for conversations from before 0005).
    persona_version_id: Mapped[int | None] = mapped_column(ForeignKey("persona_versions.id", ondelete="SET NULL"))
    # What the learner wants from this conversation (a topic pack's goal or their own words) and their level
    # ("beginner" | "intermediate" | "advanced", "" when not chosen): both shape the system prompt.
    goal: Mapped[str] = mapped_column(String, default="", server_default=text("''"))
    level: Mapped[str] = mapped_column(String, default="", server_default=text("''"))
    # The recorded topic the ``topic`` text names (NULL: none recorded matches it, or from before 0010).
    topic_id: Mapped[str | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))


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
    # The persona card version that produced this reply (assistant messages; NULL before 0005).
    persona_version_id: Mapped[int | None] = mapped_column(ForeignKey("persona_versions.id", ondelete="SET NULL"))


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


class QuizRow(Base):
    """A quiz the persona gave in a conversation, on one topic pack; ``score`` is set once it is graded."""

    __tablename__ = "quizzes"
    __table_args__ = (Index("ix_quizzes_conversation_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String)  # the topic pack's id
    language: Mapped[str] = mapped_column(String)  # "en" | "zh": the language the questions were asked in
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    score: Mapped[float | None] = mapped_column(Float)
    total: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now)
    graded_at: Mapped[datetime | None]


class QuizQuestionRow(Base):
    """One question of a quiz: the pack's answer key it asks (``key_index``), the learner's answer and grade."""

    __tablename__ = "quiz_questions"
    __table_args__ = (Index("ix_quiz_questions_quiz_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    key_index: Mapped[int]
    question: Mapped[str] = mapped_column(String)
    answer_key: Mapped[str] = mapped_column(String)
    learner_answer: Mapped[str | None] = mapped_column(String)
    verdict: Mapped[str | None] = mapped_column(String)  # "correct" | "partial" | "incorrect"
    correct: Mapped[bool | None] = mapped_column(Boolean)


_FALSE, _TRUE = text("0"), text("1")  # LedgerRow has a column named ``text``, hiding the function in its body


class LedgerRow(Base):
    """One fact established in a conversation (the facts ledger): shown beside the chat, editable, in the prompt."""

    __tablename__ = "facts_ledger"
    __table_args__ = (Index("ix_facts_ledger_conversation_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String)  # learner | correction | story
    subject: Mapped[str] = mapped_column(String)
    text: Mapped[str] = mapped_column(String)
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=_FALSE)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=_TRUE)


class ReplayRow(Base):
    """A flagged reply answered again (``feedback replay``): never a message of the conversation."""

    __tablename__ = "replays"
    __table_args__ = (Index("ix_replays_message_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String)
    persona_id: Mapped[str] = mapped_column(String)
    persona_hash: Mapped[str | None] = mapped_column(String)  # app.personas.card_hash of the card replayed with
    reply: Mapped[str] = mapped_column(String)
    finish_reason: Mapped[str] = mapped_column(String)
    before_json: Mapped[str] = mapped_column(String)  # checker badges of the flagged reply, scored now
    after_json: Mapped[str | None] = mapped_column(String)  # of the new reply (None: nothing to score)
    outcome: Mapped[str] = mapped_column(String)  # fixed | still_bad | regressed
    created_at: Mapped[datetime] = mapped_column(default=now)
    # replayed with "stay in character" (0011_replay_modes)
    stay_in_character: Mapped[bool] = mapped_column(Boolean, default=False, server_default=_FALSE)


class ProbeRunRow(Base):
    """One run of the persona test bench: a card (by content hash) on a model, every probe's reply and scores."""

    __tablename__ = "probe_runs"
    __table_args__ = (Index("ix_probe_runs_persona_id", "persona_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    persona_id: Mapped[str] = mapped_column(String)
    card_hash: Mapped[str] = mapped_column(String)
    model: Mapped[str] = mapped_column(String)
    topic: Mapped[str] = mapped_column(String)
    results_json: Mapped[str] = mapped_column(String)  # [ProbeResult.to_json(), ...]
    created_at: Mapped[datetime] = mapped_column(default=now)


class PersonaVersionRow(Base):
    """One distinct content of a persona card that a conversation used: a snapshot that outlives the card file."""

    __tablename__ = "persona_versions"
    __table_args__ = (Index("ux_persona_versions_persona_id_content_hash", "persona_id", "content_hash", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    persona_id: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    content_hash: Mapped[str] = mapped_column(String)  # sha256 of card_json
    card_json: Mapped[str] = mapped_column(String)  # the normalized card as canonical JSON
    source: Mapped[str] = mapped_column(String)  # builtin | imported | user
    created_at: Mapped[datetime] = mapped_column(default=now)


class TopicRow(Base):
    """A topic the app knows: built-in (``app.topics`` and topic packs) or typed by the learner."""

    __tablename__ = "topics"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    title: Mapped[str] = mapped_column(String)
    title_zh: Mapped[str] = mapped_column(String, default="")
    source: Mapped[str] = mapped_column(String)  # builtin | pack | typed
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
