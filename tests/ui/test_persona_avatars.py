"""Every built-in avatar is an SVG that Qt renders cleanly (no unsupported elements, so no Qt warnings)."""

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from app.personas import PersonaLibrary

PERSONAS = PersonaLibrary().all()


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.id for p in PERSONAS])
def test_avatar_renders_with_qt(qapp: object, persona: object) -> None:
    renderer = QSvgRenderer(str(persona.avatar))  # type: ignore[attr-defined]
    assert renderer.isValid()
    image = QImage(128, 128, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, 128, 128))
    painter.end()
    # drawn, not blank: the centre of a face or a book is opaque
    assert image.pixelColor(64, 64).alpha() == 255
