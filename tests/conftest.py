"""Shared fixtures: every test runs in its own data dir; the real starter model is assembled once per run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from app import starter_model
from app.engine import EngineConfig, LlamaEngine
from app.paths import HOME_ENV, AppPaths
from tests.remote_server import LlamaServer

# Property tests are reproducible in CI: the same examples every run (a failure there is a real regression,
# not a lucky draw). Explore new ground locally with HYPOTHESIS_PROFILE=explore.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point PERSONA_TUTOR_HOME at a fresh folder so no test touches the user's real data."""
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


@pytest.fixture
def paths(isolated_home: Path) -> AppPaths:
    return AppPaths.resolve(isolated_home).ensure()


@pytest.fixture(scope="session")
def starter_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real starter model, assembled from the installed chunk packages (and so verified by sha256)."""
    return starter_model.assemble(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def engine(starter_path: Path) -> Iterator[LlamaEngine]:
    """One real llama.cpp engine for the tests that only need replies (loading costs about a second)."""
    loaded = LlamaEngine(EngineConfig(model_path=starter_path, n_ctx=2048, n_threads=2))
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def llama_server(starter_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """``python -m llama_cpp.server`` running the starter model (alias ``starter``, 2048 tokens) on 127.0.0.1."""
    server = LlamaServer(starter_path, tmp_path_factory.mktemp("llama-server")).wait_ready()
    yield server
    server.stop()
