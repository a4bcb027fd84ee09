"""Export feedback as training data: pick a format, where to write, and what to leave out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.feedback import ExportOptions
from app.ui.language import QT_TRANSLATE_NOOP

# Keys are the export format ids (stored in file names and passed to the core): never translated.
FORMAT_LABELS = {
    "sft": QT_TRANSLATE_NOOP(
        "FeedbackExportDialog", "SFT — the better reply as the last message (TRL, OpenAI fine-tuning)"
    ),
    "dpo": QT_TRANSLATE_NOOP("FeedbackExportDialog", "DPO — better reply chosen, flagged reply rejected"),
    "kto": QT_TRANSLATE_NOOP("FeedbackExportDialog", "KTO — each reply labelled good or bad"),
    "raw": QT_TRANSLATE_NOOP("FeedbackExportDialog", "Raw — everything: ratings, reasons, badges, system prompt"),
}


class FeedbackExportDialog(QDialog):
    def __init__(self, suggested_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export feedback"))
        self.setMinimumWidth(560)
        self.format = QComboBox()
        self.format.setAccessibleName(self.tr("Format"))
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(self.tr(label), key)
        self.path = QLineEdit(str(suggested_dir / "feedback-sft.jsonl"))
        self.path.setAccessibleName(self.tr("Export file"))
        self.format.currentIndexChanged.connect(self._rename_for_format)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.anonymize = QCheckBox(self.tr("Replace my name with {{user}}"))
        self.include_deleted = QCheckBox(self.tr("Include feedback from deleted conversations"))
        note = QLabel(self.tr("The file stays on this computer; nothing is sent anywhere."))
        note.setStyleSheet("color: #666666")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form = QFormLayout(self)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("File"), where)
        form.addRow("", self.anonymize)
        form.addRow("", self.include_deleted)
        form.addRow(note)
        form.addRow(buttons)

    def _rename_for_format(self) -> None:
        current = Path(self.path.text())
        if current.name.startswith("feedback-") and current.suffix == ".jsonl":
            self.path.setText(str(current.with_name(f"feedback-{self.format.currentData()}.jsonl")))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export feedback"), self.path.text(), self.tr("JSON Lines (*.jsonl)")
        )
        if chosen:
            self.path.setText(chosen)

    def options(self, user_name: str) -> ExportOptions:
        return ExportOptions(
            self.format.currentData(),
            anonymize=self.anonymize.isChecked(),
            include_deleted=self.include_deleted.isChecked(),
            user_name=user_name,
        )

    def out_path(self) -> Path:
        return Path(self.path.text()).expanduser()
