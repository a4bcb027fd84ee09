"""The Linux desktop files validate with the freedesktop tools, agree with each other, and the icons are current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "persona-tutor.desktop"
[METAINFO] = PACKAGING.glob("*.metainfo.xml")


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: install the Debian package {package} (.ci/run lists it)"
    return path


def test_appstream_metainfo_validates() -> None:
    result = subprocess.run(
        [_tool("appstreamcli", "appstream"), "validate", "--no-net", "--explain", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # not even hints


def test_metainfo_matches_the_app_and_the_other_recipes() -> None:
    component = ET.parse(METAINFO).getroot()
    app_id = component.findtext("id")
    assert METAINFO.name == f"{app_id}.metainfo.xml"
    assert component.findtext("launchable") == DESKTOP.name
    assert component.find("releases/release").get("version") == __version__  # type: ignore[union-attr]
    for recipe in ("persona-tutor.spec", f"{app_id}.yml"):
        assert app_id in (PACKAGING / recipe).read_text(encoding="utf-8"), recipe
    entry = DESKTOP.read_text(encoding="utf-8")
    assert "Exec=persona-tutor\n" in entry
    assert "Icon=persona-tutor\n" in entry


def test_committed_icons_match_the_svg(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.*"))
    assert len(fresh) == 10  # nine PNG sizes and the scalable SVG
    for relative in fresh:
        committed = PACKAGING / "icons" / relative
        assert committed.is_file(), f"{committed} is missing: run `make icons`"
        if committed.suffix == ".png":
            image = QImage(str(committed))
            assert image == QImage(str(tmp_path / relative)), f"{committed} is out of date: run `make icons`"
            assert image.width() == int(relative.parts[1].split("x")[0])
        else:
            assert committed.read_bytes() == (tmp_path / relative).read_bytes()


@pytest.mark.parametrize("size", [16, 512])
def test_icons_are_not_blank(size: int) -> None:
    image = QImage(str(PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "persona-tutor.png"))
    centre = image.pixelColor(size // 2, size // 2)
    assert centre.alpha() == 255
    assert image.pixelColor(0, 0).alpha() == 0  # the rounded corner stays transparent
