"""What is known about messages and the learner besides the text: checker verdicts, feedback, rolling
summaries and learner memory. A mixin of :class:`app.store.Store`, kept apart to keep each module small."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.store.schema import FeedbackRow, MemoryRow, SummaryRow, VerdictRow

DEFAULT_LEARNER = "default"
_Row = TypeVar("_Row", VerdictRow, FeedbackRow)


@dataclass(frozen=True)
class Verdict:
    id: int
    message_id: int
    checker: str
    checker_version: str
    verdict: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Feedback:
    id: int
    message_id: int
    thumbs: int | None
    reasons: list[str]
    ratings: dict[str, Any]
    comment: str | None
    better_reply: str | None
    created_at: datetime
    better_message_id: int | None = None  # the regenerated alternative chosen as the better reply, if any
    verdict_id: int | None = None  # the checker verdict reviewed in ``verdict_review``
    verdict_review: dict[str, str] | None = None  # badge -> "confirmed" | "disputed"


@dataclass(frozen=True)
class Summary:
    id: int
    conversation_id: int
    first_message_id: int
    last_message_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class MemoryFact:
    id: int
    learner: str
    topic: str
    fact: str
    source_message_id: int | None
    created_at: datetime


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Annotations:
    def _session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    # Checker verdicts

    def add_verdict(self, message_id: int, checker: str, checker_version: str, verdict: dict[str, Any]) -> Verdict:
        with self._session() as session:
            row = VerdictRow(
                message_id=message_id, checker=checker, checker_version=checker_version, verdict_json=_json(verdict)
            )
            session.add(row)
            session.flush()
            return _verdict(row)

    def verdicts(self, message_id: int) -> list[Verdict]:
        with self._session() as session:
            query = select(VerdictRow).where(VerdictRow.message_id == message_id).order_by(VerdictRow.id)
            rows = session.scalars(query)
            return [_verdict(r) for r in rows]

    def latest_verdicts(self, message_ids: list[int]) -> dict[int, dict[str, Any]]:
        """The newest stored verdict of each message that has one, in a few queries however many messages."""
        return {m: json.loads(row.verdict_json) for m, row in self._newest(VerdictRow, message_ids).items()}

    def _newest(self, table: type[_Row], message_ids: list[int]) -> dict[int, _Row]:
        """The newest row of ``table`` for each of ``message_ids`` that has one (500 ids per query)."""
        newest: dict[int, _Row] = {}
        with self._session() as session:
            for start in range(0, len(message_ids), 500):
                chunk = message_ids[start : start + 500]
                query = select(table).where(table.message_id.in_(chunk)).order_by(table.id)
                for row in session.scalars(query):
                    newest[row.message_id] = row
            session.expunge_all()
        return newest

    # Feedback

    def add_feedback(
        self,
        message_id: int,
        thumbs: int | None = None,
        reasons: list[str] | None = None,
        ratings: dict[str, Any] | None = None,
        comment: str | None = None,
        better_reply: str | None = None,
        better_message_id: int | None = None,
        verdict_id: int | None = None,
        verdict_review: dict[str, str] | None = None,
    ) -> Feedback:
        """Record the learner's judgement of a reply (``thumbs``: 1 up, -1 down)."""
        if thumbs not in (None, 1, -1):
            raise ValueError("thumbs must be 1, -1 or None")
        with self._session() as session:
            row = FeedbackRow(message_id=message_id)
            _fill_feedback(
                row, thumbs, reasons, ratings, comment, better_reply, better_message_id, verdict_id, verdict_review
            )
            session.add(row)
            session.flush()
            return _feedback(row)

    def update_feedback(
        self,
        feedback_id: int,
        thumbs: int | None = None,
        reasons: list[str] | None = None,
        ratings: dict[str, Any] | None = None,
        comment: str | None = None,
        better_reply: str | None = None,
        better_message_id: int | None = None,
        verdict_id: int | None = None,
        verdict_review: dict[str, str] | None = None,
    ) -> Feedback:
        """Replace every field of a feedback record (its message and creation time stay)."""
        if thumbs not in (None, 1, -1):
            raise ValueError("thumbs must be 1, -1 or None")
        with self._session() as session:
            row = session.get(FeedbackRow, feedback_id)
            if row is None:
                from app.errors import StoreError

                raise StoreError(f"No feedback with id {feedback_id}.")
            _fill_feedback(
                row, thumbs, reasons, ratings, comment, better_reply, better_message_id, verdict_id, verdict_review
            )
            session.flush()
            return _feedback(row)

    def delete_feedback(self, feedback_id: int) -> None:
        with self._session() as session:
            session.execute(delete(FeedbackRow).where(FeedbackRow.id == feedback_id))

    def feedback(self, message_id: int | None = None) -> list[Feedback]:
        """Feedback on one message, or all feedback when ``message_id`` is None, oldest first."""
        query = select(FeedbackRow).order_by(FeedbackRow.id)
        if message_id is not None:
            query = query.where(FeedbackRow.message_id == message_id)
        with self._session() as session:
            return [_feedback(r) for r in session.scalars(query)]

    def latest_feedback(self, message_ids: list[int]) -> dict[int, Feedback]:
        """The newest feedback record of each message that has one, in a few queries however many messages."""
        return {m: _feedback(row) for m, row in self._newest(FeedbackRow, message_ids).items()}

    # Summaries

    def add_summary(self, conversation_id: int, first_message_id: int, last_message_id: int, text: str) -> Summary:
        with self._session() as session:
            row = SummaryRow(
                conversation_id=conversation_id,
                first_message_id=first_message_id,
                last_message_id=last_message_id,
                text=text,
            )
            session.add(row)
            session.flush()
            return _summary(row)

    def summaries(self, conversation_id: int) -> list[Summary]:
        """Every summary made for a conversation, oldest first."""
        with self._session() as session:
            rows = session.scalars(
                select(SummaryRow).where(SummaryRow.conversation_id == conversation_id).order_by(SummaryRow.id)
            )
            return [_summary(r) for r in rows]

    def latest_summary(self, conversation_id: int) -> Summary | None:
        """The summary covering the most messages (the rolling one the prompt builder uses)."""
        with self._session() as session:
            row = session.scalars(
                select(SummaryRow)
                .where(SummaryRow.conversation_id == conversation_id)
                .order_by(SummaryRow.last_message_id.desc(), SummaryRow.id.desc())
                .limit(1)
            ).first()
            return _summary(row) if row else None

    # Learner memory

    def add_memory(
        self, topic: str, fact: str, learner: str = DEFAULT_LEARNER, source_message_id: int | None = None
    ) -> MemoryFact:
        """Remember something the learner shared (``topic`` "" for facts about the learner in general)."""
        with self._session() as session:
            row = MemoryRow(learner=learner, topic=topic, fact=fact, source_message_id=source_message_id)
            session.add(row)
            session.flush()
            return _memory(row)

    def memories(self, topic: str | None = None, learner: str = DEFAULT_LEARNER) -> list[MemoryFact]:
        """Facts about ``learner``: general ones plus those for ``topic`` (all topics when None), oldest first."""
        query = select(MemoryRow).where(MemoryRow.learner == learner)
        if topic is not None:
            query = query.where(MemoryRow.topic.in_(["", topic]))
        with self._session() as session:
            return [_memory(r) for r in session.scalars(query.order_by(MemoryRow.id))]

    def forget_memory(self, memory_id: int) -> None:
        with self._session() as session:
            session.execute(delete(MemoryRow).where(MemoryRow.id == memory_id))


