"""The bundled catalog is valid data; bad catalogs are reported precisely; "fits your machine" is honest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import ModelError
from app.model_catalog import (
    CatalogEntry,
    Machine,
    bundled_catalog_path,
    find_entry,
    fits,
    free_ram_mb,
    free_vram_mb,
    load_catalog,
)


def test_the_bundled_catalog_has_several_sizes_and_marks_what_is_unverified() -> None:
    entries = load_catalog()
    names = " ".join(e.name for e in entries)
    for family in ("Qwen2.5 0.5B", "Qwen2.5 1.5B", "Qwen2.5 3B", "Qwen2.5 7B", "Llama 3.2 1B", "Llama 3.2 3B"):
        assert family in names
    for family in ("Gemma 3 1B", "Gemma 3 4B", "Phi"):
        assert family in names
    assert len({e.ram_mb for e in entries}) >= 4
    for entry in entries:
        assert entry.file.endswith(".gguf")
        assert entry.languages
        assert not entry.verified or (entry.sha256 and entry.revision)
    assert any(e.sha256 and e.revision for e in entries)


def _write(tmp_path: Path, catalog: object) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    return path


def _good_entry(**changes: object) -> dict[str, object]:
    entry = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))["models"][0]
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("catalog", "reason"),
    [
        ({"version": 2, "models": [_good_entry()]}, "not a version 1"),
        ({"version": 1, "models": [_good_entry()], "extra": 1}, "unknown keys: extra"),
        ({"version": 1, "models": [_good_entry(colour="red")]}, r"entry 1 \(.*\) has unknown keys: colour"),
        ({"version": 1, "models": [_good_entry(size="big")]}, "'size' should be a int"),
        ({"version": 1, "models": [_good_entry(sha256="abc")]}, "'sha256' should be 64"),
        ({"version": 1, "models": [_good_entry(revision="main")]}, "'revision' should be a 40"),
        ({"version": 1, "models": [_good_entry(verified=True, sha256=None)]}, "cannot be 'verified'"),
        ({"version": 1, "models": [_good_entry(file="model.bin")]}, r"should be a \.gguf"),
        ({"version": 1, "models": [_good_entry(), _good_entry()]}, "twice"),
        ({"version": 1, "models": []}, "no 'models'"),
    ],
)
def test_bad_catalogs_are_reported_with_file_entry_and_key(tmp_path: Path, catalog: object, reason: str) -> None:
    path = _write(tmp_path, catalog)
    with pytest.raises(ModelError, match=reason) as caught:
        load_catalog(path)
    assert str(path) in str(caught.value)


def test_unreadable_catalog(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        load_catalog(path)


def _entry(ram_mb: int, name: str) -> CatalogEntry:
    return CatalogEntry(
        id=name,
        name=name,
        repo=f"r/{name}",
        file=f"{name}.gguf",
        revision=None,
        size=ram_mb * 700_000,
        sha256=None,
        verified=False,
        parameters="?",
        quant="Q4_K_M",
        license="apache-2.0",
        languages=("en",),
        ram_mb=ram_mb,
    )


def test_the_recommended_pick_is_the_largest_that_fits_comfortably() -> None:
    entries = [_entry(1000, "small"), _entry(3000, "medium"), _entry(6000, "large")]
    result = fits(entries, Machine(free_ram_mb=4500, free_vram_mb=None), {"small.gguf"})
    assert [(f.entry.id, f.fits, f.recommended, f.installed) for f in result] == [
        ("small", True, False, True),
        ("medium", True, True, False),
        ("large", False, False, False),
    ]


def test_a_tight_machine_gets_the_smallest_that_fits_and_a_tiny_one_gets_none() -> None:
    entries = [_entry(1000, "small"), _entry(3000, "medium")]
    tight = fits(entries, Machine(free_ram_mb=1100, free_vram_mb=None))
    assert [f.recommended for f in tight] == [True, False]
    assert not any(f.recommended or f.fits for f in fits(entries, Machine(free_ram_mb=500, free_vram_mb=None)))


def test_vram_counts_when_a_gpu_is_reported() -> None:
    entries = [_entry(1000, "small"), _entry(6000, "large")]
    result = fits(entries, Machine(free_ram_mb=2000, free_vram_mb=9000))
    assert [f.recommended for f in result] == [False, True]


def test_free_ram_is_read_from_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16000000 kB\nMemAvailable:    8192000 kB\n", encoding="ascii")
    assert free_ram_mb(meminfo) == 8000
    assert free_ram_mb(tmp_path / "missing") > 0  # falls back to sysconf
    assert free_ram_mb() > 0


def test_no_vram_without_a_gpu_build() -> None:
    assert free_vram_mb(lambda: False) is None


def test_find_entry() -> None:
    entries = load_catalog()
    first = entries[0]
    assert find_entry(entries, first.repo, first.file) == first
    assert find_entry(entries, first.repo, "other.gguf") is None
