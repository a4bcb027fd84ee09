"""Importing card files from a file dialog or a drop: each file on its own, bad ones reported, nothing lost."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import PersonaError, StoreError
from app.personas import Persona, PersonaLibrary
from app.ui.language import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

CARD_SUFFIXES = (".json", ".png", ".charx", ".byaf")
CARD_FILTER = QT_TRANSLATE_NOOP("CardImport", "Persona cards (*.png *.json *.charx *.byaf);;All files (*)")


@dataclass
class ImportOutcome:
    imported: list[Persona] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per bad file, naming it and the reason

    def summary(self) -> str:
        done = len(self.imported)
        total = done + len(self.errors)
        names = ", ".join(p.name for p in self.imported)
        if not self.errors:
            if not done:
                return QCoreApplication.translate("CardImport", "Nothing to import.")
            return QCoreApplication.translate("CardImport", "Imported {names}.").format(names=names)
        if names:
            text = QCoreApplication.translate("CardImport", "Imported {done} of {total} files: {names}.")
        else:
            text = QCoreApplication.translate("CardImport", "Imported {done} of {total} files.")
        return text.format(done=done, total=total, names=names)


def import_cards(
    library: PersonaLibrary, files: list[Path], on_imported: Callable[[Persona], object] | None = None
) -> ImportOutcome:
    """Import every file; a bad file is reported and never stops the others. ``on_imported`` is told of each
    card imported (the window keeps a copy of it in the store, marked imported)."""
    outcome = ImportOutcome()
    for path in files:
        try:
            persona = library.import_file(path)
        except PersonaError as exc:
            outcome.errors.append(str(exc))
            continue
        outcome.imported.append(persona)
        if on_imported is not None:
            try:
                on_imported(persona)
            except StoreError:  # the card is in the library; its first chat keeps a copy of it instead
                log.warning("the imported card %s could not be recorded in the store", persona.id, exc_info=True)
    return outcome


def report(parent: QWidget, outcome: ImportOutcome) -> QMessageBox | None:
    """Tell the user which files could not be imported and why (a window-modal box that does not block)."""
    if not outcome.errors:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("CardImport", "Import persona cards"),
        outcome.summary(),
        parent=parent,
    )
    box.setInformativeText("\n".join(outcome.errors))
    box.setObjectName("import-report")
    box.open()
    return box


def ask_for_card_files(parent: QWidget) -> list[Path]:
    chosen, _ = QFileDialog.getOpenFileNames(
        parent,
        QCoreApplication.translate("CardImport", "Import persona cards"),
        "",
        QCoreApplication.translate("CardImport", CARD_FILTER),
    )
    return [Path(name) for name in chosen]


def card_files(mime: QMimeData) -> list[Path]:
    """The local files in a drag (every one of them: a wrong type gets its own clear message on import)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def _has_cards(mime: QMimeData) -> bool:
    return any(path.suffix.lower() in CARD_SUFFIXES for path in card_files(mime))


class CardDropFilter(QObject):
    """Takes drops of card files on the widgets it watches (even text boxes, which would paste the path)."""

    files_dropped = Signal(list)  # list[Path]

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.setAcceptDrops(True)
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, QDragEnterEvent | QDragMoveEvent
        ):
            if _has_cards(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent) and _has_cards(event.mimeData()):
            event.acceptProposedAction()
            self.files_dropped.emit(card_files(event.mimeData()))
            return True
        return super().eventFilter(watched, event)
