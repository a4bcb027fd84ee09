"""A chat backend on any OpenAI-compatible ``/v1/chat/completions`` server.

llama.cpp's server, ``python -m llama_cpp.server``, LM Studio, Ollama and vLLM all speak this protocol. Replies
stream as server-sent events; a stop closes the connection (the servers stop generating when the client goes
away), from a watcher thread, so it lands even while the server is still evaluating the prompt. Only the
standard library is used. The app connects to nothing but the server the user configured.

Token counts: a server that offers a tokenizer endpoint (llama-cpp-python's ``/extras/tokenize/count``,
llama.cpp's ``/tokenize``) counts each message's text; a per-message allowance covers the chat template's
markers. Other servers get an estimate that errs high (a CJK character or three other bytes per token), so the
context window drops old turns a little early rather than overflowing the server.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from app.engine import Completion, FinishReason, SamplingParams, Timings, TokenCallback
from app.errors import RemoteBackendError
from app.prompt_builder import ChatMessage
from app.remote_servers import RemoteConfig
from app.server_connection import ServerConnection, error_detail

log = logging.getLogger(__name__)

DEFAULT_CONTEXT = 4096
MESSAGE_OVERHEAD_TOKENS = 8  # role markers and separators a chat template adds around each message
REPLY_PRIMER_TOKENS = 4  # the template's "assistant turn starts here"
_EXTENDED_SAMPLING = ("top_k", "min_p", "repeat_penalty")  # not in OpenAI's API; llama.cpp, vLLM and others take them
_COUNT_CACHE = 1024
_STOP_POLL_S = 0.02


def estimate_tokens(text: str) -> int:
    """An upper-leaning guess: one token per CJK character, one per three bytes of anything else."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    other = len(text.encode("utf-8")) - 3 * wide
    return wide + (max(other, 0) + 2) // 3


