"""`persona-tutor personas …`: list, show, import and export persona cards."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import print_json
from app.errors import PersonaError
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    personas = commands.add_parser("personas", parents=[common], help="persona cards")
    sub = personas.add_subparsers(dest="personas_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", parents=[common], help="list personas")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)
    show = sub.add_parser("show", parents=[common], help="show one persona's card")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="the normalized V3-shaped card")
    show.set_defaults(handler=run_show)
    importing = sub.add_parser("import", parents=[common], help="import cards (PNG, JSON, CHARX); prints new ids")
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.set_defaults(handler=run_import)
    export = sub.add_parser("export", parents=[common], help="export a persona to OUT.png, OUT.json or OUT.charx")
    export.add_argument("id")
    export.add_argument("out", type=Path, metavar="OUT")
    export.set_defaults(handler=run_export)


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.personas import PersonaLibrary

    personas = PersonaLibrary(paths.user_personas_dir).all()
    if args.json:
        rows = [{"id": p.id, "name": p.name, "language": p.language, "builtin": p.builtin} for p in personas]
        print_json(rows, sys.stdout)
        return 0
    for p in personas:
        print(f"{p.id}\t{p.name}\t{p.tagline}")
    return 0


def run_show(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.personas import PersonaLibrary

    persona = PersonaLibrary(paths.user_personas_dir).get(args.id)
    if args.json:
        print_json(persona.card, sys.stdout)  # resolved now, so a redirected stdout is honoured
        return 0
    print(f"{persona.name} ({persona.id}, {persona.language}, {'built-in' if persona.builtin else 'own'})")
    if persona.tagline:
        print(persona.tagline)
    if persona.creator_notes.strip():
        print(f"\nCreator's notes:\n{persona.creator_notes.strip()}")
    for n, text in enumerate(persona.greetings, start=1):
        print(f"\nGreeting {n}:\n{text.strip()}")
    return 0


def run_import(args: argparse.Namespace, paths: AppPaths) -> int:
    """Import each file on its own: good cards are imported even when another file is bad."""
    from app.personas import PersonaLibrary

    library = PersonaLibrary(paths.user_personas_dir)
    failed = 0
    for path in args.files:
        try:
            persona = library.import_file(path)
        except PersonaError as exc:
            failed += 1
            print(f"persona-tutor: error: {exc}", file=sys.stderr)
            continue
        print(persona.id, flush=True)
    return 1 if failed else 0


def run_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.personas import PersonaLibrary

    PersonaLibrary(paths.user_personas_dir).export(args.id, args.out)
    return 0
