"""The ``persona-tutor`` command: the GUI with no arguments, the same core headless through subcommands.

The subcommands and their JSON are a contract that scripts and tests rely on; keep them stable.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import traceback
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from app import __version__
from app.errors import PersonaTutorError
from app.paths import AppPaths

EXIT_ERROR = 1
EXIT_BUG = 70


def _data_dir_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep all data (models, database, personas) under DIR; also $PERSONA_TUTOR_HOME",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    common = _data_dir_parent()
    parser = argparse.ArgumentParser(
        prog="persona-tutor",
        description="Offline role-play tutors on a local GGUF model. With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"persona-tutor {__version__}")
    parser.add_argument("--model", metavar="ID|PATH", help="model for the app (an installed id or a .gguf path)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser(
        "chat", parents=[common], help="chat headless: one user turn per stdin line, one reply per turn"
    )
    chat.add_argument("--persona", required=True, metavar="ID", help="persona id (see `personas list`)")
    chat.add_argument("--topic", required=True, metavar="TEXT", help="what the lesson is about")
    chat.add_argument("--model", metavar="ID|PATH", help="an installed model id or a .gguf path")
    chat.add_argument("--max-tokens", type=int, default=512, metavar="N")
    chat.add_argument("--seed", type=int, metavar="N")
    chat.add_argument("--ctx", type=int, default=4096, metavar="N", help="context size in tokens")
    chat.add_argument("--gpu-layers", type=int, metavar="N", help="layers to offload (-1: all; default: auto)")
    chat.add_argument("--conversation", type=int, metavar="ID", help="continue this conversation")
    chat.add_argument("--json", action="store_true", help="one JSON object per turn")

    models = commands.add_parser("models", parents=[common], help="installed models")
    models_commands = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True)
    models_list = models_commands.add_parser("list", parents=[common], help="list installed models")
    models_list.add_argument("--json", action="store_true")

    personas = commands.add_parser("personas", parents=[common], help="persona cards")
    personas_commands = personas.add_subparsers(dest="personas_command", metavar="COMMAND", required=True)
    personas_list = personas_commands.add_parser("list", parents=[common], help="list personas")
    personas_list.add_argument("--json", action="store_true")
    return parser


def _print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, ensure_ascii=False) + "\n")
    out.flush()


def _progress_to(stream: TextIO, label: str) -> Any:
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


def _echo(piece: str) -> None:
    sys.stdout.write(piece)
    sys.stdout.flush()


def cmd_chat(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.chat import ChatService
    from app.engine import EngineConfig, LlamaEngine, SamplingParams
    from app.model_library import resolve_model
    from app.personas import PersonaLibrary
    from app.store import Store

    if args.max_tokens < 1:
        raise PersonaTutorError("--max-tokens must be at least 1.")
    personas = PersonaLibrary(paths.user_personas_dir)
    personas.get(args.persona)
    store = Store(paths.database_path)
    store.recover_interrupted()
    model = resolve_model(paths.models_dir, args.model, progress=_progress_to(sys.stderr, "Preparing starter model"))
    engine = LlamaEngine(EngineConfig(model_path=model.path, n_ctx=args.ctx, gpu_layers=args.gpu_layers))
    try:
        service = ChatService(store, personas, engine)
        if args.conversation is not None:
            conversation = store.conversation(args.conversation)
        else:
            conversation = service.start(args.persona, args.topic, model.id)
        params = SamplingParams(max_tokens=args.max_tokens, seed=args.seed)
        cancel = threading.Event()
        for line in sys.stdin:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            result = service.send(conversation.id, text, params, cancel, None if args.json else _echo)
            if args.json:
                _print_json(result.to_json(), sys.stdout)
            else:
                sys.stdout.write("\n")
                sys.stdout.flush()
    finally:
        engine.close()
        store.close()
    return 0


def cmd_models(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.model_library import installed_models

    models = installed_models(paths.models_dir)
    if args.json:
        _print_json([m.to_json() for m in models], sys.stdout)
    else:
        if not models:
            print(f"No models installed in {paths.models_dir}.")
        for m in models:
            print(f"{m.id}\t{m.size / 1e6:.0f} MB\t{m.path}")
    return 0


def cmd_personas(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.personas import PersonaLibrary

    personas = PersonaLibrary(paths.user_personas_dir).all()
    if args.json:
        _print_json(
            [{"id": p.id, "name": p.name, "language": p.language, "builtin": p.builtin} for p in personas],
            sys.stdout,
        )
    else:
        for p in personas:
            print(f"{p.id}\t{p.name}\t{p.tagline}")
    return 0


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
    parser = build_parser()
    args = parser.parse_args(argv)
    paths: AppPaths | None = None
    try:
        paths = AppPaths.resolve(getattr(args, "data_dir", None)).ensure()
        if args.command is None:
            from app.ui.application import run_gui

            return run_gui(paths, model=args.model)
        handler = {"chat": cmd_chat, "models": cmd_models, "personas": cmd_personas}[args.command]
        return handler(args, paths)
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
