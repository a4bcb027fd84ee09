"""The vocabulary of feedback: stable reason ids, the three ratings, and checks on what a learner entered.

The ids appear in the database and in every export, so they never change; labels are for people and may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.errors import PersonaTutorError

REASONS: dict[str, str] = {
    "out_of_character": "Out of character",
    "wrong_fact": "Wrong or distorted fact",
    "confusing": "Confusing",
    "boring": "Boring",
    "unsafe": "Unsafe",
    "other": "Other",
}

RATINGS: dict[str, str] = {
    "role": "Role consistency",
    "accuracy": "Accuracy",
    "engagement": "Engagement",
}
RATING_MIN, RATING_MAX = 1, 5

# The two badges of the reply checker (app.checker) a learner can confirm or dispute.
BADGES: dict[str, str] = {"consistency": "Persona", "accuracy": "Accuracy"}
REVIEWS = ("confirmed", "disputed")


class FeedbackError(PersonaTutorError):
    """Feedback that cannot be recorded as given (an unknown reason, a rating out of range, ...)."""


def check_reasons(reasons: Iterable[str]) -> list[str]:
    """The reasons in a stable order, without repeats; an unknown id is an error."""
    given = list(reasons)
    unknown = [r for r in given if r not in REASONS]
    if unknown:
        raise FeedbackError(f"Unknown reason {unknown[0]!r}; use one of: {', '.join(REASONS)}.")
    return [r for r in REASONS if r in given]


def check_ratings(ratings: Mapping[str, Any]) -> dict[str, int]:
    """Ratings as whole numbers 1–5 on the known scales."""
    checked: dict[str, int] = {}
    for key, value in ratings.items():
        if key not in RATINGS:
            raise FeedbackError(f"Unknown rating {key!r}; use one of: {', '.join(RATINGS)}.")
        if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
            raise FeedbackError(f"The {key} rating must be a whole number from {RATING_MIN} to {RATING_MAX}.")
        checked[key] = value
    return {key: checked[key] for key in RATINGS if key in checked}


def parse_ratings(text: str) -> dict[str, int]:
    """``role=4,accuracy=2`` as a dict (the command line's way to give ratings)."""
    ratings: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip().lstrip("-").isdigit():
            raise FeedbackError(f"Ratings look like role=4,accuracy=2,engagement=5 (got {part!r}).")
        ratings[key.strip()] = int(value)
    return check_ratings(ratings)


def check_review(review: Mapping[str, str]) -> dict[str, str]:
    """A review of the checker's badges: each badge ``confirmed`` or ``disputed``."""
    for badge, judgement in review.items():
        if badge not in BADGES:
            raise FeedbackError(f"Unknown badge {badge!r}; use one of: {', '.join(BADGES)}.")
        if judgement not in REVIEWS:
            raise FeedbackError(f"A badge is either confirmed or disputed (got {judgement!r}).")
    return {badge: review[badge] for badge in BADGES if badge in review}
