"""What the model saw when it wrote a reply: the conversation, the persona and the prompt up to the reply's parent.

The prompt is rebuilt by the one prompt builder from the branch the reply sits on (not the branch shown now), so
a flagged alternative gets the history it was actually written for. It is the whole history with the learner
memory, as ``ChatService.prompt`` gives it: when a long conversation outgrew the context, the model saw fewer old
turns (and a summary of them in its system message), but the persona's prompt and the newest turns are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.chat import history_messages
from app.persona_pins import PersonaPins
from app.personas import Persona, PersonaLibrary
from app.prompt_builder import DEFAULT_USER_NAME, ChatMessage, Lesson, Recall, build_messages
from app.store import Conversation, Message, Store

USER_PLACEHOLDER = "{{user}}"


@dataclass(frozen=True)
class ReplyContext:
    conversation: Conversation
    persona: Persona
    reply: Message
    prompt: list[ChatMessage]  # system prompt first; the question (and any post-history instructions) last

    @property
    def system_prompt(self) -> str:
        return self.prompt[0].content if self.prompt and self.prompt[0].role == "system" else ""


class Anonymizer:
    """Replaces the learner's name with ``{{user}}`` (or leaves text alone when ``enabled`` is False)."""

    def __init__(self, user_name: str, enabled: bool) -> None:
        self.user_name = user_name
        self.enabled = enabled and bool(user_name)

    @property
    def prompt_user(self) -> str:
        """The name the prompt builder fills into the persona's ``{{user}}`` macros."""
        return USER_PLACEHOLDER if self.enabled else self.user_name

    def __call__(self, text: str) -> str:
        return text.replace(self.user_name, USER_PLACEHOLDER) if self.enabled else text


def reply_context(
    store: Store,
    personas: PersonaLibrary,
    message_id: int,
    user_name: str = DEFAULT_USER_NAME,
    anonymize: bool = False,
) -> ReplyContext:
    """The reply ``message_id`` with the prompt that produced it (with the copy kept of the persona's card when
    the card is gone; raises PersonaError if no copy was kept either)."""
    path = store.path_to(message_id)
    reply = path[-1]
    conversation = store.conversation(reply.conversation_id)
    persona = PersonaPins(store, personas).persona(conversation)
    hide = Anonymizer(user_name, anonymize)
    history = [ChatMessage(m.role, hide(m.content)) for m in history_messages(path[:-1])]
    memory = tuple(hide(m.fact) for m in store.memories(conversation.topic))  # as ChatService.prompt recalls it
    lesson = Lesson(hide(conversation.goal), conversation.level)
    prompt = build_messages(persona, conversation.topic, history, hide.prompt_user, Recall(memory), lesson)
    return ReplyContext(conversation, persona, reply, prompt)
