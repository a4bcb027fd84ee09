"""A page of the sidebar's conversations, and the filter done in SQL (case folded as Python does)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event

from app.store import Store
from app.store.summaries import SummaryFilter


def test_pages_follow_the_sidebar_order_without_gaps_or_repeats(store: Store) -> None:
    made = [store.create_conversation("xiaomiao", "CNN", "m", title=f"第 {n} 课").id for n in range(7)]
    store.set_pinned(made[0], True)
    whole = [s.id for s in store.conversation_summaries()]
    pages = [store.conversation_summaries(offset=n, limit=3) for n in (0, 3, 6)]
    assert [s.id for page in pages for s in page] == whole
    assert whole[0] == made[0] and [len(p) for p in pages] == [3, 3, 1]


def test_a_page_is_read_in_order_from_the_index_without_sorting(store: Store) -> None:
    """SQLite sorted every conversation to read one page (10 ms for 10,000, each time the sidebar is read)."""
    store.create_conversation("xiaomiao", "CNN", "m")
    seen: list[tuple[str, object]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        seen.append((statement, parameters))

    event.listen(store._engine, "before_cursor_execute", record)
    try:
        for archived in (True, False):
            store.conversation_summaries(archived, offset=0, limit=60)
    finally:
        event.remove(store._engine, "before_cursor_execute", record)
    assert len(seen) == 2
    connection = sqlite3.connect(store.path)
    try:
        for statement, parameters in seen:
            plan = " ".join(str(row[-1]) for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "ix_conversations_sidebar" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        connection.close()


def test_the_filter_finds_title_topic_persona_and_untitled(store: Store) -> None:
    pooling = store.create_conversation("xiaomiao", "Pooling", "m", title="ÄRGER mit Faltung")
    untitled = store.create_conversation("redbeard", "RNN", "m")
    archived = store.create_conversation("xiaomiao", "CNN", "m", title="Ärger, archiviert")
    store.set_archived(archived.id, True)

    def found(text: str, personas: tuple[str, ...] = (), untitled: bool = False, archived: bool = True) -> list[int]:
        matching = SummaryFilter(text, personas, untitled)
        return [s.id for s in store.conversation_summaries(archived, matching=matching)]

    assert found("ärger") == [archived.id, pooling.id]  # case folded beyond ASCII
    assert found("ärger", archived=False) == [pooling.id]
    assert found("pool") == [pooling.id]  # the topic
    assert found("zzz", personas=("redbeard",)) == [untitled.id]  # the caller says whose name matched
    assert found("new", untitled=True) == [untitled.id]  # shown as "New conversation"
    assert found("%") == [] and found("_") == []  # not LIKE patterns
    assert store.conversation_persona_ids() == ["redbeard", "xiaomiao"]
