"""Help ▸ About: the version, the licenses of the bundled components and the license of the model in use."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from app import __version__
from app.licenses import BUNDLED_COMPONENTS, ModelLicense, model_license
from app.paths import bundled_dir
from app.platform import is_frozen


def _model_html(model: ModelLicense | None) -> str:
    label = QCoreApplication.translate("AboutDialog", "Model:")
    if model is None:
        none_yet = QCoreApplication.translate("AboutDialog", "none loaded yet.")
        return f"<p><b>{label}</b> {none_yet}</p>"
    if model.license is None:
        license_text = QCoreApplication.translate(
            "AboutDialog", "not stated in the model file or the catalog — check where you got it"
        )
    else:
        source = QCoreApplication.translate("AboutDialog", "(from the {source})").format(source=model.source)
        license_text = f"{html.escape(model.license)} <span style='color:#777'>{html.escape(source)}</span>"
    license_label = QCoreApplication.translate("AboutDialog", "Model license:")
    return f"<p><b>{label}</b> {html.escape(model.name)}<br><b>{license_label}</b> {license_text}</p>"


def _components_html() -> str:
    rows = []
    for component in BUNDLED_COMPONENTS:
        version = qVersion() if component.name == "Qt 6" else component.version()
        name = html.escape(component.name + (f" {version}" if version else ""))
        rows.append(
            f"<tr><td><a href='{html.escape(component.url)}'>{name}</a></td>"
            f"<td style='padding-left:12px'>{html.escape(component.license)}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


class AboutDialog(QDialog):
    """A modal box; the model's license is read from its GGUF header when the dialog opens."""

    def __init__(self, model_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Persona Tutor"))
        self.model = model_license(model_path) if model_path is not None else None
        icon = bundled_dir("assets") / "persona-tutor.svg"
        self.header = header = QLabel(
            f"<h2>Persona Tutor {html.escape(__version__)}</h2><p>"
            + self.tr("Offline role-play tutors on a local language model.")
            + "<br>"
            + self.tr("Persona Tutor is free software under the MIT license.")
            + "</p>"
        )
        header.setTextFormat(Qt.TextFormat.RichText)
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.model_label = QLabel(_model_html(self.model))
        self.model_label.setTextFormat(Qt.TextFormat.RichText)
        self.model_label.setWordWrap(True)
        bundle_note = (
            self.tr(
                "The license texts are in the app folder's <code>_internal/licenses</code> (LGPL) and "
                "<code>_internal/*.dist-info</code> folders."
            )
            if is_frozen()
            else ""
        )
        self.components = QTextBrowser()
        self.components.setOpenExternalLinks(True)
        self.components.setHtml(
            "<p><b>"
            + self.tr("Bundled components")
            + "</b></p>"
            + _components_html()
            + "<p style='color:#555'>"
            + self.tr(
                "Qt and PySide6 are used under the LGPL v3 as separate shared libraries, "
                "which you may replace with your own builds."
            )
            + f" {bundle_note}</p>"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.model_label)
        layout.addWidget(self.components, stretch=1)
        layout.addWidget(buttons)
        self.resize(520, 560)
