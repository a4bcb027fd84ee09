"""GUI tests run offscreen; a real store in each test's own data dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication

from app.paths import AppPaths
from app.store import Store

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


@pytest.fixture
def windows(qapp: QApplication) -> Iterator[list[MainWindow]]:
    """Main windows that a language switch replaces and deletes: closed at the end if they are still there.

    Not registered with qtbot, which would close a deleted window (something may still hold its wrapper)."""
    held: list[MainWindow] = []
    yield held
    for window in held:
        if shiboken6.isValid(window):
            window.close()
            window.deleteLater()
