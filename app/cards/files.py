"""Card files on disk: read any supported format (JSON, PNG, CHARX) and write one atomically.

The format is recognised from the file's content (its first bytes), the suffix only breaks ties (a zip is a
CHARX unless it is named ``.byaf``, a Backyard AI archive); every
failure is a :class:`PersonaError` that names the file and the reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.cards import byaf, charx, png_chunks
from app.cards.formats import (
    MAX_CARD_JSON_BYTES,
    decode_base64,
    encode_base64,
    normalize,
    parse_json_bytes,
    to_json_bytes,
    v2_backfill,
)
from app.errors import PersonaError

MAX_FILE_BYTES = 64 * 1024 * 1024
EXPORT_SUFFIXES = (".png", ".json", ".charx")


@dataclass(frozen=True)
class LoadedCard:
    """A normalized V3-shaped card and the PNG avatar that came with it (``None`` for JSON cards)."""

    card: dict[str, Any]
    avatar_png: bytes | None


def read_png(blob: bytes) -> LoadedCard:
    payload = png_chunks.card_text(png_chunks.read_chunks(blob))
    if payload is None:
        raise PersonaError("no card data in this PNG (it has no 'chara' or 'ccv3' text chunk)")
    if len(payload) > MAX_CARD_JSON_BYTES * 4 // 3 + 4:
        raise PersonaError("the card data is larger than 8 MB")
    return LoadedCard(parse_json_bytes(decode_base64(payload)), blob)


def read_bytes(blob: bytes, suffix: str) -> LoadedCard:
    """A card from a file's bytes; ``suffix`` (lower case, with the dot) is used only when the content is unclear."""
    if blob.startswith(png_chunks.SIGNATURE):
        return read_png(blob)
    if suffix == ".byaf":
        return LoadedCard(*byaf.read_byaf(blob))
    if blob.startswith(b"PK\x03\x04") or suffix == ".charx":
        return LoadedCard(*charx.read_charx(blob))
    if suffix == ".png":
        return read_png(blob)  # reports the bad signature
    if suffix in (".json", "") or blob.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return LoadedCard(parse_json_bytes(blob), None)
    raise PersonaError(f"unsupported card file type {suffix or '(no suffix)'!r}; use PNG, JSON, CHARX or BYAF")


def read_card_file(path: Path) -> LoadedCard:
    """Read and normalize the card in ``path``; a :class:`PersonaError` names the file on any problem."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PersonaError("the file is larger than 64 MB")
        return read_bytes(path.read_bytes(), path.suffix.lower())
    except PersonaError as exc:
        raise PersonaError(f"{path.name}: {exc}") from None
    except OSError as exc:
        raise PersonaError(f"{path.name}: cannot read the card ({exc.strerror or exc})") from None


def card_bytes(card: dict[str, Any], suffix: str, avatar_png: bytes) -> bytes:
    """``card`` serialized for a ``.json``, ``.png`` (embedded in ``avatar_png``) or ``.charx`` file."""
    card = normalize(card)
    if suffix == ".json":
        return to_json_bytes(card) + b"\n"
    if suffix == ".png":
        # V3 in ccv3, and a V2 backfill in chara so that V2-only readers still open it
        return png_chunks.embed(avatar_png, {"chara": encode_base64(v2_backfill(card)), "ccv3": encode_base64(card)})
    if suffix == ".charx":
        return charx.write_charx(card, avatar_png)
    raise PersonaError(f"cannot export to {suffix or 'a file without suffix'!r}; use .png, .json or .charx")


def write_atomic(path: Path, blob: bytes) -> None:
    """Write ``blob`` to ``path`` through a ``.tmp`` file and a rename, so a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(blob)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PersonaError(f"{path.name}: cannot write ({exc.strerror or exc})") from None


__all__ = ["EXPORT_SUFFIXES", "LoadedCard", "card_bytes", "read_bytes", "read_card_file", "write_atomic"]
