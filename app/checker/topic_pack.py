"""Topic packs: key facts, known misconceptions and key terms for one subject, as validated data files.

Built-in packs are JSON files in ``app/checker/packs/``. Learners write their own as Markdown in
``<data dir>/topics/`` (see :func:`parse_markdown_pack`)::

    # Sorting algorithms (排序算法)
    keywords: sort, sorting, 排序, quicksort
    ## Facts
    - Quicksort's average time is O(n log n).
    ## Misconceptions
    - quicksort is always O(n log n) => its worst case is O(n^2)
    ## Terms
    - pivot = 基准

A misconception's ``match`` patterns use a tiny notation: groups joined by ``+`` must all occur in one
sentence, alternatives inside a group are separated by ``|`` (lower-case substrings).

Optional JSON keys (see ``app/checker/answer_key.py``): a fact's ``match`` (``subject + predicate``, to find
it negated or inverted); ``questions``, answer keys ``{"ask": pattern on the question, "needs": [concept
group, …], "en", "zh"}`` (with ``quiz_en``/``quiz_zh``, the question as a quiz asks it: the key grades the
learner's answer); ``counts``, numbers the topic fixes ``{"about", "unit", "value", "en", "zh"}``; ``goals``,
learning goals ``{"en", "zh"}`` a learner can pick for a conversation; ``relations``, who does what and the
wrong pairings that contradict it (see ``app/checker/relations.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.checker.relations import Relation
from app.errors import PersonaTutorError

PACK_VERSION = 1
_PACKS_DIR = Path(__file__).with_name("packs")
_MAX_PACK_BYTES = 1024 * 1024
_KEYS = {"version", "id", "title", "title_zh", "keywords", "terms", "core", "facts", "misconceptions"}
_KEYS |= {"questions", "counts"}  # answer keys and fixed numbers (checker 1.1)
_KEYS |= {"goals"}  # learning goals (app.learning)
_KEYS |= {"relations"}  # who does what, and the wrong pairings (checker 1.6, app.checker.relations)
_QUESTION_KEYS = {"ask", "needs", "en", "zh", "quiz_en", "quiz_zh"}
_COUNT_KEYS = {"about", "unit", "value", "en", "zh"}
_MISCONCEPTION_KEYS = {"en", "zh", "correction_en", "correction_zh", "match"}
_RELATION_KEYS = {"en", "zh", "subject", "wrong", "others", "unless"}


class TopicPackError(PersonaTutorError):
    """A topic pack file is missing or malformed."""


@dataclass(frozen=True)
class Misconception:
    claim: str
    claim_zh: str
    correction: str
    correction_zh: str
    patterns: tuple[tuple[tuple[str, ...], ...], ...]  # alternatives -> groups -> words


@dataclass(frozen=True)
class QuestionKey:
    """What a correct answer to one kind of question mentions: ``needs`` are concept groups (alternatives)."""

    ask: tuple[tuple[str, ...], ...]  # groups that must all occur in the learner's question
    needs: tuple[tuple[str, ...], ...]
    answer: str
    answer_zh: str
    quiz: str = ""  # the question as a quiz asks it ("" when the key is not a quiz item)
    quiz_zh: str = ""


@dataclass(frozen=True)
class FactPattern:
    """A key fact as ``subject + predicate`` words (``match`` on a fact), so a negated or inverted one is found."""

    subject: tuple[str, ...]
    predicate: tuple[str, ...]
    en: str
    zh: str


@dataclass(frozen=True)
class CountFact:
    """A number the topic fixes (a TCP handshake has 3 messages): ``about`` and ``unit`` words, the value."""

    about: tuple[str, ...]
    unit: tuple[str, ...]
    value: int
    fact: str
    fact_zh: str


@dataclass(frozen=True)
class TopicPack:
    id: str
    title: str
    title_zh: str
    keywords: tuple[str, ...]
    terms: tuple[tuple[str, str], ...]  # (English, Chinese)
    core: tuple[tuple[str, ...], ...]
    facts: tuple[tuple[str, str], ...]  # (English, Chinese)
    misconceptions: tuple[Misconception, ...]
    builtin: bool = True
    questions: tuple[QuestionKey, ...] = ()
    counts: tuple[CountFact, ...] = ()
    fact_patterns: tuple[FactPattern, ...] = ()
    goals: tuple[tuple[str, str], ...] = ()  # (English, Chinese) learning goals
    relations: tuple[Relation, ...] = ()

    def label(self, language: str) -> str:
        return self.title_zh if language == "zh" and self.title_zh else self.title


_REGEX_LOOKING = re.compile(r"\[[^\]]*\]|\\[a-z]|\.\*|\.\+")


def parse_pattern(text: str) -> tuple[tuple[str, ...], ...]:
    """``a|b + c|d``: every group must match, any alternative of a group (plain text, lower-cased, no regex)."""
    looks_like = _REGEX_LOOKING.search(text)
    if looks_like:
        raise TopicPackError(
            f"{text!r}: patterns are plain text, {looks_like.group()!r} is not a regular expression here "
            "(write each spelling as its own alternative)"
        )
    groups = tuple(
        tuple(word.strip().lower() for word in group.split("|") if word.strip()) for group in text.split(" + ")
    )
    return tuple(g for g in groups if g)


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TopicPackError(f"{key!r} must be a list of strings")
    return tuple(value)


def parse_pack(raw: Any, *, builtin: bool = True) -> TopicPack:
    """Validate one pack's JSON object; unknown keys are reported, not ignored."""
    if not isinstance(raw, dict):
        raise TopicPackError("a topic pack must be a JSON object")
    unknown = set(raw) - _KEYS
    if unknown:
        raise TopicPackError(f"unknown keys {sorted(unknown)}")
    if raw.get("version") != PACK_VERSION:
        raise TopicPackError(f"unsupported version {raw.get('version')!r} (expected {PACK_VERSION})")
    if not isinstance(raw.get("id"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", raw["id"]):
        raise TopicPackError("'id' must be lower-case letters, digits and dashes")
    misconceptions = []
    for item in raw.get("misconceptions", []):
        if not isinstance(item, dict) or set(item) - _MISCONCEPTION_KEYS or "match" not in item:
            raise TopicPackError(f"bad misconception {item!r}")
        misconceptions.append(
            Misconception(
                claim=str(item.get("en", "")),
                claim_zh=str(item.get("zh", "")),
                correction=str(item.get("correction_en", "")),
                correction_zh=str(item.get("correction_zh", "")),
                patterns=tuple(parse_pattern(p) for p in _strings(item["match"], "match")),
            )
        )
    facts = []
    fact_patterns = []
    for fact in raw.get("facts", []):
        if not isinstance(fact, dict) or set(fact) - {"en", "zh", "match"} or not (fact.get("en") or fact.get("zh")):
            raise TopicPackError(f"bad fact {fact!r}")
        facts.append((str(fact.get("en", "")), str(fact.get("zh", ""))))
        if "match" in fact:
            groups = parse_pattern(str(fact["match"]))
            if len(groups) != 2:
                raise TopicPackError(f"a fact's 'match' is 'subject + predicate': {fact['match']!r}")
            fact_patterns.append(FactPattern(groups[0], groups[1], facts[-1][0], facts[-1][1]))
    terms = tuple((str(t.get("en", "")), str(t.get("zh", ""))) for t in raw.get("terms", []) if isinstance(t, dict))
    core = tuple(tuple(w.lower() for w in _strings(group, "core")) for group in raw.get("core", []))
    questions = tuple(_question_key(item) for item in raw.get("questions", []))
    counts = tuple(_count_fact(item) for item in raw.get("counts", []))
    return TopicPack(
        id=raw["id"],
        title=str(raw.get("title") or raw["id"]),
        title_zh=str(raw.get("title_zh", "")),
        keywords=tuple(k.lower() for k in _strings(raw.get("keywords", []), "keywords")),
        terms=terms,
        core=core,
        facts=tuple(facts),
        misconceptions=tuple(misconceptions),
        builtin=builtin,
        questions=questions,
        counts=counts,
        fact_patterns=tuple(fact_patterns),
        goals=tuple((str(g.get("en", "")), str(g.get("zh", ""))) for g in raw.get("goals", []) if isinstance(g, dict)),
        relations=tuple(_relation(item) for item in raw.get("relations", [])),
    )


def _question_key(item: Any) -> QuestionKey:
    if not isinstance(item, dict) or set(item) - _QUESTION_KEYS or not item.get("ask") or not item.get("needs"):
        raise TopicPackError(f"bad question {item!r}")
    return QuestionKey(
        ask=parse_pattern(str(item["ask"])),
        needs=tuple(parse_pattern(n)[0] for n in _strings(item["needs"], "needs") if parse_pattern(n)),
        answer=str(item.get("en", "")),
        answer_zh=str(item.get("zh", "")),
        quiz=str(item.get("quiz_en", "")),
        quiz_zh=str(item.get("quiz_zh", "")),
    )


def _words(item: dict[str, Any], key: str) -> tuple[str, ...]:
    """One ``a|b|c`` group of a relation (no ``+``: a relation's parts are separate keys)."""
    groups = parse_pattern(str(item.get(key, "")))
    if len(groups) > 1:
        raise TopicPackError(f"a relation's {key!r} is one group of alternatives: {item[key]!r}")
    return groups[0] if groups else ()


def _relation(item: Any) -> Relation:
    if not isinstance(item, dict) or set(item) - _RELATION_KEYS or not item.get("subject") or not item.get("wrong"):
        raise TopicPackError(f"bad relation {item!r}")
    return Relation(
        subject=_words(item, "subject"),
        wrong=_words(item, "wrong"),
        others=_words(item, "others"),
        unless=_words(item, "unless"),
        en=str(item.get("en", "")),
        zh=str(item.get("zh", "")),
    )


def _count_fact(item: Any) -> CountFact:
    if not isinstance(item, dict) or set(item) - _COUNT_KEYS or not isinstance(item.get("value"), int):
        raise TopicPackError(f"bad count {item!r}")
    return CountFact(
        about=parse_pattern(str(item.get("about", "")))[0],
        unit=parse_pattern(str(item.get("unit", "")))[0],
        value=item["value"],
        fact=str(item.get("en", "")),
        fact_zh=str(item.get("zh", "")),
    )


def load_pack_file(path: Path) -> TopicPack:
    """Read a ``.json`` or ``.md`` pack; every problem becomes a :class:`TopicPackError` naming the file."""
    try:
        if path.stat().st_size > _MAX_PACK_BYTES:
            raise TopicPackError("the file is larger than 1 MB")
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            return parse_markdown_pack(text, path.stem)
        return parse_pack(json.loads(text), builtin=False)
    except TopicPackError as exc:
        raise TopicPackError(f"{path.name}: {exc}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TopicPackError(f"{path.name}: cannot read the topic pack ({exc})") from None


_HEADING = re.compile(r"^#\s+(.+?)\s*(?:[(（]\s*(.+?)\s*[)）])?\s*$")
_SECTION = re.compile(r"^##\s+(.+?)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+)$")
_SECTIONS = {
    "facts": "facts",
    "事实": "facts",
    "要点": "facts",
    "misconceptions": "misconceptions",
    "误解": "misconceptions",
}
_SECTIONS |= {"常见误解": "misconceptions", "terms": "terms", "术语": "terms", "key terms": "terms"}


def _claim_pattern(claim: str) -> str:
    """A user's misconception matches when its distinctive words (or CJK bigrams) all occur in a sentence."""
    words = [w for w in re.findall(r"[a-z0-9^()]{3,}", claim.lower()) if w not in {"the", "and", "are", "is", "its"}]
    cjk = re.findall(r"[\u4e00-\u9fff]+", claim)
    grams = [run[i : i + 2] for run in cjk for i in range(0, max(1, len(run) - 1), 2)]
    return " + ".join((words + grams)[:5])


def parse_markdown_pack(text: str, pack_id: str) -> TopicPack:
    """A learner's pack: ``# Title (中文)``, optional ``keywords:`` line, ``## Facts`` list (required)."""
    title, title_zh, keywords = "", "", ""
    section = ""
    lists: dict[str, list[str]] = {"facts": [], "misconceptions": [], "terms": []}
    for line in text.splitlines():
        if (m := _HEADING.match(line)) and not title:
            title, title_zh = m.group(1), m.group(2) or ""
        elif m := _SECTION.match(line):
            section = _SECTIONS.get(m.group(1).strip().lower(), "")
        elif line.lower().startswith(("keywords:", "关键词:", "关键词：")):
            keywords = re.split(r"[:：]", line, maxsplit=1)[1]
        elif (m := _BULLET.match(line)) and section:
            lists[section].append(m.group(1).strip())
    if not lists["facts"]:
        raise TopicPackError("no '## Facts' list: a topic pack needs at least one fact")
    slug = re.sub(r"[^a-z0-9-]+", "-", pack_id.lower()).strip("-")
    if not slug:  # 链表.md and 栈.md must not both be "topic": a stable id from the name
        slug = "topic-" + hashlib.sha1(pack_id.encode("utf-8")).hexdigest()[:8]
    misconceptions = []
    for bullet in lists["misconceptions"]:
        parts = re.split(r"\s*(?:=>|->|→)\s*", bullet, maxsplit=1)
        claim, correction = parts[0], parts[1] if len(parts) > 1 else ""
        misconceptions.append({"en": claim, "correction_en": correction, "match": [_claim_pattern(claim)]})
    terms = [dict(zip(("en", "zh"), [p.strip() for p in t.split("=", 1)], strict=False)) for t in lists["terms"]]
    keyword_list = [k.strip() for k in re.split(r"[,，、]", keywords) if k.strip()] or [title]
    raw = {
        "version": PACK_VERSION,
        "id": slug,
        "title": title or pack_id,
        "title_zh": title_zh,
        "keywords": keyword_list + [t["en"] for t in terms if t.get("en")] + [t["zh"] for t in terms if t.get("zh")],
        "terms": terms,
        "facts": [{"en": f} for f in lists["facts"]],
        "misconceptions": misconceptions,
    }
    return parse_pack(raw, builtin=False)


_BUILTIN: tuple[TopicPack, ...] | None = None


def builtin_packs() -> tuple[TopicPack, ...]:
    """The packs shipped with the app, loaded once."""
    global _BUILTIN
    if _BUILTIN is None:
        packs = []
        for path in sorted(_PACKS_DIR.glob("*.json")):
            try:
                packs.append(parse_pack(json.loads(path.read_text(encoding="utf-8"))))
            except TopicPackError as exc:
                raise TopicPackError(f"{path.name}: {exc}") from None
        _BUILTIN = tuple(packs)
    return _BUILTIN


@dataclass(frozen=True)
class UserPack:
    """One file in the learner's topics folder: its pack, or why it cannot be read."""

    path: Path
    pack: TopicPack | None
    problem: str = ""


def user_packs(user_dir: Path | None) -> list[UserPack]:
    """The learner's packs (``.md`` and ``.json``), each read on its own, in file-name order."""
    if user_dir is None or not user_dir.is_dir():
        return []
    found = []
    for path in sorted([*user_dir.glob("*.md"), *user_dir.glob("*.json")]):
        try:
            found.append(UserPack(path, load_pack_file(path)))
        except TopicPackError as exc:
            found.append(UserPack(path, None, str(exc)))
    return found


def readable_packs(user_dir: Path | None) -> tuple[tuple[TopicPack, ...], tuple[str, ...]]:
    """Built-in packs plus every user pack that can be read (one with a built-in id replaces it), and a message for
    each one that cannot."""
    packs = {p.id: p for p in builtin_packs()}
    problems = []
    for item in user_packs(user_dir):
        if item.pack is None:
            problems.append(item.problem)
        else:
            packs[item.pack.id] = item.pack
    return tuple(packs.values()), tuple(problems)


def load_packs(user_dir: Path | None = None) -> tuple[TopicPack, ...]:
    """Built-in packs plus the user's ``.md``/``.json`` packs (a user pack with a built-in id replaces it); a user
    pack that cannot be read raises :class:`TopicPackError` (:func:`readable_packs` leaves it out instead)."""
    packs, problems = readable_packs(user_dir)
    if problems:
        raise TopicPackError(problems[0])
    return packs
