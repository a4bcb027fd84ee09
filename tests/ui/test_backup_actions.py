"""Back up and restore the conversations from the File menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.store import Store
from app.ui.backup_actions import ask_and_back_up, ask_and_restore
from tests.ui.test_main_window import open_window


def test_back_up_then_restore_from_the_window(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, tmp_path: Path
) -> None:
    kept = store.create_conversation("xiaomiao", "CNN", "m", title="留下的对话")
    store.add_message(kept.id, "user", "卷积是什么？")
    window = open_window(qtbot, paths, store, starter_path)
    assert [a.text() for a in window.menus["File"].actions() if a.text()][1:3] == [
        "&Back up conversations…",
        "&Restore from a backup…",
    ]
    copy = ask_and_back_up(window, tmp_path / "copy.db")
    assert copy is not None and copy.is_file()
    assert "copy.db" in window.statusBar().currentMessage()

    later = store.create_conversation("xiaomiao", "RNN", "m", title="之后的对话")
    window.refresh_sidebar()
    assert window.sidebar.count() == 2
    assert ask_and_restore(window, copy, confirm=False)
    assert [window.sidebar.item_title(n) for n in range(window.sidebar.count())] == ["留下的对话"]
    assert window._conversation_id == kept.id
    assert store.messages(kept.id)[0].content == "卷积是什么？"  # the window's store sees the restored file
    assert "kept in" in window.statusBar().currentMessage()
    assert later.id not in [c.id for c in store.conversations()]
    window.close()


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create_conversation("xiaomiao", "CNN", "m", title="原来的")
    window = open_window(qtbot, paths, store, starter_path)
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database", encoding="utf-8")
    warnings: list[str] = []
    import app.ui.backup_actions as actions

    monkeypatch.setattr(actions.QMessageBox, "warning", lambda _w, _t, text: warnings.append(text))
    assert not ask_and_restore(window, bogus, confirm=False)
    assert warnings and "notes.db" in warnings[0]
    assert [c.title for c in store.conversations()] == ["原来的"]
    window.close()
