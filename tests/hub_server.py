"""A small Hugging Face Hub on 127.0.0.1 for tests: the file endpoints the real ``huggingface_hub`` client uses.

``HEAD /{repo}/resolve/{revision}/{file}`` answers with ``X-Repo-Commit``, ``X-Linked-Etag`` (the sha256, as the
Hub does for LFS files), ``X-Linked-Size``, ``ETag`` and ``Content-Length``; ``GET`` serves the bytes and honours
``Range: bytes=N-``. Errors carry the Hub's ``X-Error-Code`` header (``RepoNotFound``, ``GatedRepo``,
``EntryNotFound``, ``RevisionNotFound``). Plain ``/files/NAME`` URLs serve files without any Hub headers.
Only file requests are recorded in ``requests``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from tests.gguf_files import tiny_gguf_bytes

COMMIT = "0123456789abcdef0123456789abcdef01234567"
REPO = "tutor-test/Tiny-Instruct-GGUF"
FILE = "Tiny-Instruct-Q4_K_M.gguf"
MODEL = tiny_gguf_bytes(name="Tiny Instruct", bulk_floats=400_000)  # about 1.6 MB
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<revision>[^/]+)/(?P<file>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-$")


@dataclass
class ServedFile:
    content: bytes
    sha256: str | None = None  # what the server claims; defaults to the real hash
    drop_after: int | None = None  # on the first GET, close the connection after this many bytes
    chunk_delay: float = 0.0  # seconds between 64 KiB chunks, to make progress observable


@dataclass
class ServedRepo:
    files: dict[str, ServedFile] = field(default_factory=dict)
    commit: str = COMMIT
    token: str | None = None  # a Bearer token the repo requires
    gated: bool = False
    cdn: FakeHub | None = None  # redirect downloads there, with a freshly "signed" URL each time, as the Hub does


@dataclass
class Request:
    method: str
    path: str
    range: str | None
    authorization: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that cancels or is killed mid-download closes the socket: expected here, not worth a traceback.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FakeHub:
    """The repositories being served and every request received (for assertions)."""

    def __init__(self) -> None:
        self.repos: dict[str, ServedRepo] = {}
        self.plain: dict[str, ServedFile] = {}
        self.requests: list[Request] = []
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _fail(self, status: int, code: str | None = None) -> None:
            self.send_response(status)
            if code:
                self.send_header("X-Error-Code", code)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()

        def _serve(self, *, body: bool) -> None:
            path = unquote(self.path).split("?", 1)[0]
            if path.startswith("/api/"):
                # huggingface_hub's own side requests (its agent-harness registry), not part of a download.
                return self._fail(404)
            hub.requests.append(
                Request(self.command, path, self.headers.get("Range"), self.headers.get("Authorization"))
            )
            headers: dict[str, str] = {}
            if path.startswith("/files/"):
                served = hub.plain.get(path.removeprefix("/files/"))
                if served is None:
                    return self._fail(404)
            else:
                match = _RESOLVE.match(path)
                if match is None:
                    return self._fail(404)
                repo = hub.repos.get(match["repo"])
                if repo is None:
                    return self._fail(401, "RepoNotFound")
                if repo.token and self.headers.get("Authorization") != f"Bearer {repo.token}":
                    return self._fail(401, "GatedRepo" if repo.gated else None)
                if match["revision"] not in (repo.commit, "main"):
                    return self._fail(404, "RevisionNotFound")
                served = repo.files.get(match["file"])
                if served is None:
                    return self._fail(404, "EntryNotFound")
                sha = served.sha256 or hashlib.sha256(served.content).hexdigest()
                headers = {
                    "X-Repo-Commit": repo.commit,
                    "X-Linked-Etag": f'"{sha}"',
                    "X-Linked-Size": str(len(served.content)),
                }
                if repo.cdn is not None:
                    repo.cdn.plain[sha] = served
                    self.send_response(302)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Location", f"{repo.cdn.url}/files/{sha}?signature={len(hub.requests)}")
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    return
            self._send_file(served, headers, body=body)

        def _send_file(self, served: ServedFile, headers: dict[str, str], *, body: bool) -> None:
            content = served.content
            start = 0
            wanted = _RANGE.match(self.headers.get("Range") or "")
            if wanted and body:
                start = int(wanted.group(1))
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(content) - 1}/{len(content)}")
            else:
                self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("ETag", f'"{hashlib.md5(content).hexdigest()}"')
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(content) - start))
            self.send_header("Connection", "close")
            self.end_headers()
            if not body:
                return
            payload = content[start:]
            if served.drop_after is not None:
                cut, served.drop_after = served.drop_after, None
                self.wfile.write(payload[:cut])
                self.wfile.flush()
                self.close_connection = True
                return
            for offset in range(0, len(payload), 64 * 1024):
                self.wfile.write(payload[offset : offset + 64 * 1024])
                self.wfile.flush()
                if served.chunk_delay:
                    threading.Event().wait(served.chunk_delay)

    return Handler
