"""The sidebar: a New chat button, a filter, and the conversations (pinned first, then most recent).

A list model over plain records rather than one widget per row, so ten thousand conversations cost one
query and a model reset. The list only asks: the window (through the core) renames, pins, archives and
deletes.
"""

from __future__ import annotations

from typing import Any

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
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QInputDialog,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.store import Conversation
from app.ui.avatars import avatar_image
from app.ui.locale_format import short_date, short_date_time

ID_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


def conversation_title(conversation: Conversation) -> str:
    return conversation.title or QCoreApplication.translate("ConversationList", "New conversation")


class ConversationModel(QAbstractListModel):
    """One row per conversation: title, persona and topic, date; pinned and archived marks."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[Conversation, str]] = []
        self._icons: dict[str, QIcon] = {}

    def set_rows(self, rows: list[tuple[Conversation, str]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def row_of(self, conversation_id: int) -> int:
        return next((n for n, (c, _) in enumerate(self._rows) if c.id == conversation_id), -1)

    def conversation(self, row: int) -> Conversation:
        return self._rows[row][0]

    def _icon(self, persona_id: str, name: str) -> QIcon:
        if persona_id not in self._icons:  # one avatar per persona, however many conversations use it
            self._icons[persona_id] = QIcon(QPixmap.fromImage(avatar_image(persona_id, name, 56)))
        return self._icons[persona_id]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        conversation, persona_name = self._rows[index.row()]
        title = conversation_title(conversation)
        marks = "★ " if conversation.pinned else ""  # a text symbol: colour emoji fonts are not everywhere
        archived = QCoreApplication.translate("ConversationList", "Archived · ") if conversation.archived else ""
        if role == Qt.ItemDataRole.DisplayRole:
            details = f"{archived}{persona_name} · {conversation.topic} · {short_date(conversation.updated_at)}"
            return f"{marks}{title}\n{details}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(conversation.persona_id, persona_name)
        if role == Qt.ItemDataRole.ToolTipRole:
            state = QCoreApplication.translate("ConversationList", " (pinned)") if conversation.pinned else ""
            state += QCoreApplication.translate("ConversationList", " (archived)") if conversation.archived else ""
            return f"{title}{state}\n{persona_name} · {conversation.topic} · {short_date_time(conversation.updated_at)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{marks}{title}, {archived}{persona_name}, {conversation.topic}"
        if role == ID_ROLE:
            return conversation.id
        if role == TITLE_ROLE:
            return title
        if role == SEARCH_ROLE:
            return f"{title} {persona_name} {conversation.topic}"
        return None


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
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setIconSize(QSize(28, 28))
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

    def show_conversations(self, rows: list[tuple[Conversation, str]], current: int | None) -> None:
        """``rows`` pairs each conversation with its persona's display name."""
        self.list.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self._select(current)
        self.list.selectionModel().blockSignals(False)

    def _select(self, conversation_id: int | None) -> None:
        row = self.model.row_of(conversation_id) if conversation_id is not None else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        self.list.setCurrentIndex(index)
        if not index.isValid():
            self.list.clearSelection()

    def clear_selection(self) -> None:
        self.list.selectionModel().blockSignals(True)
        self._select(None)
        self.list.selectionModel().blockSignals(False)

    def count(self) -> int:
        """How many conversations are listed (after the filter)."""
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
