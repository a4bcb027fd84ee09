"""Helpers shared by the subcommands: JSON output, progress lines, model resolution messages."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from app.paths import AppPaths


def data_dir_parent() -> argparse.ArgumentParser:
    """The ``--data-dir`` option, accepted before and after every subcommand."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep all data (models, database, personas) under DIR; also $PERSONA_TUTOR_HOME",
    )
    return parent


def print_json(value: Any, out: TextIO = sys.stdout) -> None:
    out.write(json.dumps(value, ensure_ascii=False) + "\n")
    out.flush()


def progress_to(stream: TextIO, label: str) -> Any:
    """A progress callback: a live percentage on a terminal, a line every 25% in a log."""
    step = 1 if stream.isatty() else 25
    last = [-step]

    def report(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent - last[0] >= step or (done >= total and last[0] != 100):
            last[0] = percent
            end = "\n" if done >= total or step > 1 else ""
            stream.write(f"\r{label}: {percent}%{end}")
            stream.flush()

    return report


def starter_progress() -> Any:
    return progress_to(sys.stderr, "Preparing starter model")


__all__ = ["AppPaths", "data_dir_parent", "print_json", "progress_to", "starter_progress"]
