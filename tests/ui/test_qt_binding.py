"""Guards against Qt binding releases with bugs that would take the app down mid-chat."""

import sys

from PySide6.QtCore import QObject, Signal, Slot


class _Emitter(QObject):
    token_received = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    @Slot(str)
    def on_token(self, _piece: str) -> None:
        self.count += 1


def test_emitting_a_signal_does_not_leak_references_to_true() -> None:
    # PySide6 6.12.0 with Python 3.11 decrements Py_True on each emit: a reply streamed token by token
    # eventually aborts the interpreter with "bool_dealloc: deallocating True or False".
    emitter = _Emitter()
    emitter.token_received.connect(emitter.on_token)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.token_received.emit("喵")
    assert emitter.count == 200
    assert sys.getrefcount(True) - before >= -5
