"""The conversation as rendered Markdown; the streaming reply is re-rendered in place, at most every 40 ms."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.rendering import markdown_to_html

RENDER_INTERVAL_MS = 40

_STYLE = """
p { margin-top: 2px; margin-bottom: 6px; }
pre { background: #f4f1ec; padding: 6px; }
code { background: #f4f1ec; }
.who { font-weight: 600; }
.user { color: #1f5fa8; }
.assistant { color: #b4532a; }
.note { color: #8a6d3b; font-style: italic; }
.error { color: #a12622; }
"""


@dataclass(frozen=True)
class Bubble:
    """One message as the view shows it."""

    role: str
    speaker: str
    content: str
    status: str = "complete"


def bubble_html(bubble: Bubble) -> str:
    cls = "user" if bubble.role == "user" else "assistant"
    body = markdown_to_html(bubble.content) if bubble.content else ""
    note = ""
    if bubble.status == "interrupted":
        note = '<p class="note">■ Stopped</p>'
    elif bubble.status == "error":
        note = '<p class="error">⚠ This reply failed.</p>'
    elif bubble.status == "streaming" and not bubble.content:
        note = '<p class="note">…</p>'
    return f'<p class="who {cls}">{html.escape(bubble.speaker)}</p>{body}{note}<hr/>'


class ChatView(QTextBrowser):
    """Finished messages are appended once; only the streaming reply is replaced as tokens arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(_STYLE)
        self._stream_start: int | None = None
        self._streaming: Bubble | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._render_stream)

    def show_bubbles(self, bubbles: list[Bubble]) -> None:
        self._timer.stop()
        self._streaming = None
        self._stream_start = None
        self.setHtml("".join(bubble_html(b) for b in bubbles))
        self._scroll_to_end()

    def append_bubble(self, bubble: Bubble) -> None:
        self._insert_at_end(bubble_html(bubble))

    def begin_stream(self, speaker: str) -> None:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self._stream_start = cursor.position()
        self._streaming = Bubble("assistant", speaker, "", "streaming")
        self._render_stream()

    @Slot(str)
    def append_stream_text(self, text: str) -> None:
        if self._streaming is None:
            return
        b = self._streaming
        self._streaming = Bubble(b.role, b.speaker, b.content + text, b.status)
        if not self._timer.isActive():
            self._timer.start()

    def streaming_text(self) -> str:
        return self._streaming.content if self._streaming else ""

    def _render_stream(self) -> None:
        if self._streaming is None or self._stream_start is None:
            return
        at_end = self._at_end()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._stream_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.insertHtml(bubble_html(self._streaming))
        if at_end:
            self._scroll_to_end()

    def _insert_at_end(self, fragment: str) -> None:
        at_end = self._at_end()
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertHtml(fragment)
        if at_end:
            self._scroll_to_end()

    def _at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
