"""`persona-tutor models remote …`: saved OpenAI-compatible servers (add, list, remove) and the models they serve."""

from __future__ import annotations

import argparse
import sys

from app.cli.common import print_json
from app.errors import PersonaTutorError
from app.paths import AppPaths


def register(models: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Adds ``remote`` under ``models`` (``models`` passes its own subcommand table)."""
    remote = models.add_parser("remote", parents=[common], help="OpenAI-compatible servers to chat through")
    sub = remote.add_subparsers(dest="remote_command", metavar="COMMAND", required=True)

    add = sub.add_parser("add", parents=[common], help="save a server (checked first unless --no-check)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("url", metavar="URL", help="e.g. http://127.0.0.1:8080 (a trailing /v1 is fine)")
    add.add_argument("--model", metavar="NAME", default="", help="model name (default: the server's first)")
    key = add.add_mutually_exclusive_group()
    key.add_argument("--api-key-env", metavar="VAR", help="read the API key from this environment variable")
    key.add_argument("--api-key-stdin", action="store_true", help="read the API key from stdin and store it (0600)")
    add.add_argument("--ctx", type=int, metavar="N", help="the server's context size, when it does not report it")
    add.add_argument("--no-check", action="store_true", help="save without connecting")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_add)

    listing = sub.add_parser("list", parents=[common], help="saved servers (keys are never shown)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)

    remove = sub.add_parser("remove", parents=[common], help="forget a saved server and its stored key")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)

    served = sub.add_parser("models", parents=[common], help="the models a server offers (/v1/models)")
    served.add_argument("server", metavar="NAME|URL")
    served.add_argument("--api-key-env", metavar="VAR")
    served.add_argument("--json", action="store_true")
    served.set_defaults(handler=run_models)


def run_add(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.remote_backend import RemoteBackend
    from app.remote_servers import RemoteConfig, save_server

    api_key = None
    if args.api_key_stdin:
        if sys.stdin.isatty():
            print("Paste the API key and press Enter:", file=sys.stderr)
        api_key = sys.stdin.readline().strip()
        if not api_key:
            raise PersonaTutorError("The API key is empty.")
    config = RemoteConfig(
        base_url=args.url, model=args.model, api_key_env=args.api_key_env, api_key=api_key, context_size=args.ctx
    )
    if not args.no_check:
        from dataclasses import replace

        backend = RemoteBackend(config)
        config = replace(config, model=backend.model_name)
    saved = save_server(paths.config_dir, args.name, config)
    if args.json:
        print_json(saved.to_json())
    else:
        print(f"Saved {saved.name}: {saved.base_url}, model {saved.model or '(the server default)'}")
    return 0


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.remote_servers import load_servers

    servers = load_servers(paths.config_dir)
    if args.json:
        print_json([s.to_json() for s in servers.values()])
        return 0
    if not servers:
        print("No servers saved; add one with `persona-tutor models remote add NAME URL`.")
    for s in servers.values():
        print(f"{s.name}\t{s.base_url}\t{s.model or '(server default)'}\tkey: {s.key_source()}")
    return 0


def run_remove(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.remote_servers import remove_server

    remove_server(paths.config_dir, args.name)
    print(f"Removed {args.name}.")
    return 0


def run_models(args: argparse.Namespace, paths: AppPaths) -> int:
    from dataclasses import replace

    from app.remote_backend import RemoteBackend
    from app.remote_servers import find_server

    config = find_server(paths.config_dir, args.server)
    if args.api_key_env:
        config = replace(config, api_key_env=args.api_key_env, api_key=None)
    models = RemoteBackend.models_of(config)
    if args.json:
        print_json(models)
    else:
        for name in models:
            print(name)
    return 0
