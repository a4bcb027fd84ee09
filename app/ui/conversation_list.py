"""The sidebar: a New chat button, a filter, and the conversations (pinned first, then most recent).

A list model that reads its rows a page at a time from a row source (the store, see
``app.ui.conversation_pages``): the first page when shown, refreshed or filtered, the next when the list is
scrolled to its end (Qt's ``canFetchMore``/``fetchMore``), so ten thousand conversations cost one page. The
list only asks: the window (through the core) renames, pins, archives and deletes.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Protocol, TypeAlias

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QIcon, QPixmap, QTextLayout
from PySide6.QtWidgets import (
    QCheckBox,
    QInputDialog,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.avatars import avatar_image
from app.ui.locale_format import short_date, short_date_time

ID_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


class Listed(Protocol):
    """What a sidebar row needs of a conversation (a ``ConversationSummary`` or a whole ``Conversation``)."""

    @property
    def id(self) -> int: ...
    @property
    def persona_id(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def pinned(self) -> bool: ...
    @property
    def archived(self) -> bool: ...


Row: TypeAlias = tuple[Listed, str]  # a conversation and its persona's display name
PAGE_ROWS = 60  # read at once: four screens of the list (a window opens with them; more as it is scrolled)


class RowSource(Protocol):
    """``limit`` rows from ``offset`` of the sidebar's order that contain ``needle`` (case folded; "" for all)."""

    def __call__(self, offset: int, limit: int, needle: str) -> list[Row]: ...


def conversation_title(conversation: Listed) -> str:
    return conversation.title or QCoreApplication.translate("ConversationList", "New conversation")


def matches(row: Row, needle: str) -> bool:
    """Whether ``needle`` (case folded) is in the conversation's title, its persona's name or its topic."""
    conversation, name = row
    return needle in f"{conversation_title(conversation)} {name} {conversation.topic}".casefold()


class ListedRows:
    """A row source over rows already in hand (a few), filtered in Python."""

    def __init__(self, rows: list[Row]) -> None:
        self._rows = rows

    def __call__(self, offset: int, limit: int, needle: str) -> list[Row]:
        found = [row for row in self._rows if matches(row, needle)] if needle else self._rows
        return found[offset : offset + limit]


class ConversationModel(QAbstractListModel):
    """One row per conversation: title, persona and topic, date; pinned and archived marks.

    Rows come from a :class:`RowSource` a page at a time; ``set_filter`` keeps the rows whose title, persona name
    or topic contain the text (case-insensitive), read again from the first page."""

    def __init__(self) -> None:
        super().__init__()
        self._source: RowSource = ListedRows([])
        self._needle = ""
        self._rows: list[Row] = []
        self._more = False
        self._icons: dict[str, QIcon] = {}

    def set_source(self, source: RowSource) -> None:
        """Read the rows again from ``source``, as many as were shown (a refresh keeps the list where it was)."""
        self._source = source
        self._reload(max(len(self._rows), PAGE_ROWS))

    def set_rows(self, rows: list[Row]) -> None:
        self.set_source(ListedRows(rows))

    def set_filter(self, text: str) -> None:
        self._needle = text.casefold()
        self._reload(PAGE_ROWS)

    def _read(self, offset: int, count: int) -> list[Row]:
        rows = self._source(offset, count + 1, self._needle)  # one more says whether there are more
        self._more = len(rows) > count
        return rows[:count]

    def _reload(self, count: int) -> None:
        self.beginResetModel()
        self._rows = self._read(0, count)
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's own default
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 - Qt's own default
        """The next page: Qt asks when the list is scrolled to its end."""
        if parent.isValid() or not self._more:
            return
        rows = self._read(len(self._rows), PAGE_ROWS)
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def row_of(self, conversation_id: int) -> int:
        """The row of ``conversation_id`` among the rows read so far, or -1."""
        return next((n for n, (c, _) in enumerate(self._rows) if c.id == conversation_id), -1)

    def conversation(self, row: int) -> Listed:
        return self._rows[row][0]

    def _icon(self, persona_id: str, name: str) -> QIcon:
        if persona_id not in self._icons:  # one avatar per persona, however many conversations use it
            self._icons[persona_id] = QIcon(QPixmap.fromImage(avatar_image(persona_id, name, 56)))
        return self._icons[persona_id]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        conversation, persona_name = self._rows[index.row()]
        if role == ID_ROLE:
            return conversation.id
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(conversation.persona_id, persona_name)
        title = conversation_title(conversation)
        if role == TITLE_ROLE:
            return title
        if role == SEARCH_ROLE:
            return f"{title} {persona_name} {conversation.topic}"
        marks = "★ " if conversation.pinned else ""  # a text symbol: colour emoji fonts are not everywhere
        archived = QCoreApplication.translate("ConversationList", "Archived · ") if conversation.archived else ""
        if role == Qt.ItemDataRole.DisplayRole:
            details = f"{archived}{persona_name} · {conversation.topic} · {short_date(conversation.updated_at)}"
            return f"{marks}{title}\n{details}"
        if role == Qt.ItemDataRole.ToolTipRole:
            state = QCoreApplication.translate("ConversationList", " (pinned)") if conversation.pinned else ""
            state += QCoreApplication.translate("ConversationList", " (archived)") if conversation.archived else ""
            return f"{title}{state}\n{persona_name} · {conversation.topic} · {short_date_time(conversation.updated_at)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{marks}{title}, {archived}{persona_name}, {conversation.topic}"
        return None


