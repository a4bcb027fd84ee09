"""Conversations and messages in one SQLite file, through SQLAlchemy 2.x.

Writes commit immediately (the user's message before generation starts, the streaming reply as it grows), so
a crash or a killed process loses at most the text streamed since the last save. Messages form a tree through
``parent_id``: a regenerated or edited message is a sibling branch, and ``active`` marks the one path from the
first message to the newest leaf that the learner currently sees; ids grow along every path, so the active path
in id order is the conversation in reading order.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, false, func, or_, select, true, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import StoreError
from app.store import migrations
from app.store.annotations import Annotations
from app.store.catalog import Catalog, topic_id_for
from app.store.file_check import check_database_file, restore_hint
from app.store.ledger import LedgerStore
from app.store.prompt_records import PromptRecords
from app.store.quizzes import Quizzes
from app.store.records import (
    Conversation,
    ConversationSummary,
    ImportedMessage,
    Message,
    MessageStatus,
    Role,
    SearchHit,
    conversation_record,
    message_record,
)
from app.store.replays import Replays
from app.store.schema import ConversationRow, MessageRow, now
from app.store.search import search_messages
from app.store.summaries import SummaryFilter, summary_conditions
from app.store.writers import forget_writer, is_gone, register_writer

PURGE_DELETED_AFTER = timedelta(days=30)
# messages read as plain rows, not ORM objects: a page of 200 costs a few milliseconds instead of tens
_MESSAGE_COLUMNS = tuple(MessageRow.__table__.columns)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    # SQLite's own lower() folds ASCII only; the sidebar's filter folds case the way Python does
    dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)


def _casefold(text: object) -> str:
    return text.casefold() if isinstance(text, str) else ""


def friendly(path: Path, exc: BaseException) -> StoreError:
    """A database failure in words the user can act on."""
    detail = str(getattr(exc, "orig", exc))
    if "not a database" in detail or "malformed" in detail:
        return StoreError(f"{path} is not a Persona Tutor database or is damaged ({detail}). {restore_hint(path)}")
    if "disk is full" in detail or "database or disk is full" in detail:
        return StoreError(f"The disk holding {path} is full; free some space and try again.")
    if "locked" in detail:
        return StoreError(f"{path} is busy in another program ({detail}).")
    return StoreError(f"Cannot use the database {path}: {detail}")


class Store(Annotations, Quizzes, LedgerStore, Replays, Catalog, PromptRecords):
    """The conversation database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            check_database_file(path)
            self.migration_backup = migrations.migrate(path)
            self._engine: Engine = create_engine(f"sqlite:///{path}")
            event.listen(self._engine, "connect", _on_connect)
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
            self.purge_deleted(PURGE_DELETED_AFTER)
        except (OperationalError, DatabaseError, sqlite3.DatabaseError, OSError) as exc:
            raise friendly(path, exc) from exc

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, DatabaseError) as exc:
            raise friendly(self.path, exc) from exc

    def close(self) -> None:
        self._engine.dispose()

    # Conversations

    def create_conversation(
        self,
        persona_id: str,
        topic: str,
        model: str,
        title: str = "",
        sampler: dict[str, Any] | None = None,
        goal: str = "",
        level: str = "",
        persona_version_id: int | None = None,
    ) -> Conversation:
        with self._session() as session:
            row = ConversationRow(
                persona_id=persona_id,
                topic=topic,
                model=model,
                title=title,
                sampler_json=json.dumps(sampler, ensure_ascii=False) if sampler is not None else None,
                goal=goal,
                level=level,
                persona_version_id=persona_version_id,
                topic_id=topic_id_for(session, topic),
            )
            session.add(row)
            session.flush()
            return conversation_record(row)

    def conversation(self, conversation_id: int) -> Conversation:
        with self._session() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise StoreError(f"No conversation with id {conversation_id}.")
            return conversation_record(row)

    def conversations(self, include_archived: bool = True) -> list[Conversation]:
        """Conversations not deleted, pinned first, then most recently active first."""
        # plain rows, not ORM objects: the sidebar lists ten thousand of them
        query = select(*ConversationRow.__table__.columns).where(ConversationRow.deleted_at.is_(None))
        if not include_archived:
            query = query.where(ConversationRow.archived.is_(False))
        query = query.order_by(
            ConversationRow.pinned.desc(), ConversationRow.updated_at.desc(), ConversationRow.id.desc()
        )
        with self._session() as session:
            return [conversation_record(r) for r in session.connection().execute(query)]  # type: ignore[arg-type]

    def conversation_summaries(
        self,
        include_archived: bool = True,
        *,
        offset: int = 0,
        limit: int | None = None,
        matching: SummaryFilter | None = None,
    ) -> list[ConversationSummary]:
        """What the sidebar shows of each conversation, in :meth:`conversations` order: straight from the driver,
        timestamps parsed by ``datetime.fromisoformat``, so ten thousand rows cost milliseconds, not a second.

        ``offset`` and ``limit`` give one page of that order (the sidebar reads a page as it scrolls);
        ``matching`` keeps the conversations its text is found in (see :class:`SummaryFilter`)."""
        where, params = summary_conditions(include_archived, matching)
        query = (
            "SELECT id, persona_id, topic, title, updated_at, pinned, archived FROM conversations "
            f"WHERE {where} ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT :limit OFFSET :offset"
        )
        params.update(limit=-1 if limit is None else limit, offset=offset)
        with self._session() as session:
            rows = session.connection().exec_driver_sql(query, params).all()
        parse = datetime.fromisoformat
        return [
            ConversationSummary(i, p, t, title or "", parse(u), bool(pin), bool(arc))
            for i, p, t, title, u, pin, arc in rows
        ]

    def conversation_persona_ids(self) -> list[str]:
        """The personas the conversations not deleted were held with, each once (a handful, however many chats)."""
        query = "SELECT DISTINCT persona_id FROM conversations WHERE deleted_at IS NULL ORDER BY persona_id"
        with self._session() as session:
            return [str(r[0]) for r in session.connection().exec_driver_sql(query).all()]

    def _set(self, conversation_id: int, **values: Any) -> None:
        with self._session() as session:
            result = session.execute(
                update(ConversationRow).where(ConversationRow.id == conversation_id).values(**values)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise StoreError(f"No conversation with id {conversation_id}.")

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self._set(conversation_id, title=title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._set(conversation_id, pinned=pinned)

    def set_archived(self, conversation_id: int, archived: bool) -> None:
        self._set(conversation_id, archived=archived)

    def set_sampler(self, conversation_id: int, sampler: dict[str, Any] | None) -> None:
        """Remember the sampler settings (temperature, top_p, ...) a conversation runs with."""
        self._set(conversation_id, sampler_json=None if sampler is None else json.dumps(sampler, ensure_ascii=False))

    def set_lesson(self, conversation_id: int, goal: str, level: str) -> None:
        """The learning goal and level (see ``app.learning``); the system prompt changes with them."""
        self._set(conversation_id, goal=goal, level=level)

    def delete_conversation(self, conversation_id: int) -> None:
        """Move a conversation to the bin: hidden from lists and search until restored or purged."""
        with self._session() as session:
            session.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id, ConversationRow.deleted_at.is_(None))
                .values(deleted_at=now())
            )

    def restore_conversation(self, conversation_id: int) -> None:
        """Undo :meth:`delete_conversation`."""
        self._set(conversation_id, deleted_at=None)

    def deleted_conversations(self) -> list[Conversation]:
        with self._session() as session:
            rows = session.scalars(
                select(ConversationRow)
                .where(ConversationRow.deleted_at.is_not(None))
                .order_by(ConversationRow.deleted_at.desc())
            )
            return [conversation_record(r) for r in rows]

    def purge_deleted(self, older_than: timedelta = timedelta(0)) -> int:
        """Remove for good the conversations deleted more than ``older_than`` ago; returns how many."""
        with self._session() as session:
            rows = session.scalars(
                select(ConversationRow).where(ConversationRow.deleted_at <= now() - older_than)
            ).all()
            for row in rows:
                session.delete(row)
            return len(rows)

    # Messages

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        status: MessageStatus = "complete",
        created_at: datetime | None = None,
        persona_version_id: int | None = None,
    ) -> Message:
        """Append a message to the end of the active path (``persona_version_id``: the card that wrote a reply)."""
        with self._session() as session:
            parent = session.scalar(
                select(MessageRow.id)
                .where(MessageRow.conversation_id == conversation_id, MessageRow.active.is_(True))
                .order_by(MessageRow.id.desc())
                .limit(1)
            )
            return self._insert(session, conversation_id, parent, role, content, status, created_at, persona_version_id)

    def _insert(
        self,
        session: Session,
        conversation_id: int,
        parent: int | None,
        role: str,
        content: str,
        status: str,
        created_at: datetime | None = None,
        persona_version_id: int | None = None,
    ) -> Message:
        row = MessageRow(
            conversation_id=conversation_id,
            parent_id=parent,
            role=role,
            content=content,
            status=status,
            active=True,
            writer_pid=os.getpid() if status == "streaming" else None,
            created_at=created_at or now(),
            persona_version_id=persona_version_id,
        )
        session.add(row)
        session.execute(update(ConversationRow).where(ConversationRow.id == conversation_id).values(updated_at=now()))
        session.flush()
        if status == "streaming":
            register_writer(self.path, row.id)
        return message_record(row)

    def update_message(self, message_id: int, **values: Any) -> None:
        """Set columns of a message (``content``, ``status``, ``error``, the timing columns)."""
        allowed = set(MessageRow.__table__.columns.keys()) - {"id", "conversation_id", "created_at"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown message columns: {sorted(unknown)}")
        with self._session() as session:
            session.execute(update(MessageRow).where(MessageRow.id == message_id).values(**values))
        if values.get("status", "streaming") != "streaming":
            forget_writer(self.path, message_id)

    def messages(self, conversation_id: int, limit: int | None = None, before_id: int | None = None) -> list[Message]:
        """The active path in reading order; with ``limit``, only its last ``limit`` messages before ``before_id``.

        Paging lets a 10,000-message conversation open with its newest page and load older pages on scroll.
        """
        query = select(*_MESSAGE_COLUMNS).where(
            MessageRow.conversation_id == conversation_id, MessageRow.active.is_(True)
        )
        if before_id is not None:
            query = query.where(MessageRow.id < before_id)
        with self._session() as session:
            if limit is None:
                return [message_record(r) for r in session.execute(query.order_by(MessageRow.id))]
            rows = session.execute(query.order_by(MessageRow.id.desc()).limit(limit)).all()
            return [message_record(r) for r in reversed(rows)]

    def count_messages(self, conversation_id: int, before_id: int | None = None, after_id: int | None = None) -> int:
        """How many messages the active path holds (only those before ``before_id`` / after ``after_id``)."""
        query = (
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.conversation_id == conversation_id, MessageRow.active.is_(True))
        )
        if before_id is not None:
            query = query.where(MessageRow.id < before_id)
        if after_id is not None:
            query = query.where(MessageRow.id > after_id)
        with self._session() as session:
            return int(session.scalar(query) or 0)

    def warm_up(self) -> None:
        """Run the reads a window makes as a reply ends once, on no conversation. SQLAlchemy compiles a statement
        the first time it runs (milliseconds each, a tenth of a second for all of them): a thread with nothing
        else to do should pay that, not the GUI thread as the first reply of a session ends."""
        nobody = 0
        self.conversation_summaries(include_archived=False)
        self.conversation_summaries(include_archived=True)
        self.messages(nobody)
        self.messages(nobody, limit=1)
        self.messages(nobody, limit=1, before_id=1)
        self.count_messages(nobody, before_id=1)
        self.messages_from(nobody, 1, 1)
        self.versions(nobody, [nobody])
        self.latest_verdicts([nobody])
        self.latest_feedback([nobody])
        self.branch_ledger(nobody)
        self.conversation_quizzes(nobody)

    def messages_from(self, conversation_id: int, first_id: int, limit: int) -> list[Message]:
        """``limit`` messages of the active path from message ``first_id`` on, in reading order (a page in the
        middle of a long conversation, where a search result sits)."""
        query = (
            select(*_MESSAGE_COLUMNS)
            .where(
                MessageRow.conversation_id == conversation_id,
                MessageRow.active.is_(True),
                MessageRow.id >= first_id,
            )
            .order_by(MessageRow.id)
            .limit(limit)
        )
        with self._session() as session:
            return [message_record(r) for r in session.execute(query)]

    def message(self, message_id: int) -> Message:
        with self._session() as session:
            row = session.get(MessageRow, message_id)
            if row is None:
                raise StoreError(f"No message with id {message_id}.")
            return message_record(row)

    # Branches

    def add_branch(
        self, sibling_of: int, content: str, status: MessageStatus = "complete", persona_version_id: int | None = None
    ) -> Message:
        """A new version of message ``sibling_of`` (a regenerated reply, an edited question) that becomes active.

        The old version and everything after it stay in the tree, reachable with :meth:`select_branch`.
        """
        old = self.message(sibling_of)
        if not old.active:
            self.select_branch(sibling_of)
        with self._session() as session:
            session.execute(
                update(MessageRow)
                .where(
                    MessageRow.conversation_id == old.conversation_id,
                    MessageRow.active.is_(True),
                    MessageRow.id >= old.id,
                )
                .values(active=False)
            )
            return self._insert(
                session, old.conversation_id, old.parent_id, old.role, content, status, None, persona_version_id
            )

    def siblings(self, message_id: int) -> list[Message]:
        """The versions of a message (itself included), oldest first."""
        message = self.message(message_id)
        parent = (
            MessageRow.parent_id.is_(None) if message.parent_id is None else MessageRow.parent_id == message.parent_id
        )
        with self._session() as session:
            rows = session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == message.conversation_id, parent, MessageRow.role == message.role)
                .order_by(MessageRow.id)
            )
            return [message_record(r) for r in rows]

    def path_to(self, message_id: int) -> list[Message]:
        """The messages from the conversation's start down to ``message_id`` (itself last), on any branch."""
        target = self.message(message_id)
        with self._session() as session:
            rows = session.scalars(
                select(MessageRow).where(
                    MessageRow.conversation_id == target.conversation_id, MessageRow.id <= target.id
                )
            )
            by_id = {row.id: message_record(row) for row in rows}
        path: list[Message] = []
        cursor: int | None = target.id
        while cursor is not None and cursor in by_id:
            path.append(by_id[cursor])
            cursor = by_id[cursor].parent_id
        return path[::-1]

    def versions(self, conversation_id: int, message_ids: list[int]) -> dict[int, tuple[int, int]]:
        """For each of ``message_ids``: which version it is and of how many (see :meth:`siblings`), in one query."""
        # only the sibling groups of the wanted messages: a page of a 10,000-message conversation reads a page
        columns = (MessageRow.id, MessageRow.parent_id, MessageRow.role)
        with self._session() as session:
            wanted_links: list[Any] = []
            for start in range(0, len(message_ids), 500):  # SQLite's limit on bound parameters
                chunk = message_ids[start : start + 500]
                wanted_links += session.execute(select(*columns).where(MessageRow.id.in_(chunk))).all()
            parents = {row.parent_id for row in wanted_links if row.parent_id is not None}
            in_group = or_(MessageRow.parent_id.in_(parents), false())
            # a message comes after its parent: only the rows after the first parent are looked at (the last page
            # of a 10,000-message conversation, not all of it), unless a first message's versions are wanted
            after = MessageRow.id > min(parents, default=0)
            if any(row.parent_id is None for row in wanted_links):
                in_group, after = or_(in_group, MessageRow.parent_id.is_(None)), true()
            links = session.execute(
                select(*columns)
                .where(MessageRow.conversation_id == conversation_id, after, in_group)
                .order_by(MessageRow.id)
            ).all()
        groups: dict[tuple[int | None, str], list[int]] = {}
        for row in links:
            groups.setdefault((row.parent_id, row.role), []).append(row.id)
        group_of = {row.id: groups[(row.parent_id, row.role)] for row in links}
        wanted = [m for m in message_ids if m in group_of]
        return {m: (group_of[m].index(m) + 1, len(group_of[m])) for m in wanted}

    def select_branch(self, message_id: int) -> None:
        """Make the path through ``message_id`` active, continuing down its newest descendants."""
        target = self.message(message_id)
        with self._session() as session:
            links = session.execute(
                select(MessageRow.id, MessageRow.parent_id).where(MessageRow.conversation_id == target.conversation_id)
            ).all()
            parent_of = {row.id: row.parent_id for row in links}
            newest_child: dict[int, int] = {}
            for child, parent in parent_of.items():
                if parent is not None and child > newest_child.get(parent, -1):
                    newest_child[parent] = child
            path: list[int] = []
            cursor: int | None = target.id
            while cursor is not None:
                path.append(cursor)
                cursor = parent_of.get(cursor)
            cursor = newest_child.get(target.id)
            while cursor is not None:
                path.append(cursor)
                cursor = newest_child.get(cursor)
            session.execute(
                update(MessageRow)
                .where(MessageRow.conversation_id == target.conversation_id, MessageRow.active.is_(True))
                .values(active=False)
            )
            for start in range(0, len(path), 500):
                chunk = path[start : start + 500]
                session.execute(update(MessageRow).where(MessageRow.id.in_(chunk)).values(active=True))

    def delete_message(self, message_id: int) -> None:
        """Remove one message for good (with its verdicts and feedback); what followed it stays, attached to
        the message before it. When the last version of a reply is deleted, the newest other version shows."""
        message = self.message(message_id)
        others = [m for m in self.siblings(message_id) if m.id != message_id]
        with self._session() as session:
            children = session.scalars(select(MessageRow.id).where(MessageRow.parent_id == message_id)).all()
            session.execute(
                update(MessageRow).where(MessageRow.parent_id == message_id).values(parent_id=message.parent_id)
            )
            session.delete(session.get(MessageRow, message_id))
        if message.active and others and not children:
            self.select_branch(others[-1].id)

    # Recovery, import, search

    def recover_interrupted(self) -> int:
        """Mark replies left ``streaming`` by a process that is gone as ``interrupted``; returns how many.

        Each streaming row records its writer's pid; a row whose writer still runs (another window, a CLI chat
        sharing the file) is left alone, so starting a second process never cuts off the first one's reply.
        """
        with self._session() as session:
            rows = session.execute(
                select(MessageRow.id, MessageRow.writer_pid).where(MessageRow.status == "streaming")
            ).all()
            orphans = [row.id for row in rows if is_gone(self.path, row.id, row.writer_pid)]
            if orphans:
                session.execute(update(MessageRow).where(MessageRow.id.in_(orphans)).values(status="interrupted"))
            return len(orphans)

    def import_conversation(
        self,
        persona_id: str,
        topic: str,
        model: str,
        title: str,
        messages: Sequence[ImportedMessage],
        created_at: datetime | None = None,
        persona_version_id: int | None = None,
    ) -> Conversation:
        """Add a whole conversation from a file in one transaction: all of it or nothing. ``persona_version_id``
        pins the card it goes on with, as :meth:`create_conversation` does."""
        with self._session() as session:
            when = created_at or now()
            row = ConversationRow(
                persona_id=persona_id, topic=topic, model=model, title=title, created_at=when, updated_at=when,
                persona_version_id=persona_version_id, topic_id=topic_id_for(session, topic),
            )  # fmt: skip
            session.add(row)
            session.flush()
            parent: int | None = None
            last = when
            for item in messages:
                status = "interrupted" if item.status == "streaming" else item.status
                message = MessageRow(
                    conversation_id=row.id,
                    parent_id=parent,
                    role=item.role,
                    content=item.content,
                    status=status,
                    active=True,
                    created_at=item.created_at or last,
                )
                session.add(message)
                session.flush()
                for alternative in item.alternatives:
                    session.add(
                        MessageRow(
                            conversation_id=row.id,
                            parent_id=parent,
                            role=item.role,
                            content=alternative,
                            status="complete",
                            active=False,
                            created_at=message.created_at,
                        )
                    )
                parent, last = message.id, message.created_at
            row.updated_at = max(last, when)
            session.flush()
            return conversation_record(row)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Messages of conversations not deleted that contain every word of ``query``, newest first."""
        with self._session() as session:
            return search_messages(session, query, limit)
