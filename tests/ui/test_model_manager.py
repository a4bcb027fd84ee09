"""The model manager on real GGUF files (the starter model among them) and catalog downloads from a Hub-like
server on 127.0.0.1 through the real huggingface_hub client: progress, cancel, resume, a gated repo's token."""

from __future__ import annotations

import dataclasses
import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import huggingface_hub.constants
import pytest
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.downloads import PARTIAL_DIR, load_token
from app.model_catalog import CatalogEntry, Machine
from app.model_library import add_model, default_model, installed_models
from app.paths import AppPaths
from app.ui.model_import import COPY_LABEL
from app.ui.model_manager import ModelManager
from tests.gguf_files import tiny_gguf_bytes, write_tiny_gguf
from tests.hub_server import COMMIT, FILE, MODEL, REPO, FakeHub, ServedFile, ServedRepo
from tests.ui.test_main_window import screenshot_dir

TINY = CatalogEntry(
    id="tiny-instruct",
    name="Tiny Instruct",
    repo=REPO,
    file=FILE,
    revision=COMMIT,
    size=len(MODEL),
    sha256=hashlib.sha256(MODEL).hexdigest(),
    verified=True,
    parameters="0.4M",
    quant="F32",
    license="apache-2.0",
    languages=("en", "zh"),
    ram_mb=600,
)
HUGE = CatalogEntry(
    id="huge-instruct",
    name="Huge Instruct 70B",
    repo="tutor-test/Huge-GGUF",
    file="Huge-Q4_K_M.gguf",
    revision=None,
    size=42_000_000_000,
    sha256=None,
    verified=False,
    parameters="70B",
    quant="Q4_K_M",
    license="llama3.3",
    languages=("en",),
    ram_mb=48_000,
)
MISSING = dataclasses.replace(TINY, id="missing", name="Missing file", file="Nope.gguf")
MACHINE = Machine(free_ram_mb=4_000, free_vram_mb=None)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    server = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "DOWNLOAD_CHUNK_SIZE", 64 * 1024)
    server.repos[REPO] = ServedRepo(files={FILE: ServedFile(MODEL)})
    yield server
    server.stop()


@pytest.fixture
def manager(qtbot: QtBot, paths: AppPaths) -> Iterator[ModelManager]:
    dialog = ModelManager(paths, catalog=[TINY, HUGE, MISSING], machine=MACHINE)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.shutdown()


def rows(manager: ModelManager) -> list[list[str]]:
    table = manager.installed.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def wait_listed(qtbot: QtBot, manager: ModelManager, count: int) -> None:
    qtbot.waitUntil(lambda: manager.installed._scan is None and manager.installed.table.rowCount() == count)


def open_box(widget: QWidget, name: str) -> QMessageBox | None:
    boxes = [b for b in widget.findChildren(QMessageBox, name) if b.isVisible()]
    return boxes[-1] if boxes else None


def click(box: QMessageBox, label: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == label)
    button.click()


