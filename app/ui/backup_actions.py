"""File ▸ Back up conversations… and Restore from a backup…: the store's online backup, from the GUI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.errors import PersonaTutorError
from app.store.backup import backup_database, restore_database

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def install_backup_menu(window: MainWindow) -> list[QAction]:
    """Adds the two actions to the File menu (before Quit); returns them."""
    backup = QAction(QCoreApplication.translate("BackupActions", "&Back up conversations…"), window)
    backup.triggered.connect(lambda: ask_and_back_up(window))
    restore = QAction(QCoreApplication.translate("BackupActions", "&Restore from a backup…"), window)
    restore.triggered.connect(lambda: ask_and_restore(window))
    return [backup, restore]


def ask_and_back_up(window: MainWindow, out: Path | None = None) -> Path | None:
    """Copy the live database to a file the learner picks (or ``out``); says where, or why not."""
    if out is None:
        suggested = str(Path.home() / f"persona-tutor-{datetime.now():%Y%m%d-%H%M}.db")
        chosen, _ = QFileDialog.getSaveFileName(
            window,
            QCoreApplication.translate("BackupActions", "Back up conversations"),
            suggested,
            QCoreApplication.translate("BackupActions", "SQLite database (*.db);;All files (*)"),
        )
        if not chosen:
            return None
        out = Path(chosen)
    try:
        written = backup_database(window.paths.database_path, out)
    except (PersonaTutorError, OSError) as exc:
        QMessageBox.warning(window, QCoreApplication.translate("BackupActions", "Back up conversations"), str(exc))
        return None
    window.statusBar().showMessage(
        QCoreApplication.translate("BackupActions", "Backed up to {path}").format(path=written), 8000
    )
    return written


def ask_and_restore(window: MainWindow, backup: Path | None = None, confirm: bool = True) -> bool:
    """Replace every conversation with a backup's, after asking; the current database is kept aside."""
    if window.is_busy():
        QMessageBox.information(
            window,
            QCoreApplication.translate("BackupActions", "Restore from a backup"),
            QCoreApplication.translate("BackupActions", "Wait for the reply to finish first."),
        )
        return False
    if backup is None:
        chosen, _ = QFileDialog.getOpenFileName(
            window,
            QCoreApplication.translate("BackupActions", "Restore from a backup"),
            str(Path.home()),
            QCoreApplication.translate("BackupActions", "SQLite database (*.db);;All files (*)"),
        )
        if not chosen:
            return False
        backup = Path(chosen)
    if confirm:
        answer = QMessageBox.question(
            window,
            QCoreApplication.translate("BackupActions", "Restore from a backup"),
            QCoreApplication.translate(
                "BackupActions",
                "Replace all conversations with those in {name}? The current ones are kept in a backup file.",
            ).format(name=backup.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
    try:
        kept = restore_database(window.paths.database_path, backup)
    except (PersonaTutorError, OSError) as exc:
        QMessageBox.warning(window, QCoreApplication.translate("BackupActions", "Restore from a backup"), str(exc))
        return False
    window.after_restore()
    note = QCoreApplication.translate("BackupActions", "Restored {name}.").format(name=backup.name)
    if kept is not None:
        note += " " + QCoreApplication.translate(
            "BackupActions", "The previous conversations are kept in {path}."
        ).format(path=kept)
    window.statusBar().showMessage(note, 15000)
    return True
