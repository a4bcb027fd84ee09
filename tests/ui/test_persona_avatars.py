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


def test_exported_png_card_is_still_an_image(qapp: object, tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "redbeard.png"
    PersonaLibrary().export("redbeard", out)
    image = QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == (256, 256)


def test_card_without_avatar_exports_a_drawn_placeholder(qapp: object, tmp_path: object) -> None:
    import json
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "plain.json").write_text(json.dumps({"name": "Plain"}), encoding="utf-8")
    library = PersonaLibrary(folder / "mine")
    persona = library.import_file(folder / "plain.json")
    library.export(persona.id, folder / "plain.png")
    image = QImage(str(folder / "plain.png"))
    assert not image.isNull() and image.width() == 256
    assert image.pixelColor(128, 128) != image.pixelColor(1, 1)  # a disc on a ring
