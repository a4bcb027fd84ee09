"""`persona-tutor conversations list|show|export|import`: the learner's history, headless."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import print_json
from app.errors import PersonaError, PersonaTutorError
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.personas import Persona, PersonaLibrary
    from app.store import Store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("conversations", parents=[common], help="list, show, export and import conversations")
    sub = group.add_subparsers(dest="conversations_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", parents=[common], help="conversations, pinned first, then most recent")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)
    show = sub.add_parser("show", parents=[common], help="the messages of one conversation")
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true")
    show.add_argument("--message", type=int, metavar="MID", help="only this message")
    show.add_argument("--prompt", action="store_true", help="what the model saw for reply MID (needs --message)")
    show.set_defaults(handler=run_show)
    export = sub.add_parser("export", parents=[common], help="write a conversation to a file")
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument(
        "--format", required=True, choices=("md", "jsonl", "st"), help="Markdown, OpenAI JSONL or SillyTavern chat"
    )
    export.add_argument("out", type=Path, metavar="OUT")
    export.set_defaults(handler=run_export)
    imported = sub.add_parser("import", parents=[common], help="import a SillyTavern chat or OpenAI JSONL file")
    imported.add_argument("file", type=Path, metavar="FILE")
    imported.add_argument("--persona", metavar="ID", help="persona to file it under (default: match by name)")
    imported.add_argument("--topic", metavar="TEXT", help="topic (default: from the file, else 'Imported')")
    imported.add_argument("--json", action="store_true")
    imported.set_defaults(handler=run_import)


def _store(paths: AppPaths) -> Store:
    from app.store import Store

    return Store(paths.database_path)


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    store = _store(paths)
    try:
        conversations = store.conversations()
        counts = {c.id: store.count_messages(c.id) for c in conversations}
    finally:
        store.close()
    if args.json:
        print_json([{**c.to_json(), "message_count": counts[c.id]} for c in conversations])
        return 0
    for c in conversations:
        flags = ("📌" if c.pinned else "") + ("[archived]" if c.archived else "")
        print(f"{c.id:>5}  {c.updated_at:%Y-%m-%d %H:%M}  {c.persona_id:<10} {c.topic[:20]:<20} {flags}{c.title}")
    if not conversations:
        print("No conversations yet.")
    return 0


def run_show(args: argparse.Namespace, paths: AppPaths) -> int:
    if args.message is not None or args.prompt:
        from app.cli.prompt_view import show_message

        return show_message(_store(paths), args.id, args.message, args.prompt, args.json)
    store = _store(paths)
    try:
        conversation = store.conversation(args.id)
        messages = store.messages(args.id)
        ledger = store.branch_ledger(args.id)  # the facts of the messages shown, not of abandoned branches
        version_id = conversation.persona_version_id
        version = None if version_id is None else store.persona_version(version_id).to_json()
    finally:
        store.close()
    if args.json:
        print_json(
            {
                **conversation.to_json(),
                "persona_version": version,
                "messages": [m.to_json() for m in messages],
                "ledger": [f.to_json() for f in ledger],
            }
        )
        return 0
    print(f"# {conversation.title or conversation.topic}  ({conversation.persona_id}, {conversation.topic})")
    for m in messages:
        note = "" if m.status == "complete" else f" [{m.status}]"
        print(f"\n[{m.id}] {m.role}{note}:\n{m.content}")
    return 0


def _character_name(paths: AppPaths, persona_id: str) -> str:
    from app.personas import PersonaLibrary

    try:
        return PersonaLibrary(paths.user_personas_dir).get(persona_id).name
    except PersonaError:
        return persona_id


def run_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.prompt_builder import DEFAULT_USER_NAME
    from app.store.transcripts import to_markdown, to_openai_jsonl, to_sillytavern, write_atomically

    store = _store(paths)
    try:
        conversation = store.conversation(args.id)
        messages = store.messages(args.id)
        versions = {m.id: store.siblings(m.id) for m in messages if m.role == "assistant"}
    finally:
        store.close()
    character = _character_name(paths, conversation.persona_id)
    if args.format == "md":
        content = to_markdown(conversation, messages, character, DEFAULT_USER_NAME)
    elif args.format == "jsonl":
        content = to_openai_jsonl(messages)
    else:
        content = to_sillytavern(conversation, messages, character, DEFAULT_USER_NAME, versions)
    if not args.out.parent.is_dir():
        raise PersonaTutorError(f"The folder {args.out.parent} does not exist.")
    write_atomically(args.out, content)
    print(f"Exported conversation {conversation.id} to {args.out}")
    return 0


def _persona_for(
    library: PersonaLibrary, wanted: str | None, transcript_persona: str | None, name: str | None
) -> Persona:
    if wanted:
        return library.get(wanted)
    personas = library.all()
    for persona in personas:
        if persona.id == transcript_persona or (name and persona.name == name):
            return persona
    who = f"the character '{name}'" if name else "no character name"
    raise PersonaTutorError(
        f"The chat was made with {who}, which matches no installed persona; import its card first or pass --persona ID."
    )


def run_import(args: argparse.Namespace, paths: AppPaths) -> int:
    """Import the chats of a file, each pinning a copy of its persona's card (as a new chat does), so it can be
    continued even after that persona is deleted."""
    from app.persona_pins import PersonaPins
    from app.personas import PersonaLibrary
    from app.store.transcripts import read_transcripts

    library = PersonaLibrary(paths.user_personas_dir)
    transcripts = read_transcripts(args.file)
    chosen = [_persona_for(library, args.persona, t.persona_id, t.character_name) for t in transcripts]
    store = _store(paths)
    try:
        pins = PersonaPins(store, library)
        created = []
        for transcript, persona in zip(transcripts, chosen, strict=True):
            first_question = next((m.content for m in transcript.messages if m.role == "user"), "")
            title = transcript.title or " ".join(first_question.split())[:60] or args.file.stem
            created.append(
                store.import_conversation(
                    persona.id,
                    args.topic or transcript.topic or "Imported",
                    transcript.model or "imported",
                    title,
                    transcript.messages,
                    transcript.created_at,
                    persona_version_id=pins.record(persona).id,
                )
            )
    finally:
        store.close()
    if args.json:
        print_json([c.to_json() for c in created])
    else:
        for c in created:
            print(f"Imported conversation {c.id}: {c.title}")
    return 0
