"""Persona cards: the built-in cards in ``personas/`` and the user's own in the user personas folder.

A persona's id is its file name without the extension. Cards in any community format (Character Card V1, V2,
V3 as JSON, PNG or CHARX; see :mod:`app.cards`) are normalized to one V3-shaped card; a :class:`Persona` is
the view of it that the prompt builder and the GUI use, with the normalized card kept in ``card``.
Imported cards are stored as ``<id>.json`` (the normalized card) plus ``<id>.png`` (their avatar, if any).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.cards import files, macros
from app.cards.formats import normalize, to_json_bytes, v2_backfill
from app.cards.png_chunks import solid_png
from app.errors import PersonaError
from app.paths import bundled_dir

DEFAULT_PERSONA_ID = "xiaomiao"  # listed first, so front-ends open with it
_CJK = re.compile(r"[\u3400-\u9fff]")
_MAX_ID_CHARS = 40


@dataclass(frozen=True)
class Persona:
    """A character the tutor plays, with our ``persona_tutor`` extension when the card has one."""

    id: str
    name: str
    description: str = ""
    personality: str = ""
    scenario: str = ""
    first_mes: str = ""
    mes_example: str = ""
    system_prompt: str = ""
    post_history_instructions: str = ""
    creator_notes: str = ""
    tutor: dict[str, Any] = field(default_factory=dict)
    builtin: bool = False
    alternate_greetings: tuple[str, ...] = ()
    nickname: str = ""
    character_book: dict[str, Any] | None = None
    card: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    avatar: Path | None = None  # an image: SVG for built-ins, the imported PNG for own cards

    @property
    def language(self) -> str:
        """``zh`` or ``en`` from the tutor extension, else guessed from the card text."""
        declared = str(self.tutor.get("language", ""))
        if declared:
            return declared
        sample = self.description + self.first_mes + self.name
        return "zh" if len(_CJK.findall(sample)) * 4 > len(sample.strip()) else "en"

    @property
    def tagline(self) -> str:
        """The tutor extension's tagline, else the first line of the creator's notes (cut to 80 characters)."""
        declared = str(self.tutor.get("tagline", ""))
        if declared or not self.creator_notes.strip():
            return declared
        line = self.creator_notes.strip().splitlines()[0].strip()
        return line if len(line) <= 80 else line[:79].rstrip() + "…"

    @property
    def suggested_topics(self) -> list[str]:
        return [str(t) for t in self.tutor.get("suggested_topics", [])]

    @property
    def greetings(self) -> list[str]:
        """The opening messages a learner can switch between: ``first_mes``, then the alternate greetings."""
        return [g for g in (self.first_mes, *self.alternate_greetings) if g.strip()]

    def fill(self, text: str, user: str, original: str = "") -> str:
        """Replace ``{{char}}``/``{{user}}``, ``<BOT>``/``<USER>`` and ``{{original}}``, as Tavern front-ends do."""
        return macros.fill(text, self.nickname or self.name, user, original)


def _tutor_extension(extensions: dict[str, Any]) -> dict[str, Any]:
    tutor = extensions.get("persona_tutor", {})
    return tutor if isinstance(tutor, dict) else {}


def parse_card(raw: dict[str, Any], persona_id: str, *, builtin: bool = False, avatar: Path | None = None) -> Persona:
    """Turn a card's JSON object (V1 flat, V2 or V3 with ``data``) into a :class:`Persona`."""
    return _persona(normalize(raw), persona_id, builtin, avatar)


