"""`persona-tutor feedback add|list|export`: judge replies and turn the judgements into training data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import print_json
from app.errors import PersonaTutorError
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.store import Store

# The same ids as app.feedback.REASONS (a test checks), spelled out so that parsing arguments loads nothing.
_REASON_IDS = ("out_of_character", "wrong_fact", "confusing", "boring", "unsafe", "other")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("feedback", parents=[common], help="judge replies; export training data")
    sub = group.add_subparsers(dest="feedback_command", metavar="COMMAND", required=True)
    add = sub.add_parser("add", parents=[common], help="record feedback on a reply (merged with earlier feedback)")
    add.add_argument("message_id", type=int, metavar="MESSAGE_ID")
    thumbs = add.add_mutually_exclusive_group()
    thumbs.add_argument("--up", dest="thumbs", action="store_const", const=1, help="thumbs up")
    thumbs.add_argument("--down", dest="thumbs", action="store_const", const=-1, help="thumbs down")
    add.add_argument("--reason", action="append", choices=_REASON_IDS, metavar="R", help=", ".join(_REASON_IDS))
    add.add_argument("--rating", metavar="role=N,accuracy=N,engagement=N", help="1-5 ratings")
    add.add_argument("--better-file", type=Path, metavar="F", help="a better reply, from a UTF-8 file ('-': stdin)")
    add.add_argument("--better-message", type=int, metavar="ID", help="a regenerated alternative as the better reply")
    add.add_argument("--comment", metavar="TEXT")
    add.add_argument("--confirm", action="append", choices=("consistency", "accuracy"), metavar="BADGE")
    add.add_argument("--dispute", action="append", choices=("consistency", "accuracy"), metavar="BADGE")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_add)
    listing = sub.add_parser("list", parents=[common], help="feedback given, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--include-deleted", action="store_true", help="also feedback on deleted conversations")
    listing.set_defaults(handler=run_list)
    export = sub.add_parser("export", parents=[common], help="write feedback as JSON Lines training data")
    export.add_argument("--format", required=True, choices=("sft", "dpo", "kto", "raw"))
    export.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl")
    export.add_argument("--anonymize", action="store_true", help="replace the learner's name with {{user}}")
    export.add_argument("--include-deleted", action="store_true", help="also export feedback on deleted conversations")
    export.set_defaults(handler=run_export)
    replay = sub.add_parser(
        "replay", parents=[common], help="answer every flagged reply again with the current model and card; "
        "before/after checker scores (nothing is added to the conversations)"
    )  # fmt: skip
    replay.add_argument("--persona", metavar="ID", help="only replies of this persona")
    replay.add_argument("--model", metavar="ID|PATH")
    replay.add_argument("--max-tokens", type=int, metavar="N", help="longest new reply (default: the chat's setting)")
    replay.add_argument(
        "--stay-in-character",
        action="store_true",
        help="write an off-persona new reply once more and keep the more in-character one, as the chat does",
    )
    replay.add_argument("--json", action="store_true")
    replay.set_defaults(handler=run_replay)


def _store(paths: AppPaths) -> Store:
    from app.store import Store

    return Store(paths.database_path)


def _better_text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PersonaTutorError(f"Cannot read the better reply from {path}: {exc}") from exc


def run_add(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.feedback import FeedbackService, parse_ratings

    changes: dict[str, Any] = {}
    if args.thumbs is not None:
        changes["thumbs"] = args.thumbs
    if args.reason:
        changes["reasons"] = tuple(args.reason)
    if args.rating is not None:
        changes["ratings"] = parse_ratings(args.rating)
    better = _better_text(args.better_file)
    if better is not None:
        changes["better_reply"], changes["better_message_id"] = better, None
    if args.better_message is not None:
        changes["better_reply"], changes["better_message_id"] = "", args.better_message
    if args.comment is not None:
        changes["comment"] = args.comment
    review = {badge: "confirmed" for badge in args.confirm or ()} | {b: "disputed" for b in args.dispute or ()}
    if not changes and not review:
        raise PersonaTutorError("Nothing to record: give --up, --down, --reason, --rating, --better-file or --comment.")
    store = _store(paths)
    try:
        service = FeedbackService(store)
        if review:
            changes["verdict_review"] = {**service.draft(args.message_id).verdict_review, **review}
        feedback = service.merge(args.message_id, **changes)
    finally:
        store.close()
    if feedback is None:
        return 0
    if args.json:
        print_json({"id": feedback.id, "message_id": feedback.message_id})
    else:
        print(f"Recorded feedback {feedback.id} on message {feedback.message_id}")
    return 0


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.feedback import FeedbackFilter, FeedbackService

    store = _store(paths)
    try:
        items = FeedbackService(store).items(FeedbackFilter(include_deleted=args.include_deleted))
    finally:
        store.close()
    if args.json:
        print_json([item.to_json() for item in items])
        return 0
    for item in items:
        f, c = item.feedback, item.conversation
        thumb = {1: "👍", -1: "👎"}.get(f.thumbs or 0, "  ")
        ratings = " ".join(f"{k}={v}" for k, v in f.ratings.items())
        better = " better-reply" if f.better_reply else ""
        gone = " [deleted]" if item.deleted else ""
        print(
            f"{f.id:>5}  msg {f.message_id:<6} {f.created_at:%Y-%m-%d %H:%M}  {thumb} {c.persona_id:<10} "
            f"{c.topic[:20]:<20} {','.join(f.reasons)} {ratings}{better}{gone}".rstrip()
        )
    if not items:
        print("No feedback yet.")
    return 0


def run_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.feedback import ExportOptions, export_feedback
    from app.personas import PersonaLibrary

    options = ExportOptions(args.format, anonymize=args.anonymize, include_deleted=args.include_deleted)
    store = _store(paths)
    try:
        report = export_feedback(store, PersonaLibrary(paths.user_personas_dir), args.out, options)
    finally:
        store.close()
    for reason in report.skipped:
        print(f"persona-tutor: skipped {reason}", file=sys.stderr)
    print(f"Wrote {report.lines} {args.format} lines from {report.items} feedback records to {args.out}")
    return 0


def run_replay(args: argparse.Namespace, paths: AppPaths) -> int:
    """Replay the flagged replies; Ctrl-C stops after the reply being written and still prints the report."""
    import signal
    import threading

    from app.chat import ChatService
    from app.cli.common import starter_progress
    from app.engine import EngineConfig, LlamaEngine
    from app.feedback import FeedbackService
    from app.feedback.replay import ReplayItem, flagged, replay_flagged
    from app.model_library import resolve_model
    from app.personas import PersonaLibrary

    store = _store(paths)
    cancel = threading.Event()

    def progress(done: int, total: int, item: ReplayItem | None) -> None:
        if item is not None:
            print(f"replayed {done}/{total}: message {item.message_id} {item.outcome}", file=sys.stderr, flush=True)

    try:
        model = resolve_model(paths.models_dir, args.model, progress=starter_progress(), config_dir=paths.config_dir)
        if not flagged(FeedbackService(store), args.persona):
            chat = ChatService(store, PersonaLibrary(paths.user_personas_dir))
            report = replay_flagged(chat, model.id, args.persona, stay_in_character=args.stay_in_character)
        else:
            engine = LlamaEngine(EngineConfig(model_path=model.path, n_ctx=4096))
            chat = ChatService(store, PersonaLibrary(paths.user_personas_dir), engine, topics_dir=paths.topics_dir)
            previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
            try:
                in_character = args.stay_in_character
                report = replay_flagged(chat, model.id, args.persona, cancel, progress, args.max_tokens, in_character)
            finally:
                signal.signal(signal.SIGINT, previous)
                engine.close()
    finally:
        store.close()
    if args.json:
        print_json(report.to_json())
    else:
        _print_replay(report.to_json())
    return 130 if report.cancelled else 0


def _print_replay(report: dict[str, Any]) -> None:
    for item in report["items"]:
        before, after = item["before"], item["after"]
        badges = "  ".join(
            f"{name} {before[key]['label'] or '-'}→{after[key]['label'] or '-'}"
            for key, name in (("consistency", "persona"), ("accuracy", "accuracy"))
        )
        print(f"msg {item['message_id']:<6} {item['persona_id']:<10} {badges}  {item['outcome']}")
    for skipped in report["skipped"]:
        print(f"msg {skipped['message_id']:<6} skipped: {skipped['reason']}")
    s = report["summary"]
    stopped = " (stopped)" if s["cancelled"] else ""
    print(
        f"{s['replayed']} replayed: {s['fixed']} fixed, {s['still_bad']} still bad, {s['regressed']} regressed{stopped}"
    )
