"""Saved connections to OpenAI-compatible chat servers, and how each one finds its API key.

A connection is a base URL, a model name and optionally a key: read from an environment variable the user
names (nothing secret on disk) or kept in ``<config dir>/remote_servers.json``, which is written atomically
with mode 0600 because it may hold keys. Keys never appear in ``repr``, logs or JSON listings.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.errors import RemoteBackendError

SERVERS_FILE = "remote_servers.json"
FORMAT_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEYS = {"base_url", "model", "api_key_env", "api_key", "context_size"}


def normalize_base_url(url: str) -> str:
    """``http://host:port`` with any trailing ``/`` or ``/v1`` removed, so both spellings users copy work."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteBackendError(f"Not a server address: {url!r} (expected http://host:port or https://…).")
    if parts.query or parts.fragment:
        raise RemoteBackendError(f"The server address {url!r} should not carry a query or fragment.")
    return url[: -len("/v1")] if url.endswith("/v1") else url


@dataclass(frozen=True)
class RemoteConfig:
    """Where an OpenAI-compatible server is and how to talk to it.

    ``model`` empty means the server's first model; ``context_size`` None means ask the server (else 4096).
    """

    base_url: str
    model: str = ""
    api_key_env: str | None = None  # the name of an environment variable holding the key
    api_key: str | None = field(default=None, repr=False)  # a stored key; never printed
    context_size: int | None = None
    name: str = ""  # the saved name, when it came from the saved connections
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 300.0  # the longest silence while waiting for a token (a slow prompt evaluation)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        if self.context_size is not None and self.context_size < 256:
            raise RemoteBackendError("The context size of a server must be at least 256 tokens.")

    @property
    def netloc(self) -> str:
        return urlsplit(self.base_url).netloc

    def resolved_key(self) -> str | None:
        """The key to send: the named environment variable's value when one is named, else the stored key."""
        if self.api_key_env:
            value = os.environ.get(self.api_key_env, "").strip()
            if not value:
                raise RemoteBackendError(
                    f"The environment variable {self.api_key_env} that should hold the API key is not set."
                )
            return value
        return self.api_key or None

    def key_source(self) -> str:
        """How the key is found, for listings: ``env VAR``, ``stored`` or ``none``."""
        if self.api_key_env:
            return f"env {self.api_key_env}"
        return "stored" if self.api_key else "none"

    def to_json(self) -> dict[str, Any]:
        """A listing entry: everything but the key itself."""
        return {
            "name": self.name,
            "base_url": self.base_url,
            "model": self.model,
            "api_key": self.key_source(),
            "context_size": self.context_size,
        }


def _path(config_dir: Path) -> Path:
    return config_dir / SERVERS_FILE


def load_servers(config_dir: Path) -> dict[str, RemoteConfig]:
    """The saved connections by name; a damaged file is an error, a missing one is no connections."""
    path = _path(config_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise RemoteBackendError(f"Cannot read the saved servers in {path}: {exc}") from exc
    servers = raw.get("servers") if isinstance(raw, dict) else None
    if not isinstance(servers, dict):
        raise RemoteBackendError(f"{path} is not a saved-servers file.")
    result = {}
    for name, entry in servers.items():
        unknown = set(entry) - _KEYS if isinstance(entry, dict) else {"(not an object)"}
        if unknown:
            raise RemoteBackendError(f"{path}: server {name!r} has unknown keys {sorted(unknown)}.")
        result[name] = RemoteConfig(name=name, **entry)
    return result


def _write(config_dir: Path, servers: dict[str, RemoteConfig]) -> None:
    entries = {
        name: {
            "base_url": c.base_url,
            "model": c.model,
            "api_key_env": c.api_key_env,
            "api_key": c.api_key,
            "context_size": c.context_size,
        }
        for name, c in sorted(servers.items())
    }
    text = json.dumps({"version": FORMAT_VERSION, "servers": entries}, indent=2, ensure_ascii=False) + "\n"
    config_dir.mkdir(parents=True, exist_ok=True)
    path = _path(config_dir)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode is masked by the umask; the file may hold keys
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_server(config_dir: Path, name: str, config: RemoteConfig) -> RemoteConfig:
    """Save (or replace) the connection ``name``; returns it as saved."""
    if not _NAME.match(name):
        raise RemoteBackendError(f"A server name is letters, digits, '.', '_' or '-' (up to 64), not {name!r}.")
    servers = load_servers(config_dir)
    saved = replace(config, name=name)
    servers[name] = saved
    _write(config_dir, servers)
    return saved


def remove_server(config_dir: Path, name: str) -> None:
    servers = load_servers(config_dir)
    if name not in servers:
        raise RemoteBackendError(f"No saved server is called {name!r}; see `persona-tutor models remote list`.")
    del servers[name]
    _write(config_dir, servers)


def find_server(config_dir: Path, name_or_url: str) -> RemoteConfig:
    """A saved connection by name, or an ad-hoc one for a URL."""
    if name_or_url.startswith(("http://", "https://")):
        return RemoteConfig(base_url=name_or_url)
    servers = load_servers(config_dir)
    if name_or_url not in servers:
        known = ", ".join(sorted(servers)) or "none saved"
        raise RemoteBackendError(f"No saved server is called {name_or_url!r} ({known}); give a URL or add it first.")
    return servers[name_or_url]
