"""The one owner of the llama.cpp context.

:class:`LlamaEngine` loads a GGUF through llama-cpp-python, renders chat messages with the model's own
template (through :mod:`app.chat_template`: sandboxed, bounded in time and size), streams the reply through a
callback and stops between any two tokens when the ``cancel`` event is set. A ``Llama`` is not thread-safe, so
the engine refuses calls from any thread but the one that created it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from app.chat_template import ChatTemplate
from app.errors import ModelError
from app.kv_state_cache import KvSnapshot
from app.model_library import check_gguf
from app.prompt_builder import ChatMessage

log = logging.getLogger(__name__)

FinishReason = Literal["stop", "length", "cancelled"]
TokenCallback = Callable[[str], None]

# ChatML: the format of the starter model's family, used when a GGUF carries no template of its own.
_FALLBACK_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass(frozen=True)
class SamplingParams:
    """How to sample a reply; ``seed=None`` means a fresh random seed each time."""

    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    seed: int | None = None


@dataclass(frozen=True)
class Timings:
    """What one reply cost; ``cached_prompt_tokens`` were reused from the KV cache, not evaluated."""

    ttft_s: float
    prompt_tokens: int
    cached_prompt_tokens: int
    generated_tokens: int
    tokens_per_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: FinishReason
    timings: Timings


@dataclass(frozen=True)
class EngineConfig:
    """How to load a model; ``gpu_layers=None`` offloads everything when the build supports a GPU."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int | None = None
    gpu_layers: int | None = None
    reuse_prefix: bool = True  # False re-evaluates the whole prompt every turn (the benchmark's baseline)
    flash_attn: bool = False  # llama.cpp's flash attention (needed for a quantized V cache)
    kv_type: str = "f16"  # the KV cache's type: "f16", or "q8_0" for about half the memory
    extra: dict[str, Any] = field(default_factory=dict)


KV_TYPES = {"f16": 1, "q8_0": 8}  # ggml type ids (llama_cpp.GGML_TYPE_F16, GGML_TYPE_Q8_0)


class _UnrequestedAbort(RuntimeError):
    """Prompt evaluation stopped while the abort check was armed but no stop was asked for."""


class ChatBackend(Protocol):
    """The seam between the chat service and whatever produces replies."""

    @property
    def model_name(self) -> str: ...

    def generate(
        self,
        messages: Sequence[ChatMessage],
        params: SamplingParams,
        cancel: threading.Event,
        on_token: TokenCallback | None = None,
        prefix: str = "",
    ) -> Completion: ...

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int: ...

    @property
    def context_size(self) -> int: ...

    def close(self) -> None: ...


def gpu_offload_supported() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


@contextlib.contextmanager
def _templates_not_compiled_by_llama_cpp() -> Iterator[None]:
    """While a ``Llama`` loads, its chat formatters only keep their template instead of compiling it.

    llama-cpp-python compiles every chat template of a GGUF while loading, in a sandbox that folds constant
    expressions at compile time: ``{{ 'x' * 10**10 }}`` alone would exhaust memory before any limit applies.
    The engine renders with :mod:`app.chat_template` and never uses those formatters.
    """
    from llama_cpp import llama_chat_format

    original = llama_chat_format.Jinja2ChatFormatter

    class KeptNotCompiled(original):  # type: ignore[misc,valid-type]
        def __init__(self, template: str, eos_token: str, bos_token: str, *args: Any, **kwargs: Any) -> None:
            self.template, self.eos_token, self.bos_token = template, eos_token, bos_token

        def __call__(self, **kwargs: Any) -> Any:
            raise ModelError("Chat templates are rendered by app.chat_template, not by llama-cpp-python.")

    llama_chat_format.Jinja2ChatFormatter = KeptNotCompiled  # type: ignore[misc]
    try:
        yield
    finally:
        llama_chat_format.Jinja2ChatFormatter = original  # type: ignore[misc]


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class _Watch:
    """The cancel event llama.cpp's abort callback checks during prompt evaluation (None: not armed)."""

    def __init__(self) -> None:
        self.event: threading.Event | None = None

    def is_set(self) -> bool:
        return self.event is not None and self.event.is_set()


