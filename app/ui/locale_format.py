"""Numbers, sizes, durations and dates as the interface language writes them (through QLocale).

``install_translators`` makes the chosen language's locale Qt's default, so ``QLocale()`` here follows it, and so
do widgets built afterwards (a progress bar's percentage, a date edit). Timestamps are stored in UTC and shown in
local time. The command line keeps its own plain formatters in the core.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QTimeZone

from app.ui.language import installed_language, locale_for

_UNITS = (("GB", 1e9), ("MB", 1e6), ("kB", 1e3))


def ui_locale() -> QLocale:
    """Qt's default locale, which ``install_translators`` sets; the interface language's own before that (a
    bare "C" locale, as in a minimal container or a test, would print 32768 and 2 12 2026)."""
    locale = QLocale()
    return locale_for(installed_language()) if locale.language() == QLocale.Language.C else locale


def number(value: float, decimals: int = 0) -> str:
    """``4,096``, ``1.6``: digits, separators and decimal point of the interface language."""
    locale = ui_locale()
    if decimals == 0:
        return locale.toString(round(value))
    return locale.toString(float(value), "f", decimals)


def human_size(size: float) -> str:
    """``491 MB``, ``1.6 GB``: decimal units, as download sizes are usually given."""
    for unit, scale in _UNITS:
        if size >= scale:
            value = size / scale
            return f"{number(value, 1 if value < 10 else 0)} {unit}"
    return QCoreApplication.translate("LocaleFormat", "{count} bytes").format(count=number(int(size)))


def human_duration(seconds: float) -> str:
    """``45 s``, ``1 min 50 s``, ``2 h 5 min``: how long a download has left."""
    if seconds < 60:
        return QCoreApplication.translate("LocaleFormat", "{seconds} s").format(seconds=number(max(int(seconds), 1)))
    if seconds < 3600:
        return QCoreApplication.translate("LocaleFormat", "{minutes} min {seconds} s").format(
            minutes=number(int(seconds // 60)), seconds=number(int(seconds % 60))
        )
    return QCoreApplication.translate("LocaleFormat", "{hours} h {minutes} min").format(
        hours=number(int(seconds // 3600)), minutes=number(int(seconds % 3600 // 60))
    )


def local_time(moment: datetime) -> QDateTime:
    """A stored timestamp (UTC, without tzinfo) as this computer's local time."""
    utc = QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute, moment.second),
        QTimeZone.utc(),
    )
    return utc.toLocalTime()


def short_date(moment: datetime) -> str:
    """``12/2/26`` or ``2026/12/2``: the day of a stored timestamp, in local time."""
    return ui_locale().toString(local_time(moment).date(), QLocale.FormatType.ShortFormat)


def short_date_time(moment: datetime) -> str:
    """``12/2/26 1:31 AM`` or ``2026/12/2 01:31``: a stored timestamp, in local time."""
    return ui_locale().toString(local_time(moment), QLocale.FormatType.ShortFormat)
