"""How long the GUI's event loop stalls while a reply streams (part of `persona-tutor bench engine`).

A 5 ms QTimer ticks while the reply arrives; the longest gap between ticks is the longest time the window
could not react to the learner. Two measurements:

- ``ui_max_stall_ms``: the real window on the real model, streaming a 300-token reply; beside it
  ``ui_max_stall_steal_ms``, the CPU time the hypervisor took from this virtual machine during that longest gap
  (a shared VM is paused now and then: a 100 ms gap was measured in which the GUI thread ran 0.4 ms and the
  whole process 15 ms while the steal counter grew by 100 ms).
- ``ui_long_reply_max_stall_ms``: the chat view laying out a 5,000-token reply (Chinese prose, lists and
  code), a piece every millisecond (ten times faster than a local model writes): the view's own cost.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LONG_REPLY_PIECES = 5000
_PARAGRAPH = "喵~ 卷积核就像小爪子一样在图上**滑动**，每一步都算一个加权和，`stride` 决定步长。\n\n"
_LIST = "1. 卷积层提取局部特征\n2. 池化层缩小特征图\n3. 全连接层做分类\n\n"
_CODE = "```python\nconv = nn.Conv2d(3, 16, kernel_size=3)\nx = conv(x)\n```\n\n"


SETTLE_MS = 1000  # after the model loads, before the question is sent: a learner types it meanwhile


def steal_jiffies() -> int | None:
    """CPU time the hypervisor gave to other guests, summed over this machine's CPUs, in clock ticks since boot
    (Linux, /proc/stat); None where it cannot be read. A gap in which the GUI thread did no work and the whole
    process ran little while this grew is the virtual machine being paused, not the app."""
    try:
        with open("/proc/stat", "rb") as stat:
            fields = stat.readline().split()
        return int(fields[8])
    except (OSError, IndexError, ValueError):
        return None


_TICK_MS = 1000 / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)


@dataclass(frozen=True)
class Stall:
    longest_ms: float
    steal_ms: float | None  # the hypervisor's steal during that longest gap (see steal_jiffies); None: unknown


class _Ticker:
    def __init__(self, watch_steal: bool = False) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self.longest_steal: int | None = None
        self._watch_steal = watch_steal
        self._steal: int | None = None
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        steal = steal_jiffies() if self._watch_steal else None
        if now - self._last > self.longest:
            self.longest = now - self._last
            self.longest_steal = None if steal is None or self._steal is None else steal - self._steal
        self._last, self._steal = now, steal

    def start(self) -> None:
        self._last = time.perf_counter()
        self._steal = steal_jiffies() if self._watch_steal else None
        self.longest = 0.0
        self.longest_steal = None
        self._timer.start()

    def stop(self) -> float:
        """The longest gap, counting the one up to now (a stall as the measured step ends, with no tick after it,
        is a stall too)."""
        self._tick()
        self._timer.stop()
        return round(self.longest * 1000, 1)


def _application():  # type: ignore[no-untyped-def]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def long_reply_stall_ms() -> float:
    """The longest event-loop stall while the chat view takes a 5,000-piece reply."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.ui.chat_view import ChatView

    app = _application()
    text = ((_PARAGRAPH * 3 + _LIST + _CODE) * 40)[: LONG_REPLY_PIECES * 3]
    pieces = [text[i : i + 3] for i in range(0, len(text), 3)]
    view = ChatView()
    view.resize(900, 700)
    view.show()
    view.begin_stream("小喵", "xiaomiao", "")
    view.append_stream_text(_PARAGRAPH + _CODE)  # fonts and highlighter loaded before measuring
    app.processEvents()
    ticker = _Ticker()
    loop = QEventLoop()
    fed = 0

    def feed() -> None:
        nonlocal fed
        view.append_stream_text(pieces[fed])
        fed += 1
        if fed == len(pieces):
            loop.quit()

    feeder = QTimer()
    feeder.timeout.connect(feed)
    ticker.start()
    feeder.start(1)
    loop.exec()
    feeder.stop()
    result = ticker.stop()
    view.close()
    return result


def window_stall(model_path: Path, max_tokens: int = 300) -> Stall:
    """The longest event-loop stall of the main window while the real model streams a reply, from Send until the
    stored reply is shown, and how much of it the hypervisor took (``SETTLE_MS`` after the model loaded: the
    worker's follow-up to a load, warming the store's reads, would otherwise overlap the question's layout)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.engine import SamplingParams
    from app.paths import AppPaths
    from app.personas import PersonaLibrary
    from app.store import Store
    from app.ui.heap import imports_frozen
    from app.ui.main_window import MainWindow

    _application()
    with imports_frozen(), tempfile.TemporaryDirectory(prefix="persona-tutor-stall-") as tmp:  # as run_gui does
        paths = AppPaths.resolve(Path(tmp)).ensure()
        store = Store(paths.database_path)
        window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), str(model_path))
        try:
            window.show()
            loop = QEventLoop()
            window.worker.model_loaded.connect(loop.quit)
            window.worker.model_failed.connect(loop.quit)
            QTimer.singleShot(600_000, loop.quit)
            loop.exec()
            QTimer.singleShot(SETTLE_MS, loop.quit)
            loop.exec()
            window.sampling = SamplingParams(max_tokens=max_tokens, seed=7, temperature=0.8)
            window.input.setPlainText("请详细讲讲卷积神经网络的历史，从 LeNet 到 ResNet。")
            ticker = _Ticker(watch_steal=True)
            window.reply_displayed.connect(loop.quit)
            ticker.start()
            window.send()
            loop.exec()
            longest = ticker.stop()
            steal = None if ticker.longest_steal is None else round(ticker.longest_steal * _TICK_MS, 1)
            return Stall(longest, steal)
        finally:
            window.close()
            window.deleteLater()
            store.close()
