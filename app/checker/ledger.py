"""Ledger contradictions: a reply that breaks a fact the conversation established (:mod:`app.facts_ledger`).

Three ways to break one, each named in the reason with the row it breaks: calling the learner by another name,
restating a misconception the tutor corrected, and changing a story fact (the red yarn ball is now blue).
Ignoring the learner's level is not a contradiction. Plain regular expressions over the reply: well under a
millisecond for a ledger of dozens of rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import app.facts_ledger as facts
from app.checker.reasons import Reason, reason
from app.checker.text import MYTH_MARKERS, is_cjk_text, sentences
from app.checker.verdict import Signal

CONTRADICTION = -3.0
RESTATED = 0.75  # share of a misconception's bigrams (words in English) a clause must repeat to restate it

_HAN = r"\u4e00-\u9fff"
_ZH_YOUR_NAME = re.compile(
    rf"(?:你的名字(?:是|叫)|你叫(?:做)?|我(?:就)?叫你)\s*([{_HAN}A-Za-z][{_HAN}A-Za-z·]{{0,5}}?)"
    r"(?=$|[\s，。！？,.!?；;~～、…]|吧|呀|啊|哦|呢|了|喵|对|同学)"
)
_EN_YOUR_NAME = re.compile(
    r"\b(?:your name is|you(?:'re| are) called|i'll call you)\s+([A-Za-z][A-Za-z'-]{0,19})\b", re.I
)
_NOT_NAME = re.compile(r"^(?:什么|啥|谁|这|那|哪|怎|what|who|not)", re.I)
_NEGATION = re.compile(
    r"不是|并不|不会|不能|不再|没有|并非|而非|不要|绝不|从不|不用|不需要|无需|不必"
    r"|\bnot\b|\bnever\b|n't\b|\bno\b|\bno longer\b|\brather than\b|\binstead\b|\bnor\b",
    re.I,
)
_CLAUSE = re.compile(r"[，,；;:：]")
_STOPWORDS = frozenset(
    " ".join(
        (
            "a an the of to in on for and or but is are was were be been it its this that these",
            "those any some with as by at from their they them you your we our i my me do does did so",
        )
    ).split()
)


def _grams(text: str) -> set[str]:
    """Character bigrams of Chinese, content words of English: what a restatement has to repeat."""
    if is_cjk_text(text):
        flat = re.sub(r"[^\w]", "", text.lower())
        return {flat[i : i + 2] for i in range(len(flat) - 1)}
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _STOPWORDS}


def _share(clause: str, claim: str) -> float:
    wanted = _grams(claim)
    return len(_grams(clause) & wanted) / len(wanted) if wanted else 0.0


def restates(reply: str, wrong: str, right: str) -> bool:
    """Some clause of ``reply`` states ``wrong`` (not negated, not reported as a myth) rather than ``right``."""
    if not wrong.strip():
        return False
    for sentence in sentences(reply):
        if MYTH_MARKERS.search(sentence.lower()):
            continue
        for clause in _CLAUSE.split(sentence):
            share = _share(clause, wrong)
            if share >= RESTATED and share > _share(clause, right) and not _NEGATION.search(clause):
                return True
    return False


def names_given(reply: str) -> list[str]:
    """The names the reply says the learner has ("你叫小红", "your name is Max")."""
    found = [m.group(1) for m in _ZH_YOUR_NAME.finditer(reply)] + [m.group(1) for m in _EN_YOUR_NAME.finditer(reply)]
    return [name for name in found if not _NOT_NAME.match(name)]


def _broken(reply: str, fact: facts.FactLike, stories: Sequence[facts.FactCandidate]) -> bool:
    if fact.kind == "learner" and fact.subject == "name":
        return any(not facts.same_value(name, fact.text) for name in names_given(reply))
    if fact.kind == "correction":
        return restates(reply, fact.subject, fact.text)
    if fact.kind == "story":
        colour = facts.color_of(fact.text) is not None
        return any(
            facts.key(s.subject) == facts.key(fact.subject)
            and (facts.color_of(s.text) is not None) == colour
            and not facts.same_value(s.text, fact.text)
            for s in stories
        )
    return False


def ledger_reason(fact: facts.FactLike) -> Reason:
    """The reason for a broken row, in the words of :func:`app.facts_ledger.describe` (one code per wording)."""
    if fact.kind == "learner":
        if fact.subject in ("name", "level"):
            return reason(f"ledger_learner_{fact.subject}", value=fact.text)
        return reason("ledger_fact", fact=fact.text)
    if fact.kind == "correction":
        return (
            reason("ledger_correction", fact=fact.text, wrong=fact.subject)
            if fact.subject
            else reason("ledger_fact", fact=fact.text)
        )
    if facts.color_of(fact.text):
        return reason("ledger_colour", subject=fact.subject, value=fact.text)
    return reason("ledger_name", subject=fact.subject, value=fact.text)


def ledger_signals(reply: str, ledger: Sequence[facts.FactLike]) -> tuple[list[Signal], list[Reason]]:
    """A signal and a reason for each active ledger row the reply contradicts."""
    signals: list[Signal] = []
    reasons: list[Reason] = []
    if not ledger or not reply.strip():
        return signals, reasons
    stories = facts.story_facts(reply)
    for index, fact in enumerate(ledger):
        if getattr(fact, "active", True) and _broken(reply, fact, stories):
            row = getattr(fact, "id", index + 1)
            signals.append(Signal(f"ledger:{fact.kind}:{row}", 1.0, CONTRADICTION))
            reasons.append(ledger_reason(fact))
    return signals, reasons
