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
    probe = sub.add_parser(
        "probe", parents=[common], help="ask fixed probe questions on a model and score each reply with the checker"
    )
    probe.add_argument("id", nargs="?", help="an installed persona (or give --card)")
    probe.add_argument("--card", type=Path, metavar="FILE", help="a card file to probe instead (e.g. an older version)")
    probe.add_argument("--model", metavar="ID|PATH")
    probe.add_argument("--topic", help="the topic of the explanation probe (default: the persona's first topic)")
    probe.add_argument("--max-tokens", type=int, default=160, metavar="N", help="longest reply per probe")
    probe.add_argument("--json", action="store_true")
    probe.set_defaults(handler=run_probe)


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
    """Import each file on its own: good cards are imported even when another file is bad. Each card imported
    is kept in the store as an ``imported`` version."""
    from app.persona_pins import PersonaPins
    from app.personas import PersonaLibrary
    from app.store import Store

    library = PersonaLibrary(paths.user_personas_dir)
    store = Store(paths.database_path)
    try:
        pins = PersonaPins(store, library)
        failed = 0
        for path in args.files:
            try:
                persona = library.import_file(path)
            except PersonaError as exc:
                failed += 1
                print(f"persona-tutor: error: {exc}", file=sys.stderr)
                continue
            pins.record_import(persona)
            print(persona.id, flush=True)
    finally:
        store.close()
    return 1 if failed else 0


def run_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.personas import PersonaLibrary

    PersonaLibrary(paths.user_personas_dir).export(args.id, args.out)
    return 0


def run_probe(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.cli.common import starter_progress
    from app.engine import EngineConfig, LlamaEngine, SamplingParams
    from app.model_library import resolve_model
    from app.persona_probe import PROBE_SAMPLING, probe_topic, record_run, run_probes, summary
    from app.personas import PersonaLibrary, load_card_file
    from app.store import Store

    if (args.id is None) == (args.card is None):
        raise PersonaError("Give a persona id or --card FILE (one of them).")
    persona = load_card_file(args.card) if args.card else PersonaLibrary(paths.user_personas_dir).get(args.id)
    model = resolve_model(paths.models_dir, args.model, progress=starter_progress(), config_dir=paths.config_dir)
    engine = LlamaEngine(EngineConfig(model_path=model.path, n_ctx=4096))
    try:
        sampling = SamplingParams(
            temperature=PROBE_SAMPLING.temperature, max_tokens=max(1, args.max_tokens), seed=PROBE_SAMPLING.seed
        )
        results = run_probes(persona, engine, model.id, topic=args.topic, sampling=sampling)
    finally:
        engine.close()
    store = Store(paths.database_path)
    try:  # kept, so the editor's test bench can show this run beside later ones
        record_run(store, persona, model.id, args.topic or probe_topic(persona), results)
    finally:
        store.close()
    report = {
        "persona": persona.id,
        "model": model.id,
        "topic": args.topic or probe_topic(persona),
        "summary": summary(results),
        "probes": [r.to_json() for r in results],
    }
    if args.json:
        print_json(report, sys.stdout)
        return 0
    for r in results:
        print(f"{r.probe:<13} persona {r.consistency['label'] or '-':<9} accuracy {r.accuracy['label'] or '-':<9}"
              f" {r.what}")  # fmt: skip
    overall = summary(results)
    print(f"\nmean persona score {overall['consistency']}, mean accuracy score {overall['accuracy']}")
    return 0