class _TwoLineRows(QStyledItemDelegate):
    """Every row is two lines high in the tallest font a row may use (Chinese comes from a taller fallback): Qt
    measures a row whose second line is Latin only a few pixels short, and with uniform sizes one row's height is
    every row's (filtering for "Captain" made every row one elided line)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), 2 * _tall_line(option.font) + 2))


def _tall_line(font: QFont) -> int:
    layout = QTextLayout("课", font)  # laid out, so the fallback font's height counts
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1000)
    height = line.height()
    layout.endLayout()
    return math.ceil(height)


class ConversationList(QWidget):
    """Shows conversations; asks the window (which asks the core) to open, rename, pin, archive or delete."""

    new_chat_requested = Signal()
    conversation_selected = Signal(int)
    rename_requested = Signal(int, str)
    pin_requested = Signal(int, bool)
    archive_requested = Signal(int, bool)
    delete_requested = Signal(int)
    show_archived_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_chat_button = QPushButton(self.tr("＋ New chat"))
        self.new_chat_button.setToolTip(self.tr("New chat (Ctrl+N)"))
        self.new_chat_button.clicked.connect(self.new_chat_requested)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter conversations"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter conversations"))
        self.model = ConversationModel()
        self._open: int | None = None  # the conversation the window has open, marked when its row is read
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)  # passes rows through; kept for callers that map indexes
        self.proxy.rowsInserted.connect(self._on_rows_read)  # the proxy's: it has the rows by then
        self.filter.textChanged.connect(self._on_filter_changed)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setIconSize(QSize(28, 28))
        self.list.setItemDelegate(_TwoLineRows(self.list))
        self.list.setUniformItemSizes(True)  # lays out ten thousand rows without measuring each
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.selectionModel().currentChanged.connect(self._on_current_changed)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.setAccessibleName(self.tr("Show archived conversations"))
        self.show_archived.toggled.connect(self.show_archived_toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.show_archived)

    def show_conversations(self, rows: list[Row], current: int | None) -> None:
        """``rows`` pairs each conversation with its persona's display name."""
        self.show_source(ListedRows(rows), current)

    def show_source(self, source: RowSource, current: int | None) -> None:
        """List the rows of ``source`` (read a page at a time) with ``current`` marked as the open conversation."""
        self.list.selectionModel().blockSignals(True)
        self.model.set_source(source)
        self._select(current)
        self.list.selectionModel().blockSignals(False)

    def select(self, conversation_id: int | None) -> None:
        """Mark ``conversation_id`` as the open conversation without asking to open it again (once its row is
        read, when it is further down than the rows read so far)."""
        self.list.selectionModel().blockSignals(True)
        self._select(conversation_id)
        self.list.selectionModel().blockSignals(False)

    @Slot(str)
    def _on_filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self.select(self._open)  # the open conversation stays marked while it matches

    @Slot()
    def _on_rows_read(self) -> None:
        if self._open is not None and not self.list.currentIndex().isValid():
            self.select(self._open)

    def _select(self, conversation_id: int | None) -> None:
        self._open = conversation_id
        row = self.model.row_of(conversation_id) if conversation_id is not None else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        self.list.setCurrentIndex(index)
        if not index.isValid():
            self.list.clearSelection()

    def clear_selection(self) -> None:
        self.select(None)

    def count(self) -> int:
        """How many conversations are listed (after the filter): the rows read so far."""
        return self.proxy.rowCount()

    def item_id(self, row: int) -> int:
        return int(self.proxy.index(row, 0).data(ID_ROLE))

    def item_title(self, row: int) -> str:
        return str(self.proxy.index(row, 0).data(TITLE_ROLE))

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.conversation_selected.emit(int(current.data(ID_ROLE)))

    @Slot(QPoint)
    def _menu(self, position: QPoint) -> None:
        index = self.list.indexAt(position)
        if not index.isValid():
            return
        conversation = self.model.conversation(self.proxy.mapToSource(index).row())
        menu = QMenu(self)
        rename = menu.addAction(self.tr("Rename…"))
        pin = menu.addAction(self.tr("Unpin") if conversation.pinned else self.tr("Pin to top"))
        archive = menu.addAction(self.tr("Unarchive") if conversation.archived else self.tr("Archive"))
        menu.addSeparator()
        delete = menu.addAction(self.tr("Delete"))
        chosen = menu.exec(self.list.viewport().mapToGlobal(position))
        if chosen is rename:
            title = conversation_title(conversation)
            text, ok = QInputDialog.getText(self, self.tr("Rename conversation"), self.tr("Title:"), text=title)
            if ok and text.strip():
                self.rename_requested.emit(conversation.id, text.strip())
        elif chosen is pin:
            self.pin_requested.emit(conversation.id, not conversation.pinned)
        elif chosen is archive:
            self.archive_requested.emit(conversation.id, not conversation.archived)
        elif chosen is delete:  # no "are you sure": the window offers Undo instead
            self.delete_requested.emit(conversation.id)
