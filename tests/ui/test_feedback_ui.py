"""Flag, rate and correct replies through the window; browse, open and export feedback; screenshots to look at."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.engine import SamplingParams
from app.feedback import ExportOptions, FeedbackService, export_feedback
from app.paths import AppPaths
from app.personas import PersonaLibrary
from app.store import Store
from app.ui.feedback_browser import FeedbackBrowser
from app.ui.feedback_dialog import FeedbackDialog
from app.ui.main_window import MainWindow
from tests.core.feedback_fixtures import Branchy, build_branchy, give_feedback
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir


@pytest.fixture
def store(paths: AppPaths) -> Iterator[Store]:
    s = Store(paths.database_path)
    yield s
    s.close()


@pytest.fixture
def tree(store: Store, paths: AppPaths) -> Branchy:
    return build_branchy(store, PersonaLibrary(paths.user_personas_dir))


def click(window: MainWindow, action: str, message_id: int) -> None:
    """What a click on a link under a reply does."""
    window.chat_view.anchorClicked.emit(QUrl(f"action:{action}/{message_id}"))


def ok(qtbot: QtBot, buttons: QDialogButtonBox) -> None:
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def save(widget: object, name: str) -> None:
    widget.grab().save(str(screenshot_dir() / name))  # type: ignore[attr-defined]


def flag_dialog(window: MainWindow, message_id: int) -> FeedbackDialog:
    click(window, "flag", message_id)
    dialog = window.feedback.dialog
    assert dialog is not None and dialog.isVisible() and dialog.reply.id == message_id
    return dialog


def test_thumbs_and_a_two_click_flag(
    qtbot: QtBot, paths: AppPaths, store: Store, tree: Branchy, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    assert window._conversation_id == tree.conversation_id
    assert window.chat_view.toPlainText().count("⚑ Flag") == 2  # r1 and r3; the greeting is not a reply

    click(window, "up", tree.r1.id)
    assert [f.thumbs for f in store.feedback(tree.r1.id)] == [1]
    click(window, "down", tree.r3.id)
    click(window, "down", tree.r3.id)  # a second click takes it back
    assert store.feedback(tree.r3.id) == []

    dialog = flag_dialog(window, tree.r3.id)
    boring = dialog.reason_boxes["boring"]
    qtbot.mouseClick(boring, Qt.MouseButton.LeftButton, pos=QPoint(8, boring.height() // 2))  # on the box
    assert dialog.reason_boxes["boring"].isChecked()
    ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    [record] = store.feedback(tree.r3.id)
    assert (record.thumbs, record.reasons) == (-1, ["boring"])  # a flag counts as a thumbs-down
    assert "flagged: boring" in window.chat_view.toPlainText()


def test_rate_correct_and_dispute_through_the_dialog(
    qtbot: QtBot, paths: AppPaths, store: Store, tree: Branchy, starter_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    # back to the first version of the question, then to the first version of its reply
    click(window, "prev", tree.q2b.id)
    click(window, "prev", tree.r2b.id)
    assert tree.r2a.content in window.chat_view.toPlainText()

    dialog = flag_dialog(window, tree.r2a.id)
    assert dialog.better_source.count() == 2  # write it yourself, or the regenerated alternative
    dialog.reason_boxes["wrong_fact"].setChecked(True)
    dialog.rating_boxes["role"].setCurrentIndex(4)
    dialog.rating_boxes["accuracy"].setCurrentIndex(1)
    dialog.review_boxes["accuracy"].setCurrentIndex(dialog.review_boxes["accuracy"].findData("disputed"))
    dialog.choose_alternative(tree.r2b.id)
    assert dialog.better.toPlainText() == tree.r2b.content
    dialog.comment.setText("池化层不是全连接层")
    dialog.resize(dialog.sizeHint())
    save(dialog, "feedback-dialog.png")
    ok(qtbot, dialog.buttons)
    [record] = store.feedback(tree.r2a.id)
    assert record.reasons == ["wrong_fact"] and record.ratings == {"role": 4, "accuracy": 1}
    assert (record.better_message_id, record.better_reply) == (tree.r2b.id, tree.r2b.content)
    assert record.verdict_review == {"accuracy": "disputed"}
    assert record.verdict_id == store.verdicts(tree.r2a.id)[-1].id
    assert record.comment == "池化层不是全连接层"

    # reopened, the dialog shows what was said; a typed correction replaces the alternative
    dialog = flag_dialog(window, tree.r2a.id)
    assert dialog.reason_boxes["wrong_fact"].isChecked() and dialog.better_source.currentData() == tree.r2b.id
    dialog.better_source.setCurrentIndex(0)
    dialog.better.insertPlainText("池化层把特征图缩小，同学～")
    ok(qtbot, dialog.buttons)
    [record] = store.feedback(tree.r2a.id)
    assert (record.better_message_id, record.better_reply) == (None, "池化层把特征图缩小，同学～")
    save(window, "feedback-in-chat.png")


def test_a_better_reply_equal_to_the_reply_is_refused_with_a_message(
    qtbot: QtBot, paths: AppPaths, store: Store, tree: Branchy, starter_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    warnings: list[str] = []
    monkeypatch.setattr("app.ui.feedback_actions.QMessageBox.warning", lambda _p, _t, text: warnings.append(text))
    dialog = flag_dialog(window, tree.r3.id)
    dialog.better.setPlainText(tree.r3.content)
    ok(qtbot, dialog.buttons)
    assert warnings == ["The better reply is the same as the reply itself."]
    assert store.feedback(tree.r3.id) == []


def open_browser(window: MainWindow) -> FeedbackBrowser:
    [browse] = [a for a in window.menus["Feedback"].actions() if "Browse" in a.text()]
    assert window.menus["Feedback"].menuAction().isVisible()
    browse.trigger()
    browser = window.feedback.browser
    assert browser is not None and browser.isVisible()
    return browser


def test_browse_filter_open_and_export(
    qtbot: QtBot, paths: AppPaths, store: Store, tree: Branchy, starter_path: Path, tmp_path: Path
) -> None:
    give_feedback(store, tree)
    window = open_window(qtbot, paths, store, starter_path)
    browser = open_browser(window)
    assert browser.table.rowCount() == 3
    browser.reason.setCurrentIndex(browser.reason.findData("wrong_fact"))
    assert browser.table.rowCount() == 1 and browser.shown[0].reply.id == tree.r2a.id
    browser.resize(1100, 360)
    save(browser, "feedback-browser.png")
    browser.table.selectRow(0)
    qtbot.mouseClick(browser.open_button, Qt.MouseButton.LeftButton)
    assert store.message(tree.r2a.id).active  # its branch is the one shown now
    assert tree.r2a.content in window.chat_view.toPlainText()
    browser.reason.setCurrentIndex(0)
    browser.persona.setCurrentIndex(browser.persona.findData("redbeard"))
    assert browser.persona.findData("redbeard") == -1  # only personas with feedback are offered
    assert browser.table.rowCount() == 3

    qtbot.mouseClick(browser.export_button, Qt.MouseButton.LeftButton)
    export = window.feedback.export_dialog
    assert export is not None and export.isVisible()
    export.format.setCurrentIndex(export.format.findData("dpo"))
    out = tmp_path / "feedback-dpo.jsonl"
    export.path.setText(str(out))
    export.anonymize.setChecked(True)
    save(export, "feedback-export.png")
    ok(qtbot, export.buttons)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["rejected"][0]["content"] for line in lines] == [tree.r2a.content, tree.r3.content]
    assert "同学" not in out.read_text(encoding="utf-8")
    assert "Exported 2 dpo lines" in window.statusBar().currentMessage()

    # a deleted conversation's feedback is hidden unless asked for, and cannot be opened
    store.delete_conversation(tree.conversation_id)
    browser.refresh()
    assert browser.table.rowCount() == 0
    browser.show_deleted.setChecked(True)
    assert browser.table.rowCount() == 3
    browser.table.selectRow(0)
    assert not browser.open_button.isEnabled()


def test_flag_a_real_reply_and_prefer_its_regenerated_alternative(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, paths, store, starter_path)
    window.sampling = SamplingParams(max_tokens=8, seed=3)
    window.input.setPlainText("什么是池化层？")
    with qtbot.waitSignal(window.reply_displayed, timeout=2 * REPLY_TIMEOUT_MS) as first:
        window.send()
    window.sampling = SamplingParams(max_tokens=8, seed=4, temperature=1.2)  # another sample, not the same one
    with qtbot.waitSignal(window.reply_displayed, timeout=2 * REPLY_TIMEOUT_MS) as second:
        window.regenerate()
    old, new = first.args[0].message_id, second.args[0].message_id  # type: ignore[index]
    # fixed seeds: the two samples are the same on every run, and they differ
    assert store.message(old).content.strip() != store.message(new).content.strip()
    dialog = flag_dialog(window, new)
    dialog.reason_boxes["out_of_character"].setChecked(True)
    dialog.choose_alternative(old)
    ok(qtbot, dialog.buttons)
    out = tmp_path / "dpo.jsonl"
    export_feedback(store, PersonaLibrary(paths.user_personas_dir), out, ExportOptions("dpo"))
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["chosen"][0]["content"] == store.message(old).content.strip()
    assert line["rejected"][0]["content"] == store.message(new).content
    assert line["prompt"][-1] == {"role": "user", "content": "什么是池化层？"}
    assert FeedbackService(store).current(new) is not None
