"""`persona-tutor progress`: the topics studied, quiz scores over time and the facts to review."""

from __future__ import annotations

import argparse

from app.cli.common import print_json
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    progress = commands.add_parser(
        "progress", parents=[common], help="topics studied, quiz scores over time and the facts to review"
    )
    progress.add_argument(
        "--json",
        action="store_true",
        help="a JSON list: [{topic, title, title_zh, conversations, quizzes: [{quiz_id, conversation_id, "
        "graded_at, score, total}], missed: [{en, zh}]}]",
    )
    progress.set_defaults(handler=run)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.progress import progress
    from app.quiz import score_text
    from app.store import Store
    from app.topic_library import readable_packs

    store = Store(paths.database_path)
    try:
        topics = progress(store, readable_packs(paths.topics_dir)[0])
    finally:
        store.close()
    if args.json:
        print_json([topic.to_json() for topic in topics])
        return 0
    if not topics:
        print("No topics studied yet.")
    for topic in topics:
        scores = ", ".join(f"{q.graded_at:%Y-%m-%d} {score_text(q.score, q.total)}" for q in topic.quizzes)
        print(f"{topic.title} ({topic.topic}): {topic.conversations} conversations; quizzes: {scores or 'none'}")
        for en, _zh in topic.missed:
            print(f"  to review: {en}")
    return 0
