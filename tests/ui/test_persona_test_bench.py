""" "Test this persona" in the editor: the probes run on the chat's own model, each reply with its badges, beside
the run of the card's previous version; runs are recorded; Stop ends a run without recording it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import app.persona_probe as persona_probe
import app.ui.persona_test_bench as bench_module
from app.engine import SamplingParams
from app.paths import AppPaths
from app.persona_probe import PROBES
from app.personas import PersonaLibrary, card_hash
from app.store import Store
from app.ui.persona_editor import PersonaEditor
from app.ui.persona_test_bench import PersonaTestBench
from tests.ui.test_main_window import REPLY_TIMEOUT_MS, open_window, screenshot_dir


def _run(qtbot: QtBot, editor: PersonaEditor) -> PersonaTestBench:
    qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
    bench = editor.test_bench
    assert bench is not None and bench.isVisible()
    qtbot.waitUntil(lambda: bench.job is None, timeout=4 * REPLY_TIMEOUT_MS)
    return bench


def test_test_this_persona_beside_the_previous_card(
    qtbot: QtBot, paths: AppPaths, store: Store, starter_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two probes, short replies and a short card: the model's prompt evaluation is what takes time here
    probes = (PROBES[0], PROBES[2])
    monkeypatch.setattr(persona_probe, "PROBES", probes)
    monkeypatch.setattr(bench_module, "PROBES", probes)
    monkeypatch.setattr(bench_module, "PROBE_SAMPLING", SamplingParams(temperature=0.7, max_tokens=8, seed=42))
    library = PersonaLibrary(paths.user_personas_dir)
    card = {"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "Prof Plain", "first_mes": "Hello."}}
    card["data"]["description"] = "A plain lecturer."
    persona_id = library.save(card).id
    window = open_window(qtbot, paths, store, starter_path)
    gallery = window.persona_menu.open_gallery()
    gallery.select(persona_id)
    editor = gallery.edit_selected()
    assert editor is not None and editor.test_button.isVisible()

    chats = len(store.conversations())
    first = _run(qtbot, editor)
    assert first.run is not None and [r.probe for r in first.results] == ["identity", "pressure"]
    assert first.model == window._model_id
    assert first.compare.count() == 1  # nothing earlier to compare with
    assert first.table.item(0, 1).text() == " ".join(first.results[0].reply.split())
    assert first.table.item(0, 2).text()[0] in "✔?✘" and first.table.item(0, 4).text() == "–"
    saved_hash = card_hash(library.get(persona_id))
    [recorded] = store.probe_runs(persona_id)
    assert (recorded.card_hash, recorded.model) == (saved_hash, window._model_id)
    first.close()

    # an unsaved edit is tested as it stands, beside the saved card's run
    editor.description.setPlainText("A plain lecturer who ends every answer with a question.")
    second = _run(qtbot, editor)
    assert second.card_hash != saved_hash and second.run is not None
    compared = second.compared()
    assert compared is not None and compared.id == recorded.id
    assert second.compare.currentText().endswith(f"card {saved_hash[:8]}")
    assert second.table.item(0, 4).text() != "–"
    assert "compared:" in second.summary.text()
    second.grab().save(str(screenshot_dir() / "persona-test-bench.png"))
    assert len(store.probe_runs(persona_id)) == 2
    assert len(store.conversations()) == chats  # the probes' conversations live in a scratch database
    second.close()

    # Stop: the run ends early and is not recorded
    qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
    third = editor.test_bench
    assert third is not None and third is not second
    qtbot.mouseClick(third.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: third.job is None, timeout=4 * REPLY_TIMEOUT_MS)
    assert third.run is None and third.summary.text().endswith("stopped, not recorded")
    assert len(store.probe_runs(persona_id)) == 2
    third.close()
    editor.reject()
