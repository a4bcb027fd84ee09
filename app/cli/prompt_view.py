"""`persona-tutor conversations show ID --message MID [--prompt] [--json]`: one message, or what the model saw
for one reply (the prompt inspector's record: parts with token counts, template, cache reuse, sampler, model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.cli.common import print_json
from app.errors import PersonaTutorError

if TYPE_CHECKING:
    from app.store import Message, PromptRecord, Store


def show_message(store: Store, conversation_id: int, message_id: int | None, prompt: bool, as_json: bool) -> int:
    """Print message ``message_id`` of the conversation, or with ``prompt`` its prompt record."""
    if message_id is None:
        raise PersonaTutorError("--prompt needs --message MID: the reply whose prompt to show.")
    try:
        store.conversation(conversation_id)
        message = store.message(message_id)
        if message.conversation_id != conversation_id:
            raise PersonaTutorError(f"Message {message_id} is not in conversation {conversation_id}.")
        record = store.prompt_record(message_id) if prompt else None
    finally:
        store.close()
    if not prompt:
        _print_message(message, as_json)
        return 0
    if record is None:
        raise PersonaTutorError(_no_record(message))
    if as_json:
        print_json({"conversation_id": conversation_id, **record.to_json()})
    else:
        print_record(record)
    return 0


def _no_record(message: Message) -> str:
    if message.role != "assistant":
        return f"Message {message.id} is the learner's; only the tutor's replies have a prompt."
    return (
        f"No prompt was kept for reply {message.id}: it was written before Persona Tutor recorded prompts "
        "(or imported, or it failed before the model read anything)."
    )


def _print_message(message: Message, as_json: bool) -> None:
    if as_json:
        print_json(message.to_json())
        return
    note = "" if message.status == "complete" else f" [{message.status}]"
    print(f"[{message.id}] {message.role}{note}:\n{message.content}")


def print_record(record: PromptRecord) -> None:
    """The record as a readable table: one line per part, then the rendered template."""
    about = "estimated counts" if record.estimated else "exact counts"
    print(f"Prompt of reply {record.message_id}: {record.model} ({record.model_source}, {record.backend})")
    print("Sampler: " + ", ".join(f"{key} {value}" for key, value in record.sampler.items()))
    print(
        f"Prompt tokens: {record.prompt_tokens} of a {record.context_size}-token context; "
        f"{record.cached_prompt_tokens} reused from the cache, {record.evaluated_tokens} evaluated ({about})"
    )
    total = max(sum(p.tokens for p in record.parts), 1)
    print(f"\n{'tokens':>7}  {'share':>6}  part")
    for part in record.parts:
        mark = "~" if part.estimated else " "
        where = f"message {part.message}" if part.message >= 0 else ""
        print(f"{mark}{part.tokens:>6}  {100 * part.tokens / total:>5.1f}%  {part.label}  [{part.kind}] {where}")
    print(f"{'':>7}  {'':>6}  total {sum(p.tokens for p in record.parts)}")
    if record.template:
        print(f"\nRendered template:\n{record.template}")
    else:
        print("\nThe server rendered the chat template itself; its text is not known here.")
