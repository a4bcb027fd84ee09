"""Feedback as training data: JSON Lines in the conversational formats Hugging Face TRL reads.

- ``sft``: ``{"messages": [...]}``, the prompt followed by the better reply (also OpenAI's fine-tuning format);
- ``dpo``: ``{"prompt": [...], "chosen": [...], "rejected": [...]}``, the better reply over the flagged one;
- ``kto``: ``{"prompt": [...], "completion": [...], "label": bool}`` from thumbs and flags;
- ``raw``: everything known about each piece of feedback.

Every line carries its whole prompt (the exact system prompt first), so lines can be shuffled and split freely.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from app.errors import PersonaError, PersonaTutorError
from app.feedback.context import Anonymizer, ReplyContext, reply_context
from app.feedback.service import FeedbackFilter, FeedbackItem, FeedbackService
from app.personas import PersonaLibrary
from app.prompt_builder import DEFAULT_USER_NAME
from app.store import Store, Verdict
from app.store.transcripts import write_atomically

Format = Literal["sft", "dpo", "kto", "raw"]
FORMATS: tuple[Format, ...] = ("sft", "dpo", "kto", "raw")
EXPORT_VERSION = 1


@dataclass(frozen=True)
class ExportOptions:
    format: Format
    anonymize: bool = False  # replace the learner's name with {{user}}
    include_deleted: bool = False  # feedback on conversations in the bin: exported, or left out
    user_name: str = DEFAULT_USER_NAME
    where: FeedbackFilter = field(default_factory=FeedbackFilter)


@dataclass(frozen=True)
class ExportReport:
    path: Path
    lines: int
    items: int  # feedback records considered
    skipped: tuple[str, ...] = ()  # why some could not be exported (a persona that is gone, ...)


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _lines(
    item: FeedbackItem, ctx: ReplyContext, hide: Anonymizer, fmt: Format, verdicts: list[Verdict]
) -> Iterator[dict[str, Any]]:
    """The export lines one piece of feedback makes in ``fmt`` (none when it says nothing that format uses)."""
    f = item.feedback
    prompt = [m.to_dict() for m in ctx.prompt]
    reply = hide(ctx.reply.content)
    better = hide(f.better_reply or "")
    has_pair = bool(better.strip()) and better.strip() != reply.strip()
    if fmt == "sft" and has_pair:
        yield {"messages": [*prompt, *_assistant(better)]}
    elif fmt == "dpo" and has_pair:
        yield {"prompt": prompt, "chosen": _assistant(better), "rejected": _assistant(reply)}
    elif fmt == "kto":
        negative = f.thumbs == -1 or bool(f.reasons)
        if negative or f.thumbs == 1:
            yield {"prompt": prompt, "completion": _assistant(reply), "label": not negative}
        if has_pair:
            yield {"prompt": prompt, "completion": _assistant(better), "label": True}
    elif fmt == "raw":
        yield _raw(item, ctx, hide, verdicts, prompt, reply, better)


def _raw(
    item: FeedbackItem,
    ctx: ReplyContext,
    hide: Anonymizer,
    verdicts: list[Verdict],
    prompt: list[dict[str, str]],
    reply: str,
    better: str,
) -> dict[str, Any]:
    f, c = item.feedback, item.conversation
    return {
        "export_version": EXPORT_VERSION,
        "feedback_id": f.id,
        "created_at": f.created_at.isoformat(),
        "conversation_id": c.id,
        "conversation_deleted": item.deleted,
        "message_id": ctx.reply.id,
        "persona_id": c.persona_id,
        "persona_name": ctx.persona.name,
        "topic": c.topic,
        "model": c.model,
        "system_prompt": ctx.system_prompt,
        "prompt": prompt,
        "reply": reply,
        "reply_status": ctx.reply.status,
        "thumbs": f.thumbs,
        "reasons": f.reasons,
        "ratings": f.ratings,
        "comment": hide(f.comment) if f.comment else None,
        "better_reply": better or None,
        "better_reply_source": None if not better else ("alternative" if f.better_message_id else "typed"),
        "better_message_id": f.better_message_id,
        "checker_verdicts": [
            {"id": v.id, "checker": v.checker, "checker_version": v.checker_version, "verdict": _portable(v.verdict)}
            for v in verdicts
        ],
        "verdict_review": ({"verdict_id": f.verdict_id, **f.verdict_review} if f.verdict_review else None),
        "user_name": hide.prompt_user,
    }


def _portable(verdict: dict[str, Any]) -> dict[str, Any]:
    """A verdict whose signals are objects rather than ``[name, value, weight]`` lists of mixed types, which
    Arrow (and so ``datasets``) cannot load as a column."""
    out = dict(verdict)
    for key, badge in verdict.items():
        if isinstance(badge, dict) and isinstance(badge.get("signals"), list):
            signals = [
                {"name": str(name), "value": float(value), "contribution": float(weight)}
                for name, value, weight in badge["signals"]
            ]
            out[key] = {**badge, "signals": signals}
    return out


def export_lines(store: Store, personas: PersonaLibrary, options: ExportOptions) -> tuple[list[str], ExportReport]:
    """The JSON lines of an export and a report of what went in (``path`` in the report is empty)."""
    where = replace(options.where, include_deleted=options.include_deleted)
    items = list(reversed(FeedbackService(store).items(where)))  # oldest first, as they were given
    hide = Anonymizer(options.user_name, options.anonymize)
    lines: list[str] = []
    skipped: list[str] = []
    for item in items:
        try:
            ctx = reply_context(store, personas, item.reply.id, options.user_name, options.anonymize)
        except PersonaError as exc:
            skipped.append(f"feedback {item.feedback.id}: {exc}")
            continue
        verdicts = store.verdicts(item.reply.id) if options.format == "raw" else []
        lines += [json.dumps(line, ensure_ascii=False) for line in _lines(item, ctx, hide, options.format, verdicts)]
    return lines, ExportReport(Path(), len(lines), len(items), tuple(skipped))


def export_feedback(store: Store, personas: PersonaLibrary, out: Path, options: ExportOptions) -> ExportReport:
    """Write the export to ``out`` atomically (a .tmp file renamed into place)."""
    if options.format not in FORMATS:
        raise PersonaTutorError(f"Unknown export format {options.format!r}; use one of: {', '.join(FORMATS)}.")
    if not out.parent.is_dir():
        raise PersonaTutorError(f"The folder {out.parent} does not exist.")
    lines, report = export_lines(store, personas, options)
    write_atomically(out, "".join(line + "\n" for line in lines))
    return ExportReport(out, report.lines, report.items, report.skipped)
