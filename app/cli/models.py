"""`persona-tutor models …`: installed models, import, removal, the default, the catalog and downloads."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from app.cli import remote
from app.cli.common import print_json, progress_to
from app.errors import PersonaTutorError
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.downloads import DownloadProgress


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    models = commands.add_parser("models", parents=[common], help="installed models, catalog and downloads")
    sub = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True)

    listing = sub.add_parser("list", parents=[common], help="list installed models")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)

    add = sub.add_parser("add", parents=[common], help="install a local .gguf file")
    add.add_argument("path", metavar="PATH")
    add.add_argument("--link", action="store_true", help="reference the file where it is instead of copying it")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_add)

    remove = sub.add_parser("remove", parents=[common], help="uninstall a model (a referenced file is kept)")
    remove.add_argument("id", metavar="ID")
    remove.set_defaults(handler=run_remove)

    default = sub.add_parser("default", parents=[common], help="show or set the default model")
    default.add_argument("id", metavar="ID", nargs="?")
    default.set_defaults(handler=run_default)

    catalog = sub.add_parser("catalog", parents=[common], help="downloadable models and which fit this machine")
    catalog.add_argument("--json", action="store_true")
    catalog.set_defaults(handler=run_catalog)

    pull = sub.add_parser("pull", parents=[common], help="download a model from Hugging Face (or a URL)")
    pull.add_argument("repo", metavar="REPO", help="a Hugging Face repo id, or an http(s) URL of a .gguf file")
    pull.add_argument("file", metavar="FILE", nargs="?", help="the .gguf file in the repo")
    pull.add_argument("--revision", metavar="R", help="commit to download (default: the catalog's, else main)")
    pull.add_argument("--sha256", metavar="HEX", help="expected sha256 (default: the catalog's, else the Hub's)")
    pull.add_argument("--json", action="store_true")
    pull.set_defaults(handler=run_pull)

    token = sub.add_parser("token", parents=[common], help="store a Hugging Face token (read from stdin)")
    token.set_defaults(handler=run_token)
    starter = sub.add_parser(
        "starter", parents=[common], help="install the starter model from its packages (no download; kept if there)"
    )
    starter.set_defaults(handler=run_starter)

    remote.register(sub, common)


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.model_library import default_model, scan_models

    models, problems = scan_models(paths.models_dir)
    for problem in problems:
        print(f"persona-tutor: warning: skipped {problem.message}", file=sys.stderr)
    if args.json:
        print_json([m.to_json() for m in models])
        return 0
    if not models:
        print(f"No models installed in {paths.models_dir}.")
    chosen = default_model(paths.config_dir)
    for m in models:
        info = m.info
        details = f"{info.parameters_label} {info.quantization or '?'} ctx {info.context_length or '?'}" if info else ""
        mark = "*" if m.id == chosen else " "
        print(f"{mark} {m.id}\t{m.name}\t{details}\t{m.size / 1e6:.0f} MB\t{m.source}\t{m.path}")
    return 0


def run_add(args: argparse.Namespace, paths: AppPaths) -> int:
    from pathlib import Path

    from app.model_library import add_model

    progress = None if args.link else progress_to(sys.stderr, "Copying")
    model = add_model(paths.models_dir, Path(args.path), link=args.link, progress=progress)
    if args.json:
        print_json(model.to_json())
    else:
        how = "referenced in place" if model.linked else "copied"
        print(f"Added {model.id} ({model.name}), {how}: {model.path}")
    return 0


def run_remove(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.model_library import default_model, remove_model, set_default_model

    removed = remove_model(paths.models_dir, args.id)
    if default_model(paths.config_dir) == args.id:
        set_default_model(paths.config_dir, None)
    if removed.linked:
        print(f"Removed {args.id}; the file {removed.path} was left where it is.")
    else:
        print(f"Removed {args.id} and deleted {removed.path}.")
    return 0


def run_default(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.model_library import default_model, installed_models, set_default_model

    if args.id is None:
        print(default_model(paths.config_dir) or "(none: the starter model, else the first installed)")
        return 0
    if all(m.id != args.id for m in installed_models(paths.models_dir)):
        raise PersonaTutorError(f"No installed model has the id {args.id!r}; see `persona-tutor models list`.")
    set_default_model(paths.config_dir, args.id)
    print(f"Default model: {args.id}")
    return 0


def run_catalog(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.model_catalog import fits, load_catalog, this_machine
    from app.model_library import installed_models

    machine = this_machine()
    installed = {m.path.name for m in installed_models(paths.models_dir)}
    result = fits(load_catalog(), machine, installed)
    if args.json:
        print_json(
            {
                "machine": {"free_ram_mb": machine.free_ram_mb, "free_vram_mb": machine.free_vram_mb},
                "models": [f.to_json() for f in result],
            }
        )
        return 0
    vram = f", {machine.free_vram_mb} MB free VRAM" if machine.free_vram_mb is not None else ", no GPU"
    print(f"This machine: {machine.free_ram_mb} MB free RAM{vram}.")
    for f in result:
        mark = "recommended" if f.recommended else ("fits" if f.fits else "too big")
        state = " (installed)" if f.installed else ""
        checked = "" if f.entry.verified else " [unverified]"
        print(
            f"{f.entry.id}\t{f.entry.name}\t{f.entry.size / 1e9:.1f} GB\tneeds {f.entry.ram_mb} MB\t"
            f"{mark}{state}\t{f.entry.license}{checked}"
        )
    return 0


def run_pull(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.downloads import load_token, pull_from_hub, pull_from_url
    from app.model_catalog import find_entry, load_catalog

    bar = download_bar(sys.stderr)
    try:
        if args.file is None:
            if not args.repo.startswith(("http://", "https://")):
                raise PersonaTutorError("Give a repo and a file (`models pull REPO FILE`), or a URL of a .gguf.")
            model = pull_from_url(paths.models_dir, args.repo, sha256=args.sha256, progress=bar)
        else:
            entry = find_entry(load_catalog(), args.repo, args.file)
            revision = args.revision or (entry.revision if entry else None)
            pinned = entry is not None and revision == entry.revision
            sha256 = args.sha256 or (entry.sha256 if entry is not None and pinned else None)
            model = pull_from_hub(
                paths.models_dir,
                args.repo,
                args.file,
                revision=revision,
                sha256=sha256,
                token=load_token(paths.config_dir),
                progress=bar,
            )
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        raise PersonaTutorError("Download interrupted; run the same command again to resume it.") from None
    if args.json:
        print_json(model.to_json())
    else:
        print(f"Installed {model.id} ({model.name}), sha256 {model.sha256}: {model.path}")
    return 0


def run_token(args: argparse.Namespace, paths: AppPaths) -> int:
    from app.downloads import save_token

    if sys.stdin.isatty():
        print("Paste your Hugging Face token and press Enter:", file=sys.stderr)
    path = save_token(paths.config_dir, sys.stdin.readline())
    print(f"Token stored in {path} (readable only by you).")
    return 0


def download_bar(stream: TextIO, width: int = 30) -> Callable[[DownloadProgress], None]:
    """A progress callback drawing ``[####....] 45% 12/27 MB 5.1 MB/s ETA 0:03`` (a line per 25% in a log)."""
    live = stream.isatty()
    last = [-25]

    def report(p: DownloadProgress) -> None:
        total = p.total or 0
        percent = p.done * 100 // total if total else 0
        if not live and percent - last[0] < 25 and p.done < total:
            return
        last[0] = percent
        filled = width * percent // 100
        eta = f"ETA {int(p.eta_s) // 60}:{int(p.eta_s) % 60:02d}" if p.eta_s is not None else ""
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {p.done / 1e6:.1f}/{total / 1e6:.1f} MB "
            f"{p.speed / 1e6:.1f} MB/s {eta}"
        )
        end = "\n" if p.done >= total or not live else ""
        stream.write(("\r" if live else "") + line + end)
        stream.flush()

    return report


def run_starter(args: argparse.Namespace, paths: AppPaths) -> int:
    from app import starter_model
    from app.cli.common import starter_progress

    path = starter_model.assemble(paths.models_dir, progress=starter_progress())
    print(path)
    return 0
