"""Fixtures for tests that talk to a Hub: a Hub-like server on 127.0.0.1 serving one small real GGUF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import huggingface_hub.constants
import pytest

from tests.hub_server import FILE, MODEL, REPO, FakeHub, ServedFile, ServedRepo


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """The server, with ``HF_ENDPOINT`` pointing at it and huggingface_hub's home in a tmp dir."""
    server = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    # Progress is reported per chunk; small chunks make a 1.6 MB file report several times.
    monkeypatch.setattr(huggingface_hub.constants, "DOWNLOAD_CHUNK_SIZE", 64 * 1024)
    server.repos[REPO] = ServedRepo(files={FILE: ServedFile(MODEL)})
    yield server
    server.stop()
