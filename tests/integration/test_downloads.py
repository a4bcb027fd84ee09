"""Downloads through the real huggingface_hub client from a Hub-like server on 127.0.0.1: progress, cancel,
resume after a dropped connection or a restart, checksums, and clear messages for 401 / gated / 404 / offline."""

from __future__ import annotations

import hashlib
import socket
import stat
import threading

import pytest

from app.downloads import (
    PARTIAL_DIR,
    AccessDenied,
    DownloadCancelled,
    DownloadProgress,
    load_token,
    pull_catalog_entry,
    pull_from_hub,
    pull_from_url,
    save_token,
)
from app.errors import ModelError
from app.model_catalog import CatalogEntry
from app.model_library import installed_models
from app.paths import AppPaths
from tests.hub_server import COMMIT, FILE, MODEL, REPO, FakeHub, ServedFile


def _leftovers(paths: AppPaths) -> list[str]:
    return sorted(p.name for p in paths.models_dir.rglob("*") if p.is_file())


def test_pull_downloads_verifies_and_lists_the_model(hub: FakeHub, paths: AppPaths) -> None:
    reports: list[DownloadProgress] = []
    model = pull_from_hub(paths.models_dir, REPO, FILE, revision=COMMIT, progress=reports.append)
    assert model.path == paths.models_dir / FILE
    assert model.path.read_bytes() == MODEL
    assert model.sha256 == hashlib.sha256(MODEL).hexdigest()
    assert model.name == "Tiny Instruct"
    assert model.source.startswith(f"hf:{REPO}/{FILE}@{COMMIT}")
    assert [m.id for m in installed_models(paths.models_dir)] == [FILE.removesuffix(".gguf")]
    assert len(reports) >= 2
    assert reports[-1].done == reports[-1].total == len(MODEL)
    assert reports[-1].speed > 0
    assert reports[0].eta_s is not None
    assert not (paths.models_dir / ".downloads" / f"{FILE}.part").exists()
    assert [r.method for r in hub.requests] == ["HEAD", "GET"]
    assert hub.requests[0].path == f"/{REPO}/resolve/{COMMIT}/{FILE}"


def test_a_dropped_connection_is_resumed_with_a_range_request(hub: FakeHub, paths: AppPaths) -> None:
    hub.repos[REPO].files[FILE].drop_after = 500_000
    model = pull_from_hub(paths.models_dir, REPO, FILE)
    assert model.path.read_bytes() == MODEL
    ranges = [r.range for r in hub.requests if r.method == "GET"]
    assert ranges[0] is None
    # The resumed request starts after the last whole chunk that reached the disk.
    assert ranges[1:] == [f"bytes={500_000 // (64 * 1024) * 64 * 1024}-"]


def test_a_cancelled_download_resumes_after_a_restart(hub: FakeHub, paths: AppPaths) -> None:
    hub.repos[REPO].files[FILE].chunk_delay = 0.01
    cancel = threading.Event()

    def cancel_midway(report: DownloadProgress) -> None:
        if report.done > 300_000:
            cancel.set()

    with pytest.raises(DownloadCancelled, match="resume"):
        pull_from_hub(paths.models_dir, REPO, FILE, progress=cancel_midway, cancel=cancel)
    partial = paths.models_dir / ".downloads" / f"{FILE}.part"
    kept = partial.stat().st_size
    assert 300_000 < kept < len(MODEL)
    assert installed_models(paths.models_dir) == []

    hub.requests.clear()
    reports: list[DownloadProgress] = []
    model = pull_from_hub(paths.models_dir, REPO, FILE, progress=reports.append)  # a new call, as after a restart
    assert model.path.read_bytes() == MODEL
    assert [r.range for r in hub.requests if r.method == "GET"] == [f"bytes={kept}-"]
    assert reports[-1].resumed_from == kept
    assert _leftovers(paths) == sorted([FILE, f"{FILE}.sha256", "models.json"])


def test_a_partial_of_another_version_is_not_resumed(hub: FakeHub, paths: AppPaths) -> None:
    partial = paths.models_dir / ".downloads" / f"{FILE}.part"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"x" * 1000)
    model = pull_from_hub(paths.models_dir, REPO, FILE)
    assert model.path.read_bytes() == MODEL
    assert [r.range for r in hub.requests if r.method == "GET"] == [None]


def test_a_checksum_mismatch_is_rejected_and_leaves_nothing(hub: FakeHub, paths: AppPaths) -> None:
    hub.repos[REPO].files[FILE].sha256 = hashlib.sha256(b"some other file").hexdigest()
    with pytest.raises(ModelError, match=r"corrupt.*sha256.*nothing was installed"):
        pull_from_hub(paths.models_dir, REPO, FILE)
    assert installed_models(paths.models_dir) == []
    assert _leftovers(paths) == []


def test_the_catalog_sha256_is_checked_too(hub: FakeHub, paths: AppPaths) -> None:
    with pytest.raises(ModelError, match="corrupt"):
        pull_from_hub(paths.models_dir, REPO, FILE, sha256="0" * 64)
    assert installed_models(paths.models_dir) == []


def test_a_download_that_is_not_a_gguf_is_discarded(hub: FakeHub, paths: AppPaths) -> None:
    hub.repos[REPO].files["fake.gguf"] = ServedFile(b"<html>login required</html>" * 10)
    with pytest.raises(ModelError, match="not a GGUF model file"):
        pull_from_hub(paths.models_dir, REPO, "fake.gguf")
    assert _leftovers(paths) == []


def test_a_private_repo_needs_the_stored_token(hub: FakeHub, paths: AppPaths) -> None:
    hub.repos[REPO].token = "hf_secret"
    with pytest.raises(AccessDenied, match=r"private, gated or does not exist \(HTTP 401\).*models token"):
        pull_from_hub(paths.models_dir, REPO, FILE)
    with pytest.raises(AccessDenied, match="refused the token"):
        pull_from_hub(paths.models_dir, REPO, FILE, token="hf_wrong")
    stored = save_token(paths.config_dir, "hf_secret\n")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    token = load_token(paths.config_dir)
    assert token == "hf_secret"
    model = pull_from_hub(paths.models_dir, REPO, FILE, token=token)
    assert model.path.read_bytes() == MODEL
    assert hub.requests[-1].authorization == "Bearer hf_secret"


def test_a_gated_repo_says_so(hub: FakeHub, paths: AppPaths) -> None:
    hub.repos[REPO].token, hub.repos[REPO].gated = "hf_secret", True
    with pytest.raises(AccessDenied, match="gated repository"):
        pull_from_hub(paths.models_dir, REPO, FILE)


@pytest.mark.parametrize(
    ("repo", "file", "revision", "reason"),
    [
        (REPO, "Missing-Q4_K_M.gguf", None, r"no such file \(404\)"),
        (REPO, FILE, "f" * 40, "revision does not exist"),
        ("nobody/nothing-GGUF", FILE, None, "private, gated or does not exist"),
    ],
)
def test_missing_things_get_clear_messages(
    hub: FakeHub, paths: AppPaths, repo: str, file: str, revision: str | None, reason: str
) -> None:
    with pytest.raises(ModelError, match=reason):
        pull_from_hub(paths.models_dir, repo, file, revision=revision)
    assert _leftovers(paths) == []


def test_offline_mode_and_an_unreachable_server(hub: FakeHub, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="offline mode"):
        pull_from_hub(paths.models_dir, REPO, FILE)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    with pytest.raises(ModelError, match=r"Cannot reach 127\.0\.0\.1"):
        pull_from_hub(paths.models_dir, REPO, FILE)


