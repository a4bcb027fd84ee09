"""The checker's reasons: each one a stable code and its arguments, worded in English from one table.

The English text is what the CLI, the JSON and the stored verdicts carry (unchanged); the code lets the GUI
show the same reason in the learner's language (``app.ui.checker_reasons`` holds the translatable templates).
A stored verdict keeps only the text, so :func:`parse_reason` recovers the code and arguments from it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

# code -> English template (str.format fields are the arguments). Append new codes; never reword a template
# without rewording its translation too (tests/ui/test_checker_reasons.py checks both sides).
REASONS: Mapping[str, str] = MappingProxyType(
    {
        # Persona badge
        "step_out_allowed": "the learner asked to drop the role and {persona} may step out",
        "step_out_refused": "the learner asked to drop the role, but {persona} should stay in character",
        "ai_disclaimer": "says “{phrase}”",
        "assistant_phrase": "sounds like a generic assistant (“{phrase}”)",
        "assistant_lists": "sounds like a generic assistant (textbook lists)",
        "catchphrase_missing": "no “{phrase}” in {count} sentences",
        "catchphrase_missing_reply": "no “{phrase}” in the reply",
        "switched_to_english": "switched to English",
        "switched_to_chinese": "switched to Chinese",
        "no_first_person": "never speaks as {persona} (no first-person voice)",
        "neutral_style": "reads more like a neutral assistant than like {persona}",
        "drift": "less like {persona} than the earlier replies",
        # Accuracy badge: topic packs
        "pack_correction": "contradicts the {topic} notes: {correction}",
        "misconception": "states a misconception: {claim}",
        "recited_example": "repeats the persona's example answer instead of answering this question",
        "non_answer": "does not answer the question",
        "does_nothing": "claims it “{phrase}”",
        "training_without_gradients": (
            "the question asks how it is trained, but the reply never mentions a loss or gradients"
        ),
        "key_fact_contradiction": "contradicts a key fact of {topic}: {fact}",
        "no_core_ideas": "mentions none of the core ideas of {topic}",
        "misses_answer": "misses the core of the answer ({answer}); not mentioned: {missing}",
        "foreign_terms": "brings in terms of other topics: {terms}",
        "identity_claim": "treats “{term}” as if it were “{other}”: they are different things",
        "wrong_topic": "explains {other} where the question asked about {topic}",
        # Accuracy badge: reference notes
        "notes_number_mismatch": "contradicts the notes: says {said} where the notes say {noted}",
        "notes_unknown_numbers": "numbers not in the notes: {numbers}",
        "notes_unsupported": "most of the reply is not backed by the notes",
        # Accuracy badge: the conversation's facts ledger (worded as app.facts_ledger.describe words a row)
        "ledger_learner_name": "contradicts the ledger: your name is {value}",
        "ledger_learner_level": "contradicts the ledger: your level is {value}",
        "ledger_fact": "contradicts the ledger: {fact}",
        "ledger_correction": "contradicts the ledger: {fact} (not: {wrong})",
        "ledger_colour": "contradicts the ledger: {subject} is {value}",
        "ledger_name": "contradicts the ledger: {subject} is called {value}",
        # Accuracy badge of a quiz's grading reply (app.quiz_service: the grade, not the checker's guess)
        "quiz_graded": "graded against the topic pack's answer key: {score} ({marks})",
        "quiz_answer_correct": "{position}. correct: {answer}",
        "quiz_answer_partial": "{position}. partly right: {answer} → {key}",
        "quiz_answer_incorrect": "{position}. wrong: {answer} → {key}",
    }
)


class Reason(str):
    """A reason as the English text everyone reads, carrying its ``code`` and ``args`` for translation."""

    code: str
    args: Mapping[str, str]

    def __new__(cls, code: str, args: Mapping[str, str]) -> Reason:
        text = super().__new__(cls, REASONS[code].format(**args))
        text.code = code
        text.args = dict(args)
        return text

    def __getnewargs__(self) -> tuple[str, dict[str, str]]:  # type: ignore[override]  # copy and pickle
        return self.code, dict(self.args)


def reason(code: str, **args: object) -> Reason:
    """The reason ``code`` with its arguments (turned to text); an unknown code is a KeyError, a bug."""
    return Reason(code, {name: str(value) for name, value in args.items()})


def fields(template: str) -> set[str]:
    """The argument names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each template as a pattern, the most specific (most fixed text) first so a general one cannot shadow it."""

    def pattern(template: str) -> re.Pattern[str]:
        parts = []
        for literal, name, _, _ in string.Formatter().parse(template):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>.+?)")
        return re.compile("".join(parts), re.DOTALL)

    def fixed(template: str) -> int:
        return sum(len(literal) for literal, _, _, _ in string.Formatter().parse(template))

    ordered = sorted(REASONS.items(), key=lambda item: -fixed(item[1]))
    return tuple((code, pattern(template)) for code, template in ordered)


def prepare() -> None:
    """Compile the patterns :func:`parse_reason` uses now (tens of milliseconds, once), e.g. on a background
    thread before a window first shows a reason."""
    _patterns()


def parse_reason(text: str) -> tuple[str, dict[str, str]] | None:
    """The code and arguments of a reason's English text (as stored with a verdict); None for other text,
    such as a reason an older checker worded differently."""
    code = getattr(text, "code", None)
    if isinstance(code, str):
        return code, dict(getattr(text, "args", {}))
    for code, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match:
            return code, match.groupdict()
    return None
