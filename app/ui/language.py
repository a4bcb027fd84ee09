"""The interface language: English (the source text) or Simplified Chinese, from Qt translation files.

The language comes from ``PERSONA_TUTOR_LANG`` (``en`` or ``zh_CN``, for tests and screenshots), else the
learner's choice in View → Language (kept in the window settings), else the system locale. A new choice takes
effect at once: ``app.ui.language_switch`` installs it and builds the main window again in it. The language's
locale becomes Qt's default too, so numbers, sizes and dates follow it (``app.ui.locale_format``).
Translations live in ``app/ui/translations`` (``make translations`` updates them from the source).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QSettings, QTranslator, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

ENV_VAR = "PERSONA_TUTOR_LANG"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
CATALOG = "persona_tutor"
LANGUAGES = ("en", "zh_CN")
_SETTING = "language"
_installed: list[QTranslator] = []
_current = ["en"]  # the language installed last (the source text until a catalog is installed)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for lupdate (which looks for this name) and returns it: translate it where it is shown.

    PySide6's own is typed as returning ``object``; this one keeps the text a ``str``.
    """
    return text


def system_language() -> str:
    """``zh_CN`` when the system speaks Chinese, else ``en`` (the only two the app has)."""
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def chosen_language(settings: QSettings) -> str:
    """The learner's pick in View → Language: one of ``LANGUAGES``, or ``""`` to follow the system."""
    value = str(settings.value(_SETTING, "") or "")
    return value if value in LANGUAGES else ""


def effective_language(choice: str = "") -> str:
    """The language to show: the environment variable wins, then the learner's choice, then the system's."""
    forced = os.environ.get(ENV_VAR, "").strip()
    if forced in LANGUAGES:
        return forced
    return choice if choice in LANGUAGES else system_language()


def locale_for(language: str) -> QLocale:
    """The locale that formats numbers and dates for ``language``: the system's own when it speaks that
    language (keeping, say, British dates for English), else the language's usual one (en_US, zh_CN)."""
    wanted = QLocale(language)
    system = QLocale.system()
    return system if system.language() == wanted.language() else wanted


def installed_language() -> str:
    """The language the interface shows now: ``en`` or ``zh_CN``."""
    return _current[0]


def install_translators(language: str) -> bool:
    """Load the app's catalog (and Qt's own, for standard buttons) for ``language``; ``en`` removes them.

    Also makes the language's locale Qt's default. Returns whether the app's catalog was found. Windows built
    afterwards show the language.
    """
    app = QCoreApplication.instance()
    assert app is not None
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    _current[0] = language if language in LANGUAGES else "en"
    QLocale.setDefault(locale_for(_current[0]))
    if language == "en":
        return True
    found = False
    sources = [
        (CATALOG + "_" + language, str(TRANSLATIONS_DIR)),
        ("qtbase_" + language, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
            found = found or name.startswith(CATALOG)
    return found


class LanguageChooser(QObject):
    """The View → Language menu: English, 简体中文 or the system's language.

    Picking one emits ``language_requested``; the window switches (``app.ui.language_switch``) and, unless it
    has to refuse for now, remembers the choice with ``remember``.
    """

    language_requested = Signal(str)  # "en", "zh_CN", or "" to follow the system

    def __init__(self, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        self.menu = QMenu(self.tr("&Language"), parent)
        choice = chosen_language(settings)
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        # Each language is named in itself, so a learner who cannot read the current one still finds theirs.
        labels = {"": self.tr("Follow the &system"), "en": "English", "zh_CN": "简体中文"}
        for key, label in labels.items():
            action = QAction(label, self, checkable=True, checked=key == choice)
            action.triggered.connect(lambda _checked=False, key=key: self.choose(key))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action

    def choose(self, language: str) -> None:
        """What picking ``language`` in the menu does: ask the window to switch to it."""
        self.language_requested.emit(language)

    def remember(self, language: str) -> None:
        """Keep ``language`` ("" follows the system) in the settings, for this and later starts."""
        self.actions[language].setChecked(True)
        self._settings.setValue(_SETTING, language)
        self._settings.sync()

    def show_choice(self) -> None:
        """Check the remembered choice again (after a switch was refused)."""
        self.actions[chosen_language(self._settings)].setChecked(True)
