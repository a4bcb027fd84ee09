"""The topic packs' answer keys: what an answer to this question must mention, and key facts it must not flip.

Three checks a teacher makes without a model:

* **coverage of the question's key** — "why does TCP need three messages?" is answered only if the reply says
  both sides confirm they can send and receive (or synchronise sequence numbers); a reply that talks around
  the topic's words without them is the typical garbled answer of a small model;
* **negated or inverted key facts** — "pooling does *not* shrink the map", "池化会*放大*特征图": the fact's
  subject with its predicate negated right before it, or replaced by its antonym (a small zh/en lexicon);
* **numeric mismatches** — "a four-way handshake", "LSTM has two gates" where the pack fixes the number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.checker.text import MYTH_MARKERS, find_term, sentences
from app.checker.topic_pack import CountFact, QuestionKey, TopicPack

# Negation immediately before a predicate ("does not shrink", "不会缩小", "并没有减少").
_NEGATED_BEFORE = re.compile(
    r"(?:不是|不会|不能|不再|没有|并不|并非|无法|从不|绝不|没|不(?!仅|同|断|少|错|久))[\u4e00-\u9fff]{0,3}\s*$"
    r"|\b(?:not|never|n't|no longer|cannot|can't|won't|doesn't|don't|isn't|aren't)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# A correction that follows ("不是变大，而是变小") keeps the sentence correct.
_CORRECTION_AFTER = re.compile(r"而是|而应|but rather|\binstead\b|rather\b|相反", re.IGNORECASE)

# Antonym pairs for the predicates key facts use: a fact's predicate swapped for its antonym is a contradiction.
_ANTONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("缩小", "变小", "减小", "减少", "降低", "下降", "shrink", "reduce", "decrease", "smaller", "lower"),
        ("放大", "变大", "增大", "增加", "扩大", "提高", "上升", "enlarge", "increase", "larger", "bigger", "grow"),
    ),
    (("有序", "排好序", "sorted"), ("无序", "没排序", "未排序", "乱序", "unsorted")),
    (("反方向", "负梯度", "相反方向", "opposite", "downhill", "negative gradient"), ("同方向", "正方向", "uphill")),
    (("吸收二氧化碳", "absorbs carbon dioxide"), ("吸收氧气", "absorbs oxygen")),
    (("释放氧气", "releases oxygen"), ("释放二氧化碳", "releases carbon dioxide")),
    (("非线性", "non-linear", "nonlinear"), ("线性的", "are linear", "is linear")),
    (("共享", "shared", "same kernel"), ("每个位置都不同", "different at each", "different at every")),
)

_NUMBER_WORDS = {
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "single": 1,
}  # fmt: skip
_COUNT = re.compile(r"(\d+|[一两二三四五六]|\b(?:one|two|three|four|five|six|single)\b)(?=\s*-?\s*(\S{0,12}))", re.I)


@dataclass(frozen=True)
class Contradiction:
    pack: TopicPack
    fact: str
    fact_zh: str
    kind: str  # "negated" | "antonym" | "number"


def question_key(question: str, pack: TopicPack) -> QuestionKey | None:
    """The pack's most specific answer key whose ``ask`` groups all occur in the question (first on ties)."""
    low = question.lower()
    best: QuestionKey | None = None
    for key in pack.questions:
        asked = all(any(find_term(low, w) >= 0 for w in group) for group in key.ask)
        if asked and (best is None or len(key.ask) > len(best.ask)):
            best = key
    return best


def key_coverage(reply: str, key: QuestionKey) -> tuple[float, tuple[str, ...]]:
    """Share of the key's concept groups the reply mentions, and the first word of each missing group."""
    low = reply.lower()
    missing = tuple(group[0] for group in key.needs if not any(find_term(low, w) >= 0 for w in group))
    return (1 - len(missing) / len(key.needs)) if key.needs else 1.0, missing


def _antonyms(words: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for left, right in _ANTONYMS:
        if any(w in left for w in words):
            out += right
        if any(w in right for w in words):
            out += left
    return tuple(out)


def _hit(sentence: str, words: tuple[str, ...]) -> tuple[int, str] | None:
    for word in words:
        at = find_term(sentence, word)
        if at >= 0:
            return at, word
    return None


def _flips(sentence: str, subject: tuple[str, ...], predicate: tuple[str, ...], implied: bool = False) -> str | None:
    """``negated`` / ``antonym`` when the sentence states the subject (or, ``implied``, speaks of the question's)
    with its predicate flipped."""
    if (not implied and _hit(sentence, subject) is None) or MYTH_MARKERS.search(sentence):
        return None
    said = _hit(sentence, predicate)
    if said is not None:
        before, after = sentence[: said[0]], sentence[said[0] + len(said[1]) :]
        negation = _NEGATED_BEFORE.search(before[-18:])
        if negation and not _CORRECTION_AFTER.search(after[:12]) and not _conditional(before, negation.group(0)):
            return "negated"
        return None
    flipped = _hit(sentence, _antonyms(predicate))
    if flipped is None:
        return None
    before = sentence[: flipped[0]]
    return None if _NEGATED_BEFORE.search(before[-18:]) or _CORRECTION_AFTER.search(sentence) else "antonym"


def _conditional(before: str, negation: str) -> bool:
    """ "(如果)没有非线性的激活函数，…" opens a clause with "without …": a condition, not a denial."""
    if not negation.startswith("没"):
        return False
    opening = re.split(r"[，,；;：:]", before[: len(before) - len(negation)])[-1].strip()
    return opening in ("", "如果", "要是", "若", "假如", "假设", "一旦", "因为", "由于")


def contradictions(reply: str, packs: Sequence[TopicPack], question: str | None = None) -> list[Contradiction]:
    """Key facts (their ``match`` subject + predicate) the reply negates or inverts, and wrong fixed numbers. A
    reply that never names a fact's subject speaks of the question's, when the question names it."""
    found: list[Contradiction] = []
    lowered = [s.lower() for s in sentences(reply)]
    whole, asked = reply.lower(), (question or "").lower()
    for pack in packs:
        for fact in pack.fact_patterns:
            implied = bool(asked) and _hit(asked, fact.subject) is not None and _hit(whole, fact.subject) is None
            for sentence in lowered:
                kind = _flips(sentence, fact.subject, fact.predicate, implied)
                if kind:
                    found.append(Contradiction(pack, fact.en, fact.zh, kind))
                    break
        for count in pack.counts:
            if any(_wrong_count(s, count) for s in lowered):
                found.append(Contradiction(pack, count.fact, count.fact_zh, "number"))
    return found


def _wrong_count(sentence: str, count: CountFact) -> bool:
    if _hit(sentence, count.about) is None:
        return False
    for match in _COUNT.finditer(sentence):
        number, unit = match.group(1).lower(), match.group(2).lower()
        value = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
        if sentence[max(0, match.start() - 1) : match.start()] == "第":  # an ordinal: 第一次握手 is one step of three
            continue
        if number == "一" and unit[:1] in ("个", "种", "条"):  # 一个 is the indefinite article ("发出一个 SYN")
            continue
        if value is None or value == count.value or not any(unit.startswith(u) for u in count.unit):
            continue
        return not _NEGATED_BEFORE.search(sentence[max(0, match.start() - 14) : match.start()])
    return False
