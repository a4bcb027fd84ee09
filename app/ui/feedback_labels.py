"""The feedback words the learner sees, translated: reasons, ratings and badges by their stable ids.

The core (:mod:`app.feedback`) keeps the ids and English labels that are stored and exported; the GUI shows
these instead, in the interface language. An id the GUI does not know shows the core's label.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.feedback import BADGES, RATINGS, REASONS
from app.ui.language import QT_TRANSLATE_NOOP

_CONTEXT = "FeedbackLabels"
REASON_LABELS = {
    "out_of_character": QT_TRANSLATE_NOOP("FeedbackLabels", "Out of character"),
    "wrong_fact": QT_TRANSLATE_NOOP("FeedbackLabels", "Wrong or distorted fact"),
    "confusing": QT_TRANSLATE_NOOP("FeedbackLabels", "Confusing"),
    "boring": QT_TRANSLATE_NOOP("FeedbackLabels", "Boring"),
    "unsafe": QT_TRANSLATE_NOOP("FeedbackLabels", "Unsafe"),
    "other": QT_TRANSLATE_NOOP("FeedbackLabels", "Other"),
}
RATING_LABELS = {
    "role": QT_TRANSLATE_NOOP("FeedbackLabels", "Role consistency"),
    "accuracy": QT_TRANSLATE_NOOP("FeedbackLabels", "Accuracy"),
    "engagement": QT_TRANSLATE_NOOP("FeedbackLabels", "Engagement"),
}
# One word per rating, for the browser's narrow Ratings column ("role 4 · accuracy 1").
RATING_SHORT = {
    "role": QT_TRANSLATE_NOOP("FeedbackLabels", "role"),
    "accuracy": QT_TRANSLATE_NOOP("FeedbackLabels", "accuracy"),
    "engagement": QT_TRANSLATE_NOOP("FeedbackLabels", "engagement"),
}
BADGE_LABELS = {
    "consistency": QT_TRANSLATE_NOOP("FeedbackLabels", "Persona"),
    "accuracy": QT_TRANSLATE_NOOP("FeedbackLabels", "Accuracy"),
}


def _label(labels: dict[str, str], fallback: dict[str, str], key: str) -> str:
    if key in labels:
        return QCoreApplication.translate(_CONTEXT, labels[key])
    return fallback.get(key, key)


def reason_label(reason: str) -> str:
    return _label(REASON_LABELS, REASONS, reason)


def rating_label(rating: str) -> str:
    return _label(RATING_LABELS, RATINGS, rating)


def rating_short(rating: str) -> str:
    return _label(RATING_SHORT, {k: v.split()[0].lower() for k, v in RATINGS.items()}, rating)


def badge_label(badge: str) -> str:
    return _label(BADGE_LABELS, BADGES, badge)
