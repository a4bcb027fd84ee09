"""The ``persona-tutor`` command: the GUI with no arguments, the same core headless through subcommands.

Each subcommand lives in its own module with a ``register(commands, common)`` function; the subcommands and
their JSON are a contract that scripts and tests rely on, so keep them stable.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime

from app import __version__
from app.cli import backup, bench, chat, check, conversations, feedback, models, personas, progress, search
from app.cli.common import data_dir_parent
from app.errors import PersonaTutorError
from app.paths import AppPaths

EXIT_ERROR = 1
EXIT_BUG = 70
SUBCOMMANDS = (chat, models, personas, bench, conversations, search, backup, check, feedback, progress)


def build_parser() -> argparse.ArgumentParser:
    common = data_dir_parent()
    parser = argparse.ArgumentParser(
        prog="persona-tutor",
        description="Offline role-play tutors on a local GGUF model. With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"persona-tutor {__version__}")
    parser.add_argument("--model", metavar="ID|PATH", help="model for the app (an installed id or a .gguf path)")
    chat.add_remote_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(commands, common)
    return parser


def _report_bug(paths: AppPaths | None, exc: BaseException) -> None:
    where = ""
    if paths is not None:
        try:
            paths.log_dir.mkdir(parents=True, exist_ok=True)
            log = paths.log_dir / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
            log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
            where = f" (details in {log})"
        except OSError:
            pass
    print(f"persona-tutor: internal error: {exc!r}{where}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths: AppPaths | None = None
    try:
        paths = AppPaths.resolve(getattr(args, "data_dir", None)).ensure()
        if args.command is None:
            from app.ui.application import run_gui

            remote = chat.remote_config(args, paths)
            if remote is not None and args.model:
                raise PersonaTutorError("Give either --model or a server (--backend), not both.")
            return run_gui(paths, model=args.model, remote=remote)
        return int(args.handler(args, paths))
    except PersonaTutorError as exc:
        print(f"persona-tutor: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("persona-tutor: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"persona-tutor: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        _report_bug(paths, exc)
        return EXIT_BUG
