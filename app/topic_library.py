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
from dataclasses import dataclass
from pathlib import Path

from app.checker.topic_pack import TopicPack, TopicPackError, builtin_packs, load_pack_file, parse_markdown_pack

TEMPLATE = """# {title}
keywords: {title}

## Facts
(One fact per line, each starting with "- ". Reference text works too: a sentence per line.)

## Misconceptions
(Optional: "- a wrong claim => what is true instead".)

## Terms
(Optional: "- english term = 中文术语".)
"""


@dataclass(frozen=True)
class UserPack:
    """One file in the learner's topics folder: its pack, or why it cannot be read."""

    path: Path
    pack: TopicPack | None
    problem: str = ""


def user_packs(user_dir: Path) -> list[UserPack]:
    """The learner's packs (``.md`` and ``.json``), each read on its own, in file-name order."""
    if not user_dir.is_dir():
        return []
    found = []
    for path in sorted([*user_dir.glob("*.md"), *user_dir.glob("*.json")]):
        try:
            found.append(UserPack(path, load_pack_file(path)))
        except TopicPackError as exc:
            found.append(UserPack(path, None, str(exc)))
    return found


def readable_packs(user_dir: Path | None) -> tuple[tuple[TopicPack, ...], tuple[str, ...]]:
    """Built-in packs plus every user pack that can be read (one with a built-in id replaces it), and a message for
    each one that cannot."""
    packs = {p.id: p for p in builtin_packs()}
    problems = []
    for item in user_packs(user_dir) if user_dir is not None else []:
        if item.pack is None:
            problems.append(item.problem)
        else:
            packs[item.pack.id] = item.pack
    return tuple(packs.values()), tuple(problems)


def check_markdown(text: str, name: str = "topic") -> TopicPack:
    """The pack ``text`` describes; :class:`TopicPackError` says what is missing."""
    return parse_markdown_pack(text, name)


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
    check_markdown(text, target.stem)
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
