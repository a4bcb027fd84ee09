"""Checker badges in table cells (the replay and test bench tables): the chat's icon, word and colour, the score,
and the reasons in the tooltip — never colour alone."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTableWidgetItem

from app.ui.chat_view import BADGE_COLOURS_DARK, BADGE_LOOK
from app.ui.checker_reasons import reason_texts

_NONE = "–"


def badge_word(label: object) -> str:
    """A badge label (``ok``, ``doubtful``, ``off``) as the learner reads it: ``on track``, translated."""
    look = BADGE_LOOK.get(str(label))
    return QCoreApplication.translate("ChatView", look[1]) if look else str(label)


def badge_text(badge: dict[str, Any] | None) -> str:
    """``✔ on track 0.82``; a dash when there is no badge (an empty reply)."""
    if not badge or badge.get("label") not in BADGE_LOOK:
        return _NONE
    icon = BADGE_LOOK[badge["label"]][0]
    score = badge.get("score")
    shown = f" {float(score):.2f}" if isinstance(score, int | float) else ""
    return f"{icon} {badge_word(badge['label'])}{shown}"


def badge_colour(label: str | None) -> QColor | None:
    if label not in BADGE_LOOK:
        return None
    colour = BADGE_LOOK[label][2]
    dark = QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
    return QColor(BADGE_COLOURS_DARK[colour] if dark else colour)


def badge_item(badge: dict[str, Any] | None, before: dict[str, Any] | None = None) -> QTableWidgetItem:
    """A cell for ``badge``; with ``before`` it reads ``before → now`` (``? doubtful 0.41 → ✔ on track 0.80``)."""
    text = badge_text(badge) if before is None else f"{badge_text(before)} → {badge_text(badge)}"
    item = QTableWidgetItem(text)
    colour = badge_colour((badge or {}).get("label"))
    if colour is not None:
        item.setForeground(colour)
    reasons = reason_texts((badge or {}).get("reasons") or [])
    if reasons:
        item.setToolTip("\n".join(reasons))
    return item
