"""Checking a reply against reference text the learner supplied (``--notes-file``): unsupported specifics.

Without an NLI model (none installs offline), the checker looks for the details a hallucination changes or
invents: a quantity the notes give with another value (the same two characters before it and the same unit:
"增长7.5%" where the notes say "增长1.3%"), numbers and dates absent from the notes, and the share of the
reply's character trigrams the notes never contain. On UHGEval this lexical evidence is weak (see the
benchmark: novelty is not error, a true continuation brings new facts too); topic packs carry the strong
signals.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.checker.reasons import Reason, reason
from app.checker.verdict import Signal

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?%?")
# A number with what stands before it (2 characters) and its unit, to find the same quantity in the notes.
_QUANTITY = re.compile(r"(\d+(?:[.,]\d+)?)\s*(%|[^\d\s，。、；：,.;:（）()“”\"]{1,2})?")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=16)
def _trigrams(text: str) -> frozenset[str]:
    flat = _SPACE.sub("", text.lower())
    return frozenset(flat[i : i + 3] for i in range(len(flat) - 2))


def number_mismatches(reply: str, notes: str) -> list[tuple[str, str]]:
    """``(said, noted)`` pairs: the reply gives a quantity the notes state with another value (增长7.5% vs 增长1.3%)."""
    found = []
    for match in _QUANTITY.finditer(reply):
        value, unit = match.group(1), match.group(2) or ""
        left = reply[max(0, match.start() - 2) : match.start()]
        if not left.strip() or value in notes:
            continue
        same_quantity = re.escape(left) + r"\s*(\d+(?:[.,]\d+)?)\s*" + re.escape(unit)
        noted = [n for n in re.findall(same_quantity, notes) if n != value]
        if noted:
            found.append((left + value + unit, left + noted[0] + unit))
    return found


def notes_signals(reply: str, notes: str) -> tuple[list[Signal], list[Reason]]:
    signals: list[Signal] = []
    reasons: list[Reason] = []
    mismatched = number_mismatches(reply, notes)
    if mismatched:
        signals.append(Signal("number_mismatch", len(mismatched), -2.0 * min(2, len(mismatched))))
        said, noted = mismatched[0]
        reasons.append(reason("notes_number_mismatch", said=said, noted=noted))
    numbers = _NUMBER.findall(reply)
    novel = [n for n in numbers if n.rstrip("%") not in notes]
    if numbers:
        signals.append(Signal("unsupported_numbers", len(novel), -0.8 * min(3, len(novel))))
        if novel:
            reasons.append(reason("notes_unknown_numbers", numbers=", ".join(novel[:3])))
    grams = _trigrams(reply)
    if grams:
        unsupported = len(grams - _trigrams(notes)) / len(grams)
        signals.append(Signal("unsupported_text", unsupported, -2.0 * max(0.0, unsupported - 0.5)))
        if unsupported > 0.8:
            reasons.append(reason("notes_unsupported"))
    return signals, reasons
