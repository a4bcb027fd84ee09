"""`persona-tutor backup OUT.db` and `persona-tutor restore FILE.db`."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser("backup", parents=[common], help="copy the conversation database to OUT.db")
    backup.add_argument("out", type=Path, metavar="OUT.db")
    backup.set_defaults(handler=run_backup)
    restore = commands.add_parser(
        "restore", parents=[common], help="replace the database with FILE.db (the current one is kept as a backup)"
    )
    restore.add_argument("file", type=Path, metavar="FILE.db")
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.store.backup import backup_database

    out = backup_database(paths.database_path, args.out)
    print(f"Backed up {paths.database_path} to {out}")
    return 0


def run_restore(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.store.backup import restore_database

    kept = restore_database(paths.database_path, args.file)
    print(f"Restored {args.file} into {paths.database_path}")
    if kept is not None:
        print(f"The previous database is kept at {kept}")
    return 0
