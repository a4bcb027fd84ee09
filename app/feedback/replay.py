"""Replay flagged replies: a regression suite for personas, built from the learner's own complaints.

After the model, the card or the settings change, every reply the learner marked ▼ or ⚑ is answered again from
the prompt it was answered from (rebuilt by ``ChatService``, the one prompt path), with today's model, card and the
conversation's settings. Both replies are scored by the checker now, so a new checker version cannot pass for a fix,
and each item says whether the complaint is fixed: "out of character" wants the Persona badge ok, "wrong fact" the
Accuracy badge; a bare ▼ (or a reason no badge measures) wants both. The new reply is stored in ``replays``, never
as a message: the conversation stays as the learner left it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from app.chat import ChatService
from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.feedback.service import FeedbackFilter, FeedbackItem, FeedbackService
from app.persona_probe import badge_summary
from app.personas import card_hash
from app.sampling import conversation_params

BADGE_NAMES = ("consistency", "accuracy")
# Which badge each complaint is about; the others (boring, confusing, ...) are measured by neither, so a reply
# flagged for them, or only thumbed down, is fixed when both badges are ok.
REASON_BADGES: dict[str, tuple[str, ...]] = {"out_of_character": ("consistency",), "wrong_fact": ("accuracy",)}
OUTCOMES = ("fixed", "still_bad", "regressed")
_RANK = {"off": 0, "doubtful": 1, "ok": 2}

Progress = Callable[[int, int, "ReplayItem | None"], None]  # done, total, the item just finished (None: starting)


@dataclass(frozen=True)
class ReplayItem:
    """One flagged reply and its replay: both replies, both sets of badges, and what became of the complaint."""

    feedback_id: int
    message_id: int
    conversation_id: int
    persona_id: str
    topic: str
    question: str
    reasons: tuple[str, ...]
    thumbs: int | None
    before_reply: str
    after_reply: str
    finish_reason: str
    before: dict[str, Any]  # badge name -> {"score", "label", "reasons"}
    after: dict[str, Any]
    complaint: tuple[str, ...]  # the badges the complaint is about
    outcome: str  # fixed | still_bad | regressed
    replay_id: int = 0
    retried: bool = False  # "stay in character" wrote the new reply twice (the more in-character one is kept)

    @property
    def complaint_fixed(self) -> bool:
        return all(self.after[b]["label"] == "ok" for b in self.complaint)

    def to_json(self) -> dict[str, Any]:
        return {
            "feedback_id": self.feedback_id,
            "message_id": self.message_id,
            "replay_id": self.replay_id,
            "conversation_id": self.conversation_id,
            "persona_id": self.persona_id,
            "topic": self.topic,
            "question": self.question,
            "reasons": list(self.reasons),
            "thumbs": self.thumbs,
            "complaint": list(self.complaint),
            "before": {"reply": self.before_reply, **self.before},
            "after": {"reply": self.after_reply, "finish_reason": self.finish_reason, **self.after},
            "complaint_fixed": self.complaint_fixed,
            "outcome": self.outcome,
            "retried": self.retried,
        }


@dataclass(frozen=True)
class ReplayReport:
    model: str
    persona_id: str | None
    items: list[ReplayItem]
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {"feedback_id", "message_id", "reason"}
    cancelled: bool = False
    stay_in_character: bool = False  # an off-persona new reply was written once more, as in the chat

    def summary(self) -> dict[str, Any]:
        counts = {outcome: sum(1 for i in self.items if i.outcome == outcome) for outcome in OUTCOMES}
        return {"replayed": len(self.items), **counts, "skipped": len(self.skipped), "cancelled": self.cancelled}

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "persona": self.persona_id,
            "stay_in_character": self.stay_in_character,
            "summary": self.summary(),
            "items": [i.to_json() for i in self.items],
            "skipped": self.skipped,
        }


def is_flagged(item: FeedbackItem) -> bool:
    """▼ Bad, or a ⚑ reason ticked (which counts as a thumbs-down)."""
    return item.feedback.thumbs == -1 or bool(item.feedback.reasons)


def complaint_badges(reasons: Iterable[str]) -> tuple[str, ...]:
    """The badges a complaint is about, in badge order: both when no reason names one."""
    named = {badge for reason in reasons for badge in REASON_BADGES.get(reason, ())}
    return tuple(b for b in BADGE_NAMES if b in named) or BADGE_NAMES


def outcome_of(before: dict[str, Any], after: dict[str, Any], complaint: tuple[str, ...]) -> str:
    """``regressed`` when a badge is worse than before; else ``fixed`` when the complaint's badges are ok."""
    for badge in BADGE_NAMES:
        was, now = _RANK.get(before[badge]["label"]), _RANK.get(after[badge]["label"])
        if was is not None and (now is None or now < was):
            return "regressed"
    return "fixed" if all(after[b]["label"] == "ok" for b in complaint) else "still_bad"


