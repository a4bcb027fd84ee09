"""Importing local ``.gguf`` files: ask copy or reference, validate and install off the GUI thread, report back.

Used by the model manager and the welcome page, by file dialog or by drag and drop. A bad file (empty,
truncated, wrong magic, not GGUF, an architecture llama.cpp cannot chat with) is refused by the core with one
message; nothing is listed and the app stays up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import PersonaTutorError
from app.model_library import InstalledModel, add_model
from app.paths import AppPaths
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.model_jobs import ModelJob

COPY_LABEL = QT_TRANSLATE_NOOP("ModelImporter", "Copy into the models folder")
LINK_LABEL = QT_TRANSLATE_NOOP("ModelImporter", "Use it where it is")


def gguf_files(mime: QMimeData) -> list[Path]:
    """The local files in a drag, if any is a ``.gguf`` (others are passed on so the core can say why not)."""
    files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return files if any(f.suffix.lower() == ".gguf" for f in files) else []


def message_box(parent: QWidget, title: str, text: str, icon: QMessageBox.Icon) -> QMessageBox:
    """A non-blocking message box (the event loop, the model and downloads keep running while it is open)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("model-message")
    box.open()
    return box


class ModelImporter(QObject):
    """Imports files chosen by the user into the models folder, one request at a time."""

    progressed = Signal(int, int)  # bytes copied, total (only while copying)
    imported = Signal(list)  # the InstalledModels added
    failed = Signal(str)  # one message for everything refused

    def __init__(self, paths: AppPaths, parent: QWidget) -> None:
        super().__init__(parent)
        self._paths = paths
        self._parent = parent
        self.job: ModelJob | None = None
        self.question: QMessageBox | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None or self.question is not None

    def choose_files(self) -> None:
        """Ask for ``.gguf`` files with the platform's file dialog, then import them."""
        files, _ = QFileDialog.getOpenFileNames(
            self._parent, self.tr("Add a model file"), str(Path.home()), self.tr("GGUF models (*.gguf);;All files (*)")
        )
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, files: list[Path]) -> None:
        """Ask whether to copy the files or use them in place, then import them."""
        if self.busy or not files:
            return
        names = "\n".join(f"  {f.name}" for f in files)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Add a model"),
            self.tr(
                "Add to your models:\n{names}\n\nCopy the file into the models folder (safe if you move or delete the "
                "original), or use it where it is (no extra disk space)?"
            ).format(names=names),
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName("import-question")
        copy = box.addButton(self.tr(COPY_LABEL), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr(LINK_LABEL), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(copy)
        self.question = box
        box.finished.connect(lambda _result: self._answered(box, files))
        box.open()

    def _answered(self, box: QMessageBox, files: list[Path]) -> None:
        self.question = None
        clicked = box.clickedButton()
        label = clicked.text() if clicked is not None else ""
        box.deleteLater()
        if label in (self.tr(COPY_LABEL), self.tr(LINK_LABEL)):
            self.start(files, link=label == self.tr(LINK_LABEL))

    def start(self, files: list[Path], *, link: bool) -> None:
        """Import without asking (``link``: reference the files in place)."""
        models_dir = self._paths.models_dir

        def work(job: ModelJob) -> tuple[list[InstalledModel], list[str]]:
            added: list[InstalledModel] = []
            errors: list[str] = []
            for file in files:
                try:
                    added.append(add_model(models_dir, file, link=link, progress=job.report_bytes))
                except PersonaTutorError as exc:
                    errors.append(str(exc))
            return added, errors

        job = ModelJob(self)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self.job = job.start(work)

    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if isinstance(value, tuple):
            self.progressed.emit(*value)

    @Slot(object)
    def _on_done(self, result: tuple[list[InstalledModel], list[str]]) -> None:
        self.job = None
        added, errors = result
        if added:
            self.imported.emit(added)
        if errors:
            self.failed.emit("\n\n".join(errors))

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self.job = None
        self.failed.emit(str(exc))

    def wait(self) -> None:
        """Block until a running import ends (before the widgets it reports to go away)."""
        if self.job is not None:
            self.job.done.wait()
