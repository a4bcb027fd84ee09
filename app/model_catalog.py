"""The curated catalog of downloadable instruct GGUFs, and an honest "fits your machine" for each.

The catalog is data (``app/data/catalog.json``, versioned): each entry names its Hugging Face repo, file, pinned
revision, size, sha256, license, languages and the RAM it needs. Unknown keys are reported, not ignored; a field
nobody could check is ``null`` and the entry says ``"verified": false``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from app.errors import ModelError

CATALOG_VERSION = 1
_REQUIRED = {
    "id": str,
    "name": str,
    "repo": str,
    "file": str,
    "size": int,
    "verified": bool,
    "parameters": str,
    "quant": str,
    "license": str,
    "languages": list,
    "ram_mb": int,
}
_OPTIONAL = {"revision", "sha256"}
_HEX40 = re.compile(r"[0-9a-f]{40}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
COMFORT = 0.75
"""The share of free memory a recommended model may take, leaving room for the app and the system."""


@dataclass(frozen=True)
class CatalogEntry:
    """One downloadable model."""

    id: str
    name: str
    repo: str
    file: str
    revision: str | None
    size: int
    sha256: str | None
    verified: bool
    parameters: str
    quant: str
    license: str
    languages: tuple[str, ...]
    ram_mb: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "repo": self.repo,
            "file": self.file,
            "revision": self.revision,
            "size": self.size,
            "sha256": self.sha256,
            "verified": self.verified,
            "parameters": self.parameters,
            "quant": self.quant,
            "license": self.license,
            "languages": list(self.languages),
            "ram_mb": self.ram_mb,
        }


@dataclass(frozen=True)
class Machine:
    """Memory a model can use here: free RAM, and free VRAM when llama.cpp was built with GPU offload."""

    free_ram_mb: int
    free_vram_mb: int | None

    @property
    def usable_mb(self) -> int:
        return max(self.free_ram_mb, self.free_vram_mb or 0)


@dataclass(frozen=True)
class Fit:
    """Whether one catalog entry fits a machine, and whether it is the recommended pick."""

    entry: CatalogEntry
    fits: bool
    recommended: bool
    installed: bool

    def to_json(self) -> dict[str, object]:
        return {**self.entry.to_json(), "fits": self.fits, "recommended": self.recommended, "installed": self.installed}


def bundled_catalog_path() -> Path:
    return Path(str(resources.files("app").joinpath("data/catalog.json")))


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """Read and validate the catalog; any problem is a :class:`ModelError` naming the file, entry and key."""
    path = path or bundled_catalog_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"The model catalog {path} cannot be read: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != CATALOG_VERSION:
        raise ModelError(f"The model catalog {path} is not a version {CATALOG_VERSION} catalog.")
    unknown = set(data) - {"version", "notes", "models"}
    if unknown:
        raise ModelError(f"The model catalog {path} has unknown keys: {', '.join(sorted(unknown))}.")
    models = data.get("models")
    if not isinstance(models, list) or not models:
        raise ModelError(f"The model catalog {path} has no 'models' list.")
    entries = [_entry(path, index, raw) for index, raw in enumerate(models)]
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ModelError(f"The model catalog {path} lists these ids twice: {', '.join(duplicates)}.")
    return entries


def _entry(path: Path, index: int, raw: Any) -> CatalogEntry:
    where = f"The model catalog {path}, entry {index + 1}"
    if not isinstance(raw, dict):
        raise ModelError(f"{where} is not an object.")
    where = f"{where} ({raw.get('id', '?')})"
    unknown = set(raw) - set(_REQUIRED) - _OPTIONAL
    if unknown:
        raise ModelError(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
    for key, kind in _REQUIRED.items():
        value = raw.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ModelError(f"{where}: '{key}' should be a {kind.__name__}, not {value!r}.")
    revision, sha256 = raw.get("revision"), raw.get("sha256")
    if revision is not None and not (isinstance(revision, str) and _HEX40.fullmatch(revision)):
        raise ModelError(f"{where}: 'revision' should be a 40-character commit hash or null.")
    if sha256 is not None and not (isinstance(sha256, str) and _HEX64.fullmatch(sha256)):
        raise ModelError(f"{where}: 'sha256' should be 64 lowercase hex digits or null.")
    if raw["verified"] and (revision is None or sha256 is None):
        raise ModelError(f"{where}: an entry with no revision or sha256 cannot be 'verified'.")
    if not raw["file"].endswith(".gguf"):
        raise ModelError(f"{where}: 'file' should be a .gguf file.")
    if not all(isinstance(lang, str) for lang in raw["languages"]):
        raise ModelError(f"{where}: 'languages' should be a list of language codes.")
    return CatalogEntry(
        id=raw["id"],
        name=raw["name"],
        repo=raw["repo"],
        file=raw["file"],
        revision=revision,
        size=raw["size"],
        sha256=sha256,
        verified=raw["verified"],
        parameters=raw["parameters"],
        quant=raw["quant"],
        license=raw["license"],
        languages=tuple(raw["languages"]),
        ram_mb=raw["ram_mb"],
    )


# --- the machine --------------------------------------------------------------------------------------------


def free_ram_mb(meminfo: Path = Path("/proc/meminfo")) -> int:
    """Memory available to a new process (``MemAvailable``), else free pages from ``sysconf``."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (OSError, ValueError):
        return 0


def free_vram_mb(gpu_offload: Callable[[], bool] | None = None) -> int | None:
    """Free GPU memory when this llama.cpp build can offload to a GPU (asked of ``nvidia-smi``); else ``None``."""
    if gpu_offload is None:
        import llama_cpp

        gpu_offload = llama_cpp.llama_supports_gpu_offload
    if not gpu_offload():
        return None
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    try:
        result = subprocess.run(
            [smi, "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return max(int(line) for line in result.stdout.split())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def this_machine() -> Machine:
    return Machine(free_ram_mb=free_ram_mb(), free_vram_mb=free_vram_mb())


def fits(entries: list[CatalogEntry], machine: Machine, installed_files: set[str] | None = None) -> list[Fit]:
    """Each entry with whether it fits ``machine``; the recommended pick is the largest that fits comfortably.

    "Comfortably" is :data:`COMFORT` of the usable memory; when nothing fits comfortably the smallest model that
    fits at all is recommended, and when nothing fits, none is.
    """
    usable = machine.usable_mb
    fitting = [e for e in entries if e.ram_mb <= usable]
    comfortable = [e for e in fitting if e.ram_mb <= usable * COMFORT]
    pick: CatalogEntry | None = None
    if comfortable:
        pick = max(comfortable, key=lambda e: e.ram_mb)
    elif fitting:
        pick = min(fitting, key=lambda e: e.ram_mb)
    have = installed_files or set()
    return [Fit(e, e in fitting, e is pick, e.file in have) for e in entries]


def find_entry(entries: list[CatalogEntry], repo: str, file: str) -> CatalogEntry | None:
    return next((e for e in entries if e.repo == repo and e.file == file), None)
