"""What a reply does with the packs' key terms: names another topic's concepts, equates two different concepts, or
says the answer key's words.

Three checks (checker 1.2), all on words the packs already list:

* **foreign terms** — a garbled small-model answer borrows another topic's vocabulary ("positional encoding works
  on the feature map after pooling"). A term counts when it belongs to another pack, is not one of the asked
  pack's own words and the asked pack's facts, corrections and answers never mention it (so "unlike an RNN" in
  a Transformer answer is fine once the pack says so), and is not an everyday word (``GENERIC``);
* **identity claims** — "池化层就是全连接层", "pooling is just attention": two different key terms joined by a
  strong copula (就是, 等于, "is just", "is the same as"), or a plain one (是, "is") to a foreign term;
* **answer similarity** — the share of the expected answer's character bigrams (Chinese) or word stems
  (English) the reply contains: a reply that says the key answer in other words still overlaps with it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from app.checker.text import MYTH_MARKERS, find_term, sentences
from app.checker.topic_pack import QuestionKey, TopicPack

# Keywords of some pack that are also everyday words in any technical answer: never evidence of another topic.
GENERIC = frozenset(
    {"value", "key", "vector", "向量", "sequence", "序列", "loss", "query", "查询", "split", "分裂", "leaf", "叶子"}
    | {"连接", "connection", "filter", "kernel", "validation", "stochastic", "反向", "有序", "sorted", "gate", "门"}
    | {"值", "键", "tcp", "同步", "确认"}
)
_LAYER = r"\s*(?:层|layers?|s)?\s*"
_STRONG = (
    r"就是|也就是|即是|即|等于|等同于|相当于|is just|are just|is simply|is the same as|are the same as"
    r"|is equivalent to|is another name for|means"
)
_STRONG_WORDS = re.compile(_STRONG)
_STRONG_COPULA = re.compile(rf"^{_LAYER}(?:其实)?(?:{_STRONG})\s*(?:一个|一种|a |an |the )?\s*$")
_PLAIN_COPULA = re.compile(rf"^{_LAYER}(?:是|is|are)\s*(?:a |an |the )?\s*$")


def own_words(pack: TopicPack) -> frozenset[str]:
    """Every word the pack uses to match: keywords, terms, core groups and its answer keys' words."""
    words = set(pack.keywords) | {w.lower() for pair in pack.terms for w in pair if w}
    words |= {w for group in pack.core for w in group}
    for key in pack.questions:
        words |= {w for group in (*key.ask, *key.needs) for w in group}
    return frozenset(w for w in words if w)


def _notes_text(pack: TopicPack) -> str:
    """The pack's correct statements (facts, corrections, answers): related topics it names on purpose."""
    parts = [pack.title, pack.title_zh, *(text for fact in pack.facts for text in fact)]
    parts += [text for item in pack.misconceptions for text in (item.correction, item.correction_zh)]
    parts += [text for key in pack.questions for text in (key.answer, key.answer_zh)]
    return " ".join(parts).lower()


def _topic_words(pack: TopicPack) -> set[str]:
    return set(pack.keywords) | {w.lower() for pair in pack.terms for w in pair if w}


def _alternation(words: Sequence[str]) -> re.Pattern[str]:
    """One pattern for many terms, longest first; a Latin term must start a word (as :func:`find_term`)."""
    parts = [
        (r"(?<![a-z])" if w[:1].isascii() and w[:1].isalpha() else "") + re.escape(w)
        for w in sorted(words, key=len, reverse=True)
    ]
    return re.compile("|".join(parts) or r"(?!)")


_CACHE: dict[tuple[int, ...], Any] = {}


def _cached(key: tuple[Sequence[TopicPack], ...], build: Callable[[], Any]) -> Any:
    """Derived tables per set of pack objects (keyed by identity: hashing whole packs costs more than the check)."""
    ident = tuple(id(p) for group in key for p in group) + tuple(-len(group) for group in key)
    if ident not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[ident] = (key, build())  # the packs are kept alive with their table, so ids are not reused
    return _CACHE[ident][1]


