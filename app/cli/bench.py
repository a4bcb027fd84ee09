"""`persona-tutor bench …`: benchmarks measured side by side in one run (`make bench`)."""

from __future__ import annotations

import argparse

from app.cli.common import print_json, starter_progress
from app.errors import PersonaTutorError
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    bench = commands.add_parser("bench", parents=[common], help="benchmarks (side by side, in one run)")
    sub = bench.add_subparsers(dest="bench_command", metavar="COMMAND", required=True)
    engine = sub.add_parser(
        "engine", parents=[common], help="reply pipeline vs bare llama-cpp-python; first-token time as turns grow"
    )
    engine.add_argument("--model", metavar="ID|PATH")
    engine.add_argument("--turns", type=int, default=60, metavar="N")
    engine.add_argument("--threads", type=int, metavar="N")
    engine.add_argument("--json", action="store_true")
    engine.set_defaults(handler=run_engine)
    store = sub.add_parser(
        "store", parents=[common], help="open a 10,000-message conversation; search 100,000 messages"
    )
    store.add_argument("--json", action="store_true")
    store.set_defaults(handler=run_store)


def run_engine(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.bench import EngineBenchConfig, format_table, run_engine_bench
    from app.model_library import resolve_model

    if args.turns < 2:
        raise PersonaTutorError("--turns must be at least 2.")
    model = resolve_model(paths.models_dir, args.model, progress=starter_progress(), config_dir=paths.config_dir)
    result = run_engine_bench(EngineBenchConfig(model_path=model.path, threads=args.threads, turns=args.turns))
    if args.json:
        print_json(result)
    else:
        print(format_table(result))
    return 0


def run_store(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.bench import format_table
    from app.store.bench import run_store_bench

    result = run_store_bench()
    if args.json:
        print_json(result)
    else:
        print(format_table(result))
    return 0
