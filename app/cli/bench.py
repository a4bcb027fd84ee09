"""`persona-tutor bench …`: benchmarks measured side by side in one run (`make bench`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

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
    engine.add_argument("--no-gui", action="store_true", help="skip the GUI stall measurements (ui_*_stall_ms)")
    engine.set_defaults(handler=run_engine)
    store = sub.add_parser(
        "store", parents=[common], help="open a 10,000-message conversation; search 100,000 messages"
    )
    store.add_argument("--json", action="store_true")
    store.set_defaults(handler=run_store)
    ui = sub.add_parser(
        "ui", parents=[common], help="GUI stalls with 1,000 personas, 10,000 conversations, a 10,000-message chat"
    )
    ui.add_argument("--json", action="store_true")
    ui.set_defaults(handler=run_ui)
    checker = sub.add_parser(
        "checker", parents=[common], help="reply checker: precision, recall, AUROC and latency (dev set, UHGEval)"
    )
    checker.add_argument("--devset", metavar="FILE", type=Path, help="labelled replies (default: tests/data/checker)")
    checker.add_argument("--uhgeval", metavar="FILE", type=Path, help="UHGEval jsonl (default: ../shared/eval/uhgeval)")
    checker.add_argument("--split", choices=("heldout", "tune", "all"), default="heldout")
    checker.add_argument("--json", action="store_true")
    checker.set_defaults(handler=run_checker)


def run_engine(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.bench import EngineBenchConfig, format_table, run_engine_bench
    from app.model_library import resolve_model

    if args.turns < 2:
        raise PersonaTutorError("--turns must be at least 2.")
    model = resolve_model(paths.models_dir, args.model, progress=starter_progress(), config_dir=paths.config_dir)
    config = EngineBenchConfig(model_path=model.path, threads=args.threads, turns=args.turns)
    result = run_engine_bench(config, progress=lambda line: print(f"bench engine: {line}", file=sys.stderr, flush=True))
    if not args.no_gui:
        from app.ui.stall_bench import long_reply_stall_ms, window_stall

        stall = window_stall(model.path)
        result["ui_max_stall_ms"] = stall.longest_ms
        result["ui_max_stall_steal_ms"] = stall.steal_ms
        result["ui_long_reply_max_stall_ms"] = long_reply_stall_ms()
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


def run_checker(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.checker import evaluation

    devset = args.devset or evaluation.DEVSET
    rows = evaluation.load_devset(devset, None if args.split == "all" else args.split)
    result: dict[str, Any] = {
        "devset": {"split": args.split, **evaluation.run_devset(rows, cards=devset.with_name("cards"))},
        "devset_generated_only": {
            "split": args.split,
            **evaluation.run_devset([r for r in rows if not r.get("derived")], cards=devset.with_name("cards")),
        },
    }
    if args.uhgeval is not None or evaluation.UHGEVAL.is_file():
        result["uhgeval"] = evaluation.run_uhgeval(args.uhgeval or evaluation.UHGEVAL)
    else:  # the public set lives beside the repository, not in it: a user's checkout may not have it
        result["uhgeval_skipped"] = f"{evaluation.UHGEVAL} not found; pass --uhgeval FILE"
    if args.json:
        print_json(result)
    else:
        print(evaluation.format_report(result))
    return 0


def run_ui(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.bench import format_table
    from app.ui.load_bench import run_ui_load_bench

    result = run_ui_load_bench()
    if args.json:
        print_json(result)
    else:
        print(format_table(result))
    return 0
