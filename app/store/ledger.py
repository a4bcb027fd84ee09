"""The facts ledger's rows in the store: facts a conversation established, each editable by the learner.

The ledger is per conversation; the learner memory (:meth:`Annotations.add_memory`) is what the tutor keeps
across conversations. Nothing moves between them on its own: the ledger records what this chat said, and the
prompt carries both. A mixin of :class:`app.store.Store`, kept apart to keep each module small.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.store.records import Message
from app.store.schema import LedgerRow, MessageRow

LedgerKind = Literal["learner", "correction", "story"]
LEDGER_KINDS: tuple[LedgerKind, ...] = ("learner", "correction", "story")


@dataclass(frozen=True)
class LedgerFact:
    """One ledger row. ``subject`` is what the fact is about (``name``, ``level``, a misconception, a story
    object) and ``text`` what holds for it (the name, the correct statement, the colour or name of the object)."""

    id: int
    conversation_id: int
    kind: str
    subject: str
    text: str
    source_message_id: int | None
    created_at: datetime
    edited: bool = False
    active: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "text": self.text,
            "source_message_id": self.source_message_id,
            "created_at": self.created_at.isoformat(),
            "edited": self.edited,
            "active": self.active,
        }


class LedgerStore:
    def _session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def messages(self, conversation_id: int, limit: int | None = None, before_id: int | None = None) -> list[Message]:
        raise NotImplementedError  # provided by Store

    def path_to(self, message_id: int) -> list[Message]:
        raise NotImplementedError  # provided by Store

    def add_fact(
        self,
        conversation_id: int,
        kind: str,
        subject: str,
        text: str,
        source_message_id: int | None = None,
        edited: bool = False,
    ) -> LedgerFact:
        """Record a fact (``edited`` True when the learner typed it rather than the extractor finding it)."""
        _check_kind(kind)
        with self._session() as session:
            row = LedgerRow(
                conversation_id=conversation_id,
                kind=kind,
                subject=subject.strip(),
                text=text.strip(),
                source_message_id=source_message_id,
                edited=edited,
            )
            session.add(row)
            session.flush()
            return _fact(row)

    def ledger(self, conversation_id: int, active_only: bool = False) -> list[LedgerFact]:
        """A conversation's facts, oldest first (only those switched on when ``active_only``)."""
        query = select(LedgerRow).where(LedgerRow.conversation_id == conversation_id)
        if active_only:
            query = query.where(LedgerRow.active.is_(True))
        with self._session() as session:
            return [_fact(r) for r in session.scalars(query.order_by(LedgerRow.id))]

    def branch_ledger(
        self, conversation_id: int, through: int | None = None, active_only: bool = False
    ) -> list[LedgerFact]:
        """The facts of one branch of the message tree: rows whose source message is on the path to message
        ``through`` (the active path when None), and the rows the learner typed (they have no source).

        A regenerated reply or an edited question leaves the old branch's messages in the tree; their facts
        must not reach the prompt or the checker of the branch the learner went on with.
        """
        facts = self.ledger(conversation_id, active_only)
        sources = {f.source_message_id for f in facts if f.source_message_id is not None}
        if not sources:  # nothing to sort out: a 10,000-message branch is not read for it
            return facts
        if through is not None:
            on_path = {m.id for m in self.path_to(through)} & sources
        else:
            on_path = self._active_among(conversation_id, sources)
        return [f for f in facts if f.source_message_id is None or f.source_message_id in on_path]

    def _active_among(self, conversation_id: int, message_ids: set[int]) -> set[int]:
        """Which of ``message_ids`` are on the conversation's active path (the facts' sources, not the whole
        path: the Facts dock reads this as a conversation opens)."""
        wanted = sorted(message_ids)
        found: set[int] = set()
        with self._session() as session:
            for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
                query = select(MessageRow.id).where(
                    MessageRow.conversation_id == conversation_id,
                    MessageRow.active.is_(True),
                    MessageRow.id.in_(wanted[start : start + 500]),
                )
                found.update(session.scalars(query))
        return found

    def update_fact(
        self, fact_id: int, *, kind: str | None = None, subject: str | None = None, text: str | None = None
    ) -> LedgerFact:
        """The learner's edit of a row: marked ``edited`` so the extractor never overrides it."""
        with self._session() as session:
            row = _row(session, fact_id)
            if kind is not None:
                _check_kind(kind)
                row.kind = kind
            if subject is not None:
                row.subject = subject.strip()
            if text is not None:
                row.text = text.strip()
            row.edited = True
            session.flush()
            return _fact(row)

    def set_fact_active(self, fact_id: int, active: bool) -> LedgerFact:
        """Switch a row off (kept, but out of the prompt and the checker) or on again."""
        with self._session() as session:
            row = _row(session, fact_id)
            row.active = active
            session.flush()
            return _fact(row)

    def delete_fact(self, fact_id: int) -> None:
        with self._session() as session:
            session.execute(delete(LedgerRow).where(LedgerRow.id == fact_id))


def _check_kind(kind: str) -> None:
    if kind not in LEDGER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(LEDGER_KINDS)}, not {kind!r}")


def _row(session: Session, fact_id: int) -> LedgerRow:
    row = session.get(LedgerRow, fact_id)
    if row is None:
        from app.errors import StoreError

        raise StoreError(f"No ledger fact with id {fact_id}.")
    return row


def _fact(row: LedgerRow) -> LedgerFact:
    return LedgerFact(
        row.id, row.conversation_id, row.kind, row.subject, row.text, row.source_message_id, row.created_at,
        row.edited, row.active,
    )  # fmt: skip
