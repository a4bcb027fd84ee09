"""`make dist`'s bundle works where there is no Python, no venv and no source tree.

The bundle is built once per test session (packaging/build_bundle.py, as `make dist` runs it), its archive is
unpacked into a temporary folder outside the checkout, the build output is deleted, and every command then
runs with a bare environment: PATH=/usr/bin:/bin, no PYTHONPATH, no virtualenv, HOME in a temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import __version__
from app.licenses import BUNDLED_COMPONENTS
from tests.hub_server import FILE, MODEL, REPO, FakeHub, ServedFile, ServedRepo
from tests.ui.test_main_window import screenshot_dir

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 1500
pytestmark = pytest.mark.timeout(BUILD_TIMEOUT_S + 300)  # the first test also waits for the build


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh build, unpacked from its archive; PERSONA_TUTOR_TEST_BUNDLE=DIR tests an already built folder."""
    given = os.environ.get("PERSONA_TUTOR_TEST_BUNDLE")
    if given:
        yield Path(given).resolve()
        return
    out = tmp_path_factory.mktemp("bundle-build")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_bundle.py"), "--dist", str(out / "dist"),
         "--work", str(out / "work")],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    [archive] = (out / "dist").glob(f"persona-tutor-{__version__}-linux-*.tar.gz")
    installed = tmp_path_factory.mktemp("installed")
    with tarfile.open(archive) as tar:
        tar.extractall(installed, filter="tar")
    shutil.rmtree(out)
    print(f"bundle built and unpacked in {time.monotonic() - started:.0f} s", file=sys.stderr)
    yield installed / "persona-tutor"


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C", **extra}


def run_bundle(bundle: Path, home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "persona-tutor"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=bare_env(home),
        cwd=home,
        timeout=180,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "user"
    folder.mkdir()
    return folder


def test_version(bundle: Path, home: Path) -> None:
    assert not bundle.is_relative_to(ROOT)
    result = run_bundle(bundle, home, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"persona-tutor {__version__}"


def test_bundled_personas_and_catalog(bundle: Path, home: Path) -> None:
    personas = run_bundle(bundle, home, "--data-dir", str(home / "data"), "personas", "list", "--json")
    assert personas.returncode == 0, personas.stderr
    assert "xiaomiao" in {p["id"] for p in json.loads(personas.stdout)}
    catalog = run_bundle(bundle, home, "--data-dir", str(home / "data"), "models", "catalog", "--json")
    assert catalog.returncode == 0, catalog.stderr
    assert catalog.stdout.strip()


def test_headless_chat_turn_on_the_starter_model(bundle: Path, home: Path, starter_path: Path) -> None:
    result = run_bundle(
        bundle, home, "chat", "--persona", "xiaomiao", "--topic", "卷积神经网络", "--model", str(starter_path),
        "--data-dir", str(home / "data"), "--max-tokens", "4", "--seed", "1", "--ctx", "1024", "--json",
        stdin="什么是卷积层？\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [turn] = [json.loads(line) for line in result.stdout.splitlines()]
    assert turn["reply"].strip()
    assert turn["timings"]["generated_tokens"] >= 1
    assert "Traceback" not in result.stderr


def test_without_a_model_the_bundle_says_what_to_do(bundle: Path, home: Path) -> None:
    result = run_bundle(
        bundle, home, "chat", "--persona", "xiaomiao", "--topic", "CNN", "--data-dir", str(home / "data"), stdin="hi\n"
    )
    assert result.returncode == 1
    assert "does not include a model" in result.stderr
    assert "models pull" in result.stderr


def test_first_run_download_through_the_bundled_hub_client(bundle: Path, home: Path) -> None:
    hub = FakeHub().start()
    hub.repos[REPO] = ServedRepo(files={FILE: ServedFile(MODEL)})
    try:
        result = subprocess.run(
            [str(bundle / "persona-tutor"), "--data-dir", str(home / "data"), "models", "pull", REPO, FILE],
            capture_output=True,
            text=True,
            env=bare_env(home, HF_ENDPOINT=hub.url, HF_HOME=str(home / "hf")),
            cwd=home,
            timeout=120,
        )
    finally:
        hub.stop()
    assert result.returncode == 0, result.stderr
    assert (home / "data" / "models" / FILE).read_bytes() == MODEL


def test_the_bundle_leaves_out_unused_qt(bundle: Path) -> None:
    names = {p.name for p in bundle.rglob("*")}
    for unused in ("libQt6WebEngineCore.so.6", "libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6Pdf.so.6"):
        assert unused not in names
    assert {"libqxcb.so", "libqoffscreen.so", "libqsvg.so", "libqsvgicon.so"} <= names
    assert any(name.startswith("libllama") for name in names)


def test_license_texts_of_the_components_the_about_box_lists(bundle: Path) -> None:
    # <name>-<version>.dist-info, the name normalized to lower case with underscores
    dist_infos = {p.name.split("-")[0].lower() for p in (bundle / "_internal").glob("*.dist-info")}
    for component in BUNDLED_COMPONENTS:
        if component.distribution is not None:
            assert component.distribution.lower().replace("-", "_") in dist_infos, component.distribution
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (bundle / "_internal" / "licenses" / "LGPL-3.0.txt").read_text()


@pytest.fixture
def x_display() -> Iterator[str]:
    """A real X server (Xvfb), so the bundle's xcb platform plugin and its libraries are exercised too."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    yield display
    server.terminate()
    server.wait(timeout=10)


def _window_listed(display: str) -> bool:
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, env={"DISPLAY": display})
    return '"Persona Tutor"' in tree.stdout


def _start_gui(bundle: Path, home: Path, starter_path: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(bundle / "persona-tutor"), "--model", str(starter_path), "--data-dir", str(home / "data")],
        env=bare_env(home, **env),
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop_gui(app: subprocess.Popen[str]) -> None:
    app.send_signal(signal.SIGTERM)
    _, stderr = app.communicate(timeout=60)
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "qt.qpa" not in stderr  # no missing platform plugin or library


def _thread_names(pid: int) -> set[str]:
    names = set()
    for comm in Path(f"/proc/{pid}/task").glob("*/comm"):
        with contextlib.suppress(OSError):  # the thread ended meanwhile
            names.add(comm.read_text().strip())
    return names


def test_the_gui_starts_offscreen(bundle: Path, home: Path, starter_path: Path) -> None:
    app = _start_gui(bundle, home, starter_path, QT_QPA_PLATFORM="offscreen")
    try:
        deadline = time.monotonic() + 60
        while "chat-worker" not in _thread_names(app.pid):  # the main window starts its model thread
            assert app.poll() is None, app.communicate()[1]
            assert time.monotonic() < deadline, "the main window did not start"
            time.sleep(0.2)
        time.sleep(1)  # the window is shown and the event loop runs
        assert app.poll() is None, app.communicate()[1]
    finally:
        _stop_gui(app)


def test_the_gui_opens_a_window_on_x(bundle: Path, home: Path, starter_path: Path, x_display: str) -> None:
    app = _start_gui(bundle, home, starter_path, QT_QPA_PLATFORM="xcb", DISPLAY=x_display)
    try:
        deadline = time.monotonic() + 60
        while not _window_listed(x_display):
            assert app.poll() is None, app.communicate()[1]
            assert time.monotonic() < deadline, "no window appeared"
            time.sleep(0.3)
        time.sleep(3)  # let it paint and start loading the model
        shot = screenshot_dir() / "bundle-xvfb.png"
        subprocess.run(["import", "-display", x_display, "-window", "root", str(shot)], check=True, timeout=60)
    finally:
        _stop_gui(app)
