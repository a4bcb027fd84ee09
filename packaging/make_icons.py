"""Render the app icon (assets/persona-tutor.svg) into the hicolor PNG sizes desktops look for.

    python packaging/make_icons.py [OUT_DIR]     # default: packaging/icons

Writes OUT_DIR/hicolor/<N>x<N>/apps/persona-tutor.png for each size and OUT_DIR/hicolor/scalable/apps/
persona-tutor.svg. The outputs are committed (so Flatpak, AppImage and distribution packagers need no Qt);
tests/packaging/test_desktop_files.py re-renders them and fails when they are out of date.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assets" / "persona-tutor.svg"
ICON_NAME = "persona-tutor"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def write_icons(out_dir: Path, svg: Path = SOURCE) -> list[Path]:
    written = []
    for size in SIZES:
        target = out_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    scalable = out_dir / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return [*written, scalable]


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "icons"
    for path in write_icons(out_dir):
        print(path)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
