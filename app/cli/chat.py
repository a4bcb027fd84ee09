"""`persona-tutor chat`: one user turn per stdin line, one reply per turn."""

from __future__ import annotations

import argparse
import sys
import threading

from app.cli.common import print_json, starter_progress
from app.errors import PersonaTutorError
from app.paths import AppPaths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    chat = commands.add_parser(
        "chat", parents=[common], help="chat headless: one user turn per stdin line, one reply per turn"
    )
    chat.add_argument("--persona", required=True, metavar="ID", help="persona id (see `personas list`)")
    chat.add_argument("--topic", required=True, metavar="TEXT", help="what the lesson is about")
    chat.add_argument("--model", metavar="ID|PATH", help="an installed model id or a .gguf path")
    chat.add_argument("--max-tokens", type=int, default=512, metavar="N")
    chat.add_argument("--seed", type=int, metavar="N")
    chat.add_argument("--ctx", type=int, default=4096, metavar="N", help="context size in tokens")
    chat.add_argument("--gpu-layers", type=int, metavar="N", help="layers to offload (-1: all; default: auto)")
    chat.add_argument("--conversation", type=int, metavar="ID", help="continue this conversation")
    chat.add_argument("--json", action="store_true", help="one JSON object per turn")
    chat.set_defaults(handler=run)


def _echo(piece: str) -> None:
    sys.stdout.write(piece)
    sys.stdout.flush()


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.chat import ChatService
    from app.engine import EngineConfig, LlamaEngine, SamplingParams
    from app.kv_state_cache import KvStateCache
    from app.model_library import resolve_model
    from app.personas import PersonaLibrary
    from app.store import Store

    if args.max_tokens < 1:
        raise PersonaTutorError("--max-tokens must be at least 1.")
    personas = PersonaLibrary(paths.user_personas_dir)
    personas.get(args.persona)
    store = Store(paths.database_path)
    store.recover_interrupted()
    model = resolve_model(paths.models_dir, args.model, progress=starter_progress(), config_dir=paths.config_dir)
    engine = LlamaEngine(EngineConfig(model_path=model.path, n_ctx=args.ctx, gpu_layers=args.gpu_layers))
    try:
        service = ChatService(
            store, personas, engine, kv_states=KvStateCache(paths.kv_cache_dir), topics_dir=paths.topics_dir
        )
        if args.conversation is not None:
            conversation = store.conversation(args.conversation)
        else:
            conversation = service.start(args.persona, args.topic, model.id)
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
