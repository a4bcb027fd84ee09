"""Chat templates from GGUF files are programs by strangers: sandboxed, and stopped when they loop or explode."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from app import chat_template
from app.chat_template import ChatTemplate
from app.errors import ModelError
from app.gguf_metadata import read_gguf
from tests.gguf_files import write_tiny_gguf

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
MESSAGES = [{"role": "user", "content": "什么是卷积？"}]


def ssti_payloads(sentinel: Path) -> list[str]:
    """CVE-2024-34359 and its relatives: reach os/subprocess from Jinja and create ``sentinel``."""
    touch = f"touch {sentinel}"
    return [
        # the published proof of concept for llama-cpp-python < 0.2.72
        '{% for x in ().__class__.__base__.__subclasses__() %}{% if "warning" in x.__name__ %}'
        f"{{{{x()._module.__builtins__['__import__']('os').popen(\"{touch}\").read()}}}}{{% endif %}}{{% endfor %}}",
        f"{{{{ self.__init__.__globals__.__builtins__.__import__('os').system('{touch}') }}}}",
        f"{{{{ cycler.__init__.__globals__.os.popen('{touch}').read() }}}}",
        f"{{{{ joiner.__init__.__globals__.os.system('{touch}') }}}}",
        f"{{{{ namespace.__init__.__globals__.os.system('{touch}') }}}}",
        f"{{{{ raise_exception.__globals__['__builtins__']['__import__']('os').system('{touch}') }}}}",
        f"{{{{ messages.__class__.__mro__[1].__subclasses__()[0].__init__.__globals__['sys'].modules['os']"
        f".system('{touch}') }}}}",
        f"{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}{{{{ lipsum.__globals__['os'].system('{touch}') }}}}",
        f"{{{{ request.application.__globals__.__builtins__.__import__('os').system('{touch}') }}}}",
        f"{{% set x = messages.append({{'role': 'user'}}) %}}{{{{ '{touch}' }}}}",
    ]


@pytest.fixture
def no_subprocess(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records (and blocks) any attempt to start a process while the template renders."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args))
        raise AssertionError(f"a template started a process: {args!r}")

    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "popen", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    return attempts


def test_ssti_payloads_cannot_run_code(tmp_path: Path, no_subprocess: list[str]) -> None:
    sentinel = tmp_path / "pwned"
    for payload in ssti_payloads(sentinel):
        try:
            prompt = ChatTemplate(payload, "<s>", "</s>").render(MESSAGES).prompt
        except ModelError as exc:
            assert str(exc).startswith("The model's chat template"), payload
        else:
            assert "touch" not in prompt or prompt.strip() == f"touch {sentinel}", payload
    assert not sentinel.exists()
    assert no_subprocess == []


def test_a_gguf_carrying_the_payload_is_only_data(tmp_path: Path, no_subprocess: list[str]) -> None:
    sentinel = tmp_path / "pwned"
    payload = ssti_payloads(sentinel)[0]
    info = read_gguf(write_tiny_gguf(tmp_path / "evil.gguf", chat_template=payload))
    assert info.has_chat_template  # reading and listing a model never runs its template
    with pytest.raises(ModelError, match=r"chat template failed: .*unsafe"):
        ChatTemplate(str(info.metadata["tokenizer.chat_template"])).render(MESSAGES)
    assert not sentinel.exists()


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "ran for more than"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion"),
        ("{{ 'x' * 10000000000 }}", "repeats text past the size limit"),
        ("{{ (messages * 100000000)|length }}", "repeats text past the size limit"),
        ("{{ 9 ** 999999999 }}", "power"),
        ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "output passed"),
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "size limit",
        ),
        ("{{ 'a'|center(10000000000) }}", "in one step"),
        ("{{ 'a'.ljust(10000000000) }}", "in one step"),
        ("{{ '%10000000000d' % 1 }}", "millions of characters wide"),
        ("{{ '{:>10000000000}'.format(1) }}", "millions of characters wide"),
        ("{{ '{:>10000000000}'['format'](1) }}", "millions of characters wide"),
        ("{{ lipsum(5) }}", "failed"),  # not offered at all: one call makes any amount of text
        ("{% for %}", "broken"),
    ],
)
def test_templates_that_loop_or_explode_are_stopped(
    template: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_template, "MAX_RENDER_S", 0.5)
    started = time.perf_counter()
    with pytest.raises(ModelError, match="The model's chat template") as caught:
        ChatTemplate(template).render(MESSAGES)
    assert reason in str(caught.value)
    assert time.perf_counter() - started < 10


def test_an_absurdly_long_template_is_refused() -> None:
    with pytest.raises(ModelError, match="not a real chat template"):
        ChatTemplate("x" * (chat_template.MAX_TEMPLATE_CHARS + 1))


def test_real_templates_still_render_and_big_conversations_fit() -> None:
    template = ChatTemplate(CHATML, "<s>", "<|im_end|>")
    rendered = template.render(MESSAGES)
    assert rendered.prompt == "<|im_start|>user\n什么是卷积？<|im_end|>\n<|im_start|>assistant\n"
    assert rendered.stop == ["<|im_end|>"]
    long_history = [{"role": "user" if i % 2 else "assistant", "content": "喵" * 2_000} for i in range(400)]
    started = time.perf_counter()
    assert len(template.render(long_history).prompt) > 800_000  # bigger than the base cap: scaled by the messages
    assert time.perf_counter() - started < 2


def test_raise_exception_in_a_template_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="only user and assistant"):
        ChatTemplate("{{ raise_exception('only user and assistant roles') }}").render(MESSAGES)


@pytest.fixture(scope="module")
def evil_models(starter_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real starter model, re-headed with hostile chat templates (its weights untouched)."""
    from tests.security.gguf_rewrite import with_chat_template

    folder = tmp_path_factory.mktemp("evil-models")
    sentinel = folder / "pwned"
    templates = {
        "ssti": ssti_payloads(sentinel)[0],
        "compile-bomb": "{{ 'x' * 10000000000 }}" + CHATML,  # folded at compile time by a plain sandbox
        "loop": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}" + CHATML,
        "broken": "{% for message in messages %}",
        "benign": CHATML,
    }
    return {name: with_chat_template(starter_path, folder / f"{name}.gguf", t) for name, t in templates.items()}


