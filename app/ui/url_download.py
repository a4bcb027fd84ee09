"""Download from URL: the address of any ``.gguf`` file, and its SHA-256 when the publisher gives one.

The dialog only asks; the catalog tab runs the download through :func:`app.downloads.pull_from_url` with the same
progress, cancel and resume as a catalog entry. OK stays disabled until the address (and checksum, if typed) are
ones the core would accept, and the reason shows under the fields.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.downloads import is_sha256, url_file_name
from app.errors import ModelError


class UrlDownloadDialog(QDialog):
    """Asks for a .gguf URL and an optional SHA-256; ``url()`` and ``sha256()`` are read once it is accepted."""

    def __init__(self, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("url-dialog")
        self.setWindowTitle(self.tr("Download from URL"))
        self.url_edit = QLineEdit(url)
        self.url_edit.setPlaceholderText("https://example.org/models/model-Q4_K_M.gguf")
        self.url_edit.setMinimumWidth(460)
        self.sha_edit = QLineEdit()
        self.sha_edit.setPlaceholderText(self.tr("optional: 64 hexadecimal digits"))
        intro = QLabel(
            self.tr(
                "The address of a .gguf file. A stopped download continues where it stopped when you enter the "
                "same address again. With a SHA-256 the file is verified; without one its checksum is recorded."
            )
        )
        intro.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("url-problem")
        form = QFormLayout()
        form.addRow(self.tr("Address:"), self.url_edit)
        form.addRow(self.tr("SHA-256:"), self.sha_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Download"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # wrapped lines are never squeezed away
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.url_edit.textChanged.connect(self._check)
        self.sha_edit.textChanged.connect(self._check)
        self._check()

    def url(self) -> str:
        return self.url_edit.text().strip()

    def sha256(self) -> str | None:
        return self.sha_edit.text().strip().lower() or None

    def _problem(self) -> str:
        if not self.url():
            return ""
        try:
            url_file_name(self.url())
        except ModelError:
            return self.tr("This is not an http(s) address of a .gguf file.")
        sha = self.sha256()
        if sha is not None and not is_sha256(sha):
            return self.tr("A SHA-256 checksum is 64 hexadecimal digits.")
        return ""

    def _check(self) -> None:
        problem = self._problem()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        needed = self.sizeHint().height()
        if self.isVisible() and self.height() < needed:  # room for the reason that just appeared
            self.resize(self.width(), needed)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.url()) and not problem)
