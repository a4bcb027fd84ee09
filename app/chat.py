"""A tutoring conversation, turn by turn: the path every front-end (CLI, GUI) takes to talk to a model.

It ties the store, the persona, the one prompt builder and a backend together, and keeps the promise that
nothing is lost: the learner's message is committed before generation starts, the reply is saved while it
streams, and a stopped or failed reply is kept with its status.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.checker import CHECKER_VERSION, TopicPack, check
from app.context_window import ContextWindow, Render
from app.engine import ChatBackend, Completion, LlamaEngine, SamplingParams, Timings
from app.errors import PersonaTutorError
from app.facts_ledger import FactCandidate, from_learner, from_reply, record
from app.kv_state_cache import KvStateCache
from app.persona_pins import PersonaPins
from app.personas import Persona, PersonaLibrary
from app.prompt_builder import (
    DEFAULT_USER_NAME,
    MAX_LEDGER_TOKENS,
    ChatMessage,
    Lesson,
    Recall,
    build_messages,
    greeting,
    ledger_lines,
    summarize_dropped,
    summary_request,
)
from app.prompt_inspection import prompt_record
from app.store import Conversation, Message, Store
from app.topic_library import readable_packs
from app.topics import remember_topic

log = logging.getLogger(__name__)

CHECKER_NAME = "persona-tutor"
SAVE_EVERY_S = 1.0
SAVE_EVERY_PIECES = 64
_TITLE_CHARS = 60
SUMMARIZE_AT = 0.8  # summarize ahead once the prompt fills this share of its budget
SUMMARY_SAMPLING = SamplingParams(temperature=0.2, top_p=0.9, max_tokens=96, seed=0)
# The most of one message the model reads (also at most half the context): a pasted book is cut for the
# model with a note, and stored whole.
MAX_MESSAGE_CHARS = 8_000


@dataclass(frozen=True)
class TurnResult:
    conversation_id: int
    user_message_id: int
    message_id: int
    reply: str
    status: str
    timings: Timings | None
    verdict: dict[str, Any] | None = None  # the reply checker's badges (app.checker), as stored with the message
    notice: str | None = None  # something the learner should know about the turn (their message was cut)
    alternative_id: int | None = None  # the other version kept when "stay in character" wrote the reply twice

    def to_json(self) -> dict[str, object]:
        result: dict[str, object] = {
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "reply": self.reply,
            "timings": self.timings.to_json() if self.timings else None,
        }
        if self.notice:
            result["notice"] = self.notice
        if self.alternative_id is not None:
            result["alternative_id"] = self.alternative_id
        return result


def clean_text(text: str) -> str:
    """``text`` as the store can keep and search it: surrogate pairs joined, lone surrogates (a bad paste) and NUL
    (where SQLite's full-text index stops reading) become U+FFFD.

    Everything else — other control characters, right-to-left marks, emoji — is kept as typed.
    """
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.replace("\x00", "\ufffd")


def shown_to_model(text: str, limit: int) -> str:
    """A user message as the model reads it: the first ``limit`` characters and a note saying how much is left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n\n[… {len(text) - limit:,} more characters of this message are not shown]"


def _joined(*notices: str | None) -> str | None:
    return " ".join(n for n in notices if n) or None


def _persona_score(verdict: dict[str, Any] | None) -> float:
    """The Persona badge's score of a finished reply (-1 without a verdict: an empty or failed reply)."""
    return float(verdict["consistency"]["score"]) if verdict else -1.0


def _needs_retry(verdict: dict[str, Any] | None, complete: bool, cancel: threading.Event) -> bool:
    """ "Stay in character" writes a reply once more when it is complete and its Persona badge is off."""
    off = verdict is not None and verdict["consistency"]["label"] == "off"
    return off and complete and not cancel.is_set()


def _retry_params(params: SamplingParams) -> SamplingParams:
    """The second try's sampling: the next seed, so a seeded reply does not come out the same."""
    return replace(params, seed=params.seed + 1) if params.seed is not None else params


def _seen_by_model(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.role in ("user", "assistant") and m.status != "error"]


def history_messages(messages: list[Message]) -> list[ChatMessage]:
    """Stored messages as the model sees them: failed replies are left out, stopped ones kept as they are."""
    return [
        ChatMessage(m.role, m.content)  # type: ignore[arg-type]
        for m in messages
        if m.role in ("user", "assistant") and m.status != "error"
    ]


def _lesson(conversation: Conversation) -> Lesson:
    return Lesson(conversation.goal, conversation.level)


class ChatService:
    """Starts conversations and runs turns; use it on the thread that owns ``backend``."""

    def __init__(
        self,
        store: Store,
        personas: PersonaLibrary,
        backend: ChatBackend | None = None,
        user_name: str = DEFAULT_USER_NAME,
        kv_states: KvStateCache | None = None,
        topics_dir: Path | None = None,
        stay_in_character: bool = False,
    ) -> None:
        self.store = store
        self.personas = personas
        self.pins = PersonaPins(store, personas)
        self.backend = backend
        self.user_name = user_name
        self.window = ContextWindow()
        self.kv_states = kv_states
        self.topics_dir = topics_dir  # the learner's own topic packs, for the accuracy badge
        # "Stay in character": a new reply the Persona badge calls off is written once more, and the more
        # in-character version is shown; both stay as alternatives. ``on_retry`` is told when that starts.
        self.stay_in_character = stay_in_character
        self.on_retry: Callable[[], None] | None = None
        self._live_conversation: int | None = None  # whose tokens the backend's context holds
        self._chars_read: dict[tuple[int, int], int] = {}  # long messages: how much of each the model reads

    def start(
        self, persona_id: str, topic: str, model: str, greeting_index: int = 0, goal: str = "", level: str = ""
    ) -> Conversation:
        """A new conversation whose first message is the persona's greeting (``greeting_index`` picks one of
        ``first_mes`` and the alternate greetings; it is the one the model sees), with the learner's ``goal``
        and ``level`` (see :class:`app.prompt_builder.Lesson`)."""
        persona = self.personas.get(persona_id)
        version = self.pins.record(persona)
        conversation = self.store.create_conversation(
            persona_id, topic, model, goal=goal, level=level, persona_version_id=version.id
        )
        opening = greeting(persona, self.user_name, greeting_index)
        if opening:
            self.store.add_message(conversation.id, "assistant", opening, persona_version_id=version.id)
        remember_topic(self.store, topic, self.packs())
        return conversation

    def packs(self) -> tuple[TopicPack, ...]:
        """The topic packs: built-in and every one of the learner's own that can be read (a broken one is logged
        and left out; the topic pack editor names it)."""
        packs, problems = readable_packs(self.topics_dir)
        for problem in problems:
            log.warning("a topic pack cannot be read: %s", problem)
        return packs

    def persona_of(self, conversation: Conversation) -> Persona:
        """The persona ``conversation`` runs with: its card, or the copy kept when the card is gone or broken."""
        return self.pins.persona(conversation)

    def prompt(self, conversation: Conversation) -> list[ChatMessage]:
        """Everything the conversation holds, as the model would see it with an unlimited context."""
        persona = self.persona_of(conversation)
        history = history_messages(self.store.messages(conversation.id))
        recall = Recall(self._memory(conversation), ledger=self._ledger(conversation.id, None))
        return build_messages(persona, conversation.topic, history, self.user_name, recall, _lesson(conversation))

    def _memory(self, conversation: Conversation) -> tuple[str, ...]:
        """What the learner memory holds for this conversation's topic (and about the learner in general)."""
        return tuple(m.fact for m in self.store.memories(conversation.topic))

    def _ledger(self, conversation_id: int, through: int | None, context_size: int | None = None) -> tuple[str, ...]:
        """The facts ledger of the branch through message ``through`` (the active path when None) as prompt lines,
        within its budget (an eighth of the context at most)."""
        budget = MAX_LEDGER_TOKENS if context_size is None else min(MAX_LEDGER_TOKENS, context_size // 8)
        facts = self.store.branch_ledger(conversation_id, through, active_only=True)
        return ledger_lines(facts, self.user_name, budget)

    def _fitted_prompt(
        self,
        conversation: Conversation,
        params: SamplingParams,
        until: int | None = None,
        instruction: str = "",
        persona: Persona | None = None,
    ) -> list[ChatMessage]:
        """The prompt for the next reply within the context, from the active path (up to message ``until``).

        Turns the window drops are recalled by a summary in the system message: the model's own, when it made
        one ahead of time (:meth:`summarize_ahead`), completed by the learner's later dropped questions.
        An ``instruction`` for this one reply (a quiz to phrase) is a system message at the very end, so the
        prefix the cache holds is unchanged.
        """
        persona = persona or self.persona_of(conversation)
        # The conversation's saved KV state comes back first: it brings the window's cut that its tokens were
        # evaluated under, so after a restart the prompt is cut as before and starts with those tokens.
        self._switch_context(conversation.id)
        return self._fit(conversation, persona, self._visible(conversation.id, until), params, self.window, instruction)

    def _fit(
        self,
        conversation: Conversation,
        persona: Persona,
        visible: list[Message],
        params: SamplingParams,
        window: ContextWindow,
        instruction: str = "",
    ) -> list[ChatMessage]:
        """``visible`` (the turns before the next reply) as a prompt within the context, cut as ``window`` says."""
        backend = self._require_backend()
        render = self._renderer(conversation, persona, visible, backend.context_size)
        budget = self._budget(backend, params)
        extra = [ChatMessage("system", instruction)] if instruction else []
        if extra:
            budget -= backend.count_tokens(extra)
        return window.fit(conversation.id, self._model_history(visible), render, backend.count_tokens, budget) + extra

    def _model_history(self, visible: list[Message]) -> list[ChatMessage]:
        """The turns as the model reads them: a very long question cut to what fits (see :meth:`chars_read`)."""
        return [
            ChatMessage(m.role, shown_to_model(m.content, self.chars_read(m.content))) if m.role == "user" else m
            for m in history_messages(visible)
        ]

    def _visible(self, conversation_id: int, until: int | None = None) -> list[Message]:
        """The active path's messages the model sees (failed replies left out), up to message ``until``."""
        path = self.store.messages(conversation_id)
        return [m for m in _seen_by_model(path) if until is None or m.id <= until]

    @staticmethod
    def _budget(backend: ChatBackend, params: SamplingParams) -> int:
        return backend.context_size - min(params.max_tokens, backend.context_size // 4)

    def _renderer(
        self, conversation: Conversation, persona: Persona, visible: list[Message], context_size: int
    ) -> Render:
        memory = self._memory(conversation)
        ledger = self._ledger(conversation.id, visible[-1].id if visible else None, context_size)
        pinned = 1 if visible and visible[0].role == "assistant" else 0
        made = {(s.first_message_id, s.last_message_id): s.text for s in self.store.summaries(conversation.id)}
        limit = context_size // 6  # about a sixth of the context in Chinese, less in English

        def render(kept: list[ChatMessage], dropped: list[ChatMessage]) -> list[ChatMessage]:
            ids = [m.id for m in visible[pinned : pinned + len(dropped)]]
            summary = summarize_dropped(dropped, self.user_name, limit)
            for covered in range(len(ids), 0, -1):  # the model's summary of the longest run of these turns
                text = made.get((ids[0], ids[covered - 1]))
                if text:
                    rest = summarize_dropped(dropped[covered:], self.user_name, limit // 2)
                    summary = text.strip() + (f"\n{rest}" if rest else "")
                    break
            recall = Recall(memory, summary, ledger)
            return build_messages(persona, conversation.topic, kept, self.user_name, recall, _lesson(conversation))

        return render

    def summarize_ahead(self, conversation_id: int, params: SamplingParams, cancel: threading.Event) -> str | None:
        """While the learner reads: when the conversation nears the context's end, have the model summarize
        the turns the next overflow will drop, so the cut recalls them in the model's words.

        Returns the stored summary, or None when none was needed (or ``cancel`` stopped it). The backend's
        KV state is put back afterwards, so the next turn still reuses its cache.
        """
        backend = self._require_backend()
        conversation = self.store.conversation(conversation_id)
        visible = self._visible(conversation_id)
        history = self._model_history(visible)
        render = self._renderer(conversation, self.persona_of(conversation), visible, backend.context_size)
        budget = self._budget(backend, params)
        prompt = self.window.preview(conversation_id, history, render, backend.count_tokens, budget)
        if backend.count_tokens(prompt) < SUMMARIZE_AT * budget:
            return None
        current = self.window.cut(conversation_id)
        cut = self.window.next_cut(conversation_id, history, render, backend.count_tokens, budget)
        pinned = 1 if history and history[0].role == "assistant" else 0
        if cut <= current:
            return None
        made = self.store.summaries(conversation_id)
        dropped_now = visible[pinned + current - 1].id if current else 0
        if any(s.last_message_id > dropped_now for s in made):
            return None  # already summarized ahead of this cut
        first, last = visible[pinned], visible[pinned + cut - 1]
        # rolling: the previous summary plus the turns after it
        previous = max(made, key=lambda s: s.last_message_id, default=None)
        start = pinned + sum(1 for m in visible[pinned:] if previous and m.id <= previous.last_message_id)
        request = summary_request(
            history[start : pinned + cut], backend.context_size, previous.text if previous else ""
        )
        engine = backend if isinstance(backend, LlamaEngine) else None
        snapshot = engine.snapshot() if engine is not None else None
        try:
            completion = backend.generate(request, SUMMARY_SAMPLING, cancel)
        finally:
            if engine is not None and snapshot is not None:
                engine.restore(snapshot)
        text = completion.text.strip()
        if completion.finish_reason == "cancelled" or not text:
            return None
        self.store.add_summary(conversation_id, first.id, last.id, text)
        return text

    def message_limit(self) -> int:
        """How many characters of one message the model reads at most."""
        backend = self._require_backend()
        return max(1, min(MAX_MESSAGE_CHARS, backend.context_size // 2))

    def chars_read(self, text: str) -> int:
        """How many characters of ``text`` the model reads: up to :meth:`message_limit`, and no more than half
        the context in tokens (emoji and rare scripts take several tokens per character)."""
        backend = self._require_backend()
        budget = backend.context_size // 2
        limit = min(len(text), self.message_limit())
        if len(text[:limit].encode("utf-8", "replace")) <= budget:  # a token holds at least one byte
            return limit
        key = (len(text), hash(text))
        if key not in self._chars_read:

            def fits(n: int) -> bool:
                return backend.count_tokens([ChatMessage("user", shown_to_model(text, n))]) <= budget

            low, high = 1, limit
            if fits(high):
                low = high
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if fits(middle) else (low, middle - 1)
            self._chars_read[key] = low
        return self._chars_read[key]

    def _notice(self, text: str) -> str | None:
        read = self.chars_read(text)
        if read >= len(text):
            return None
        return (
            f"Your message has {len(text):,} characters; the tutor read only the first {read:,}. "
            "The whole message is saved in the conversation."
        )

    def _switch_context(self, conversation_id: int) -> None:
        """Park the live conversation's KV state and bring back this one's, when the backend can."""
        backend = self.backend
        if self.kv_states is None or self._live_conversation == conversation_id or not isinstance(backend, LlamaEngine):
            return
        self._park(backend, to_disk=False)
        snapshot = self.kv_states.get(conversation_id, backend.model_key)
        if snapshot is not None and backend.restore(snapshot):
            self.window.resume(conversation_id, snapshot.cut)  # the next prompt is cut where these tokens were
        self._live_conversation = conversation_id

    def _park(self, backend: LlamaEngine, *, to_disk: bool) -> None:
        """Keep the live conversation's KV state, with the window cut its tokens were evaluated under."""
        live = self._live_conversation
        if self.kv_states is not None and live is not None:
            snapshot = replace(backend.snapshot(), cut=self.window.cut(live))
            self.kv_states.put(live, snapshot, to_disk=to_disk)

    def save_state(self) -> None:
        """Write the live conversation's KV state to the cache (call when the conversation goes idle)."""
        if isinstance(self.backend, LlamaEngine):
            self._park(self.backend, to_disk=True)

    def replay_prompt(self, reply_id: int, params: SamplingParams) -> tuple[Conversation, list[ChatMessage]]:
        """The prompt a stored reply was answered from, rebuilt now (today's card, memory and context size):
        its own branch up to its question, fitted in a fresh window so the live conversation's cut stays put."""
        reply = self.store.message(reply_id)
        if reply.role != "assistant" or reply.parent_id is None:
            raise PersonaTutorError(f"Message {reply_id} is not a reply to a question.")
        visible = _seen_by_model(self.store.path_to(reply.parent_id))
        if not visible or visible[-1].role != "user":
            raise PersonaTutorError(f"Message {reply_id} is not a reply to a question.")
        conversation = self.store.conversation(reply.conversation_id)
        window = ContextWindow(self.window.keep_ratio)
        return conversation, self._fit(conversation, self.persona_of(conversation), visible, params, window)

    def answer_again(
        self,
        reply_id: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
    ) -> tuple[Conversation, list[ChatMessage], Completion]:
        """A new reply to the question ``reply_id`` answered, with the current model, card and ``params``; nothing
        is stored. The live conversation's KV state is parked first, so its next turn still finds its cache."""
        conversation, messages = self.replay_prompt(reply_id, params)
        backend = self._require_backend()
        self.park_context()
        return conversation, messages, backend.generate(messages, params, cancel, on_token)

    def in_character_again(
        self,
        conversation: Conversation,
        messages: list[ChatMessage],
        first: Completion,
        params: SamplingParams,
        cancel: threading.Event,
        question_id: int | None = None,
    ) -> tuple[Completion, bool]:
        """ "Stay in character" for a reply that is not stored (a replay of :meth:`answer_again`): when ``first``
        is complete and its Persona badge is off, write it once more as a turn would, and keep the more
        in-character one. Returns that reply and whether it was written twice."""
        verdict = self.verdict(conversation, messages, first.text, question_id=question_id)
        if not _needs_retry(verdict, first.finish_reason != "cancelled", cancel):
            return first, False
        second = self._require_backend().generate(messages, _retry_params(params), cancel)
        if second.finish_reason == "cancelled":
            return first, True
        again = self.verdict(conversation, messages, second.text, question_id=question_id)
        return (second if _persona_score(again) > _persona_score(verdict) else first), True

    def park_context(self) -> None:
        """Set the live conversation's KV state aside before the backend is used for something else."""
        if isinstance(self.backend, LlamaEngine):
            self._park(self.backend, to_disk=False)
        self._live_conversation = None

    def send(
        self,
        conversation_id: int,
        text: str,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
        instruction: str = "",
    ) -> TurnResult:
        """Commit the learner's ``text``, stream the reply into the store, and return it.

        A message longer than :meth:`message_limit` is stored whole and cut for the model; the result's
        ``notice`` says so. ``instruction`` guides this one reply (see :meth:`_fitted_prompt`).
        """
        text = clean_text(text)
        self._require_question(text)
        conversation = self.store.conversation(conversation_id)
        user_message = self.store.add_message(conversation_id, "user", text)
        if not conversation.title:
            self.store.rename_conversation(conversation_id, " ".join(text.split())[:_TITLE_CHARS])
        result = self._reply(conversation, user_message.id, params, cancel, on_token, instruction)
        return replace(result, notice=_joined(self._notice(text), result.notice))

    def regenerate(
        self,
        conversation_id: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
        instruction: str = "",
    ) -> TurnResult:
        """A new version of the last reply; the old one stays as a browsable alternative. ``instruction`` guides
        the new version (see :meth:`_fitted_prompt`; a quiz's message is redone with its own)."""
        conversation, question, reply = self._last_exchange(conversation_id, "There is no reply to regenerate yet.")
        persona, version_id = self.pins.pin(conversation)
        messages = self._fitted_prompt(
            conversation, params, until=question.id, instruction=instruction, persona=persona
        )
        branch = self.store.add_branch(reply.id, "", status="streaming", persona_version_id=version_id)
        return self._stream(conversation, persona, messages, branch.id, question.id, params, cancel, on_token)

    def edit_and_resend(
        self,
        message_id: int,
        text: str,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
        instruction: str = "",
    ) -> TurnResult:
        """Replace an earlier question with ``text`` on a new branch and answer it; the old branch is kept.
        ``instruction`` guides the answer (an edited quiz answer is graded again)."""
        text = clean_text(text)
        self._require_question(text)
        original = self.store.message(message_id)
        if original.role != "user":
            raise PersonaTutorError("Only your own messages can be edited.")
        edited = self.store.add_branch(message_id, text)
        conversation = self.store.conversation(original.conversation_id)
        result = self._reply(conversation, edited.id, params, cancel, on_token, instruction)
        return replace(result, notice=_joined(self._notice(text), result.notice))

    def continue_reply(
        self,
        conversation_id: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None = None,
    ) -> TurnResult:
        """Let the model go on writing the last reply (a stopped one, or one cut at the token limit)."""
        conversation, question, last = self._last_exchange(conversation_id, "There is no reply to continue.")
        persona, version_id = self.pins.pin(conversation)
        messages = self._fitted_prompt(conversation, params, until=question.id, persona=persona)
        # a continued reply keeps the card that began it; an older one learns the card that finishes it
        self.store.update_message(last.id, status="streaming", persona_version_id=last.persona_version_id or version_id)
        return self._stream(
            conversation, persona, messages, last.id, question.id, params, cancel, on_token, prefix=last.content
        )

    def _last_exchange(self, conversation_id: int, missing: str) -> tuple[Conversation, Message, Message]:
        """The conversation with its last question and reply; ``missing`` is the error when there is none."""
        self._require_backend()
        conversation = self.store.conversation(conversation_id)
        path = self.store.messages(conversation_id)
        if len(path) < 2 or path[-1].role != "assistant" or path[-2].role != "user":
            raise PersonaTutorError(missing)
        return conversation, path[-2], path[-1]

    def _require_question(self, text: str) -> None:
        """A turn needs a loaded model and a question with something in it."""
        self._require_backend()
        if not text.strip():
            raise PersonaTutorError("The message is empty.")

    def _require_backend(self) -> ChatBackend:
        if self.backend is None:
            raise PersonaTutorError("No model is loaded.")
        return self.backend

    def _reply(
        self,
        conversation: Conversation,
        question_id: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None,
        instruction: str = "",
    ) -> TurnResult:
        persona, version_id = self.pins.pin(conversation)
        messages = self._fitted_prompt(conversation, params, instruction=instruction, persona=persona)
        reply = self.store.add_message(
            conversation.id, "assistant", "", status="streaming", persona_version_id=version_id
        )
        result = self._stream(conversation, persona, messages, reply.id, question_id, params, cancel, on_token)
        return self._keep_in_character(conversation, persona, version_id, messages, result, params, cancel, on_token)

    def _keep_in_character(
        self,
        conversation: Conversation,
        persona: Persona,
        version_id: int | None,
        messages: list[ChatMessage],
        first: TurnResult,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None,
    ) -> TurnResult:
        """With "stay in character" on, write an off-persona reply once more (a regenerated alternative) and make
        the version with the higher Persona score the active one; the other stays browsable with ‹ ›."""
        if not (self.stay_in_character and _needs_retry(first.verdict, first.status == "complete", cancel)):
            return first
        if self.on_retry is not None:
            self.on_retry()
        retry_params = _retry_params(params)
        branch = self.store.add_branch(first.message_id, "", status="streaming", persona_version_id=version_id)
        second = self._stream(
            conversation, persona, messages, branch.id, first.user_message_id, retry_params, cancel, on_token
        )
        second_better = _persona_score(second.verdict) > _persona_score(first.verdict)
        better, other = (second, first) if second_better else (first, second)
        if better is first:
            self.store.select_branch(first.message_id)
        which = "the second" if better is second else "the first"
        notice = (
            "Stay in character: the reply came out of character, so it was written once more; "
            f"{which} version is shown as the more in-character one (‹ › shows the other)."
        )
        return replace(better, notice=notice, alternative_id=other.message_id)

    def _stream(
        self,
        conversation: Conversation,
        persona: Persona,
        messages: list[ChatMessage],
        reply_id: int,
        question_id: int,
        params: SamplingParams,
        cancel: threading.Event,
        on_token: Callable[[str], None] | None,
        prefix: str = "",
    ) -> TurnResult:
        """Generate into the stored message ``reply_id``, saving as it streams; ``prefix`` is text it already has."""
        backend = self._require_backend()
        self._switch_context(conversation.id)
        pieces: list[str] = [prefix] if prefix else []
        last_save = time.monotonic()
        unsaved = 0

        def receive(piece: str) -> None:
            nonlocal last_save, unsaved
            pieces.append(piece)
            unsaved += 1
            if unsaved >= SAVE_EVERY_PIECES or time.monotonic() - last_save >= SAVE_EVERY_S:
                self.store.update_message(reply_id, content="".join(pieces))
                last_save, unsaved = time.monotonic(), 0
            if on_token:
                on_token(piece)

        try:
            completion = backend.generate(messages, params, cancel, receive, prefix=prefix)
        except BaseException as exc:
            self.store.update_message(reply_id, content="".join(pieces), status="error", error=str(exc))
            raise
        status = "interrupted" if completion.finish_reason == "cancelled" else "complete"
        timings = completion.timings
        text = prefix + completion.text
        self.store.update_message(
            reply_id,
            content=text,
            status=status,
            ttft_s=timings.ttft_s,
            prompt_tokens=timings.prompt_tokens,
            cached_prompt_tokens=timings.cached_prompt_tokens,
            generated_tokens=timings.generated_tokens,
            tokens_per_s=timings.tokens_per_s,
        )
        self._record_prompt(messages, reply_id, params, timings, prefix)
        question = self.store.message(question_id).content
        self._record_facts(conversation.id, question_id, lambda: from_learner(question))
        verdict = self._judge(conversation, persona, messages, text, reply_id, question_id)
        if status == "complete":
            self._record_facts(conversation.id, reply_id, lambda: from_reply(text, question))
        return TurnResult(conversation.id, question_id, reply_id, text, status, timings, verdict)

    def _record_facts(self, conversation_id: int, message_id: int, find: Callable[[], list[FactCandidate]]) -> None:
        """Add what a message established to the facts ledger (the learner's message before the reply is judged,
        so the badge knows a name given in the same turn; a complete reply after). Like the badges, the ledger
        is an aid: a failure is logged and the turn stands."""
        try:
            record(self.store, conversation_id, find(), message_id)
        except Exception:
            log.exception("the facts ledger failed on message %s", message_id)

    def _record_prompt(
        self, messages: list[ChatMessage], reply_id: int, params: SamplingParams, timings: Timings, prefix: str
    ) -> None:
        """Keep what the model saw for reply ``reply_id`` (the prompt inspector's data).

        Like the badges, an aid: a failure is logged and the reply stands without it.
        """
        try:
            record = prompt_record(self._require_backend(), reply_id, messages, params, timings, prefix)
            self.store.save_prompt_record(record)
        except Exception:
            log.exception("the prompt record of message %s could not be made", reply_id)

    def _judge(
        self,
        conversation: Conversation,
        persona: Persona,
        messages: list[ChatMessage],
        reply: str,
        reply_id: int,
        question_id: int,
    ) -> dict[str, Any] | None:
        """Run the reply checker on a finished reply and store its verdict with the message.

        The badges are an aid: a checker failure is logged and the reply stands without them.
        """
        stored = self.verdict(conversation, messages, reply, reply_id, persona, question_id)
        if stored is not None:
            self.store.add_verdict(reply_id, CHECKER_NAME, CHECKER_VERSION, stored)
        return stored

    def recheck(self, reply_id: int) -> dict[str, Any] | None:
        """Judge a stored reply again with the current checker and the packs as they are now, and store the new
        verdict beside the old ones (they stay, with their checker versions); None when the checker cannot."""
        reply = self.store.message(reply_id)
        if reply.role != "assistant" or reply.parent_id is None:
            return None
        conversation = self.store.conversation(reply.conversation_id)
        asked = history_messages(self.store.path_to(reply_id)[:-1])
        return self._judge(conversation, self.persona_of(conversation), asked, reply.content, reply_id, reply.parent_id)

    def verdict(
        self,
        conversation: Conversation,
        messages: list[ChatMessage],
        reply: str,
        reply_id: int = 0,
        persona: Persona | None = None,
        question_id: int | None = None,
    ) -> dict[str, Any] | None:
        """The checker's badges for ``reply`` to the prompt ``messages`` (None for an empty reply, or when the
        checker fails: the badges are an aid, so the failure is logged and the reply stands without them).

        The ledger it compares with is the branch's through ``question_id`` (by default the question stored reply
        ``reply_id`` answers; the active path when neither is given)."""
        if not reply.strip():
            return None
        try:
            persona = persona or self.persona_of(conversation)
            if question_id is None and reply_id:
                question_id = self.store.message(reply_id).parent_id
            turns = [m for m in messages if m.role != "system"]
            question = next((m.content for m in reversed(turns) if m.role == "user"), None)
            verdict = check(
                persona,
                reply,
                question=question,
                topic=conversation.topic,
                history=turns[:-1],
                packs=self.packs(),
                ledger=self.store.branch_ledger(conversation.id, question_id, active_only=True),
            )
        except Exception:
            log.exception("the reply checker failed on message %s", reply_id)
            return None
        return verdict.to_json(with_signals=True)
