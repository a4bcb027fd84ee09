"""The GGUF models installed under the data dir, and how a ``--model`` argument picks one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import starter_model
from app.errors import ModelError

GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class InstalledModel:
    """One model file the app can load."""

    id: str
    path: Path
    size: int
    sha256: str | None

    @property
    def name(self) -> str:
        if self.path.name == starter_model.STARTER.file_name:
            return starter_model.STARTER.display_name
        return self.id

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "path": str(self.path),
            "size": self.size,
            "sha256": self.sha256,
        }


def _describe(path: Path) -> InstalledModel:
    sidecar = path.with_name(path.name + ".sha256")
    sha = sidecar.read_text(encoding="utf-8").strip() if sidecar.is_file() else None
    return InstalledModel(id=path.stem, path=path, size=path.stat().st_size, sha256=sha or None)


def installed_models(models_dir: Path) -> list[InstalledModel]:
    """The ``.gguf`` files in ``models_dir``, by id."""
    if not models_dir.is_dir():
        return []
    return [_describe(p) for p in sorted(models_dir.glob("*.gguf")) if p.is_file()]


def check_gguf(path: Path) -> None:
    """Reject files that cannot be a GGUF model before llama.cpp sees them."""
    if not path.is_file():
        raise ModelError(f"Model file not found: {path}")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic != GGUF_MAGIC:
        raise ModelError(f"{path} is not a GGUF model file (it does not start with 'GGUF').")


def resolve_model(
    models_dir: Path,
    model: str | None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> InstalledModel:
    """Find the model named by ``model`` (an installed id or a path); ``None`` means the default.

    The default is the first installed model, preferring the starter model; with none installed, the starter
    model is assembled from its chunk packages.
    """
    if model:
        candidate = Path(model).expanduser()
        if candidate.suffix == ".gguf" or candidate.exists():
            check_gguf(candidate)
            return _describe(candidate.resolve())
        for installed in installed_models(models_dir):
            if installed.id == model:
                return installed
        raise ModelError(f"No installed model has the id {model!r}; see `persona-tutor models list`.")
    available = installed_models(models_dir)
    starter_path = models_dir / starter_model.STARTER.file_name
    for item in available:
        if item.path == starter_path:
            return item
    if available:
        return available[0]
    return _describe(starter_model.assemble(models_dir, progress=progress))
