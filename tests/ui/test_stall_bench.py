"""The GUI stall measurements of `bench engine` run and report a number (the targets are for `make bench`)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.ui.stall_bench import long_reply_stall_ms, window_stall_ms


def test_the_long_reply_measurement_runs(qtbot: QtBot) -> None:
    assert long_reply_stall_ms() > 0


def test_the_window_measurement_streams_a_real_reply(qtbot: QtBot, starter_path: Path) -> None:
    assert window_stall_ms(starter_path, max_tokens=16) > 0
