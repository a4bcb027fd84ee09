"""Installed models: listed from their GGUF headers, added by copy or reference, removed safely, a default kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.errors import ModelError
from app.model_library import (
    add_model,
    default_model,
    installed_models,
    remove_model,
    resolve_model,
    scan_models,
    set_default_model,
)
from app.paths import AppPaths
from tests.gguf_files import write_tiny_gguf


def test_lists_the_real_starter_model_with_its_metadata(tmp_path: Path, starter_path: Path) -> None:
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    os.symlink(starter_path, models_dir / starter_path.name)
    [model] = installed_models(models_dir)
    as_json = model.to_json()
    assert as_json["id"] == starter_path.stem
    assert as_json["quant"] == "Q4_K_M"
    assert as_json["context"] == 32768
    assert as_json["source"] == "starter"
    assert as_json["architecture"] == "qwen2"
    assert as_json["chat_template"] is True
    assert as_json["size"] == 491_400_064


def test_broken_files_are_reported_and_never_listed(paths: AppPaths) -> None:
    write_tiny_gguf(paths.models_dir / "good.gguf")
    (paths.models_dir / "empty.gguf").write_bytes(b"")
    (paths.models_dir / "notes.gguf").write_text("just some text, not a model\n")
    models, problems = scan_models(paths.models_dir)
    assert [m.id for m in models] == ["good"]
    assert sorted(p.path.name for p in problems) == ["empty.gguf", "notes.gguf"]
    assert all(str(p.path) in p.message for p in problems)


def test_add_copies_atomically_and_records_hash_and_source(paths: AppPaths, tmp_path: Path) -> None:
    source = write_tiny_gguf(tmp_path / "downloads" / "Tiny-Q4_K_M.gguf")
    seen: list[tuple[int, int]] = []
    model = add_model(paths.models_dir, source, progress=lambda d, t: seen.append((d, t)))
    assert model.path == paths.models_dir / "Tiny-Q4_K_M.gguf"
    assert model.path.read_bytes() == source.read_bytes()
    assert model.source == "copied"
    assert model.sha256 is not None and len(model.sha256) == 64
    assert seen[-1] == (source.stat().st_size, source.stat().st_size)
    assert not list(paths.models_dir.glob("*.tmp"))
    listed = installed_models(paths.models_dir)
    assert [(m.id, m.source, m.sha256) for m in listed] == [("Tiny-Q4_K_M", "copied", model.sha256)]


def test_add_link_references_in_place_and_remove_keeps_the_file(paths: AppPaths, tmp_path: Path) -> None:
    source = write_tiny_gguf(tmp_path / "elsewhere" / "mine.gguf")
    model = add_model(paths.models_dir, source, link=True)
    assert model.linked
    assert not (paths.models_dir / "mine.gguf").exists()
    [listed] = installed_models(paths.models_dir)
    assert (listed.id, listed.path, listed.linked, listed.source) == ("mine", source, True, "linked")
    remove_model(paths.models_dir, "mine")
    assert source.is_file()
    assert installed_models(paths.models_dir) == []


def test_a_referenced_file_that_disappears_is_reported_not_listed(paths: AppPaths, tmp_path: Path) -> None:
    source = write_tiny_gguf(tmp_path / "usb" / "gone.gguf")
    add_model(paths.models_dir, source, link=True)
    source.unlink()
    models, problems = scan_models(paths.models_dir)
    assert models == []
    assert "not found" in problems[0].message


def test_remove_deletes_a_copied_model_and_its_hash(paths: AppPaths, tmp_path: Path) -> None:
    add_model(paths.models_dir, write_tiny_gguf(tmp_path / "a.gguf"))
    remove_model(paths.models_dir, "a")
    assert sorted(p.name for p in paths.models_dir.iterdir()) == ["models.json"]
    with pytest.raises(ModelError, match="No installed model"):
        remove_model(paths.models_dir, "a")


def test_remove_of_a_symlink_in_the_models_dir_keeps_its_target(paths: AppPaths, tmp_path: Path) -> None:
    target = write_tiny_gguf(tmp_path / "outside.gguf")
    os.symlink(target, paths.models_dir / "outside.gguf")
    remove_model(paths.models_dir, "outside")
    assert target.is_file()
    assert not (paths.models_dir / "outside.gguf").is_symlink()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.gguf", b"GGUF\x03\x00", "truncated"),
        ("model.bin", b"whatever", r"\.gguf"),
        ("zero.gguf", b"", "empty"),
    ],
)
def test_add_rejects_bad_files_and_writes_nothing(
    paths: AppPaths, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(ModelError, match=reason):
        add_model(paths.models_dir, source)
    assert list(paths.models_dir.iterdir()) == []


def test_add_refuses_a_duplicate_id(paths: AppPaths, tmp_path: Path) -> None:
    add_model(paths.models_dir, write_tiny_gguf(tmp_path / "one" / "same.gguf"))
    with pytest.raises(ModelError, match="already installed"):
        add_model(paths.models_dir, write_tiny_gguf(tmp_path / "two" / "same.gguf"), link=True)


def test_default_model_is_kept_in_settings_and_used_by_resolve(paths: AppPaths, tmp_path: Path) -> None:
    add_model(paths.models_dir, write_tiny_gguf(tmp_path / "a.gguf"))
    add_model(paths.models_dir, write_tiny_gguf(tmp_path / "b.gguf"))
    assert default_model(paths.config_dir) is None
    assert resolve_model(paths.models_dir, None, config_dir=paths.config_dir).id == "a"
    settings = paths.config_dir / "settings.json"
    settings.write_text(json.dumps({"theme": "dark"}))
    set_default_model(paths.config_dir, "b")
    assert json.loads(settings.read_text()) == {"theme": "dark", "default_model": "b"}
    assert resolve_model(paths.models_dir, None, config_dir=paths.config_dir).id == "b"
    remove_model(paths.models_dir, "b")
    assert resolve_model(paths.models_dir, None, config_dir=paths.config_dir).id == "a"


def test_a_corrupt_settings_file_is_a_clear_error(paths: AppPaths) -> None:
    (paths.config_dir / "settings.json").write_text("{not json")
    with pytest.raises(ModelError, match=r"settings\.json"):
        default_model(paths.config_dir)
