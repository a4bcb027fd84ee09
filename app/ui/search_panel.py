"""Find in conversations (Ctrl+F): full-text search over every message, matches highlighted, click to jump.

The store's FTS5 search answers within tens of milliseconds even over 100,000 messages, so it runs on the
GUI thread, a short moment after the learner stops typing.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from app.store import SearchHit, Store
from app.ui.locale_format import short_date_time

SEARCH_DELAY_MS = 150
RESULTS = 100


def snippet_html(snippet: str) -> str:
    """The store marks matches with « and »; show them in bold on a highlight, everything else escaped."""
    escaped = html.escape(snippet)
    return escaped.replace("«", '<b style="background:#fff3b0">').replace("»", "</b>")


def results_html(hits: list[SearchHit]) -> str:
    rows = []
    for hit in hits:
        you, tutor = (
            QCoreApplication.translate("SearchPanel", "You"),
            QCoreApplication.translate("SearchPanel", "Tutor"),
        )
        who = you if hit.role == "user" else tutor
        title = html.escape(hit.conversation_title or QCoreApplication.translate("SearchPanel", "New conversation"))
        rows.append(
            f'<p><a href="hit:{hit.conversation_id}/{hit.message_id}"><b>{title}</b></a>'
            f' <span style="color:#777777">· {who} · {short_date_time(hit.created_at)}</span><br/>'
            f"{snippet_html(hit.snippet)}</p>"
        )
    return "".join(rows)


class SearchPanel(QDialog):
    """A non-modal window beside the chat; choosing a result asks the main window to open it."""

    message_chosen = Signal(int, int)  # conversation id, message id

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Find in conversations"))
        self.resize(520, 480)
        self._store = store
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Words to find (Chinese or English)"))
        self.query.setClearButtonEnabled(True)
        self.query.setAccessibleName(self.tr("Search query"))
        self.summary = QLabel()
        self.results = QTextBrowser()
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setOpenLinks(False)
        self.results.anchorClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.query.textChanged.connect(self._timer.start)
        self.query.returnPressed.connect(self._open_first)
        self.hits: list[SearchHit] = []

    def search(self) -> None:
        text = self.query.text().strip()
        self.hits = self._store.search(text, limit=RESULTS) if text else []
        self.results.setHtml(results_html(self.hits))
        if not text:
            self.summary.setText("")
        elif not self.hits:
            self.summary.setText(self.tr("No messages contain all of these words."))
        else:
            more = "+" if len(self.hits) == RESULTS else ""
            if len(self.hits) == 1:
                self.summary.setText(self.tr("1 message; click it to open it."))
            else:
                count = f"{len(self.hits)}{more}"
                self.summary.setText(self.tr("{count} messages; click one to open it.").format(count=count))

    def _open_first(self) -> None:
        self._timer.stop()
        self.search()
        if self.hits:
            self.message_chosen.emit(self.hits[0].conversation_id, self.hits[0].message_id)

    @Slot(QUrl)
    def _open(self, url: QUrl) -> None:
        conversation, _, message = url.path().partition("/")
        if url.scheme() == "hit" and conversation.isdigit() and message.isdigit():
            self.message_chosen.emit(int(conversation), int(message))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()