def drop(widget: QWidget, *files: Path) -> None:
    """Drag ``files`` over ``widget`` and drop them, as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    button, modifier = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, button, modifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, button, modifier))


def write_broken_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.gguf").write_bytes(b"")
    (folder / "truncated.gguf").write_bytes(tiny_gguf_bytes(name="Cut")[:200])
    (folder / "wrong-magic.gguf").write_bytes(b"GGML" + tiny_gguf_bytes()[4:])
    (folder / "notes.gguf").write_text("these are my notes, not a model\n", encoding="utf-8")


def test_installed_models_show_their_metadata_and_broken_files_are_not_listed(
    qtbot: QtBot, paths: AppPaths, starter_path: Path, tmp_path: Path
) -> None:
    write_tiny_gguf(paths.models_dir / "tiny-chat.gguf", name="Tiny Chat", context_length=8192, size_label="24")
    write_tiny_gguf(paths.models_dir / "no-template.gguf", name="Base Model", chat_template=None, license=None)
    add_model(paths.models_dir, starter_path, link=True)  # the real model, referenced in place
    write_broken_files(paths.models_dir)

    dialog = ModelManager(paths, catalog=[TINY, HUGE], machine=MACHINE)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_listed(qtbot, dialog, 3)
    listed = {row[0]: row for row in rows(dialog)}
    assert set(listed) == {"Tiny Chat", "Base Model", "Qwen2.5-Coder 0.5B Instruct (Q4_K_M, starter)"}
    starter = listed["Qwen2.5-Coder 0.5B Instruct (Q4_K_M, starter)"]
    assert starter[1:4] == ["qwen2", "0.5B", "Q4_K_M"]
    assert starter[4] == "491 MB"
    assert starter[5:] == ["32,768", "yes", "—"]  # its header names no license
    assert listed["Tiny Chat"][5:7] == ["8,192", "yes"]
    assert listed["Base Model"][6:] == ["no", "—"]

    problems = dialog.installed.problems_label.text()
    assert dialog.installed.problems_label.isVisible()
    for name, reason in (
        ("empty.gguf", "empty (0 bytes)"),
        ("truncated.gguf", "truncated"),
        ("wrong-magic.gguf", "not a GGUF model file"),
        ("notes.gguf", "not a GGUF model file"),
    ):
        assert name in problems and reason in problems
    dialog.resize(1100, 520)
    dialog.grab().save(str(screenshot_dir() / "model-manager.png"))
    dialog.shutdown()


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_default_use_reveal_and_remove_with_confirmation(qtbot: QtBot, manager: ModelManager, paths: AppPaths) -> None:
    outside = write_tiny_gguf(paths.data_dir / "elsewhere" / "linked.gguf", name="Linked Model")
    add_model(paths.models_dir, outside, link=True)
    write_tiny_gguf(paths.models_dir / "copied.gguf", name="Copied Model")
    manager.installed.refresh()
    wait_listed(qtbot, manager, 2)
    tab = manager.installed

    tab.select("copied")
    tab.default_button.click()
    qtbot.waitUntil(lambda: rows(manager)[0][0] == "★ Copied Model  (default)")
    assert default_model(paths.config_dir) == "copied"
    assert not tab.default_button.isEnabled()

    with qtbot.waitSignal(manager.use_requested) as used:
        tab.use_button.click()
    assert used.args == ["copied"]

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        tab.select("linked")
        tab.reveal_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(u.toLocalFile()) for u in catcher.urls] == [outside.parent]

    tab.remove_button.click()  # the linked one: cancelling keeps it
    box = open_box(tab, "remove-question")
    assert box is not None and "The file stays where it is" in box.text()
    click(box, "Cancel")
    qtbot.waitUntil(lambda: open_box(tab, "remove-question") is None)
    assert len(installed_models(paths.models_dir)) == 2

    tab.remove_button.click()
    click(open_box(tab, "remove-question"), "Remove")  # type: ignore[arg-type]
    wait_listed(qtbot, manager, 1)
    assert outside.is_file()  # a referenced file is only forgotten

    tab.select("copied")
    tab.remove_button.click()
    box = open_box(tab, "remove-question")
    assert box is not None and "This cannot be undone" in box.text()
    click(box, "Remove")
    wait_listed(qtbot, manager, 0)
    assert not (paths.models_dir / "copied.gguf").exists()
    assert default_model(paths.config_dir) is None
    assert tab.empty_label.isVisible()


def test_dropped_files_are_imported_and_bad_ones_refused_with_one_message(
    qtbot: QtBot, manager: ModelManager, paths: AppPaths, tmp_path: Path
) -> None:
    wait_listed(qtbot, manager, 0)
    tab = manager.installed
    good = write_tiny_gguf(tmp_path / "downloads" / "dropped.gguf", name="Dropped Model")
    drop(tab, good)
    box = open_box(tab, "import-question")
    assert box is not None
    with qtbot.waitSignal(manager.model_installed) as installed:
        click(box, COPY_LABEL)
    assert installed.args == ["dropped"]
    wait_listed(qtbot, manager, 1)
    assert rows(manager)[0][0] == "Dropped Model"
    assert (paths.models_dir / "dropped.gguf").read_bytes() == good.read_bytes()

    write_broken_files(tmp_path / "bad")
    for bad in sorted((tmp_path / "bad").iterdir()):
        drop(tab, bad)
        click(open_box(tab, "import-question"), COPY_LABEL)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: open_box(tab, "model-message") is not None)
        message = open_box(tab, "model-message")
        assert message is not None and str(bad) in message.text()
        message.accept()
        qtbot.waitUntil(lambda: open_box(tab, "model-message") is None)
    tab.refresh()
    wait_listed(qtbot, manager, 1)
    assert sorted(p.name for p in paths.models_dir.iterdir()) == ["dropped.gguf", "dropped.gguf.sha256", "models.json"]
    assert not tab.problems_label.isVisible()


def test_catalog_download_shows_progress_cancels_and_resumes(
    qtbot: QtBot, manager: ModelManager, paths: AppPaths, hub: FakeHub
) -> None:
    hub.repos[REPO].files[FILE].chunk_delay = 0.05
    catalog = manager.catalog
    manager.tabs.setCurrentIndex(1)  # show_tab also raises the window, which the offscreen platform cannot
    qtbot.waitUntil(lambda: catalog.table.rowCount() == 3)
    assert "4.0 GB of free memory" in catalog.machine_label.text()
    verdicts = [catalog.table.item(r, 7).text() for r in range(3)]
    assert verdicts == ["✓ fits  ★ recommended", "✗ not enough memory", "✓ fits"]
    assert catalog.selected_fit().entry is TINY  # the recommended pick is preselected
    catalog.grab().save(str(screenshot_dir() / "model-catalog.png"))

    catalog.download_button.click()
    qtbot.waitUntil(lambda: " of " in catalog.status.text() and "/s" in catalog.status.text())
    assert catalog.progress.isVisible() and 0 < catalog.progress.value() < 1000
    assert not catalog.download_button.isEnabled()
    manager.grab().save(str(screenshot_dir() / "model-catalog-downloading.png"))
    catalog.cancel_button.click()
    qtbot.waitUntil(lambda: catalog.job is None)
    assert "cancelled" in catalog.status.text()
    partial = paths.models_dir / PARTIAL_DIR / f"{FILE}.part"
    kept = partial.stat().st_size
    assert 0 < kept < len(MODEL)
    assert catalog.download_button.text() == "Resume download"
    assert installed_models(paths.models_dir) == []

    hub.requests.clear()
    hub.repos[REPO].files[FILE].chunk_delay = 0
    with qtbot.waitSignal(manager.model_installed, timeout=30_000) as installed:
        catalog.download_button.click()
    assert installed.args == [FILE.removesuffix(".gguf")]
    assert [r.range for r in hub.requests if r.method == "GET"] == [f"bytes={kept}-"]
    assert "Downloaded and verified: Tiny Instruct" in catalog.status.text()
    wait_listed(qtbot, manager, 1)
    assert rows(manager)[0][0] == "Tiny Instruct"
    qtbot.waitUntil(lambda: catalog.table.item(0, 7).text() == "installed")
    assert not catalog.download_button.isEnabled()


def test_a_gated_repo_asks_for_a_token_and_retries(
    qtbot: QtBot, manager: ModelManager, paths: AppPaths, hub: FakeHub
) -> None:
    hub.repos[REPO].token, hub.repos[REPO].gated = "hf_secret", True
    catalog = manager.catalog
    qtbot.waitUntil(lambda: catalog.table.rowCount() == 3)
    catalog.download_button.click()

    def token_dialog() -> QInputDialog | None:
        found = [d for d in catalog.findChildren(QInputDialog, "token-dialog") if d.isVisible()]
        return found[-1] if found else None

    qtbot.waitUntil(lambda: token_dialog() is not None)
    dialog = token_dialog()
    assert dialog is not None and "gated repository" in dialog.labelText()
    dialog.setTextValue("hf_secret")
    with qtbot.waitSignal(manager.model_installed, timeout=30_000):
        dialog.accept()
    token_file = paths.config_dir / "hf_token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert load_token(paths.config_dir) == "hf_secret"
    assert [m.id for m in installed_models(paths.models_dir)] == [FILE.removesuffix(".gguf")]


@pytest.mark.parametrize(
    ("entry", "offline", "reason"),
    [(MISSING, False, "no such file (404)"), (TINY, True, "offline mode is on")],
)
def test_a_failed_download_is_one_clear_message(
    qtbot: QtBot,
    manager: ModelManager,
    hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
    entry: CatalogEntry,
    offline: bool,
    reason: str,
) -> None:
    if offline:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    catalog = manager.catalog
    qtbot.waitUntil(lambda: catalog.table.rowCount() == 3)
    catalog.select(entry.id)
    catalog.download_button.click()
    qtbot.waitUntil(lambda: open_box(catalog, "model-message") is not None)
    box = open_box(catalog, "model-message")
    assert box is not None and reason in box.text()
    assert catalog.download_button.isEnabled() and not catalog.progress.isVisible()


def test_download_from_any_url_checks_the_address_cancels_and_resumes(
    qtbot: QtBot, manager: ModelManager, paths: AppPaths, hub: FakeHub
) -> None:
    from app.ui.url_download import UrlDownloadDialog

    hub.plain["mine.gguf"] = ServedFile(MODEL, chunk_delay=0.05)
    url = f"{hub.url}/files/mine.gguf"
    catalog = manager.catalog
    manager.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: catalog.table.rowCount() == 3)

    def url_dialog() -> UrlDownloadDialog | None:
        found = [d for d in catalog.findChildren(UrlDownloadDialog) if d.isVisible()]
        return found[-1] if found else None

    catalog.url_button.click()
    qtbot.waitUntil(lambda: url_dialog() is not None)
    dialog = url_dialog()
    assert dialog is not None
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()  # nothing typed yet
    dialog.url_edit.setText(f"{hub.url}/files/readme.txt")
    assert not ok.isEnabled() and "not an http(s) address of a .gguf file" in dialog.problem.text()
    dialog.url_edit.setText(url)
    dialog.sha_edit.setText("abc")
    assert not ok.isEnabled() and "64 hexadecimal digits" in dialog.problem.text()
    dialog.sha_edit.setText(hashlib.sha256(MODEL).hexdigest().upper())
    assert ok.isEnabled() and not dialog.problem.isVisible()
    dialog.grab().save(str(screenshot_dir() / "download-from-url.png"))
    dialog.accept()

    qtbot.waitUntil(lambda: " of " in catalog.status.text() and "/s" in catalog.status.text())
    assert catalog.progress.isVisible() and not catalog.url_button.isEnabled()
    catalog.cancel_button.click()
    qtbot.waitUntil(lambda: catalog.job is None)
    kept = (paths.models_dir / PARTIAL_DIR / "mine.gguf.part").stat().st_size
    assert 0 < kept < len(MODEL)
    assert "cancelled" in catalog.status.text() and "same address" in catalog.status.text()
    assert installed_models(paths.models_dir) == []

    hub.requests.clear()
    hub.plain["mine.gguf"].chunk_delay = 0
    catalog.url_button.click()
    qtbot.waitUntil(lambda: url_dialog() is not None)
    again = url_dialog()
    assert again is not None and again.url() == url  # offered again, so the download resumes
    again.sha_edit.setText(hashlib.sha256(MODEL).hexdigest())
    with qtbot.waitSignal(manager.model_installed, timeout=30_000) as installed:
        again.accept()
    assert installed.args == ["mine"]
    assert [r.range for r in hub.requests if r.method == "GET"] == [f"bytes={kept}-"]
    assert "Downloaded and verified" in catalog.status.text()
    wait_listed(qtbot, manager, 1)
    assert [m.source for m in installed_models(paths.models_dir)] == [f"url:{url}"]
