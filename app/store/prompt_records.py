"""What the model saw for each reply (the prompt inspector's data), one row per assistant message.

A mixin of :class:`app.store.Store`. The parts and the rendered chat template go in one zlib-compressed JSON
body: every prompt repeats the system message and the history, and the template repeats the parts, so
compression keeps a long conversation's records small (see the size test in tests/core/store).
"""

from __future__ import annotations

import json
import zlib
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.schema import PromptRecordRow, now

TEMPLATE_KIND = "template"  # what the chat template adds around the messages: a part of its own


@dataclass(frozen=True)
class RecordedPart:
    """One labelled piece of the prompt and how many of its tokens the model read.

    ``message`` is the index of the prompt message it belongs to (-1 for the chat template's markup and for the
    start of a continued reply, which come after or between the messages); ``estimated`` counts are not the
    model's own tokenizer's.
    """

    kind: str
    label: str
    text: str
    tokens: int
    role: str = ""
    message: int = -1
    estimated: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PromptRecord:
    """Everything a reply was generated from; ``cached_prompt_tokens`` of ``prompt_tokens`` were reused from
    the KV cache, the rest evaluated."""

    message_id: int
    model: str
    model_source: str  # the GGUF file, or the server
    backend: str  # "llama.cpp" or "remote"
    context_size: int
    sampler: dict[str, Any]
    parts: tuple[RecordedPart, ...]
    template: str  # the prompt as the chat template rendered it ("" when a server rendered it)
    prompt_tokens: int
    cached_prompt_tokens: int
    estimated: bool = False  # some counts are estimates (a remote server, or a template that rewrote text)
    created_at: datetime | None = None

    @property
    def evaluated_tokens(self) -> int:
        return self.prompt_tokens - self.cached_prompt_tokens

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "model": self.model,
            "model_source": self.model_source,
            "backend": self.backend,
            "context_size": self.context_size,
            "sampler": self.sampler,
            "prompt_tokens": self.prompt_tokens,
            "cached_prompt_tokens": self.cached_prompt_tokens,
            "evaluated_tokens": self.evaluated_tokens,
            "estimated": self.estimated,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "parts": [p.to_json() for p in self.parts],
            "template": self.template,
        }


def _body(record: PromptRecord) -> bytes:
    parts = [[p.kind, p.label, p.text, p.tokens, p.role, p.message, p.estimated] for p in record.parts]
    data = json.dumps({"parts": parts, "template": record.template}, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(data.encode("utf-8"), 9)


def _record(row: PromptRecordRow) -> PromptRecord:
    body = json.loads(zlib.decompress(row.body).decode("utf-8"))
    parts = tuple(RecordedPart(*p) for p in body["parts"])
    return PromptRecord(
        row.message_id, row.model, row.model_source, row.backend, row.context_size, json.loads(row.sampler_json),
        parts, body["template"], row.prompt_tokens, row.cached_prompt_tokens, row.estimated, row.created_at,
    )  # fmt: skip


class PromptRecords:
    def _session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def save_prompt_record(self, record: PromptRecord) -> None:
        """Keep ``record`` for its message, replacing an older one (a continued reply's newest prompt wins)."""
        with self._session() as session:
            row = session.get(PromptRecordRow, record.message_id) or PromptRecordRow(message_id=record.message_id)
            row.model = record.model
            row.model_source = record.model_source
            row.backend = record.backend
            row.context_size = record.context_size
            row.sampler_json = json.dumps(record.sampler)  # in SamplingParams order, as the panel shows it
            row.prompt_tokens = record.prompt_tokens
            row.cached_prompt_tokens = record.cached_prompt_tokens
            row.estimated = record.estimated
            row.body = _body(record)
            row.created_at = now()
            session.add(row)

    def prompt_record(self, message_id: int) -> PromptRecord | None:
        """What the model saw for reply ``message_id``; None for replies made before records were kept."""
        with self._session() as session:
            row = session.scalars(select(PromptRecordRow).where(PromptRecordRow.message_id == message_id)).first()
            return _record(row) if row else None
