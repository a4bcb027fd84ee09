"""Switching the interface language while the app runs: the main window is built again in the new language.

Retranslating every widget in place would need a ``changeEvent`` in every UI module. Instead the new translator
is installed and a fresh main window takes over from the old one: the chat worker with its loaded model, and what
the learner was looking at (the open conversation and where it was scrolled, the draft, the sidebar filter, the
layout; the theme is in the settings). Open non-modal windows (gallery, search, model manager) open again in the
new language. Not while a reply is written or a model job runs: the learner is asked to switch when it is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QMessageBox

from app.engine import SamplingParams
from app.ui.language import install_translators, installed_language, system_language
from app.ui.model_jobs import ModelJob

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


@dataclass(frozen=True)
class WindowState:
    """What the learner sees in a main window, beyond what the settings and the database keep."""

    conversation_id: int | None
    persona_id: str
    topic: str
    greeting_index: int
    page: int
    window_start: int | None
    scroll: int
    at_end: bool
    draft: str
    editing: int | None
    sidebar_filter: str
    show_archived: bool
    sampling: SamplingParams
    visible: bool
    dialogs: tuple[str, ...]  # the non-modal windows that were open: "gallery", "search", "models"
    models_tab: int


def capture(window: MainWindow) -> WindowState:
    bar = window.chat_view.verticalScrollBar()
    manager = window.model_menu.manager
    gallery = window.persona_menu.gallery
    search = window._search
    dialogs = (
        ("gallery", gallery is not None and gallery.isVisible()),
        ("search", search is not None and search.isVisible()),
        ("models", manager is not None and manager.isVisible()),
    )
    return WindowState(
        conversation_id=window._conversation_id,
        persona_id=str(window.persona_box.currentData() or ""),
        topic=window.topic_box.currentText(),
        greeting_index=window._greeting_index,
        page=window._page,
        window_start=window._window_start,
        scroll=bar.value(),
        at_end=bar.value() >= bar.maximum(),
        draft=window.input.toPlainText(),
        editing=window._editing,
        sidebar_filter=window.sidebar.filter.text(),
        show_archived=window.sidebar.show_archived.isChecked(),
        sampling=window.sampling,
        visible=window.isVisible(),
        dialogs=tuple(name for name, is_open in dialogs if is_open),
        models_tab=manager.tabs.currentIndex() if manager is not None else 0,
    )


def restore(window: MainWindow, state: WindowState) -> None:
    """Show ``state`` in a freshly built window (which has already opened its default conversation)."""
    window.sampling = state.sampling
    window.sidebar.show_archived.setChecked(state.show_archived)
    window.sidebar.filter.setText(state.sidebar_filter)
    if state.conversation_id is not None:
        window._conversation_id = state.conversation_id  # so that the page size shown before is kept
        window._page = state.page
        window.open_conversation(state.conversation_id, start=state.window_start)
    else:
        window.new_chat()
        index = window.persona_box.findData(state.persona_id)
        if index >= 0:
            window.persona_box.setCurrentIndex(index)
        window._greeting_index = state.greeting_index
        window._show_greeting()
        window.topic_box.setEditText(state.topic)
    window.refresh_sidebar()
    window.input.setPlainText(state.draft)
    window._editing = state.editing
    if state.editing is not None:
        window.edit_message(state.editing)
        window.input.setPlainText(state.draft)  # what was typed since, not the question as it was stored


def restore_scroll(window: MainWindow, state: WindowState) -> None:
    """Scroll the chat back to where it was; call once the window has laid the conversation out."""
    bar = window.chat_view.verticalScrollBar()
    bar.setValue(bar.maximum() if state.at_end else state.scroll)


def _restore_scroll_when_laid_out(window: MainWindow, state: WindowState) -> None:
    """:func:`restore_scroll` once the chat view has laid out every bubble: one laid out above the shown ones
    later moves the scroll position to keep the view on the same message."""
    view = window.chat_view
    if not view.rendering:
        restore_scroll(window, state)
        return

    def once() -> None:
        view.rendering_finished.disconnect(once)
        restore_scroll(window, state)

    view.rendering_finished.connect(once)


def _reopen_dialogs(window: MainWindow, state: WindowState) -> None:
    if "gallery" in state.dialogs:
        window.persona_menu.open_gallery()
    if "search" in state.dialogs:
        window.find()
    if "models" in state.dialogs:
        window.model_menu.dialog().show_tab(state.models_tab)


def busy_reason(window: MainWindow) -> str:
    """Why the language cannot change right now ("" when it can)."""
    if window.is_busy():
        return QCoreApplication.translate(
            "LanguageSwitch", "Your tutor is still writing a reply. Switch the language once it has finished."
        )
    if window.is_loading_model():
        return QCoreApplication.translate(
            "LanguageSwitch", "A model is being loaded. Switch the language once it is ready."
        )
    if any(not job.done.is_set() for job in window.findChildren(ModelJob)):
        return QCoreApplication.translate(
            "LanguageSwitch",
            "A model is being downloaded, copied or checked. Switch the language once that has finished.",
        )
    return ""


def switch_language(window: MainWindow, choice: str) -> MainWindow | None:
    """Show the interface in ``choice`` ("" follows the system) now, and remember it.

    Returns the window that shows it (a new one when the language changed), or None when the switch has to
    wait, which the learner is told in a message box.
    """
    reason = busy_reason(window)
    if reason:
        window.language.show_choice()
        box = QMessageBox(
            QMessageBox.Icon.Information,
            QCoreApplication.translate("LanguageSwitch", "Language"),
            reason,
            QMessageBox.StandardButton.Ok,
            window,
        )
        box.open()
        return None
    window.language.remember(choice)
    language = choice or system_language()
    if language == installed_language():
        return window
    install_translators(language)
    return rebuild(window)


def rebuild(window: MainWindow) -> MainWindow:
    """A new main window in the installed language, taking over ``window``'s worker and state; the old one
    goes away. Emits ``window.replaced`` with the new window, for whoever holds the old one."""
    state = capture(window)
    window.save_layout()
    new = type(window)(window.paths, window._store, window._personas, handover=window.hand_over())
    restore(new, state)
    new.setWindowState(window.windowState())
    new.setGeometry(window.geometry())  # as it is now: restoring saved geometry may fit it to a small screen
    new._layout_restored = True  # from the old window, not the settings
    if state.visible:
        new.show()
        _reopen_dialogs(new, state)
    new.splitter.setSizes(window.splitter.sizes())  # once shown: the splitter has its final size then
    QTimer.singleShot(0, new, lambda: _restore_scroll_when_laid_out(new, state))  # at that size, all laid out
    window.replaced.emit(new)
    window.hide()
    window.deleteLater()
    return new


def install_language_switch(window: MainWindow) -> None:
    """View → Language switches at once."""
    window.language.language_requested.connect(lambda choice: switch_language(window, choice))
