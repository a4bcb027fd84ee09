"""The main window: conversations on the left, persona and topic on top, the chat in the middle."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThread, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.chat import ChatService, TurnResult
from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.paths import AppPaths
from app.personas import Persona, PersonaLibrary
from app.prompt_builder import greeting
from app.store import Conversation, Message, Store
from app.topics import BUILTIN_TOPICS
from app.ui.chat_view import Bubble, ChatView
from app.ui.chat_worker import ChatWorker

YOU = "You"


class ChatInput(QPlainTextEdit):
    """Enter sends, Shift+Enter starts a new line."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    reply_displayed = Signal(object)  # app.chat.TurnResult, once the window shows the finished reply
    load_requested = Signal(str)
    send_requested = Signal(int, str, object)
    close_requested = Signal()

    def __init__(self, paths: AppPaths, store: Store, personas: PersonaLibrary, model: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Persona Tutor")
        self.resize(1100, 720)
        self._store = store
        self._personas = personas
        self._conversations = ChatService(store, personas)
        self._conversation_id: int | None = None
        self._model_id = ""
        self._busy = False
        self.sampling = SamplingParams()
        self._build()

        self._thread = QThread(self)
        self._thread.setObjectName("chat-worker")
        self.worker = ChatWorker(paths, store, personas)
        self.worker.moveToThread(self._thread)
        self.load_requested.connect(self.worker.load_model)
        self.send_requested.connect(self.worker.send)
        self.close_requested.connect(self.worker.close)
        self.worker.model_loaded.connect(self._on_model_loaded)
        self.worker.model_failed.connect(self._on_model_failed)
        self.worker.preparing_progress.connect(self._on_preparing)
        self.worker.token_received.connect(self.chat_view.append_stream_text)
        self.worker.reply_finished.connect(self._on_reply_finished)
        self.worker.reply_failed.connect(self._on_reply_failed)
        self._thread.start()

        self.refresh_sidebar()
        if self.sidebar.count():
            self.sidebar.setCurrentRow(0)
        else:
            self.new_chat()
        self.model_label.setText("Loading model…")
        self.load_requested.emit(model or "")

    # Layout

    def _build(self) -> None:
        self.new_chat_button = QPushButton("＋ New chat")
        self.new_chat_button.clicked.connect(self.new_chat)
        self.sidebar = QListWidget()
        self.sidebar.currentItemChanged.connect(self._on_sidebar_changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.new_chat_button)
        left_layout.addWidget(self.sidebar)

        self.persona_box = QComboBox()
        for persona in self._personas.all():
            label = f"{persona.name} — {persona.tagline}" if persona.tagline else persona.name
            self.persona_box.addItem(label, persona.id)
        self.persona_box.currentIndexChanged.connect(self._on_persona_changed)
        self.topic_box = QComboBox()
        self.topic_box.setEditable(True)
        self.topic_box.setMinimumWidth(260)
        self.topic_box.lineEdit().setPlaceholderText("Type a topic or pick one")
        header = QHBoxLayout()
        header.addWidget(QLabel("Persona"))
        header.addWidget(self.persona_box, 2)
        header.addWidget(QLabel("Topic"))
        header.addWidget(self.topic_box, 2)

        self.chat_view = ChatView()
        self.input = ChatInput()
        self.input.setPlaceholderText("Ask your tutor… (Enter sends, Shift+Enter for a new line)")
        self.input.setFixedHeight(80)
        self.input.submitted.connect(self.send_or_stop)
        self.send_button = QPushButton("Send")
        self.send_button.setMinimumWidth(90)
        self.send_button.clicked.connect(self.send_or_stop)
        composer = QHBoxLayout()
        composer.addWidget(self.input, 1)
        composer.addWidget(self.send_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.addLayout(header)
        right_layout.addWidget(self.chat_view, 1)
        right_layout.addLayout(composer)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.setCentralWidget(splitter)

        self.model_label = QLabel()
        self.speed_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.speed_label)
        self._on_persona_changed()
        self._update_controls()

    # Sidebar and conversations

    def refresh_sidebar(self) -> None:
        current = self._conversation_id
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        for conversation in self._store.conversations():
            item = QListWidgetItem(conversation.title or "New conversation")
            item.setData(Qt.ItemDataRole.UserRole, conversation.id)
            item.setToolTip(self._describe(conversation))
            self.sidebar.addItem(item)
            if conversation.id == current:
                self.sidebar.setCurrentItem(item)
        self.sidebar.blockSignals(False)

    def _describe(self, conversation: Conversation) -> str:
        try:
            persona = self._personas.get(conversation.persona_id).name
        except PersonaTutorError:
            persona = conversation.persona_id
        return f"{persona} · {conversation.topic} · {conversation.updated_at:%Y-%m-%d %H:%M}"

    def _on_sidebar_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None and not self._busy:
            self.open_conversation(int(item.data(Qt.ItemDataRole.UserRole)))

    def open_conversation(self, conversation_id: int) -> None:
        conversation = self._store.conversation(conversation_id)
        self._conversation_id = conversation_id
        index = self.persona_box.findData(conversation.persona_id)
        self.persona_box.blockSignals(True)
        self.persona_box.setCurrentIndex(max(index, 0))
        self.persona_box.blockSignals(False)
        self.topic_box.setEditText(conversation.topic)
        self.chat_view.show_bubbles(
            [self._bubble(m, conversation.persona_id) for m in self._store.messages(conversation_id)]
        )
        self._update_controls()

    def new_chat(self) -> None:
        if self._busy:
            return
        self._conversation_id = None
        self.sidebar.blockSignals(True)
        self.sidebar.clearSelection()
        self.sidebar.setCurrentItem(None)
        self.sidebar.blockSignals(False)
        self._show_greeting()
        self._update_controls()
        self.input.setFocus()

    def _bubble(self, message: Message, persona_id: str) -> Bubble:
        speaker = YOU if message.role == "user" else self._persona_name(persona_id)
        return Bubble(message.role, speaker, message.content, message.status)

    def _persona_name(self, persona_id: str) -> str:
        try:
            return self._personas.get(persona_id).name
        except PersonaTutorError:
            return persona_id

    def _selected_persona(self) -> Persona:
        return self._personas.get(str(self.persona_box.currentData()))

    def _on_persona_changed(self, *_args: object) -> None:
        persona = self._selected_persona() if self.persona_box.count() else None
        typed = self.topic_box.currentText()
        self.topic_box.clear()
        suggestions = list(persona.suggested_topics) if persona else []
        suggestions += [t.title for t in BUILTIN_TOPICS if t.title not in suggestions]
        self.topic_box.addItems(suggestions)
        if typed and self._conversation_id is not None:
            self.topic_box.setEditText(typed)
        if self._conversation_id is None and persona is not None:
            self._show_greeting()

    def _show_greeting(self) -> None:
        if not self.persona_box.count():
            return
        persona = self._selected_persona()
        opening = greeting(persona, self._conversations.user_name)
        self.chat_view.show_bubbles([Bubble("assistant", persona.name, opening)] if opening else [])

    # Sending and stopping

    def send_or_stop(self) -> None:
        if self._busy:
            self.stop()
        else:
            self.send()

    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self._busy or not self._model_id:
            return
        if self._conversation_id is None:
            topic = self.topic_box.currentText().strip() or BUILTIN_TOPICS[0].title
            conversation = self._conversations.start(str(self.persona_box.currentData()), topic, self._model_id)
            self._conversation_id = conversation.id
        self.input.clear()
        self.chat_view.append_bubble(Bubble("user", YOU, text))
        self.chat_view.begin_stream(self._persona_name(str(self.persona_box.currentData())))
        self._busy = True
        self._update_controls()
        self.send_requested.emit(self._conversation_id, text, self.sampling)

    def stop(self) -> None:
        """Set the worker's cancel flag directly: the engine checks it between tokens."""
        self.worker.cancel.set()

    @Slot(object)
    def _on_reply_finished(self, result: TurnResult) -> None:
        self._busy = False
        if result.timings is not None:
            t = result.timings
            self.speed_label.setText(
                f"{t.tokens_per_s:.1f} tok/s · first token {t.ttft_s:.2f} s · "
                f"{t.cached_prompt_tokens}/{t.prompt_tokens} prompt tokens cached"
            )
        self.refresh_sidebar()
        if self._conversation_id == result.conversation_id:
            self.open_conversation(result.conversation_id)
        self._update_controls()
        self.reply_displayed.emit(result)

    @Slot(str)
    def _on_reply_failed(self, message: str) -> None:
        self._busy = False
        self.statusBar().showMessage(message, 10_000)
        self.refresh_sidebar()
        if self._conversation_id is not None:
            self.open_conversation(self._conversation_id)
        self._update_controls()

    # Model

    @Slot(int, int)
    def _on_preparing(self, done: int, total: int) -> None:
        self.model_label.setText("Preparing the starter model…")
        self.progress.show()
        self.progress.setMaximum(100)
        self.progress.setValue(done * 100 // max(total, 1))

    @Slot(str, str)
    def _on_model_loaded(self, model_id: str, name: str) -> None:
        self._model_id = model_id
        self.progress.hide()
        self.model_label.setText(f"Model: {name}")
        self._update_controls()

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        self.progress.hide()
        self.model_label.setText(f"No model: {message}")
        self._update_controls()

    def _update_controls(self) -> None:
        ready = bool(self._model_id)
        self.send_button.setText("Stop" if self._busy else "Send")
        self.send_button.setEnabled(self._busy or ready)
        fresh = self._conversation_id is None and not self._busy
        self.persona_box.setEnabled(fresh)
        self.topic_box.setEnabled(fresh)
        self.new_chat_button.setEnabled(not self._busy)
        self.sidebar.setEnabled(not self._busy)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop any reply, free the model on its own thread, and end that thread."""
        if not self._thread.isRunning():
            return
        self.worker.cancel.set()
        self.close_requested.emit()
        self._thread.quit()
        self._thread.wait()
