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


def test_an_imported_card_shows_its_own_picture(qapp: object, tmp_path: object) -> None:
    from pathlib import Path

    from app.ui.avatars import _initial_image, avatar_image, register_sources

    library = PersonaLibrary(Path(str(tmp_path)))
    card = Path(__file__).resolve().parents[1] / "data" / "cards" / "stc_default_CodingSensei.png"
    persona = library.import_file(card)
    assert persona.avatar is not None and persona.avatar.suffix == ".png"
    register_sources({p.id: p.avatar for p in library.all()})
    shown = avatar_image(persona.id, persona.name, 48)
    assert shown != _initial_image(persona.name, persona.id, 48)  # the card's picture, not the fallback
    assert avatar_image("nobody-here", "Nobody", 48) == _initial_image("Nobody", "nobody-here", 48)