class RemoteBackend:
    """A :class:`~app.engine.ChatBackend` on an OpenAI-compatible server; safe to use from any one thread."""

    def __init__(self, config: RemoteConfig) -> None:
        """Check the server answers (and accepts the key), pick the model and learn its context size."""
        self.config = config
        self._server = ServerConnection(config)
        self._extended = True  # send top_k, min_p, repeat_penalty until the server refuses them
        self._counter: str | None = None  # the tokenizer endpoint, once found: "llama-cpp-python", "llama.cpp", ""
        self._counts: OrderedDict[str, int] = OrderedDict()
        entries = self._server.model_entries()
        self._model = self._pick_model(config.model, [str(e["id"]) for e in entries])
        self._context = config.context_size or self._probe_context(entries) or DEFAULT_CONTEXT

    @staticmethod
    def models_of(config: RemoteConfig) -> list[str]:
        """The models the server ``config`` names offers, without choosing one."""
        return ServerConnection(config).list_models()

    # ChatBackend

    @property
    def model_name(self) -> str:
        return self._model

    @property
    def model_id(self) -> str:
        """What a conversation records as its model: ``name@host:port``."""
        return f"{self._model}@{self.config.netloc}"

    @property
    def context_size(self) -> int:
        return self._context

    @property
    def backend_description(self) -> str:
        return f"Remote · {self.config.netloc}"

    def close(self) -> None:
        """Nothing to free: each request has its own connection."""

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        total = REPLY_PRIMER_TOKENS
        for message in messages:
            total += MESSAGE_OVERHEAD_TOKENS + self._count_text(message.content)
        return total

    def generate(
        self,
        messages: Sequence[ChatMessage],
        params: SamplingParams,
        cancel: threading.Event,
        on_token: TokenCallback | None = None,
        prefix: str = "",
    ) -> Completion:
        """Stream a reply; ``prefix`` (continuing a stopped reply) is sent as the start of the assistant turn.

        Servers that support assistant prefill (llama.cpp's server, vLLM, Ollama) go on from it; others may
        start a fresh reply, which is then appended.
        """
        wire = [m.to_dict() for m in messages]
        if prefix:
            wire.append({"role": "assistant", "content": prefix})
        started = time.perf_counter()
        pieces: list[str] = []
        finish: FinishReason = "stop"
        first_token_at: float | None = None
        usage: dict[str, Any] = {}
        done = threading.Event()
        opened: list[http.client.HTTPConnection] = []
        watcher = threading.Thread(target=self._stop_watch, args=(cancel, done, opened), daemon=True)
        watcher.start()
        try:
            try:
                response = self._open_stream(wire, params, opened)
            except RemoteBackendError:
                if not cancel.is_set():
                    raise
                response = None  # stopped while the server was still evaluating the prompt
            for event in self._server.events(response, cancel) if response is not None else ():
                if isinstance(event.get("usage"), dict):
                    usage = event["usage"]
                if isinstance(event.get("timings"), dict):  # llama.cpp's server reports its cache reuse here
                    usage.setdefault("_timings", event["timings"])
                for choice in event.get("choices") or []:
                    text = (choice.get("delta") or {}).get("content") or ""
                    if text:
                        if first_token_at is None:
                            first_token_at = time.perf_counter()
                        pieces.append(text)
                        if on_token:
                            on_token(text)
                    if choice.get("finish_reason") == "length":
                        finish = "length"
                if cancel.is_set():
                    break
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if not cancel.is_set():
                raise RemoteBackendError(
                    f"The connection to {self.config.netloc} broke during the reply ({exc.__class__.__name__})."
                ) from exc
        finally:
            done.set()
            for connection in opened:
                connection.close()
        if cancel.is_set():
            finish = "cancelled"
        ended = time.perf_counter()
        return Completion("".join(pieces), finish, self._timings(usage, wire, pieces, started, first_token_at, ended))

    # Models and context

    def _pick_model(self, wanted: str, available: list[str]) -> str:
        if not wanted:
            if not available:
                raise RemoteBackendError(f"{self.config.netloc} lists no models; name one with the model setting.")
            return available[0]
        if not available or wanted in available or f"{wanted}:latest" in available:
            return wanted
        raise RemoteBackendError(
            f"{self.config.netloc} has no model {wanted!r}; it offers: {', '.join(available[:10])}."
        )

    def _probe_context(self, entries: list[dict[str, Any]]) -> int | None:
        """The context size the server reports, where it reports one (llama.cpp ``/props``, vLLM, LM Studio)."""
        for entry in entries:
            if entry.get("id") != self._model:
                continue
            for value in (entry.get("max_model_len"), entry.get("context_length"), entry.get("max_context_length")):
                if isinstance(value, int) and value > 0:
                    return value
        try:
            props = self._server.request_json("GET", "/props", quiet=True)
        except RemoteBackendError:
            return None
        settings = props.get("default_generation_settings") if isinstance(props, dict) else None
        n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
        return n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None

    # Token counting

    def _count_text(self, text: str) -> int:
        cached = self._counts.get(text)
        if cached is not None:
            self._counts.move_to_end(text)
            return cached
        count = self._server_count(text) if text else 0
        if count is None:
            count = estimate_tokens(text)
        self._counts[text] = count
        if len(self._counts) > _COUNT_CACHE:
            self._counts.popitem(last=False)
        return count

    def _server_count(self, text: str) -> int | None:
        """The server's own token count of ``text``, or None when it has no tokenizer endpoint."""
        probes = (
            ("llama-cpp-python", "/extras/tokenize/count", {"input": text, "model": self._model}),
            ("llama.cpp", "/tokenize", {"content": text}),
        )
        for kind, path, body in probes:
            if self._counter not in (None, kind):
                continue
            try:
                data = self._server.request_json("POST", path, body, quiet=True)
            except RemoteBackendError:
                data = None
            if isinstance(data, dict) and isinstance(data.get("count"), int):
                self._counter = kind
                return int(data["count"])
            if isinstance(data, dict) and isinstance(data.get("tokens"), list):
                self._counter = kind
                return len(data["tokens"])
            if self._counter == kind:  # it worked before: a passing failure, estimate this once
                return None
        self._counter = ""
        return None

    # HTTP

    def _request_body(self, wire: list[dict[str, str]], params: SamplingParams) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model,
            "messages": wire,
            "stream": True,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
        }
        if params.seed is not None:
            body["seed"] = params.seed
        if self._extended:
            body["stream_options"] = {"include_usage": True}
            body.update({name: getattr(params, name) for name in _EXTENDED_SAMPLING})
        return body

    def _open_stream(
        self, wire: list[dict[str, str]], params: SamplingParams, opened: list[http.client.HTTPConnection]
    ) -> http.client.HTTPResponse:
        """Start the streaming request; a server that rejects the non-standard sampling fields gets it without."""
        path = "/v1/chat/completions"
        while True:
            body = self._request_body(wire, params)
            connection, response = self._server.send("POST", path, body, self.config.read_timeout_s, opened)
            if response.status == 400 and self._extended:
                detail = error_detail(response.read(4096))
                connection.close()
                if any(name in detail for name in (*_EXTENDED_SAMPLING, "stream_options")):
                    log.info("%s refused the extended sampling fields; sending the standard ones", self.config.netloc)
                    self._extended = False
                    continue
                raise RemoteBackendError(f"{self._server.netloc} refused the request (400: {detail}).")
            try:
                self._server.check_status(response, path, self._model)
            except RemoteBackendError:
                connection.close()
                raise
            return response

    @staticmethod
    def _stop_watch(cancel: threading.Event, done: threading.Event, opened: list[http.client.HTTPConnection]) -> None:
        """Shut the socket as soon as ``cancel`` is set, so a blocked read (prompt evaluation) returns at once."""
        while not done.is_set():
            if cancel.wait(_STOP_POLL_S):
                sock = opened[-1].sock if opened else None
                if sock is not None and not done.is_set():
                    with contextlib.suppress(OSError):  # already closed by the other side
                        sock.shutdown(socket.SHUT_RDWR)
                return

    def _timings(
        self,
        usage: dict[str, Any],
        wire: list[dict[str, str]],
        pieces: list[str],
        started: float,
        first_token_at: float | None,
        ended: float,
    ) -> Timings:
        """What the reply cost: the server's own usage figures where it sent them, else our counts."""
        server_timings = usage.get("_timings") or {}
        prompt = usage.get("prompt_tokens") or server_timings.get("prompt_n")
        if not isinstance(prompt, int):
            # no request here: after a stop the server may still be busy with the prompt and would make us wait
            prompt = REPLY_PRIMER_TOKENS + sum(
                MESSAGE_OVERHEAD_TOKENS + self._counts.get(m["content"], estimate_tokens(m["content"])) for m in wire
            )
        details = usage.get("prompt_tokens_details") or {}
        cached = details.get("cached_tokens") if isinstance(details, dict) else None
        if not isinstance(cached, int):
            cached = server_timings.get("cache_n", 0)
        generated = usage.get("completion_tokens")
        if not isinstance(generated, int):
            generated = len(pieces)  # servers send one token per event
        first = first_token_at or ended
        decode_s = ended - first
        return Timings(
            ttft_s=round(first - started, 4),
            prompt_tokens=prompt,
            cached_prompt_tokens=int(cached) if isinstance(cached, int) else 0,
            generated_tokens=generated,
            tokens_per_s=round((generated - 1) / decode_s, 2) if generated > 1 and decode_s > 0 else 0.0,
        )
