"""The prompt inspector's record on the real starter model: its token counts add up to the prompt the engine
evaluated, and `conversations show ID --message MID --prompt --json` prints it."""

import json
import threading
from dataclasses import asdict
from pathlib import Path

import pytest

from app.chat import ChatService
from app.engine import LlamaEngine, SamplingParams
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.remote_backend import RemoteBackend
from app.remote_servers import RemoteConfig
from app.store import Store
from tests.integration.test_cli import run_cli
from tests.remote_server import MODEL_ALIAS, LlamaServer

PARAMS = SamplingParams(max_tokens=4, seed=3)


@pytest.fixture
def store(isolated_home: Path) -> Store:
    store = Store(AppPaths.resolve(isolated_home).ensure().database_path)
    yield store
    store.close()


def test_the_parts_add_up_to_the_prompt_the_engine_evaluated(store: Store, engine: LlamaEngine) -> None:
    service = ChatService(store, PersonaLibrary(), engine)
    store.add_memory("CNN", "同学已经学过矩阵乘法")
    conversation = service.start("xiaomiao", "CNN", "starter")
    turn = service.send(conversation.id, "什么是卷积核？", PARAMS, threading.Event())
    assert turn.timings is not None
    record = store.prompt_record(turn.message_id)
    assert record is not None and not record.estimated
    assert sum(p.tokens for p in record.parts) == record.prompt_tokens == turn.timings.prompt_tokens
    assert record.cached_prompt_tokens == turn.timings.cached_prompt_tokens
    prompt = service._fitted_prompt(conversation, PARAMS, until=turn.user_message_id)
    assert record.template == engine.template_text(prompt)
    assert record.prompt_tokens == len(engine.render(prompt)[0])
    kinds = [p.kind for p in record.parts]
    assert kinds[:3] == ["system_prompt", "description", "personality"]
    assert {"memory", "examples", "topic", "assistant", "user", "template"} <= set(kinds)
    assert all(p.tokens > 0 for p in record.parts)
    assert (record.model, record.model_source, record.backend) == (
        engine.model_name,
        engine.model_path.name,
        "llama.cpp",
    )
    assert record.sampler == asdict(PARAMS)

    # continuing the reply: its start is a part of its own, and the prompt's prefix came from the cache
    more = service.continue_reply(conversation.id, PARAMS, threading.Event())
    assert more.timings is not None
    continued = store.prompt_record(turn.message_id)
    assert continued is not None and continued.parts[-1].kind == "continued"
    assert continued.parts[-1].text == turn.reply
    assert sum(p.tokens for p in continued.parts) == continued.prompt_tokens == more.timings.prompt_tokens
    assert continued.cached_prompt_tokens == more.timings.cached_prompt_tokens > 0

    shown = run_cli(
        ["conversations", "show", str(conversation.id), "--message", str(turn.message_id), "--prompt", "--json"],
        store.path.parent,
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == {"conversation_id": conversation.id, **continued.to_json()}
    table = run_cli(["conversations", "show", str(conversation.id), "--message", str(turn.message_id), "--prompt"],
                    store.path.parent)  # fmt: skip
    assert f"{continued.cached_prompt_tokens} reused from the cache" in table.stdout
    assert f"total {continued.prompt_tokens}" in table.stdout
    assert "<|im_start|>system" in table.stdout

    greeting_id = store.messages(conversation.id)[0].id
    old = run_cli(["conversations", "show", str(conversation.id), "--message", str(greeting_id), "--prompt", "--json"],
                  store.path.parent)  # fmt: skip
    assert old.returncode == 1 and "No prompt was kept for reply" in old.stderr
    question = run_cli(
        ["conversations", "show", str(conversation.id), "--message", str(turn.user_message_id), "--prompt"],
        store.path.parent,
    )
    assert question.returncode == 1 and "only the tutor's replies have a prompt" in question.stderr


def test_a_remote_reply_records_its_parts_with_estimated_counts(store: Store, llama_server: LlamaServer) -> None:
    backend = RemoteBackend(RemoteConfig(base_url=llama_server.url + "/v1/", context_size=2048))
    service = ChatService(store, PersonaLibrary(), backend)
    conversation = service.start("xiaomiao", "CNN", backend.model_id)
    turn = service.send(conversation.id, "什么是卷积核？", PARAMS, threading.Event())
    record = store.prompt_record(turn.message_id)
    assert record is not None and record.estimated and record.template == ""
    assert (record.backend, record.model, record.model_source) == ("remote", MODEL_ALIAS, backend.model_id)
    assert all(p.estimated for p in record.parts)
    assert [p.kind for p in record.parts][-2:] == ["user", "template"]
    assert turn.timings is not None and record.prompt_tokens == turn.timings.prompt_tokens
