"""The checker's entry points: :func:`check` for a finished reply, :func:`check_partial` while it streams."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.checker.accuracy import accuracy_badge
from app.checker.consistency import HistoryTurn, consistency_badge
from app.checker.persona_profile import profile_for
from app.checker.topic_pack import TopicPack, TopicPackError, load_packs
from app.personas import Persona
from app.topics import topic_title

if TYPE_CHECKING:
    from app.facts_ledger import FactLike

CHECKER_VERSION = "1.8"  # 1.2: other topics' terms, identity claims; 1.3: ledger contradictions;
# 1.4: a quiz's grading reply carries the grade as its Accuracy badge ("source": "quiz", app.quiz_service);
# 1.5: "maximise/maximize the loss" is caught (the pattern was a regex, which never matched; packs refuse one now);
# 1.6: packs' relations, a step given to the wrong agent ("the server accepts the SYN-ACK", app.checker.relations);
# 1.7: narrower misconception patterns ("dropout is turned off at test time", "训练难度变大" are no longer flagged)
# and "no"/"不用"/"不需要"/"无需" negate a misconception like "not" does, as does "without"/"不加" right before it
# 1.8: a short reply (under 20 Chinese / 40 other characters) is checked for two concepts equated ("池化层就是全连接层")
# and held to the question's answer key ("O(n)。" to "二分查找的时间复杂度是多少？"); both were skipped. A reply that
# never names the question's subject is read as speaking of it ("因为它像 RNN 一样一个一个处理词" to "Transformer 为什么
# 需要位置编码？"), with any negation before the claim negating it; "(如果)没有 X，…" is a condition, not a denial of X

HistoryLike = Sequence[Any]  # ChatMessage / Message objects (role, content) or (role, content) tuples


def _turns(history: HistoryLike) -> list[HistoryTurn]:
    turns = []
    for item in history:
        if isinstance(item, tuple):
            role, content = item[0], item[1]
        else:
            role, content = getattr(item, "role", ""), getattr(item, "content", "")
        turns.append(HistoryTurn(str(role), str(content)))
    return turns


def resolve_topic(topic: str | None, packs: Sequence[TopicPack]) -> TopicPack | None:
    """A pack id (``cnn``), a pack title in either language, or free text that mentions a pack's keywords."""
    if not topic:
        return None
    wanted = " ".join(topic.split()).lower()
    for pack in packs:
        if wanted in (pack.id, pack.title.lower(), pack.title_zh.lower()) or topic_title(topic) == pack.title:
            return pack
    from app.checker.accuracy import detect_packs

    found = detect_packs(topic, packs)
    return found[0] if found else None


def check(
    persona: Persona,
    reply: str,
    *,
    question: str | None = None,
    topic: str | None = None,
    notes: str | None = None,
    history: HistoryLike = (),
    packs: Sequence[TopicPack] | None = None,
    topics_dir: Path | None = None,
    partial: bool = False,
    ledger: Sequence[FactLike] = (),
) -> Verdict:
    """Judge one reply. ``topic`` is a pack id or title; ``notes`` is reference text; ``history`` the turns before;
    ``ledger`` the conversation's facts ledger (rows switched off are ignored).

    ``packs`` defaults to the built-in packs plus those in ``topics_dir`` (``<data dir>/topics``).
    """
    started = time.perf_counter()
    if packs is None:
        packs = load_packs(topics_dir)
    profile = profile_for(persona)
    turns = _turns(history)
    if question is None:
        question = next((t.content for t in reversed(turns) if t.role == "user"), None)
    consistency = consistency_badge(profile, reply, question=question, history=turns, partial=partial)
    accuracy, active = accuracy_badge(
        reply,
        packs=packs,
        topic=resolve_topic(topic, packs),
        question=question,
        notes=notes,
        partial=partial,
        examples=profile.examples,
        ledger=ledger,
    )
    elapsed = (time.perf_counter() - started) * 1000
    return Verdict(consistency, accuracy, elapsed, CHECKER_VERSION, active)


def check_partial(persona: Persona, partial_reply: str, **kwargs: Any) -> Verdict:
    """A cheap provisional verdict for a reply still streaming: only the checks a prefix can support."""
    return check(persona, partial_reply, partial=True, **kwargs)


__all__ = ["CHECKER_VERSION", "TopicPackError", "check", "check_partial", "resolve_topic"]

from app.checker.verdict import Verdict  # noqa: E402  (re-exported for type hints above)
