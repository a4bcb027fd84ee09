"""What is at the database path before the app opens it: ours, new, or something it must not touch.

A damaged file, a file that is not SQLite, or another program's SQLite database is refused with a message
naming the file and the newest backup to restore; the file itself is left exactly as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.errors import StoreError
from app.store.migrations import backups_dir

SQLITE_MAGIC = b"SQLite format 3\x00"


def newest_backup(database: Path) -> Path | None:
    """The most recent backup of ``database`` in its backups folder (None when there is none)."""
    folder = backups_dir(database)
    candidates = [p for p in folder.glob("*.db") if p.is_file()] if folder.is_dir() else []
    return max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)


def restore_hint(database: Path) -> str:
    """What the user can do about a database the app cannot use."""
    newest = newest_backup(database)
    if newest is not None:
        return (
            f"It was left untouched. Restore the newest backup with `persona-tutor restore {newest}`, "
            "or move the file away to start a new database."
        )
    return f"It was left untouched. No backup was found in {backups_dir(database)}; move the file away to start anew."


def check_database_file(database: Path) -> None:
    """Raise StoreError unless ``database`` is missing, empty, or an SQLite file with Persona Tutor's schema history."""
    if database.is_dir():
        raise StoreError(f"{database} is a folder, not a Persona Tutor database.")
    try:
        with database.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot read the database {database}: {exc.strerror or exc}") from exc
    if not head:
        return  # a new database: SQLite writes the header on the first transaction
    if head != SQLITE_MAGIC:
        raise StoreError(f"{database} is not a Persona Tutor database (not an SQLite file). {restore_hint(database)}")
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{database} is damaged ({exc}). {restore_hint(database)}") from exc
    if tables and "schema_migrations" not in tables:
        raise StoreError(
            f"{database} is an SQLite database of another program, not Persona Tutor's. {restore_hint(database)}"
        )
