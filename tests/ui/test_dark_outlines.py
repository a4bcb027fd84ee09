"""In the dark theme an unticked check box and a radio button show their edge, not a dark square on dark."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QStyle, QStyleOptionButton, QWidget
from pytestqt.qtbot import QtBot

from app.ui.theme import apply_palette
from tests.ui.test_main_window import screenshot_dir


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[None]:
    apply_palette(True)
    yield
    apply_palette(False)  # the other tests see the light theme


def _edge_contrast(widget: QCheckBox | QRadioButton, image: QImage) -> int:
    """The most any pixel of the indicator differs in lightness from the window behind it."""
    option = QStyleOptionButton()
    widget.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_CheckBoxIndicator
        if isinstance(widget, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonIndicator
    )
    box = widget.style().subElementRect(element, option, widget).translated(widget.pos())
    window = widget.palette().color(widget.backgroundRole()).lightness()
    return max(
        abs(QColor(image.pixel(x, y)).lightness() - window)
        for x in range(box.left(), box.right() + 1)
        for y in range(box.top(), box.bottom() + 1)
    )


def test_unticked_boxes_are_visible_in_the_dark_theme(qtbot: QtBot, dark: None) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.setAutoFillBackground(True)
    box = QCheckBox("Show archived", holder)
    radio = QRadioButton("Dark", holder)
    radio.move(0, 30)
    holder.resize(200, 60)
    holder.show()
    qtbot.waitExposed(holder)
    image = holder.grab().toImage()
    image.save(str(screenshot_dir() / "dark-check-boxes.png"))
    assert _edge_contrast(box, image) > 40
    assert _edge_contrast(radio, image) > 40
