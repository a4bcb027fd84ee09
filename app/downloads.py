"""Downloads of GGUF models from Hugging Face (a pinned revision) or any URL: resumable, cancellable, verified.

Through huggingface_hub's own client: :func:`huggingface_hub.get_hf_file_metadata` for the size, etag and commit
of the file (the HEAD the Hub answers), and :func:`huggingface_hub.file_download.http_get` for the bytes, which
retries a dropped connection with a ``Range`` request. ``hf_hub_download`` itself is not used because it deletes
its partial file on any failure; here the partial file (``<models>/.downloads/<file>.part``, beside a small JSON
note of what it is a part of) survives a cancel, a crash or a restart and the next pull continues from it.

Nothing reaches the models folder before its sha256 matches (the catalog's, or the one the Hub publishes as the
file's LFS etag) and its GGUF header reads: then it is renamed into place in one step.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import unquote, urlsplit

from app.errors import ModelError
from app.gguf_metadata import read_gguf
from app.model_catalog import CatalogEntry
from app.model_library import InstalledModel, installed_models, record_source

DEFAULT_ENDPOINT = "https://huggingface.co"
PARTIAL_DIR = ".downloads"
TOKEN_FILE = "hf_token"
_HASH_BLOCK = 4 * 1024 * 1024


class DownloadCancelled(ModelError):
    """The user cancelled; the partial file is kept so the next pull resumes."""


class AccessDenied(ModelError):
    """The repository is gated, private or refused the token: a (different) token may help."""


@dataclass(frozen=True)
class DownloadProgress:
    """One progress report: bytes so far (including resumed ones), total, speed of this session, time left."""

    done: int
    total: int | None
    speed: float
    eta_s: float | None
    resumed_from: int


ProgressCallback = Callable[[DownloadProgress], None]


@dataclass(frozen=True)
class RemoteFile:
    """What the server says about the file before any byte is fetched."""

    url: str
    """Where the bytes are fetched from: the resolve URL, or the CDN it redirects to (signed, so it changes)."""
    requested: str
    """The URL asked for; stable, so it identifies a partial download across restarts."""
    size: int | None
    etag: str | None
    commit: str | None


# --- the token ----------------------------------------------------------------------------------------------


def save_token(config_dir: Path, token: str) -> Path:
    """Keep a Hugging Face token for gated repos, readable only by this user (mode 0600)."""
    token = token.strip()
    if not token:
        raise ModelError("The Hugging Face token is empty.")
    path = config_dir / TOKEN_FILE
    config_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load_token(config_dir: Path) -> str | None:
    """The stored token, else ``$HF_TOKEN``, else ``None`` (huggingface_hub then uses its own login, if any)."""
    try:
        stored = (config_dir / TOKEN_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        stored = ""
    return stored or os.environ.get("HF_TOKEN") or None


# --- progress -----------------------------------------------------------------------------------------------


class _ProgressBar:
    """Stands in for tqdm inside ``http_get``: reports through a callback and raises when cancelled."""

    def __init__(
        self, report: ProgressCallback | None, cancel: threading.Event | None, *, total: int | None, initial: int = 0
    ) -> None:
        self._report = report
        self._cancel = cancel
        self._total = total
        self._done = initial
        self._resumed = initial
        self._started = time.monotonic()
        self._last = 0.0

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, count: int = 1) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise DownloadCancelled("Download cancelled; run the same pull again to resume where it stopped.")
        self._done += count
        now = time.monotonic()
        finished = self._total is not None and self._done >= self._total
        if self._report is None or (now - self._last < 0.1 and not finished):
            return
        self._last = now
        elapsed = max(now - self._started, 1e-6)
        speed = max(self._done - self._resumed, 0) / elapsed
        eta = (self._total - self._done) / speed if self._total is not None and speed > 0 else None
        self._report(DownloadProgress(self._done, self._total, speed, eta, self._resumed))

    def close(self) -> None:
        return None


def _bar_class(report: ProgressCallback | None, cancel: threading.Event | None) -> Any:
    def make(**kwargs: Any) -> _ProgressBar:
        return _ProgressBar(report, cancel, total=kwargs.get("total"), initial=kwargs.get("initial", 0))

    return make


# --- the download -------------------------------------------------------------------------------------------


def endpoint() -> str:
    """The Hub to talk to: ``$HF_ENDPOINT`` (read at each call, so tests and mirrors can set it), else the Hub."""
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}


def pull_from_hub(
    models_dir: Path,
    repo: str,
    file: str,
    *,
    revision: str | None = None,
    sha256: str | None = None,
    token: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> InstalledModel:
    """Download ``file`` of the model repo ``repo`` at ``revision`` (default ``main``) into the models folder."""
    from huggingface_hub import hf_hub_url

    if not file.endswith(".gguf"):
        raise ModelError(f"{file} is not a .gguf file; only GGUF models can be pulled.")
    url = hf_hub_url(repo, file, revision=revision, endpoint=endpoint())
    where = f"{repo}/{file}" + (f"@{revision}" if revision else "")
    return _pull(models_dir, url, Path(file).name, where, sha256, token, progress, cancel, hub=True)


def pull_catalog_entry(
    models_dir: Path,
    entry: CatalogEntry,
    *,
    token: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> InstalledModel:
    """Download a catalog entry at its pinned revision, checked against its sha256 when the catalog has one."""
    return pull_from_hub(
        models_dir,
        entry.repo,
        entry.file,
        revision=entry.revision,
        sha256=entry.sha256,
        token=token,
        progress=progress,
        cancel=cancel,
    )


def pull_from_url(
    models_dir: Path,
    url: str,
    *,
    sha256: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> InstalledModel:
    """Download a ``.gguf`` from any http(s) URL; with ``sha256`` it is verified, else its hash is recorded."""
    name = url_file_name(url)
    if sha256 is not None and not is_sha256(sha256):
        raise ModelError(f"{sha256!r} is not a SHA-256 checksum (64 hexadecimal digits).")
    return _pull(models_dir, url, name, url, sha256, None, progress, cancel, hub=False)


def url_file_name(url: str) -> str:
    """The ``.gguf`` file an http(s) URL names (what it is saved as), or a ModelError saying what is wrong."""
    parts = urlsplit(url.strip())
    name = Path(unquote(parts.path)).name
    if parts.scheme not in {"http", "https"} or not parts.netloc or not name.endswith(".gguf"):
        raise ModelError(f"{url} is not an http(s) URL of a .gguf file.")
    return name


def partial_path(models_dir: Path, name: str) -> Path:
    """Where the part of a download of ``name`` already received is kept until it completes."""
    return models_dir / PARTIAL_DIR / f"{name}.part"


def _pull(
    models_dir: Path,
    url: str,
    name: str,
    where: str,
    sha256: str | None,
    token: str | None,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    *,
    hub: bool,
) -> InstalledModel:
    if _offline():
        raise ModelError(f"Cannot download {where}: offline mode is on (HF_HUB_OFFLINE is set).")
    target = models_dir / name
    if target.exists() or any(m.id == target.stem for m in installed_models(models_dir)):
        raise ModelError(f"A model named {target.stem!r} is already installed; remove it first to download it again.")
    with _translated_errors(where, url, models_dir, token):
        remote = _remote_file(url, token)
        expected = sha256 or (remote.etag if remote.etag and is_sha256(remote.etag) else None)
        partial = _download(models_dir, name, remote, token, progress, cancel)
        digest = _verify(partial, remote, expected, where)
        with _discard_on_error(partial):
            read_gguf(partial)
        target.with_name(target.name + ".sha256").write_text(digest + "\n", encoding="utf-8")
        os.replace(partial, target)
        _note_path(partial).unlink(missing_ok=True)
    commit = f" ({remote.commit[:12]})" if remote.commit else ""
    source = f"hf:{where}{commit}" if hub else f"url:{url}"
    record_source(models_dir, target.stem, source)
    return next(m for m in installed_models(models_dir) if m.id == target.stem)


def is_sha256(value: str) -> bool:
    """Whether ``value`` is a SHA-256 hex digest (either case)."""
    value = value.lower()
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _remote_file(url: str, token: str | None) -> RemoteFile:
    from huggingface_hub import get_hf_file_metadata

    meta = get_hf_file_metadata(url, token=token)
    location = meta.location or url
    return RemoteFile(url=location, requested=url, size=meta.size, etag=meta.etag, commit=meta.commit_hash)


def _note_path(partial: Path) -> Path:
    return partial.with_name(partial.name + ".json")


def _download(
    models_dir: Path,
    name: str,
    remote: RemoteFile,
    token: str | None,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> Path:
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    partial = partial_path(models_dir, name)
    partial.parent.mkdir(parents=True, exist_ok=True)
    note = {"url": remote.requested, "etag": remote.etag, "size": remote.size}
    resume = partial.stat().st_size if partial.is_file() else 0
    if resume and (_read_note(_note_path(partial)) != note or (remote.size is not None and resume > remote.size)):
        resume = 0  # a part of some other version of the file: start over
    if remote.size is not None:
        free = shutil.disk_usage(partial.parent).free
        if free < remote.size - resume:
            raise ModelError(
                f"Not enough disk space in {models_dir}: the model needs {(remote.size - resume) / 1e6:.0f} MB "
                f"more and {free / 1e6:.0f} MB are free."
            )
    # The token goes to the Hub only, never to the CDN host a file redirects to.
    same_host = urlsplit(remote.url).netloc == urlsplit(remote.requested).netloc
    headers = build_hf_headers(token=token if same_host else False)
    fd = os.open(partial, os.O_RDWR | os.O_CREAT, 0o644)
    with os.fdopen(fd, "r+b") as handle:
        _lock(handle, partial)
        _note_path(partial).write_text(json.dumps(note), encoding="utf-8")
        handle.seek(resume)
        handle.truncate()
        http_get(
            remote.url,
            handle,
            resume_size=resume,
            headers=headers,
            expected_size=remote.size,
            tqdm_class=cast(Any, _bar_class(progress, cancel)),
        )
        handle.flush()
        os.fsync(handle.fileno())
    return partial


def _lock(handle: BinaryIO, partial: Path) -> None:
    """Only one process downloads a given file at a time (the lock goes with the file handle)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks, downloads of the same file are not guarded
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ModelError(
            f"{partial.name.removesuffix('.part')} is already being downloaded by another window or command."
        ) from None


def _read_note(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _verify(partial: Path, remote: RemoteFile, expected: str | None, where: str) -> str:
    size = partial.stat().st_size
    digest = hashlib.sha256()
    with partial.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    actual = digest.hexdigest()
    problem = None
    if remote.size is not None and size != remote.size:
        problem = f"it has {size} bytes, the server announced {remote.size}"
    elif expected is not None and actual != expected.lower():
        problem = f"its sha256 is {actual}, expected {expected}"
    if problem:
        partial.unlink(missing_ok=True)
        _note_path(partial).unlink(missing_ok=True)
        raise ModelError(f"The download of {where} is corrupt ({problem}); it was discarded, nothing was installed.")
    return actual


@contextlib.contextmanager
def _discard_on_error(partial: Path) -> Any:
    try:
        yield
    except ModelError:
        partial.unlink(missing_ok=True)
        _note_path(partial).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _translated_errors(where: str, url: str, models_dir: Path, token: str | None) -> Any:
    """Turn huggingface_hub's and httpx's exceptions into one clear :class:`ModelError` each."""
    import httpx2
    from huggingface_hub import errors as hf

    try:
        yield
    except ModelError:
        raise
    except hf.GatedRepoError:
        raise AccessDenied(
            f"{where} is in a gated repository: accept its terms on the Hugging Face website, then store a token "
            "with `persona-tutor models token`."
        ) from None
    except hf.RevisionNotFoundError:
        raise ModelError(f"{where}: that revision does not exist in the repository.") from None
    except hf.RemoteEntryNotFoundError:
        raise ModelError(f"{where}: the repository has no such file (404).") from None
    except hf.RepositoryNotFoundError as exc:
        raise AccessDenied(_not_found_or_denied(where, exc.response.status_code, token)) from None
    except hf.HfHubHTTPError as exc:
        status = exc.response.status_code
        if status in (401, 403):
            raise AccessDenied(_not_found_or_denied(where, status, token)) from None
        if status == 404:
            raise ModelError(f"{where} was not found on the server (404).") from None
        raise ModelError(f"The server refused the download of {where} (HTTP {status}).") from None
    except hf.OfflineModeIsEnabled:
        raise ModelError(f"Cannot download {where}: huggingface_hub is in offline mode (HF_HUB_OFFLINE).") from None
    except (httpx2.ConnectError, httpx2.TimeoutException, httpx2.RemoteProtocolError):
        host = urlsplit(url).hostname
        raise ModelError(
            f"Cannot reach {host} to download {where}: check the network connection, then pull again to resume."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ModelError(f"The disk holding {models_dir} is full; free some space and pull again.") from None
        if "Consistency check failed" in str(exc):
            raise ModelError(f"The download of {where} stopped early; pull again to resume it.") from None
        raise ModelError(f"Could not download {where}: {exc.strerror or exc}") from None


def _not_found_or_denied(where: str, status: int, token: str | None) -> str:
    if token:
        return f"Hugging Face refused the token for {where} (HTTP {status}): check it has access to the repository."
    return (
        f"{where} is private, gated or does not exist (HTTP {status}); if you have access, store a token with "
        "`persona-tutor models token`."
    )
