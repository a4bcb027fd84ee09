"""PNG chunks, read and written by hand: enough to find, replace and embed card text without an imaging library.

A card travels in ``tEXt`` chunks (keyword ``chara`` for V1/V2 JSON, ``ccv3`` for V3), each holding base64
JSON. Reading walks the chunk list with bounds checks and verifies CRCs; writing frames new chunks with
``struct`` and ``zlib.crc32`` so that any PNG reader accepts the result.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from app.errors import PersonaError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CARD_KEYWORDS = ("chara", "ccv3")
MAX_CHUNKS = 100_000


@dataclass(frozen=True)
class Chunk:
    type: bytes
    data: bytes

    def encode(self) -> bytes:
        return (
            struct.pack(">I", len(self.data))
            + self.type
            + self.data
            + struct.pack(">I", zlib.crc32(self.type + self.data) & 0xFFFFFFFF)
        )


def read_chunks(png: bytes) -> list[Chunk]:
    """All chunks up to ``IEND``; a truncated, oversized or corrupt chunk is a :class:`PersonaError`."""
    if not png.startswith(SIGNATURE):
        raise PersonaError("not a PNG image (bad signature)")
    chunks: list[Chunk] = []
    pos = len(SIGNATURE)
    while True:
        if pos + 8 > len(png):
            raise PersonaError("the PNG image is truncated (no IEND chunk)")
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        end = pos + 8 + length
        if end + 4 > len(png):
            raise PersonaError(f"the PNG chunk {kind!r} runs past the end of the file")
        data = png[pos + 8 : end]
        (crc,) = struct.unpack(">I", png[end : end + 4])
        if crc != zlib.crc32(kind + data) & 0xFFFFFFFF:
            raise PersonaError(f"the PNG chunk {kind.decode('latin-1')!r} is corrupt (bad CRC)")
        chunks.append(Chunk(kind, data))
        pos = end + 4
        if kind == b"IEND":
            return chunks
        if len(chunks) > MAX_CHUNKS:
            raise PersonaError("the PNG image has too many chunks")


def text_chunks(chunks: list[Chunk]) -> list[tuple[str, bytes]]:
    """``(keyword, text bytes)`` of every ``tEXt`` chunk, in file order."""
    found = []
    for chunk in chunks:
        if chunk.type != b"tEXt":
            continue
        keyword, sep, text = chunk.data.partition(b"\x00")
        if sep:
            found.append((keyword.decode("latin-1"), text))
    return found


def card_text(chunks: list[Chunk]) -> bytes | None:
    """The card payload: the first ``ccv3`` chunk if any, otherwise the first ``chara`` (as SillyTavern reads)."""
    texts = text_chunks(chunks)
    for wanted in ("ccv3", "chara"):
        for keyword, text in texts:
            if keyword.lower() == wanted:
                return text
    return None


def text_chunk(keyword: str, text: bytes) -> Chunk:
    return Chunk(b"tEXt", keyword.encode("latin-1") + b"\x00" + text)


def embed(png: bytes, texts: dict[str, bytes]) -> bytes:
    """``png`` without its old card chunks and with ``texts`` as new ``tEXt`` chunks just before ``IEND``."""
    chunks = [
        c
        for c in read_chunks(png)
        if not (c.type == b"tEXt" and c.data.partition(b"\x00")[0].decode("latin-1").lower() in CARD_KEYWORDS)
    ]
    extra = [text_chunk(keyword, text) for keyword, text in texts.items()]
    chunks = chunks[:-1] + extra + chunks[-1:]
    return SIGNATURE + b"".join(c.encode() for c in chunks)


def solid_png(width: int, height: int, rgb: tuple[int, int, int], ring: tuple[int, int, int] | None = None) -> bytes:
    """A small RGB image (a filled disc of ``rgb`` on ``ring`` colour when given): an avatar for cards with none."""
    rows = []
    cx, cy, radius = width / 2, height / 2, min(width, height) / 2 - 1
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius**2
            row += bytes(rgb if inside or ring is None else ring)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = [Chunk(b"IHDR", header), Chunk(b"IDAT", zlib.compress(b"".join(rows), 9)), Chunk(b"IEND", b"")]
    return SIGNATURE + b"".join(c.encode() for c in chunks)
