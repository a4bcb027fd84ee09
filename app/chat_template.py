"""A GGUF's chat template, compiled and rendered in a sandbox with limits.

The template (``tokenizer.chat_template``) is a Jinja program written by whoever made the model file. It runs
in Jinja's :class:`ImmutableSandboxedEnvironment`, so reaching Python internals from it (the server-side
template injection of CVE-2024-34359) raises ``SecurityError``. The sandbox does not bound time or memory, so a
render here is also bounded: it stops after :data:`MAX_RENDER_S` seconds of template code, when its output or
any string it builds passes the size cap, or when it asks for a huge repetition, power or width in one step.
Every failure is a :class:`ModelError` that starts "The model's chat template".
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any

from jinja2 import BaseLoader, TemplateError
from jinja2.ext import Extension
from jinja2.nodes import Node
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from app.errors import ModelError

MAX_TEMPLATE_CHARS = 1_000_000  # real templates are a few KB; tool-calling ones reach ~50 KB
MAX_RENDER_S = 5.0
BASE_OUTPUT_CHARS = 1_000_000  # plus twice the text of the messages: the prompt is mostly the messages
MAX_STEP_NUMBER = 1_000_000  # the largest repeat count, width or paragraph count one template step may ask for
MAX_EXPONENT = 1024
_TEMPLATE_FILE = "<template>"  # the file name Jinja gives code compiled from a string
_HUGE_FORMAT = re.compile(r"(%[-+ #0]*\d{7,})|(\{[^{}]*:[^{}]*\d{7,}[^{}]*\})")


class TemplateLimitError(Exception):
    """A template went past one of the limits (time, size, a huge single step)."""


def _sized(value: object) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


def _check_number(value: object) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_STEP_NUMBER:
        raise TemplateLimitError(f"it asked for {value:,} of something in one step")


def _check_args(args: Sequence[object], kwargs: Mapping[str, object]) -> None:
    for value in (*args, *kwargs.values()):
        _check_number(value)


class _IgnoreGenerationTags(Extension):
    """Hugging Face's ``{% generation %}`` tag (marks the assistant's part for training): its body is kept."""

    tags = {"generation"}  # noqa: RUF012 (Jinja declares it an instance variable)

    def parse(self, parser: Parser) -> list[Node]:
        parser.stream.skip(1)
        return parser.parse_statements(("name:endgeneration",), drop_needle=True)


def _tojson(
    value: Any,
    ensure_ascii: bool = False,
    indent: int | None = None,
    separators: tuple[str, str] | None = None,
    sort_keys: bool = False,
) -> str:
    """Transformers' ``tojson``: plain JSON (not HTML-escaped), non-ASCII kept."""
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


