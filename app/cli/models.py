"""`persona-tutor models …`: the installed models."""

from __future__ import annotations

import argparse

from app.cli.common import print_json
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    models = commands.add_parser("models", parents=[common], help="installed models")
    sub = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", parents=[common], help="list installed models")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.model_library import installed_models

    models = installed_models(paths.models_dir)
    if args.json:
        print_json([m.to_json() for m in models])
        return 0
    if not models:
        print(f"No models installed in {paths.models_dir}.")
    for m in models:
        print(f"{m.id}\t{m.size / 1e6:.0f} MB\t{m.path}")
    return 0
