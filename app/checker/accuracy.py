"""The Accuracy badge: does the reply state known misconceptions, miss the core ideas, or explain another topic?"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.checker.answer_key import contradictions, key_coverage, question_key
from app.checker.ledger import ledger_signals
from app.checker.reasons import Reason, reason
from app.checker.reference import notes_signals
from app.checker.relations import wrong_relations
from app.checker.text import MYTH_MARKERS, find_term, is_cjk_text, negated_before, sentences
from app.checker.topic_pack import Misconception, TopicPack
from app.checker.topic_terms import answer_similarity, foreign_terms, identity_claims
from app.checker.verdict import Badge, Signal, Thresholds, make_badge

if TYPE_CHECKING:
    from app.facts_ledger import FactLike

THRESHOLDS = Thresholds(ok=0.6, off=0.35)
BIAS = 1.2
CONTRADICTION = -3.0
KEY_WEIGHT = 3.0  # log-odds across the answer key's coverage, 0 at KEY_PIVOT
KEY_PIVOT = 0.5
FOREIGN_WEIGHT = -2.0  # per term of another topic (at most FOREIGN_CAP of them)
FOREIGN_CAP = 2
IDENTITY = -2.5
RELATION = -4.0  # a step or property paired with the wrong agent ("the server accepts the SYN-ACK")
SIMILARITY_WEIGHT = 1.0  # log-odds per unit of the key answer's wording found in the reply, 0 at SIMILARITY_PIVOT
SIMILARITY_PIVOT = 0.3

_NEGATION = re.compile(
    r"不是|并不|不会|不能|不再|没有|并非|而非|而不是|不要|绝不|从不|不用|不需要|无需"
    r"|\bnot\b|\bnever\b|n't\b|\bno\b|\bno longer\b|\brather than\b|\binstead\b|\bnor\b"
)


_NEGATION_BEFORE_CLAIM = re.compile(_NEGATION.pattern + r"|不像|不$|\bunlike\b")


_DOES_NOTHING = re.compile(
    r"does(?: not|n't) do anything|does nothing|has no (?:effect|purpose|use)"
    r"|没有任何作用|什么都不做|没有什么作用|毫无作用",
    re.IGNORECASE,
)
_TRAINING_QUESTION = re.compile(r"训练|学习出来|学出来|\btrain(?:ed|ing)?\b|\blearned\b", re.IGNORECASE)
_TRAINING_TERMS = re.compile(r"梯度|反向传播|损失|误差|优化|gradient|backprop|loss|error|optimi[sz]", re.IGNORECASE)


def _non_answer(reply: str, question: str | None) -> bool:
    """The reply only asks back or echoes the question."""
    text = reply.strip()
    if not text:
        return True
    if text.endswith(("?", "？")) and len(text) < 120 and len(sentences(text)) <= 1:
        return True
    if question:
        flat_q, flat_r = question.lower().strip(" ?？"), text.lower().strip(" ?？")
        at = flat_r.find(flat_q) if len(flat_q) >= 6 else -1
        if at >= 0 and len(flat_r) - (at + len(flat_q)) < 15:
            return True
        last = sentences(text)[-1]
        return last.endswith(("?", "？")) and _bigram_overlap(last, question) >= 0.6
    return False


def _bigram_overlap(a: str, b: str) -> float:
    def grams(text: str) -> set[str]:
        flat = "".join(text.lower().split()).strip("?？")
        return {flat[i : i + 2] for i in range(len(flat) - 1)}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(gb) if gb else 0.0


def _trigram_set(text: str) -> set[str]:
    flat = "".join(text.lower().split())
    return {flat[i : i + 3] for i in range(len(flat) - 2)}


def _recited_example(reply: str, question: str, examples: Sequence[tuple[str, str]]) -> float | None:
    """Share of the reply copied from an example answer whose example question is not this question."""
    grams = _trigram_set(reply)
    if len(grams) < 20:
        return None
    for asked, answered in examples:
        copied = len(grams & _trigram_set(answered)) / len(grams)
        if copied >= 0.5 and _bigram_overlap(question, asked) < 0.5:
            return copied
    return None


def _generic_signals(reply: str, question: str | None) -> tuple[list[Signal], list[Reason]]:
    signals: list[Signal] = []
    reasons: list[Reason] = []
    if _non_answer(reply, question):
        signals.append(Signal("non_answer", 1.0, -3.0))
        reasons.append(reason("non_answer"))
    nothing = _DOES_NOTHING.search(reply)
    if nothing:
        signals.append(Signal("does_nothing", 1.0, -2.5))
        reasons.append(reason("does_nothing", phrase=nothing.group(0)))
    if question and _TRAINING_QUESTION.search(question) and len(reply) >= 30 and not _TRAINING_TERMS.search(reply):
        signals.append(Signal("training_without_gradients", 1.0, -1.5))
        reasons.append(reason("training_without_gradients"))
    return signals, reasons


def _find(sentence: str, words: tuple[str, ...]) -> tuple[int, int, str] | None:
    for word in words:
        at = find_term(sentence, word)
        if at >= 0:
            return at, at + len(word), word
    return None


def _states(sentence: str, pattern: tuple[tuple[str, ...], ...]) -> bool:
    """All groups occur in the sentence, the first is not negated ("without regularization …") and no negation
    sits between them (unless the claim itself negates)."""
    hits = []
    for group in pattern:
        hit = _find(sentence, group)
        if hit is None:
            return False
        hits.append(hit)
    hits.sort()
    if negated_before(sentence, hits[0][0]):
        return False
    start = max(0, hits[0][0] - 3)
    gap = sentence[start : hits[-1][1]]
    for _, _, word in hits:
        gap = gap.replace(word, " ")
    if _NEGATION.search(gap):
        return False
    return not MYTH_MARKERS.search(sentence)


def _states_of_asked(sentence: str, pattern: tuple[tuple[str, ...], ...], asked: str, whole: str) -> bool:
    """A reply that never names the pattern's subject (its first group) speaks of the question's: "学习率太大会怎么样？"
    answered "训练会更快更准" states "学习率太大 + 更快" as surely as a reply that repeats the subject."""
    subject, claim = pattern[0], pattern[1:]
    if not claim or _find(asked, subject) is None or _find(whole, subject) is not None or not _states(sentence, claim):
        return False
    # The subject stands at the sentence's start, so a negation anywhere before the claim negates it, as a
    # negation between the subject and the claim would ("它不像 RNN 那样一个一个处理", "it does not read … one by one").
    first = min(hit[0] for hit in (_find(sentence, group) for group in claim) if hit is not None)
    return not _NEGATION_BEFORE_CLAIM.search(sentence[:first])


def stated_misconceptions(
    text: str, packs: Sequence[TopicPack], question: str | None = None
) -> list[tuple[TopicPack, Misconception]]:
    found: list[tuple[TopicPack, Misconception]] = []
    lowered = [s.lower() for s in sentences(text)]
    whole, asked = text.lower(), (question or "").lower()
    for pack in packs:
        for item in pack.misconceptions:
            if any(_states(s, p) for p in item.patterns for s in lowered) or (
                asked and any(_states_of_asked(s, p, asked, whole) for p in item.patterns for s in lowered)
            ):
                found.append((pack, item))
    return found


def stated_errors(text: str, packs: Sequence[TopicPack], question: str | None = None) -> list[tuple[Signal, Reason]]:
    """What the text gets wrong against the packs, each as the Accuracy badge's signal and reason: stated
    misconceptions (of the question's subject, when the text does not name it), contradicted key facts and steps
    given to the wrong agent (one per pack). Quiz grading (``app.quiz``) uses it too, so a wrong answer is wrong
    for the same reason a reply's badge would give."""
    zh = is_cjk_text(text)
    lang = "zh" if zh else "en"
    found: list[tuple[Signal, Reason]] = []
    for pack, item in stated_misconceptions(text, packs, question):
        correction = item.correction_zh if zh and item.correction_zh else item.correction
        claim = item.claim_zh if zh and item.claim_zh else item.claim
        why = (
            reason("pack_correction", topic=pack.label(lang), correction=correction)
            if correction
            else reason("misconception", claim=claim)
        )
        found.append((Signal(f"misconception:{pack.id}", 1.0, -4.0), why))
    for contradiction in contradictions(text, packs, question):
        fact = contradiction.fact_zh if zh and contradiction.fact_zh else contradiction.fact
        why = reason("key_fact_contradiction", topic=contradiction.pack.label(lang), fact=fact)
        found.append((Signal(f"contradiction:{contradiction.kind}:{contradiction.pack.id}", 1.0, CONTRADICTION), why))
    for pack in packs:
        for relation in wrong_relations(text, pack.relations)[:1]:
            fact = relation.zh if zh and relation.zh else relation.en
            why = reason("key_fact_contradiction", topic=pack.label(lang), fact=fact)
            found.append((Signal(f"wrong_relation:{pack.id}", 1.0, RELATION), why))
    return found


def pack_scores(text: str, packs: Sequence[TopicPack]) -> dict[str, int]:
    """How many of each pack's keywords the text mentions."""
    low = text.lower()
    return {pack.id: sum(1 for k in pack.keywords if k and find_term(low, k) >= 0) for pack in packs}


def detect_packs(question: str, packs: Sequence[TopicPack]) -> list[TopicPack]:
    """Packs the question is about: those with the most keyword hits (ties kept)."""
    scores = pack_scores(question, packs)
    best = max(scores.values(), default=0)
    if best == 0:
        return []
    return [p for p in packs if scores[p.id] == best]


def _core_coverage(reply: str, pack: TopicPack) -> float:
    if not pack.core:
        return 1.0
    low = reply.lower()
    return sum(1 for group in pack.core if any(find_term(low, w) >= 0 for w in group)) / len(pack.core)


def _coverage_signals(
    reply: str, focus: TopicPack, question: str | None, lang: str
) -> tuple[list[Signal], list[Reason]]:
    """The question's answer key when the pack has one for it, else the pack's core concepts."""
    key = question_key(question, focus) if question else None
    if key is None:
        core = _core_coverage(reply, focus)
        signal = Signal(f"core_coverage:{focus.id}", core, -1.2 if core == 0 else 0.8 * core)
        return [signal], [reason("no_core_ideas", topic=focus.label(lang))] if core == 0 else []
    coverage, missing = key_coverage(reply, key)
    reasons: list[Reason] = []
    if coverage < KEY_PIVOT:
        answer = key.answer_zh if lang == "zh" and key.answer_zh else key.answer
        reasons.append(reason("misses_answer", answer=answer, missing=", ".join(missing)))
    signals = [Signal(f"answer_key:{focus.id}", coverage, KEY_WEIGHT * (coverage - KEY_PIVOT))]
    similarity = answer_similarity(reply, key, lang == "zh")
    if similarity is not None:
        signals.append(Signal("answer_wording", similarity, SIMILARITY_WEIGHT * (similarity - SIMILARITY_PIVOT)))
    return signals, reasons


def _term_signals(
    reply: str, asked: Sequence[TopicPack], packs: Sequence[TopicPack], lang: str
) -> tuple[list[Signal], list[Reason]]:
    """Another topic's terms in the reply (a short reply names too few words to tell)."""
    signals: list[Signal] = []
    reasons: list[Reason] = []
    foreign = foreign_terms(reply, asked, packs)
    if foreign:
        count = min(FOREIGN_CAP, len(foreign))
        signals.append(Signal("foreign_terms", len(foreign), FOREIGN_WEIGHT * count))
        words = ", ".join(f"“{word}” ({pack.label(lang)})" for pack, word in foreign[:3])
        reasons.append(reason("foreign_terms", terms=words))
    return signals, reasons


def _identity_signals(
    reply: str, asked: Sequence[TopicPack], packs: Sequence[TopicPack]
) -> list[tuple[Signal, Reason]]:
    """Two different concepts equated ("池化层就是全连接层"): a stated error, wrong at any length."""
    return [
        (Signal("identity_claim", 1.0, IDENTITY), reason("identity_claim", term=x, other=y))
        for x, y in identity_claims(reply, asked, packs)[:1]
    ]


def accuracy_badge(
    reply: str,
    *,
    packs: Sequence[TopicPack],
    topic: TopicPack | None = None,
    question: str | None = None,
    notes: str | None = None,
    partial: bool = False,
    examples: Sequence[tuple[str, str]] = (),
    ledger: Sequence[FactLike] = (),
) -> tuple[Badge, tuple[str, ...]]:
    """Score the Accuracy badge against the packs the question (or else the topic) is about, the notes, and the
    conversation's facts ledger."""
    signals: list[Signal] = []
    reasons: list[Reason] = []
    zh = is_cjk_text(reply)
    asked = detect_packs(question, packs) if question else []
    active = list(asked) or ([topic] if topic else [])
    if topic and topic not in active:
        active.append(topic)

    for signal, why in [*stated_errors(reply, active, question), *_identity_signals(reply, asked or active, packs)]:
        signals.append(signal)
        reasons.append(why)

    if not partial and question:
        recited = _recited_example(reply, question, examples)
        if recited is not None:
            signals.append(Signal("recited_example", recited, -2.5))
            reasons.append(reason("recited_example"))

    if not partial:
        generic_signals, generic_reasons = _generic_signals(reply, question)
        signals += generic_signals
        reasons += generic_reasons

    long_enough = len(reply) >= (20 if zh else 40)  # to judge which concepts and terms a reply covers
    focus = (asked or active)[0] if active else None
    if not partial and focus and (long_enough or (question and question_key(question, focus))):
        # A short reply is held to the question's answer key all the same: "O(n)。" to "二分查找的时间复杂度是多少？"
        signals_, reasons_ = _coverage_signals(reply, focus, question, "zh" if zh else "en")
        signals += signals_
        reasons += reasons_
    if not partial and focus and long_enough:
        signals_, reasons_ = _term_signals(reply, asked or active, packs, "zh" if zh else "en")
        signals += signals_
        reasons += reasons_
        if asked:
            scores = pack_scores(reply, packs)
            other = max((p for p in packs if p not in asked), key=lambda p: scores[p.id], default=None)
            wanted = max(scores[p.id] for p in asked)
            if other is not None and scores[other.id] >= 2 and scores[other.id] >= 2 * max(1, wanted):
                signals.append(Signal(f"wrong_topic:{other.id}", scores[other.id] - wanted, -2.5))
                lang = "zh" if zh else "en"
                reasons.append(reason("wrong_topic", other=other.label(lang), topic=focus.label(lang)))

    if notes:
        note_signals, note_reasons = notes_signals(reply, notes)
        signals += note_signals
        reasons += note_reasons
    ledger_found, ledger_reasons = ledger_signals(reply, ledger)
    signals += ledger_found
    reasons += ledger_reasons
    badge = make_badge(BIAS, signals, reasons, THRESHOLDS)
    return badge, tuple(p.id for p in active)
