"""The model manager: installed models (from their GGUF headers) and the catalog, in one dialog.

Installed models can be used now (loaded on the chat worker), made the default, removed after a confirmation,
shown in the file manager, and added from a local ``.gguf`` by file dialog or drag and drop. Listing reads
headers on a pool thread; every write goes through :mod:`app.model_library`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import PersonaTutorError
from app.model_catalog import CatalogEntry, Machine
from app.model_library import InstalledModel, Problem, default_model, remove_model, scan_models, set_default_model
from app.paths import AppPaths
from app.ui.catalog_tab import CatalogTab
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.locale_format import human_size, number
from app.ui.model_import import ModelImporter, gguf_files, message_box
from app.ui.model_jobs import ModelJob
from app.ui.tables import read_only_table

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

COLUMNS = (
    QT_TRANSLATE_NOOP("InstalledModelsTab", "Name"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "Architecture"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "Parameters"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "Quantization"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "File size"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "Context"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "Chat template"),
    QT_TRANSLATE_NOOP("InstalledModelsTab", "License"),
)


def _row(model: InstalledModel, is_default: bool) -> tuple[str, ...]:
    info = model.info
    name = (
        "★ " + QCoreApplication.translate("InstalledModelsTab", "{name}  (default)").format(name=model.name)
        if is_default
        else model.name
    )
    if info is None:
        return (name, "", "", "", human_size(model.size), "", "", "")
    return (
        name,
        info.architecture,
        info.parameters_label,
        info.quantization or "—",
        human_size(model.size),
        number(info.context_length) if info.context_length else "—",
        QCoreApplication.translate("InstalledModelsTab", "yes")
        if info.has_chat_template
        else QCoreApplication.translate("InstalledModelsTab", "no"),
        info.license or "—",
    )


class InstalledModelsTab(QWidget):
    """The installed models and what can be done with each."""

    use_requested = Signal(str)  # model id to load now
    models_changed = Signal()

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.models: list[InstalledModel] = []
        self.problems: list[Problem] = []
        self.default_id: str | None = None
        self._scan: ModelJob | None = None
        self._pending_select: str | None = None
        self._rescan = False
        self.importer = ModelImporter(paths, self)
        self.importer.progressed.connect(self._on_import_progress)
        self.importer.imported.connect(self._on_imported)
        self.importer.failed.connect(self._on_import_failed)
        self.setAcceptDrops(True)
        self._build()

    def _build(self) -> None:
        self.table = read_only_table([self.tr(c) for c in COLUMNS])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())
        self.empty_label = QLabel(self.tr("No models yet: download one from the Catalog tab, or add a .gguf file."))
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.hint = QLabel(self.tr("Drop .gguf files here to add them."))
        self.hint.setEnabled(False)

        self.use_button = QPushButton(self.tr("Use now"))
        self.use_button.clicked.connect(self.use_selected)
        self.default_button = QPushButton(self.tr("Set as default"))
        self.default_button.clicked.connect(self.make_default)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.reveal_button = QPushButton(self.tr("Show in folder"))
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.add_button = QPushButton(self.tr("Add a file…"))
        self.add_button.clicked.connect(self.importer.choose_files)
        buttons = QHBoxLayout()
        for button in (self.use_button, self.default_button, self.remove_button, self.reveal_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._update_buttons()

    # Listing

    def refresh(self) -> None:
        """Re-read the models folder on a pool thread (headers are parsed, weights never loaded)."""
        if self._scan is not None:
            self._rescan = True  # the folder changed while it was being read: read it again afterwards
            return
        models_dir, config_dir = self._paths.models_dir, self._paths.config_dir

        def work(_job: ModelJob) -> tuple[list[InstalledModel], list[Problem], str | None]:
            models, problems = scan_models(models_dir)
            return models, problems, default_model(config_dir)

        job = ModelJob(self)
        job.succeeded.connect(self._on_scanned)
        job.failed.connect(self._on_scan_failed)
        self._scan = job.start(work)

    @Slot(object)
    def _on_scanned(self, result: tuple[list[InstalledModel], list[Problem], str | None]) -> None:
        self._scan = None
        if self._rescan:
            self._rescan = False
            self.refresh()
            return
        selected = self.selected_model()
        self.models, self.problems, self.default_id = result
        self.table.setRowCount(len(self.models))
        for row, model in enumerate(self.models):
            for column, text in enumerate(_row(model, model.id == self.default_id)):
                item = QTableWidgetItem(text)
                item.setToolTip(str(model.path) + (self.tr("  (used where it is)") if model.linked else ""))
                if model.id == self.default_id:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.empty_label.setVisible(not self.models)
        self.problems_label.setVisible(bool(self.problems))
        self.problems_label.setText(
            self.tr("Not listed, because they cannot be used:")
            + "\n"
            + "\n".join(f"• {p.message}" for p in self.problems)
        )
        wanted = self._pending_select or (selected.id if selected else None)
        self._pending_select = None
        keep = next((i for i, m in enumerate(self.models) if m.id == wanted), 0)
        if self.models:
            self.table.selectRow(keep)
        self._update_buttons()

    @Slot(object)
    def _on_scan_failed(self, exc: Exception) -> None:
        self._scan = None
        self._rescan = False
        self.problems_label.setText(str(exc))
        self.problems_label.show()

    def selected_model(self) -> InstalledModel | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.models):
            return None
        return self.models[rows[0].row()]

    def select(self, model_id: str) -> None:
        for row, model in enumerate(self.models):
            if model.id == model_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        model = self.selected_model()
        for button in (self.use_button, self.default_button, self.remove_button, self.reveal_button):
            button.setEnabled(model is not None)
        self.default_button.setEnabled(model is not None and model.id != self.default_id)
        self.add_button.setEnabled(not self.importer.busy)

    # Actions

    def use_selected(self) -> None:
        model = self.selected_model()
        if model is not None:
            self.use_requested.emit(model.id)

    def make_default(self) -> None:
        model = self.selected_model()
        if model is None:
            return
        try:
            set_default_model(self._paths.config_dir, model.id)
        except PersonaTutorError as exc:
            message_box(self, self.tr("Default model"), str(exc), QMessageBox.Icon.Warning)
        self.refresh()

    def reveal_selected(self) -> None:
        model = self.selected_model()
        if model is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(model.path.parent)))

    def remove_selected(self) -> None:
        """Ask first; a file used in place is only forgotten, never deleted."""
        model = self.selected_model()
        if model is None:
            return
        if model.linked:
            text = self.tr("Stop listing {name}?\n\nThe file stays where it is:\n{path}").format(
                name=model.name, path=model.path
            )
        else:
            text = self.tr("Delete {name} ({size}) from the models folder?\n\nThis cannot be undone.").format(
                name=model.name, size=human_size(model.size)
            )
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Remove model"), text, QMessageBox.StandardButton.Cancel, self
        )
        box.setObjectName("remove-question")
        box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self._remove_answered(box, model))
        box.open()

    def _remove_answered(self, box: QMessageBox, model: InstalledModel) -> None:
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is None or box.buttonRole(clicked) != QMessageBox.ButtonRole.DestructiveRole:
            return
        try:
            remove_model(self._paths.models_dir, model.id)
            if model.id == self.default_id:
                set_default_model(self._paths.config_dir, None)
        except PersonaTutorError as exc:
            message_box(self, self.tr("Remove model"), str(exc), QMessageBox.Icon.Warning)
        self.refresh()
        self.models_changed.emit()

    # Importing

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if gguf_files(event.mimeData()) and not self.importer.busy:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = gguf_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.importer.import_files(files)

    @Slot(int, int)
    def _on_import_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setRange(0, 1000)
        self.progress.setValue(done * 1000 // max(total, 1))

    @Slot(list)
    def _on_imported(self, added: list[InstalledModel]) -> None:
        self.progress.hide()
        self._pending_select = added[-1].id if added else None
        self.refresh()
        self.models_changed.emit()

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self.progress.hide()
        self._update_buttons()
        message_box(self, self.tr("Cannot add this model"), message, QMessageBox.Icon.Warning)

    def shutdown(self) -> None:
        self.importer.wait()
        if self._scan is not None:
            self._scan.done.wait(30)


class ModelManager(QDialog):
    """Installed models and the catalog, in two tabs."""

    use_requested = Signal(str)  # a model id to load on the chat worker
    model_installed = Signal(str)  # a model just downloaded or added

    def __init__(
        self,
        paths: AppPaths,
        parent: QWidget | None = None,
        *,
        catalog: list[CatalogEntry] | None = None,
        machine: Machine | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(980, 520)
        self.installed = InstalledModelsTab(paths, self)
        self.catalog = CatalogTab(paths, self, entries=catalog, machine=machine)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.installed, self.tr("Installed"))
        self.tabs.addTab(self.catalog, self.tr("Catalog"))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.installed.use_requested.connect(self.use_requested)
        self.installed.importer.imported.connect(self._on_imported)
        self.installed.models_changed.connect(self.catalog.refresh)
        self.catalog.model_installed.connect(self._on_downloaded)
        self.installed.refresh()
        self.catalog.refresh()

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.show()
        self.raise_()
        self.activateWindow()

    @Slot(list)
    def _on_imported(self, added: list[InstalledModel]) -> None:
        for model in added:
            self.model_installed.emit(model.id)

    @Slot(str)
    def _on_downloaded(self, model_id: str) -> None:
        self.installed.refresh()
        self.model_installed.emit(model_id)

    def shutdown(self) -> None:
        """Stop a download (its partial file is kept) and wait for background jobs, before the widgets go."""
        self.catalog.shutdown()
        self.installed.shutdown()


class ModelMenu(QObject):
    """The Models menu of the main window and the one manager dialog it opens; "Use now" loads on the worker."""

    model_installed = Signal(str)

    def __init__(self, window: MainWindow, paths: AppPaths) -> None:
        super().__init__(window)
        self._window = window
        self._paths = paths
        self.manager: ModelManager | None = None
        manage = QAction(self.tr("&Model manager…"), window)
        manage.setShortcut(QKeySequence("Ctrl+Shift+M"))
        manage.triggered.connect(self.open)
        download = QAction(self.tr("&Download models…"), window)
        download.triggered.connect(self.open_catalog)
        window.menus["Models"].addActions([manage, download])
        window.close_requested.connect(self.shutdown)

    def dialog(self) -> ModelManager:
        if self.manager is None:
            self.manager = ModelManager(self._paths, self._window)
            self.manager.use_requested.connect(self.use)
            self.manager.model_installed.connect(self.model_installed)
        return self.manager

    def open(self) -> None:
        self.dialog().show_tab(0)

    def open_catalog(self) -> None:
        self.dialog().show_tab(1)

    @Slot(str)
    def use(self, model_id: str) -> None:
        """Load ``model_id`` on the chat worker; the status bar says when it is ready."""
        self._window.model_label.setText(self.tr("Loading model…"))
        self._window.load_requested.emit(model_id)

    @Slot()
    def shutdown(self) -> None:
        if self.manager is not None:
            self.manager.shutdown()
