"""Models ▸ Connect to a server…: chat through an OpenAI-compatible server (llama.cpp, LM Studio, Ollama, vLLM).

The dialog checks the connection on a background thread (the server may be slow or far away) and only closes
once a :class:`~app.remote_backend.RemoteBackend` is connected; the main window then hands that backend to the
chat worker. Saved servers (and stored keys, mode 0600) are kept by :mod:`app.remote_servers`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import PersonaTutorError
from app.remote_backend import RemoteBackend
from app.remote_servers import RemoteConfig, load_servers, save_server
from app.ui.language import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

NEW_SERVER = QT_TRANSLATE_NOOP("RemoteDialog", "New server…")


class RemoteDialog(QDialog):
    """Address, model, key and context of a server; Connect checks them and keeps the connected backend."""

    models_listed = Signal(object)  # list[str], from the background thread
    connected = Signal(object)  # RemoteBackend, from the background thread
    failed = Signal(str)

    def __init__(self, config_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a server"))
        self.setMinimumWidth(520)
        self._config_dir = config_dir
        self.backend: RemoteBackend | None = None
        self._saved: dict[str, RemoteConfig] = {}

        self.saved_box = QComboBox()
        self.saved_box.setAccessibleName(self.tr("Saved server"))
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("http://127.0.0.1:8080")
        self.url_edit.setAccessibleName(self.tr("Server address"))
        self.model_box = QComboBox()
        self.model_box.setEditable(True)
        self.model_box.setAccessibleName(self.tr("Model"))
        self.model_box.setPlaceholderText(self.tr("the server's first model"))
        self.list_button = QPushButton(self.tr("List models"))
        self.list_button.clicked.connect(self.list_models)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_box, 1)
        model_row.addWidget(self.list_button)
        self.key_env_edit = QLineEdit()
        self.key_env_edit.setPlaceholderText(self.tr("e.g. OPENAI_API_KEY (nothing secret is stored)"))
        self.key_env_edit.setAccessibleName(self.tr("API key environment variable"))
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("or paste a key (stored readable only by you)"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.ctx_spin = QSpinBox()
        self.ctx_spin.setRange(0, 1_048_576)
        self.ctx_spin.setSingleStep(1024)
        self.ctx_spin.setSpecialValueText(self.tr("ask the server (else 4096)"))
        self.ctx_spin.setAccessibleName(self.tr("Context size"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("a name to save this server under (optional)"))
        self.name_edit.setAccessibleName(self.tr("Save as"))

        form = QFormLayout()
        form.addRow(self.tr("Saved"), self.saved_box)
        form.addRow(self.tr("Address"), self.url_edit)
        form.addRow(self.tr("Model"), model_row)
        form.addRow(self.tr("Key variable"), self.key_env_edit)
        form.addRow(self.tr("API key"), self.key_edit)
        form.addRow(self.tr("Context"), self.ctx_spin)
        form.addRow(self.tr("Save as"), self.name_edit)
        self.status_label = QLabel(
            self.tr("Any OpenAI-compatible server: llama.cpp, LM Studio, Ollama, vLLM, a hosted API.")
        )
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton(self.tr("Connect"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self.connect_server)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.models_listed.connect(self._on_models_listed)
        self.connected.connect(self._on_connected)
        self.failed.connect(self._on_failed)
        self._load_saved()

    def _load_saved(self) -> None:
        try:
            self._saved = load_servers(self._config_dir)
        except PersonaTutorError as exc:
            self.status_label.setText(str(exc))
        self.saved_box.addItem(self.tr(NEW_SERVER))
        self.saved_box.addItems(sorted(self._saved))
        self.saved_box.currentTextChanged.connect(self._on_saved_chosen)
        if self._saved:
            self.saved_box.setCurrentIndex(1)

    @Slot(str)
    def _on_saved_chosen(self, name: str) -> None:
        config = self._saved.get(name)
        if config is None:
            self.name_edit.clear()
            return
        self.url_edit.setText(config.base_url)
        self.model_box.setEditText(config.model)
        self.key_env_edit.setText(config.api_key_env or "")
        self.key_edit.setText(config.api_key or "")
        self.ctx_spin.setValue(config.context_size or 0)
        self.name_edit.setText(name)

    def config(self) -> RemoteConfig:
        """What the fields say (raises on an address that is not one)."""
        return RemoteConfig(
            base_url=self.url_edit.text(),
            model=self.model_box.currentText().strip(),
            api_key_env=self.key_env_edit.text().strip() or None,
            api_key=self.key_edit.text().strip() or None,
            context_size=self.ctx_spin.value() or None,
        )

    def _in_background(self, what: str, work: object) -> None:
        try:
            config = self.config()
        except PersonaTutorError as exc:
            self._on_failed(str(exc))
            return
        self._set_busy(True, what)

        def run() -> None:
            try:
                result = work(config)  # type: ignore[operator]
            except PersonaTutorError as exc:
                self.failed.emit(str(exc))
            except Exception as exc:  # a bug: say so rather than leave the dialog busy forever
                self.failed.emit(f"Internal error: {exc!r}")
            else:
                (self.models_listed if isinstance(result, list) else self.connected).emit(result)

        threading.Thread(target=run, name="remote-dialog", daemon=True).start()

    def list_models(self) -> None:
        self._in_background(self.tr("Asking the server for its models…"), RemoteBackend.models_of)

    def connect_server(self) -> None:
        self._in_background(self.tr("Connecting…"), RemoteBackend)

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.connect_button.setEnabled(not busy)
        self.list_button.setEnabled(not busy)
        self.status_label.setStyleSheet("")
        if message:
            self.status_label.setText(message)

    @Slot(object)
    def _on_models_listed(self, models: list[str]) -> None:
        if models:
            self._set_busy(False, self.tr("{count} model(s) on the server.").format(count=len(models)))
        else:
            self._set_busy(False, self.tr("The server lists no models."))
        typed = self.model_box.currentText()
        self.model_box.clear()
        self.model_box.addItems(models)
        self.model_box.setEditText(typed or (models[0] if models else ""))

    @Slot(object)
    def _on_connected(self, backend: RemoteBackend) -> None:
        self._set_busy(
            False,
            self.tr("Connected: {model}, {size} tokens of context.").format(
                model=backend.model_name, size=backend.context_size
            ),
        )
        name = self.name_edit.text().strip()
        if name:
            try:
                save_server(self._config_dir, name, backend.config)
            except PersonaTutorError as exc:
                self._on_failed(self.tr("Connected, but not saved: {error}").format(error=exc))
                return
        self.backend = backend
        self.accept()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False, message)
        self.status_label.setStyleSheet("color: #b3261e;")


def install_remote_menu(window: MainWindow) -> None:
    """Adds Models ▸ Connect to a server… to the window's menu bar."""
    action = QAction(QCoreApplication.translate("RemoteDialog", "Connect to a &server…"), window)
    action.triggered.connect(lambda: open_remote_dialog(window))
    window.menus["Models"].addAction(action)


def open_remote_dialog(window: MainWindow) -> RemoteDialog:
    """Open the dialog; once it connects, the window's worker switches to the server."""
    dialog = RemoteDialog(window.paths.config_dir, window)

    def done() -> None:
        if dialog.backend is not None:
            window.backend_requested.emit(dialog.backend)

    dialog.accepted.connect(done)
    dialog.open()
    return dialog