def flagged(service: FeedbackService, persona_id: str | None = None) -> list[FeedbackItem]:
    """The flagged replies (of one persona), oldest feedback first; deleted conversations are left out."""
    items = [i for i in service.items(FeedbackFilter(persona_id=persona_id)) if is_flagged(i)]
    return sorted(items, key=lambda i: i.feedback.id)


def replay_flagged(
    chat: ChatService,
    model: str,
    persona_id: str | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    max_tokens: int | None = None,
    stay_in_character: bool = False,
) -> ReplayReport:
    """Answer every flagged reply again on ``chat``'s backend, score both, store each replay; stops at ``cancel``.
    With ``stay_in_character``, a new reply the Persona badge calls off is written once more, as in the chat."""
    cancel = cancel or threading.Event()
    todo = flagged(FeedbackService(chat.store), persona_id)
    items: list[ReplayItem] = []
    skipped: list[dict[str, Any]] = []
    if progress:
        progress(0, len(todo), None)
    for done, item in enumerate(todo, start=1):
        if cancel.is_set():
            break
        try:
            replayed = replay_one(chat, model, item, cancel, max_tokens, stay_in_character)
        except PersonaTutorError as exc:
            skipped.append({"feedback_id": item.feedback.id, "message_id": item.reply.id, "reason": str(exc)})
            replayed = None
        if cancel.is_set():
            break  # a reply cut short by the stop is neither kept nor counted
        if replayed is not None:
            items.append(replayed)
        if progress:
            progress(done, len(todo), replayed)
    return ReplayReport(model, persona_id, items, skipped, cancel.is_set(), stay_in_character)


def replay_one(
    chat: ChatService,
    model: str,
    item: FeedbackItem,
    cancel: threading.Event,
    max_tokens: int | None = None,
    stay_in_character: bool = False,
) -> ReplayItem:
    """Replay one flagged reply with the conversation's settings (``max_tokens`` caps the reply) and store it;
    ``stay_in_character`` retries an off-persona new reply (:meth:`ChatService.in_character_again`)."""
    conversation = item.conversation
    persona = chat.persona_of(conversation)
    params = conversation_params(chat.store, persona, conversation.id, SamplingParams())
    if max_tokens is not None:
        params = replace(params, max_tokens=max(1, max_tokens))
    conversation, messages, completion = chat.answer_again(item.reply.id, params, cancel)
    retried = False
    if stay_in_character:
        question_id = item.reply.parent_id
        completion, retried = chat.in_character_again(conversation, messages, completion, params, cancel, question_id)
    before = _badges(chat.verdict(conversation, messages, item.reply.content, item.reply.id))
    after = _badges(chat.verdict(conversation, messages, completion.text, question_id=item.reply.parent_id))
    reasons = tuple(item.feedback.reasons)
    complaint = complaint_badges(reasons)
    outcome = outcome_of(before, after, complaint)
    stored = chat.store.add_replay(
        item.feedback.id, item.reply.id, model, persona.id, card_hash(persona), completion.text,
        completion.finish_reason, before, after, outcome, stay_in_character,
    )  # fmt: skip
    question = next((m.content for m in reversed(messages) if m.role == "user"), "")
    return ReplayItem(
        item.feedback.id, item.reply.id, conversation.id, persona.id, conversation.topic, question, reasons,
        item.feedback.thumbs, item.reply.content, completion.text, completion.finish_reason, before, after,
        complaint, outcome, stored.id, retried,
    )  # fmt: skip


def _badges(verdict: dict[str, Any] | None) -> dict[str, Any]:
    return {name: badge_summary((verdict or {}).get(name)) for name in BADGE_NAMES}
