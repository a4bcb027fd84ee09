"""Persona avatars: the card's SVG in ``personas/avatars/ID.svg`` when there is one, else a drawn initial."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath
from PySide6.QtSvg import QSvgRenderer

from app.paths import bundled_dir

_PALETTE = ("#b4532a", "#1f5fa8", "#2e7d4f", "#7a4bb0", "#a8326e", "#8a6d1f", "#2b7a8c")


def accent_color(persona_id: str) -> QColor:
    """A stable colour per persona, for names and the avatar fallback."""
    digest = hashlib.sha1(persona_id.encode("utf-8")).digest()
    return QColor(_PALETTE[digest[0] % len(_PALETTE)])


def _initial_image(name: str, persona_id: str, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(accent_color(persona_id))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    font = QFont()
    font.setPixelSize(int(size * 0.5))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, (name or "?")[:1].upper())
    painter.end()
    return image


def square_crop(image: QImage) -> QImage:
    """The largest square of ``image``: centred across, and nearer the top of a portrait (where faces are)."""
    side = min(image.width(), image.height())
    return image.copy((image.width() - side) // 2, (image.height() - side) // 4, side, side)


_sources: dict[str, Path] = {}


def register_sources(sources: dict[str, Path | None]) -> None:
    """Tell the avatar cache which image file each persona has (``Persona.avatar``: an SVG or an imported PNG)."""
    _sources.clear()
    _sources.update({key: path for key, path in sources.items() if path is not None})
    avatar_image.cache_clear()


def add_sources(sources: dict[str, Path | None]) -> None:
    """Like :func:`register_sources` for some personas only (a batch read so far), the others kept as they are;
    avatars already drawn stay cached (``avatar_image.cache_clear()`` when pictures may have changed)."""
    for key, path in sources.items():
        if path is None:
            _sources.pop(key, None)
        else:
            _sources[key] = path


@lru_cache(maxsize=256)
def avatar_image(persona_id: str, name: str, size: int = 64) -> QImage:
    """A round avatar of ``size`` pixels: the persona's image, or a drawn initial when it has none."""
    path = _sources.get(persona_id) or bundled_dir("personas") / "avatars" / f"{persona_id}.svg"
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(QRectF(0, 0, size, size))
    painter.setClipPath(clip)
    drawn = False
    if path.suffix.lower() == ".svg" and path.is_file():
        renderer = QSvgRenderer(str(path))
        if renderer.isValid():
            renderer.render(painter, QRectF(0, 0, size, size))
            drawn = True
    elif path.is_file():
        picture = QImage(str(path))
        if not picture.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(0, 0, size, size), square_crop(picture))
            drawn = True
    painter.end()
    return image if drawn else _initial_image(name, persona_id, size)
