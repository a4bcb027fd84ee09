"""The catalog tab: curated models with size, RAM, languages, license, "fits your machine", and downloads.

A download runs on a pool thread through :func:`app.downloads.pull_catalog_entry`; its progress callback only
emits a signal. Cancel sets the job's flag; the core keeps the partial file, so Download resumes where it stopped,
even after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.downloads import (
    AccessDenied,
    DownloadProgress,
    load_token,
    partial_path,
    pull_catalog_entry,
    pull_from_url,
    save_token,
    url_file_name,
)
from app.errors import PersonaTutorError
from app.model_catalog import CatalogEntry, Fit, Machine, fits, load_catalog, this_machine
from app.model_library import installed_models
from app.paths import AppPaths
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.locale_format import human_duration, human_size
from app.ui.model_import import message_box
from app.ui.model_jobs import ModelJob
from app.ui.tables import read_only_table

COLUMNS = (
    QT_TRANSLATE_NOOP("CatalogTab", "Model"),
    QT_TRANSLATE_NOOP("CatalogTab", "Parameters"),
    QT_TRANSLATE_NOOP("CatalogTab", "Quantization"),
    QT_TRANSLATE_NOOP("CatalogTab", "Download"),
    QT_TRANSLATE_NOOP("CatalogTab", "RAM needed"),
    QT_TRANSLATE_NOOP("CatalogTab", "Languages"),
    QT_TRANSLATE_NOOP("CatalogTab", "License"),
    QT_TRANSLATE_NOOP("CatalogTab", "This machine"),
)
RECOMMENDED = QT_TRANSLATE_NOOP("CatalogTab", "★ recommended")


def progress_text(report: DownloadProgress) -> str:
    """``412 MB of 986 MB · 5.2 MB/s · 1 min 50 s left``."""
    done = human_size(report.done)
    if report.total:
        done = QCoreApplication.translate("CatalogTab", "{done} of {total}").format(
            done=done, total=human_size(report.total)
        )
    parts = [done]
    if report.speed > 0:
        parts.append(f"{human_size(report.speed)}/s")
    if report.eta_s is not None:
        left = QCoreApplication.translate("CatalogTab", "{duration} left")
        parts.append(left.format(duration=human_duration(report.eta_s)))
    return " · ".join(parts)


class CatalogTab(QWidget):
    """The curated catalog, which entries fit this machine, and one download at a time."""

    model_installed = Signal(str)  # model id, once the download is verified and in place

    def __init__(
        self,
        paths: AppPaths,
        parent: QWidget | None = None,
        *,
        entries: list[CatalogEntry] | None = None,
        machine: Machine | None = None,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._entries = entries
        self._machine = machine
        self._fits: list[Fit] = []
        self.job: ModelJob | None = None
        self._scan: ModelJob | None = None
        self._partial_now: Path | None = None  # the running download's partial file
        self._resume_hint = ""
        self._last_url = ""  # offered again by Download from URL, so a stopped download resumes
        self._build()

    def _build(self) -> None:
        self.machine_label = QLabel(self.tr("Checking this machine…"))
        self.machine_label.setWordWrap(True)
        self.table = read_only_table([self.tr(c) for c in COLUMNS])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.download())
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.download)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.url_button = QPushButton(self.tr("Download from URL…"))
        self.url_button.setToolTip(self.tr("Any http(s) address of a .gguf file"))
        self.url_button.clicked.connect(self.ask_url)
        self.token_button = QPushButton(self.tr("Hugging Face token…"))
        self.token_button.setToolTip(self.tr("For gated or private repositories; stored readable only by you"))
        self.token_button.clicked.connect(self.ask_token)
        buttons = QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.url_button)
        buttons.addWidget(self.token_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.machine_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._update_buttons()

    # Filling the table

    def refresh(self) -> None:
        """Read the catalog and measure free memory off the GUI thread (``nvidia-smi`` may take a moment)."""
        entries, machine, models_dir = self._entries, self._machine, self._paths.models_dir

        def work(_job: ModelJob) -> tuple[list[Fit], Machine]:
            here = machine or this_machine()
            have = {m.path.name for m in installed_models(models_dir)}
            return fits(entries if entries is not None else load_catalog(), here, have), here

        job = ModelJob(self)
        job.succeeded.connect(self._on_catalog)
        job.failed.connect(self._on_catalog_failed)
        self._scan = job.start(work)

    @Slot(object)
    def _on_catalog(self, result: tuple[list[Fit], Machine]) -> None:
        selected = self.selected_fit()
        self._fits, machine = result
        gpu = ""
        if machine.free_vram_mb:
            gpu = self.tr(", {size} free on the GPU").format(size=human_size(machine.free_vram_mb * 1e6))
        self.machine_label.setText(
            self.tr(
                "This machine has {size} of free memory{gpu}. "
                "Models marked ✓ fit; ★ is the largest that fits comfortably."
            ).format(size=human_size(machine.free_ram_mb * 1e6), gpu=gpu)
        )
        self.table.setRowCount(len(self._fits))
        for row, fit in enumerate(self._fits):
            self._fill_row(row, fit)
        pick = next((i for i, f in enumerate(self._fits) if f.recommended), 0)
        keep = next((i for i, f in enumerate(self._fits) if selected and f.entry.id == selected.entry.id), pick)
        if self._fits:
            self.table.selectRow(keep)
        self._update_buttons()

    def _fill_row(self, row: int, fit: Fit) -> None:
        entry = fit.entry
        if fit.installed:
            verdict = self.tr("installed")
        elif fit.fits:
            verdict = self.tr("✓ fits") + ("  " + self.tr(RECOMMENDED) if fit.recommended else "")
        else:
            verdict = self.tr("✗ not enough memory")
        cells = (
            entry.name,
            entry.parameters,
            entry.quant,
            human_size(entry.size),
            human_size(entry.ram_mb * 1e6),
            ", ".join(entry.languages),
            entry.license,
            verdict,
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(f"{entry.repo}/{entry.file}" + (f" @ {entry.revision[:12]}" if entry.revision else ""))
            if fit.recommended:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            if not fit.fits and not fit.installed:
                item.setForeground(self.palette().placeholderText())
            self.table.setItem(row, column, item)

    @Slot(object)
    def _on_catalog_failed(self, exc: Exception) -> None:
        self.machine_label.setText(str(exc))

    def selected_fit(self) -> Fit | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._fits):
            return None
        return self._fits[rows[0].row()]

    def select(self, entry_id: str) -> None:
        for row, fit in enumerate(self._fits):
            if fit.entry.id == entry_id:
                self.table.selectRow(row)

    def _partial(self, entry: CatalogEntry) -> Path:
        return partial_path(self._paths.models_dir, Path(entry.file).name)

    def _update_buttons(self) -> None:
        fit = self.selected_fit()
        running = self.job is not None
        self.download_button.setEnabled(not running and fit is not None and not fit.installed)
        self.cancel_button.setEnabled(running)
        self.url_button.setEnabled(not running)
        resumable = fit is not None and not fit.installed and self._partial(fit.entry).is_file()
        self.download_button.setText(self.tr("Resume download") if resumable and not running else self.tr("Download"))

    # Downloading

    def download(self) -> None:
        fit = self.selected_fit()
        if self.job is not None or fit is None or fit.installed:
            return
        entry = fit.entry
        models_dir, token = self._paths.models_dir, load_token(self._paths.config_dir)

        def work(job: ModelJob) -> object:
            return pull_catalog_entry(models_dir, entry, token=token, progress=job.report, cancel=job.cancel)

        self._start(work, entry.name, self._partial(entry), self.tr("Resume download continues from there."))

    def ask_url(self) -> None:
        """Ask for any .gguf address (and its SHA-256), then download it like a catalog entry."""
        from app.ui.url_download import UrlDownloadDialog

        dialog = UrlDownloadDialog(self, self._last_url)
        dialog.accepted.connect(lambda: self.download_url(dialog.url(), dialog.sha256()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def download_url(self, url: str, sha256: str | None = None) -> None:
        if self.job is not None:
            return
        models_dir = self._paths.models_dir
        try:
            name = url_file_name(url)
        except PersonaTutorError as exc:
            message_box(self, self.tr("Download failed"), str(exc), QMessageBox.Icon.Warning)
            return
        self._last_url = url

        def work(job: ModelJob) -> object:
            return pull_from_url(models_dir, url, sha256=sha256, progress=job.report, cancel=job.cancel)

        again = self.tr("Download from URL with the same address continues from there.")
        self._start(work, name, partial_path(models_dir, name), again)

    def _start(self, work: Callable[[ModelJob], object], name: str, partial: Path, resume_hint: str) -> None:
        """Run one download on the pool with the shared progress bar, status line and Cancel; ``resume_hint`` says
        how to continue it after a cancel."""
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Connecting to download {name}…").format(name=name))
        self._partial_now, self._resume_hint = partial, resume_hint
        job = ModelJob(self)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_downloaded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self.job = job.start(work)
        self._update_buttons()

    def cancel(self) -> None:
        """Stop the download after the current chunk; what arrived so far is kept for a resume."""
        if self.job is not None:
            self.job.cancel.set()
            self.status.setText(self.tr("Cancelling…"))

    @Slot(object)
    def _on_progress(self, report: DownloadProgress) -> None:
        if report.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(report.done * 1000 // report.total)
        self.status.setText(progress_text(report))

    @Slot(object)
    def _on_downloaded(self, model: object) -> None:
        self._finish()
        model_id = str(getattr(model, "id", ""))
        self.status.setText(self.tr("Downloaded and verified: {name}.").format(name=getattr(model, "name", model_id)))
        self.refresh()
        self.model_installed.emit(model_id)

    @Slot(str)
    def _on_cancelled(self, _message: str) -> None:
        partial = self._partial_now
        self._finish()
        kept = partial.stat().st_size if partial is not None and partial.is_file() else 0
        cancelled = self.tr("Download cancelled; {size} kept.").format(size=human_size(kept))
        self.status.setText(f"{cancelled} {self._resume_hint}")

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self._finish()
        self.status.setText(str(exc))
        if isinstance(exc, AccessDenied):
            self.ask_token(str(exc))
        else:
            message_box(self, self.tr("Download failed"), str(exc), QMessageBox.Icon.Warning)

    def _finish(self) -> None:
        self.job = None
        self._partial_now = None
        self.progress.hide()
        self._update_buttons()

    # The token

    def ask_token(self, reason: str = "") -> None:
        """Ask for a Hugging Face access token (stored with mode 0600), then retry the download when asked to."""
        dialog = QInputDialog(self)
        dialog.setObjectName("token-dialog")
        dialog.setWindowTitle(self.tr("Hugging Face token"))
        intro = f"{reason}\n\n" if reason else ""
        dialog.setLabelText(
            intro
            + self.tr(
                "Paste an access token from huggingface.co → Settings → Access Tokens. "
                "It is kept in your settings folder, readable only by you."
            )
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(lambda text: self._store_token(text, retry=bool(reason)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _store_token(self, token: str, *, retry: bool) -> None:
        try:
            save_token(self._paths.config_dir, token)
        except PersonaTutorError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("Token saved."))
        if retry:
            self.download()

    def shutdown(self) -> None:
        """Cancel a running download and wait for it to stop (the partial file is kept)."""
        if self.job is not None:
            self.job.cancel.set()
            self.job.done.wait(30)
        if self._scan is not None:
            self._scan.done.wait(30)
