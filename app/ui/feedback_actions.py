"""The chat window's feedback: ▲ Good / ▼ Bad / ⚑ Flag under each reply, the Feedback menu, the browser and export.

Kept out of ``main_window`` so the window only forwards link clicks here; every write goes through
:class:`app.feedback.FeedbackService`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import PersonaTutorError
from app.feedback import FeedbackService, export_feedback
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.prompt_builder import DEFAULT_USER_NAME
from app.store import Feedback, Store
from app.ui.chat_worker import ModelWorkQueue
from app.ui.feedback_browser import FeedbackBrowser
from app.ui.feedback_dialog import FeedbackDialog
from app.ui.feedback_export_dialog import FeedbackExportDialog
from app.ui.feedback_labels import reason_label
from app.ui.replay_dialog import ReplayDialog

FEEDBACK_ACTIONS = ("up", "down", "flag")  # ids in the links under a reply, never translated


class FeedbackActions(QObject):
    changed = Signal(int)  # the message whose feedback changed
    open_requested = Signal(int, int)  # conversation id, message id: show this reply in its conversation
    exported = Signal(str)  # a one-line report for the status bar

    def __init__(
        self,
        parent: QWidget,
        paths: AppPaths,
        store: Store,
        personas: PersonaLibrary,
        user_name: str = DEFAULT_USER_NAME,
        model_work: ModelWorkQueue | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = parent
        self._paths = paths
        self._store = store
        self._personas = personas
        self.user_name = user_name
        self.service = FeedbackService(store)
        self.dialog: FeedbackDialog | None = None
        self.browser: FeedbackBrowser | None = None
        self.export_dialog: FeedbackExportDialog | None = None
        self.model_work = model_work or ModelWorkQueue(self)  # the chat worker's queue (unattached: no model)
        self.replay_dialog: ReplayDialog | None = None
        self.stay_in_character: Callable[[], bool] = lambda: False  # the chat's setting: the Replay window's default

    def menu_actions(self) -> list[QAction]:
        browse = QAction(self.tr("&Browse feedback…"), self._window)
        browse.triggered.connect(self.browse)
        export = QAction(self.tr("&Export feedback…"), self._window)
        export.triggered.connect(self.export)
        replay = QAction(self.tr("&Replay flagged replies…"), self._window)
        replay.triggered.connect(self.replay)
        return [browse, export, replay]

    def state(self, message_id: int, known: dict[int, Feedback] | None = None) -> tuple[int | None, str]:
        """The thumb given to a reply and a short note of the rest, for its bubble (``known``: feedback
        already read for a whole page, see ``Store.latest_feedback``)."""
        feedback = known.get(message_id) if known is not None else self.service.current(message_id)
        if feedback is None:
            return None, ""
        parts = [reason_label(r).lower() for r in feedback.reasons]
        if feedback.ratings:
            parts.append(self.tr("rated"))
        if feedback.better_reply:
            parts.append(self.tr("better reply given"))
        if feedback.verdict_review and "disputed" in feedback.verdict_review.values():
            parts.append(self.tr("badge disputed"))
        note = self.tr("flagged: {notes}").format(notes=self.tr(", ").join(parts)) if parts else ""
        return feedback.thumbs, note

    def handle(self, action: str, message_id: int) -> None:
        """A click on Good, Bad or Flag under a reply."""
        if action == "flag":
            self.flag(message_id)
            return
        self._write(message_id, lambda: self.service.toggle_thumbs(message_id, 1 if action == "up" else -1))

    def flag(self, message_id: int) -> FeedbackDialog:
        """Open the flag dialog for a reply (non-blocking; OK saves)."""
        reply = self._store.message(message_id)
        dialog = FeedbackDialog(
            reply,
            self.service.draft(message_id),
            self.service.alternatives(message_id),
            self.service.latest_verdict(message_id),
            self._window,
        )
        dialog.accepted.connect(lambda: self._write(message_id, lambda: self.service.save(message_id, dialog.draft())))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write(self, message_id: int, write: Callable[[], object]) -> None:
        try:
            write()
        except PersonaTutorError as exc:
            QMessageBox.warning(self._window, self.tr("Feedback not saved"), str(exc))
            return
        self.changed.emit(message_id)
        if self.browser is not None and self.browser.isVisible():
            self.browser.refresh()

    @Slot()
    def browse(self) -> FeedbackBrowser:
        if self.browser is None:
            names = {p.id: p.name for p in self._personas.all()}
            self.browser = FeedbackBrowser(self.service, names, self._window)
            self.browser.open_requested.connect(self.open_requested)
            self.browser.export_requested.connect(self.export)
            self.browser.replay_requested.connect(self.replay)
            self.browser.show()
        else:
            self.browser.refresh()
            self.browser.show()
            self.browser.activateWindow()
        return self.browser

    @Slot()
    def replay(self) -> ReplayDialog:
        """The replay window (one, reused): flagged replies answered again on the chat's model."""
        if self.replay_dialog is None:
            names = {p.id: p.name for p in self._personas.all()}
            self.replay_dialog = ReplayDialog(
                self.service, self.model_work, names, self._window, stay_in_character=self.stay_in_character()
            )
            self.replay_dialog.open_requested.connect(self.open_requested)
        elif self.replay_dialog.job is None:
            self.replay_dialog.refresh()
        self.replay_dialog.show()
        self.replay_dialog.activateWindow()
        return self.replay_dialog

    @Slot()
    def export(self) -> FeedbackExportDialog:
        parent = self.browser if self.browser is not None and self.browser.isVisible() else self._window
        dialog = FeedbackExportDialog(self._paths.data_dir, parent)
        dialog.accepted.connect(lambda: self._export(dialog))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _export(self, dialog: FeedbackExportDialog) -> None:
        options = dialog.options(self.user_name)
        try:
            report = export_feedback(self._store, self._personas, dialog.out_path(), options)
        except PersonaTutorError as exc:
            QMessageBox.warning(self._window, self.tr("Export failed"), str(exc))
            return
        skipped = ""
        if report.skipped:
            skipped = self.tr(" ({count} skipped: {first})").format(count=len(report.skipped), first=report.skipped[0])
        # the format id (sft, dpo, ...) is a name, not translated
        done = self.tr("Exported {lines} {format} lines to {path}{skipped}")
        self.exported.emit(done.format(lines=report.lines, format=options.format, path=report.path, skipped=skipped))
