"""Saved servers: the file is private (0600), keys never show, bad input gets a clear message."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.errors import RemoteBackendError
from app.remote_servers import (
    RemoteConfig,
    find_server,
    load_servers,
    normalize_base_url,
    remove_server,
    save_server,
)


def test_addresses_are_normalized() -> None:
    assert normalize_base_url(" http://127.0.0.1:8080/v1/ ") == "http://127.0.0.1:8080"
    assert normalize_base_url("https://api.example.com/openai/v1") == "https://api.example.com/openai"
    for bad in ("127.0.0.1:8080", "ftp://host", "http://", "http://host/v1?x=1"):
        with pytest.raises(RemoteBackendError):
            normalize_base_url(bad)


def test_saved_servers_round_trip_in_a_private_file(tmp_path: Path) -> None:
    save_server(
        tmp_path, "lab", RemoteConfig("http://10.0.0.5:8000/v1", model="qwen", api_key="sk-secret", context_size=8192)
    )
    save_server(tmp_path, "home", RemoteConfig("http://127.0.0.1:8080", api_key_env="HOME_KEY"))
    path = tmp_path / "remote_servers.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp"))
    servers = load_servers(tmp_path)
    assert sorted(servers) == ["home", "lab"]
    lab = servers["lab"]
    assert (lab.base_url, lab.model, lab.api_key, lab.context_size) == (
        "http://10.0.0.5:8000",
        "qwen",
        "sk-secret",
        8192,
    )
    assert "sk-secret" not in repr(lab)
    assert "sk-secret" not in json.dumps(lab.to_json())
    assert lab.to_json()["api_key"] == "stored"
    assert servers["home"].to_json()["api_key"] == "env HOME_KEY"
    remove_server(tmp_path, "lab")
    assert sorted(load_servers(tmp_path)) == ["home"]
    with pytest.raises(RemoteBackendError, match="No saved server is called 'lab'"):
        remove_server(tmp_path, "lab")


def test_the_key_comes_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    config = RemoteConfig("http://127.0.0.1:1", api_key="stored", api_key_env="TUTOR_KEY")
    monkeypatch.delenv("TUTOR_KEY", raising=False)
    with pytest.raises(RemoteBackendError, match="TUTOR_KEY that should hold the API key is not set"):
        config.resolved_key()
    monkeypatch.setenv("TUTOR_KEY", "from-env")
    assert config.resolved_key() == "from-env"
    assert RemoteConfig("http://127.0.0.1:1").resolved_key() is None


def test_find_by_name_or_url(tmp_path: Path) -> None:
    save_server(tmp_path, "lab", RemoteConfig("http://10.0.0.5:8000"))
    assert find_server(tmp_path, "lab").name == "lab"
    assert find_server(tmp_path, "http://127.0.0.1:9/v1").base_url == "http://127.0.0.1:9"
    with pytest.raises(RemoteBackendError, match="No saved server is called 'nope' \\(lab\\)"):
        find_server(tmp_path, "nope")


def test_a_damaged_file_or_bad_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RemoteBackendError, match="A server name is"):
        save_server(tmp_path, "no spaces", RemoteConfig("http://127.0.0.1:1"))
    (tmp_path / "remote_servers.json").write_text('{"version": 1, "servers": {"x": {"base_url": "http://h", "pw": 1}}}')
    with pytest.raises(RemoteBackendError, match="unknown keys \\['pw'\\]"):
        load_servers(tmp_path)
    (tmp_path / "remote_servers.json").write_text("{")
    with pytest.raises(RemoteBackendError, match="Cannot read the saved servers"):
        load_servers(tmp_path)
