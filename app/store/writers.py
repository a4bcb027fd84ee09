"""Which process is streaming into which message, so recovery never cuts off a reply that is still growing.

A streaming row records the pid of its writer. Another process treats the row as orphaned once that pid no
longer runs; the writer's own process also knows the exact rows it is streaming (this registry), so a stale
row that happens to carry our pid (pid reuse after a crash) is still recovered. The cost of pid reuse by an
unrelated process is only a delay: the row is recovered once that process ends.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_lock = threading.Lock()
_live: set[tuple[str, int]] = set()


def _key(database: Path, message_id: int) -> tuple[str, int]:
    return (str(database.resolve()), message_id)


def register_writer(database: Path, message_id: int) -> None:
    with _lock:
        _live.add(_key(database, message_id))


def forget_writer(database: Path, message_id: int) -> None:
    with _lock:
        _live.discard(_key(database, message_id))


def process_alive(pid: int) -> bool:
    """Whether a process with this pid runs now (without signalling it: os.kill would end it on Windows)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x00000102)  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_gone(database: Path, message_id: int, writer_pid: int | None) -> bool:
    """Whether the process that streamed into ``message_id`` has stopped writing it."""
    if writer_pid is None:
        return True
    if writer_pid == os.getpid():
        with _lock:
            return _key(database, message_id) not in _live
    return not process_alive(writer_pid)
