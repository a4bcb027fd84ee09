"""The sidebar with more conversations than one page: it reads a page, then more as the list is scrolled; the
filter (done in SQL) finds conversations beyond the first page; selecting, renaming and deleting still work."""

from __future__ import annotations

import sqlite3

from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.store.schema import now
from app.ui.conversation_list import PAGE_ROWS, ConversationList
from app.ui.conversation_pages import StorePages
from app.ui.main_window import MainWindow
from tests.ui.test_main_window import screenshot_dir

CONVERSATIONS = 450  # several pages


def _add_conversations(store: Store, count: int = CONVERSATIONS) -> None:
    """``count`` conversations, "Lesson 1" the oldest (with message 1), straight through sqlite3 (the store API
    takes a while)."""
    stamp = now()
    rows = [
        (n, "redbeard" if n == 1 else "xiaomiao", "CNN", f"Lesson {n}", stamp.replace(microsecond=n).isoformat(" "))
        for n in range(1, count + 1)
    ]
    connection = sqlite3.connect(store.path)
    try:
        connection.executemany(
            "INSERT INTO conversations (id, persona_id, topic, model, title, created_at, updated_at) "
            "VALUES (?, ?, ?, 'm', ?, ?, ?)",
            [(n, p, t, title, s, s) for n, p, t, title, s in rows],
        )
        connection.execute(  # a message in the oldest, for search to find (the store would make it the newest)
            "INSERT INTO messages (id, conversation_id, role, content, status, created_at) "
            "VALUES (1, 1, 'user', 'What does a pooling layer keep?', 'complete', ?)",
            (rows[0][4],),
        )
        connection.commit()
    finally:
        connection.close()


def _sidebar(qtbot: QtBot, store: Store) -> ConversationList:
    sidebar = ConversationList()
    qtbot.addWidget(sidebar)
    sidebar.resize(260, 500)
    sidebar.show()
    names = {"xiaomiao": "小喵", "redbeard": "Captain Redbeard"}
    sidebar.show_source(StorePages(store, names.__getitem__, archived=False), None)
    return sidebar


def _read_all(qtbot: QtBot, sidebar: ConversationList) -> None:
    """Scroll to the end until every row is read, as a learner scrolling down would."""
    while sidebar.model.canFetchMore():
        sidebar.list.scrollToBottom()
        qtbot.wait(10)


def _titles(sidebar: ConversationList) -> list[str]:
    return [sidebar.item_title(n) for n in range(sidebar.count())]


def test_the_sidebar_reads_a_page_then_more_as_it_is_scrolled(qtbot: QtBot, store: Store) -> None:
    _add_conversations(store)
    sidebar = _sidebar(qtbot, store)
    assert sidebar.count() == PAGE_ROWS
    assert _titles(sidebar)[:2] == [f"Lesson {CONVERSATIONS}", f"Lesson {CONVERSATIONS - 1}"]  # newest first
    sidebar.list.scrollToBottom()
    qtbot.waitUntil(lambda: sidebar.count() == 2 * PAGE_ROWS)
    _read_all(qtbot, sidebar)
    assert sidebar.count() == CONVERSATIONS
    assert _titles(sidebar)[-1] == "Lesson 1"
    assert len(set(_titles(sidebar))) == CONVERSATIONS  # no row read twice
    assert not sidebar.model.canFetchMore()
    sidebar.grab().save(str(screenshot_dir() / "sidebar-paged.png"))


def test_the_filter_finds_conversations_beyond_the_first_page(qtbot: QtBot, store: Store) -> None:
    _add_conversations(store)
    untitled = store.create_conversation("xiaomiao", "Ärger mit Pooling", "m")
    sidebar = _sidebar(qtbot, store)
    sidebar.filter.setText("lesson 1")  # case folded: "Lesson 1", "Lesson 10"… "Lesson 199", spread over all pages
    assert sidebar.count() == min(111, PAGE_ROWS)  # a page of what matches, the rest as it is scrolled
    _read_all(qtbot, sidebar)
    assert sidebar.count() == 111
    sidebar.filter.setText("Lesson 100")
    assert _titles(sidebar) == ["Lesson 100"]
    sidebar.filter.setText("redbeard")  # the persona's name: only the oldest conversation is Redbeard's
    assert _titles(sidebar) == ["Lesson 1"]
    sidebar.filter.setText("ärger")  # the topic, case folded beyond ASCII
    assert [sidebar.item_id(n) for n in range(sidebar.count())] == [untitled.id]
    sidebar.filter.setText("new conv")  # an untitled conversation is listed by the name it is shown with
    assert [sidebar.item_id(n) for n in range(sidebar.count())] == [untitled.id]
    sidebar.filter.clear()
    assert sidebar.count() == PAGE_ROWS


def test_select_rename_and_delete_beyond_the_first_page(qtbot: QtBot, paths: AppPaths, store: Store) -> None:
    _add_conversations(store)
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))  # no model: the sidebar needs none
    qtbot.addWidget(window)
    window.show()
    assert window.sidebar.count() == PAGE_ROWS
    window.open_message(1, 1)  # the oldest, found by search: its row is not read yet
    assert not window.sidebar.list.currentIndex().isValid()
    while window.sidebar.model.canFetchMore():
        window.sidebar.list.scrollToBottom()
        qtbot.wait(10)
    assert window.sidebar.list.currentIndex().row() == CONVERSATIONS - 1  # marked once its row is read
    assert window.sidebar.item_title(CONVERSATIONS - 1) == "Lesson 1"

    window.sidebar.rename_requested.emit(1, "Pooling, at last")
    assert window.sidebar.count() == CONVERSATIONS  # the rows read stay read: the list stays where it was
    assert window.sidebar.item_title(CONVERSATIONS - 1) == "Pooling, at last"
    assert window.sidebar.list.currentIndex().row() == CONVERSATIONS - 1

    window.sidebar.delete_requested.emit(2)
    assert window.sidebar.count() == CONVERSATIONS - 1
    assert 2 not in {window.sidebar.item_id(n) for n in range(window.sidebar.count())}
    window.sidebar.filter.setText("pooling, at")
    assert _titles(window.sidebar) == ["Pooling, at last"]
    window.sidebar.list.setCurrentIndex(window.sidebar.proxy.index(0, 0))  # a click opens it
    assert window._conversation_id == 1
    window.close()
