"""The sidebar: a New chat button and the conversations, most recent first, with rename and delete."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.store import Conversation
from app.ui.avatars import avatar_image


class ConversationList(QWidget):
    """Shows conversations; asks the window (which asks the core) to open, rename or delete them."""

    new_chat_requested = Signal()
    conversation_selected = Signal(int)
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_chat_button = QPushButton("＋ New chat")
        self.new_chat_button.setToolTip("New chat (Ctrl+N)")
        self.new_chat_button.clicked.connect(self.new_chat_requested)
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        self.list.setIconSize(QSize(28, 28))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.currentItemChanged.connect(self._on_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.list)

    def show_conversations(self, rows: list[tuple[Conversation, str]], current: int | None) -> None:
        """``rows`` pairs each conversation with its persona's display name."""
        self.list.blockSignals(True)
        self.list.clear()
        for conversation, persona_name in rows:
            title = conversation.title or "New conversation"
            item = QListWidgetItem(f"{title}\n{persona_name} · {conversation.topic}")
            item.setData(Qt.ItemDataRole.UserRole, conversation.id)
            item.setToolTip(
                f"{title}\n{persona_name} · {conversation.topic} · {conversation.updated_at:%Y-%m-%d %H:%M}"
            )
            item.setIcon(QIcon(QPixmap.fromImage(avatar_image(conversation.persona_id, persona_name, 56))))
            self.list.addItem(item)
            if conversation.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def clear_selection(self) -> None:
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        self.list.blockSignals(False)

    def count(self) -> int:
        return self.list.count()

    def item_id(self, row: int) -> int:
        return int(self.list.item(row).data(Qt.ItemDataRole.UserRole))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current_changed(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.conversation_selected.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    @Slot(QPoint)
    def _menu(self, position: QPoint) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        conversation_id = int(item.data(Qt.ItemDataRole.UserRole))
        menu = QMenu(self)
        rename = menu.addAction("Rename…")
        delete = menu.addAction("Delete…")
        chosen = menu.exec(self.list.viewport().mapToGlobal(position))
        title = item.text().split("\n", 1)[0]
        if chosen is rename:
            text, ok = QInputDialog.getText(self, "Rename conversation", "Title:", text=title)
            if ok and text.strip():
                self.rename_requested.emit(conversation_id, text.strip())
        elif chosen is delete:
            answer = QMessageBox.question(self, "Delete conversation", f"Delete “{title}” and all its messages?")
            if answer == QMessageBox.StandardButton.Yes:
                self.delete_requested.emit(conversation_id)
