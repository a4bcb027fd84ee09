"""A whole headless chat on the real model makes no network connection: socket use is audited in the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Loaded by Python at startup from PYTHONPATH: an audit hook that records and refuses any network use.
SITECUSTOMIZE = """
import os, socket, sys

_LOG = os.environ["NETWORK_AUDIT_LOG"]
_WATCHED = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
            "socket.sendto", "socket.bind", "urllib.Request", "http.client.connect"}

def _audit(event, args):
    inet = event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6)
    if event in _WATCHED or inet:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {args[1:]!r}\\n")
        raise PermissionError(f"network use refused by the test: {event}")

sys.addaudithook(_audit)
"""


@pytest.mark.timeout(300)
def test_a_whole_chat_opens_no_socket(tmp_path: Path, isolated_home: Path, starter_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hooks), str(ROOT)]),
        "NETWORK_AUDIT_LOG": str(log),
        "PERSONA_TUTOR_HOME": str(isolated_home),
    }
    env.pop("HF_HUB_OFFLINE", None)  # the app must stay off the network by itself, not because of this flag
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "network use refused" in probe.stderr  # the hook is really in place
    log.unlink()

    commands = [
        ["personas", "list", "--json"],
        ["chat", "--persona", "xiaomiao", "--topic", "CNN", "--json", "--max-tokens", "8", "--seed", "1",
         "--model", str(starter_path)],
        ["conversations", "list", "--json"],
        ["search", "卷积"],
    ]  # fmt: skip
    for args in commands:
        done = subprocess.run(
            [sys.executable, "-m", "app", *args],
            input="什么是卷积？\n池化呢？\n", env=env, cwd=ROOT, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if args[0] == "chat":
            turns = [json.loads(line) for line in done.stdout.splitlines()]
            assert len(turns) == 2 and all(t["reply"] for t in turns)
    assert not log.exists(), log.read_text(encoding="utf-8")
