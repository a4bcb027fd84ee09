"""Background jobs for the model screens: scanning, importing and downloading run on a thread pool.

A job's work function runs on a pool thread and may only report through the job's signals; the job object itself
lives on the GUI thread (its parent is a widget), so every slot of a widget connected to it runs there, queued.
Connect slots of QObjects (not plain lambdas, which would run on the pool thread) before calling ``start``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

from app.downloads import DownloadCancelled
from app.errors import PersonaTutorError

log = logging.getLogger(__name__)

Work = Callable[["ModelJob"], object]


class ModelJob(QObject):
    """One piece of work off the GUI thread, with a cancel flag the GUI sets directly."""

    progressed = Signal(object)  # whatever the work reports: (done, total) or app.downloads.DownloadProgress
    succeeded = Signal(object)  # the work's result
    failed = Signal(object)  # the PersonaTutorError (or bug) that ended it
    cancelled = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.cancel = threading.Event()
        self.done = threading.Event()

    def start(self, work: Work) -> ModelJob:
        """Run ``work(self)`` on the global thread pool; connect to the signals before calling this."""
        QThreadPool.globalInstance().start(_Runner(self, work))
        return self

    def run_here(self, work: Work) -> None:
        """Run ``work(self)`` on the calling thread, reporting as ``start`` does (the chat worker runs work that
        needs the loaded model this way, on the thread that owns it)."""
        _Runner(self, work).run()

    def report(self, value: object) -> None:
        """A progress callback for the core: emits a signal, never touches a widget."""
        self.progressed.emit(value)

    def report_bytes(self, done: int, total: int) -> None:
        self.progressed.emit((done, total))


class _Runner(QRunnable):
    def __init__(self, job: ModelJob, work: Work) -> None:
        super().__init__()
        self._job = job
        self._work = work

    def run(self) -> None:
        job = self._job
        try:
            result = self._work(job)
        except DownloadCancelled as exc:
            _emit(job.cancelled, str(exc))
        except PersonaTutorError as exc:
            _emit(job.failed, exc)
        except Exception as exc:  # a bug: keep the app up, say so, log it
            log.exception("model job failed")
            _emit(job.failed, RuntimeError(f"Internal error: {exc!r}"))
        else:
            _emit(job.succeeded, result)
        finally:
            job.done.set()
            with contextlib.suppress(RuntimeError):  # already gone with its owner
                job.deleteLater()  # after the queued result has been delivered on the GUI thread


def _emit(signal: SignalInstance, value: object) -> None:
    try:
        signal.emit(value)
    except RuntimeError:  # the widget that started the job is gone; nobody is listening any more
        log.debug("model job finished after its owner was deleted")
