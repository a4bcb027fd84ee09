"""`persona-tutor` opens a real window on a real X server (Xvfb), and we keep a screenshot of the screen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.test_main_window import screenshot_dir


@pytest.fixture
def x_display() -> Iterator[str]:
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


def _window_listed(display: str, title: str) -> bool:
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree"], capture_output=True, text=True, env={**os.environ, "DISPLAY": display}
    )
    return f'"{title}"' in tree.stdout


def test_the_command_opens_a_window_on_x(x_display: str, isolated_home: Path, starter_path: Path) -> None:
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "PERSONA_TUTOR_HOME": str(isolated_home)}
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "--model", str(starter_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _window_listed(x_display, "Persona Tutor"):
            assert app.poll() is None, app.communicate()[1]
            assert time.monotonic() < deadline, "no window appeared"
            time.sleep(0.3)
        time.sleep(3)  # let the model load and the status bar settle
        shot = screenshot_dir() / "xvfb-desktop.png"
        subprocess.run(["import", "-display", x_display, "-window", "root", str(shot)], check=True, timeout=30)
        assert shot.stat().st_size > 10_000
    finally:
        app.send_signal(signal.SIGTERM)
        _, stderr = app.communicate(timeout=30)
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr
