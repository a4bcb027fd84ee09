"""A full disk during a download, a database write or a KV-state save: a clear message, no half-written file
in place, and the app goes on working once there is room again."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from app.chat import ChatService
from app.downloads import PARTIAL_DIR, pull_from_hub
from app.engine import LlamaEngine, SamplingParams
from app.errors import ModelError, StoreError
from app.kv_state_cache import KvSnapshot, KvStateCache
from app.model_library import installed_models
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from tests.hub_server import FILE, MODEL, REPO, FakeHub


def enospc() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FillingFile(io.BufferedRandom):
    """A file on a disk with ``room`` bytes left: writes past that fail with ENOSPC, as the kernel's do."""

    room = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > FillingFile.room:
            raise enospc()
        return super().write(data)


def test_disk_full_during_a_download(hub: FakeHub, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "r+b":
            return FillingFile(io.FileIO(fd, "r+"))
        return real_fdopen(fd, mode, *args, **kwargs)  # type: ignore[call-overload]

    FillingFile.room = len(MODEL) // 3
    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(ModelError, match="is full; free some space"):
        pull_from_hub(paths.models_dir, REPO, FILE)
    assert not (paths.models_dir / FILE).exists()
    assert not (paths.models_dir / f"{FILE}.sha256").exists()
    assert installed_models(paths.models_dir) == []
    partial = paths.models_dir / PARTIAL_DIR / f"{FILE}.part"
    assert partial.stat().st_size <= len(MODEL) // 3  # kept aside to resume, never in the models folder

    monkeypatch.setattr(os, "fdopen", real_fdopen)  # space freed: the same pull finishes
    model = pull_from_hub(paths.models_dir, REPO, FILE)
    assert model.path.read_bytes() == MODEL


@contextlib.contextmanager
def full_database(store: Store) -> Iterator[None]:
    """Every new connection of ``store`` sees a database that cannot grow (SQLite's own SQLITE_FULL path)."""

    def cap(connection: sqlite3.Connection, _record: object) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    store._engine.dispose()
    event.listen(store._engine, "connect", cap)
    yield
    event.remove(store._engine, "connect", cap)
    store._engine.dispose()


@pytest.mark.timeout(300)
def test_disk_full_on_a_database_write(tmp_path: Path, engine: LlamaEngine) -> None:
    store = Store(tmp_path / "persona-tutor.db")
    service = ChatService(store, PersonaLibrary(), engine)
    conversation = service.start("xiaomiao", "CNN", "starter")
    params = SamplingParams(max_tokens=4, seed=1)
    try:
        with full_database(store):
            with pytest.raises(StoreError, match="is full; free some space"):
                service.send(conversation.id, "卷积是什么？" * 5_000, params, threading.Event())
            assert [m.role for m in store.messages(conversation.id)] == ["assistant"]  # nothing half-stored
            assert store.conversations()[0].id == conversation.id  # reading still works
        result = service.send(conversation.id, "卷积是什么？", params, threading.Event())
        assert result.status == "complete"
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "persona-tutor.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_disk_full_on_a_kv_state_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = KvStateCache(tmp_path / "kv")
    snapshot = KvSnapshot("model:1:2048:0.3", (1, 2, 3), b"\x01" * 100_000)
    real_write_bytes = Path.write_bytes

    def half_then_full(self: Path, data: bytes) -> int:
        real_write_bytes(self, data[: len(data) // 2])
        raise enospc()

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    cache.put(7, snapshot)  # no exception: the state is only a speed-up
    assert list((tmp_path / "kv").iterdir()) == []  # neither the file nor its half-written .tmp
    assert cache.get(7, snapshot.model_key) == snapshot  # still in RAM
    monkeypatch.setattr(Path, "write_bytes", real_write_bytes)
    cache.put(7, snapshot)
    assert KvStateCache(tmp_path / "kv").get(7, snapshot.model_key) == snapshot


def test_disk_full_when_the_real_engine_saves_its_state(
    tmp_path: Path, engine: LlamaEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "persona-tutor.db")
    cache = KvStateCache(tmp_path / "kv")
    service = ChatService(store, PersonaLibrary(), engine, kv_states=cache)
    real_write_bytes = Path.write_bytes
    try:
        conversation = service.start("xiaomiao", "CNN", "starter")
        service.send(conversation.id, "什么是池化？", SamplingParams(max_tokens=4, seed=1), threading.Event())

        def full(self: Path, data: bytes) -> int:
            raise enospc()

        monkeypatch.setattr(Path, "write_bytes", full)
        service.save_state()
        assert list((tmp_path / "kv").glob("*")) == []
        monkeypatch.setattr(Path, "write_bytes", real_write_bytes)
        follow = service.send(conversation.id, "再讲讲？", SamplingParams(max_tokens=4, seed=1), threading.Event())
        assert follow.status == "complete"
    finally:
        store.close()
