"""Servers that misbehave: a small HTTP server on 127.0.0.1 answers with what a real one sends when it fails.

The good paths run against the real ``llama_cpp.server`` (test_remote_backend.py); these replies (not JSON, an
error in the middle of a stream, a stream cut short, 404 and 500) are hard to provoke from a healthy server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.engine import SamplingParams
from app.errors import RemoteBackendError
from app.prompt_builder import ChatMessage
from app.remote_backend import RemoteBackend
from app.remote_servers import RemoteConfig

MODELS = json.dumps({"object": "list", "data": [{"id": "tiny", "max_model_len": 8192}]}).encode()


def _chunk(text: str) -> bytes:
    return b"data: " + json.dumps({"choices": [{"delta": {"content": text}, "finish_reason": None}]}).encode() + b"\n\n"


class _Handler(BaseHTTPRequestHandler):
    chat_reply: bytes = b""
    chat_status = 200
    models_reply = MODELS
    seen: list[dict[str, object]]  # a fresh list per server (see the fixture)

    def log_message(self, *_args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/v1/models":
            self._answer(200, self.models_reply)
        else:
            self._answer(404, b'{"error": {"message": "Not found"}}')

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(body)
        if self.path != "/v1/chat/completions":
            self._answer(404, b'{"detail": "Not Found"}')
        elif self.chat_status != 200:
            self._answer(self.chat_status, self.chat_reply)
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(self.chat_reply)


@pytest.fixture
def server() -> Iterator[tuple[ThreadingHTTPServer, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, handler
    httpd.shutdown()
    httpd.server_close()


def _backend(httpd: ThreadingHTTPServer) -> RemoteBackend:
    return RemoteBackend(RemoteConfig(base_url=f"http://127.0.0.1:{httpd.server_address[1]}"))


def _ask(backend: RemoteBackend, on_token: list[str] | None = None) -> str:
    pieces = on_token if on_token is not None else []
    params = SamplingParams(max_tokens=8)
    return backend.generate([ChatMessage("user", "hi")], params, threading.Event(), pieces.append).text


def test_the_context_size_a_server_reports_is_used(server: tuple[ThreadingHTTPServer, type[_Handler]]) -> None:
    httpd, _handler = server
    assert _backend(httpd).context_size == 8192


def test_models_that_are_not_json(server: tuple[ThreadingHTTPServer, type[_Handler]]) -> None:
    httpd, handler = server
    handler.models_reply = b"<html>a login page</html>"
    with pytest.raises(RemoteBackendError, match="answered /v1/models with something that is not JSON"):
        _backend(httpd)


def test_an_error_in_the_middle_of_the_stream(server: tuple[ThreadingHTTPServer, type[_Handler]]) -> None:
    httpd, handler = server
    handler.chat_reply = _chunk("Hel") + _chunk("lo") + b'data: {"error": {"message": "out of memory"}}\n\n'
    pieces: list[str] = []
    with pytest.raises(RemoteBackendError, match="failed during the reply: out of memory"):
        _ask(_backend(httpd), pieces)
    assert pieces == ["Hel", "lo"]  # what came before the error was delivered (and the chat service keeps it)


def test_a_stream_cut_short(server: tuple[ThreadingHTTPServer, type[_Handler]]) -> None:
    httpd, handler = server
    handler.chat_reply = _chunk("Hel")
    with pytest.raises(RemoteBackendError, match="ended the reply stream before it was finished"):
        _ask(_backend(httpd))


def test_streamed_garbage(server: tuple[ThreadingHTTPServer, type[_Handler]]) -> None:
    httpd, handler = server
    handler.chat_reply = b"data: {not json\n\n"
    with pytest.raises(RemoteBackendError, match="streamed something that is not JSON"):
        _ask(_backend(httpd))


def test_server_errors_carry_the_servers_message(server: tuple[ThreadingHTTPServer, type[_Handler]]) -> None:
    httpd, handler = server
    handler.chat_status, handler.chat_reply = 500, b'{"error": {"message": "model crashed"}}'
    with pytest.raises(RemoteBackendError, match=r"failed \(500: model crashed\)"):
        _ask(_backend(httpd))
    handler.chat_status, handler.chat_reply = 404, b'{"error": {"message": "model tiny not found"}}'
    with pytest.raises(RemoteBackendError, match="has no model 'tiny' or no /v1/chat/completions"):
        _ask(_backend(httpd))


def test_a_server_that_refuses_extended_sampling_gets_the_standard_fields(
    server: tuple[ThreadingHTTPServer, type[_Handler]],
) -> None:
    httpd, handler = server
    handler.chat_status, handler.chat_reply = 400, b'{"error": {"message": "Unrecognized argument: top_k"}}'
    backend = _backend(httpd)
    with pytest.raises(RemoteBackendError, match="refused the request \\(400"):
        _ask(backend)  # the retry without the extras meets the same (scripted) refusal
    assert "top_k" in handler.seen[0] and "stream_options" in handler.seen[0]
    assert "top_k" not in handler.seen[1] and "stream_options" not in handler.seen[1]
    handler.chat_status, handler.chat_reply = 200, _chunk("ok") + b"data: [DONE]\n\n"
    assert _ask(backend) == "ok"
