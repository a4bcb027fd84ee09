"""The facts ledger: what a conversation has established, found by rules after each completed turn.

Four kinds of fact, in Chinese and English: the learner's name and level (from the learner's own messages),
corrections the tutor made, and simple story facts the persona stated about its world (the colour or the name
of one of its things). Every row is shown beside the chat and can be edited, so the rules are narrow on purpose:
a row that was never said costs the learner more than a fact the rules missed.

The ledger is per conversation; the learner memory (``Store.add_memory``) is the tutor's memory across
conversations. The ledger never writes into it: facts stated in one chat stay in that chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.checker.text import sentences


class FactLike(Protocol):
    """What the prompt and the checker read from a ledger row (:class:`app.store.LedgerFact` has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class FactCandidate:
    """A fact the rules found in one message, before it is a row."""

    kind: str
    subject: str
    text: str


_HAN = r"\u4e00-\u9fff"
_CLAUSE_END = r"(?=$|[\s，。！？,.!?；;~～、…]|吧|呀|啊|哦|喔|哈|呢|了|是|就|喵|哟)"
_NOT_NAMES = re.compile(r"^(?:什么|啥|谁|你|他|她|它|我|这|那|哪|怎)")
_ZH_NAME = re.compile(
    rf"(?:我叫|我的名字(?:是|叫)|(?:^|请|就|可以|你)叫我)(?:做)?\s*([{_HAN}A-Za-z][{_HAN}A-Za-z·]{{0,5}}?){_CLAUSE_END}"
)
_EN_NAME = re.compile(r"\b(?:my name is|my name's|call me|i go by)\s+([A-Za-z][A-Za-z'-]{0,19})\b", re.IGNORECASE)
_EN_NOT_NAMES = frozenset(
    " ".join(
        (
            "not a an the back later when if anytime anything something whatever maybe",
            "please crazy just only now soon what who how why tomorrow again sometime",
        )
    ).split()
)
_NEGATED_BEFORE = re.compile(r"(?:不要|别|不|没|don't|do not|never|not|doesn't|why do you|did you)\s*$", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"如果|假如|要是|假设|\bif\b|\bsuppose\b|\bimagine\b", re.IGNORECASE)
_ZH_QUESTION = re.compile(r"[？?]\s*$|吗|\bam i\b", re.IGNORECASE)

LEVELS = ("beginner", "intermediate", "advanced")
_ZH_LEVELS = {"beginner": "初学者", "intermediate": "中级", "advanced": "高级"}
_ZH_LEVEL = re.compile(
    r"我(?:是|算是|只是|还是|就是)(?:个|一个|一名|一位)?(?:完全的|纯|彻底的|纯粹的)?"
    r"(初学者|新手|小白|零基础|入门者|中级|高手|专家)"
    r"|我(?:完全)?(零基础)"
)
_ZH_LEVEL_OF = {"初学者": 0, "新手": 0, "小白": 0, "零基础": 0, "入门者": 0, "中级": 1, "高手": 2, "专家": 2}
_EN_LEVEL = re.compile(
    r"\bi(?:'m| am)\s+(?:(?:just|only|still|a|an|complete|total|absolute|really|very|pretty|quite|at an?)\s+)*"
    r"(beginner|novice|newbie|intermediate|advanced|expert)\b"
    r"|\bi(?:'m| am)\s+(?:completely |totally )?(new) to\b",
    re.IGNORECASE,
)
_EN_LEVEL_OF = {"beginner": 0, "novice": 0, "newbie": 0, "new": 0, "intermediate": 1, "advanced": 2, "expert": 2}

_ZH_NOT_BUT = re.compile(
    r"^(?P<head>[^，,。！？]*?)(?:并|也)?不是(?P<wrong>[^，,。！？]{1,40}?)[，,]?\s*而是(?P<right>[^，,。！？~～]{1,40})"
)
_ZH_LEAD = re.compile(r"^(?:其实|但是|不过|所以|而且|因为|嗯|喵|呀|哦|注意|记住|要记住)+[，,~～\s]*")
_COMMON_MISTAKE = re.compile(
    r"(?:这|那)?是(?:一个|个)?(?:很|非常)?常见的(?:误解|误区|错误)|\bthat(?:'s| is) a common (?:misconception|mistake)"
    r"|\bthis is a common (?:misconception|mistake)",
    re.IGNORECASE,
)
_TAIL = re.compile(r"(?:喵|呀|哦|啦|呢|哟|~|～|\s)+$")
_ACTUALLY = re.compile(r"^\s*actually,\s*(.+)$", re.IGNORECASE)
_EN_FLIPS = (
    (re.compile(r"\b(do|does|did)\s+not\s+|\b(?:don't|doesn't|didn't)\s+", re.IGNORECASE), ""),
    (re.compile(r"\b(is|are|was|were|can|could|should|will|would|has|have)\s+not\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\b(is|are|was|were|has|have)n't\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\bcan't\b", re.IGNORECASE), "can"),
    (re.compile(r"\bwon't\b", re.IGNORECASE), "will"),
    (re.compile(r"\b(?:never|no longer)\s+", re.IGNORECASE), ""),
)
_ASKS = re.compile(
    r"[？?]|吗|呢|什么|怎么|为什么|如何|哪|\b(?:what|why|how|which|does|do|is|are|can)\b.*\?", re.IGNORECASE
)

COLORS = {
    "红": "red", "橙": "orange", "黄": "yellow", "绿": "green", "青": "cyan", "蓝": "blue", "紫": "purple",
    "粉": "pink", "白": "white", "黑": "black", "灰": "grey", "棕": "brown", "金": "gold", "银": "silver",
}  # fmt: skip
_EN_COLORS = {
    **{en: en for en in COLORS.values()},
    "gray": "grey", "golden": "gold", "violet": "purple", "crimson": "red", "scarlet": "red",
}  # fmt: skip
_ZH_STORY_COLOR = re.compile(
    rf"我的([{_HAN}]{{1,6}}?)(?:现在|也|一直|还)?是([{''.join(COLORS)}])(色)?(?=的|[，。！！？~～\s]|$|喵)"
)
_ZH_STORY_NAME = re.compile(
    rf"我的([{_HAN}]{{1,6}}?)(?:的名字)?(?:叫|叫做|名叫)[“\"「]?([{_HAN}A-Za-z0-9]{{1,8}}?)[”\"」]?{_CLAUSE_END}"
)
_EN_STORY_COLOR = re.compile(rf"\bmy ((?:[a-z]+ ){{0,2}}?[a-z]+) is (?:now |always |still )?({'|'.join(_EN_COLORS)})\b")
_EN_STORY_NAME = re.compile(
    r"\b(?i:my) ((?:[a-z]+ ){0,2}?[a-z]+) is (?:called|named) (?:the )?[\"“]?([A-Z][\w'-]*(?: [A-Z][\w'-]*){0,3})"
)
_EN_SKIP_SUBJECTS = frozenset({"name", "answer", "point", "question", "guess", "advice", "job", "goal", "favorite"})


_COMMA = re.compile(r"[，,；;]")


def _clauses(text: str) -> list[str]:
    """Sentences cut at commas too: "我叫小明，你叫什么？" holds a statement and a question."""
    return [c.strip() for s in sentences(text) for c in _COMMA.split(s) if c.strip()]


def _usable(sentence: str, start: int) -> bool:
    """A statement, not negated just before the match, not hypothetical, not a question about it."""
    before = sentence[:start]
    return not (_NEGATED_BEFORE.search(before) or _HYPOTHETICAL.search(sentence) or _ZH_QUESTION.search(sentence))


def learner_name(text: str) -> str | None:
    """The name the learner gives themselves ("我叫小明", "my name is Sam", "call me Sam"), if any."""
    for sentence in _clauses(text):
        for match in _ZH_NAME.finditer(sentence):
            name = match.group(1)
            done = name.endswith("了") or sentence[match.end() :].startswith("了")  # "我叫外卖了": an errand
            if not _NOT_NAMES.match(name) and not done and _usable(sentence, match.start()):
                return name
        for match in _EN_NAME.finditer(sentence):
            name = match.group(1)
            if name.lower() not in _EN_NOT_NAMES and _usable(sentence, match.start()):
                return name[0].upper() + name[1:] if name.islower() else name
    return None


def learner_level(text: str) -> str | None:
    """The learner's level in their words' language ("初学者", "beginner", …) when they state it."""
    for sentence in _clauses(text):
        for match in _ZH_LEVEL.finditer(sentence):
            if _usable(sentence, match.start()):
                return _ZH_LEVELS[LEVELS[_ZH_LEVEL_OF[match.group(1) or match.group(2)]]]
        for match in _EN_LEVEL.finditer(sentence):
            if _usable(sentence, match.start()):
                return LEVELS[_EN_LEVEL_OF[(match.group(1) or match.group(2)).lower()]]
    return None


def _claim(text: str) -> str | None:
    """The learner's message as a claim (one statement, no question), which a tutor may call a misconception."""
    found = sentences(text)
    if len(found) != 1 or _ASKS.search(found[0]) or len(found[0]) < 6:
        return None
    return found[0].rstrip("。.!！~～ ")


def _flip(sentence: str) -> str | None:
    """An English correction with its negation taken out: the misconception it corrects."""
    flipped = sentence
    for pattern, replacement in _EN_FLIPS:
        flipped = pattern.sub(replacement, flipped)
    return flipped if flipped != sentence else None


def corrections(reply: str, learner_text: str = "") -> list[FactCandidate]:
    """Corrections the tutor made: ``subject`` the misconception, ``text`` what is right instead."""
    found: list[FactCandidate] = []
    parts = sentences(reply)
    for i, sentence in enumerate(parts):
        if sentence.rstrip().endswith(("?", "？")):
            continue
        zh = _ZH_NOT_BUT.match(_ZH_LEAD.sub("", sentence))
        if zh and len(zh.group("head").strip()) >= 2:
            head = zh.group("head").strip()
            right = _TAIL.sub("", zh.group("right"))
            found.append(FactCandidate("correction", f"{head}是{zh.group('wrong')}", f"{head}是{right}"))
            continue
        actually = _ACTUALLY.match(sentence)
        if actually:
            right = actually.group(1).rstrip(".!~ ")
            wrong = _flip(right) or _claim(learner_text)
            if wrong and len(right) >= 8:
                found.append(FactCandidate("correction", wrong, right))
            continue
        claim = _claim(learner_text)
        if _COMMON_MISTAKE.search(sentence) and claim and i + 1 < len(parts):
            found.append(FactCandidate("correction", claim, parts[i + 1].rstrip("。.!！~～ ")))
    return found


def story_facts(reply: str) -> list[FactCandidate]:
    """What the persona says of its own things: their colour or their name ("我的毛线球是红色的",
    "my ship is called the Nautilus"). ``subject`` is the thing, ``text`` the colour or the name."""
    found: list[FactCandidate] = []
    for sentence in _clauses(reply):
        if sentence.rstrip().endswith(("?", "？")) or _HYPOTHETICAL.search(sentence):
            continue
        for match in _ZH_STORY_COLOR.finditer(sentence):
            if _usable(sentence, match.start()):
                found.append(FactCandidate("story", match.group(1), match.group(2) + "色"))
        for match in _ZH_STORY_NAME.finditer(sentence):
            if _usable(sentence, match.start()) and match.group(1) not in ("名字",):
                found.append(FactCandidate("story", match.group(1), match.group(2)))
        low = sentence.lower()
        for match in _EN_STORY_COLOR.finditer(low):
            if match.group(1) not in _EN_SKIP_SUBJECTS and _usable(low, match.start()):
                found.append(FactCandidate("story", match.group(1), match.group(2)))
        for match in _EN_STORY_NAME.finditer(sentence):
            subject = match.group(1).lower()
            if subject.split()[-1] not in _EN_SKIP_SUBJECTS and _usable(sentence, match.start()):
                found.append(FactCandidate("story", subject, match.group(2)))
    return found


def from_learner(text: str) -> list[FactCandidate]:
    """The facts a learner's message establishes about the learner."""
    found = []
    name = learner_name(text)
    if name:
        found.append(FactCandidate("learner", "name", name))
    level = learner_level(text)
    if level:
        found.append(FactCandidate("learner", "level", level))
    return found


def from_reply(reply: str, learner_text: str = "") -> list[FactCandidate]:
    """The facts a tutor's reply establishes: its corrections (of ``learner_text`` too) and story facts."""
    return corrections(reply, learner_text) + story_facts(reply)


def color_of(value: str) -> str | None:
    """The English name of a colour given in either language ("红色" → "red"), or None when it is not one."""
    flat = value.strip().lower().removesuffix("色")
    return COLORS.get(flat) or _EN_COLORS.get(flat)


def same_value(a: str, b: str) -> bool:
    """Two values of a fact say the same ("红色" and "red", "the Nautilus" and "Nautilus")."""
    ca, cb = color_of(a), color_of(b)
    if ca or cb:
        return ca == cb
    return key(a).removeprefix("the ") == key(b).removeprefix("the ")


def key(text: str) -> str:
    """How subjects and values compare: case, spacing and a trailing 的 do not matter."""
    return " ".join(text.lower().split()).removesuffix("的")


def describe(fact: FactLike) -> str:
    """A row in words addressed to the learner, as the badge's reason names it ("your name is 小明")."""
    if fact.kind == "learner":
        return f"your {fact.subject} is {fact.text}" if fact.subject in ("name", "level") else fact.text
    if fact.kind == "correction":
        return f"{fact.text} (not: {fact.subject})" if fact.subject else fact.text
    if color_of(fact.text):
        return f"{fact.subject} is {fact.text}"
    return f"{fact.subject} is called {fact.text}"


def prompt_line(fact: FactLike, user: str) -> str:
    """A row as the model reads it in the prompt (from the tutor's side: the learner is ``user``)."""
    if fact.kind == "learner" and fact.subject == "name":
        return f"The learner's name is {fact.text}; call them {fact.text}."
    if fact.kind == "learner" and fact.subject == "level":
        return f"{user}'s level: {fact.text}; explain at that level."
    if fact.kind == "learner":
        return f"About {user}: {fact.text}"
    if fact.kind == "correction":
        wrong = f" It is wrong that {fact.subject}." if fact.subject else ""
        return f"You corrected: {fact.text}.{wrong}"
    return f"In your story, {describe(fact).replace('your ', '')}."


@dataclass(frozen=True)
class Change:
    """What :func:`merge` decided for one candidate: add it, and which rows it supersedes."""

    candidate: FactCandidate
    supersedes: tuple[int, ...] = ()


def merge(existing: Sequence[object], candidates: Iterable[FactCandidate]) -> list[Change]:
    """Which candidates become rows. A fact already there (even switched off by the learner) is not added
    again; a learner fact the learner restates supersedes the old one; an established story fact stays (a
    reply that changes it is what the checker flags)."""
    changes: list[Change] = []
    rows = list(existing)
    for candidate in candidates:
        same = [
            r
            for r in rows
            if getattr(r, "kind", "") == candidate.kind and key(getattr(r, "subject", "")) == key(candidate.subject)
        ]
        if any(same_value(getattr(r, "text", ""), candidate.text) for r in same):
            continue
        if candidate.kind == "story" and any(getattr(r, "active", True) for r in same):
            continue
        old = tuple(getattr(r, "id", 0) for r in same if candidate.kind == "learner" and getattr(r, "active", True))
        changes.append(Change(candidate, old))
        rows.append(candidate)
    return changes


class LedgerWriter(Protocol):
    """The part of :class:`app.store.Store` that :func:`record` uses."""

    def branch_ledger(
        self, conversation_id: int, through: int | None = None, active_only: bool = False
    ) -> Sequence[object]: ...
    def add_fact(
        self, conversation_id: int, kind: str, subject: str, text: str, source_message_id: int | None = None
    ) -> object: ...
    def set_fact_active(self, fact_id: int, active: bool) -> object: ...


def record(store: LedgerWriter, conversation_id: int, candidates: Sequence[FactCandidate], source_id: int) -> int:
    """Add the candidates that are new to the ledger of the branch message ``source_id`` is on (see :func:`merge`:
    a fact stated on an abandoned branch does not stop the same fact from being recorded on this one, nor is a
    row of another branch superseded); returns how many."""
    if not candidates:
        return 0
    changes = merge(store.branch_ledger(conversation_id, through=source_id), candidates)
    for change in changes:
        for old in change.supersedes:
            store.set_fact_active(old, False)
        c = change.candidate
        store.add_fact(conversation_id, c.kind, c.subject, c.text, source_message_id=source_id)
    return len(changes)
