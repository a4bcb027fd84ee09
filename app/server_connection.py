"""One OpenAI-compatible server as seen over HTTP: requests, clear errors, the model list, an event stream.

Standard library only (``http.client``), one connection per request. Every failure a user can fix (server
down, wrong address, key refused, no such model, a server error, an answer that is not JSON, a stream cut
short) becomes a :class:`~app.errors.RemoteBackendError` naming the server; the API key never appears in one.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from app.errors import RemoteBackendError
from app.remote_servers import RemoteConfig

log = logging.getLogger(__name__)


def error_detail(body: bytes) -> str:
    """The server's own words from an error body (OpenAI's ``{"error": {"message"}}`` or FastAPI's ``detail``)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", errors="replace").strip()[:200]
    if isinstance(data, dict):
        error = data.get("error", data.get("detail", data))
        if isinstance(error, dict):
            error = error.get("message", error)
        return str(error)[:200]
    return str(data)[:200]


class ServerConnection:
    """Requests to the server ``config`` names, with its API key (resolved once, when this is made)."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self._key = config.resolved_key()

    @property
    def netloc(self) -> str:
        return self.config.netloc

    @property
    def has_key(self) -> bool:
        return bool(self._key)

    def model_entries(self) -> list[dict[str, Any]]:
        """The entries ``/v1/models`` lists (each has an ``id``; some servers add the context size)."""
        data = self.request_json("GET", "/v1/models")
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise RemoteBackendError(f"{self.netloc} answered /v1/models without a model list.")
        return [e for e in entries if isinstance(e, dict) and e.get("id")]

    def list_models(self) -> list[str]:
        """The model ids the server offers."""
        return [str(e["id"]) for e in self.model_entries()]

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        parts = urlsplit(self.config.base_url)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        return cls(parts.hostname or "", parts.port, timeout=timeout)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        timeout: float,
        opened: list[http.client.HTTPConnection] | None = None,
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send a request and read the response head; connection problems become clear errors.

        The connection is appended to ``opened`` before anything blocks, so a stop watcher can close it.
        """
        where = self.netloc
        connection = self._connect(self.config.connect_timeout_s)
        if opened is not None:
            opened.append(connection)
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
            connection.request(method, urlsplit(self.config.base_url).path + path, payload, self._headers())
            return connection, connection.getresponse()
        except ConnectionRefusedError as exc:
            connection.close()
            raise RemoteBackendError(f"Cannot connect to {where}: connection refused. Is the server running?") from exc
        except socket.gaierror as exc:
            connection.close()
            raise RemoteBackendError(f"Cannot find the server {where}: {exc.strerror or exc}.") from exc
        except TimeoutError as exc:
            connection.close()
            raise RemoteBackendError(f"{where} did not answer within {timeout:.0f} s.") from exc
        except ssl.SSLError as exc:
            connection.close()
            raise RemoteBackendError(f"A secure connection to {where} failed: {exc.reason or exc}.") from exc
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise RemoteBackendError(f"Cannot talk to {where}: {exc.__class__.__name__}: {exc}.") from exc

    def check_status(self, response: http.client.HTTPResponse, path: str, model: str = "") -> None:
        """Raise the clear error for an HTTP error status (reading the server's message from the body)."""
        if response.status < 400:
            return
        where = self.netloc
        detail = error_detail(response.read(4096))
        if response.status in (401, 403):
            hint = "Check the API key" if self._key else "The server wants an API key (see `models remote add`)"
            raise RemoteBackendError(f"{where} refused the request ({response.status}: {detail}). {hint}.")
        if response.status == 404:
            what = f"no model {model!r} or no {path}" if model else f"no {path}"
            raise RemoteBackendError(f"{where} has {what} (404: {detail}). Is this an OpenAI-compatible server?")
        if response.status < 500:
            raise RemoteBackendError(f"{where} refused the request ({response.status}: {detail}).")
        raise RemoteBackendError(f"{where} failed ({response.status}: {detail}).")

    def request_json(self, method: str, path: str, body: dict[str, Any] | None = None, *, quiet: bool = False) -> Any:
        """A small JSON request; ``quiet`` probes an optional endpoint (no log line when it is missing)."""
        connection, response = self.send(method, path, body, self.config.connect_timeout_s)
        try:
            self.check_status(response, path)
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteBackendError(f"The connection to {self.netloc} broke: {exc}.") from exc
        finally:
            connection.close()
        try:
            return json.loads(raw)
        except ValueError as exc:
            if not quiet:
                log.warning("%s%s answered with non-JSON", self.netloc, path)
            raise RemoteBackendError(
                f"{self.netloc} answered {path} with something that is not JSON: {raw[:80]!r}"
            ) from exc

    def events(self, response: http.client.HTTPResponse, cancel: threading.Event) -> Iterator[dict[str, Any]]:
        """The JSON objects of a server-sent event stream, until ``[DONE]``; an ``error`` event raises."""
        if "text/event-stream" not in (response.getheader("Content-Type") or ""):
            raw = response.read()
            raise RemoteBackendError(
                f"{self.netloc} did not stream (Content-Type {response.getheader('Content-Type')!r}): "
                f"{error_detail(raw)}"
            )
        data: list[str] = []
        finished = False
        while not cancel.is_set():
            line = response.readline()
            if not line:
                break
            text = line.decode("utf-8").rstrip("\r\n")
            if text.startswith("data:"):
                data.append(text[5:].strip())
                continue
            if text or not data:  # comments (": ping"), "event:" and "id:" lines, or a stray blank line
                continue
            payload, data = "\n".join(data), []
            if payload == "[DONE]":
                finished = True
                break
            yield self._event(payload)
        if data and not cancel.is_set():  # a last event without the closing blank line
            payload = "\n".join(data)
            finished = payload == "[DONE]"
            if not finished:
                yield self._event(payload)
                finished = True
        if not finished and not cancel.is_set():
            raise RemoteBackendError(f"{self.netloc} ended the reply stream before it was finished.")

    def _event(self, payload: str) -> dict[str, Any]:
        try:
            event = json.loads(payload)
        except ValueError as exc:
            raise RemoteBackendError(f"{self.netloc} streamed something that is not JSON: {payload[:80]!r}") from exc
        if not isinstance(event, dict):
            raise RemoteBackendError(f"{self.netloc} streamed an unexpected value: {payload[:80]!r}")
        if "error" in event:
            raise RemoteBackendError(f"{self.netloc} failed during the reply: {error_detail(payload.encode())}")
        return event
