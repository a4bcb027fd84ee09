"""The remote backend against a real ``llama_cpp.server`` running the starter model on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.errors import RemoteBackendError
from app.personas import PersonaLibrary
from app.prompt_builder import ChatMessage
from app.remote_backend import RemoteBackend, estimate_tokens
from app.remote_servers import RemoteConfig
from app.store import Store
from tests.remote_server import MODEL_ALIAS, LlamaServer, free_port

QUESTION = [
    ChatMessage("system", "You are a patient tutor. Answer in one short paragraph."),
    ChatMessage("user", "What does a convolution layer do?"),
]


@pytest.fixture(scope="module")
def backend(llama_server: LlamaServer) -> RemoteBackend:
    return RemoteBackend(RemoteConfig(base_url=llama_server.url + "/v1/", context_size=2048))


def test_connects_to_the_first_model_and_lists_it(backend: RemoteBackend, llama_server: LlamaServer) -> None:
    assert backend.model_name == MODEL_ALIAS
    assert backend.model_id == f"{MODEL_ALIAS}@127.0.0.1:{llama_server.port}"
    assert backend.backend_description == f"Remote · 127.0.0.1:{llama_server.port}"
    assert RemoteBackend.models_of(RemoteConfig(base_url=llama_server.url)) == [MODEL_ALIAS]
    assert backend.context_size == 2048  # llama_cpp.server does not report it; the configured size stands


def test_streams_a_reply_token_by_token(backend: RemoteBackend) -> None:
    pieces: list[str] = []
    completion = backend.generate(QUESTION, SamplingParams(max_tokens=16, seed=7), threading.Event(), pieces.append)
    assert len(pieces) > 3
    assert completion.text == "".join(pieces)
    assert completion.text.strip()
    assert completion.finish_reason in ("stop", "length")
    timings = completion.timings
    assert 0 < timings.ttft_s < 60
    assert timings.generated_tokens == len(pieces)
    assert timings.prompt_tokens > 20


def test_token_counts_come_from_the_servers_tokenizer(backend: RemoteBackend, engine: LlamaEngine) -> None:
    history = [
        *QUESTION,
        ChatMessage("assistant", "卷积层用小小的滤波器扫过图像，喵~"),
        ChatMessage("user", "池化呢？"),
    ]
    ours = backend.count_tokens(history)
    exact = engine.count_tokens(history)  # the same model, locally, with its chat template
    assert exact <= ours <= exact * 1.3 + 8  # an allowance for the template's markers, never an undercount


def test_estimate_errs_high_for_chinese_and_english(engine: LlamaEngine) -> None:
    for text in ("卷积神经网络通过卷积核提取局部特征。", "A convolution layer slides small filters over the image."):
        exact = len(engine.llama.tokenize(text.encode("utf-8"), add_bos=False))
        assert exact <= estimate_tokens(text) <= exact * 2.5


def test_stop_mid_stream_is_quick_and_the_server_keeps_serving(backend: RemoteBackend) -> None:
    cancel = threading.Event()
    pieces: list[str] = []
    stopped_at: list[float] = []

    def on_token(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 3:
            stopped_at.append(time.perf_counter())
            cancel.set()

    completion = backend.generate(QUESTION, SamplingParams(max_tokens=200, seed=1), cancel, on_token)
    returned = time.perf_counter()
    assert completion.finish_reason == "cancelled"
    assert len(pieces) == 3
    assert completion.text == "".join(pieces)
    assert returned - stopped_at[0] < 0.1
    again = backend.generate(QUESTION, SamplingParams(max_tokens=4, seed=1), threading.Event())
    assert again.text


def test_stop_while_the_server_evaluates_the_prompt(backend: RemoteBackend) -> None:
    long_question = [*QUESTION[:1], ChatMessage("user", "Explain pooling layers. " * 60)]
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.perf_counter()
    completion = backend.generate(long_question, SamplingParams(max_tokens=50, seed=2), cancel)
    assert time.perf_counter() - started < 0.2 + 0.1 or completion.text  # stopped in prefill, or right after it
    assert completion.finish_reason == "cancelled"


def test_multi_turn_chat_is_stored_like_a_local_one(tmp_path: Path, backend: RemoteBackend) -> None:
    store = Store(tmp_path / "remote.db")
    try:
        service = ChatService(store, PersonaLibrary(), backend)
        conversation = service.start("xiaomiao", "CNN", backend.model_id)
        params = SamplingParams(max_tokens=24, seed=5)
        first = service.send(conversation.id, "什么是卷积层？", params, threading.Event())
        second = service.send(conversation.id, "池化层呢？", params, threading.Event())
        stored = store.messages(conversation.id)
        assert [(m.role, m.status) for m in stored] == [
            ("assistant", "complete"),
            ("user", "complete"),
            ("assistant", "complete"),
            ("user", "complete"),
            ("assistant", "complete"),
        ]
        assert (stored[2].content, stored[4].content) == (first.reply, second.reply)
        assert stored[4].generated_tokens == second.timings.generated_tokens > 0
        assert store.verdicts(second.message_id)  # the badges are judged as for a local model
        assert store.conversation(conversation.id).model == backend.model_id
    finally:
        store.close()


@pytest.fixture(scope="module")
def locked_server(starter_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(starter_path, tmp_path_factory.mktemp("locked"), api_key="s3cret-key").wait_ready()
    yield server
    server.stop()


def test_a_key_protected_server(locked_server: LlamaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RemoteBackendError, match="refused the request \\(401") as refused:
        RemoteBackend(RemoteConfig(base_url=locked_server.url))
    assert "wants an API key" in str(refused.value)
    with pytest.raises(RemoteBackendError, match="Check the API key") as wrong:
        RemoteBackend(RemoteConfig(base_url=locked_server.url, api_key="not-it"))
    assert "not-it" not in str(wrong.value)
    monkeypatch.setenv("TUTOR_TEST_KEY", "s3cret-key")
    backend = RemoteBackend(RemoteConfig(base_url=locked_server.url, api_key_env="TUTOR_TEST_KEY"))
    reply = backend.generate(QUESTION, SamplingParams(max_tokens=4, seed=3), threading.Event())
    assert reply.text


def test_connection_refused_says_so() -> None:
    with pytest.raises(RemoteBackendError, match=r"connection refused\. Is the server running"):
        RemoteBackend(RemoteConfig(base_url=f"http://127.0.0.1:{free_port()}"))


def test_an_unknown_model_names_the_ones_offered(llama_server: LlamaServer) -> None:
    with pytest.raises(RemoteBackendError, match="has no model 'gpt-9'; it offers: starter"):
        RemoteBackend(RemoteConfig(base_url=llama_server.url, model="gpt-9"))
