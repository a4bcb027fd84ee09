"""Light and dark themes: follow the system's colour scheme (Qt 6) unless the learner picks one in View → Theme.

The choice is kept in the window settings. The palette is Fusion's, so it looks the same on every desktop;
the chat view has its own colours for each theme (``ChatView.set_dark``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QProxyStyle, QStyle, QStyleOption, QWidget

from app.ui.language import QT_TRANSLATE_NOOP

MODES = {
    "system": QT_TRANSLATE_NOOP("ThemeChooser", "Follow the &system"),
    "light": QT_TRANSLATE_NOOP("ThemeChooser", "&Light"),
    "dark": QT_TRANSLATE_NOOP("ThemeChooser", "&Dark"),
}
_SETTING = "theme"


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#26272b",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#2b2d31",
        QPalette.ColorRole.ToolTipBase: "#2b2d31",
        QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#8c8c8c",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.Button: "#313338",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#8fb4e6",
        QPalette.ColorRole.Highlight: "#3d6aa8",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


_OUTLINED = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


class OutlinedFusion(QProxyStyle):
    """Fusion, with check boxes and radio buttons outlined on a dark palette: Fusion draws their edge in the
    window colour darkened, which a dark window swallows, so an unticked box was all but invisible."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _OUTLINED or option.palette.color(QPalette.ColorRole.Window).lightness() >= 128:
            return
        edge = QColor(option.palette.color(QPalette.ColorRole.WindowText))
        edge.setAlpha(110)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(edge)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = option.rect.adjusted(0, 0, -1, -1)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.translate(0.5, 0.5)
            painter.drawRect(box)
        painter.restore()


def apply_palette(dark: bool) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setStyle(OutlinedFusion())
    style = app.style()
    app.setPalette(dark_palette() if dark else style.standardPalette())


class ThemeChooser(QObject):
    """The View → Theme menu; emits ``theme_changed(dark)`` after the palette changed."""

    theme_changed = Signal(bool)

    def __init__(self, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        mode = str(settings.value(_SETTING, "system"))
        self.mode = mode if mode in MODES else "system"
        self.menu = QMenu(self.tr("&Theme"), parent)
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for key, label in MODES.items():
            action = QAction(self.tr(label), self, checkable=True, checked=key == self.mode)
            action.triggered.connect(lambda _checked=False, key=key: self.choose(key))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_changed)
        self.dark = self._resolve()

    def _resolve(self) -> bool:
        return self.mode == "dark" or (self.mode == "system" and system_is_dark())

    def apply(self) -> None:
        self.dark = self._resolve()
        apply_palette(self.dark)
        self.theme_changed.emit(self.dark)

    def choose(self, mode: str) -> None:
        self.mode = mode
        self.actions[mode].setChecked(True)
        self._settings.setValue(_SETTING, mode)
        self.apply()

    def _on_system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self.apply()
