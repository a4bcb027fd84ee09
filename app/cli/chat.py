"""`persona-tutor chat`: one user turn per stdin line, one reply per turn."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING

from app.cli.common import print_json, starter_progress
from app.errors import PersonaTutorError
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.remote_servers import RemoteConfig


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    chat = commands.add_parser(
        "chat", parents=[common], help="chat headless: one user turn per stdin line, one reply per turn"
    )
    chat.add_argument("--persona", metavar="ID", help="persona id (see `personas list`); not with --conversation")
    chat.add_argument("--topic", metavar="TEXT", help="what the lesson is about; not with --conversation")
    chat.add_argument("--model", metavar="ID|PATH", help="an installed model id or a .gguf path")
    chat.add_argument("--max-tokens", type=int, default=512, metavar="N")
    chat.add_argument("--seed", type=int, metavar="N")
    chat.add_argument(
        "--ctx", type=int, metavar="N", help="context size in tokens (default 4096; a server's own when it says)"
    )
    chat.add_argument("--gpu-layers", type=int, metavar="N", help="layers to offload (-1: all; default: auto)")
    chat.add_argument("--flash-attn", action="store_true", help="use llama.cpp's flash attention")
    chat.add_argument(
        "--kv-type", choices=("f16", "q8_0"), default="f16", help="KV cache type (q8_0: about half the memory)"
    )
    add_remote_options(chat)
    chat.add_argument("--conversation", type=int, metavar="ID", help="continue this conversation")
    chat.add_argument(
        "--stay-in-character",
        action="store_true",
        help="write an off-persona reply once more and keep the more in-character version (both are stored)",
    )
    chat.add_argument("--json", action="store_true", help="one JSON object per turn")
    chat.set_defaults(handler=run)


def add_remote_options(parser: argparse.ArgumentParser) -> None:
    """The options that pick an OpenAI-compatible server instead of a local model (chat and the GUI)."""
    remote = parser.add_argument_group("remote server (instead of a local model)")
    remote.add_argument(
        "--backend",
        metavar="NAME|URL",
        help="an OpenAI-compatible server: a saved name (`models remote add`), its URL, or `openai` with --base-url",
    )
    remote.add_argument("--base-url", metavar="URL", help="the server's address, e.g. http://127.0.0.1:8080")
    remote.add_argument("--remote-model", "--backend-model", dest="remote_model", metavar="NAME", help="model name")
    remote.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the server's API key")


def _echo(piece: str) -> None:
    sys.stdout.write(piece)
    sys.stdout.flush()


def remote_config(args: argparse.Namespace, paths: AppPaths) -> RemoteConfig | None:
    """The server the options name, or None for a local model."""
    from dataclasses import replace

    from app.remote_servers import RemoteConfig, find_server

    backend = args.backend or ("openai" if args.base_url else None)
    if backend in (None, "local"):
        if args.remote_model or args.api_key_env:
            raise PersonaTutorError("--remote-model and --api-key-env need a server (--backend NAME|URL).")
        return None
    if backend == "openai":
        if not args.base_url:
            raise PersonaTutorError("--backend openai needs --base-url URL.")
        config = RemoteConfig(base_url=args.base_url)
    else:
        config = find_server(paths.config_dir, backend)
        if args.base_url:
            config = replace(config, base_url=args.base_url)
    if args.remote_model:
        config = replace(config, model=args.remote_model)
    if args.api_key_env:
        config = replace(config, api_key_env=args.api_key_env, api_key=None)
    if getattr(args, "ctx", None):
        config = replace(config, context_size=args.ctx)
    return config


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.chat import ChatService
    from app.engine import ChatBackend, EngineConfig, LlamaEngine, SamplingParams
    from app.kv_state_cache import KvStateCache
    from app.model_library import resolve_model
    from app.personas import PersonaLibrary
    from app.store import Store

    if args.max_tokens < 1:
        raise PersonaTutorError("--max-tokens must be at least 1.")
    if args.conversation is None and not (args.persona and args.topic):
        raise PersonaTutorError("chat needs --persona ID and --topic TEXT (or --conversation ID to continue one).")
    personas = PersonaLibrary(paths.user_personas_dir)
    if args.conversation is None:
        personas.get(args.persona)
    store = Store(paths.database_path)
    try:
        if args.conversation is not None:
            # a continued conversation runs with its own card, or the copy kept of it when the card is gone
            ChatService(store, personas).persona_of(store.conversation(args.conversation))
    except PersonaTutorError:
        store.close()
        raise
    store.recover_interrupted()
    engine: ChatBackend
    remote = remote_config(args, paths)
    if remote is not None:
        from app.remote_backend import RemoteBackend

        if args.model or args.gpu_layers is not None:
            raise PersonaTutorError("--model and --gpu-layers are for local models; a server runs its own.")
        engine = RemoteBackend(remote)
        model_id = engine.model_id
    else:
        model = resolve_model(paths.models_dir, args.model, progress=starter_progress(), config_dir=paths.config_dir)
        engine = LlamaEngine(
            EngineConfig(
                model_path=model.path,
                n_ctx=args.ctx or 4096,
                gpu_layers=args.gpu_layers,
                flash_attn=args.flash_attn,
                kv_type=args.kv_type,
            )
        )
        model_id = model.id
    try:
        service = ChatService(
            store,
            personas,
            engine,
            kv_states=KvStateCache(paths.kv_cache_dir),
            topics_dir=paths.topics_dir,
            stay_in_character=args.stay_in_character,
        )
        if args.conversation is not None:
            conversation = store.conversation(args.conversation)
        else:
            conversation = service.start(args.persona, args.topic, model_id)
        params = SamplingParams(max_tokens=args.max_tokens, seed=args.seed)
        cancel = threading.Event()
        for line in sys.stdin:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            result = service.send(conversation.id, text, params, cancel, None if args.json else _echo)
            if result.notice:
                print(f"persona-tutor: note: {result.notice}", file=sys.stderr)
            if args.json:
                print_json(result.to_json())
            else:
                sys.stdout.write("\n")
                sys.stdout.flush()
        service.save_state()
    finally:
        engine.close()
        store.close()
    return 0
