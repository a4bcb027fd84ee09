"""A long page goes into the chat view a chunk per event-loop turn and ends up as if laid out at once;
a very long message shows its start and a "Show all" link (how fast is for `bench ui`, not for these tests)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QUrl
from pytestqt.qtbot import QtBot

from app.ui import chat_view
from app.ui.chat_view import LONG_MESSAGE_CHARS, Bubble, ChatView, display_pieces


def _bubbles(first: int, last: int) -> list[Bubble]:
    def one(n: int) -> Bubble:
        user = n % 2 == 1
        text = f"message {n}: **卷积** 喵~\n\n```python\nx = {n}\n```"
        return Bubble("user" if user else "assistant", "You" if user else "小喵", text, persona_id="xiaomiao",
                      message_id=n + 1)  # fmt: skip

    return [one(n) for n in range(first, last)]


def _view(qtbot: QtBot) -> ChatView:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    return view


def _at_once(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, *args: object, **kwargs: object) -> str:
    """The HTML of the same page laid out in one go."""
    with monkeypatch.context() as patch:
        patch.setattr(chat_view, "FIRST_BUBBLES", 100_000)
        view = _view(qtbot)
        view.show_bubbles(*args, **kwargs)  # type: ignore[arg-type]
        assert not view.rendering
        return view.toHtml()


def test_a_long_page_arrives_in_chunks_and_ends_as_if_laid_out_at_once(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bubbles = _bubbles(0, 150)
    view = _view(qtbot)
    view.show_bubbles(bubbles, earlier=40)
    assert view.rendering and "message 149:" in view.toPlainText() and "message 0:" not in view.toPlainText()
    assert view.verticalScrollBar().value() == view.verticalScrollBar().maximum()  # at the newest message
    with qtbot.waitSignal(view.rendering_finished, timeout=10_000):
        pass
    assert view.toHtml() == _at_once(qtbot, monkeypatch, bubbles, earlier=40)
    assert view.verticalScrollBar().value() == view.verticalScrollBar().maximum()  # still at the end


def test_a_page_opened_at_a_message_keeps_that_message_in_view(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    bubbles = _bubbles(0, 150)
    view = _view(qtbot)
    view.show_bubbles(bubbles, earlier=5, later=7, anchor=81)
    top = view.message_at(QPoint(10, 10))
    assert top is not None and 75 <= top <= 81
    qtbot.waitUntil(lambda: not view.rendering, timeout=10_000)
    assert view.message_at(QPoint(10, 10)) == top  # chunks went in above it without moving it
    assert view.toHtml() == _at_once(qtbot, monkeypatch, bubbles, earlier=5, later=7)
    assert "Show later messages (7 more)" in view.toPlainText()


def test_an_earlier_page_goes_above_without_laying_out_the_shown_one_again(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _view(qtbot)
    view.show_bubbles(_bubbles(60, 100), earlier=60)
    qtbot.waitUntil(lambda: not view.rendering, timeout=10_000)
    view.verticalScrollBar().setValue(0)
    view.prepend_bubbles(_bubbles(20, 60), earlier=20)
    assert "(20 more)" in view.toPlainText() and "(60 more)" not in view.toPlainText()
    qtbot.waitUntil(lambda: not view.rendering, timeout=10_000)
    assert view.message_at(QPoint(10, 40)) == 61  # the message that was at the top stays there
    view.prepend_bubbles(_bubbles(0, 20), earlier=0)
    qtbot.waitUntil(lambda: not view.rendering, timeout=10_000)
    assert view.toHtml() == _at_once(qtbot, monkeypatch, _bubbles(0, 100))


def test_a_reply_streams_while_earlier_messages_are_still_going_in(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_bubbles(_bubbles(0, 120))
    view.begin_stream("小喵", "xiaomiao")
    view.append_stream_text("喵~ 卷积核在图上**滑动**。")
    qtbot.waitUntil(lambda: not view.rendering, timeout=10_000)
    qtbot.waitUntil(lambda: view.toPlainText().endswith("喵~ 卷积核在图上滑动。\n"), timeout=5_000)
    assert view.toPlainText().count("message 0:") == 1


def test_a_very_long_message_shows_its_start_and_all_of_it_on_request(qtbot: QtBot) -> None:
    text = "".join(f"第 {n} 段：卷积核滑动，**步长**为 {n}。\n\n" for n in range(4000)) + "THE END"
    view = _view(qtbot)
    view.show_bubbles(
        [Bubble("user", "You", "一个问题", message_id=1), Bubble("assistant", "小喵", text, message_id=2)]
    )
    shown = view.toPlainText()
    assert "第 0 段" in shown and "THE END" not in shown and len(shown) < LONG_MESSAGE_CHARS + 500
    assert f"Show all ({len(text):,} characters)" in shown
    view._open_link(QUrl("action:showall/2"))  # the link's own slot, as a click calls it
    qtbot.waitUntil(lambda: "THE END" in view.toPlainText(), timeout=20_000)
    shown = view.toPlainText()
    assert "Show all" not in shown and all(f"第 {n} 段" in shown for n in (1000, 2500, 3999))
    assert shown.index("第 3999 段") < shown.index("THE END")


def test_long_text_is_cut_between_markdown_blocks_where_it_can_be() -> None:
    blocks = "para one\n\n```python\n" + "x = 1\n\n" * 3000 + "```\n\nafter"
    pieces = display_pieces(blocks, 1000)
    assert "".join(pieces) == blocks and all(len(p) <= 1000 for p in pieces)
    assert pieces[0] == "para one\n\n"  # not inside the code fence, where blank lines do not end a block
    one_paragraph = "喵" * 25_000
    assert display_pieces(one_paragraph, 10_000) == ["喵" * 10_000, "喵" * 10_000, "喵" * 5_000]
    assert display_pieces("short") == ["short"] and display_pieces("") == [""]
