"""Recording feedback on replies: one record per reply that the learner refines (thumbs, then a flag, ...).

Every front-end (the chat view's 👍/👎/Flag, the feedback dialog, ``persona-tutor feedback add``) writes through
:class:`FeedbackService`, which checks what was entered and keeps the rules in one place: feedback is on a
tutor's reply, a better reply is never the reply itself, a picked alternative must be a sibling of the reply, and
a review of the checker's badges is tied to the verdict the learner saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from app.errors import StoreError
from app.feedback.reasons import FeedbackError, check_ratings, check_reasons, check_review
from app.store import Conversation, Feedback, Message, Store, Verdict


@dataclass(frozen=True)
class FeedbackDraft:
    """What the learner says about a reply; empty fields mean "nothing to say"."""

    thumbs: int | None = None  # 1 up, -1 down
    reasons: tuple[str, ...] = ()
    ratings: Mapping[str, int] = field(default_factory=dict)
    comment: str = ""
    better_reply: str = ""
    better_message_id: int | None = None  # a regenerated alternative picked as the better reply
    verdict_review: Mapping[str, str] = field(default_factory=dict)  # badge -> confirmed | disputed

    def is_empty(self) -> bool:
        return not (
            self.thumbs or self.reasons or self.ratings or self.comment.strip() or self.better_reply.strip()
        ) and not (self.better_message_id or self.verdict_review)


@dataclass(frozen=True)
class FeedbackItem:
    """A feedback record with the reply and conversation it is about (what lists and browsers show)."""

    feedback: Feedback
    reply: Message
    conversation: Conversation

    @property
    def deleted(self) -> bool:
        return self.conversation.deleted_at is not None

    def to_json(self) -> dict[str, Any]:
        f = self.feedback
        return {
            "id": f.id,
            "message_id": f.message_id,
            "conversation_id": self.conversation.id,
            "persona_id": self.conversation.persona_id,
            "topic": self.conversation.topic,
            "model": self.conversation.model,
            "created_at": f.created_at.isoformat(),
            "thumbs": f.thumbs,
            "reasons": f.reasons,
            "ratings": f.ratings,
            "comment": f.comment,
            "better_reply": f.better_reply,
            "better_message_id": f.better_message_id,
            "verdict_review": f.verdict_review,
            "reply": self.reply.content,
            "conversation_deleted": self.deleted,
        }


@dataclass(frozen=True)
class FeedbackFilter:
    """Which items a browser or list shows; None means any."""

    persona_id: str | None = None
    topic: str | None = None
    reason: str | None = None
    model: str | None = None
    since: date | None = None
    until: date | None = None
    include_deleted: bool = False

    def matches(self, item: FeedbackItem) -> bool:
        c, f = item.conversation, item.feedback
        day = f.created_at.date()
        return (
            (self.include_deleted or not item.deleted)
            and self.persona_id in (None, c.persona_id)
            and self.topic in (None, c.topic)
            and self.model in (None, c.model)
            and (self.reason is None or self.reason in f.reasons)
            and (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
        )


def draft_of(feedback: Feedback | None) -> FeedbackDraft:
    if feedback is None:
        return FeedbackDraft()
    return FeedbackDraft(
        feedback.thumbs,
        tuple(feedback.reasons),
        dict(feedback.ratings),
        feedback.comment or "",
        feedback.better_reply or "",
        feedback.better_message_id,
        dict(feedback.verdict_review or {}),
    )


class FeedbackService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self, message_id: int) -> Feedback | None:
        """The learner's feedback on a reply (the newest record, should there be several)."""
        records = self.store.feedback(message_id)
        return records[-1] if records else None

    def draft(self, message_id: int) -> FeedbackDraft:
        return draft_of(self.current(message_id))

    def alternatives(self, message_id: int) -> list[Message]:
        """The other versions of a reply that could stand in as the better one, oldest first."""
        return [
            m
            for m in self.store.siblings(message_id)
            if m.id != message_id and m.content.strip() and m.status in ("complete", "interrupted")
        ]

    def latest_verdict(self, message_id: int) -> Verdict | None:
        verdicts = self.store.verdicts(message_id)
        return verdicts[-1] if verdicts else None

    def save(self, message_id: int, draft: FeedbackDraft) -> Feedback | None:
        """Make ``draft`` the feedback on the reply; an empty draft removes it (returns None)."""
        reply = self._reply(message_id)
        draft = self._checked(reply, draft)
        existing = self.current(message_id)
        if draft.is_empty():
            if existing is not None:
                self.store.delete_feedback(existing.id)
            return None
        verdict = self.latest_verdict(message_id) if draft.verdict_review else None
        if draft.verdict_review and verdict is None:
            raise FeedbackError(f"Message {message_id} has no checker verdict to confirm or dispute.")
        values: dict[str, Any] = {
            "thumbs": draft.thumbs,
            "reasons": list(draft.reasons),
            "ratings": dict(draft.ratings),
            "comment": draft.comment.strip() or None,
            "better_reply": draft.better_reply.strip() or None,
            "better_message_id": draft.better_message_id,
            "verdict_id": verdict.id if verdict else None,
            "verdict_review": dict(draft.verdict_review) or None,
        }
        if existing is None:
            return self.store.add_feedback(message_id, **values)
        return self.store.update_feedback(existing.id, **values)

    def merge(self, message_id: int, **changes: Any) -> Feedback | None:
        """Change some fields of the feedback on a reply and keep the rest (``feedback add`` on the CLI)."""
        return self.save(message_id, replace(self.draft(message_id), **changes))

    def set_thumbs(self, message_id: int, thumbs: int | None) -> Feedback | None:
        return self.merge(message_id, thumbs=thumbs)

    def toggle_thumbs(self, message_id: int, thumbs: int) -> Feedback | None:
        """👍/👎 in the chat: a second click on the same thumb takes it back."""
        current = self.draft(message_id).thumbs
        return self.set_thumbs(message_id, None if current == thumbs else thumbs)

    def review_verdict(self, message_id: int, review: Mapping[str, str]) -> Feedback | None:
        """Confirm or dispute the checker's badges on a reply (``{"accuracy": "disputed"}``)."""
        return self.merge(message_id, verdict_review=dict(review))

    def items(self, where: FeedbackFilter | None = None) -> list[FeedbackItem]:
        """Feedback with its reply and conversation, newest first (one item per reply)."""
        where = where or FeedbackFilter()
        latest: dict[int, Feedback] = {}
        for record in self.store.feedback():
            latest[record.message_id] = record
        conversations: dict[int, Conversation] = {}
        items = []
        for record in latest.values():
            reply = self.store.message(record.message_id)
            if reply.conversation_id not in conversations:
                conversations[reply.conversation_id] = self.store.conversation(reply.conversation_id)
            item = FeedbackItem(record, reply, conversations[reply.conversation_id])
            if where.matches(item):
                items.append(item)
        return sorted(items, key=lambda i: (i.feedback.created_at, i.feedback.id), reverse=True)

    def remove_deleted(self) -> int:
        """Forget the feedback on conversations in the bin (the learner's choice not to keep it); returns how many."""
        gone = [i for i in self.items(FeedbackFilter(include_deleted=True)) if i.deleted]
        for item in gone:
            for record in self.store.feedback(item.reply.id):
                self.store.delete_feedback(record.id)
        return len(gone)

    def _reply(self, message_id: int) -> Message:
        try:
            reply = self.store.message(message_id)
        except StoreError as exc:
            raise FeedbackError(str(exc)) from exc
        if reply.role != "assistant":
            raise FeedbackError(f"Message {message_id} is not a tutor's reply; feedback is given on replies.")
        return reply

    def _checked(self, reply: Message, draft: FeedbackDraft) -> FeedbackDraft:
        if draft.thumbs not in (None, 1, -1):
            raise FeedbackError("Thumbs are up (1), down (-1) or not given.")
        draft = replace(
            draft,
            reasons=tuple(check_reasons(draft.reasons)),
            ratings=check_ratings(draft.ratings),
            verdict_review=check_review(draft.verdict_review),
        )
        better = draft.better_reply.strip()
        if draft.better_message_id is not None:
            chosen = {m.id: m for m in self.alternatives(reply.id)}.get(draft.better_message_id)
            if chosen is None:
                raise FeedbackError(
                    f"Message {draft.better_message_id} is not another version of reply {reply.id}; "
                    "pick one of its regenerated alternatives."
                )
            if not better:
                better = chosen.content.strip()
            if better != chosen.content.strip():  # edited after picking: the learner's own text now
                draft = replace(draft, better_message_id=None)
        if better and better == reply.content.strip():
            raise FeedbackError("The better reply is the same as the reply itself.")
        return replace(draft, better_reply=better)
