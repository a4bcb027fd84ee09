"""The gallery's grid: a list model of personas, a search filter, and a delegate that paints each card.

One model row per persona and painting on demand keeps a gallery of a thousand personas as quick as one of
eight: no widget per card, avatars drawn only for the cards on screen (and cached by ``avatar_image``).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPixmap, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.personas import Persona
from app.ui.avatars import avatar_image

AVATAR_PX = 84
CARD_SIZE = QSize(166, 196)
CACHED_CARDS = 120  # cards' pictures kept (a screenful is about 20; 120 at 166×196 are some 14 MB)
LANGUAGE_NAMES = {"zh": "中文", "en": "English", "ja": "日本語", "ko": "한국어"}

PERSONA_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code.upper() or "?")


def _haystack(persona: Persona) -> str:
    tags = " ".join(str(t) for t in persona.card.get("data", {}).get("tags", []))
    words = (persona.name, persona.nickname, persona.tagline, tags, persona.language, language_name(persona.language))
    return " ".join(words).casefold()


class PersonaListModel(QAbstractListModel):
    """Personas in gallery order; ``PERSONA_ROLE`` gives the :class:`Persona` itself."""

    def __init__(self) -> None:
        super().__init__()
        self._personas: list[Persona] = []
        self._search: list[str] = []

    def set_personas(self, personas: list[Persona]) -> None:
        self.beginResetModel()
        self._personas = list(personas)
        self._search = [_haystack(p) for p in self._personas]
        self.endResetModel()

    def append_personas(self, personas: list[Persona]) -> None:
        """More rows at the end (the gallery adds personas a batch at a time as the library reads them)."""
        if not personas:
            return
        self.beginInsertRows(QModelIndex(), len(self._personas), len(self._personas) + len(personas) - 1)
        self._personas.extend(personas)
        self._search.extend(_haystack(p) for p in personas)
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._personas)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._personas):
            return None
        persona = self._personas[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return persona.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{persona.name} — {persona.tagline}" if persona.tagline else persona.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{persona.name}, {language_name(persona.language)}. {persona.tagline}"
        if role == PERSONA_ROLE:
            return persona
        if role == SEARCH_ROLE:
            return self._search[index.row()]
        return None

    def row_of(self, persona_id: str) -> int:
        return next((i for i, p in enumerate(self._personas) if p.id == persona_id), -1)


class PersonaFilter(QSortFilterProxyModel):
    """Keeps the personas whose name, tagline, tags or language contain every word of the query."""

    def __init__(self) -> None:
        super().__init__()
        self._words: list[str] = []

    def set_query(self, query: str) -> None:
        self.beginFilterChange()
        self._words = query.casefold().split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        haystack = str(self.sourceModel().index(source_row, 0, source_parent).data(SEARCH_ROLE) or "")
        return all(word in haystack for word in self._words)


def elided_lines(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped to ``width`` pixels in at most ``max_lines`` lines, the last one elided with "…"."""
    text = " ".join(text.split())
    layout = QTextLayout(text, font)
    layout.beginLayout()
    starts: list[tuple[int, int]] = []
    while len(starts) < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append((line.textStart(), line.textLength()))
    layout.endLayout()
    lines = [text[start : start + length].strip() for start, length in starts]
    if starts and sum(length for _, length in starts) < len(text):
        last_start = starts[-1][0]
        lines[-1] = QFontMetrics(font).elidedText(text[last_start:], Qt.TextElideMode.ElideRight, width)
    return [line for line in lines if line]


class PersonaCardDelegate(QStyledItemDelegate):
    """Paints a card: round avatar, name, language (and "built-in"), and a two-line tagline.

    A card's avatar and text are drawn once into a picture kept for it (``CACHED_CARDS`` of them); repaints draw
    the frame and that picture. The view repaints every card on screen each time rows are added, and the gallery
    adds a batch of personas per event-loop turn while it reads a thousand card files: drawing the text again
    each time cost about half a millisecond a card. ``forget`` drops the pictures (the personas were read again).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cards: OrderedDict[tuple[object, ...], QPixmap] = OrderedDict()

    def forget(self) -> None:
        self._cards.clear()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return CARD_SIZE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        persona = index.data(PERSONA_ROLE)
        if not isinstance(persona, Persona):
            return
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        state = option.state
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QPainterPath()
        frame.addRoundedRect(rect.toRectF(), 10, 10)
        if state & QStyle.StateFlag.State_Selected:
            fill = QColor(palette.highlight().color())
            fill.setAlpha(60)
            painter.fillPath(frame, fill)
            painter.setPen(palette.highlight().color())
            painter.drawPath(frame)
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillPath(frame, QColor(0, 0, 0, 14))
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect.topLeft(), self._card(persona, rect.size(), ratio, option))
        painter.restore()

    def _card(self, persona: Persona, size: QSize, ratio: float, option: QStyleOptionViewItem) -> QPixmap:
        text_colour = option.palette.text().color().rgba()
        key = (persona.id, persona.name, persona.tagline, persona.language, persona.builtin)
        key += (size.width(), size.height(), ratio, text_colour, option.font.key())
        card = self._cards.get(key)
        if card is not None:
            self._cards.move_to_end(key)
            return card
        card = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
        card.setDevicePixelRatio(ratio)
        card.fill(Qt.GlobalColor.transparent)
        painter = QPainter(card)
        try:
            self._draw_card(painter, persona, QRect(QPoint(0, 0), size), ratio, option)
        finally:
            painter.end()
        self._cards[key] = card
        while len(self._cards) > CACHED_CARDS:
            self._cards.popitem(last=False)
        return card

    def _draw_card(
        self, painter: QPainter, persona: Persona, rect: QRect, ratio: float, option: QStyleOptionViewItem
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        image = avatar_image(persona.id, persona.name, round(AVATAR_PX * ratio))
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(rect.center().x() - AVATAR_PX // 2, rect.top() + 10, pixmap)

        width = rect.width() - 16
        left = rect.left() + 8
        y = rect.top() + 10 + AVATAR_PX + 8
        name_font = QFont(option.font)
        name_font.setBold(True)
        painter.setFont(name_font)
        painter.setPen(option.palette.text().color())
        metrics = QFontMetrics(name_font)
        name = metrics.elidedText(persona.name, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, y, width, metrics.height()), Qt.AlignmentFlag.AlignHCenter, name)
        y += metrics.height() + 1

        small = QFont(option.font)
        small.setPointSizeF(max(small.pointSizeF() * 0.88, 7.0))
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        info = language_name(persona.language) + (self.tr(" · built-in") if persona.builtin else "")
        painter.setPen(QColor("#6b6b6b"))
        painter.drawText(QRect(left, y, width, small_metrics.height()), Qt.AlignmentFlag.AlignHCenter, info)
        y += small_metrics.height() + 3

        painter.setPen(QColor("#444444"))
        for line in elided_lines(persona.tagline, small, width, 2):
            painter.drawText(QRect(left, y, width, small_metrics.height()), Qt.AlignmentFlag.AlignHCenter, line)
            y += small_metrics.height()
