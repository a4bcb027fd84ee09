"""The checker's reasons in the learner's language: one translatable template per reason code.

The checker (no Qt) words its reasons in English from :data:`app.checker.reasons.REASONS`; verdicts keep that
text. Here each code has the same English template marked for lupdate; :func:`reason_text` finds a stored reason's
code and arguments and fills in the translated template. Text with no code (an older checker's) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from app.checker.reasons import parse_reason
from app.ui.language import QT_TRANSLATE_NOOP

CONTEXT = "CheckerReasons"

# The same English as app.checker.reasons.REASONS (tests/ui/test_checker_reasons.py keeps them equal).
TEMPLATES: dict[str, str] = {
    "step_out_allowed": QT_TRANSLATE_NOOP(
        "CheckerReasons", "the learner asked to drop the role and {persona} may step out"
    ),
    "step_out_refused": QT_TRANSLATE_NOOP(
        "CheckerReasons", "the learner asked to drop the role, but {persona} should stay in character"
    ),
    "ai_disclaimer": QT_TRANSLATE_NOOP("CheckerReasons", "says “{phrase}”"),
    "assistant_phrase": QT_TRANSLATE_NOOP("CheckerReasons", "sounds like a generic assistant (“{phrase}”)"),
    "assistant_lists": QT_TRANSLATE_NOOP("CheckerReasons", "sounds like a generic assistant (textbook lists)"),
    "catchphrase_missing": QT_TRANSLATE_NOOP("CheckerReasons", "no “{phrase}” in {count} sentences"),
    "catchphrase_missing_reply": QT_TRANSLATE_NOOP("CheckerReasons", "no “{phrase}” in the reply"),
    "switched_to_english": QT_TRANSLATE_NOOP("CheckerReasons", "switched to English"),
    "switched_to_chinese": QT_TRANSLATE_NOOP("CheckerReasons", "switched to Chinese"),
    "no_first_person": QT_TRANSLATE_NOOP("CheckerReasons", "never speaks as {persona} (no first-person voice)"),
    "neutral_style": QT_TRANSLATE_NOOP("CheckerReasons", "reads more like a neutral assistant than like {persona}"),
    "drift": QT_TRANSLATE_NOOP("CheckerReasons", "less like {persona} than the earlier replies"),
    "pack_correction": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the {topic} notes: {correction}"),
    "misconception": QT_TRANSLATE_NOOP("CheckerReasons", "states a misconception: {claim}"),
    "recited_example": QT_TRANSLATE_NOOP(
        "CheckerReasons", "repeats the persona's example answer instead of answering this question"
    ),
    "non_answer": QT_TRANSLATE_NOOP("CheckerReasons", "does not answer the question"),
    "does_nothing": QT_TRANSLATE_NOOP("CheckerReasons", "claims it “{phrase}”"),
    "training_without_gradients": QT_TRANSLATE_NOOP(
        "CheckerReasons", "the question asks how it is trained, but the reply never mentions a loss or gradients"
    ),
    "key_fact_contradiction": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts a key fact of {topic}: {fact}"),
    "no_core_ideas": QT_TRANSLATE_NOOP("CheckerReasons", "mentions none of the core ideas of {topic}"),
    "misses_answer": QT_TRANSLATE_NOOP(
        "CheckerReasons", "misses the core of the answer ({answer}); not mentioned: {missing}"
    ),
    "foreign_terms": QT_TRANSLATE_NOOP("CheckerReasons", "brings in terms of other topics: {terms}"),
    "identity_claim": QT_TRANSLATE_NOOP(
        "CheckerReasons", "treats “{term}” as if it were “{other}”: they are different things"
    ),
    "wrong_topic": QT_TRANSLATE_NOOP("CheckerReasons", "explains {other} where the question asked about {topic}"),
    "notes_number_mismatch": QT_TRANSLATE_NOOP(
        "CheckerReasons", "contradicts the notes: says {said} where the notes say {noted}"
    ),
    "notes_unknown_numbers": QT_TRANSLATE_NOOP("CheckerReasons", "numbers not in the notes: {numbers}"),
    "notes_unsupported": QT_TRANSLATE_NOOP("CheckerReasons", "most of the reply is not backed by the notes"),
    "ledger_learner_name": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the ledger: your name is {value}"),
    "ledger_learner_level": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the ledger: your level is {value}"),
    "ledger_fact": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the ledger: {fact}"),
    "ledger_correction": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the ledger: {fact} (not: {wrong})"),
    "ledger_colour": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the ledger: {subject} is {value}"),
    "ledger_name": QT_TRANSLATE_NOOP("CheckerReasons", "contradicts the ledger: {subject} is called {value}"),
    "quiz_graded": QT_TRANSLATE_NOOP("CheckerReasons", "graded against the topic pack's answer key: {score} ({marks})"),
    "quiz_answer_correct": QT_TRANSLATE_NOOP("CheckerReasons", "{position}. correct: {answer}"),
    "quiz_answer_partial": QT_TRANSLATE_NOOP("CheckerReasons", "{position}. partly right: {answer} → {key}"),
    "quiz_answer_incorrect": QT_TRANSLATE_NOOP("CheckerReasons", "{position}. wrong: {answer} → {key}"),
}


def reason_text(text: str) -> str:
    """A checker reason (as a verdict stores it) in the interface language."""
    parsed = parse_reason(text)
    if parsed is None or parsed[0] not in TEMPLATES:
        return text
    code, args = parsed
    template = QCoreApplication.translate(CONTEXT, TEMPLATES[code])
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):  # a broken translation must not hide the reason
        return text


def reason_texts(reasons: Iterable[object]) -> list[str]:
    """Each reason of a stored badge (``badge["reasons"]``) in the interface language."""
    return [reason_text(str(r)) for r in reasons]
