"""Where the sidebar's rows come from: a page at a time, from the store, the filter done in SQL.

Ten thousand conversations are never all read: the sidebar asks for the first page and one more each time the
list is scrolled to its end, so opening the window, refreshing and filtering cost one page whatever the count.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from app.store import Store
from app.store.summaries import SummaryFilter
from app.ui.conversation_list import Row


class StorePages:  # a RowSource (see app.ui.conversation_list)
    """The conversations not deleted (and not archived unless ``archived``), read from ``store`` page by page;
    ``name`` gives a persona's display name (asked once per persona per refresh)."""

    def __init__(self, store: Store, name: Callable[[str], str], archived: bool) -> None:
        self._store = store
        self._name = name
        self._archived = archived
        self._names: dict[str, str] = {}
        self._matching: SummaryFilter | None = None

    def _name_of(self, persona_id: str) -> str:
        if persona_id not in self._names:
            self._names[persona_id] = self._name(persona_id)
        return self._names[persona_id]

    def _filter(self, needle: str) -> SummaryFilter | None:
        """What ``needle`` matches beyond titles and topics (worked out once per needle, not per page)."""
        if not needle:
            return None
        if self._matching is None or self._matching.text != needle:
            ids = self._store.conversation_persona_ids()
            personas = tuple(p for p in ids if needle in self._name_of(p).casefold())
            untitled = QCoreApplication.translate("ConversationList", "New conversation").casefold()
            self._matching = SummaryFilter(needle, personas, needle in untitled)
        return self._matching

    def __call__(self, offset: int, limit: int, needle: str) -> list[Row]:
        summaries = self._store.conversation_summaries(
            self._archived, offset=offset, limit=limit, matching=self._filter(needle)
        )
        return [(s, self._name_of(s.persona_id)) for s in summaries]
