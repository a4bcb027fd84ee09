"""`persona-tutor check …`: the reply checker from the command line (a stable contract for outside scripts).

persona-tutor check --persona ID (--topic ID | --notes-file FILE) [--question TEXT] --reply-file FILE --json
persona-tutor check --batch FILE.jsonl --json      # lines {persona, topic|notes, question, reply}
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.cli.common import print_json
from app.errors import PersonaTutorError
from app.paths import AppPaths
from app.personas import Persona

_MAX_INPUT_BYTES = 8 * 1024 * 1024


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    check = commands.add_parser("check", parents=[common], help="judge a tutor reply: persona and accuracy badges")
    check.add_argument("--persona", metavar="ID", help="persona id (or a .json card file)")
    source = check.add_mutually_exclusive_group()
    source.add_argument("--topic", metavar="ID", help="topic pack id or title (e.g. cnn)")
    source.add_argument("--notes-file", metavar="FILE", type=Path, help="reference text to check the reply against")
    check.add_argument("--question", metavar="TEXT", help="the learner's question the reply answers")
    check.add_argument("--reply-file", metavar="FILE", help="the reply to check ('-' reads standard input)")
    check.add_argument("--batch", metavar="FILE.jsonl", type=Path, help="check many replies, one JSON per line")
    check.add_argument("--signals", action="store_true", help="also print every signal and its contribution")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=run_check)


def _read_text(path: Path, what: str) -> str:
    try:
        if path.stat().st_size > _MAX_INPUT_BYTES:
            raise PersonaTutorError(f"{path}: the {what} is larger than 8 MB")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PersonaTutorError(f"{path}: the {what} is not UTF-8 text") from None
    except OSError as exc:
        raise PersonaTutorError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None


class _Personas:
    """Personas by id (or card path), each loaded once."""

    def __init__(self, paths: AppPaths) -> None:
        from app.personas import PersonaLibrary

        self._library = PersonaLibrary(paths.user_personas_dir)
        self._loaded: dict[str, Persona] = {}

    def get(self, ref: str) -> Persona:
        if ref not in self._loaded:
            from app.personas import load_card_file

            card = Path(ref)
            is_file = ref.endswith(".json") and card.is_file()
            self._loaded[ref] = load_card_file(card) if is_file else self._library.get(ref)
        return self._loaded[ref]


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    for badge, title in (("consistency", "Persona"), ("accuracy", "Accuracy")):
        item = result[badge]
        reasons = "; ".join(item["reasons"]) or "no problems found"
        print(f"{title}: {item['label']} ({item['score']:.2f}) - {reasons}")
    print(f"({result['elapsed_ms']} ms)")


def run_check(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.checker import check, resolve_topic
    from app.topic_library import readable_packs

    packs, problems = readable_packs(paths.topics_dir)
    for problem in problems:  # as in the app: a broken pack of the learner's is left out, and said so
        print(f"persona-tutor: warning: topic pack left out: {problem}", file=sys.stderr)
    personas = _Personas(paths)
    if args.batch is not None:
        if args.persona or args.reply_file or args.topic or args.notes_file:
            raise PersonaTutorError(
                "--batch takes its persona, topic and reply from each line; drop the other options."
            )
        jobs = _read_batch(args.batch, personas, packs)
        for persona, reply, question, topic, notes in jobs:
            verdict = check(persona, reply, question=question, topic=topic, notes=notes, packs=packs)
            _print(verdict.to_json(with_signals=args.signals), args.json)
        return 0
    if not args.persona or not args.reply_file:
        raise PersonaTutorError("check needs --persona and --reply-file (or --batch FILE.jsonl).")
    if not args.topic and args.notes_file is None:
        raise PersonaTutorError("check needs --topic ID or --notes-file FILE.")
    persona = personas.get(args.persona)
    if args.topic and resolve_topic(args.topic, packs) is None:
        known = ", ".join(p.id for p in packs)
        raise PersonaTutorError(f"No topic pack {args.topic!r}; known packs: {known}.")
    notes = _read_text(args.notes_file, "notes file") if args.notes_file is not None else None
    reply = sys.stdin.read() if args.reply_file == "-" else _read_text(Path(args.reply_file), "reply file")
    if not reply.strip():
        raise PersonaTutorError(f"{args.reply_file}: the reply is empty.")
    verdict = check(persona, reply, question=args.question, topic=args.topic, notes=notes, packs=packs)
    _print(verdict.to_json(with_signals=args.signals), args.json)
    return 0


def _read_batch(path: Path, personas: _Personas, packs: Any) -> list[tuple[Persona, str, str | None, Any, Any]]:
    """Validate every line before checking any, so a bad line leaves no partial output."""
    from app.checker import resolve_topic

    jobs = []
    for number, line in enumerate(_read_text(path, "batch file").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PersonaTutorError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict):
            raise PersonaTutorError(f"{where}: each line must be a JSON object")
        for key in ("persona", "reply"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise PersonaTutorError(f"{where}: {key!r} must be non-empty text")
        topic, notes = item.get("topic"), item.get("notes")
        if not topic and not notes:
            raise PersonaTutorError(f"{where}: needs 'topic' or 'notes'")
        if topic and resolve_topic(str(topic), packs) is None:
            raise PersonaTutorError(f"{where}: no topic pack {topic!r}")
        try:
            persona = personas.get(item["persona"])
        except PersonaTutorError as exc:
            raise PersonaTutorError(f"{where}: {exc}") from None
        question = item.get("question")
        jobs.append((persona, item["reply"], str(question) if question else None, topic, notes))
    return jobs
