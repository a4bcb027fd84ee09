"""Hostile card fields and model output render inert in the chat view; a huge odd message goes through the GUI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from pytestqt.qtbot import QtBot

from app import chat
from app.engine import SamplingParams
from app.paths import AppPaths
from app.store import Store
from app.ui.chat_view import Bubble, ChatView, bubble_html
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window

HOSTILE = (
    "<script>alert('x')</script>\n\n"
    '<img src="http://evil.example/x.png" onerror="alert(1)">\n\n'
    "![tracker](http://evil.example/pixel.png)\n\n"
    "[click me](javascript:alert(1)) <iframe src='http://evil.example'></iframe>\n\n"
    '<a href="file:///etc/passwd">passwd</a> <style>body { display: none }</style>'
)


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


def test_hostile_card_and_reply_text_is_shown_as_text(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[str] = []
    opened: list[str] = []
    real_load = ChatView.loadResource

    def spy(self: ChatView, kind: int, url: QUrl) -> Any:
        requested.append(url.toString())
        return real_load(self, kind, url)

    monkeypatch.setattr(ChatView, "loadResource", spy)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    evil_name = "<b style='font-size:90px'>Evil</b><script>x()</script>"
    view.set_persona_names({"evil": evil_name})
    view.show_bubbles(
        [
            Bubble("assistant", evil_name, HOSTILE, persona_id="evil", message_id=1),  # a card's greeting
            Bubble("user", "You", "<script>alert(2)</script>", message_id=2),
            Bubble("assistant", evil_name, HOSTILE, persona_id="evil", message_id=3),  # model output
        ]
    )
    view.begin_stream(evil_name, "evil")
    view.append_stream_text(HOSTILE)
    qtbot.wait(100)
    shown = view.toPlainText()
    assert "<script>alert('x')</script>" in shown  # visible as the text it is
    assert evil_name in shown
    given = [bubble_html(Bubble(role, evil_name, HOSTILE, persona_id="evil")) for role in ("assistant", "user")]
    forbidden_markup = ("<script", "<iframe", "<style>body", 'src="http://evil.example/x.png"', 'onerror="')
    for html in [*given, view.toHtml()]:
        for forbidden in (*forbidden_markup, 'href="javascript:', 'href="file:'):
            assert forbidden not in html, forbidden
    # a Markdown image stays an image, but the view hands Qt nothing for it: no remote fetch, no tracking pixel
    remote = [url for url in requested if not url.startswith("avatar:")]
    image = QTextDocument.ResourceType.ImageResource.value
    assert all(real_load(view, image, QUrl(url)).isNull() for url in remote)
    assert opened == []  # nothing opens by itself
    view.grab().save("/tmp/hostile-content.png")


@pytest.mark.timeout(300)
def test_a_200k_character_message_with_odd_characters_goes_through_the_window(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat, "MAX_MESSAGE_CHARS", 300)  # the real cap is tested in the core; keep prefill short
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=4, seed=5)
    text = ("卷积\u202e右到左\u202c 🐱 \x07 " * 20_000)[:200_000]
    window.input.insertPlainText(text)
    typed = window.input.toPlainText().strip()
    assert len(typed) > 190_000
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as finished:
        window.send()
    result = finished.args[0]
    assert result.status == "complete"
    assert result.notice and f"{len(typed):,} characters" in result.notice
    assert window.statusBar().currentMessage() == result.notice
    assert store.message(result.user_message_id).content == typed  # stored whole
    window.grab().save("/tmp/hostile-long-message.png")
    window.close()
