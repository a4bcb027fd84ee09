"""A turn as the chat view shows it: the question and the reply go in as blocks of their own (never into the rule
or the speaker's line before them), the streamed reply ends up exactly as sent, a pasted book shows its start and
"Show all", and the provisional badges are worked out off the GUI thread."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.checker import check_partial
from app.engine import SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui import stream_badges
from app.ui.chat_view import LONG_MESSAGE_CHARS, Bubble, ChatView
from app.ui.stream_badges import StreamBadges
from tests.ui.test_chat_view_paging import _view
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir

GREETING = Bubble("assistant", "小喵", "喵~ 你好！我是小喵。", persona_id="xiaomiao", message_id=1)
QUESTION = Bubble("user", "You", "什么是卷积？", persona_id="xiaomiao")


def _blocks(view: ChatView) -> list[tuple[str, float, bool]]:
    """Each block's text, top margin and whether it draws a rule: what the learner sees, line by line."""
    rows = []
    block = view.document().begin()
    while block.isValid():
        rule = block.blockFormat().hasProperty(block.blockFormat().Property.BlockTrailingHorizontalRulerWidth)
        rows.append((block.text().strip(), block.blockFormat().topMargin(), rule))
        block = block.next()
    return rows


def test_an_appended_message_looks_as_if_the_page_was_laid_out_with_it(qtbot: QtBot) -> None:
    appended = _view(qtbot)
    appended.show_bubbles([GREETING])
    appended.append_bubble(QUESTION)
    appended.append_bubble(QUESTION)
    at_once = _view(qtbot)
    at_once.show_bubbles([GREETING, QUESTION, QUESTION])
    assert _blocks(appended) == _blocks(at_once)
    rule_lines = [text for text, _margin, rule in _blocks(appended) if rule]
    assert rule_lines == ["", "", ""]  # each message ends with a rule of its own, no text on it
    appended.grab().save(str(screenshot_dir() / "chat-view-appended.png"))


