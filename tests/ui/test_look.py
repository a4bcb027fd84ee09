"""How the chat looks: light and dark themes, highlighted code with a copy link, model HTML shown as text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication, QPalette
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.store import Store
from tests.ui.test_main_window import open_window, screenshot_dir

REPLY = """喵~ 卷积就是让小爪子（卷积核）在图上滑动 $y = w \\cdot x + b$：

```python
import torch.nn as nn
conv = nn.Conv2d(3, 16, kernel_size=3)  # 16 个卷积核
```

<script>alert("not run")</script> <b>not bold</b>

| 层 | 作用 |
|---|---|
| 卷积 | 提取特征 |
"""


def _conversation(store: Store) -> int:
    chat = store.create_conversation("xiaomiao", "CNN", "m", title="样子")
    store.add_message(chat.id, "assistant", "喵~ 你好呀！")
    store.add_message(chat.id, "user", "卷积是什么？")
    return store.add_message(chat.id, "assistant", REPLY).id


def test_theme_switch_follows_the_choice_and_is_remembered(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    _conversation(store)
    window = open_window(qtbot, paths, store, starter_path)
    window.resize(1024, 640)
    window.theme.choose("light")
    light = window.palette().color(QPalette.ColorRole.Window).lightness()
    window.grab().save(str(screenshot_dir() / "main-window-light.png"))
    window.theme.choose("dark")
    assert window.chat_view.dark
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < light, timeout=2000)
    assert "#2b2b2b" in window.chat_view.document().defaultStyleSheet()
    window.grab().save(str(screenshot_dir() / "main-window-dark.png"))
    window.close()
    again = open_window(qtbot, paths, store, starter_path)
    assert again.theme.mode == "dark" and again.chat_view.dark  # remembered
    again.theme.choose("system")
    again.close()


def test_code_is_highlighted_and_copied_and_model_html_stays_text(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    reply_id = _conversation(store)
    window = open_window(qtbot, paths, store, starter_path)
    text = window.chat_view.toPlainText()
    assert '<script>alert("not run")</script>' in text and "<b>not bold</b>" in text  # shown, not interpreted
    assert "Copy code" in text and "提取特征" in text
    assert f"action:copy-0/{reply_id}" in window.chat_view.toHtml()
    window.chat_view.action_requested.emit("copy-0", reply_id)
    assert QGuiApplication.clipboard().text() == (
        "import torch.nn as nn\nconv = nn.Conv2d(3, 16, kernel_size=3)  # 16 个卷积核\n"
    )
    window.close()
