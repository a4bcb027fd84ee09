"""One app window per data folder: a lock file with the holder's pid.

Two windows on one folder would each load a model and race on the same conversation; the second one is
refused with a message naming the first. On POSIX the lock is an advisory ``flock`` on the file, which the
kernel drops when the holder dies however it dies (``kill -9`` included), so a stale lock never blocks. Where
``flock`` does not exist, the pid in the file decides: a lock whose process is gone is taken over. The
command-line tools take no lock: they share the folder with a window safely through SQLite transactions.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from app.errors import PersonaTutorError

LOCK_NAME = "persona-tutor.lock"


class InstanceLockedError(PersonaTutorError):
    """Another running Persona Tutor window holds the data folder."""


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(path: Path) -> int:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text(encoding="ascii").split()[0])
    return 0


class InstanceLock:
    """``with InstanceLock(data_dir):`` — or :meth:`acquire` and :meth:`release`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None
        self._by_pid = False

    def _refuse(self, pid: int) -> InstanceLockedError:
        who = f"process {pid}" if pid else "another process"
        return InstanceLockedError(
            f"Persona Tutor is already open on {self.data_dir} ({who}, lock file {self.path}). "
            "Switch to that window, or close it and start again."
        )

    def acquire(self) -> InstanceLock:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX: the pid in the file is the lock
            return self._acquire_by_pid()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise self._refuse(_holder(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def _acquire_by_pid(self) -> InstanceLock:
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                pid = _holder(self.path)
                if _alive(pid) and pid != os.getpid():
                    raise self._refuse(pid) from None
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            self._fd, self._by_pid = fd, True
            return self
        raise self._refuse(_holder(self.path))

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            if self._by_pid:
                self.path.unlink()
            else:  # the file stays: unlinking a flock'ed file lets two processes lock different inodes
                os.ftruncate(self._fd, 0)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.release()
