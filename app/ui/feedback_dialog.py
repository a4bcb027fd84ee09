"""Flag a reply: what is wrong with it, how it rates, what it should have said, and whether the badges were right.

The dialog only collects a :class:`app.feedback.FeedbackDraft`; the caller saves it through the core.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.feedback import BADGES, RATINGS, REASONS, FeedbackDraft
from app.store import Message, Verdict
from app.ui.checker_reasons import reason_texts
from app.ui.feedback_labels import badge_label, rating_label, reason_label
from app.ui.language import QT_TRANSLATE_NOOP

_RATING_CHOICES = [
    QT_TRANSLATE_NOOP("FeedbackDialog", "not rated"),
    QT_TRANSLATE_NOOP("FeedbackDialog", "1 – poor"),
    "2",
    "3",
    "4",
    QT_TRANSLATE_NOOP("FeedbackDialog", "5 – excellent"),
]
# The texts are translated; the values (review ids) are stored as they are.
_REVIEW_CHOICES = [
    (QT_TRANSLATE_NOOP("FeedbackDialog", "no opinion"), ""),
    (QT_TRANSLATE_NOOP("FeedbackDialog", "right"), "confirmed"),
    (QT_TRANSLATE_NOOP("FeedbackDialog", "wrong"), "disputed"),
]
_LOOK = {
    "ok": QT_TRANSLATE_NOOP("FeedbackDialog", "✔ on track"),
    "doubtful": QT_TRANSLATE_NOOP("FeedbackDialog", "? doubtful"),
    "off": QT_TRANSLATE_NOOP("FeedbackDialog", "✘ off"),
}
_UNKNOWN_LOOK = QT_TRANSLATE_NOOP("FeedbackDialog", "· unknown")
_EXCERPT_CHARS = 280
DEFAULT_WIDTH = 640


def _excerpt(text: str, limit: int = _EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class FeedbackDialog(QDialog):
    """Reasons, three optional 1–5 ratings, a comment, a better reply (typed or an alternative), badge review."""

    def __init__(
        self,
        reply: Message,
        draft: FeedbackDraft,
        alternatives: list[Message],
        verdict: Verdict | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Flag this reply"))
        self.reply = reply
        self._thumbs = draft.thumbs
        self._alternatives = alternatives
        layout = QVBoxLayout(self)
        shown = QLabel(f"<i>{html.escape(_excerpt(reply.content))}</i>")
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(shown)
        layout.addWidget(self._reasons_box(draft))
        layout.addWidget(self._ratings_box(draft))
        if verdict is not None:
            layout.addWidget(self._verdict_box(verdict, draft))
        layout.addWidget(self._better_box(draft))
        self.comment = QLineEdit(draft.comment)
        self.comment.setPlaceholderText(self.tr("Anything else? (optional)"))
        self.comment.setAccessibleName(self.tr("Comment"))
        comment_row = QHBoxLayout()
        comment_row.addWidget(QLabel(self.tr("Comment")))
        comment_row.addWidget(self.comment, 1)
        layout.addLayout(comment_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._fit_height(DEFAULT_WIDTH)
        self.resize(DEFAULT_WIDTH, self.minimumHeight())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height(event.size().width())

    def _fit_height(self, width: int) -> None:
        """Keep the dialog tall enough for its word-wrapped text at ``width``: the checker's reasons grow by
        lines as the dialog narrows, and Qt does not grow a window's minimum height for that by itself."""
        layout = self.layout()
        need = layout.totalHeightForWidth(width) if layout is not None else -1
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def _reasons_box(self, draft: FeedbackDraft) -> QGroupBox:
        box = QGroupBox(self.tr("What is wrong with it?"))
        grid = QGridLayout(box)
        self.reason_boxes: dict[str, QCheckBox] = {}
        for i, reason in enumerate(REASONS):
            check = QCheckBox(reason_label(reason))
            check.setChecked(reason in draft.reasons)
            self.reason_boxes[reason] = check
            grid.addWidget(check, i // 3, i % 3)
        return box

    def _ratings_box(self, draft: FeedbackDraft) -> QGroupBox:
        box = QGroupBox(self.tr("Ratings (optional)"))
        grid = QGridLayout(box)  # each label above its menu: fits a narrow dialog in either language
        self.rating_boxes: dict[str, QComboBox] = {}
        for column, key in enumerate(RATINGS):
            label = rating_label(key)
            combo = QComboBox()
            combo.addItems([self.tr(choice) for choice in _RATING_CHOICES])
            combo.setCurrentIndex(int(draft.ratings.get(key, 0)))
            combo.setAccessibleName(label)
            self.rating_boxes[key] = combo
            title = QLabel(label)
            title.setBuddy(combo)
            grid.addWidget(title, 0, column)
            grid.addWidget(combo, 1, column)
        return box

    def _verdict_box(self, verdict: Verdict, draft: FeedbackDraft) -> QGroupBox:
        box = QGroupBox(self.tr("The checker said — was it right?"))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        top = Qt.AlignmentFlag.AlignTop
        self.review_boxes: dict[str, QComboBox] = {}
        self.checker_said: dict[str, QLabel] = {}
        for row, key in enumerate(BADGES):
            title = badge_label(key)
            badge = verdict.verdict.get(key) or {}
            reasons = reason_texts(list(badge.get("reasons", []))[:2])
            combo = QComboBox()
            for text, value in _REVIEW_CHOICES:
                combo.addItem(self.tr(text), value)
            combo.setCurrentIndex(max(combo.findData(draft.verdict_review.get(key, "")), 0))
            combo.setAccessibleName(self.tr("{title} badge review").format(title=title))
            self.review_boxes[key] = combo
            look = self.tr(_LOOK.get(str(badge.get("label")), _UNKNOWN_LOOK))
            said = QLabel("\n".join([look, *(f"• {reason}" for reason in reasons)]))
            said.setTextFormat(Qt.TextFormat.PlainText)  # reasons quote the reply: never read them as HTML
            said.setWordWrap(True)
            said.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.checker_said[key] = said
            grid.addWidget(QLabel(self.tr("{title}:").format(title=title)), row, 0, top)
            grid.addWidget(said, row, 1, top)
            grid.addWidget(combo, row, 2, top)
        return box

    def _better_box(self, draft: FeedbackDraft) -> QGroupBox:
        box = QGroupBox(self.tr("A better reply (optional)"))
        column = QVBoxLayout(box)
        self.better_source = QComboBox()
        self.better_source.setAccessibleName(self.tr("Better reply source"))
        self.better_source.addItem(self.tr("Write it yourself"), None)
        for n, alternative in enumerate(self._alternatives, start=1):
            text = self.tr("Alternative {n}: {excerpt}").format(n=n, excerpt=_excerpt(alternative.content, 60))
            self.better_source.addItem(text, alternative.id)
        self.better_source.setEnabled(bool(self._alternatives))
        self.better = QPlainTextEdit()
        self.better.setAccessibleName(self.tr("Better reply"))
        self.better.setPlaceholderText(self.tr("What should the tutor have said?"))
        self.better.setFixedHeight(90)
        self.better.setPlainText(draft.better_reply)
        if draft.better_message_id is not None:
            self.better_source.setCurrentIndex(max(self.better_source.findData(draft.better_message_id), 0))
        self.better_source.currentIndexChanged.connect(self._on_source_changed)
        column.addWidget(self.better_source)
        column.addWidget(self.better)
        return box

    def _on_source_changed(self, index: int) -> None:
        chosen = self.better_source.itemData(index)
        texts = {m.id: m.content for m in self._alternatives}
        self.better.setPlainText(texts.get(chosen, "") if chosen is not None else "")

    def choose_alternative(self, message_id: int) -> None:
        self.better_source.setCurrentIndex(self.better_source.findData(message_id))

    def draft(self) -> FeedbackDraft:
        """What the learner entered; flagging a reason without a thumb counts as a thumbs-down."""
        reasons = tuple(r for r, box in self.reason_boxes.items() if box.isChecked())
        ratings = {k: box.currentIndex() for k, box in self.rating_boxes.items() if box.currentIndex() > 0}
        review = {
            k: str(box.currentData()) for k, box in getattr(self, "review_boxes", {}).items() if box.currentData()
        }
        thumbs = -1 if reasons and self._thumbs is None else self._thumbs
        return FeedbackDraft(
            thumbs=thumbs,
            reasons=reasons,
            ratings=ratings,
            comment=self.comment.text().strip(),
            better_reply=self.better.toPlainText().strip(),
            better_message_id=self.better_source.currentData(),
            verdict_review=review,
        )