@pytest.mark.timeout(300)
def test_the_real_engine_with_hostile_templates(
    evil_models: dict[str, Path], no_subprocess: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from app.engine import EngineConfig, LlamaEngine, SamplingParams
    from app.prompt_builder import ChatMessage

    monkeypatch.setattr(chat_template, "MAX_RENDER_S", 1.0)
    messages = [ChatMessage("user", "什么是卷积？")]
    params = SamplingParams(max_tokens=2, seed=1)
    expected = {"ssti": "unsafe", "compile-bomb": "repeats text", "loop": "ran for more than"}
    for name, reason in expected.items():
        engine = LlamaEngine(EngineConfig(model_path=evil_models[name], n_ctx=256, n_threads=2))
        try:
            with pytest.raises(ModelError, match="The model's chat template") as caught:
                engine.generate(messages, params, threading.Event())
            assert reason in str(caught.value), name
        finally:
            engine.close()
    with pytest.raises(ModelError, match="chat template is broken"):
        LlamaEngine(EngineConfig(model_path=evil_models["broken"], n_ctx=256, n_threads=2))
    engine = LlamaEngine(EngineConfig(model_path=evil_models["benign"], n_ctx=256, n_threads=2))
    try:
        assert engine.generate(messages, params, threading.Event()).timings.generated_tokens > 0
    finally:
        engine.close()
    assert not (evil_models["ssti"].parent / "pwned").exists()
    assert no_subprocess == []
