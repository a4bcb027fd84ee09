"""Everything that differs between Linux, Windows and macOS, and between a source install and an app bundle.

One place for: which operating system we are on, whether we run from a PyInstaller bundle (and where its
files are), the fonts that show Chinese text well, whether file dialogs should be the system's own, and how
to show a file in the system's file manager. Functions take the platform as an argument (default: this
machine), so every branch is tested on any machine. No Qt here: the GUI applies these answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from app.errors import PersonaTutorError

OS = Literal["linux", "windows", "macos"]


def current_os(platform: str | None = None) -> OS:
    """``linux``, ``windows`` or ``macos`` for a ``sys.platform`` value (default: this machine's)."""
    name = sys.platform if platform is None else platform
    if name.startswith("win") or name == "cygwin":
        return "windows"
    if name == "darwin":
        return "macos"
    return "linux"


def is_frozen() -> bool:
    """True inside a PyInstaller bundle (the app started without a Python installation)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_root() -> Path | None:
    """The folder a PyInstaller bundle unpacked its files into (``sys._MEIPASS``), or None from source."""
    return Path(sys._MEIPASS) if is_frozen() else None  # type: ignore[attr-defined]


def is_flatpak(environ: Mapping[str, str] | None = None, root: Path = Path("/")) -> bool:
    """True inside a Flatpak sandbox, where file dialogs and opening folders go through desktop portals."""
    env = os.environ if environ is None else environ
    return "FLATPAK_ID" in env or (root / ".flatpak-info").is_file()


def desktop_file_name(environ: Mapping[str, str] | None = None) -> str:
    """The desktop entry's name without ``.desktop``: Flatpak renames it to the app id, so follow that."""
    env = os.environ if environ is None else environ
    return env.get("FLATPAK_ID") or "persona-tutor"


# Families that cover Chinese as well as Latin text, best first; the first one installed is used.
_CJK_FONTS: dict[OS, tuple[str, ...]] = {
    "linux": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback"),
    "windows": ("Microsoft YaHei UI", "Microsoft YaHei", "SimSun"),
    "macos": ("PingFang SC", "Hiragino Sans GB", "Heiti SC"),
}


def cjk_font_families(os_name: OS | None = None) -> tuple[str, ...]:
    """Fallback families for Chinese text on this OS (Qt tries them after the default UI font)."""
    return _CJK_FONTS[os_name or current_os()]


def native_file_dialogs(os_name: OS | None = None, *, frozen: bool | None = None, flatpak: bool | None = None) -> bool:
    """Whether to use the system's own open/save dialogs.

    Windows and macOS: always. Linux: through the portal in a Flatpak; not from a PyInstaller bundle, which
    carries no GTK platform-theme plugin (Qt would fall back anyway, after a warning); otherwise yes.
    """
    os_name = os_name or current_os()
    if os_name != "linux":
        return True
    if is_flatpak() if flatpak is None else flatpak:
        return True
    return not (is_frozen() if frozen is None else frozen)


def file_manager_name(os_name: OS | None = None) -> str:
    """What users call the file manager, for menu items such as "Show in Finder"."""
    return {"linux": "File Manager", "windows": "Explorer", "macos": "Finder"}[os_name or current_os()]


def reveal_command(path: Path, os_name: OS | None = None) -> list[str]:
    """The command that shows ``path`` in the file manager (selected where the platform can do that)."""
    os_name = os_name or current_os()
    if os_name == "macos":
        return ["open", "-R", str(path)]
    if os_name == "windows":
        return ["explorer", f"/select,{path}"]
    # xdg-open cannot select a file, so a file's folder is opened instead.
    return ["xdg-open", str(path if path.is_dir() else path.parent)]


def external_environment(environ: Mapping[str, str] | None = None, *, frozen: bool | None = None) -> dict[str, str]:
    """The environment for programs we start (file manager, browser): without the bundle's library path.

    A PyInstaller bundle may point ``LD_LIBRARY_PATH`` at its own libraries and keeps the user's value in
    ``LD_LIBRARY_PATH_ORIG``; a system program must get the user's value back, or it loads our Qt.
    """
    env = dict(os.environ if environ is None else environ)
    if not (is_frozen() if frozen is None else frozen):
        return env
    for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
        original = env.pop(f"{name}_ORIG", None)
        env.pop(name, None)
        if original is not None:
            env[name] = original
    return env


def reveal_in_file_manager(path: Path, os_name: OS | None = None) -> subprocess.Popen[bytes]:
    """Show ``path`` in the file manager without waiting for it; a missing path or tool is a clear error.

    The started process is reaped by a daemon thread (no zombie, no blocked GUI) and returned for tests.
    """
    if not path.exists():
        raise PersonaTutorError(f"{path} does not exist.")
    command = reveal_command(path, os_name)
    try:
        process = subprocess.Popen(
            command,
            env=external_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise PersonaTutorError(f"Could not open the {file_manager_name(os_name)} ({command[0]}): {exc}") from exc
    threading.Thread(target=process.wait, name="file-manager", daemon=True).start()
    return process
