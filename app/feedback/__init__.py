"""Feedback on tutor replies and the training data it becomes (no Qt; the GUI and CLI are thin layers on it).

``FeedbackService`` records thumbs, reasons, 1–5 ratings, comments, better replies and reviews of the checker's
badges; ``export_feedback`` writes them as TRL-ready JSON Lines (``sft``, ``dpo``, ``kto``) or everything
(``raw``). Reason ids (:data:`REASONS`) are stable: they are stored and exported as they are.
"""

from app.feedback.context import USER_PLACEHOLDER, ReplyContext, reply_context
from app.feedback.export import FORMATS, ExportOptions, ExportReport, export_feedback, export_lines
from app.feedback.reasons import BADGES, RATINGS, REASONS, FeedbackError, parse_ratings
from app.feedback.service import FeedbackDraft, FeedbackFilter, FeedbackItem, FeedbackService

__all__ = [
    "BADGES",
    "FORMATS",
    "RATINGS",
    "REASONS",
    "USER_PLACEHOLDER",
    "ExportOptions",
    "ExportReport",
    "FeedbackDraft",
    "FeedbackError",
    "FeedbackFilter",
    "FeedbackItem",
    "FeedbackService",
    "ReplyContext",
    "export_feedback",
    "export_lines",
    "parse_ratings",
    "reply_context",
]
