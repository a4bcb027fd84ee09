"""Platform-specific behaviour, every branch exercised on this machine by naming the platform."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from app import starter_model
from app.errors import PersonaTutorError, StarterModelError
from app.paths import bundled_dir
from app.platform import (
    bundle_root,
    cjk_font_families,
    current_os,
    desktop_file_name,
    external_environment,
    file_manager_name,
    is_flatpak,
    is_frozen,
    native_file_dialogs,
    reveal_command,
    reveal_in_file_manager,
)


@pytest.fixture
def frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to run from a PyInstaller bundle unpacked in tmp_path (as the bootloader sets it up)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


@pytest.mark.parametrize(
    ("platform", "expected"), [("linux", "linux"), ("win32", "windows"), ("cygwin", "windows"), ("darwin", "macos")]
)
def test_os_names(platform: str, expected: str) -> None:
    assert current_os(platform) == expected


def test_from_source_we_are_not_frozen() -> None:
    assert not is_frozen()
    assert bundle_root() is None


def test_bundled_data_is_found_inside_a_bundle(frozen_bundle: Path) -> None:
    (frozen_bundle / "personas").mkdir()
    assert is_frozen()
    assert bundle_root() == frozen_bundle
    assert bundled_dir("personas") == frozen_bundle / "personas"
    # A folder the bundle lacks falls back to the package's own location rather than a missing path.
    assert bundled_dir("assets").is_dir()


def test_a_bundle_explains_that_it_ships_no_model(frozen_bundle: Path) -> None:
    with pytest.raises(StarterModelError, match="does not include a model"):
        starter_model.chunk_paths()
    assert not starter_model.starter_available()


def test_flatpak_is_detected_by_its_environment_or_info_file(tmp_path: Path) -> None:
    assert is_flatpak({"FLATPAK_ID": "io.github.persona_tutor.PersonaTutor"}, root=tmp_path)
    assert not is_flatpak({}, root=tmp_path)
    (tmp_path / ".flatpak-info").write_text("[Application]\n", encoding="utf-8")
    assert is_flatpak({}, root=tmp_path)


def test_the_desktop_file_name_follows_flatpak() -> None:
    assert desktop_file_name({}) == "persona-tutor"
    assert desktop_file_name({"FLATPAK_ID": "io.github.persona_tutor.PersonaTutor"}).endswith("PersonaTutor")


def test_chinese_capable_fonts_for_each_platform() -> None:
    assert cjk_font_families("linux")[0] == "Noto Sans CJK SC"
    assert "Microsoft YaHei UI" in cjk_font_families("windows")
    assert "PingFang SC" in cjk_font_families("macos")


@pytest.mark.parametrize(
    ("os_name", "frozen", "flatpak", "native"),
    [
        ("windows", True, False, True),
        ("macos", True, False, True),
        ("linux", False, False, True),
        ("linux", True, False, False),  # a bundle has no GTK platform theme: Qt's own dialog
        ("linux", True, True, True),  # the portal dialog in a Flatpak
    ],
)
def test_native_file_dialogs(os_name: str, frozen: bool, flatpak: bool, native: bool) -> None:
    assert native_file_dialogs(os_name, frozen=frozen, flatpak=flatpak) is native  # type: ignore[arg-type]


def test_reveal_commands(tmp_path: Path) -> None:
    file = tmp_path / "chat.md"
    file.write_text("hi", encoding="utf-8")
    assert reveal_command(file, "macos") == ["open", "-R", str(file)]
    assert reveal_command(file, "windows") == ["explorer", f"/select,{file}"]
    assert reveal_command(file, "linux") == ["xdg-open", str(tmp_path)]
    assert reveal_command(tmp_path, "linux") == ["xdg-open", str(tmp_path)]
    assert file_manager_name("macos") == "Finder"


def test_programs_we_start_get_the_users_library_path_back() -> None:
    bundle_env = {"LD_LIBRARY_PATH": "/opt/app/_internal", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib", "HOME": "/h"}
    assert external_environment(bundle_env, frozen=True) == {"LD_LIBRARY_PATH": "/usr/local/lib", "HOME": "/h"}
    assert external_environment({"LD_LIBRARY_PATH": "/opt/app/_internal"}, frozen=True) == {}
    assert external_environment(bundle_env, frozen=False) == bundle_env


def test_reveal_starts_the_file_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    record = tmp_path / "called.txt"
    script = tools / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}.tmp" && mv "{record}.tmp" "{record}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "exports"
    target.mkdir()
    process = reveal_in_file_manager(target, "linux")
    assert process.wait(timeout=10) == 0
    assert record.read_text() == str(target)


def test_reveal_reports_a_missing_path_or_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PersonaTutorError, match="does not exist"):
        reveal_in_file_manager(tmp_path / "gone", "linux")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PersonaTutorError, match="File Manager"):
        reveal_in_file_manager(tmp_path, "linux")