def _is_own(word: str, asked: Sequence[TopicPack]) -> bool:
    own = set().union(*(own_words(p) for p in asked))
    if word in own or any(word in o or o in word for o in own):
        return True
    return any(find_term(_notes_text(p), word) >= 0 for p in asked)


def _foreign_table(
    asked: Sequence[TopicPack], packs: Sequence[TopicPack]
) -> tuple[dict[str, TopicPack], re.Pattern[str]]:
    candidates: dict[str, TopicPack] = {}
    for pack in packs:
        if pack in asked:
            continue
        for word in sorted(_topic_words(pack)):
            if len(word) >= 2 and word not in GENERIC and word not in candidates and not _is_own(word, asked):
                candidates[word] = pack
    return candidates, _alternation(list(candidates))


def foreign_terms(reply: str, asked: Sequence[TopicPack], packs: Sequence[TopicPack]) -> list[tuple[TopicPack, str]]:
    """Another topic's terms in the reply that the asked topic's notes never bring up (one entry per word)."""
    candidates, pattern = _cached((tuple(asked), tuple(packs)), lambda: _foreign_table(asked, packs))
    words = dict.fromkeys(pattern.findall(reply.lower()))
    return [(candidates[word], word) for word in words]


def _term_table(packs: Sequence[TopicPack]) -> tuple[dict[str, tuple[str, int]], re.Pattern[str]]:
    """Every term and keyword with its pack and concept number (synonyms share one), and a pattern for them."""
    table: dict[str, tuple[str, int]] = {}
    concept = 0
    for pack in packs:
        for pair in pack.terms:
            concept += 1
            for word in pair:
                table.setdefault(word.lower(), (pack.id, concept)) if word else None
        for word in pack.keywords:
            concept += 1
            table.setdefault(word, (pack.id, -concept))  # a keyword alone: only compared across packs
    return table, _alternation(list(table))


def identity_claims(reply: str, asked: Sequence[TopicPack], packs: Sequence[TopicPack]) -> list[tuple[str, str]]:
    """``(X, Y)`` for "X 就是 Y" between two different concepts, or "X 是 Y" with Y another topic's term."""
    if not _STRONG_WORDS.search(reply.lower()) and not foreign_terms(reply, asked, packs):
        return []  # neither a strong copula nor another topic's term: nothing to equate (most replies)
    table, pattern = _cached((tuple(packs),), lambda: _term_table(packs))
    asked_ids = {p.id for p in asked}
    claims: list[tuple[str, str]] = []
    for sentence in sentences(reply.lower()):
        if MYTH_MARKERS.search(sentence):
            continue
        found = list(pattern.finditer(sentence))
        for first, second in itertools.pairwise(found):
            x, y = first.group(0), second.group(0)
            (x_pack, x_concept), (y_pack, y_concept) = table[x], table[y]
            between = sentence[first.end() : second.start()]
            if x in y or y in x or (x_concept == y_concept and x_pack == y_pack):
                continue
            same_pack_terms = x_pack == y_pack and x_concept > 0 and y_concept > 0
            foreign = y_pack not in asked_ids and y not in GENERIC and not _is_own(y, asked)
            strong = _STRONG_COPULA.match(between) and (same_pack_terms or foreign)
            if strong or (_PLAIN_COPULA.match(between) and foreign and x_pack in asked_ids):
                claims.append((x, y))
    return claims


def _grams(text: str, zh: bool) -> set[str]:
    low = text.lower()
    if zh:
        flat = re.sub(r"[\s，。、；：,.;:!?！？()（）“”\"']+", "", low)
        return {flat[i : i + 2] for i in range(len(flat) - 1)}
    return {word[:5] for word in re.findall(r"[a-z]+", low) if len(word) > 3}


def answer_similarity(reply: str, key: QuestionKey, zh: bool) -> float | None:
    """Share of the key answer's bigrams (zh) or word stems (en) found in the reply; None without an answer text."""
    answer = key.answer_zh if zh and key.answer_zh else key.answer
    wanted = _grams(answer, zh and bool(key.answer_zh))
    if not wanted:
        return None
    return len(wanted & _grams(reply, zh and bool(key.answer_zh))) / len(wanted)
