"""`persona-tutor search QUERY`: full-text search over every message, Chinese included."""

from __future__ import annotations

import argparse

from app.cli.common import print_json
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    search = commands.add_parser("search", parents=[common], help="find messages containing every word of QUERY")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=50, metavar="N")
    search.add_argument("--json", action="store_true", help="a JSON list of hits with message and conversation ids")
    search.set_defaults(handler=run)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.store import Store

    store = Store(paths.database_path)
    try:
        hits = store.search(args.query, limit=max(args.limit, 1))
    finally:
        store.close()
    if args.json:
        print_json([hit.to_json() for hit in hits])
        return 0
    for hit in hits:
        print(f"[{hit.conversation_id}:{hit.message_id}] {hit.conversation_title} ({hit.role}): {hit.snippet}")
    if not hits:
        print("No messages match.")
    return 0
