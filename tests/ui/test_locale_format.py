"""Numbers, sizes, durations and dates follow the interface language (its QLocale), in every window that shows them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.downloads import DownloadProgress
from app.store import Store
from app.ui.catalog_tab import progress_text
from app.ui.conversation_list import ConversationList
from app.ui.language import install_translators
from app.ui.locale_format import human_duration, human_size, number, short_date, short_date_time

NOON = datetime(2026, 12, 2, 12, 5)  # stored in UTC: noon is the same day in every time zone but the farthest


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translators(request.param)
    yield request.param
    install_translators("en")


def test_sizes_numbers_and_durations(language: str) -> None:
    assert human_size(491_000_000) == "491 MB" and human_size(1_600_000_000) == "1.6 GB"
    assert number(32768) == "32,768" and number(7.25, 1) in ("7.2", "7.3")
    if language == "zh_CN":
        assert human_size(512) == "512 字节"
        assert human_duration(110) == "1 分 50 秒" and human_duration(7500) == "2 小时 5 分"
    else:
        assert human_size(512) == "512 bytes"
        assert human_duration(110) == "1 min 50 s" and human_duration(7500) == "2 h 5 min"


def test_dates_are_the_languages_own(language: str) -> None:
    day = short_date(NOON)
    if language == "zh_CN":
        assert day == "2026/12/2" and short_date_time(NOON).startswith("2026/12/2 ")
    else:
        assert day == "12/2/26" and "M" in short_date_time(NOON)  # 12/2/26 12:05 PM (in local time)


def test_download_progress(language: str) -> None:
    text = progress_text(DownloadProgress(412_000_000, 986_000_000, 5_200_000, 110, 0))
    if language == "zh_CN":
        assert text == "412 MB / 986 MB · 5.2 MB/s · 剩余 1 分 50 秒"
    else:
        assert text == "412 MB of 986 MB · 5.2 MB/s · 1 min 50 s left"


def test_the_sidebar_dates_follow_the_language(qtbot: QtBot, language: str, store: Store) -> None:
    chat = store.create_conversation("xiaomiao", "CNN", "m", title="日期")
    sidebar = ConversationList()
    qtbot.addWidget(sidebar)
    sidebar.show_conversations([(store.conversation(chat.id), "小喵")], None)
    shown = sidebar.list.model().index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    assert shown.endswith(short_date(store.conversation(chat.id).updated_at))