def test_not_enough_disk_space_is_refused_before_downloading(
    hub: FakeHub, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.downloads

    real = app.downloads.shutil.disk_usage
    monkeypatch.setattr(app.downloads.shutil, "disk_usage", lambda p: real(p)._replace(free=1000))
    with pytest.raises(ModelError, match="Not enough disk space"):
        pull_from_hub(paths.models_dir, REPO, FILE)
    assert [r.method for r in hub.requests] == ["HEAD"]
    assert installed_models(paths.models_dir) == []


def test_an_installed_model_is_not_downloaded_again(hub: FakeHub, paths: AppPaths) -> None:
    pull_from_hub(paths.models_dir, REPO, FILE)
    with pytest.raises(ModelError, match="already installed"):
        pull_from_hub(paths.models_dir, REPO, FILE)


def test_pull_from_any_url_with_and_without_a_checksum(hub: FakeHub, paths: AppPaths) -> None:
    hub.plain["mine.gguf"] = ServedFile(MODEL)
    with pytest.raises(ModelError, match="corrupt"):
        pull_from_url(paths.models_dir, f"{hub.url}/files/mine.gguf", sha256="1" * 64)
    model = pull_from_url(paths.models_dir, f"{hub.url}/files/mine.gguf", sha256=hashlib.sha256(MODEL).hexdigest())
    assert model.path.read_bytes() == MODEL
    assert model.source == f"url:{hub.url}/files/mine.gguf"
    hub.plain["other.gguf"] = ServedFile(MODEL, drop_after=100_000)
    other = pull_from_url(paths.models_dir, f"{hub.url}/files/other.gguf")
    assert other.sha256 == hashlib.sha256(MODEL).hexdigest()
    with pytest.raises(ModelError, match="not an http"):
        pull_from_url(paths.models_dir, f"{hub.url}/files/readme.txt")
    with pytest.raises(ModelError, match="not a SHA-256"):  # said before a byte is downloaded
        pull_from_url(paths.models_dir, f"{hub.url}/files/third.gguf", sha256="abc")
    assert not (paths.models_dir / PARTIAL_DIR / "third.gguf.part").exists()
    with pytest.raises(ModelError, match=r"not found on the server \(404\)"):
        pull_from_url(paths.models_dir, f"{hub.url}/files/gone.gguf")


def test_a_catalog_entry_is_pulled_at_its_pinned_revision_and_hash(hub: FakeHub, paths: AppPaths) -> None:
    entry = CatalogEntry(
        id="tiny",
        name="Tiny Instruct",
        repo=REPO,
        file=FILE,
        revision=COMMIT,
        size=len(MODEL),
        sha256=hashlib.sha256(MODEL).hexdigest(),
        verified=True,
        parameters="0.4M",
        quant="Q4_K_M",
        license="apache-2.0",
        languages=("en",),
        ram_mb=10,
    )
    model = pull_catalog_entry(paths.models_dir, entry)
    assert model.sha256 == entry.sha256
    assert [r.path for r in hub.requests if r.method == "HEAD"] == [f"/{REPO}/resolve/{COMMIT}/{FILE}"]


def test_a_cdn_redirect_gets_no_token_and_resumes_across_new_signed_urls(hub: FakeHub, paths: AppPaths) -> None:
    cdn = FakeHub().start()
    try:
        hub.repos[REPO].cdn, hub.repos[REPO].token = cdn, "hf_secret"
        hub.repos[REPO].files[FILE].chunk_delay = 0.01
        cancel = threading.Event()

        def cancel_midway(report: DownloadProgress) -> None:
            if report.done > 300_000:
                cancel.set()

        with pytest.raises(DownloadCancelled):
            pull_from_hub(paths.models_dir, REPO, FILE, token="hf_secret", progress=cancel_midway, cancel=cancel)
        model = pull_from_hub(paths.models_dir, REPO, FILE, token="hf_secret")
        assert model.path.read_bytes() == MODEL
        assert {r.authorization for r in hub.requests} == {"Bearer hf_secret"}
        assert {r.authorization for r in cdn.requests} == {None}
        assert [r.method for r in hub.requests] == ["HEAD", "HEAD"]
        cdn_gets = [r.range for r in cdn.requests]
        assert cdn_gets[0] is None and cdn_gets[1] is not None and cdn_gets[1].startswith("bytes=")
    finally:
        cdn.stop()


def test_one_download_of_a_file_at_a_time(hub: FakeHub, paths: AppPaths) -> None:
    import fcntl

    partial = paths.models_dir / ".downloads" / f"{FILE}.part"
    partial.parent.mkdir(parents=True)
    with partial.open("wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(ModelError, match="already being downloaded"):
            pull_from_hub(paths.models_dir, REPO, FILE)
    assert pull_from_hub(paths.models_dir, REPO, FILE).path.read_bytes() == MODEL
