"""The window's persona picker, and its entry for an open conversation whose persona was deleted.

The picker lists every persona at once from one directory read (by id, in the library's order) and names them
(avatar, name — tagline) a batch per event-loop turn as their card files are read: a thousand cards read the
first time would hold up opening the window for a quarter of a second and more. The entry shown is named at once.

A conversation whose persona was deleted gets an entry with the name of the card copy the conversation kept,
marked "(deleted)", greyed and not choosable, so the picker never claims another persona (the default one) wrote
it. The entry goes when a new chat starts: a new chat offers only personas that exist."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap, QStandardItemModel
from PySide6.QtWidgets import QComboBox

from app.errors import PersonaError
from app.personas import PersonaLibrary
from app.ui.avatars import avatar_image, register_sources
from app.ui.event_turns import next_turn

DELETED_ROLE = Qt.ItemDataRole.UserRole + 1  # True on the entry of a deleted persona
NAMED_ROLE = Qt.ItemDataRole.UserRole + 2  # True once an entry shows its persona's name and avatar
ICON_PX = 48
NAMING_MS = 15.0  # entries are named while this has not passed, then the next event-loop turn goes on


class PersonaPicker(QComboBox):
    """A combo box of every persona (item data: the persona id), named a batch at a time (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._library: PersonaLibrary | None = None
        self._names_read: Callable[[dict[str, str]], object] = lambda names: None
        self._generation = 0
        self._naming = False
        self.currentIndexChanged.connect(self._name)

    def fill(self, library: PersonaLibrary, names_read: Callable[[dict[str, str]], object]) -> None:
        """List ``library``'s personas (the current entry is not kept: the caller selects one) and start naming
        them; until its card is read an entry shows the persona's id. ``names_read`` is told ``{id: name}`` of
        the personas just named (even while the box's signals are blocked)."""
        self._library, self._names_read = library, names_read
        self._generation += 1
        self._naming = True
        listing = library.listing()
        register_sources(dict(listing))
        self.blockSignals(True)
        self.clear()
        self.addItems([persona_id for persona_id, _ in listing])
        for index, (persona_id, _) in enumerate(listing):
            self.setItemData(index, persona_id)
        self.blockSignals(False)
        generation = self._generation
        next_turn(self, lambda: self._name_batch(generation, 0))

    def setCurrentIndex(self, index: int) -> None:
        """Select entry ``index``, named at once if it is not yet (also when signals are blocked)."""
        super().setCurrentIndex(index)
        self._name(index)

    @property
    def naming(self) -> bool:
        """Whether some entries still wait for their persona's name."""
        return self._naming

    def _name_batch(self, generation: int, start: int) -> None:
        if generation != self._generation:  # a later fill took over
            return
        started, index, names = time.perf_counter(), start, {}
        while index < self.count():
            names.update(self._name(index, announce=False))
            index += 1
            if (time.perf_counter() - started) * 1000 > NAMING_MS:
                break
        if names:
            self._names_read(names)
        if index < self.count():
            next_turn(self, lambda: self._name_batch(generation, index))
        else:
            self._naming = False

    def _name(self, index: int, announce: bool = True) -> dict[str, str]:
        """Give entry ``index`` its persona's name, tagline and avatar (once); returns ``{id: name}`` when it did."""
        if index < 0 or index >= self.count() or self.itemData(index, NAMED_ROLE) or self._library is None:
            return {}
        self.setItemData(index, True, NAMED_ROLE)
        if self.itemData(index, DELETED_ROLE):
            return {}
        try:
            persona = self._library.get(str(self.itemData(index)))
        except PersonaError:
            return {}  # deleted or spoiled since the folder was listed: it keeps its id
        self.setItemText(index, f"{persona.name} — {persona.tagline}" if persona.tagline else persona.name)
        self.setItemIcon(index, QIcon(QPixmap.fromImage(avatar_image(persona.id, persona.name, ICON_PX))))
        if announce:
            self._names_read({persona.id: persona.name})
        return {persona.id: persona.name}


def show_persona(box: QComboBox, persona_id: str, name: str) -> None:
    """Select ``persona_id`` without telling anyone (``currentIndexChanged`` stays quiet); when the library no
    longer has it, an entry named ``name`` (the kept copy's) marked "(deleted)" stands in for it."""
    forget_deleted(box)
    index = box.findData(persona_id)
    box.blockSignals(True)
    if index < 0:
        label = QCoreApplication.translate("PersonaPicker", "{name} (deleted)").format(name=name)
        box.addItem(QIcon(QPixmap.fromImage(avatar_image(persona_id, name, ICON_PX))), label, persona_id)
        index = box.count() - 1
        box.setItemData(index, True, DELETED_ROLE)
        box.setItemData(index, True, NAMED_ROLE)
        box.setItemData(index, QBrush(QColor("#888888")), Qt.ItemDataRole.ForegroundRole)
        model = box.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(index)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)  # shown, never chosen for a new chat
    box.setCurrentIndex(index)
    box.blockSignals(False)


def forget_deleted(box: QComboBox) -> None:
    """Remove the deleted persona's entry; when it was the one shown, the first persona (the default) is."""
    index = box.findData(True, DELETED_ROLE)  # found by Qt: a thousand entries asked one by one would show
    while index >= 0:
        shown = index == box.currentIndex()
        box.blockSignals(True)
        box.removeItem(index)
        if shown:
            box.setCurrentIndex(0 if box.count() else -1)
        box.blockSignals(False)
        index = box.findData(True, DELETED_ROLE)
