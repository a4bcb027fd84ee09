"""Backup and restore of the whole database with SQLite's online backup API.

A backup is a consistent copy even while the app is writing. A restore first checks that the file is a sound
Persona Tutor database this version can open, keeps the current database as a timestamped backup, then copies
the file in and upgrades it to the newest schema.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from app.errors import StoreError
from app.store.migrations import KNOWN, applied, backup_to, migrate, timestamped


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def backup_database(database: Path, out: Path) -> Path:
    """Copy ``database`` to ``out`` (replacing it atomically)."""
    if not database.is_file():
        raise StoreError(f"There is no database to back up yet ({database}).")
    if out.resolve() == database.resolve():
        raise StoreError(f"{out} is the live database; choose another file for the backup.")
    if out.is_dir():
        raise StoreError(f"{out} is a folder; give the backup a file name, e.g. {out / 'persona-tutor-backup.db'}.")
    source = sqlite3.connect(database)
    try:
        return backup_to(source, out)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot back up {database} to {out}: {exc}") from exc
    finally:
        source.close()


def validate_backup(path: Path) -> None:
    """Raise StoreError naming ``path`` and the reason unless it is a sound database this app can open."""
    if not path.is_file():
        raise StoreError(f"{path} does not exist.")
    try:
        connection = _open_read_only(path)
        try:
            check = connection.execute("PRAGMA integrity_check").fetchone()[0]
            names = applied(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a Persona Tutor database or is damaged ({exc}).") from exc
    if check != "ok":
        raise StoreError(f"{path} is damaged (integrity check: {check}).")
    if not names or names[0] != KNOWN[0]:
        raise StoreError(f"{path} is an SQLite file but not a Persona Tutor database (no schema history).")
    newer = [name for name in names if name not in KNOWN]
    if newer:
        raise StoreError(f"{path} was written by a newer Persona Tutor (schema {newer[-1]}); update the app first.")


def _keep_current(database: Path) -> Path:
    """Keep the database about to be replaced in the backups folder; a damaged one byte for byte, then removed."""
    try:
        current = sqlite3.connect(database)
        try:
            return backup_to(current, timestamped(database, "before-restore"))
        finally:
            current.close()
    except sqlite3.DatabaseError:
        kept = timestamped(database, "damaged")
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(database, kept)
        for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        return kept


def restore_database(database: Path, backup: Path) -> Path | None:
    """Replace ``database`` with ``backup``; returns where the previous database was kept (None if there was none)."""
    validate_backup(backup)
    if database.exists() and backup.resolve() == database.resolve():
        raise StoreError(f"{backup} is the live database already.")
    kept = None
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        if database.is_file():
            kept = _keep_current(database)
        source = _open_read_only(backup)
        target = sqlite3.connect(database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot restore {backup} into {database}: {exc}") from exc
    migrate(database)
    return kept
