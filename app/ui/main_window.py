"""The main window: conversations on the left, persona and topic on top, the chat in the middle."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSettings, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.chat import ChatService, TurnResult
from app.checker import check_partial, reasons
from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.paths import AppPaths
from app.personas import Persona, PersonaLibrary
from app.prompt_builder import greetings
from app.quiz_tree import QuizTree
from app.remote_servers import RemoteConfig
from app.rendering import code_blocks
from app.store import Message, Store
from app.topic_library import readable_packs
from app.topics import BUILTIN_TOPICS
from app.ui.about_dialog import AboutDialog
from app.ui.backup_actions import install_backup_menu
from app.ui.badge_cells import badge_word
from app.ui.chat_view import Bubble, ChatView
from app.ui.chat_worker import ChatWorker, ModelWorkQueue, NewConversation, TurnKind, TurnRequest, WorkerHandle
from app.ui.checker_reasons import reason_texts
from app.ui.conversation_list import ConversationList
from app.ui.conversation_pages import StorePages
from app.ui.event_turns import next_turn
from app.ui.feedback_actions import FEEDBACK_ACTIONS, FeedbackActions
from app.ui.language import LanguageChooser
from app.ui.language_switch import install_language_switch
from app.ui.learning_actions import LearningActions
from app.ui.ledger_panel import install_ledger_panel
from app.ui.lesson_bar import LessonBar
from app.ui.locale_format import number
from app.ui.model_manager import ModelMenu
from app.ui.persona_menu import PersonaMenu
from app.ui.persona_picker import PersonaPicker, forget_deleted, show_persona
from app.ui.prompt_inspector import PROMPT_ACTION, PromptInspector, open_prompt_inspector
from app.ui.remote_dialog import install_remote_menu
from app.ui.sampling_panel import install_sampling_menu, turn_params
from app.ui.search_panel import SearchPanel
from app.ui.stay_in_character import install_stay_in_character
from app.ui.stream_badges import StreamBadges
from app.ui.theme import ThemeChooser
from app.ui.topic_packs_dialog import TopicPacksDialog, install_topic_packs_menu
from app.ui.undo_bar import UndoBar
from app.ui.welcome_page import install_welcome_page, needs_welcome, show_welcome

YOU = "You"
PAGE = 200  # messages shown when a conversation opens; older ones load a page at a time
CONTEXT_BEFORE = 20  # messages shown above a search hit far back in a conversation
log = logging.getLogger(__name__)


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
    remote_requested = Signal(object)  # app.remote_servers.RemoteConfig: connect on the worker
    backend_requested = Signal(object)  # app.remote_backend.RemoteBackend, already connected
    turn_requested = Signal(object)  # app.ui.chat_worker.TurnRequest
    close_requested = Signal()
    replaced = Signal(object)  # MainWindow: the window built in a new language, which took over from this one

    def __init__(
        self,
        paths: AppPaths,
        store: Store,
        personas: PersonaLibrary,
        model: str | None = None,
        remote: RemoteConfig | None = None,
        handover: WorkerHandle | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.setWindowTitle("Persona Tutor")
        self.setMinimumSize(900, 560)
        self.resize(1100, 720)
        self._settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
        self._paths = paths
        self._store = store
        self._personas = personas
        self._conversations = ChatService(store, personas, topics_dir=paths.topics_dir)
        self.badge_details: QMessageBox | None = None  # the open "Why these badges" box
        self._conversation_id: int | None = None
        self._model_id = ""
        self._busy = False
        self._editing: int | None = None  # the id of the question being edited, while it is
        self._streaming_context: tuple[Persona, str, str] | None = None  # persona, topic, question
        self._greeting_index = 0  # which opening message a new chat shows (‹ › switch), and starts with
        # a broken pack of the learner's is left out (and named in the status bar once the window is built)
        self._packs, self._pack_problems = readable_packs(paths.topics_dir)
        self.topic_packs_dialog: TopicPacksDialog | None = None
        self._search: SearchPanel | None = None
        self._page = PAGE
        self._window_start: int | None = None  # the first message shown, when a page in the middle is shown
        self._first_shown: int | None = None  # the first message of the newest pages shown
        self._turn_base: int | None = None  # the last message shown above the turn under way (see _stored_turn)
        self._turn_cancel: threading.Event | None = None  # the stop flag of the turn asked for last
        self.sampling = SamplingParams()
        self.model_work = ModelWorkQueue(self)  # replays and persona tests run on the chat worker
        self.feedback = FeedbackActions(self, paths, store, personas, self._conversations.user_name, self.model_work)
        self._build()
        for problem in self._pack_problems:  # the window opens without it; the topic pack editor shows it to fix
            self.statusBar().showMessage(self.tr("A topic pack cannot be read: {problem}").format(problem=problem))

        self._model_info: tuple[str, str, str] | None = None  # what model_loaded said last
        self._loading = False  # a model load or server connection is on its way
        self._handed_over = False  # the worker went to a new window (language switch): closing leaves it running
        if handover is None:
            self._thread = QThread(self)
            self._thread.setObjectName("chat-worker")
            self.worker = ChatWorker(paths, store, personas)
            self.worker.moveToThread(self._thread)
            # The model is freed on its own thread as that thread ends, even when quit() wins the race with a queued
            # close_requested: an engine left to the garbage collector is freed in no safe order.
            self._thread.finished.connect(self.worker.close, Qt.ConnectionType.DirectConnection)
        else:
            self._thread, self.worker = handover.thread, handover.worker
            self._thread.setParent(self)
        self.model_work.attach(self.worker)
        self.load_requested.connect(self.worker.load_model)
        self.remote_requested.connect(self.worker.connect_remote)
        self.backend_requested.connect(self.worker.use_remote)
        self.turn_requested.connect(self.worker.run)
        self.close_requested.connect(self.worker.close)
        self.worker.model_loaded.connect(self._on_model_loaded)
        self.worker.model_failed.connect(self._on_model_failed)
        self.worker.preparing_progress.connect(self._on_preparing)
        self.worker.conversation_started.connect(self._on_conversation_started)
        self.worker.token_received.connect(self.chat_view.append_stream_text)
        self.worker.reply_finished.connect(self._on_reply_finished)
        self.worker.reply_failed.connect(self._on_reply_failed)
        self.stay_in_character.attach(self.worker)
        for request in (self.load_requested, self.remote_requested, self.backend_requested):
            request.connect(self._on_model_requested)
        if not self._thread.isRunning():
            self._thread.start()

        self.theme.apply()  # before a conversation opens: applied after, it opened it a second time
        self.refresh_sidebar()
        if self.sidebar.count():
            self.open_conversation(self.sidebar.item_id(0))
            self.sidebar.select(self._conversation_id)
        else:
            self.new_chat()
        self._restore_geometry()
        self._layout_restored = False
        self.welcome = install_welcome_page(self, paths)  # instead of the chat while no model is installed
        if handover is not None:
            self._resume(handover)
        elif remote is not None:
            self.model_label.setText(self.tr("Connecting…"))
            self.remote_requested.emit(remote)
        elif model or not needs_welcome(paths):
            self.model_label.setText(self.tr("Loading model…"))
            self.load_requested.emit(model or "")
        else:
            show_welcome(self, self.welcome)

    # Layout

    def _build(self) -> None:
        self.sidebar = ConversationList()
        self.sidebar.new_chat_requested.connect(self.new_chat)
        self.sidebar.conversation_selected.connect(self._on_conversation_selected)
        self.sidebar.rename_requested.connect(self._rename)
        self.sidebar.delete_requested.connect(self._delete)
        self.sidebar.pin_requested.connect(self._pin)
        self.sidebar.archive_requested.connect(self._archive)
        self.sidebar.show_archived_toggled.connect(self.refresh_sidebar)
        self.new_chat_button = self.sidebar.new_chat_button

        self.persona_box = PersonaPicker()
        self.persona_box.setAccessibleName(self.tr("Persona"))
        # A long "name — tagline" must not widen the chat pane past the sidebar at 1024 px: it is elided instead.
        self.persona_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.persona_box.setMinimumContentsLength(16)
        self.persona_box.currentIndexChanged.connect(self._on_persona_changed)
        self.topic_box = QComboBox()
        self.topic_box.setEditable(True)
        self.topic_box.setAccessibleName(self.tr("Topic"))
        self.topic_box.setMinimumWidth(260)
        self.topic_box.lineEdit().setPlaceholderText(self.tr("Type a topic or pick one"))
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Persona")))
        header.addWidget(self.persona_box, 2)
        header.addWidget(QLabel(self.tr("Topic")))
        header.addWidget(self.topic_box, 2)
        self.lesson_bar = LessonBar(self._packs)

        self.chat_view = ChatView()
        self.chat_view.setAccessibleName(self.tr("Conversation"))
        self._fill_persona_box()
        self.input = ChatInput()
        self.input.setAccessibleName(self.tr("Message"))
        self.input.setPlaceholderText(self.tr("Ask your tutor… (Enter sends, Shift+Enter for a new line)"))
        self.input.setFixedHeight(80)
        self.input.submitted.connect(self.send_or_stop)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setMinimumWidth(90)
        self.send_button.setAccessibleName(self.tr("Send or stop"))
        self.send_button.clicked.connect(self.send_or_stop)
        composer = QHBoxLayout()
        composer.addWidget(self.input, 1)
        composer.addWidget(self.send_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.addLayout(header)
        right_layout.addWidget(self.lesson_bar)
        right_layout.addWidget(self.chat_view, 1)
        right_layout.addLayout(composer)

        splitter = QSplitter()
        splitter.setObjectName("main-splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.setCentralWidget(splitter)
        self.splitter = splitter
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.escape)
        self.chat_view.action_requested.connect(self._on_action)
        self.chat_view.stream_annotator = self._annotate_stream
        self.stream_badges = StreamBadges(self)
        self.stream_badges.updated.connect(self.chat_view.refresh_stream)
        self.stream_badges.prepare(reasons.prepare)  # the first reply's badges would compile them on this thread

        self.model_label = QLabel()
        self.backend_label = QLabel()
        self.speed_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.undo_bar = UndoBar()
        self.undo_bar.undo_requested.connect(self.undo_delete)
        self.undo_bar.expired.connect(self._forget_undo)
        self._undo_delete_id: int | None = None
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.undo_bar)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.speed_label)
        self.statusBar().addPermanentWidget(self.backend_label)
        self._build_menus()
        self._on_persona_changed()
        self._update_controls()

    def _build_menus(self) -> None:
        """The menu bar; each feature adds its actions to one of these menus (``self.menus[title]``)."""
        self.menus: dict[str, QMenu] = {}
        titles = (
            ("File", self.tr("&File")),
            ("Conversation", self.tr("&Conversation")),
            ("Personas", self.tr("&Personas")),
            ("Models", self.tr("&Models")),
            ("Feedback", self.tr("&Feedback")),
            ("View", self.tr("&View")),
            ("Help", self.tr("&Help")),
        )
        for key, title in titles:  # the keys stay English: features find their menu by key
            self.menus[key] = self.menuBar().addMenu(title)
        new_chat = QAction(self.tr("&New chat"), self, shortcut=QKeySequence.StandardKey.New, triggered=self.new_chat)
        quit_app = QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        self.menus["File"].addActions([new_chat])
        self.menus["File"].addSeparator()
        self.menus["File"].addActions(install_backup_menu(self))
        self.menus["File"].addSeparator()
        self.menus["File"].addAction(quit_app)
        regenerate = QAction(
            self.tr("&Regenerate reply"), self, shortcut=QKeySequence("Ctrl+R"), triggered=self.regenerate
        )
        edit = QAction(
            self.tr("&Edit last question"), self, shortcut=QKeySequence("Ctrl+E"), triggered=self.edit_message
        )
        find = QAction(
            self.tr("&Find in conversations…"), self, shortcut=QKeySequence.StandardKey.Find, triggered=self.find
        )
        undo = QAction(
            self.tr("&Undo delete"), self, shortcut=QKeySequence.StandardKey.Undo, triggered=self.undo_delete
        )
        self.menus["Conversation"].addActions([regenerate, edit, find, undo])
        self.persona_menu = PersonaMenu(self._personas, self, self.model_work, self._conversations.pins.record_import)
        self.menus["Personas"].addActions(self.persona_menu.actions)
        self.persona_menu.new_chat_requested.connect(self.new_chat_with)
        self.persona_menu.personas_changed.connect(self.reload_personas)
        self.persona_menu.drops.watch(self, self.chat_view.viewport(), self.input.viewport())
        self.model_menu = ModelMenu(self, self._paths)
        self.theme = ThemeChooser(self._settings, self)
        self.menus["View"].addMenu(self.theme.menu)
        self.theme.theme_changed.connect(self._on_theme_changed)
        self.language = LanguageChooser(self._settings, self)
        self.menus["View"].addMenu(self.language.menu)
        install_language_switch(self)
        install_remote_menu(self)
        self.learning = LearningActions(self)
        install_sampling_menu(self)
        install_topic_packs_menu(self)
        self.stay_in_character = install_stay_in_character(self)
        self.ledger_panel = install_ledger_panel(self, self._store, self._settings)
        about = QAction(self.tr("&About Persona Tutor"), self)
        about.triggered.connect(self._show_about)
        self.menus["Help"].addAction(about)
        self.menus["Feedback"].addActions(self.feedback.menu_actions())
        self.feedback.changed.connect(self._on_feedback_changed)
        self.feedback.open_requested.connect(self.open_message)
        self.feedback.exported.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        for menu in self.menus.values():
            menu.menuAction().setVisible(bool(menu.actions()))  # a menu appears once a feature fills it

    def _show_about(self) -> None:
        AboutDialog(self.worker.model_path, self).exec()

    # Sidebar and conversations

    def refresh_sidebar(self) -> None:
        pages = StorePages(self._store, self._persona_name, self.sidebar.show_archived.isChecked())
        self.sidebar.show_source(pages, self._conversation_id)  # reads a page; more as the list scrolls

    @Slot(int)
    def _on_conversation_selected(self, conversation_id: int) -> None:
        if not self._busy:
            self.open_conversation(conversation_id)

    @Slot(int, str)
    def _rename(self, conversation_id: int, title: str) -> None:
        self._store.rename_conversation(conversation_id, title)
        self.refresh_sidebar()

    @Slot(int, bool)
    def _pin(self, conversation_id: int, pinned: bool) -> None:
        self._store.set_pinned(conversation_id, pinned)
        self.refresh_sidebar()

    @Slot(int, bool)
    def _archive(self, conversation_id: int, archived: bool) -> None:
        self._store.set_archived(conversation_id, archived)
        self.refresh_sidebar()

    @Slot(int)
    def _delete(self, conversation_id: int) -> None:
        """Move a conversation to the bin at once and offer Undo (Ctrl+Z) for a while, as mail apps do."""
        if self._busy:
            return
        title = self._store.conversation(conversation_id).title or self.tr("New conversation")
        self._store.delete_conversation(conversation_id)
        if conversation_id == self._conversation_id:
            self.new_chat()
        self.refresh_sidebar()
        self._undo_delete_id = conversation_id
        self.undo_bar.offer(self.tr("Deleted “{title}”.").format(title=title))

    def _forget_undo(self) -> None:
        self._undo_delete_id = None

    def undo_delete(self) -> None:
        """Bring back the conversation deleted last, if Undo is still offered."""
        if self._undo_delete_id is None:
            return
        self._store.restore_conversation(self._undo_delete_id)
        self._undo_delete_id = None
        self.undo_bar.hide()
        self.refresh_sidebar()

    def open_conversation(
        self, conversation_id: int, page: int | None = None, show: int | None = None, start: int | None = None
    ) -> None:
        """Show the newest ``page`` messages of a conversation (by default as many as were shown before when it
        is the open one, else the first page). A message ``show`` further back opens a page in the middle, from
        a few messages before it (``start``: the first message of that page), with links both ways."""
        if page is None:
            page = self._page if conversation_id == self._conversation_id else PAGE
        conversation = self._store.conversation(conversation_id)
        self._conversation_id = conversation_id
        self._page = page
        show_persona(self.persona_box, conversation.persona_id, self._conversations.pins.name_of(conversation))
        self.topic_box.setEditText(conversation.topic)
        self.learning.show_conversation(conversation)
        self.ledger_panel.show_conversation(conversation_id)
        # a message further back than the newest page opens a page in the middle (the newest is not read for it)
        if start is None and show is not None and self._store.count_messages(conversation_id, after_id=show) >= page:
            before = self._store.messages(conversation_id, limit=CONTEXT_BEFORE, before_id=show)
            start = before[0].id if before else show
        later = 0
        self._window_start = start
        if start is None:
            messages = self._store.messages(conversation_id, limit=page)
        else:
            messages = self._store.messages_from(conversation_id, start, PAGE)
            later = self._store.count_messages(conversation_id, after_id=messages[-1].id) if messages else 0
        earlier = self._store.count_messages(conversation_id, before_id=messages[0].id) if messages else 0
        bubbles = self._bubbles(messages, conversation.persona_id, at_end=not later)
        self._first_shown = messages[0].id if messages else None
        self.chat_view.show_bubbles(bubbles, earlier, later, anchor=show)
        self._update_controls()

    def _page_through(self, direction: str) -> None:
        """The "Show earlier" / "Show later" links of a long conversation."""
        assert self._conversation_id is not None
        if direction == "earlier" and self._window_start is None and self._first_shown is not None:
            self._show_earlier_page(self._conversation_id, self._first_shown)
            return
        shown = self._store.messages(self._conversation_id, limit=self._page)
        if self._window_start is not None:
            shown = self._store.messages_from(self._conversation_id, self._window_start, PAGE)
        if not shown:
            return
        if direction == "later":
            rest = self._store.messages_from(self._conversation_id, shown[-1].id + 1, PAGE + 1)
            if len(rest) <= PAGE:  # the newest page: back to the ordinary view
                self.open_conversation(self._conversation_id, PAGE, show=rest[0].id if rest else None)
            else:
                self.open_conversation(self._conversation_id, start=rest[0].id, show=rest[0].id)
        elif self._window_start is not None:
            previous = self._store.messages(self._conversation_id, limit=PAGE, before_id=shown[0].id)
            if previous:
                self.open_conversation(self._conversation_id, start=previous[0].id, show=shown[0].id)
        else:
            self.open_conversation(self._conversation_id, self._page + PAGE, show=shown[0].id)

    def _show_earlier_page(self, conversation_id: int, first_shown: int) -> None:
        """The page before the newest ones shown goes above them; what is on screen is not laid out again."""
        previous = self._store.messages(conversation_id, limit=PAGE, before_id=first_shown)
        if not previous:
            return
        persona_id = self._store.conversation(conversation_id).persona_id
        earlier = self._store.count_messages(conversation_id, before_id=previous[0].id)
        self._page += len(previous)
        self._first_shown = previous[0].id
        self.chat_view.prepend_bubbles(self._bubbles(previous, persona_id, at_end=False), earlier)

    def find(self) -> None:
        """Ctrl+F: the search window over every conversation."""
        if self._search is None:
            self._search = SearchPanel(self._store, self)
            self._search.message_chosen.connect(self.open_message)
        self._search.show()
        self._search.raise_()
        self._search.activateWindow()

    @Slot(int, int)
    def open_message(self, conversation_id: int, message_id: int) -> None:
        """Open a conversation at one of its messages (switching to its branch when it is on another one)."""
        if self._busy:
            return
        if not self._store.message(message_id).active:
            self._store.select_branch(message_id)
        self.open_conversation(conversation_id, show=message_id)
        self.sidebar.select(conversation_id)  # nothing listed changed: no need to read ten thousand rows again

    @Slot(int)
    def _on_feedback_changed(self, message_id: int) -> None:
        self._turn_base = None  # a reply judged while another streams is shown anew when that one ends
        if not self._busy and self._conversation_id is not None:
            self.open_conversation(self._conversation_id, show=message_id)  # stay at the reply just judged

    def new_chat(self) -> None:
        if self._busy:
            return
        self._conversation_id = None
        self._greeting_index = 0
        self.ledger_panel.show_conversation(None)
        self.sidebar.clear_selection()
        self.learning.show_conversation(None)
        forget_deleted(self.persona_box)
        self._show_greeting()
        self._update_controls()
        self.input.setFocus()

    def _bubbles(self, messages: list[Message], persona_id: str, at_end: bool = True) -> list[Bubble]:
        """Messages as bubbles, with alternatives and the actions that make sense where they stand (edit and
        regenerate only at the end of the conversation: ``at_end`` False for a page in its middle)."""
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1) if at_end else -1
        ids = [m.id for m in messages]
        versions = self._store.versions(messages[0].conversation_id, ids) if messages else {}
        # a page's first reply answers the question at the end of the page before it
        before = self._store.messages(messages[0].conversation_id, limit=1, before_id=ids[0]) if messages else []
        roles = [m.role for m in before[-1:] + messages]
        offset = len(roles) - len(messages)
        verdicts = self._store.latest_verdicts(ids)
        feedback = self._store.latest_feedback(ids)
        speaker_name = self._persona_name(persona_id)
        bubbles = []
        for i, message in enumerate(messages):
            actions: tuple[str, ...] = ()
            is_reply = message.role == "assistant" and i + offset > 0 and roles[i + offset - 1] == "user"
            if i == len(messages) - 1 and is_reply and at_end:
                actions = ("regenerate", "continue") if message.status == "interrupted" else ("regenerate",)
            elif i == last_user:
                actions = ("edit",)
            thumbs, feedback_note = self.feedback.state(message.id, feedback) if is_reply else (None, "")
            actions = (*FEEDBACK_ACTIONS, *actions, PROMPT_ACTION) if is_reply else actions
            version = versions.get(message.id, (1, 1)) if is_reply or message.role == "user" else (1, 1)
            speaker = self.tr("You") if message.role == "user" else speaker_name
            verdict = verdicts.get(message.id) if is_reply else None
            bubbles.append(
                Bubble(
                    message.role,
                    speaker,
                    message.content,
                    message.status,
                    persona_id,
                    message.id,
                    version,
                    actions,
                    verdict,
                    thumbs,
                    feedback_note,
                )
            )
        return bubbles

    def _annotate_stream(self, text: str) -> dict[str, Any] | None:
        """Provisional badges while a reply streams (the checker's partial mode, on a thread of its own)."""
        if self._streaming_context is None:
            return None
        persona, topic, question = self._streaming_context
        ledger, packs = list(self.ledger_panel.active_facts()), self._packs

        def check() -> dict[str, Any]:
            return check_partial(persona, text, question=question, topic=topic, packs=packs, ledger=ledger).to_json()

        return self.stream_badges.badges(text, check)

    def show_badge_details(self, message_id: int) -> None:
        """Every signal behind a reply's badges and what it contributed."""
        stored = self._store.verdicts(message_id)
        if not stored:
            return
        verdict = stored[-1].verdict
        summary: list[str] = []
        details: list[str] = []
        for key, title in (("consistency", self.tr("Persona")), ("accuracy", self.tr("Accuracy"))):
            badge = verdict.get(key, {})
            score = number(badge.get("score", 0), 2)
            summary.append(
                self.tr("{title}: {label} (score {score})").format(
                    title=title, label=badge_word(badge.get("label")), score=score
                )
            )
            summary += [f"  • {reason}" for reason in reason_texts(badge.get("reasons", []))]
            details.append(self.tr("{title} signals:").format(title=title))
            details += [f"  {name} = {value} → {weight:+}" for name, value, weight in badge.get("signals", [])]
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Why these badges"))
        box.setText("\n".join(summary))
        box.setDetailedText("\n".join(details) + f"\n\nchecker {stored[-1].checker_version}")
        box.addButton(QMessageBox.StandardButton.Ok)
        again = box.addButton(self.tr("Check again"), QMessageBox.ButtonRole.ActionRole)
        again.setToolTip(self.tr("Judge this reply again with the current checker and topic packs"))
        again.clicked.connect(lambda: self.recheck(message_id))
        self.badge_details = box
        box.open()

    def recheck(self, message_id: int) -> None:
        """Badge details ▸ Check again: a newer checker or changed topic packs judge the stored reply anew (the
        old verdicts stay, with their checker versions)."""
        if self._conversations.recheck(message_id) is None:
            self.statusBar().showMessage(self.tr("The checker could not judge this reply again."), 10_000)
            return
        self._on_feedback_changed(message_id)

    def _persona_name(self, persona_id: str) -> str:
        return self._conversations.pins.name(persona_id)

    def _selected_persona(self) -> Persona:
        return self._personas.get(str(self.persona_box.currentData()))

    def _fill_persona_box(self) -> None:
        """The persona picker's items (avatar, name — tagline), and the names the chat view shows, as they are read."""
        self.chat_view.set_persona_names({})
        self.persona_box.fill(self._personas, self.chat_view.add_persona_names)

    def reload_personas(self, select: str = "") -> None:
        """Read the personas again after an import, edit or delete; a new chat switches to ``select``."""
        current = str(self.persona_box.currentData() or "")
        self._fill_persona_box()
        wanted = select if select and self._conversation_id is None and not self._busy else current
        index = self.persona_box.findData(wanted)
        self.persona_box.blockSignals(True)
        self.persona_box.setCurrentIndex(index if index >= 0 else max(self.persona_box.findData(current), 0))
        self.persona_box.blockSignals(False)
        self._on_persona_changed()
        if self._conversation_id is not None:  # its persona may be the one just deleted
            conversation = self._store.conversation(self._conversation_id)
            show_persona(self.persona_box, conversation.persona_id, self._conversations.pins.name_of(conversation))
        self.refresh_sidebar()

    def new_chat_with(self, persona_id: str) -> None:
        """A new chat with ``persona_id`` (the gallery's "New chat with…")."""
        if self._busy:
            return
        self.new_chat()
        index = self.persona_box.findData(persona_id)
        if index >= 0:
            self.persona_box.setCurrentIndex(index)

    def open_topic_packs(self) -> None:
        """Conversation ▸ Topic packs…: the learner's own packs, to write, edit or remove."""
        if self.topic_packs_dialog is None:
            self.topic_packs_dialog = TopicPacksDialog(self._paths.topics_dir, self)
            self.topic_packs_dialog.changed.connect(self.reload_packs)
        self.topic_packs_dialog.show()
        self.topic_packs_dialog.raise_()

    def reload_packs(self) -> None:
        """The learner's packs changed: the lesson bar, the topic list and the next badges use them (the worker
        reads them for every reply)."""
        self._packs, self._pack_problems = readable_packs(self._paths.topics_dir)
        self.lesson_bar.set_packs(self._packs)
        self._on_persona_changed()

    def _on_persona_changed(self, *_args: object) -> None:
        if self._conversation_id is None:
            self._greeting_index = 0
        persona = self._selected_persona() if self.persona_box.count() else None
        typed = self.topic_box.currentText()
        self.topic_box.clear()
        suggestions = list(persona.suggested_topics) if persona else []
        suggestions += [t.title for t in BUILTIN_TOPICS if t.title not in suggestions]
        suggestions += [p.title for p in self._packs if not p.builtin and p.title not in suggestions]
        self.topic_box.addItems(suggestions)
        if typed and self._conversation_id is not None:
            self.topic_box.setEditText(typed)
        if self._conversation_id is None and persona is not None:
            self._show_greeting()

    def _show_greeting(self, linked: bool = True) -> None:
        """The chosen greeting of a new chat; ``linked``: with ‹ › to the others (not once the chat starts)."""
        if not self.persona_box.count():
            return
        bubble = self._greeting_bubble(self._selected_persona(), linked)
        self.chat_view.show_bubbles([bubble] if bubble else [])

    def _greeting_bubble(self, persona: Persona, linked: bool) -> Bubble | None:
        choices = greetings(persona, self._conversations.user_name)
        index = self._greeting_index % max(len(choices), 1)
        version = (index + 1, len(choices)) if linked else (1, 1)  # ‹ › between greetings, as between replies
        if not choices:
            return None
        return Bubble("assistant", persona.name, choices[index], "complete", persona.id, 0, version)

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
        self.input.clear()
        if self._editing is not None and self._conversation_id is not None:
            request = TurnRequest("edit", self._conversation_id, self.sampling, text, self._editing)
            self._editing = None
            self.statusBar().clearMessage()
            self._start_turn(request, shown_question=text)
        else:
            self._start_turn(self.turn_request("send", text), shown_question=text)

    def turn_request(self, kind: TurnKind, text: str) -> TurnRequest:
        """A turn of the open conversation; in a new chat, one that starts it (persona, topic, goal and level as
        chosen) on the worker first."""
        if self._conversation_id is not None:
            return TurnRequest(kind, self._conversation_id, self.sampling, text)
        topic = self.topic_box.currentText().strip() or BUILTIN_TOPICS[0].title
        persona_id, lesson = str(self.persona_box.currentData()), self.lesson_bar
        start = NewConversation(persona_id, topic, self._model_id, self._greeting_index, lesson.goal(), lesson.level())
        return TurnRequest(kind, 0, self.sampling, text, start=start)

    @Slot(int)
    def _on_conversation_started(self, conversation_id: int) -> None:
        self._conversation_id = conversation_id

    def _start_turn(self, request: TurnRequest, shown_question: str = "") -> None:
        """Show the turn in the view and hand it to the worker."""
        self._turn_base = None
        if request.start is None:
            shown = self._show_path(request, shown_question)
            if shown is None:
                return
            persona, persona_id, topic, path, previous = shown
        else:  # a new chat: nothing stored yet, it shows its greeting
            try:
                persona, path, previous = self._selected_persona(), [], ""
            except PersonaTutorError as exc:  # its card was deleted since the picker listed it
                self.input.setPlainText(shown_question)
                self.statusBar().showMessage(str(exc), 10_000)
                return
            persona_id, topic = request.start.persona_id, request.start.topic
            # The whole chat is the turn: when it ends, the greeting, question and reply as stored replace what
            # was shown, without opening the conversation anew (that stalled the window as the first reply ended).
            self.chat_view.show_bubbles([])
            self.chat_view.mark_turn()
            self._turn_base, self._first_shown, self._window_start, self._page = 0, None, None, PAGE
            self.topic_box.setEditText(topic)  # the topic the chat starts with (the default one when none was typed)
            greeting = self._greeting_bubble(persona, linked=False)
            if greeting:
                self.chat_view.append_bubble(greeting)
        request = replace(request, params=turn_params(self, None if request.start else request.conversation_id))
        if shown_question:
            self.chat_view.append_bubble(Bubble("user", self.tr("You"), shown_question, persona_id=persona_id))
        questions = [m.content for m in path if m.role == "user"]
        question = shown_question or (questions[-1] if questions else "")
        self._streaming_context = (persona, topic, question)
        self.stream_badges.reset()
        self._busy = True
        self._turn_cancel = request.cancel
        self._update_controls()
        self.worker.idle_cancel.set()  # a summary being made while idle gives way at once
        speaker = self._persona_name(persona_id)

        def start() -> None:  # on a later event-loop turn: the question is painted first (each half ~15 ms)
            self.chat_view.begin_stream(speaker, persona_id, previous)
            self.turn_requested.emit(request)

        next_turn(self, start)

    def _show_path(
        self, request: TurnRequest, shown_question: str
    ) -> tuple[Persona, str, str, list[Message], str] | None:
        """Show the conversation as the turn starts from it (its newest pages). Returns its persona, persona id,
        topic, the messages shown, and the text of the reply being continued; None: its card is gone, no copy of
        it was kept, and the turn cannot run. The question the turn answers goes after :meth:`ChatView.mark_turn`,
        and no message offers Edit or Regenerate while it runs: the turn's end shows only what follows the mark."""
        conversation = self._store.conversation(request.conversation_id)
        try:
            persona = self._conversations.persona_of(conversation)  # its card, or the copy kept when that is gone
        except PersonaTutorError as exc:  # an old conversation whose card is gone, and no copy of it was kept
            self.input.setPlainText(shown_question)
            self.statusBar().showMessage(str(exc), 10_000)
            return None
        before = request.message_id if request.kind == "edit" else None
        shown = self._store.messages(request.conversation_id, limit=self._page + 1, before_id=before)
        redone = shown.pop() if request.kind in ("regenerate", "continue") and shown else None
        shown = shown[-self._page :]  # a long conversation keeps its newest pages, not all of it, in the view
        earlier = self._store.count_messages(request.conversation_id, before_id=shown[0].id) if shown else 0
        bubbles = self._bubbles(shown, conversation.persona_id, at_end=False)
        asked = len(shown) - (0 if shown_question or not shown else 1)  # the question asked again goes after
        self.chat_view.show_bubbles(bubbles[:asked], earlier)
        self.chat_view.mark_turn()
        self._turn_base = shown[asked - 1].id if asked else 0
        if asked < len(shown):
            self.chat_view.append_bubble(bubbles[-1])
        self._first_shown, self._window_start = (shown[0].id if shown else None), None
        previous = redone.content if redone is not None and request.kind == "continue" else ""
        return persona, conversation.persona_id, conversation.topic, shown, previous

    @Slot(str, int)
    def _on_action(self, action: str, message_id: int) -> None:
        if action == PROMPT_ACTION:
            self.prompt_inspector: PromptInspector | None = open_prompt_inspector(self, self._store, message_id)
            return
        if action == "badge":
            self.show_badge_details(message_id)
            return
        if action in FEEDBACK_ACTIONS:
            self.feedback.handle(action, message_id)
            return
        if action.startswith("copy-") and action[5:].isdigit():
            self.copy_code(message_id, int(action[5:]))
            return
        if action in ("prev", "next") and message_id == 0 and self._conversation_id is None and not self._busy:
            self._greeting_index += -1 if action == "prev" else 1  # the greeting of a chat not yet started
            self._show_greeting()
            return
        if self._busy or self._conversation_id is None:
            return
        if action == "delete":
            self.delete_message(message_id)
            return
        if action in ("earlier", "later"):
            self._page_through(action)
            return
        if action in ("prev", "next"):
            versions = [v.id for v in self._store.siblings(message_id)]
            step = -1 if action == "prev" else 1
            target = versions[(versions.index(message_id) + step) % len(versions)]
            self._store.select_branch(target)
            QuizTree(self._store, self._packs).follow_branch(self._conversation_id)  # a quiz's score follows
            self.open_conversation(self._conversation_id)
        elif action == "regenerate":
            self.regenerate()
        elif action == "continue":
            self._start_turn(TurnRequest("continue", self._conversation_id, self.sampling))
        elif action == "edit":
            self.edit_message(message_id)
        elif action == "badge":
            self.show_badge_details(message_id)

    def is_busy(self) -> bool:
        """Whether a reply is being written now."""
        return self._busy

    def after_restore(self) -> None:
        """The database was replaced under the window: show what it holds now."""
        self._conversation_id = None
        self.refresh_sidebar()
        if self.sidebar.count():
            self.open_conversation(self.sidebar.item_id(0))
            self.sidebar.select(self._conversation_id)
        else:
            self.new_chat()

    @Slot(bool)
    def _on_theme_changed(self, dark: bool) -> None:
        self.chat_view.set_dark(dark)
        self._turn_base = None  # a reply streaming now: everything is shown in the new colours when it ends
        if self._busy:
            return  # the reply streams on; everything is shown in the new colours once it is done
        if self._conversation_id is not None:
            self.open_conversation(self._conversation_id)
        else:
            self._show_greeting()

    def copy_code(self, message_id: int, index: int) -> None:
        """Put the ``index``-th code block of a message on the clipboard."""
        blocks = code_blocks(self._store.message(message_id).content)
        if 0 <= index < len(blocks):
            QGuiApplication.clipboard().setText(blocks[index])
            self.statusBar().showMessage(self.tr("Code copied to the clipboard."), 3000)

    def delete_message(self, message_id: int, confirm: bool = True) -> None:
        """Remove one message for good; what followed it stays."""
        if self._busy or self._conversation_id is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("Delete message"), self.tr("Delete this message for good? This cannot be undone.")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._store.delete_message(message_id)
        self.open_conversation(self._conversation_id)

    def regenerate(self) -> None:
        """Ctrl+R: a new version of the last reply."""
        if self._busy or self._conversation_id is None or not self._model_id:
            return
        path = self._store.messages(self._conversation_id)
        if len(path) >= 2 and path[-1].role == "assistant" and path[-2].role == "user":
            self._start_turn(TurnRequest("regenerate", self._conversation_id, self.sampling))

    def edit_message(self, message_id: int | None = None) -> None:
        """Ctrl+E: put a question (the last one by default) back into the box; sending it starts a branch."""
        if self._busy or self._conversation_id is None:
            return
        questions = [m for m in self._store.messages(self._conversation_id) if m.role == "user"]
        chosen = [m for m in questions if m.id == message_id] if message_id else questions[-1:]
        if not chosen:
            return
        self._editing = chosen[0].id
        self.input.setPlainText(chosen[0].content)
        self.input.setFocus()
        self.statusBar().showMessage(self.tr("Editing your message: Enter sends it as a new branch, Esc cancels."))

    def cancel_edit(self) -> None:
        if self._editing is not None:
            self._editing = None
            self.input.clear()
            self.statusBar().clearMessage()

    def escape(self) -> None:
        """Esc stops a reply, or cancels editing."""
        if self._busy:
            self.stop()
        else:
            self.cancel_edit()

    def stop(self) -> None:
        """Set the turn's stop flag directly: the engine checks it between tokens, and a turn the worker has not
        picked up yet starts stopped (it is stored as interrupted, like one stopped at its first token)."""
        if self._turn_cancel is not None:
            self._turn_cancel.set()

    def is_stopping(self) -> bool:
        """Stop was asked for the turn under way."""
        return self._busy and self._turn_cancel is not None and self._turn_cancel.is_set()

    @Slot(object)
    def _on_reply_finished(self, result: TurnResult) -> None:
        if result.timings is not None:
            t = result.timings
            self.speed_label.setText(
                self.tr("{speed} tok/s · first token {ttft} s · {cached}/{prompt} prompt tokens cached").format(
                    speed=number(t.tokens_per_s, 1),
                    ttft=number(t.ttft_s, 2),
                    cached=number(t.cached_prompt_tokens),
                    prompt=number(t.prompt_tokens),
                )
            )
        if result.notice:
            self.statusBar().showMessage(result.notice, 15_000)
        # The turn as stored is read now and laid out on a later event-loop turn (each half some 20 ms), the rest
        # on later turns still, so the window never stalls for all of it at once. Still busy until it is laid out.
        stored = self._stored_turn(result.conversation_id) if self._conversation_id == result.conversation_id else []
        next_turn(self, lambda: self._show_turn(result, stored))

    def _stored_turn(self, conversation_id: int) -> list[Bubble] | None:
        """The turn's question and reply as stored, to show in place of those streamed, leaving the page above
        them as it is (laying out a long conversation again would stall the window); None: the page shown changed
        during the turn (theme, feedback, a reply written once more), so it must be shown anew."""
        if self._turn_base is None or not self.chat_view.turn_marked:
            return None
        tail = self._store.messages_from(conversation_id, self._turn_base + 1, PAGE)
        if not tail or len(tail) == PAGE:
            return None
        return self._bubbles(tail, self._store.conversation(conversation_id).persona_id)

    def _show_turn(self, result: TurnResult, stored: list[Bubble] | None) -> None:
        self._busy = False
        if self._conversation_id == result.conversation_id:
            if stored and self.chat_view.turn_marked:
                self.chat_view.finish_turn(stored)
            else:
                self.open_conversation(result.conversation_id)
        self._turn_base = None
        self._update_controls()
        next_turn(self, lambda: self._after_reply_shown(result))

    def _after_reply_shown(self, result: TurnResult) -> None:
        """The sidebar (its title and order may change), the lesson bar and the facts panel, then whatever
        follows a reply: each on an event-loop turn of its own."""
        self.refresh_sidebar()
        next_turn(self, lambda: self._show_panels(result))

    def _show_panels(self, result: TurnResult) -> None:
        if self._conversation_id == result.conversation_id:
            self.learning.show_conversation(self._store.conversation(result.conversation_id))
            self.ledger_panel.show_conversation(result.conversation_id)
        self.worker.reply_shown.set()  # the worker's idle work (saving the state, a summary) may start now
        QTimer.singleShot(0, self, lambda: self.reply_displayed.emit(result))

    @Slot(str)
    def _on_reply_failed(self, message: str) -> None:
        self._busy = False
        self.statusBar().showMessage(message, 10_000)
        self.refresh_sidebar()
        if self._conversation_id is not None:
            self.open_conversation(self._conversation_id)
        else:  # a new chat that could not start: nothing was stored, so the question goes back in the box
            self._show_greeting()
            question = self._streaming_context[2] if self._streaming_context else ""
            if question and not self.input.toPlainText().strip():
                self.input.setPlainText(question)
        self._update_controls()

    # Model

    @Slot(int, int)
    def _on_preparing(self, done: int, total: int) -> None:
        self.model_label.setText(self.tr("Preparing the starter model…"))
        self.progress.show()
        self.progress.setMaximum(100)
        self.progress.setValue(done * 100 // max(total, 1))

    def _on_model_requested(self, *_args: object) -> None:
        self._loading = True

    def is_loading_model(self) -> bool:
        """Whether a model is being loaded (or a server connected) on the worker now."""
        return self._loading

    def _resume(self, handover: WorkerHandle) -> None:
        """Show what the previous window showed about the model this one took over."""
        if handover.welcome:
            show_welcome(self, self.welcome)
        elif handover.model is not None:
            self._on_model_loaded(*handover.model)
        else:
            self.model_label.setText(handover.status)

    def hand_over(self) -> WorkerHandle:
        """Give the chat worker (and its model) to a new window; this one then closes without stopping it."""
        self._handed_over = True
        return WorkerHandle(self._thread, self.worker, self._model_info, self.welcome.active, self.model_label.text())

    @Slot(str, str, str)
    def _on_model_loaded(self, model_id: str, name: str, backend: str) -> None:
        self._model_info = (model_id, name, backend)
        self._loading = False
        self._model_id = model_id
        self.progress.hide()
        self.model_label.setText(self.tr("Model: {name}").format(name=name))
        self.backend_label.setText(backend)
        self._update_controls()

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        self._loading = False
        self.progress.hide()
        self.model_label.setText(self.tr("No model: {message}").format(message=message))
        self._update_controls()

    def _update_controls(self) -> None:
        ready = bool(self._model_id)
        self.send_button.setText(self.tr("Stop") if self._busy else self.tr("Send"))
        self.send_button.setEnabled(self._busy or ready)
        fresh = self._conversation_id is None and not self._busy
        self.persona_box.setEnabled(fresh)
        self.topic_box.setEnabled(fresh)
        self.learning.update_controls(ready, self._busy)
        self.new_chat_button.setEnabled(not self._busy)
        self.sidebar.setEnabled(not self._busy)

    def _restore_geometry(self) -> None:
        geometry = self._settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:  # the splitter keeps its sizes only once the window has its final size
            self._layout_restored = True
            state = self._settings.value("splitter")
            if state is not None:
                self.splitter.restoreState(state)

    def save_layout(self) -> None:
        """Keep the window's geometry and splitter in the settings (read when a window is built)."""
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("splitter", self.splitter.saveState())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._handed_over:
            self.save_layout()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop any reply, free the model on its own thread, and end that thread."""
        self.stream_badges.close()
        if self._handed_over or not self._thread.isRunning():
            return
        self.stop()
        self.worker.idle_cancel.set()
        self.model_work.cancel_all()
        self.close_requested.emit()
        self._thread.quit()
        self._thread.wait()
