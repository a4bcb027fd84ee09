"""The chat service on the real model and a real SQLite file: nothing the learner wrote is lost."""

import threading
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.errors import PersonaTutorError
from app.personas import PersonaLibrary
from app.store import Store


@pytest.fixture
def service(tmp_path: Path, engine: LlamaEngine) -> ChatService:
    store = Store(tmp_path / "chat.db")
    yield ChatService(store, PersonaLibrary(), engine)
    store.close()


def test_new_conversation_opens_with_the_greeting(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    messages = service.store.messages(conversation.id)
    assert [(m.role, m.status) for m in messages] == [("assistant", "complete")]
    assert messages[0].content.startswith("喵~")


def test_user_message_is_committed_before_generation(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    seen_while_streaming: list[list[tuple[str, str]]] = []

    def on_token(_piece: str) -> None:
        if not seen_while_streaming:
            # another connection, as a crash-recovering process would see the file
            other = Store(service.store.path)
            seen_while_streaming.append([(m.role, m.status) for m in other.messages(conversation.id)])
            other.close()

    result = service.send(
        conversation.id, "什么是卷积层？", SamplingParams(max_tokens=16, seed=3), threading.Event(), on_token
    )
    assert seen_while_streaming[0] == [
        ("assistant", "complete"),
        ("user", "complete"),
        ("assistant", "streaming"),
    ]
    stored = service.store.messages(conversation.id)
    assert stored[-1].id == result.message_id
    assert stored[-1].status == "complete"
    assert stored[-1].content == result.reply
    assert stored[-1].generated_tokens == result.timings.generated_tokens
    assert service.store.conversation(conversation.id).title == "什么是卷积层？"


def test_a_stopped_reply_is_kept_as_interrupted(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    cancel = threading.Event()
    count = 0

    def on_token(_piece: str) -> None:
        nonlocal count
        count += 1
        if count == 4:
            cancel.set()

    result = service.send(
        conversation.id, "讲讲卷积神经网络的历史", SamplingParams(max_tokens=200, seed=3), cancel, on_token
    )
    assert result.status == "interrupted"
    last = service.store.messages(conversation.id)[-1]
    assert (last.status, last.content) == ("interrupted", result.reply)
    assert result.reply


def test_history_is_carried_into_the_next_turn(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    params = SamplingParams(max_tokens=12, seed=3)
    first = service.send(conversation.id, "我叫小明。", params, threading.Event())
    prompt = service.prompt(service.store.conversation(conversation.id))
    assert [m.content for m in prompt[-2:]] == ["我叫小明。", first.reply]


def test_empty_message_is_refused_and_nothing_is_stored(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    with pytest.raises(PersonaTutorError, match="empty"):
        service.send(conversation.id, "   ", SamplingParams(), threading.Event())
    assert len(service.store.messages(conversation.id)) == 1


def test_long_history_is_trimmed_to_fit_the_context(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    for n in range(30):
        service.store.add_message(conversation.id, "user", f"第{n}个问题：" + "卷积" * 40)
        service.store.add_message(conversation.id, "assistant", "喵~ " + "池化" * 40)
    result = service.send(conversation.id, "最后一个问题？", SamplingParams(max_tokens=8, seed=3), threading.Event())
    assert result.status == "complete"
    assert result.timings.prompt_tokens <= service.backend.context_size


def test_regenerate_keeps_the_old_reply_as_an_alternative(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    first = service.send(conversation.id, "什么是卷积层？", SamplingParams(max_tokens=12, seed=1), threading.Event())
    again = service.regenerate(conversation.id, SamplingParams(max_tokens=12, seed=2), threading.Event())
    assert again.message_id != first.message_id
    assert again.user_message_id == first.user_message_id
    path = service.store.messages(conversation.id)
    assert [m.id for m in path][-2:] == [first.user_message_id, again.message_id]
    versions = service.store.siblings(again.message_id)
    assert [v.id for v in versions] == [first.message_id, again.message_id]
    assert versions[0].content == first.reply
    service.store.select_branch(first.message_id)  # browse back: the first version is the active one again
    assert service.store.messages(conversation.id)[-1].id == first.message_id


def test_edit_and_resend_starts_a_branch(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    params = SamplingParams(max_tokens=8, seed=1)
    first = service.send(conversation.id, "什么是卷积？", params, threading.Event())
    edited = service.edit_and_resend(first.user_message_id, "什么是池化？", params, threading.Event())
    path = service.store.messages(conversation.id)
    assert [(m.role, m.content) for m in path][-2:] == [("user", "什么是池化？"), ("assistant", edited.reply)]
    assert first.user_message_id in [m.id for m in service.store.siblings(edited.user_message_id)]
    with pytest.raises(PersonaTutorError, match="own messages"):
        service.edit_and_resend(edited.message_id, "x", params, threading.Event())


def test_continue_a_stopped_reply(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    cut = service.send(
        conversation.id, "讲讲卷积神经网络的历史", SamplingParams(max_tokens=6, seed=1), threading.Event()
    )
    more = service.continue_reply(conversation.id, SamplingParams(max_tokens=10, seed=1), threading.Event())
    assert more.message_id == cut.message_id
    assert more.reply.startswith(cut.reply)
    assert len(more.reply) > len(cut.reply)
    stored = service.store.message(cut.message_id)
    assert (stored.content, stored.status) == (more.reply, "complete")


def test_regenerate_needs_a_reply(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "CNN", "starter")
    with pytest.raises(PersonaTutorError, match="no reply"):
        service.regenerate(conversation.id, SamplingParams(), threading.Event())


def test_every_reply_is_checked_and_the_verdict_stored(service: ChatService) -> None:
    conversation = service.start("xiaomiao", "Convolutional neural networks", "starter")
    result = service.send(conversation.id, "什么是卷积层？", SamplingParams(max_tokens=24, seed=5), threading.Event())
    assert result.verdict is not None
    for badge in ("consistency", "accuracy"):
        assert result.verdict[badge]["label"] in ("ok", "doubtful", "off")
        assert 0 <= result.verdict[badge]["score"] <= 1
        assert isinstance(result.verdict[badge]["signals"], list)
    assert result.verdict["consistency"]["signals"]  # style signals always fire; accuracy ones only on findings
    [stored] = service.store.verdicts(result.message_id)
    assert stored.verdict == result.verdict
    assert stored.checker_version
    assert "verdict" not in result.to_json()  # the CLI's JSON contract is unchanged
