"""`persona-tutor bench ui`: the GUI with a lot in it stays responsive (the longest event-loop stall of each step).

Three loads, measured with the same 5 ms ticker as the streaming benchmark (app/ui/stall_bench.py):
1,000 personas in the gallery (open it, search it), 10,000 conversations in the sidebar (open the window,
filter, refresh), a 10,000-message conversation (open its newest page, load earlier pages, jump to its
first message) and a 200,000-character message (open its conversation, then Show all). No model is loaded:
the window opens on its first-run page, which is what these steps need. ``window_open_empty_ms`` is the same
window on an empty data dir: what opening costs whatever the data (building widgets, menus and the theme).

The first window a process opens also pays what Python and Qt do once (PySide's enum types made on first use, the
topic packs parsed, package metadata read): some 150–250 ms on two busy cores. That is measured on its own, first,
as ``window_open_first_empty_ms`` (on another empty data dir), before the gallery, as the app opens its window
before anything else; so the 10,000-conversation window and the empty one are both later windows and their
difference is what the data costs. Both ``_empty_`` numbers are baselines, left out of ``max_stall_ms``.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.store import Store
from app.store.schema import now
from app.ui.heap import imports_frozen
from app.ui.stall_bench import _application, _Ticker

PERSONAS = 1_000
CONVERSATIONS = 10_000
LONG_CONVERSATION = 10_000
LONG_MESSAGE = 200_000
TARGET_MS = 100.0  # a step the learner starts may block the window this long at most


def _stall(action: Callable[[], object], settle_ms: int = 300) -> float:
    """Run ``action`` from the event loop and return the longest stall until the loop is idle again."""
    from PySide6.QtCore import QEventLoop, QTimer

    ticker = _Ticker()
    loop = QEventLoop()
    ticker.start()
    QTimer.singleShot(0, action)
    QTimer.singleShot(settle_ms, loop.quit)
    loop.exec()
    return ticker.stop()


def _painted(widget: Any, action: Callable[[], object]) -> Callable[[], None]:
    """``action``, then ``widget`` painted: offscreen nothing is painted unless asked, and on a screen the
    window paints what changed (laying out what it shows) before it can react again."""

    def run() -> None:
        action()
        widget.grab()

    return run


def _write_personas(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(PERSONAS):
        card = {"name": f"Tutor {n:04d}", "first_mes": "Hello!", "creator_notes": f"Teaches topic number {n}"}
        (folder / f"tutor-{n:04d}.json").write_text(json.dumps(card), encoding="utf-8")


def _long_message() -> str:
    """200,000 characters of one paragraph: the hostile input case (nothing to cut at but the length)."""
    return ("卷积\u202e右到左\u202c 🐱 \x07 " * 20_000)[:LONG_MESSAGE]


def _write_conversations(database: Path) -> int:
    """10,000 short conversations, one of 10,000 messages (the first; its id is returned) and one with a
    200,000-character message (the second), straight through sqlite3."""
    Store(database).close()
    stamp = now().isoformat(" ")
    connection = sqlite3.connect(database)
    try:
        connection.executemany(
            "INSERT INTO conversations (id, persona_id, topic, model, title, created_at, updated_at) "
            "VALUES (?, ?, 'CNN', 'bench', ?, ?, ?)",
            [(n, "xiaomiao" if n % 2 else "redbeard", f"第 {n} 课", stamp, stamp) for n in range(1, CONVERSATIONS + 1)],
        )
        rows = [
            (n, 1, n - 1 if n > 1 else None, "user" if n % 2 == 0 else "assistant", f"消息 {n}：卷积核滑动喵~", stamp)
            for n in range(1, LONG_CONVERSATION + 1)
        ]
        first = LONG_CONVERSATION + 1
        rows += [
            (first, 2, None, "user", "请把这段话讲清楚：", stamp),
            (first + 1, 2, first, "assistant", _long_message(), stamp),
        ]
        connection.executemany(
            "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'complete', ?)",
            rows,
        )
        connection.commit()
    finally:
        connection.close()
    return 1


def _window_open_empty(folder: Path) -> float:
    from app.paths import AppPaths
    from app.personas import PersonaLibrary
    from app.ui.main_window import MainWindow

    paths = AppPaths.resolve(folder).ensure()
    store = Store(paths.database_path)
    holder: dict[str, Any] = {}

    def open_window() -> None:
        holder["window"] = window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))
        window.show()
        window.grab()

    try:
        return _stall(open_window, settle_ms=600)
    finally:
        if "window" in holder:
            holder["window"].close()
            holder["window"].deleteLater()  # gone, not just hidden: a caller may count its top-level windows
        store.close()


def run_ui_load_bench() -> dict[str, Any]:
    from PySide6.QtCore import QUrl

    from app.paths import AppPaths
    from app.personas import PersonaLibrary
    from app.ui.main_window import MainWindow
    from app.ui.persona_gallery import PersonaGallery

    _application()
    result: dict[str, Any] = {}
    with imports_frozen(), tempfile.TemporaryDirectory(prefix="persona-tutor-load-") as tmp:  # as run_gui does
        paths = AppPaths.resolve(Path(tmp)).ensure()
        _write_personas(paths.user_personas_dir)
        long_id = _write_conversations(paths.database_path)
        library = PersonaLibrary(paths.user_personas_dir)
        store = Store(paths.database_path)
        holder: dict[str, Any] = {}
        try:
            result["window_open_first_empty_ms"] = _window_open_empty(Path(tmp) / "first")

            def open_gallery() -> None:
                holder["gallery"] = gallery = PersonaGallery(library)
                gallery.show()
                gallery.grab()

            result["gallery_open_1k_ms"] = _stall(open_gallery)
            result["gallery_search_1k_ms"] = _stall(
                _painted(holder["gallery"], lambda: holder["gallery"].search.setText("0999"))
            )
            gallery = holder.pop("gallery")
            gallery.close()
            gallery.deleteLater()

            def open_window() -> None:
                holder["window"] = window = MainWindow(paths, store, library)
                window.show()
                window.grab()

            result["window_open_10k_conversations_ms"] = _stall(open_window, settle_ms=600)
            window = holder["window"]
            result["sidebar_filter_10k_ms"] = _stall(
                _painted(window, lambda: window.sidebar.filter.setText("第 9999 课"))
            )
            window.sidebar.filter.clear()
            result["sidebar_refresh_10k_ms"] = _stall(_painted(window, window.refresh_sidebar))
            result["conversation_open_10k_messages_ms"] = _stall(
                _painted(window, lambda: window.open_conversation(long_id))
            )
            result["conversation_earlier_page_ms"] = _stall(
                _painted(window, lambda: window.chat_view.action_requested.emit("earlier", 0))
            )
            result["conversation_jump_to_first_ms"] = _stall(_painted(window, lambda: window.open_message(long_id, 1)))
            result["long_message_open_ms"] = _stall(_painted(window, lambda: window.open_conversation(2)))
            show_all = QUrl(f"action:showall/{LONG_CONVERSATION + 2}")
            result["long_message_show_all_ms"] = _stall(
                _painted(window, lambda: window.chat_view.anchorClicked.emit(show_all)), 1500
            )
            window.close()
            window.deleteLater()
        finally:
            store.close()
        result["window_open_empty_ms"] = _window_open_empty(Path(tmp) / "empty")
    result["max_stall_ms"] = max(v for k, v in result.items() if k.endswith("_ms") and "_empty_" not in k)
    result["target_ms"] = TARGET_MS
    result["max_stall_vs_target"] = round(result["max_stall_ms"] / TARGET_MS, 2)
    return result
