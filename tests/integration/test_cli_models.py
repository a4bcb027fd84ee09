"""`persona-tutor models …` as a user runs it: real processes, real files, a Hub-like server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from tests.gguf_files import tiny_gguf_bytes, write_tiny_gguf
from tests.hub_server import FILE, MODEL, REPO, FakeHub, ServedFile
from tests.integration.test_cli import run_cli

LIST_KEYS = {"id", "name", "path", "size", "quant", "context", "sha256", "source"}


def _models(home: Path) -> list[dict[str, object]]:
    result = run_cli(["models", "list", "--json"], home)
    assert result.returncode == 0, result.stderr
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def _one_line_error(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 1, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("persona-tutor: error: "), stderr
    return lines[0]


def test_add_list_default_and_remove(isolated_home: Path, tmp_path: Path) -> None:
    source = write_tiny_gguf(tmp_path / "src" / "Tiny-Q8_0.gguf", file_type=7, context_length=8192)
    added = run_cli(["models", "add", str(source)], isolated_home)
    assert added.returncode == 0, added.stderr
    assert "Added Tiny-Q8_0" in added.stdout
    [model] = _models(isolated_home)
    assert set(model) >= LIST_KEYS
    assert (model["id"], model["quant"], model["context"], model["source"]) == ("Tiny-Q8_0", "Q8_0", 8192, "copied")
    assert model["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()

    assert run_cli(["models", "default", "Tiny-Q8_0"], isolated_home).returncode == 0
    assert run_cli(["models", "default"], isolated_home).stdout.strip() == "Tiny-Q8_0"
    assert "* Tiny-Q8_0" in run_cli(["models", "list"], isolated_home).stdout
    assert "No installed model" in _one_line_error(run_cli(["models", "default", "nope"], isolated_home))

    removed = run_cli(["models", "remove", "Tiny-Q8_0"], isolated_home)
    assert removed.returncode == 0, removed.stderr
    assert _models(isolated_home) == []
    assert source.is_file()
    assert run_cli(["models", "default"], isolated_home).stdout.startswith("(none")


def test_add_link_and_remove_keeps_the_users_file(isolated_home: Path, tmp_path: Path) -> None:
    source = write_tiny_gguf(tmp_path / "mine" / "Mine.gguf")
    assert run_cli(["models", "add", str(source), "--link"], isolated_home).returncode == 0
    [model] = _models(isolated_home)
    assert (model["path"], model["source"]) == (str(source), "linked")
    result = run_cli(["models", "remove", "Mine"], isolated_home)
    assert "left where it is" in result.stdout
    assert source.read_bytes()[:4] == b"GGUF"


def test_bad_files_are_one_line_errors_and_never_listed(isolated_home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    assert str(empty) in _one_line_error(run_cli(["models", "add", str(empty)], isolated_home))
    truncated = tmp_path / "cut.gguf"
    truncated.write_bytes(write_tiny_gguf(tmp_path / "whole.gguf").read_bytes()[:-40])
    assert "truncated" in _one_line_error(run_cli(["models", "add", str(truncated)], isolated_home))
    # A broken file dropped into the models folder by hand is reported, not listed.
    (isolated_home / "models").mkdir(parents=True, exist_ok=True)
    (isolated_home / "models" / "junk.gguf").write_text("not a model")
    result = run_cli(["models", "list", "--json"], isolated_home)
    assert json.loads(result.stdout) == []
    assert "skipped" in result.stderr and "junk.gguf" in result.stderr


def test_pull_shows_progress_and_installs_a_verified_model(isolated_home: Path, hub: FakeHub) -> None:
    result = run_cli(["models", "pull", REPO, FILE], isolated_home)
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr and "MB/s" in result.stderr
    assert "Installed Tiny-Instruct-Q4_K_M" in result.stdout
    [model] = _models(isolated_home)
    assert model["sha256"] == hashlib.sha256(MODEL).hexdigest()
    assert str(model["source"]).startswith(f"hf:{REPO}/{FILE}")


def test_pull_errors_are_one_line(isolated_home: Path, hub: FakeHub) -> None:
    assert "(404)" in _one_line_error(run_cli(["models", "pull", REPO, "Nope.gguf"], isolated_home))
    hub.repos[REPO].token = "hf_secret"
    assert "models token" in _one_line_error(run_cli(["models", "pull", REPO, FILE], isolated_home))
    stored = run_cli(["models", "token"], isolated_home, stdin="hf_secret\n")
    assert stored.returncode == 0, stored.stderr
    token_file = isolated_home / "config" / "hf_token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert run_cli(["models", "pull", REPO, FILE], isolated_home).returncode == 0
    assert _models(isolated_home)[0]["id"] == "Tiny-Instruct-Q4_K_M"


def test_catalog_json_says_what_fits(isolated_home: Path) -> None:
    result = run_cli(["models", "catalog", "--json"], isolated_home)
    assert result.returncode == 0, result.stderr
    catalog = json.loads(result.stdout)
    assert catalog["machine"]["free_ram_mb"] > 0
    models = catalog["models"]
    assert len(models) >= 8
    assert sum(m["recommended"] for m in models) <= 1
    for m in models:
        assert {"repo", "file", "revision", "size", "sha256", "license", "languages", "ram_mb", "fits"} <= set(m)
        assert m["recommended"] <= m["fits"]
    text = run_cli(["models", "catalog"], isolated_home).stdout
    assert "free RAM" in text and "Qwen2.5 7B Instruct" in text


def test_a_killed_pull_resumes_where_it_stopped(isolated_home: Path, hub: FakeHub) -> None:
    # huggingface_hub writes in 10 MiB chunks, so the file must be larger than that for a kill to leave bytes.
    big = tiny_gguf_bytes(name="Big Tiny", bulk_floats=6_000_000)
    hub.repos[REPO].files["Big.gguf"] = ServedFile(big, chunk_delay=0.01)
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(isolated_home)}
    command = [sys.executable, "-m", "app", "models", "pull", REPO, "Big.gguf"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = isolated_home / "models" / ".downloads" / "Big.gguf.part"
    deadline = time.monotonic() + 120
    while not (partial.is_file() and partial.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    kept = partial.stat().st_size
    assert 0 < kept < len(big)
    assert _models(isolated_home) == []

    hub.repos[REPO].files["Big.gguf"].chunk_delay = 0
    result = run_cli(["models", "pull", REPO, "Big.gguf"], isolated_home)
    assert result.returncode == 0, result.stderr
    ranges = [r.range for r in hub.requests if r.method == "GET"]
    assert ranges == [None, f"bytes={kept}-"]
    assert (isolated_home / "models" / "Big.gguf").read_bytes() == big


def test_starter_installs_the_starter_model_once(isolated_home: Path) -> None:
    first = run_cli(["models", "starter"], isolated_home)
    assert first.returncode == 0, first.stderr
    path = Path(first.stdout.strip())
    assert path.is_file() and path.parent == isolated_home / "models"
    assert [m["source"] for m in _models(isolated_home)] == ["starter"]
    written = path.stat().st_mtime_ns
    again = run_cli(["models", "starter"], isolated_home)  # what `make run` does on every start
    assert again.returncode == 0 and Path(again.stdout.strip()) == path
    assert path.stat().st_mtime_ns == written  # kept, not written again
