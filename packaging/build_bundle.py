"""Build the one-folder app bundle and its archive: what ``make dist`` runs.

    python packaging/build_bundle.py [--dist DIR] [--work DIR]

Produces DIR/persona-tutor/ (run DIR/persona-tutor/persona-tutor) and
DIR/persona-tutor-<version>-<os>-<arch>.tar.gz (.zip on Windows), then prints the build time and sizes.
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "persona-tutor.spec"
NAME = "persona-tutor"


def version() -> str:
    match = re.search(r'__version__ = "([^"]+)"', (ROOT / "app" / "__init__.py").read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit("app/__init__.py has no __version__")
    return match.group(1)


def archive_name() -> str:
    os_name = {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")
    arch = platform.machine().lower().replace("amd64", "x86_64").replace("aarch64", "arm64")
    return f"{NAME}-{version()}-{os_name}-{arch}"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> tuple[Path, Path]:
    """Run PyInstaller on the spec, then pack the folder; returns (bundle folder, archive)."""
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    bundle = dist / NAME
    base = dist / archive_name()
    if sys.platform == "win32":
        archive = Path(shutil.make_archive(str(base), "zip", dist, NAME))
    else:
        archive = base.with_name(base.name + ".tar.gz")
        partial = archive.with_name(archive.name + ".tmp")
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=NAME)
        partial.replace(archive)
    return bundle, archive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller's work folder")
    args = parser.parse_args()
    started = time.monotonic()
    bundle, archive = build(args.dist.resolve(), args.work.resolve())
    print(f"built {bundle} ({folder_size(bundle) / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s")
    print(f"archive {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