def _persona(card: dict[str, Any], persona_id: str, builtin: bool, avatar: Path | None) -> Persona:
    """A :class:`Persona` over ``card``, already normalized (and owned: the persona keeps it)."""
    data = card["data"]
    nickname = data.get("nickname")
    return Persona(
        id=persona_id,
        name=data["name"].strip(),
        description=data["description"],
        personality=data["personality"],
        scenario=data["scenario"],
        first_mes=data["first_mes"],
        mes_example=data["mes_example"],
        system_prompt=data["system_prompt"],
        post_history_instructions=data["post_history_instructions"],
        creator_notes=data["creator_notes"],
        tutor=_tutor_extension(data["extensions"]),
        builtin=builtin,
        alternate_greetings=tuple(data["alternate_greetings"]),
        nickname=nickname.strip() if isinstance(nickname, str) else "",
        character_book=data.get("character_book"),
        card=card,
        avatar=avatar,
    )


def _avatar_for(path: Path, builtin: bool) -> Path | None:
    candidates = (
        [path.parent / "avatars" / f"{path.stem}.svg", path.parent / "avatars" / f"{path.stem}.png"]
        if builtin
        else [path.with_suffix(".png")]
    )
    return next((c for c in candidates if c.is_file()), None)


def card_hash(persona: Persona) -> str:
    """A fingerprint of what the card says (sha256 of its normalized JSON): two runs with the same hash used the
    same version of the card, whatever its file or id."""
    text = json.dumps(persona.card, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_card_file(path: Path, *, builtin: bool = False) -> Persona:
    """Read one card file (JSON, PNG, CHARX or BYAF); every problem becomes a :class:`PersonaError` naming the file."""
    loaded = files.read_card_file(path)  # normalized already
    avatar = path if path.suffix.lower() == ".png" else _avatar_for(path, builtin)
    return _persona(loaded.card, path.stem, builtin, avatar)


def _slug(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.casefold()).strip("-_")[:_MAX_ID_CHARS].strip("-_")
    return slug or "persona"


def _plain_id(persona_id: str) -> bool:
    return bool(persona_id) and Path(persona_id).name == persona_id and not persona_id.startswith(".")


def placeholder_avatar(persona: Persona) -> bytes:
    """A plain disc in a colour of the persona's id, for exporting a PNG card that has no PNG avatar."""
    seed = sum(persona.id.encode("utf-8")) * 2654435761
    rgb = (80 + seed % 150, 80 + (seed >> 8) % 150, 80 + (seed >> 16) % 150)
    return solid_png(256, 256, rgb, ring=(245, 245, 245))


_Listing = tuple[os.stat_result, bool]  # a card file's stat, and whether a PNG of the same name is beside it


def _card_files(folder: Path) -> dict[str, tuple[os.DirEntry[str], bool]]:
    """The ``*.json`` files of ``folder`` by stem, each with whether ``<stem>.png`` is beside it: one directory
    read instead of a few system calls per card."""
    try:
        with os.scandir(folder) as scan:
            entries = {entry.name: entry for entry in scan}
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return {
        name[: -len(".json")]: (entry, name[: -len(".json")] + ".png" in entries)
        for name, entry in entries.items()
        if name.endswith(".json")
    }


def _builtin_order(stem: str) -> tuple[bool, str]:
    return stem != DEFAULT_PERSONA_ID, stem


class PersonaLibrary:
    """The built-in personas plus the user's own, by id (a user card with a built-in's id does not hide it)."""

    def __init__(self, user_dir: Path | None = None, builtin_dir: Path | None = None) -> None:
        self._builtin_dir = builtin_dir or bundled_dir("personas")
        self._user_dir = user_dir
        self._loaded: dict[str, tuple[tuple[int, ...], Persona]] = {}

    def _load(self, path: str, builtin: bool, listed: _Listing | None = None) -> Persona:
        """A card file (``path``: a ``.json``), parsed once and again only when it (or its PNG avatar) changes on
        disk: the sidebar asks for a persona's name ten thousand times, the gallery for a thousand personas.
        ``listed``: what a scan of its folder already knows (its stat, whether it has a picture), to spare the
        system calls; paths stay strings until a card is read (making a thousand ``Path`` objects shows)."""
        picture = path[: -len(".json")] + ".png"
        stat, has_picture = listed if listed is not None else (os.stat(path), os.path.isfile(picture))
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size, os.stat(picture).st_mtime_ns if has_picture else 0)
        cached = self._loaded.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        persona = load_card_file(Path(path), builtin=builtin)
        self._loaded[path] = (stamp, persona)
        return persona

    def all(self) -> list[Persona]:
        """The built-ins (the default persona first, then by id), then the user's own by id."""
        return list(self.each())

    def each(self) -> Iterator[Persona]:
        """:meth:`all` one persona at a time, for a caller that shows them as they are read (a thousand card
        files take a while the first time): the folders are listed once, when the first persona is asked for."""
        for entry, has_picture, builtin in self._listed():
            yield self._load(entry.path, builtin, (entry.stat(), has_picture))

    def listing(self) -> list[tuple[str, Path | None]]:
        """Each persona's id and picture (as :attr:`Persona.avatar`), in :meth:`all`'s order, without opening a
        card file: a picker lists a thousand personas at once and reads their names as it goes."""
        listed: list[tuple[str, Path | None]] = []
        for entry, has_picture, builtin in self._listed():  # strings, not Paths: a thousand Paths show
            stem = entry.name[: -len(".json")]
            if builtin:
                listed.append((stem, _avatar_for(Path(entry.path), builtin=True)))
            else:
                listed.append((stem, Path(entry.path[: -len(".json")] + ".png") if has_picture else None))
        return listed

    def _listed(self) -> Iterator[tuple[os.DirEntry[str], bool, bool]]:
        """The card files in :meth:`all`'s order: each with whether a PNG is beside it and whether it is built in."""
        seen: set[str] = set()
        folders = [(self._builtin_dir, True), *([(self._user_dir, False)] if self._user_dir else [])]
        for folder, builtin in folders:
            cards = _card_files(folder)
            order = sorted(cards, key=_builtin_order if builtin else lambda stem: stem + ".json")  # by file name
            for stem in order:
                if stem not in seen:
                    seen.add(stem)
                    entry, has_picture = cards[stem]
                    yield entry, has_picture, builtin

    def get(self, persona_id: str) -> Persona:
        for folder, builtin in ((self._builtin_dir, True), (self._user_dir, False)):
            if folder is None or not _plain_id(persona_id):
                continue  # an id is a plain file name, never a path
            path = folder / f"{persona_id}.json"
            if path.is_file():
                return self._load(str(path), builtin)
        raise PersonaError(f"No persona with the id {persona_id!r}; see `persona-tutor personas list`.")

    def _taken(self, persona_id: str) -> bool:
        folders = [self._builtin_dir, *([self._user_dir] if self._user_dir else [])]
        return any((f / f"{persona_id}.{ext}").exists() for f in folders for ext in ("json", "png"))

    def _fresh_id(self, name: str) -> str:
        base = _slug(name)
        persona_id, n = base, 1
        while self._taken(persona_id):
            n += 1
            persona_id = f"{base}-{n}"
        return persona_id

    def _require_user_dir(self) -> Path:
        if self._user_dir is None:
            raise PersonaError("There is no user personas folder to write to.")
        return self._user_dir

    def _write(self, persona_id: str, card: dict[str, Any], avatar_png: bytes | None, what: str) -> Persona:
        """Write ``<id>.png`` (when given) then ``<id>.json``: a persona exists once its card does."""
        user_dir = self._require_user_dir()
        avatar = user_dir / f"{persona_id}.png"
        had_avatar = avatar.exists()
        try:
            user_dir.mkdir(parents=True, exist_ok=True)
            if avatar_png is not None:
                files.write_atomic(avatar, avatar_png)
            files.write_atomic(user_dir / f"{persona_id}.json", files.card_bytes(card, ".json", b""))
        except (PersonaError, OSError) as exc:
            if not had_avatar:
                avatar.unlink(missing_ok=True)
            raise PersonaError(f"{what}: cannot save ({exc})") from None
        return self.get(persona_id)

    def import_file(self, path: Path) -> Persona:
        """Copy the card in ``path`` into the user's folder under a fresh id; nothing is written if it is bad."""
        if self._user_dir is None:
            raise PersonaError("There is no user personas folder to import into.")
        loaded = files.read_card_file(path)
        persona_id = self._fresh_id(loaded.card["data"]["name"])
        try:
            return self._write(persona_id, loaded.card, loaded.avatar_png, path.name)
        except PersonaError as exc:
            raise PersonaError(str(exc).replace("cannot save", "cannot import")) from None

    def save(self, card: dict[str, Any], persona_id: str | None = None, avatar_png: bytes | None = None) -> Persona:
        """Save ``card`` (any card shape; validated first) as the user's own persona and return it.

        With ``persona_id`` it replaces that own card (built-ins are read-only); without, it becomes a new
        persona with an id made from its name. ``avatar_png`` replaces the picture; ``None`` keeps the one it has.
        """
        normalized = normalize(card)
        if persona_id is None:
            persona_id = self._fresh_id(normalized["data"]["name"])
        elif self._is_builtin(persona_id):
            raise PersonaError(f"{persona_id!r} is a built-in persona and cannot be changed; save a copy instead.")
        elif not _plain_id(persona_id) or not (self._require_user_dir() / f"{persona_id}.json").is_file():
            raise PersonaError(f"No own persona with the id {persona_id!r} to save over.")
        return self._write(persona_id, normalized, avatar_png, normalized["data"]["name"])

    def duplicate(self, persona_id: str) -> Persona:
        """A copy of any persona (a built-in too) as a new own persona, picture included, named "… (copy)"."""
        persona = self.get(persona_id)
        card = normalize(persona.card)
        card["data"]["name"] = f"{persona.name} (copy)"
        return self.save(card, avatar_png=self.avatar_png(persona_id))

    def delete(self, persona_id: str) -> None:
        """Remove an own persona (its card, then its picture); built-ins cannot be deleted."""
        if self._is_builtin(persona_id):
            raise PersonaError(f"{persona_id!r} is a built-in persona and cannot be deleted.")
        user_dir = self._require_user_dir()
        card = user_dir / f"{persona_id}.json"
        if not _plain_id(persona_id) or not card.is_file():
            raise PersonaError(f"No own persona with the id {persona_id!r}.")
        try:
            card.unlink()
            (user_dir / f"{persona_id}.png").unlink(missing_ok=True)
        except OSError as exc:
            raise PersonaError(f"{persona_id}: cannot delete ({exc.strerror or exc})") from None

    def _is_builtin(self, persona_id: str) -> bool:
        return _plain_id(persona_id) and (self._builtin_dir / f"{persona_id}.json").is_file()

    def avatar_png(self, persona_id: str) -> bytes | None:
        """The persona's picture as PNG bytes (a built-in's PNG render of its SVG), or ``None`` when it has none."""
        avatar = self.get(persona_id).avatar
        if avatar is not None and avatar.with_suffix(".png").is_file():
            return avatar.with_suffix(".png").read_bytes()
        return None

    def export(self, persona_id: str, out: Path, *, json_version: int = 3) -> None:
        """Write persona ``persona_id`` to ``out`` as ``.png`` (card in its avatar), ``.json`` or ``.charx``.

        ``json_version=2`` writes a ``.json`` as a Character Card V2 for older readers.
        """
        persona = self.get(persona_id)
        suffix = out.suffix.lower()
        if suffix not in files.EXPORT_SUFFIXES:
            raise PersonaError(
                f"{out.name}: cannot export to {suffix or 'a file without suffix'!r}; use .png, .json or .charx"
            )
        if suffix == ".json" and json_version == 2:
            files.write_atomic(out, to_json_bytes(v2_backfill(persona.card)) + b"\n")
            return
        avatar = self.avatar_png(persona_id)  # built-ins ship a PNG render of their SVG
        files.write_atomic(out, files.card_bytes(persona.card, suffix, avatar or placeholder_avatar(persona)))
