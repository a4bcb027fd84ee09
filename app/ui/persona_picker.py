"""The persona picker's entry for an open conversation whose persona was deleted: the name of the card copy the
conversation kept, marked "(deleted)", greyed and not choosable, so the picker never claims another persona
(the default one) wrote it. The entry goes when a new chat starts: a new chat offers only personas that exist."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap, QStandardItemModel
from PySide6.QtWidgets import QComboBox

from app.ui.avatars import avatar_image

DELETED_ROLE = Qt.ItemDataRole.UserRole + 1  # True on the entry of a deleted persona


def show_persona(box: QComboBox, persona_id: str, name: str) -> None:
    """Select ``persona_id`` without telling anyone (``currentIndexChanged`` stays quiet); when the library no
    longer has it, an entry named ``name`` (the kept copy's) marked "(deleted)" stands in for it."""
    forget_deleted(box)
    index = box.findData(persona_id)
    box.blockSignals(True)
    if index < 0:
        label = QCoreApplication.translate("PersonaPicker", "{name} (deleted)").format(name=name)
        box.addItem(QIcon(QPixmap.fromImage(avatar_image(persona_id, name, 48))), label, persona_id)
        index = box.count() - 1
        box.setItemData(index, True, DELETED_ROLE)
        box.setItemData(index, QBrush(QColor("#888888")), Qt.ItemDataRole.ForegroundRole)
        model = box.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(index)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)  # shown, never chosen for a new chat
    box.setCurrentIndex(index)
    box.blockSignals(False)


def forget_deleted(box: QComboBox) -> None:
    """Remove the deleted persona's entry; when it was the one shown, the first persona (the default) is."""
    for index in reversed(range(box.count())):
        if box.itemData(index, DELETED_ROLE):
            shown = index == box.currentIndex()
            box.blockSignals(True)
            box.removeItem(index)
            if shown:
                box.setCurrentIndex(0 if box.count() else -1)
            box.blockSignals(False)
