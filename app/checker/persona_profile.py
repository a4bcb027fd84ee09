"""What a persona sounds like, taken from its card: style rules from our extension, or derived from the text."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from app.checker.text import cjk_ratio, ngram_profile
from app.personas import Persona


@dataclass(frozen=True)
class Catchphrase:
    text: str
    min_per_reply: int


@dataclass(frozen=True)
class PersonaProfile:
    """The measurable parts of a persona: language, catchphrases, forbidden phrases, voice and style n-grams."""

    persona_id: str
    name: str
    language: str  # "zh" or "en"
    catchphrases: tuple[Catchphrase, ...]
    forbidden: tuple[str, ...]
    may_step_out: bool
    self_names: tuple[str, ...]
    style: Counter[str]
    derived: bool  # True when the card had no persona_tutor extension
    examples: tuple[tuple[str, str], ...] = ()  # (learner line, persona line) pairs of the example dialogue


_REPEATED_INTERJECTION = re.compile(r"[\u4e00-\u9fff]{1,2}(?=[~～!！])|\b[A-Za-z][a-z]{1,6}(?:-[a-z]{2,6})?(?=[~!,])")


def _character_lines(persona: Persona) -> str:
    """The greeting and the persona's own lines of the example dialogue (not the user's)."""
    lines = [persona.first_mes]
    for line in persona.mes_example.splitlines():
        stripped = line.strip()
        if stripped.startswith("{{char}}:") or stripped.startswith(f"{persona.name}:"):
            lines.append(stripped.split(":", 1)[1])
    return persona.fill("\n".join(lines), "同学")


def _example_pairs(persona: Persona) -> tuple[tuple[str, str], ...]:
    """The example dialogue as (learner question, persona answer) pairs."""
    pairs = []
    for block in persona.mes_example.split("<START>"):
        asked, answered = "", ""
        for line in block.splitlines():
            head, _, rest = line.strip().partition(":")
            if head in ("{{user}}", "<USER>"):
                asked = rest.strip()
            elif head in ("{{char}}", "<BOT>", persona.name) and asked:
                answered = rest.strip()
        if asked and answered:
            pairs.append((persona.fill(asked, "同学"), persona.fill(answered, "同学")))
    return tuple(pairs)


def _derived_catchphrases(text: str) -> tuple[Catchphrase, ...]:
    """Interjections the card repeats (``喵~``, ``Arr!``) become expected catchphrases."""
    counts = Counter(m.group(0).lower() for m in _REPEATED_INTERJECTION.finditer(text))
    common = {"the", "and", "you", "your", "yes", "well", "now", "so", "oh", "ok", "hi", "hello", "我", "你"}
    picked = [word for word, n in counts.most_common(3) if n >= 2 and word not in common]
    return tuple(Catchphrase(word, 1) for word in picked[:1])


def _build(persona: Persona) -> PersonaProfile:
    tutor = persona.tutor
    style_text = _character_lines(persona)
    card_text = " ".join((persona.description, persona.first_mes, persona.system_prompt, persona.mes_example))
    language = str(tutor.get("language") or ("zh" if cjk_ratio(card_text)[0] >= 0.3 else "en"))
    if tutor.get("catchphrases") is not None:
        catchphrases = tuple(
            Catchphrase(str(c.get("text", "")).lower(), int(c.get("min_per_reply", 0)))
            for c in tutor.get("catchphrases", [])
            if isinstance(c, dict) and c.get("text")
        )
    else:
        catchphrases = _derived_catchphrases(style_text)
    forbidden = tuple(str(f).lower() for f in tutor.get("forbidden_phrases", []) if str(f).strip())
    return PersonaProfile(
        persona_id=persona.id,
        name=persona.name,
        language=language if language in ("zh", "en") else "en",
        catchphrases=catchphrases,
        forbidden=forbidden,
        may_step_out=bool(tutor.get("may_step_out_of_role", False)),
        self_names=tuple(n for n in {persona.name, persona.name.split()[-1]} if n),
        style=ngram_profile(style_text),
        derived="catchphrases" not in tutor,
        examples=_example_pairs(persona),
    )


_CACHE: dict[tuple[str, ...], PersonaProfile] = {}


def profile_for(persona: Persona) -> PersonaProfile:
    """The persona's profile, cached by the card's content (a Persona holds a dict, so it is not hashable)."""
    key = (
        persona.id,
        persona.name,
        persona.description,
        persona.first_mes,
        persona.mes_example,
        persona.system_prompt,
        json.dumps(persona.tutor, sort_keys=True, ensure_ascii=False, default=str),
    )
    profile = _CACHE.get(key)
    if profile is None:
        if len(_CACHE) > 64:
            _CACHE.clear()
        profile = _CACHE[key] = _build(persona)
    return profile
