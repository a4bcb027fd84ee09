"""GGUF headers are read without loading weights; broken files get one clear ModelError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ModelError
from app.gguf_metadata import read_gguf
from tests.gguf_files import tiny_gguf_bytes, write_tiny_gguf


def test_reads_the_real_starter_model(starter_path: Path) -> None:
    info = read_gguf(starter_path)
    assert info.architecture == "qwen2"
    assert info.name == "Qwen2.5 Coder 0.5B Instruct AWQ"
    assert info.quantization == "Q4_K_M"
    assert info.context_length == 32768
    assert info.has_chat_template
    assert info.parameters_label == "0.5B"
    assert 400_000_000 < info.parameters < 700_000_000
    assert info.tensor_count == 291
    assert info.license is None
    assert info.metadata["tokenizer.ggml.tokens"] == 151936  # the vocabulary is walked, only its length kept


@pytest.mark.parametrize("version", [2, 3])
def test_reads_a_tiny_model_of_either_version(tmp_path: Path, version: int) -> None:
    path = write_tiny_gguf(tmp_path / "tiny.gguf", version=version, architecture="gemma3", file_type=7)
    info = read_gguf(path)
    assert (info.version, info.architecture, info.quantization) == (version, "gemma3", "Q8_0")
    assert info.parameters == 24
    assert info.parameters_label == "24"
    assert info.license == "apache-2.0"
    assert info.context_length == 4096


def test_a_model_without_chat_template_or_license(tmp_path: Path) -> None:
    info = read_gguf(write_tiny_gguf(tmp_path / "t.gguf", chat_template=None, license=None, size_label="7B"))
    assert not info.has_chat_template
    assert info.license is None
    assert info.parameters_label == "7B"


def _truncated(data: bytes) -> bytes:
    return data[: len(data) - 10]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"GGUF\x03\x00\x00\x00", "truncated"),
        (tiny_gguf_bytes()[:200], "truncated"),
        (_truncated(tiny_gguf_bytes()), "truncated"),
        (b"GGML" + tiny_gguf_bytes()[4:], "not a GGUF model file"),
        (b"<html>not found</html>\n" * 10, "not a GGUF model file"),
        (tiny_gguf_bytes(version=1), "version 1"),
        (tiny_gguf_bytes(architecture="clip"), "'clip' model"),
        (tiny_gguf_bytes(extra={"general.architecture": ""}), "no 'general.architecture'"),
    ],
    ids=[
        "zero-bytes",
        "header-only",
        "cut-in-metadata",
        "cut-in-tensors",
        "wrong-magic",
        "html",
        "v1",
        "clip",
        "no-arch",
    ],
)
def test_bad_files_get_one_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=reason) as caught:
        read_gguf(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        read_gguf(tmp_path / "missing.gguf")
    (tmp_path / "dir.gguf").mkdir()
    with pytest.raises(ModelError, match="folder"):
        read_gguf(tmp_path / "dir.gguf")
