"""The checker's reasons in the learner's language, and the flag dialog showing them whole at any width.

Every reason code has one translatable template with the checker's own English, and the committed .qm has a
Chinese translation of each with the same arguments. Reasons come from the real checker on a textbook-style reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from app.checker import CHECKER_VERSION, check
from app.checker.reasons import REASONS, fields
from app.feedback import FeedbackDraft
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Message, Store, Verdict
from app.ui.badge_cells import badge_item
from app.ui.chat_view import badges_html
from app.ui.checker_reasons import CONTEXT, TEMPLATES, reason_text
from app.ui.feedback_dialog import DEFAULT_WIDTH, FeedbackDialog
from app.ui.language import CATALOG, TRANSLATIONS_DIR, install_translators
from app.ui.main_window import MainWindow
from tests.ui.test_main_window import screenshot_dir

CJK = re.compile(r"[\u4e00-\u9fff]")
QUESTION = "卷积层是做什么的？池化层有参数吗？"
REPLY = (
    "Certainly! Here is a detailed explanation. A convolutional layer applies attention over tokens, like a "
    "transformer. Pooling layers have weights that are learned. The layer multiplies inputs. It is used in many "
    "models. Overall it is useful."
)


@pytest.fixture
def verdict() -> dict[str, object]:
    """The real checker's verdict on an off-persona, inaccurate reply, as the store keeps it (JSON)."""
    xiaomiao = PersonaLibrary(None).get("xiaomiao")
    return check(xiaomiao, REPLY, question=QUESTION, topic="cnn").to_json(with_signals=True)


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    assert install_translators(request.param)
    yield request.param
    install_translators("en")  # the other tests read English


def test_every_reason_code_has_one_template_in_the_checkers_english() -> None:
    assert dict(REASONS) == TEMPLATES


def test_every_reason_has_a_chinese_translation_in_the_committed_catalog(qapp: QApplication) -> None:
    translator = QTranslator()
    assert translator.load(f"{CATALOG}_zh_CN", str(TRANSLATIONS_DIR))
    for code, template in REASONS.items():
        chinese = translator.translate(CONTEXT, template)
        assert chinese and chinese != template and CJK.search(chinese), code
        assert fields(chinese) == fields(template), code  # the same arguments, whatever the word order


def test_stored_reasons_show_in_the_interface_language(language: str, verdict: dict[str, object]) -> None:
    persona = verdict["consistency"]
    assert isinstance(persona, dict)
    stored = list(persona["reasons"])
    assert "no “喵” in 7 sentences" in stored  # the stored (and CLI) text stays English
    shown = [reason_text(r) for r in stored]
    html = badges_html(verdict, 1)
    tooltip = badge_item(persona).toolTip()
    if language == "en":
        assert shown == stored
    else:
        assert "7 句话里没有“喵”" in shown and all(CJK.search(text) for text in shown)
        assert "7 句话里没有“喵”" in html and "sounds like" not in html
        assert "听起来像通用助手（“Certainly!”）" in tooltip
    assert reason_text("an older checker's wording") == "an older checker's wording"


def _dialog(qtbot: QtBot, verdict: dict[str, object]) -> FeedbackDialog:
    reply = Message(7, 1, "assistant", REPLY, "complete", None, datetime.now(), None, None, None, None, None)
    stored = Verdict(1, 7, "reply-checker", "1.3", verdict, datetime.now())
    dialog = FeedbackDialog(reply, FeedbackDraft(), [], stored)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _assert_fully_shown(label: QLabel) -> None:
    assert label.isVisible()
    assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert label.visibleRegion().boundingRect() == label.rect(), label.text()  # nothing covers or clips it


def test_the_flag_dialog_shows_every_reason_whole_wide_and_narrow(
    qtbot: QtBot, language: str, verdict: dict[str, object]
) -> None:
    dialog = _dialog(qtbot, verdict)
    assert dialog.width() == DEFAULT_WIDTH
    said = dialog.checker_said
    for name, size in (("", None), ("-narrow", dialog.minimumSize())):
        if size is not None:
            dialog.resize(size)
            qtbot.waitUntil(lambda: dialog.height() >= dialog.minimumHeight())
        for label in said.values():
            _assert_fully_shown(label)
        assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())
        assert dialog.better.height() == 90  # the text box is not squeezed to make room
        dialog.grab().save(str(screenshot_dir() / f"flag-dialog-reasons-{language}{name}.png"))
    assert said["consistency"].width() < 400  # narrow enough that the long reasons wrapped
    text = said["accuracy"].text()
    if language == "en":
        assert "contradicts the Convolutional neural networks notes" in text and "misses the core of the answer" in text
    else:
        assert "的资料矛盾：" in text and "没有答到要点" in text and "misses" not in text


def test_the_badge_details_speak_the_interface_language(
    qtbot: QtBot, language: str, verdict: dict[str, object], paths: AppPaths, store: Store
) -> None:
    conversation = store.create_conversation("xiaomiao", "cnn", "starter")
    store.add_message(conversation.id, "user", QUESTION)
    reply = store.add_message(conversation.id, "assistant", REPLY)
    store.add_verdict(reply.id, "reply-checker", "1.3", verdict)
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))  # no model: nothing to load
    qtbot.addWidget(window)
    window.show_badge_details(reply.id)
    box = window.findChild(QMessageBox)
    assert box is not None
    if language == "en":
        assert "Persona: off (score 0.00)" in box.text() and "• switched to English" in box.text()
    else:
        assert "角色：偏离" in box.text() and "• 改说英文了" in box.text() and "off" not in box.text()
    qtbot.waitExposed(box)
    box.grab().save(str(screenshot_dir() / f"badge-details-{language}.png"))
    box.close()


def test_check_again_judges_a_stored_reply_with_the_current_checker(
    qtbot: QtBot, paths: AppPaths, store: Store
) -> None:
    """A verdict stored by an older checker (here one that missed "池化层就是全连接层") is judged anew on demand;
    the old verdict stays, with its version."""
    conversation = store.create_conversation("xiaomiao", "cnn", "starter")
    store.add_message(conversation.id, "user", "池化层呢？")
    reply = store.add_message(conversation.id, "assistant", "池化层就是全连接层。")
    old = {"consistency": {"label": "off", "score": 0.1, "reasons": []}, "accuracy": {"label": "ok", "score": 0.9}}
    store.add_verdict(reply.id, "reply-checker", "1.7", old)
    window = MainWindow(paths, store, PersonaLibrary(paths.user_personas_dir))  # no model: nothing to load
    qtbot.addWidget(window)
    window.open_conversation(conversation.id)
    assert "Accuracy: on track" in window.chat_view.toPlainText()
    window.show_badge_details(reply.id)
    box = window.badge_details
    assert box is not None
    again = next(b for b in box.buttons() if b.text() == "Check again")
    again.click()
    stored = store.verdicts(reply.id)
    assert [v.checker_version for v in stored] == ["1.7", CHECKER_VERSION]
    assert stored[-1].verdict["accuracy"]["label"] == "off"
    assert "Accuracy: off" in window.chat_view.toPlainText()