class LlamaEngine:
    """A loaded GGUF model and its context; create, use and close it on one thread."""

    def __init__(self, config: EngineConfig) -> None:
        check_gguf(config.model_path)
        import llama_cpp

        gpu_layers = config.gpu_layers
        if gpu_layers is None:
            gpu_layers = -1 if llama_cpp.llama_supports_gpu_offload() else 0
        if config.kv_type not in KV_TYPES:
            raise ModelError(f"Unknown KV cache type {config.kv_type!r}; use one of {', '.join(KV_TYPES)}.")
        cache: dict[str, Any] = {}
        if config.kv_type != "f16" or config.flash_attn:
            # a quantized V cache needs flash attention in llama.cpp
            cache = {"flash_attn": True, "type_k": KV_TYPES[config.kv_type], "type_v": KV_TYPES[config.kv_type]}
        self._threads = config.n_threads or max(1, os.cpu_count() or 1)
        try:
            with _templates_not_compiled_by_llama_cpp():
                self._llm = llama_cpp.Llama(
                    model_path=str(config.model_path),
                    n_ctx=config.n_ctx,
                    n_threads=self._threads,
                    n_gpu_layers=gpu_layers,
                    verbose=False,
                    **cache,
                    **config.extra,
                )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp could not load {config.model_path.name}: {exc}") from exc
        # Closed in order (context, then model) when the engine goes away unclosed, even inside a reference cycle:
        # the finalizer holds the Llama, so the cyclic collector never finalizes llama.cpp's parts on its own.
        self._free = weakref.finalize(self, self._llm.close)
        self._owner = threading.get_ident()
        self._path = config.model_path
        self._gpu_layers = gpu_layers
        self._reuse_prefix = config.reuse_prefix
        self._watch = _Watch()
        # the last prompt rendered: its messages, text, tokens and stop strings
        self._last_render: tuple[tuple[tuple[str, str], ...], str, list[int], list[str]] = ((), "", [], [])
        self._pieces: dict[int, bytes] = {}
        # ctypes callbacks must outlive the context that calls them. This one holds the watch, not the engine: an
        # engine in a reference cycle would be freed by the cyclic garbage collector, which finalizes llama.cpp's
        # model and context in no set order (a context freed after its model corrupts the heap and aborts).
        watch = self._watch
        self._abort_callback = llama_cpp.ggml_abort_callback(lambda _data: watch.is_set())
        self._no_abort = llama_cpp.ggml_abort_callback()  # a NULL function pointer
        template = self._llm.metadata.get("tokenizer.chat_template") or _FALLBACK_TEMPLATE
        try:
            self._template = ChatTemplate(
                template,
                eos_token=self._token_text(self._llm.token_eos()),
                bos_token=self._token_text(self._llm.token_bos()),
            )
        except ModelError:
            self._free()
            raise

    def _abort_prefill_on(self, cancel: threading.Event | None) -> None:
        """While ``cancel`` is given, llama.cpp aborts prompt evaluation as soon as it is set.

        Only armed until the first token: the check runs once per graph node, which would cost a little on
        every generated token.
        """
        import llama_cpp

        if cancel is self._watch.event:
            return
        self._watch.event = cancel
        callback = self._abort_callback if cancel is not None else self._no_abort
        llama_cpp.llama_set_abort_callback(self._llm._ctx.ctx, callback, None)

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="replace")

    def _check_thread(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError("LlamaEngine used from a thread other than the one that created it")

    @property
    def model_name(self) -> str:
        return str(self._llm.metadata.get("general.name") or self._path.stem)

    @property
    def model_path(self) -> Path:
        return self._path

    @property
    def context_size(self) -> int:
        return int(self._llm.n_ctx())

    @property
    def gpu_layers(self) -> int:
        return self._gpu_layers

    @property
    def backend_description(self) -> str:
        """What llama.cpp runs on, for the status bar: ``CPU · 2 threads`` or ``GPU offload · all layers``."""
        if self._gpu_layers != 0 and gpu_offload_supported():
            layers = "all layers" if self._gpu_layers < 0 else f"{self._gpu_layers} layers"
            return f"GPU offload · {layers}"
        return f"CPU · {self._threads} threads"

    @property
    def llama(self) -> Any:
        """The underlying ``llama_cpp.Llama``, for measurements that compare against the bare bindings."""
        self._check_thread()
        return self._llm

    def render(self, messages: Sequence[ChatMessage]) -> tuple[list[int], list[str]]:
        """The prompt tokens for ``messages`` (chat template applied) and the template's stop strings."""
        key = tuple((m.role, m.content) for m in messages)
        if self._last_render[0] != key:  # a turn renders the same prompt to fit it, to generate and to record it
            result = self._template.render([m.to_dict() for m in messages])
            # like llama-cpp-python's formatter: the template writes the BOS token itself when the model wants one
            data = result.prompt.encode("utf-8", errors="replace")
            tokens = self._llm.tokenize(data, add_bos=False, special=True)
            self._last_render = (key, result.prompt, tokens, [s for s in result.stop if s])
        _key, _text, tokens, stop = self._last_render
        return list(tokens), list(stop)

    def template_text(self, messages: Sequence[ChatMessage]) -> str:
        """The text ``messages`` render to with the model's chat template: what :meth:`render` tokenizes."""
        key = tuple((m.role, m.content) for m in messages)
        if self._last_render[0] == key:
            return self._last_render[1]
        return self._template.render([m.to_dict() for m in messages]).prompt

    def token_starts(self, text: str) -> list[int] | None:
        """Where each token of the prompt ``text`` (tokenized as :meth:`render` does) starts, as byte offsets
        into its UTF-8 encoding; None when the tokens' pieces do not spell ``text`` back exactly."""
        self._check_thread()
        data = text.encode("utf-8", errors="replace")
        _key, last_text, last_tokens, _stop = self._last_render
        tokens = last_tokens if text == last_text else self._llm.tokenize(data, add_bos=False, special=True)
        pieces = [self._piece(token) for token in tokens]
        if b"".join(pieces) != data:
            return None
        starts, offset = [], 0
        for piece in pieces:
            starts.append(offset)
            offset += len(piece)
        return starts

    def _piece(self, token: int) -> bytes:
        """The bytes of one token (the vocabulary never changes, so each is looked up once)."""
        piece = self._pieces.get(token)
        if piece is None:
            piece = self._pieces[token] = self._llm.detokenize([token], special=True)
        return piece

    def count_text(self, text: str) -> int:
        """How many tokens plain ``text`` is (no special tokens; as the start of a continued reply is read)."""
        self._check_thread()
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)) if text else 0

    @property
    def model_key(self) -> str:
        """Identifies what a KV snapshot of this engine is valid for."""
        import llama_cpp

        stat = self._path.stat()
        return f"{self._path.name}:{stat.st_size}:{self.context_size}:{llama_cpp.__version__}"

    def snapshot(self) -> KvSnapshot:
        """The evaluated tokens and llama.cpp's state for them (sequence 0)."""
        import llama_cpp

        self._check_thread()
        ctx = self._llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        tokens = tuple(int(t) for t in self._llm.input_ids[: self._llm.n_tokens])
        return KvSnapshot(self.model_key, tokens, bytes(buffer)[:written])

    def restore(self, snapshot: KvSnapshot) -> bool:
        """Load ``snapshot`` into the context; False (and a clean context) when it does not fit this engine."""
        import llama_cpp

        self._check_thread()
        if snapshot.model_key != self.model_key or not snapshot.tokens or len(snapshot.tokens) >= self.context_size:
            return False
        self._llm.reset()
        ctx = self._llm._ctx.ctx
        buffer = (ctypes.c_uint8 * len(snapshot.data)).from_buffer_copy(snapshot.data)
        if llama_cpp.llama_state_seq_set_data(ctx, buffer, len(snapshot.data), 0) == 0:
            self._llm.reset()
            return False
        self._llm.input_ids[: len(snapshot.tokens)] = snapshot.tokens
        self._llm.n_tokens = len(snapshot.tokens)
        return True

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        self._check_thread()
        return len(self.render(messages)[0])

    def generate(
        self,
        messages: Sequence[ChatMessage],
        params: SamplingParams,
        cancel: threading.Event,
        on_token: TokenCallback | None = None,
        prefix: str = "",
    ) -> Completion:
        """Stream a reply to ``messages``; returns when done, at ``max_tokens``, or once ``cancel`` is set.

        ``prefix`` is the start of the reply, already written (continuing a stopped reply): the model goes on
        from there and the completion holds only the new text.
        """
        self._check_thread()
        tokens, stop = self.render(messages)
        if prefix:
            tokens = tokens + self._llm.tokenize(prefix.encode("utf-8"), add_bos=False, special=False)
        room = self.context_size - len(tokens)
        if room <= 0:
            raise ModelError(f"The conversation ({len(tokens)} tokens) does not fit the context ({self.context_size}).")
        if not self._reuse_prefix:
            self._llm.reset()
        cached = min(_common_prefix(self._llm.input_ids[: self._llm.n_tokens].tolist(), tokens), len(tokens) - 1)
        started = time.perf_counter()
        try:
            pieces, finish, first_token_at = self._stream(tokens, stop, room, params, cancel, on_token, arm_abort=True)
        except _UnrequestedAbort as exc:
            # llama_decode said "aborted" while nobody asked to stop (seen once under heavy machine load):
            # the context keeps only finished batches, so evaluating again without the abort check is safe.
            log.warning("prompt evaluation aborted without a stop request (%s); retrying once", exc)
            pieces, finish, first_token_at = self._stream(tokens, stop, room, params, cancel, on_token, arm_abort=False)
        ended = time.perf_counter()
        # The last sampled token is never evaluated, so the context holds prompt + generated - 1 tokens.
        generated = max(0, self._llm.n_tokens - len(tokens) + 1) if pieces else 0
        first = first_token_at or ended
        decode_s = ended - first
        timings = Timings(
            ttft_s=round(first - started, 4),
            prompt_tokens=len(tokens),
            cached_prompt_tokens=max(cached, 0),
            generated_tokens=generated,
            tokens_per_s=round((generated - 1) / decode_s, 2) if generated > 1 and decode_s > 0 else 0.0,
        )
        return Completion(text="".join(pieces), finish_reason=finish, timings=timings)

    def _stream(
        self,
        tokens: list[int],
        stop: list[str],
        room: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: TokenCallback | None,
        *,
        arm_abort: bool,
    ) -> tuple[list[str], FinishReason, float | None]:
        """One pass of llama-cpp-python's streaming completion: the pieces, why it ended, the first token's time."""
        first_token_at: float | None = None
        pieces: list[str] = []
        finish: FinishReason = "stop"
        stream = self._llm.create_completion(
            prompt=tokens,
            max_tokens=min(params.max_tokens, room),
            temperature=params.temperature,
            top_p=params.top_p,
            top_k=params.top_k,
            min_p=params.min_p,
            repeat_penalty=params.repeat_penalty,
            seed=params.seed,
            stop=stop,
            stream=True,
        )
        if arm_abort:
            self._abort_prefill_on(cancel)
        try:
            for chunk in stream:
                self._abort_prefill_on(None)
                if cancel.is_set():
                    finish = "cancelled"
                    break
                choice: dict[str, Any] = chunk["choices"][0]  # type: ignore[index,assignment]
                text: str = choice["text"]
                if text:
                    if first_token_at is None:
                        first_token_at = time.perf_counter()
                    pieces.append(text)
                    if on_token:
                        on_token(text)
                if choice.get("finish_reason") == "length":
                    finish = "length"
        except RuntimeError as exc:
            if pieces:
                raise
            if not cancel.is_set():
                if arm_abort:
                    raise _UnrequestedAbort(str(exc)) from exc
                raise
            # Stopped during prompt evaluation: llama.cpp keeps only the batches it finished, and the next
            # evaluation clears the KV cache past them, so the context stays consistent.
            finish = "cancelled"
        finally:
            self._abort_prefill_on(None)
            stream.close()  # type: ignore[union-attr]
        return pieces, finish, first_token_at

    def close(self) -> None:
        self._check_thread()
        self._free()
