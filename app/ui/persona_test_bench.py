"""The persona test bench in the editor: the probe questions asked of the card being edited, on the loaded model,
each reply with its Persona and Accuracy badges, beside an earlier run's (the previous version of the card, or
another model).

The probes run on the chat worker (:class:`app.ui.chat_worker.ModelWorkQueue`), the one owner of the model, which
also reads the earlier runs and records this one in the database (``probe_runs``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.chat import ChatService
from app.engine import SamplingParams
from app.errors import PersonaTutorError
from app.persona_probe import (
    PROBE_SAMPLING,
    PROBES,
    ProbeResult,
    comparison_run,
    probe_topic,
    record_run,
    results_of,
    run_probes,
)
from app.personas import Persona, card_hash, parse_card
from app.store import ProbeRun
from app.ui.badge_cells import badge_item
from app.ui.chat_worker import ModelWorkQueue
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.model_jobs import ModelJob
from app.ui.tables import read_only_table

COLUMNS = (
    QT_TRANSLATE_NOOP("PersonaTestBench", "Probe"),
    QT_TRANSLATE_NOOP("PersonaTestBench", "Reply"),
    QT_TRANSLATE_NOOP("PersonaTestBench", "Persona"),
    QT_TRANSLATE_NOOP("PersonaTestBench", "Accuracy"),
    QT_TRANSLATE_NOOP("PersonaTestBench", "Persona (compared)"),
    QT_TRANSLATE_NOOP("PersonaTestBench", "Accuracy (compared)"),
)
PROBE_LABELS = {
    "identity": QT_TRANSLATE_NOOP("PersonaTestBench", "Identity"),
    "voice": QT_TRANSLATE_NOOP("PersonaTestBench", "Voice and register"),
    "pressure": QT_TRANSLATE_NOOP("PersonaTestBench", "Pressure to drop the role"),
    "explain": QT_TRANSLATE_NOOP("PersonaTestBench", "Explains the topic"),
    "out_of_world": QT_TRANSLATE_NOOP("PersonaTestBench", "Knowledge it should not have"),
}


@dataclass(frozen=True)
class BenchStarted:
    """The first thing a run reports: the model it runs on and the runs recorded before it (newest first)."""

    model: str
    runs: list[ProbeRun]


def _mean(results: list[dict[str, Any]], badge: str) -> float | None:
    scores = [float(r[badge]["score"]) for r in results if r[badge].get("score") is not None]
    return statistics.fmean(scores) if scores else None


class PersonaTestBench(QDialog):
    """Runs the probes on ``persona`` (which may be an unsaved edit) and shows them beside an earlier run."""

    def __init__(
        self,
        persona: Persona,
        queue: ModelWorkQueue,
        parent: QWidget | None = None,
        sampling: SamplingParams | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("persona-test-bench")
        self.setWindowTitle(self.tr("Test this persona — {name}").format(name=persona.name))
        self.resize(1120, 520)
        self.persona = persona
        self.card_hash = card_hash(persona)
        self.queue = queue
        self.sampling = sampling or PROBE_SAMPLING
        self.model = ""
        self.results: list[ProbeResult] = []
        self.runs: list[ProbeRun] = []  # earlier runs of this persona, newest first
        self.run: ProbeRun | None = None  # this run, once recorded
        self.job: ModelJob | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.compare = QComboBox()
        self.compare.setAccessibleName(self.tr("Compare with"))
        self.compare.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.compare.currentIndexChanged.connect(self._show)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(QLabel(self.tr("Compare with")))
        top.addWidget(self.compare)
        self.table = self._table()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, len(PROBES))
        self.run_button = QPushButton(self.tr("Run again"))
        self.run_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.run_button)
        bottom.addWidget(self.stop_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._show_heading()
        self._show()
        self._update_buttons()

    def _table(self) -> QTableWidget:
        table = read_only_table([self.tr(c) for c in COLUMNS])
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return table

    # Running

    @Slot()
    def start(self) -> ModelJob | None:
        """Ask every probe on the chat's model; each row fills in as its reply is scored."""
        if self.job is not None:
            return None
        persona, sampling, topic = self.persona, self.sampling, probe_topic(self.persona)
        self.results, self.run = [], None
        job = ModelJob(self)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self.job = job
        self.summary.setText(self.tr("Waiting for the model…"))
        self.progress.setValue(0)
        self._show()
        self._update_buttons()

        def work(chat: ChatService, model_id: str, running: ModelJob) -> ProbeRun | None:
            running.report(BenchStarted(model_id, chat.store.probe_runs(persona.id)))
            if chat.backend is None:
                raise PersonaTutorError("No model is loaded.")
            chat.park_context()  # the probes use the engine; the open chat's cache is set aside first
            results = run_probes(persona, chat.backend, model_id, running.cancel, topic, sampling, running.report)
            if running.cancel.is_set() or len(results) < len(PROBES):
                return None
            return record_run(chat.store, persona, model_id, topic, results)

        return self.queue.submit(job, work)

    @Slot()
    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel.set()

    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if isinstance(value, BenchStarted):
            self.model, self.runs = value.model, value.runs
            self._fill_compare()
            self._show_heading()
        elif isinstance(value, ProbeResult):
            self.results.append(value)
            self.progress.setValue(len(self.results))
            self._show()
            self.summary.setText(
                self.tr("Asked {done} of {total} probes…").format(done=len(self.results), total=len(PROBES))
            )

    @Slot(object)
    def _on_done(self, run: ProbeRun | None) -> None:
        self.job, self.run = None, run
        self._show()
        if run is None:
            shown = self.summary.text()
            self.summary.setText((f"{shown} — " if shown else "") + self.tr("stopped, not recorded"))
        self._update_buttons()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.job = None
        self.summary.setText(self.tr("The test failed: {error}").format(error=error))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.progress.setVisible(running)

    # Showing

    def _show_heading(self) -> None:
        model = self.model or self.tr("the loaded model")
        self.heading.setText(
            self.tr("{name} on {model} · card {card}").format(
                name=self.persona.name, model=model, card=self.card_hash[:8]
            )
        )

    def _fill_compare(self) -> None:
        self.compare.blockSignals(True)
        self.compare.clear()
        self.compare.addItem(self.tr("nothing"), None)
        for run in self.runs:
            self.compare.addItem(self._run_label(run), run.id)
        chosen = comparison_run(self.runs, self.card_hash, self.model)
        self.compare.setCurrentIndex(max(self.compare.findData(chosen.id if chosen else None), 0))
        self.compare.blockSignals(False)

    def _run_label(self, run: ProbeRun) -> str:
        card = self.tr("this card") if run.card_hash == self.card_hash else self.tr("card {hash}")
        model = self.tr("this model") if run.model == self.model else run.model
        return f"{run.created_at:%Y-%m-%d %H:%M} · {model} · {card.format(hash=run.card_hash[:8])}"

    def compared(self) -> ProbeRun | None:
        return next((r for r in self.runs if r.id == self.compare.currentData()), None)

    def _show(self, *_args: object) -> None:
        compared = self.compared()
        earlier = {r.probe: r for r in results_of(compared)} if compared else {}
        self.table.setRowCount(len(PROBES))
        for row, probe in enumerate(PROBES):
            result = self.results[row] if row < len(self.results) else None
            then = earlier.get(probe.id)
            name = QTableWidgetItem(self.tr(PROBE_LABELS[probe.id]))
            name.setToolTip(result.question if result else probe.question(self.persona.language, "…"))
            reply = QTableWidgetItem(" ".join(result.reply.split()) if result else "")
            if result:
                reply.setToolTip(result.reply)
            cells = [
                name,
                reply,
                badge_item(result.consistency if result else None),
                badge_item(result.accuracy if result else None),
                badge_item(then.consistency if then else None),
                badge_item(then.accuracy if then else None),
            ]
            if then:
                for cell in cells[4:]:
                    cell.setToolTip(f"{cell.toolTip()}\n\n{then.reply}".strip())
            for column, cell in enumerate(cells):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        if self.job is None:
            self.summary.setText(self._summary_text(compared))

    def _summary_text(self, compared: ProbeRun | None) -> str:
        if not self.results:
            return ""
        now = [r.to_json() for r in self.results]
        then = compared.results if compared else []
        parts = []
        for badge, name in (("consistency", self.tr("persona")), ("accuracy", self.tr("accuracy"))):
            mean, before = _mean(now, badge), _mean(then, badge)
            text = self.tr("mean {badge} {score}").format(badge=name, score=f"{mean:.2f}" if mean is not None else "–")
            if before is not None:
                text += self.tr(" (compared: {score})").format(score=f"{before:.2f}")
            parts.append(text)
        return " · ".join(parts)

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)


def open_test_bench(card: dict[str, Any], persona_id: str, queue: ModelWorkQueue, parent: QWidget) -> PersonaTestBench:
    """Open the bench on ``card`` as it stands (an unsaved edit too) and start the probes; a card that cannot be
    read raises :class:`app.errors.PersonaError`."""
    bench = PersonaTestBench(parse_card(card, persona_id), queue, parent)
    bench.show()
    bench.start()
    return bench
