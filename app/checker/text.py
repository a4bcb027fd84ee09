"""Cheap text measurements shared by the signals: scripts, sentences, negation, character n-gram profiles."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# A sentence that reports a myth ("a common misconception is that…") does not state it.
MYTH_MARKERS = re.compile(
    r"误解|误区|以为|错误的说法|有人说|myth|misconception|mistaken|common mistake|people think|wrongly"
)
# A term negated by what stands right before it: "without regularization", "no pooling", "不加正则化".
_NEGATED_BEFORE = re.compile(r"(?:\bwithout\s+(?:the\s+|a\s+)?|\bno\s+|没有|不加|不用|去掉|取消|缺少)\s*$")
_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=[.])\s+")


def cjk_ratio(text: str) -> tuple[float, float]:
    """Fractions of CJK and Latin letters among all letters (0, 0 when the text has none)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    total = cjk + latin
    if total == 0:
        return 0.0, 0.0
    return cjk / total, latin / total


def sentences(text: str) -> list[str]:
    """Split on Chinese and English sentence ends and line breaks; drop empty pieces."""
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


def negated_before(text: str, start: int) -> bool:
    """The term at ``start`` is negated by the words right before it ("without regularization the model…")."""
    return bool(_NEGATED_BEFORE.search(text[max(0, start - 10) : start]))


def is_cjk_text(text: str) -> bool:
    return cjk_ratio(text)[0] >= 0.3


def normalize(text: str) -> str:
    return " ".join(text.lower().split())


def ngram_profile(text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> Counter[str]:
    """Character n-grams (CJK) and word uni/bigrams plus short character grams (Latin), counted."""
    low = text.lower()
    grams: Counter[str] = Counter()
    cjk_runs = re.findall(r"[\u3400-\u9fff~～!！?？\(\)（）\*]+", low)
    for run in cjk_runs:
        for n in sizes:
            for i in range(len(run) - n + 1):
                grams[run[i : i + n]] += 1
    words = re.findall(r"[a-z']+|[~!?*]", low)
    for i, word in enumerate(words):
        grams["w:" + word] += 1
        if i + 1 < len(words):
            grams["w:" + word + " " + words[i + 1]] += 1
    return grams


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(v * large.get(k, 0) for k, v in small.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])" + re.escape(word))


def find_term(text: str, term: str) -> int:
    """Position of ``term`` in lower-case ``text``; a Latin term must start a word ("syn" not in "photosynthesis")."""
    if not term[:1].isascii() or not term[:1].isalpha():
        return text.find(term)
    match = _word_pattern(term).search(text)
    return match.start() if match else -1
