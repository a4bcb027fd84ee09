"""What the model saw for one reply, part by part, with the tokens each part cost (the prompt inspector).

With the local engine the counts are exact and add up to the prompt it evaluated: the rendered prompt is
tokenized once, as the engine tokenizes it, and each token goes to the part its first byte lies in; what the
chat template writes around the messages is a part of its own. A template that rewrites a message's text
(so it cannot be found in the rendered prompt) leaves that message's parts counted on their own, marked as
estimates. A remote server renders its own template: its parts get the remote backend's estimate.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict

from app.engine import ChatBackend, LlamaEngine, SamplingParams, Timings
from app.prompt_builder import ChatMessage, PromptPart
from app.remote_backend import MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMER_TOKENS, estimate_tokens
from app.store.prompt_records import TEMPLATE_KIND, PromptRecord, RecordedPart

CONTINUED_KIND = "continued"
TEMPLATE_LABEL = "Chat template markup"
CONTINUED_LABEL = "Reply so far (continued)"

Span = tuple[int, int]  # start and end, in characters of the rendered prompt
_MARK, _END = "\ue000", "\ue001"  # private-use characters around a message's index
_MARKER = re.compile(f"{_MARK}(\\d+){_END}")


def placeholders(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    """``messages`` with each content replaced by a marker: rendered, they show where the template puts each."""
    return [ChatMessage(m.role, f"{_MARK}{i}{_END}") for i, m in enumerate(messages)]


def _starts_from_skeleton(messages: Sequence[ChatMessage], rendered: str, skeleton: str) -> list[int] | None:
    """Where each message's content starts in ``rendered``, read from the template rendered with
    :func:`placeholders`; None unless that layout spells ``rendered`` exactly."""
    pieces = _MARKER.split(skeleton)
    order = [int(i) for i in pieces[1::2]]
    if order != list(range(len(messages))):
        return None
    starts, text = [], pieces[0]
    for index, markup in zip(order, pieces[2::2], strict=True):
        starts.append(len(text))
        text += messages[index].content + markup
    return starts if text == rendered else None


def part_spans(messages: Sequence[ChatMessage], rendered: str, skeleton: str | None = None) -> list[list[Span] | None]:
    """For each message, where each of its parts (separator included) lies in ``rendered``; None for a
    message whose content the template did not copy verbatim. ``skeleton`` (the template rendered with
    :func:`placeholders`) makes the places certain; without it each content is searched for in turn."""
    known = _starts_from_skeleton(messages, rendered, skeleton) if skeleton is not None else None
    spans: list[list[Span] | None] = []
    cursor = 0
    for index, message in enumerate(messages):
        found = known[index] if known is not None else rendered.find(message.content, cursor)
        if found < 0:
            spans.append(None)
            continue
        own, at = [], found
        for part in message.pieces():
            size = len(part.sep) + len(part.text)
            own.append((at, at + size))
            at += size
        spans.append(own)
        cursor = at
    return spans


def attribute(
    messages: Sequence[ChatMessage],
    rendered: str,
    token_starts: Sequence[int],
    count: Callable[[str], int],
    skeleton: str | None = None,
) -> list[RecordedPart]:
    """Every part of ``messages`` with its share of the tokens of ``rendered`` (whose tokens start at the byte
    offsets ``token_starts``), then the template's markup; ``count`` tokenizes a part found nowhere, and
    ``skeleton`` is as :func:`part_spans` takes it."""
    located = part_spans(messages, rendered, skeleton)
    starts: list[int] = []  # byte offset where each located part begins, in rendered order
    owners: list[tuple[int, int]] = []  # (message index, part index) of each located part
    ends: list[int] = []
    for index, spans in enumerate(located):
        for part_index, (start, end) in enumerate(spans or []):
            starts.append(len(rendered[:start].encode("utf-8", errors="replace")))
            ends.append(len(rendered[:end].encode("utf-8", errors="replace")))
            owners.append((index, part_index))
    tallies: dict[tuple[int, int], int] = dict.fromkeys(owners, 0)
    markup = 0
    for offset in token_starts:
        slot = bisect.bisect_right(starts, offset) - 1
        if slot >= 0 and offset < ends[slot]:
            tallies[owners[slot]] += 1
        else:
            markup += 1
    result: list[RecordedPart] = []
    for index, message in enumerate(messages):
        for part_index, part in enumerate(message.pieces()):
            if located[index] is None:
                result.append(_recorded(part, message.role, index, count(part.sep + part.text), estimated=True))
            else:
                result.append(_recorded(part, message.role, index, tallies[(index, part_index)]))
    unlocated = sum(p.tokens for p in result if p.estimated)  # their tokens were tallied as markup
    template = max(markup - unlocated, 0)
    result.append(
        RecordedPart(TEMPLATE_KIND, TEMPLATE_LABEL, _markup(rendered, located), template, estimated=unlocated > 0)
    )
    return result


def _recorded(part: PromptPart, role: str, index: int, tokens: int, estimated: bool = False) -> RecordedPart:
    return RecordedPart(part.kind, part.label, part.text, tokens, role, index, estimated)


def _markup(rendered: str, located: list[list[Span] | None]) -> str:
    """The rendered prompt with the located messages' text taken out: the template's own markup."""
    pieces, cursor = [], 0
    for spans in located:
        if spans:
            pieces.append(rendered[cursor : spans[0][0]])
            cursor = spans[-1][1]
    pieces.append(rendered[cursor:])
    return "".join(pieces)


def exact_parts(
    engine: LlamaEngine, messages: Sequence[ChatMessage], prefix: str = ""
) -> tuple[list[RecordedPart], str]:
    """The parts of the prompt ``engine`` evaluates for ``messages`` (and a continued reply's ``prefix``), each
    with its tokens as the engine counts them, and the rendered template."""
    rendered = engine.template_text(messages)
    starts = engine.token_starts(rendered)
    if starts is None:  # the tokenizer's pieces do not spell the text back: count part by part instead
        parts = estimated_parts(messages, engine.count_text)
        total = len(engine.render(messages)[0])
        body = sum(p.tokens for p in parts[:-1])
        parts[-1] = RecordedPart(TEMPLATE_KIND, TEMPLATE_LABEL, parts[-1].text, max(total - body, 0), estimated=True)
    else:
        skeleton = engine.template_text(placeholders(messages))
        parts = attribute(messages, rendered, starts, engine.count_text, skeleton)
    if prefix:
        parts.append(RecordedPart(CONTINUED_KIND, CONTINUED_LABEL, prefix, engine.count_text(prefix), "assistant"))
    return parts, rendered


def estimated_parts(
    messages: Sequence[ChatMessage], count: Callable[[str], int] = estimate_tokens, prefix: str = ""
) -> list[RecordedPart]:
    """Every part counted on its own by ``count``, with the remote backend's allowance for the template's
    markup (as :meth:`app.remote_backend.RemoteBackend.count_tokens` reckons it); all marked as estimates."""
    parts = [
        RecordedPart(p.kind, p.label, p.text, count(p.sep + p.text), m.role, i, estimated=True)
        for i, m in enumerate(messages)
        for p in m.pieces()
    ]
    markup = REPLY_PRIMER_TOKENS + MESSAGE_OVERHEAD_TOKENS * len(messages)
    if prefix:
        parts.append(RecordedPart(CONTINUED_KIND, CONTINUED_LABEL, prefix, count(prefix), "assistant", -1, True))
        markup += MESSAGE_OVERHEAD_TOKENS
    parts.append(RecordedPart(TEMPLATE_KIND, TEMPLATE_LABEL, "", markup, estimated=True))
    return parts


def prompt_record(
    backend: ChatBackend,
    message_id: int,
    messages: Sequence[ChatMessage],
    params: SamplingParams,
    timings: Timings,
    prefix: str = "",
) -> PromptRecord:
    """What reply ``message_id`` was generated from (call on the backend's thread, after the reply)."""
    if isinstance(backend, LlamaEngine):
        parts, rendered = exact_parts(backend, messages, prefix)
        source, kind = backend.model_path.name, "llama.cpp"
    else:
        parts, rendered = estimated_parts(messages, prefix=prefix), ""
        source, kind = getattr(backend, "model_id", backend.model_name), "remote"
    return PromptRecord(
        message_id=message_id,
        model=backend.model_name,
        model_source=str(source),
        backend=kind,
        context_size=backend.context_size,
        sampler=asdict(params),
        parts=tuple(parts),
        template=rendered,
        prompt_tokens=timings.prompt_tokens,
        cached_prompt_tokens=timings.cached_prompt_tokens,
        estimated=any(p.estimated for p in parts),
    )