def test_a_streamed_reply_gets_lines_of_its_own_and_ends_exactly_as_sent(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_bubbles([GREETING])
    view.append_bubble(QUESTION)
    view.begin_stream("小喵", "xiaomiao")
    reply = "1. 卷积层提取特征\n2. 池化层缩小特征图\n\n```python\nx = conv(x)\n```\n\n喵~ 就像小爪子在**滑动**。"
    for i in range(0, len(reply), 2):  # token-sized pieces, far faster than the 40 ms redraw
        view.append_stream_text(reply[i : i + 2])
    qtbot.waitUntil(lambda: view.toPlainText().rstrip().endswith("喵~ 就像小爪子在滑动。"), timeout=5_000)
    assert view.streaming_text() == reply
    texts = [text for text, _margin, _rule in _blocks(view)]
    speaker = max(i for i, t in enumerate(texts) if t.endswith("小喵"))
    assert texts[speaker].endswith("小喵") and "卷积层" not in texts[speaker]  # the speaker's line holds only that
    assert texts[speaker + 1 : speaker + 3] == ["卷积层提取特征", "池化层缩小特征图"]
    first_item = view.document().findBlockByNumber(speaker + 1)
    assert first_item.textList() is not None  # the list keeps its look though it opens the reply
    assert "x = conv(x)" in texts


def test_a_very_long_sent_message_shows_its_start_and_all_of_it_on_request(qtbot: QtBot) -> None:
    text = "".join(f"第 {n} 段：卷积核滑动。\n\n" for n in range(12_000)) + "THE END"
    view = _view(qtbot)
    view.show_bubbles([GREETING])
    view.append_bubble(Bubble("user", "You", text, persona_id="xiaomiao"))  # not stored yet: no message id
    shown = view.toPlainText()
    assert len(text) > 200_000 and "THE END" not in shown and len(shown) < LONG_MESSAGE_CHARS + 500
    assert f"Show all ({len(text):,} characters)" in shown
    qtbot.wait(200)  # the view lays a long document out over a few event-loop turns
    view.grab().save(str(screenshot_dir() / "chat-view-long-sent-message.png"))
    view.begin_stream("小喵", "xiaomiao")
    view._open_link(QUrl("action:showall/-1"))  # the link's own slot, as a click calls it
    qtbot.waitUntil(lambda: "THE END" in view.toPlainText(), timeout=30_000)
    shown = view.toPlainText()
    assert "Show all" not in shown and shown.index("第 11999 段") < shown.index("THE END")
    view.append_stream_text("喵~")
    qtbot.waitUntil(lambda: view.toPlainText().rstrip().endswith("喵~"), timeout=5_000)  # the reply stays last


def test_provisional_badges_come_from_a_thread_and_show_while_the_reply_streams(qtbot: QtBot) -> None:
    persona = PersonaLibrary().get("xiaomiao")
    badges = StreamBadges()
    view = _view(qtbot)
    badges.updated.connect(view.refresh_stream)
    view.stream_annotator = lambda text: badges.badges(text, lambda: check_partial(persona, text).to_json())
    view.begin_stream("小喵", "xiaomiao")
    view.append_stream_text("喵~ 卷积层用卷积核在图上滑动，提取局部特征。")
    qtbot.waitUntil(lambda: "Persona: " in view.toPlainText() and "Accuracy: " in view.toPlainText(), timeout=5_000)
    badges.close()


def test_badges_of_an_earlier_reply_are_dropped(qtbot: QtBot) -> None:
    badges = StreamBadges()
    assert badges.badges("first reply", lambda: {"consistency": {"label": "off"}}) is None  # nothing ready yet
    badges.reset()  # a new reply starts before the first one's badges arrive
    seen: list[object] = []

    def second() -> bool:
        seen.append(badges.badges("second reply", lambda: {"consistency": {"label": "ok"}}))
        return seen[-1] is not None

    qtbot.waitUntil(second, timeout=5_000)
    assert seen[-1] == {"consistency": {"label": "ok"}} and {"consistency": {"label": "off"}} not in seen
    badges.close()


def test_checks_are_spaced_and_one_off_work_runs_on_the_thread_first(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back-to-back checks would hold the interpreter lock the GUI thread needs: after one starts, newer text
    waits (here for good) until the interval passes or a new reply starts."""
    monkeypatch.setattr(stream_badges, "MIN_INTERVAL_S", 3600.0)
    badges = StreamBadges()
    threads: list[str] = []
    badges.prepare(lambda: threads.append(threading.current_thread().name))
    ran: list[str] = []

    def check(text: str) -> Any:
        return lambda: ran.append(text) or {"for": text}

    qtbot.waitUntil(lambda: badges.badges("喵", check("喵")) is not None, timeout=5_000)
    for _ in range(20):
        assert badges.badges("喵~ 卷积", check("喵~ 卷积")) == {"for": "喵"}
        qtbot.wait(5)
    assert ran == ["喵"]  # the newer text waited
    badges.reset()
    qtbot.waitUntil(lambda: badges.badges("第二个回答", check("第二个回答")) is not None, timeout=5_000)
    assert ran == ["喵", "第二个回答"]
    assert threads and threads[0] != threading.current_thread().name
    badges.close()


def test_a_failing_set_up_is_logged_and_the_checks_still_run(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    badges = StreamBadges()

    def broken() -> None:
        raise RuntimeError("patterns would not compile")

    badges.prepare(broken)
    qtbot.waitUntil(lambda: badges.badges("喵", lambda: {"for": "喵"}) is not None, timeout=5_000)
    badges.close()
    failures = [r for r in caplog.records if r.name == stream_badges.__name__ and r.levelname == "ERROR"]
    assert failures and "patterns would not compile" in str(failures[0].exc_info[1])


def test_finishing_a_turn_lays_out_only_the_question_and_reply(qtbot: QtBot) -> None:
    page = [GREETING, replace(QUESTION, message_id=2), Bubble("assistant", "小喵", "喵~ 滑动。", message_id=3)]
    stored = [replace(QUESTION, message_id=4), Bubble("assistant", "小喵", "1. 卷积\n2. 池化", message_id=5)]
    view = _view(qtbot)
    view.show_bubbles(page)
    view.mark_turn()
    view.append_bubble(QUESTION)
    view.begin_stream("小喵", "xiaomiao")
    view.append_stream_text("1. 卷积\n2. 池")
    view.finish_turn(stored)
    assert view.streaming_text() == "" and not view.turn_marked
    at_once = _view(qtbot)
    at_once.show_bubbles(page + stored)
    assert _blocks(view) == _blocks(at_once)


def test_the_window_ends_a_turn_as_if_the_conversation_was_opened_anew(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=8, seed=3)
    laid_out: list[int] = []
    show_bubbles = window.chat_view.show_bubbles

    def counted(bubbles: list[Bubble], *args: Any, **kwargs: Any) -> None:
        laid_out.append(len(bubbles))
        show_bubbles(bubbles, *args, **kwargs)

    monkeypatch.setattr(window.chat_view, "show_bubbles", counted)
    for question in ("什么是卷积？", "池化层呢？"):
        laid_out.clear()
        window.input.setPlainText(question)
        with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS):
            window.send()
        if question == "什么是卷积？":  # a new chat is one turn too: greeting, question and reply end it
            assert laid_out == [0]
            first = window.chat_view.toHtml()
            window.open_conversation(window._conversation_id or 0)
            assert window.chat_view.toHtml() == first
    assert laid_out == [3]  # the second turn: the page as it began, never the whole page again as it ended
    conversation_id = window._conversation_id
    assert conversation_id is not None and window.sidebar.count() == 1  # started by the worker, then listed
    shown = window.chat_view.toHtml()
    assert shown.count("action:regenerate/") == 1 and shown.count("action:edit/") == 1  # only the last turn's
    window.open_conversation(conversation_id)
    assert window.chat_view.toHtml() == shown
    window.grab().save(str(screenshot_dir() / "main-window-second-turn.png"))
