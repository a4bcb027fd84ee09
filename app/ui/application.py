"""Starting the GUI: one QApplication, the store, the main window."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.errors import PersonaTutorError
from app.instance_lock import InstanceLock
from app.paths import AppPaths, bundled_dir
from app.personas import PersonaLibrary
from app.platform import cjk_font_families, desktop_file_name
from app.remote_servers import RemoteConfig
from app.store import Store
from app.ui.heap import freeze_imports
from app.ui.language import chosen_language, effective_language, install_translators

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Persona Tutor")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(desktop_file_name())
    font = app.font()  # Chinese text falls back to a CJK family this platform has, not a random one
    font.setFamilies([font.family(), *cjk_font_families()])
    app.setFont(font)
    icon = bundled_dir("assets") / "persona-tutor.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


class CurrentWindow:
    """The main window now: a language switch replaces it with one built in the new language."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.replaced.connect(self._follow)

    def _follow(self, window: MainWindow) -> None:
        self.window = window
        window.replaced.connect(self._follow)


def run_gui(paths: AppPaths, model: str | None = None, remote: RemoteConfig | None = None) -> int:
    """Open the main window and run the event loop until it closes."""
    app = create_application()
    settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    install_translators(effective_language(chosen_language(settings)))
    from app.ui.main_window import MainWindow

    freeze_imports()  # a full garbage collection no longer walks them in the middle of a step (see app.ui.heap)
    lock = InstanceLock(paths.data_dir)
    try:
        lock.acquire()
        store = Store(paths.database_path)
        store.recover_interrupted()
    except PersonaTutorError as exc:
        lock.release()
        QMessageBox.critical(None, "Persona Tutor", str(exc))
        return 1
    current = CurrentWindow(MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), model, remote))
    current.window.show()
    # Ctrl+C in the terminal or a polite kill closes the window properly (a stopped reply is kept as interrupted).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: current.window.close())
    heartbeat = QTimer(app)  # lets the Python interpreter run signal handlers while Qt waits
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        current.window.shutdown()
        store.close()
        lock.release()