def _verdict(row: VerdictRow) -> Verdict:
    return Verdict(
        row.id, row.message_id, row.checker, row.checker_version, json.loads(row.verdict_json), row.created_at
    )


def _fill_feedback(
    row: FeedbackRow,
    thumbs: int | None,
    reasons: list[str] | None,
    ratings: dict[str, Any] | None,
    comment: str | None,
    better_reply: str | None,
    better_message_id: int | None,
    verdict_id: int | None,
    verdict_review: dict[str, str] | None,
) -> None:
    row.thumbs = thumbs
    row.reasons_json = _json(reasons or [])
    row.ratings_json = _json(ratings or {})
    row.comment = comment
    row.better_reply = better_reply
    row.better_message_id = better_message_id
    row.verdict_id = verdict_id
    row.verdict_review_json = _json(verdict_review) if verdict_review else None


def _feedback(row: FeedbackRow) -> Feedback:
    return Feedback(
        row.id, row.message_id, row.thumbs, json.loads(row.reasons_json), json.loads(row.ratings_json),
        row.comment, row.better_reply, row.created_at, row.better_message_id, row.verdict_id,
        json.loads(row.verdict_review_json) if row.verdict_review_json else None,
    )  # fmt: skip


def _summary(row: SummaryRow) -> Summary:
    return Summary(row.id, row.conversation_id, row.first_message_id, row.last_message_id, row.text, row.created_at)


def _memory(row: MemoryRow) -> MemoryFact:
    return MemoryFact(row.id, row.learner, row.topic, row.fact, row.source_message_id, row.created_at)
