"""The prompt inspector through the window, on a real reply of the real model; a screenshot to look at."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.paths import AppPaths
from app.store import Store
from app.ui.prompt_inspector import PROMPT_ACTION
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir

FIRST_REPLY_TIMEOUT_MS = 3 * REPLY_TIMEOUT_MS  # the first reply evaluates the whole ~650-token prompt


def test_the_prompt_link_under_a_reply_shows_what_the_model_saw(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=6, seed=5)
    window.input.setPlainText("什么是卷积核？")
    with qtbot.waitSignal(window.reply_displayed, timeout=FIRST_REPLY_TIMEOUT_MS) as finished:
        window.send_or_stop()
    turn = finished.args[0]
    assert window.chat_view.toPlainText().count("Prompt") == 1  # under the reply, not under the greeting
    record = store.prompt_record(turn.message_id)
    assert record is not None
    window.grab().save(str(screenshot_dir() / "prompt-link-under-a-reply.png"))

    window.chat_view.anchorClicked.emit(QUrl(f"action:{PROMPT_ACTION}/{turn.message_id}"))
    inspector = window.prompt_inspector
    assert inspector is not None and inspector.isVisible()
    rows = [inspector.parts.topLevelItem(i) for i in range(inspector.parts.topLevelItemCount())]
    assert [row.text(0).split(" · ")[0] for row in rows if row] == [p.label for p in record.parts]
    assert sum(int(row.text(1)) for row in rows if row) == turn.timings.prompt_tokens
    summary = inspector.summary.text()
    assert f"{turn.timings.prompt_tokens} tokens" in summary and "reused from the cache" in summary
    assert "temperature 0.7" in summary and "max_tokens 6" in summary and record.model in summary
    assert inspector.template.toPlainText() == record.template and "<|im_start|>assistant" in record.template
    # every character as wide as the next, as drawn (fontconfig does not call Noto Sans Mono, the monospace
    # default of some machines, fixed pitch: it has double-width glyphs)
    metrics = QFontMetrics(inspector.template.font())
    assert len({metrics.horizontalAdvance(c) for c in "iMW.<|_"}) == 1

    user_row = next(row for row in rows if row and row.text(0) == "Learner · 什么是卷积核？")
    inspector.parts.setCurrentItem(user_row)
    assert inspector.part_text.toPlainText() == "什么是卷积核？"
    assert inspector.tabs.currentWidget() is inspector.part_text
    examples = next(row for row in rows if row and row.text(0) == "Example dialogue")
    inspector.parts.setCurrentItem(examples)
    inspector.grab().save(str(screenshot_dir() / "prompt-inspector.png"))
    inspector.tabs.setCurrentWidget(inspector.template)
    inspector.grab().save(str(screenshot_dir() / "prompt-inspector-template.png"))
    buttons = inspector.findChild(QDialogButtonBox)
    assert buttons is not None
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    assert not inspector.isVisible()

    greeting = store.messages(turn.conversation_id)[0]
    window.chat_view.action_requested.emit(PROMPT_ACTION, greeting.id)  # the chat's context menu, on the greeting
    old = window.prompt_inspector
    assert old is not None and "No prompt was kept for this reply" in old.summary.text()
    assert old.parts.topLevelItemCount() == 0
    old.close()
    window.close()
