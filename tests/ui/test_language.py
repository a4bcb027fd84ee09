"""The interface in English and Simplified Chinese: the installed translation shows everywhere, and the committed
translation files are complete and up to date."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.feedback import BADGES, RATINGS, REASONS, FeedbackService
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui.about_dialog import AboutDialog
from app.ui.feedback_actions import FeedbackActions
from app.ui.feedback_browser import FeedbackBrowser
from app.ui.feedback_dialog import FeedbackDialog
from app.ui.feedback_export_dialog import FeedbackExportDialog
from app.ui.feedback_labels import BADGE_LABELS, RATING_LABELS, REASON_LABELS
from app.ui.language import ENV_VAR, TRANSLATIONS_DIR, chosen_language, effective_language, install_translators
from app.ui.main_window import MainWindow
from app.ui.model_manager import ModelManager
from app.ui.persona_gallery import PersonaGallery
from tests.core.feedback_fixtures import build_branchy, give_feedback
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir
from tests.ui.test_model_manager import HUGE, MACHINE, TINY

TS = TRANSLATIONS_DIR / "persona_tutor_zh_CN.ts"
QM = TRANSLATIONS_DIR / "persona_tutor_zh_CN.qm"


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    assert install_translators("zh_CN")
    yield
    install_translators("en")  # the other tests read English


@pytest.fixture
def english_after(qapp: QApplication) -> Iterator[None]:
    yield
    install_translators("en")  # whatever a switch left installed: the other tests read English


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions() if action.isVisible()]


def test_main_window_in_chinese(qtbot: QtBot, chinese: None, paths: AppPaths, store: Store, starter_path: Path) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.resize(1024, 640)
    assert window.send_button.text() == "发送"
    assert "文件(&F)" in menu_titles(window) and "视图(&V)" in menu_titles(window)
    assert window.input.placeholderText().startswith("向导师提问")
    assert window.topic_box.lineEdit().placeholderText() == "输入或选择一个话题"
    assert window.sidebar.new_chat_button.text() == "＋ 新对话"
    assert window.language.menu.title() == "语言(&L)"
    assert window.model_label.text().startswith("模型：")
    assert {"角色", "话题"} <= {label.text() for label in window.findChildren(QLabel)}
    window.grab().save(str(screenshot_dir() / "main-window-zh.png"))
    window.close()


def test_main_window_in_english(qtbot: QtBot, qapp: QApplication, paths: AppPaths, store: Store) -> None:
    install_translators("en")
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))  # no model: the welcome page
    qtbot.addWidget(window)
    assert window.send_button.text() == "Send"
    assert "&File" in menu_titles(window)
    assert window.input.placeholderText().startswith("Ask your tutor")
    window.close()


def test_the_language_choice_is_remembered_and_the_variable_wins(
    qtbot: QtBot,
    english_after: None,
    windows: list[MainWindow],
    paths: AppPaths,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))
    windows.append(window)
    assert window.language.actions[""].isChecked()  # follow the system until the learner picks
    window = switch(qtbot, windows, window, "zh_CN")
    assert window.language.actions["zh_CN"].isChecked() and window.send_button.text() == "发送"
    window.close()
    settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    assert chosen_language(settings) == "zh_CN"
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert effective_language("zh_CN") == "zh_CN"
    monkeypatch.setenv(ENV_VAR, "en")
    assert effective_language("zh_CN") == "en"
    monkeypatch.setenv(ENV_VAR, "zh_CN")
    assert effective_language("en") == "zh_CN"


def test_gallery_and_model_manager_in_chinese(qtbot: QtBot, chinese: None, paths: AppPaths) -> None:
    gallery = PersonaGallery(PersonaLibrary(paths.user_personas_dir))
    qtbot.addWidget(gallery)
    gallery.show()
    assert gallery.windowTitle() == "角色"
    assert gallery.new_button.text() == "新建角色…"
    gallery.grab().save(str(screenshot_dir() / "persona-gallery-zh.png"))
    manager = ModelManager(paths, catalog=[TINY, HUGE], machine=MACHINE)
    qtbot.addWidget(manager)
    manager.show()
    assert manager.windowTitle() == "模型"
    assert manager.tabs.tabText(1) == "目录"
    manager.grab().save(str(screenshot_dir() / "model-manager-zh.png"))
    manager.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: manager.catalog.table.rowCount() == 2)
    manager.grab().save(str(screenshot_dir() / "model-catalog-zh.png"))
    manager.shutdown()
    about = AboutDialog(None)
    qtbot.addWidget(about)
    assert about.windowTitle() == "关于 Persona Tutor" and "尚未加载" in about.model_label.text()


def test_feedback_dialogs_in_chinese(qtbot: QtBot, chinese: None, paths: AppPaths, store: Store) -> None:
    personas = PersonaLibrary(paths.user_personas_dir)
    tree = build_branchy(store, personas)
    give_feedback(store, tree)
    service = FeedbackService(store)
    r2a = tree.r2a.id
    dialog = FeedbackDialog(
        store.message(r2a), service.draft(r2a), service.alternatives(r2a), service.latest_verdict(r2a)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "标记这条回复的问题"
    wrong_fact = dialog.reason_boxes["wrong_fact"]
    assert wrong_fact.text() == "事实错误或歪曲" and wrong_fact.isChecked()
    assert dialog.rating_boxes["role"].itemText(0) == "未评分"
    review = dialog.review_boxes["accuracy"]
    assert review.currentText() == "错误" and review.currentData() == "disputed"  # the stored id stays English
    assert dialog.better_source.itemText(0) == "自己写" and dialog.better_source.itemText(1).startswith("备选回复 1：")
    assert dialog.draft().reasons == ("wrong_fact",)
    dialog.resize(dialog.sizeHint())
    dialog.grab().save(str(screenshot_dir() / "feedback-dialog-zh.png"))

    browser = FeedbackBrowser(service, {p.id: p.name for p in personas.all()})
    qtbot.addWidget(browser)
    browser.show()
    assert browser.windowTitle() == "反馈"
    headers = [browser.table.horizontalHeaderItem(i).text() for i in range(browser.table.columnCount())]
    assert headers[:3] == ["时间", "角色", "话题"]
    assert browser.reason.itemText(0) == "全部" and browser.reason.findText("无聊") > 0
    assert browser.reason.itemData(browser.reason.findText("无聊")) == "boring"
    assert browser.count_label.text() == "显示 3 / 3 条" and browser.open_button.text() == "在对话中打开"
    cells = [browser.table.item(row, 5).text() for row in range(browser.table.rowCount())]
    assert "事实错误或歪曲" in cells
    browser.resize(1100, 360)
    browser.grab().save(str(screenshot_dir() / "feedback-browser-zh.png"))

    export = FeedbackExportDialog(paths.data_dir)
    qtbot.addWidget(export)
    assert export.windowTitle() == "导出反馈" and export.format.currentData() == "sft"  # the format id stays
    actions = FeedbackActions(browser, paths, store, personas)
    assert [a.text() for a in actions.menu_actions()] == ["浏览反馈(&B)…", "导出反馈(&E)…", "重放标记的回复(&R)…"]
    replay = actions.replay()  # no model needed to show it
    assert replay.windowTitle() == "重放标记的回复" and replay.persona.itemText(0) == "所有角色"
    headers = [replay.table.horizontalHeaderItem(i).text() for i in range(replay.table.columnCount())]
    assert headers[2:4] == ["被标记的回复", "现在的回复"] and replay.flagged_label.text() == "2 条标记的回复"
    replay.close()
    assert actions.state(tree.r3.id)[1] == "已标记：无聊、已给出更好的回复"


def test_feedback_labels_cover_the_core_ids_in_the_same_english() -> None:
    assert REASON_LABELS == REASONS and RATING_LABELS == RATINGS and BADGE_LABELS == BADGES


def test_every_message_is_translated() -> None:
    messages = list(ET.parse(TS).iter("message"))
    assert len(messages) > 300
    unfinished = [m.findtext("source") for m in messages if m.find("translation").get("type") == "unfinished"]
    assert unfinished == []
    assert all((m.findtext("translation") or "").strip() for m in messages)


def test_committed_qm_matches_the_ts(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    fresh = tmp_path / "fresh.qm"
    subprocess.run([str(lrelease), "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == QM.read_bytes(), "run `make translations` and commit the .qm"


def switch(qtbot: QtBot, windows: list[MainWindow], window: MainWindow, language: str) -> MainWindow:
    """Pick ``language`` in View → Language; the window built in it takes over (and joins ``windows``)."""
    with qtbot.waitSignal(window.replaced) as replaced:
        window.language.actions[language].trigger()
    new: MainWindow = replaced.args[0]
    windows.append(new)
    qtbot.wait(100)  # the chat scrolls back once laid out
    return new


def test_the_language_switches_at_once_keeping_what_the_learner_was_doing(
    qtbot: QtBot, english_after: None, windows: list[MainWindow], paths: AppPaths, store: Store, starter_path: Path
) -> None:
    chat = store.create_conversation("xiaomiao", "CNN", "m", title="池化层")
    for i in range(12):
        store.add_message(chat.id, "user", f"第 {i} 个问题：池化层是什么？")
        store.add_message(chat.id, "assistant", "喵~ 池化层把特征图缩小。\n\n" * 4)
    store.create_conversation("xiaomiao", "RNN", "m", title="循环网络")
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir), str(starter_path))
    windows.append(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window._model_id), timeout=60_000)
    window.resize(1024, 640)
    window.open_conversation(chat.id)
    window.sidebar.filter.setText("池化")
    window.input.setPlainText("草稿：那卷积层呢？")
    window.splitter.setSizes([330, 694])
    qtbot.wait(50)
    bar = window.chat_view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scroll, sizes, worker = bar.value(), window.splitter.sizes(), window.worker
    assert menu_titles(window)[0] == "&File"

    window = switch(qtbot, windows, window, "zh_CN")
    assert "文件(&F)" in menu_titles(window) and window.send_button.text() == "发送"
    assert window.language.menu.title() == "语言(&L)"
    assert window.model_label.text().startswith("模型：")  # the model stayed loaded: no new load
    assert window.worker is worker and window.send_button.isEnabled()
    assert window._conversation_id == chat.id and "第 11 个问题" in window.chat_view.toPlainText()
    assert window.input.toPlainText() == "草稿：那卷积层呢？"
    assert window.sidebar.filter.text() == "池化" and window.sidebar.count() == 1
    assert window.chat_view.verticalScrollBar().value() == scroll
    assert window.splitter.sizes() == sizes and window.size().width() == 1024
    assert window.isVisible() and len([w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]) == 1
    settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    assert chosen_language(settings) == "zh_CN"
    window.grab().save(str(screenshot_dir() / "language-switched-zh.png"))

    window = switch(qtbot, windows, window, "en")
    assert menu_titles(window)[0] == "&File" and window.send_button.text() == "Send"
    assert window.input.toPlainText() == "草稿：那卷积层呢？" and window._conversation_id == chat.id
    assert window.chat_view.verticalScrollBar().value() == scroll

    # The worker answers the new window: a reply streams and is shown there (in a new chat: a short prompt).
    window.new_chat()
    window.sampling = SamplingParams(max_tokens=4, seed=3)
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS) as finished:
        window.send()
    assert finished.args[0].status == "complete" and window.input.toPlainText() == ""
    assert finished.args[0].conversation_id == window._conversation_id != chat.id
    window.close()
    assert not worker.thread().isRunning()  # closing the window that holds the worker ends it


class SwitchOnFirstToken(QObject):
    """Picks 简体中文 while the first token of a reply arrives; lives on the GUI thread, as a click does."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.asked = False

    @Slot(str)
    def on_token(self, _piece: str) -> None:
        if not self.asked:
            self.asked = True
            self.window.language.actions["zh_CN"].trigger()
            self.window.stop()


def test_the_language_waits_while_a_reply_is_written(
    qtbot: QtBot, english_after: None, paths: AppPaths, store: Store, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=200, seed=5)
    replaced: list[MainWindow] = []
    window.replaced.connect(replaced.append)
    switcher = SwitchOnFirstToken(window)
    window.worker.token_received.connect(switcher.on_token)
    window.input.setPlainText("请详细讲讲卷积神经网络。")
    with qtbot.waitSignal(window.reply_displayed, timeout=REPLY_TIMEOUT_MS):
        window.send()
    assert switcher.asked and replaced == []
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1 and "still writing a reply" in boxes[0].text()
    boxes[0].accept()
    assert window.language.actions[""].isChecked() and window.send_button.text() == "Send"
    settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    assert chosen_language(settings) == ""
    window.close()
