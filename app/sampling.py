"""Sampling settings: their ranges, a persona's defaults, and the overrides a conversation keeps.

The settings of a turn are layered: the app's (or the command line's) base settings, then the persona card's
``data.extensions.persona_tutor.sampling`` (for example ``{"temperature": 0.9}``), then what the learner chose
for this conversation, stored with it (``Store.set_sampler``). Values out of range are refused with a message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.personas import Persona
from app.store import Store


@dataclass(frozen=True)
class Range:
    """The allowed values of one setting, with a label and a hint for settings panels."""

    label: str
    low: float
    high: float
    hint: str


RANGES: dict[str, Range] = {
    "temperature": Range("Temperature", 0.0, 2.0, "higher is more varied, 0 always picks the likeliest token"),
    "top_p": Range("Top-p", 0.0, 1.0, "sample from the smallest set of tokens with this much probability"),
    "top_k": Range("Top-k", 0, 1000, "sample from the k likeliest tokens (0: no limit)"),
    "min_p": Range("Min-p", 0.0, 1.0, "drop tokens less likely than this fraction of the likeliest"),
    "repeat_penalty": Range("Repeat penalty", 0.5, 2.0, "above 1 discourages repeating recent tokens"),
    "max_tokens": Range("Max tokens", 1, 32768, "the longest reply, in tokens"),
    "seed": Range("Seed", 0, 2**31 - 1, "the same seed and settings give the same reply (empty: random)"),
}


def validate(values: dict[str, Any], where: str = "sampling settings") -> dict[str, Any]:
    """The known settings in ``values``, checked and typed; unknown names and bad values are errors."""
    unknown = set(values) - set(RANGES)
    if unknown:
        raise PersonaTutorError(f"Unknown {where}: {', '.join(sorted(unknown))}.")
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name == "seed" and value is None:
            checked[name] = None
            continue
        integer = name in ("top_k", "max_tokens", "seed")
        if isinstance(value, bool) or not isinstance(value, int | float) or (integer and value != int(value)):
            raise PersonaTutorError(f"{RANGES[name].label} in {where} must be a number, not {value!r}.")
        bounds = RANGES[name]
        if not bounds.low <= value <= bounds.high:
            raise PersonaTutorError(f"{bounds.label} must be between {bounds.low:g} and {bounds.high:g}, not {value}.")
        checked[name] = int(value) if integer else float(value)
    return checked


def to_json(params: SamplingParams) -> dict[str, Any]:
    return asdict(params)


def persona_defaults(persona: Persona, base: SamplingParams) -> SamplingParams:
    """``base`` with the settings the persona's card asks for (a card with bad values is refused by name)."""
    declared = persona.tutor.get("sampling")
    if not isinstance(declared, dict):
        return base
    return replace(base, **validate(declared, f"the sampling of persona {persona.id!r}"))


def conversation_params(
    store: Store, persona: Persona, conversation_id: int | None, base: SamplingParams
) -> SamplingParams:
    """The settings a turn of this conversation runs with: base, then the persona's, then the conversation's."""
    params = persona_defaults(persona, base)
    if conversation_id is None:
        return params
    stored = store.conversation(conversation_id).sampler
    if not stored:
        return params
    known = {f.name for f in fields(SamplingParams)}
    return replace(params, **validate({k: v for k, v in stored.items() if k in known}, "the stored settings"))


def save_conversation_params(store: Store, conversation_id: int, params: SamplingParams) -> None:
    """Keep ``params`` with the conversation (checked first); ``reset_conversation_params`` forgets them."""
    validate(to_json(params))
    store.set_sampler(conversation_id, to_json(params))


def reset_conversation_params(store: Store, conversation_id: int) -> None:
    store.set_sampler(conversation_id, None)
