"""The learner's own topic packs: Markdown files in ``<data dir>/topics/``, read, written and removed here.

A pack that cannot be read is reported, not fatal: the checker goes on with every pack that can be (see
:func:`readable_packs`), and the GUI's topic pack editor names the file and the problem. A pack is saved only
once it parses, written whole to a temporary file and renamed over the old one, so a full disk or a crash never
leaves half a pack behind.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from app.checker.topic_pack import TopicPackError, UserPack, parse_markdown_pack, readable_packs, user_packs

__all__ = ["TEMPLATE", "UserPack", "delete_pack", "file_name", "readable_packs", "save_pack", "user_packs"]

TEMPLATE = """# {title}
keywords: {title}

## Facts
(One fact per line, each starting with "- ". Reference text works too: a sentence per line.)

## Misconceptions
(Optional: "- a wrong claim => what is true instead".)

## Terms
(Optional: "- english term = 中文术语".)
"""


def file_name(text: str) -> str:
    """A file name from the pack's title (its first ``# `` line): ``# Linked lists (链表)`` → ``linked-lists.md``."""
    title = next((line[2:] for line in text.splitlines() if line.startswith("# ")), "")
    title = re.split(r"[(（]", title, maxsplit=1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if not slug:  # a title in Chinese only: keep its characters
        slug = re.sub(r"[^\w]+", "-", title).strip("-") or "topic"
    return f"{slug[:60]}.md"


def save_pack(user_dir: Path, text: str, old: Path | None = None) -> Path:
    """Write the Markdown pack ``text`` (checked first) to ``user_dir``; it replaces ``old`` when given (renamed if
    its title changed). Raises :class:`TopicPackError` for a pack that does not parse or would overwrite another
    pack, and ``OSError`` when the disk refuses (nothing is changed then)."""
    target = user_dir / file_name(text)
    parse_markdown_pack(text, target.stem)  # raises with what is missing
    if target.exists() and target != old:
        raise TopicPackError(f"{target.name} already exists: give this pack another title")
    user_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=user_dir, prefix=".pack-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text if text.endswith("\n") else text + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if old is not None and old != target:
        old.unlink(missing_ok=True)
    return target


def delete_pack(path: Path) -> None:
    path.unlink(missing_ok=True)
