"""Checking a reply against reference text the learner supplied (``--notes-file``): unsupported specifics.

Without an NLI model (none installs offline), the checker looks for the details a hallucination invents:
numbers and dates absent from the notes, and the share of the reply's character trigrams the notes never
contain. On UHGEval this lexical evidence is weak (see the benchmark); topic packs carry the strong signals.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.checker.verdict import Signal

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?%?")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=16)
def _trigrams(text: str) -> frozenset[str]:
    flat = _SPACE.sub("", text.lower())
    return frozenset(flat[i : i + 3] for i in range(len(flat) - 2))


def notes_signals(reply: str, notes: str) -> tuple[list[Signal], list[str]]:
    signals: list[Signal] = []
    reasons: list[str] = []
    numbers = _NUMBER.findall(reply)
    novel = [n for n in numbers if n.rstrip("%") not in notes]
    if numbers:
        signals.append(Signal("unsupported_numbers", len(novel), -0.8 * min(3, len(novel))))
        if novel:
            reasons.append(f"numbers not in the notes: {', '.join(novel[:3])}")
    grams = _trigrams(reply)
    if grams:
        unsupported = len(grams - _trigrams(notes)) / len(grams)
        signals.append(Signal("unsupported_text", unsupported, -2.0 * max(0.0, unsupported - 0.5)))
        if unsupported > 0.8:
            reasons.append("most of the reply is not backed by the notes")
    return signals, reasons
