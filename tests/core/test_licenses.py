"""The About box's facts: bundled components and the license of the model in use."""

from __future__ import annotations

from pathlib import Path

from app import starter_model
from app.licenses import BUNDLED_COMPONENTS, model_license
from tests.gguf_files import write_tiny_gguf


def test_every_bundled_python_component_is_installed_under_that_name() -> None:
    for component in BUNDLED_COMPONENTS:
        if component.distribution is not None:
            assert component.version(), component
    licenses = {c.name: c.license for c in BUNDLED_COMPONENTS}
    assert licenses["Qt 6"] == "LGPL-3.0-only"
    assert licenses["llama.cpp / ggml"] == "MIT"


def test_the_starter_model_license_comes_from_its_spec(starter_path: Path) -> None:
    found = model_license(starter_path)
    assert found.license is not None
    assert found.license.lower() == "apache-2.0"
    assert found.source == "starter model"  # its GGUF header has no general.license


def test_license_from_the_catalog_when_the_file_has_none(tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf", license=None)
    found = model_license(path)
    assert (found.license, found.source) == ("apache-2.0", "catalog")


def test_the_starter_spec_and_unknown_models(tmp_path: Path) -> None:
    starter = write_tiny_gguf(tmp_path / starter_model.STARTER.file_name, license=None)
    assert model_license(starter).license == "Apache-2.0"
    unknown = model_license(write_tiny_gguf(tmp_path / "mystery.gguf", license=None, name="Mystery"))
    assert (unknown.name, unknown.license, unknown.source) == ("Mystery", None, "unknown")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    assert model_license(broken).license is None
