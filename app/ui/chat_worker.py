"""The thread that owns the model: loads it, runs turns, and reports back through signals.

Every call into llama.cpp happens on this worker's thread; the GUI talks to it through queued signals and
stops a reply by setting its request's ``cancel`` directly, which the engine checks between tokens.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.chat import ChatService, TurnResult
from app.engine import ChatBackend, EngineConfig, LlamaEngine, SamplingParams
from app.errors import PersonaTutorError
from app.kv_state_cache import KvStateCache
from app.model_library import resolve_model
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.quiz_service import QuizService
from app.remote_backend import RemoteBackend
from app.remote_servers import RemoteConfig
from app.store import Store
from app.ui.model_jobs import ModelJob

log = logging.getLogger(__name__)


TurnKind = Literal["send", "regenerate", "continue", "edit", "quiz"]


def _yield_to_the_window(niceness: int = 5) -> None:
    """Run this thread, and the threads llama.cpp starts from it, at a lower CPU priority than the GUI thread.

    The model's threads keep every core busy while a reply streams; at equal priority the GUI thread waits its
    turn behind them and the window stutters (tens of milliseconds on two cores). When nothing else wants the CPU
    the model runs as fast as before. Linux only (threads there have their own nice value); a no-op elsewhere.
    """
    if sys.platform != "linux":
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except OSError:  # a sandbox that forbids it: the window only stutters more
        log.debug("could not lower the model thread's priority", exc_info=True)


SHOWN_WAIT_S = 2.0  # the longest idle work waits for the window to show a finished reply


@dataclass(frozen=True)
class NewConversation:
    """A chat to start before its first turn (see :meth:`app.chat.ChatService.start`)."""

    persona_id: str
    topic: str
    model: str
    greeting_index: int = 0
    goal: str = ""
    level: str = ""


@dataclass(frozen=True)
class TurnRequest:
    """What the GUI asks the worker to do; ``message_id`` is the question being edited for ``edit``. With
    ``start``, the worker first starts that conversation (``conversation_id`` is then 0): storing it takes the
    GUI thread a tenth of a second the first time, so the window never does it while a reply is due."""

    kind: TurnKind
    conversation_id: int
    params: SamplingParams
    text: str = ""
    message_id: int = 0
    start: NewConversation | None = None
    # This turn's own stop flag: Stop sets it, even before the worker has picked the request up (it may still be
    # saving the previous turn's state); the engine checks it between tokens.
    cancel: threading.Event = field(default_factory=threading.Event, compare=False)


@dataclass(frozen=True)
class WorkerHandle:
    """A running chat worker, its thread and what the window knew about it, handed from one main window to the
    next (a language switch builds the window again; the model stays loaded)."""

    thread: QThread
    worker: ChatWorker
    model: tuple[str, str, str] | None  # what ``model_loaded`` said last: id, name, backend; None: no model
    welcome: bool  # the welcome page was showing
    status: str  # the model label's text, for a window without a model


@dataclass(frozen=True)
class ModelWork:
    """Work that needs the loaded model (a replay, a persona test), run on the worker's thread after any turn
    before it; ``work(chat service, model id, job)`` reports through ``job`` and stops at ``job.cancel``."""

    job: ModelJob
    work: Callable[[ChatService, str, ModelJob], object]


class ChatWorker(QObject):
    """Lives on its own QThread; never touches widgets."""

    model_loaded = Signal(str, str, str)  # model id, display name, backend ("CPU · 2 threads", "GPU …")
    model_failed = Signal(str)
    preparing_progress = Signal(int, int)  # bytes done, total (starter model assembly)
    conversation_started = Signal(int)  # a TurnRequest's ``start``: the new conversation's id, before its turn
    token_received = Signal(str)
    retry_started = Signal()  # "stay in character" is writing an off-persona reply once more
    reply_finished = Signal(object)  # app.chat.TurnResult
    reply_failed = Signal(str)

    def __init__(self, paths: AppPaths, store: Store, personas: PersonaLibrary) -> None:
        super().__init__()
        self.idle_cancel = threading.Event()  # set by the window when a new turn is asked for: stop idle work
        self.reply_shown = threading.Event()  # set by the window once the finished reply is on screen
        self.stay_in_character = threading.Event()  # set from the GUI (View menu); read when a turn starts
        self._paths = paths
        self._store = store
        self._personas = personas
        self._engine: ChatBackend | None = None
        self._service: ChatService | None = None
        self.model_path: Path | None = None  # the loaded model's file, for the About box
        self.model_id = ""  # the loaded model's id, as conversations record it

    @Slot(str)
    def load_model(self, model: str) -> None:
        _yield_to_the_window()
        try:
            installed = resolve_model(
                self._paths.models_dir,
                model or None,
                progress=lambda d, t: self.preparing_progress.emit(d, t),
                config_dir=self._paths.config_dir,
            )
            engine = LlamaEngine(EngineConfig(model_path=installed.path))
        except PersonaTutorError as exc:
            self.model_failed.emit(str(exc))
            return
        self._use(engine, installed.id, installed.name, engine.backend_description)

    @Slot(object)
    def connect_remote(self, config: RemoteConfig) -> None:
        """Chat through an OpenAI-compatible server instead of a local model (checked before the switch)."""
        try:
            backend = RemoteBackend(config)
        except PersonaTutorError as exc:
            self.model_failed.emit(str(exc))
            return
        self.use_remote(backend)

    @Slot(object)
    def use_remote(self, backend: RemoteBackend) -> None:
        """Switch to a server the GUI has already connected to (the connect dialog checks it first)."""
        self._use(backend, backend.model_id, backend.model_name, backend.backend_description)

    def _use(self, backend: ChatBackend, model_id: str, name: str, description: str) -> None:
        self.close()
        self._engine = backend
        self._service = ChatService(
            self._store,
            self._personas,
            backend,
            kv_states=KvStateCache(self._paths.kv_cache_dir),
            topics_dir=self._paths.topics_dir,
        )
        self._service.on_retry = self.retry_started.emit
        self.model_path = backend.model_path if isinstance(backend, LlamaEngine) else None
        self.model_id = model_id
        self.model_loaded.emit(model_id, name, description)
        try:  # idle until the first turn: compile the reads the window makes as a reply ends, here
            self._store.warm_up()
        except Exception:  # only ever a little slower without it
            log.exception("warming up the store's reads failed")

    def _wait_until_shown(self) -> None:
        """Idle work waits until the window has laid out the finished reply: saving the state and summarizing
        would compete with the GUI thread for the cores and the interpreter lock (tens of milliseconds of stall
        at a reply's end). A new turn asked for, or a window that never says so, ends the wait."""
        deadline = time.monotonic() + SHOWN_WAIT_S
        while not self.reply_shown.wait(0.02) and not self.idle_cancel.is_set() and time.monotonic() < deadline:
            pass

    @Slot(object)
    def run(self, request: TurnRequest) -> None:
        """Run one turn: a new message, a regeneration, an edited question, or a continuation."""
        service = self._service
        if service is None:
            self.reply_failed.emit("No model is loaded.")
            return
        self.idle_cancel.clear()
        self.reply_shown.clear()
        service.stay_in_character = self.stay_in_character.is_set()
        on_token, cancel = self.token_received.emit, request.cancel
        try:
            if request.start is not None:
                request = self._start(service, request.start, request)
            answers = request.kind == "send" and QuizService(service).waiting(request.conversation_id) is not None
            if request.kind == "quiz" or answers:
                result = self._quiz(service, request)
            elif request.kind == "send":
                result = service.send(request.conversation_id, request.text, request.params, cancel, on_token)
            elif request.kind == "regenerate":
                redone = QuizService(service).regenerate(request.conversation_id, request.params, cancel, on_token)
                result = redone or service.regenerate(request.conversation_id, request.params, cancel, on_token)
            elif request.kind == "continue":
                result = service.continue_reply(request.conversation_id, request.params, cancel, on_token)
            else:
                result = self._edit(service, request)
        except PersonaTutorError as exc:
            self.reply_failed.emit(str(exc))
            return
        except Exception as exc:  # a bug: keep the app up, say so, log it
            log.exception("reply failed")
            self.reply_failed.emit(f"Internal error: {exc!r}")
            return
        self.reply_finished.emit(result)
        self._wait_until_shown()
        service.save_state()  # the conversation is idle now; the GUI already has the reply
        try:  # while the learner reads, summarize what the next overflow will drop (stops when they send)
            service.summarize_ahead(request.conversation_id, request.params, self.idle_cancel)
        except Exception:  # the summary is an aid: the chat goes on without it
            log.exception("summarizing ahead failed")

    def _start(self, service: ChatService, start: NewConversation, request: TurnRequest) -> TurnRequest:
        """Start the conversation ``request`` is the first turn of, and say which it is."""
        conversation = service.start(
            start.persona_id, start.topic, start.model, start.greeting_index, start.goal, start.level
        )
        self.conversation_started.emit(conversation.id)
        return replace(request, conversation_id=conversation.id, start=None)

    def _quiz(self, service: ChatService, request: TurnRequest) -> TurnResult:
        """A quiz in the chat: ask one (``quiz``), or grade the learner's message as its answers (``send``)."""
        quizzes = QuizService(service)
        run = quizzes.start if request.kind == "quiz" else quizzes.answer
        return run(request.conversation_id, request.text, request.params, request.cancel, self.token_received.emit)

    def _edit(self, service: ChatService, request: TurnRequest) -> TurnResult:
        """An edited question; an edited quiz answer is graded again (see :meth:`QuizService.edit_answer`)."""
        args = (request.message_id, request.text, request.params, request.cancel, self.token_received.emit)
        return QuizService(service).edit_answer(*args) or service.edit_and_resend(*args)

    @Slot(object)
    def run_work(self, request: ModelWork) -> None:
        """Run ``request`` on this thread, the model's one owner; its job says how it went."""
        service, model_id = self._service, self.model_id

        def work(job: ModelJob) -> object:
            if service is None:
                raise PersonaTutorError("No model is loaded.")
            return request.work(service, model_id, job)

        request.job.run_here(work)

    @Slot()
    def close(self) -> None:
        """Free the model; call on the worker thread before it quits."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None
            self._service = None


class ModelWorkQueue(QObject):
    """Hands work that needs the loaded model to the chat worker (queued behind the turn it may be running), so
    dialogs use the one engine the chat uses and never load a second model."""

    work_requested = Signal(object)  # ModelWork

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._worker: ChatWorker | None = None
        self._jobs: list[ModelJob] = []  # submitted, perhaps still running

    def attach(self, worker: ChatWorker) -> None:
        self._worker = worker
        self.work_requested.connect(worker.run_work)

    def submit(self, job: ModelJob, work: Callable[[ChatService, str, ModelJob], object]) -> ModelJob:
        """Run ``work`` on the worker; connect ``job``'s signals first (it may report at once)."""
        if self._worker is None:
            job.failed.emit(PersonaTutorError("No model is loaded."))
            return job
        self._worker.idle_cancel.set()  # a summary being made while idle gives way
        self._jobs = [j for j in self._jobs if not j.done.is_set()] + [job]
        self.work_requested.emit(ModelWork(job, work))
        return job

    def cancel_all(self) -> None:
        """Stop every job not yet done (the window is closing: the worker must be free to unload the model)."""
        for job in self._jobs:
            job.cancel.set()
