"""Lorebook (``character_book``) activation: which entries the recent messages call up, within a token budget.

Follows the V2/V3 spec with SillyTavern's readings where the spec leaves room: keys match as case-insensitive
substrings unless the entry is case-sensitive, a key written ``/pattern/flags`` is a regular expression (an
invalid one never matches), ``selective`` entries also need their secondary keys (``extensions.selectiveLogic``
picks AND ANY / NOT ALL / NOT ANY / AND ALL), ``constant`` entries are always in, empty content never is.
Recursive scanning is not done: entry text never triggers other entries.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.cards.formats import strip_decorators

DEFAULT_SCAN_DEPTH = 2  # SillyTavern's default: the last two messages
_REGEX_KEY = re.compile(r"^/(.+)/([imsx]*)$", re.DOTALL)
# A quantified group that itself repeats or alternates ("(a+)+", "(a|a)*", "(\\w+\\s?)*") can take
# exponential time on a crafted message (ReDoS); such a key from a stranger's card never matches.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[*+|]|\{\d*,)(?:[^()\\]|\\.)*\)(?:[*+]|\{\d*,)")
REGEX_SCAN_CHARS = 20_000  # regex keys look at the newest part of the scanned text only
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


@dataclass(frozen=True)
class ActiveEntry:
    """An activated entry: its content (decorators stripped) and where it goes."""

    content: str
    position: str  # "before_char" or "after_char"
    insertion_order: float
    name: str = ""  # what the card calls it (name, comment or first key), for the prompt inspector


def estimate_tokens(text: str) -> int:
    """A model-free token estimate for budgets: one per CJK character, one per four other characters."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def _number(value: Any, default: float) -> float:
    """A finite number from card data (cards carry strings, huge ints and Infinity too), else ``default``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    try:
        number = float(value)
    except OverflowError:
        return default
    return number if math.isfinite(number) else default


def _key_matches(key: str, text: str, case_sensitive: bool) -> bool:
    if not key.strip():
        return False
    regex = _REGEX_KEY.match(key)
    if regex:
        flags = re.IGNORECASE if ("i" in regex.group(2) or not case_sensitive) else 0
        flags |= re.MULTILINE if "m" in regex.group(2) else 0
        flags |= re.DOTALL if "s" in regex.group(2) else 0
        if _NESTED_QUANTIFIER.search(regex.group(1)):
            return False
        try:
            return re.search(regex.group(1), text[-REGEX_SCAN_CHARS:], flags) is not None
        except re.error:
            return False
    if case_sensitive:
        return key in text
    return key.casefold() in text.casefold()


def _selected(entry: dict[str, Any], text: str, case_sensitive: bool) -> bool:
    keys = [k for k in entry.get("keys", []) if isinstance(k, str)]
    if not any(_key_matches(k, text, case_sensitive) for k in keys):
        return False
    secondary = [k for k in entry.get("secondary_keys", []) or [] if isinstance(k, str) and k.strip()]
    if not entry.get("selective") or not secondary:
        return True
    hits = [_key_matches(k, text, case_sensitive) for k in secondary]
    extensions = entry.get("extensions")
    logic = _number(extensions.get("selectiveLogic"), 0) if isinstance(extensions, dict) else 0
    return {1: not all(hits), 2: not any(hits), 3: all(hits)}.get(int(logic), any(hits))


def _entry_name(entry: dict[str, Any]) -> str:
    keys = [k for k in entry.get("keys", []) if isinstance(k, str) and k.strip()]
    for value in (entry.get("name"), entry.get("comment"), keys[0] if keys else None):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def activate(
    book: dict[str, Any] | None,
    recent: Sequence[str],
    estimate: Callable[[str], int] = estimate_tokens,
) -> list[ActiveEntry]:
    """The entries of ``book`` that ``recent`` (messages, oldest first) activates, in insertion order."""
    if not book:
        return []
    depth = int(_number(book.get("scan_depth"), DEFAULT_SCAN_DEPTH))
    candidates: list[tuple[float, float, ActiveEntry]] = []
    for entry in book.get("entries", []):
        if not isinstance(entry, dict) or entry.get("enabled") is False:
            continue
        content = strip_decorators(str(entry.get("content") or "")).strip()
        if not content:
            continue
        extensions: dict[str, Any] = entry["extensions"] if isinstance(entry.get("extensions"), dict) else {}
        entry_depth = int(_number(extensions.get("scan_depth"), depth))
        scanned = "\n".join(recent[-entry_depth:]) if entry_depth > 0 else ""
        case_sensitive = bool(entry.get("case_sensitive", extensions.get("case_sensitive")) or False)
        if not (entry.get("constant") or _selected(entry, scanned, case_sensitive)):
            continue
        order = _number(entry.get("insertion_order"), 0)
        position = "before_char" if entry.get("position") == "before_char" else "after_char"
        active = ActiveEntry(content, position, order, _entry_name(entry))
        candidates.append((_number(entry.get("priority"), 0), order, active))
    budget = _number(book.get("token_budget"), 0)
    if budget > 0:
        # over budget: lower priority goes first, then lower insertion_order
        kept, used = [], 0
        for _, _, active in sorted(candidates, key=lambda c: (c[0], c[1]), reverse=True):
            cost = estimate(active.content)
            if used + cost <= budget:
                kept.append(active)
                used += cost
    else:
        kept = [c[2] for c in candidates]
    return sorted(kept, key=lambda a: (a.position != "before_char", a.insertion_order))
