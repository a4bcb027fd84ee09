"""Wrong relations between right terms: a step or property given to the wrong agent, within one clause.

The starter model's typical garbled answer uses the topic's words and gets their relations wrong: "the server
accepts the SYN-ACK" (the client does), "Q 是前一个词" (the query comes from the current token), "光反应在基质
中固定二氧化碳" (that is the Calvin cycle). A pack lists such relations as data (``relations``)::

    {"en": "the client sends SYN and the final ACK; the server answers with SYN-ACK", "zh": "…",
     "subject": "server|服务器", "others": "client|客户端", "wrong": "accepts the syn-ack|收到 syn-ack"}

A clause states the wrong relation when a ``wrong`` phrase follows a mention of the ``subject`` and no other
candidate agent (``others``) stands between them, the subject is not the object of a preposition ("sends a
SYN *to the server* and receives the SYN-ACK" is the client receiving), neither the subject nor the step is
negated ("without regularization", "does not"), no ``unless`` word is in the clause ("小于中间值就排除右半边"),
and the sentence does not report a myth. A condition and its main clause count as one clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.checker.text import MYTH_MARKERS, negated_before, sentences

_CLAUSE = re.compile(r"[，,；;：:（）()]")
_CONDITION = re.compile(r"(?:if|when|whenever|once)\b|如果|假如|若|当")
_COPULA_START = re.compile(r"(?:is|are|was|were)\b|是|就是")
# The mention is an object, not the agent: "to the server", "向服务器", "比批量梯度下降".
_OBJECT_BEFORE = re.compile(
    r"(?:\b(?:to|from|with|than|of|for|towards?|into|at|on)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+|each\s+)?"
    r"|[向给从比对跟把])\s*$"
)
_NEGATION = re.compile(
    r"不是|并不|不会|不能|不再|没有|并非|而非|而不是|不要|绝不|从不|无法|不(?!仅|同|断|少|错|久)"
    r"|难以|很难|\bnot\b|\bnever\b|n't\b|\bno longer\b|\brather than\b|\binstead\b|\bnor\b|\bcannot\b|\bfail|\bunable\b"
)


@dataclass(frozen=True)
class Relation:
    """A key fact about who does what, and the wrong pairings of ``subject`` with ``wrong`` that contradict it."""

    subject: tuple[str, ...]
    wrong: tuple[str, ...]
    others: tuple[str, ...]
    unless: tuple[str, ...]
    en: str
    zh: str


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A Latin term starts a word ("syn" not in "photosynthesis"); a short one also ends it ("q" not in "query")."""
    start = r"(?<![a-z])" if term[:1].isascii() and term[:1].isalpha() else ""
    end = r"(?![a-z])" if len(term) <= 2 and term[-1:].isascii() and term[-1:].isalpha() else ""
    return re.compile(start + re.escape(term) + end)


def _spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for w in words for m in _term_pattern(w).finditer(text)]


def _agents(clause: str, relation: Relation) -> list[tuple[int, int, bool]]:
    """Mentions of the subject (True) and the other agents (False), overlaps resolved to the earliest, longest."""
    found = [(s, e, True) for s, e in _spans(clause, relation.subject)]
    found += [(s, e, False) for s, e in _spans(clause, relation.others)]
    found.sort(key=lambda m: (m[0], -m[1]))
    kept: list[tuple[int, int, bool]] = []
    for mention in found:
        if not kept or mention[0] >= kept[-1][1]:
            kept.append(mention)
    return [m for m in kept if not _OBJECT_BEFORE.search(clause[max(0, m[0] - 14) : m[0]])]


def _states(clause: str, relation: Relation) -> bool:
    if relation.unless and _spans(clause, relation.unless):
        return False
    agents = _agents(clause, relation)
    for start, end in _spans(clause, relation.wrong):
        if any(m[0] <= start < m[1] or start <= m[0] < end for m in agents):
            continue  # the step is part of an agent's own name ("批归一化" is not "归一化")
        before = [m for m in agents if m[1] <= start]
        if not before or not before[-1][2] or negated_before(clause, before[-1][0]):
            continue
        if not _NEGATION.search(clause[before[-1][1] : start]):
            return True
    return False


def _clauses(sentence: str) -> list[str]:
    """The sentence's clauses. A condition stays with its main clause ("如果目标比中间大，就去左半边"), and one
    that starts with a bare copula ("…, is a technique used to …") keeps the sentence's first clause as subject."""
    parts = [c.strip() for c in _CLAUSE.split(sentence) if c.strip()]
    merged: list[str] = []
    condition = False
    for i, part in enumerate(parts):
        if condition:
            merged[-1] = f"{merged[-1]} {part}"
            condition = False
        elif i and _COPULA_START.match(part):
            merged.append(f"{parts[0]} {part}")
        else:
            merged.append(part)
            condition = bool(_CONDITION.match(part))
    return merged


def wrong_relations(text: str, relations: Sequence[Relation]) -> list[Relation]:
    """The relations the text states the wrong way round (each once)."""
    low = text.lower()
    candidates = [r for r in relations if any(_term_pattern(w).search(low) for w in r.wrong)]
    if not candidates:  # the common case: no wrong step is even mentioned
        return []
    clauses = [c for s in sentences(low) if not MYTH_MARKERS.search(s) for c in _clauses(s)]
    return [r for r in candidates if any(_states(c, r) for c in clauses)]