class _LimitedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with repetition, powers, formatting widths and call arguments kept small.

    Intercepting these operators also stops Jinja from folding them at compile time, where no limit applies.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, max_chars: int) -> None:
        # the same dialect as llama-cpp-python's and Transformers' chat templates: loop controls, {% generation %}
        super().__init__(
            loader=BaseLoader(),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[_IgnoreGenerationTags, "jinja2.ext.loopcontrols"],
        )
        self.max_chars = max_chars
        self.globals.pop("lipsum", None)  # generates arbitrarily much text from one call
        self.filters["tojson"] = _tojson
        self.filters = {name: _limited(f) for name, f in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            count, sequence = (right, left) if _sized(left) else (left, right)
            if _sized(sequence) and isinstance(count, int) and _sized(sequence) * max(count, 0) > self.max_chars:
                raise TemplateLimitError("it repeats text past the size limit")
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT and abs(left) > 1:
                raise TemplateLimitError(f"it raises a number to the power {right}")
        elif operator == "%":
            if isinstance(left, str) and _HUGE_FORMAT.search(left):
                raise TemplateLimitError("it formats a value millions of characters wide")
        elif operator == "+" and _sized(left) + _sized(right) > self.max_chars:
            raise TemplateLimitError("it builds text past the size limit")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_args(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_format(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_format(obj, argument)
        return super().getitem(obj, argument)


def _check_format(obj: object, name: object) -> None:
    if isinstance(obj, str) and name in ("format", "format_map") and _HUGE_FORMAT.search(obj):
        raise TemplateLimitError("it formats a value millions of characters wide")


def _limited(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses huge numeric arguments (``center(10**9)``); Jinja's pass-arg marks are kept."""

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[1:], kwargs)  # the first argument is the value filtered (or the context)
        return function(*args, **kwargs)

    return checked


class _Watchdog:
    """A trace function on template code only: checks the clock and the size of what each line built."""

    def __init__(self, deadline: float, max_chars: int) -> None:
        self.deadline = deadline
        self.max_chars = max_chars

    def on_call(self, frame: FrameType, event: str, arg: object) -> Any:
        return self.on_line if frame.f_code.co_filename == _TEMPLATE_FILE else None

    def on_line(self, frame: FrameType, event: str, arg: object) -> Any:
        if time.perf_counter() > self.deadline:
            raise TemplateLimitError(f"it ran for more than {MAX_RENDER_S:g} seconds")
        for value in frame.f_locals.values():
            values = value._Namespace__attrs.values() if isinstance(value, Namespace) else (value,)
            if any(_sized(v) > self.max_chars for v in values):
                raise TemplateLimitError("it built text past the size limit")
        return self.on_line


@dataclass(frozen=True)
class RenderedPrompt:
    prompt: str
    stop: list[str]


class ChatTemplate:
    """A compiled chat template; :meth:`render` turns messages into the prompt text."""

    def __init__(self, source: str, bos_token: str = "", eos_token: str = "") -> None:
        if len(source) > MAX_TEMPLATE_CHARS:
            raise ModelError(
                f"The model's chat template is {len(source):,} characters long (the limit is "
                f"{MAX_TEMPLATE_CHARS:,}); it is not a real chat template."
            )
        self.bos_token = bos_token
        self.eos_token = eos_token
        self._environment = _LimitedEnvironment(BASE_OUTPUT_CHARS)
        try:
            self._template = self._environment.from_string(source)
        except (TemplateError, RecursionError, MemoryError, ValueError) as exc:
            raise ModelError(f"The model's chat template is broken: {exc}") from exc

    def render(self, messages: Sequence[Mapping[str, str]], add_generation_prompt: bool = True) -> RenderedPrompt:
        """The prompt for ``messages``; ModelError if the template fails or goes past a limit."""
        limit = BASE_OUTPUT_CHARS + 2 * sum(len(m.get("content", "")) for m in messages)
        self._environment.max_chars = limit
        watchdog = _Watchdog(time.perf_counter() + MAX_RENDER_S, limit)
        context = {
            "messages": [dict(m) for m in messages],
            "bos_token": self.bos_token,
            "eos_token": self.eos_token,
            "add_generation_prompt": add_generation_prompt,
            "raise_exception": _raise_exception,
            "strftime_now": lambda fmt: datetime.now().strftime(str(fmt)),
            "tools": None,
            "tool_choice": None,
            "functions": None,
            "function_call": None,
        }
        pieces: list[str] = []
        size = 0
        previous = sys.gettrace()
        sys.settrace(watchdog.on_call)
        try:
            for piece in self._template.generate(context):
                size += len(piece)
                if size > limit:
                    raise TemplateLimitError(f"its output passed {limit:,} characters")
                pieces.append(piece)
        except TemplateLimitError as exc:
            raise ModelError(f"The model's chat template was stopped: {exc}.") from None
        except Exception as exc:  # the template is data from the model file: any failure is the file's
            raise ModelError(f"The model's chat template failed: {exc}") from exc
        finally:
            sys.settrace(previous)
        return RenderedPrompt("".join(pieces), [self.eos_token] if self.eos_token else [])


def _raise_exception(message: str) -> None:
    raise ValueError(message)


__all__ = ["ChatTemplate", "RenderedPrompt", "TemplateLimitError"]
