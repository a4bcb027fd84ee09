"""Conversation ▸ Sampling settings…: temperature, top-p, top-k, min-p, repeat penalty, max tokens and seed.

Settings chosen here are kept with the open conversation (``app.sampling``); before a conversation exists
they become the window's settings for new chats. *Persona defaults* goes back to what the persona's card
asks for.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.personas import Persona
from app.sampling import (
    RANGES,
    conversation_params,
    persona_defaults,
    reset_conversation_params,
    save_conversation_params,
)

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

_DECIMALS = {"temperature": 2, "top_p": 2, "min_p": 3, "repeat_penalty": 2}


class SamplingPanel(QDialog):
    """One spin box per setting; ``params()`` reads them back."""

    def __init__(self, params: SamplingParams, defaults: SamplingParams, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sampling settings"))
        self.setMinimumWidth(380)
        self._defaults = defaults
        self.reset_requested = False
        self.boxes: dict[str, QSpinBox | QDoubleSpinBox] = {}
        form = QFormLayout()
        for name, bounds in RANGES.items():
            box: QSpinBox | QDoubleSpinBox
            if name in _DECIMALS:
                box = QDoubleSpinBox()
                box.setDecimals(_DECIMALS[name])
                box.setSingleStep(0.05 if _DECIMALS[name] == 2 else 0.01)
                box.setRange(bounds.low, bounds.high)
            else:
                box = QSpinBox()
                low = -1 if name == "seed" else int(bounds.low)  # -1 shows as "random"
                box.setRange(low, int(bounds.high))
            if name == "seed":
                box.setSpecialValueText(self.tr("random"))
            box.setToolTip(bounds.hint)
            box.setAccessibleName(bounds.label)
            self.boxes[name] = box
            form.addRow(bounds.label, box)
        self._show(params)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.defaults_button = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_button.setText(self.tr("Persona defaults"))
        buttons.clicked.connect(self._on_clicked)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel(title)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _show(self, params: SamplingParams) -> None:
        for name, box in self.boxes.items():
            value = getattr(params, name)
            box.setValue(-1 if value is None else value)

    def _on_clicked(self, button: QAbstractButton) -> None:
        if button is self.defaults_button:
            self._show(self._defaults)
            self.reset_requested = True

    def params(self) -> SamplingParams:
        values = {name: box.value() for name, box in self.boxes.items()}
        seed = int(values.pop("seed"))
        return SamplingParams(
            temperature=float(values["temperature"]),
            top_p=float(values["top_p"]),
            top_k=int(values["top_k"]),
            min_p=float(values["min_p"]),
            repeat_penalty=float(values["repeat_penalty"]),
            max_tokens=int(values["max_tokens"]),
            seed=None if seed < 0 else seed,
        )


def _persona(window: MainWindow, conversation_id: int | None) -> Persona:
    if conversation_id is None:
        return window._selected_persona()
    return window._conversations.persona_of(window._store.conversation(conversation_id))


def turn_params(window: MainWindow, conversation_id: int | None) -> SamplingParams:
    """What a turn of this conversation samples with: the window's settings, the persona's, the conversation's
    (None: a new chat's first turn, with the chosen persona's)."""
    try:
        return conversation_params(window._store, _persona(window, conversation_id), conversation_id, window.sampling)
    except PersonaTutorError as exc:  # a card or stored value out of range: say so, use the window's settings
        window.statusBar().showMessage(str(exc), 10_000)
        return window.sampling


def open_sampling_panel(window: MainWindow) -> SamplingPanel:
    """Open the panel for the current conversation (or for new chats when none is open yet)."""
    conversation_id = window._conversation_id
    persona = _persona(window, conversation_id)
    current = turn_params(window, conversation_id) if conversation_id is not None else window.sampling
    defaults = persona_defaults(persona, replace(window.sampling))
    if conversation_id is not None:
        where = QCoreApplication.translate("SamplingPanel", "Kept with this conversation.")
    else:
        where = QCoreApplication.translate("SamplingPanel", "Used for new chats.")
    defaults_note = QCoreApplication.translate(
        "SamplingPanel", "Persona defaults: what {name}'s card asks for, else the app's."
    ).format(name=persona.name)
    note = f"{where} {defaults_note}"
    panel = SamplingPanel(current, defaults, note, window)

    def apply() -> None:
        chosen = panel.params()
        if conversation_id is None:
            window.sampling = chosen
        elif panel.reset_requested and chosen == defaults:
            reset_conversation_params(window._store, conversation_id)
        else:
            save_conversation_params(window._store, conversation_id, chosen)

    panel.accepted.connect(apply)
    panel.open()
    return panel


def install_sampling_menu(window: MainWindow) -> None:
    """Adds Conversation ▸ Sampling settings… to the window's menu bar."""
    action = QAction(QCoreApplication.translate("SamplingPanel", "&Sampling settings…"), window)
    action.triggered.connect(lambda: open_sampling_panel(window))
    window.menus["Conversation"].addAction(action)
