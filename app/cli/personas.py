"""`persona-tutor personas …`: persona cards."""

from __future__ import annotations

import argparse

from app.cli.common import print_json
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    personas = commands.add_parser("personas", parents=[common], help="persona cards")
    sub = personas.add_subparsers(dest="personas_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", parents=[common], help="list personas")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.personas import PersonaLibrary

    personas = PersonaLibrary(paths.user_personas_dir).all()
    if args.json:
        print_json([{"id": p.id, "name": p.name, "language": p.language, "builtin": p.builtin} for p in personas])
        return 0
    for p in personas:
        print(f"{p.id}\t{p.name}\t{p.tagline}")
    return 0
