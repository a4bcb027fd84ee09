"""Copy bytes into a file while hashing them: the shared step of assembling and importing models."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

BLOCK = 4 * 1024 * 1024


def write_hashed(sources: Sequence[Path], out_path: Path, progress: Callable[[int, int], None] | None = None) -> str:
    """Concatenate ``sources`` into ``out_path`` (flushed to disk) and return the sha256 of what was written.

    The caller decides where ``out_path`` lives (a ``.tmp`` beside the target) and renames it into place.
    """
    digest = hashlib.sha256()
    total = sum(source.stat().st_size for source in sources)
    done = 0
    with out_path.open("wb") as out:
        for source in sources:
            with source.open("rb") as chunk:
                while block := chunk.read(BLOCK):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()
