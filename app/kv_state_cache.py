"""Saved llama.cpp KV states, so a reopened or switched-to conversation does not re-read its whole history.

A snapshot is the token list the context holds plus llama.cpp's state of sequence 0, and the context window's
cut that produced those tokens (how many old turns an overflow had dropped): after a restart the next prompt is
cut at the same turn, so it starts with the tokens the snapshot holds. It stays valid as long
as the model file and context size are the same: when history, persona or lorebook changed, the engine only
reuses the longest common token prefix, so a stale snapshot is never wrong, merely less useful. The last few
snapshots stay in RAM (switching is instant); all are written to the cache folder, capped by size (oldest
first out).
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"PTKV1\n"
DEFAULT_MAX_DISK_BYTES = 1 << 30
DEFAULT_RAM_SLOTS = 3


@dataclass(frozen=True)
class KvSnapshot:
    """What a context holds: ``tokens`` evaluated by ``model_key``, llama.cpp's bytes for them, and the
    conversation's window ``cut`` when they were evaluated (see :class:`app.context_window.ContextWindow`)."""

    model_key: str
    tokens: tuple[int, ...]
    data: bytes
    cut: int = 0

    @property
    def size(self) -> int:
        return len(self.data) + 4 * len(self.tokens)


def encode(snapshot: KvSnapshot) -> bytes:
    header = json.dumps(
        {"model_key": snapshot.model_key, "n_tokens": len(snapshot.tokens), "cut": snapshot.cut}
    ).encode("utf-8")
    tokens = struct.pack(f"<{len(snapshot.tokens)}i", *snapshot.tokens)
    return MAGIC + struct.pack("<I", len(header)) + header + tokens + snapshot.data


def decode(blob: bytes) -> KvSnapshot:
    """The snapshot in ``blob``; ValueError if it is not one."""
    if not blob.startswith(MAGIC):
        raise ValueError("not a KV state file")
    offset = len(MAGIC)
    (header_len,) = struct.unpack_from("<I", blob, offset)
    offset += 4
    header = json.loads(blob[offset : offset + header_len].decode("utf-8"))
    offset += header_len
    count = int(header["n_tokens"])
    if count < 0 or offset + 4 * count > len(blob):
        raise ValueError("truncated KV state file")
    tokens = struct.unpack_from(f"<{count}i", blob, offset)
    offset += 4 * count
    cut = int(header.get("cut", 0))  # files written before the cut was saved hold none
    if cut < 0:
        raise ValueError("damaged KV state file")
    return KvSnapshot(str(header["model_key"]), tuple(tokens), blob[offset:], cut)


class KvStateCache:
    """Snapshots by conversation id: a few in RAM, all on disk under ``folder`` within ``max_disk_bytes``."""

    def __init__(
        self, folder: Path, max_disk_bytes: int = DEFAULT_MAX_DISK_BYTES, ram_slots: int = DEFAULT_RAM_SLOTS
    ) -> None:
        self.folder = folder
        self.max_disk_bytes = max_disk_bytes
        self.ram_slots = ram_slots
        self._ram: OrderedDict[int, KvSnapshot] = OrderedDict()

    def _path(self, conversation_id: int) -> Path:
        return self.folder / f"conversation-{conversation_id}.kv"

    def put(self, conversation_id: int, snapshot: KvSnapshot, *, to_disk: bool = True) -> None:
        self._ram[conversation_id] = snapshot
        self._ram.move_to_end(conversation_id)
        while len(self._ram) > self.ram_slots:
            self._ram.popitem(last=False)
        if to_disk:
            self._write(conversation_id, snapshot)

    def get(self, conversation_id: int, model_key: str) -> KvSnapshot | None:
        """The snapshot of this conversation for this model, from RAM or disk; None when there is none."""
        snapshot = self._ram.get(conversation_id)
        if snapshot is None:
            snapshot = self._read(conversation_id)
        if snapshot is None or snapshot.model_key != model_key:
            return None
        self.put(conversation_id, snapshot, to_disk=False)
        return snapshot

    def forget(self, conversation_id: int) -> None:
        self._ram.pop(conversation_id, None)
        self._path(conversation_id).unlink(missing_ok=True)

    def _read(self, conversation_id: int) -> KvSnapshot | None:
        path = self._path(conversation_id)
        try:
            snapshot = decode(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, struct.error, UnicodeDecodeError):
            path.unlink(missing_ok=True)  # a damaged cache file is only a lost speed-up
            return None
        os.utime(path)  # recently used: evicted last
        return snapshot

    def _write(self, conversation_id: int, snapshot: KvSnapshot) -> None:
        if snapshot.size > self.max_disk_bytes:
            return
        path = self._path(conversation_id)
        partial = path.with_name(path.name + ".tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(encode(snapshot))
            os.replace(partial, path)
            self._evict()
        except OSError:
            # disk full or read-only cache: the state is still in RAM, and nothing the user wrote depends on it
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)

    def _evict(self) -> None:
        files = sorted(self.folder.glob("conversation-*.kv"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        total = sum(p.stat().st_size for p in files)
        for path in files:
            if total <= self.max_disk_bytes:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)
