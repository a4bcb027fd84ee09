"""The persona editor: every card field, the picture, our tutor style rules and the lorebook, with a live
preview of the greeting (macros filled in) and clear validation messages.

It edits a copy of the normalized card, so fields it does not show survive; saving goes through
:meth:`app.personas.PersonaLibrary.save`. Built-in personas are read-only: they can only be saved as a copy.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPixmap, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.cards import macros
from app.errors import PersonaError
from app.personas import Persona, PersonaLibrary
from app.prompt_builder import DEFAULT_USER_NAME
from app.rendering import markdown_to_html
from app.ui.avatars import avatar_image, square_crop
from app.ui.chat_worker import ModelWorkQueue
from app.ui.language import QT_TRANSLATE_NOOP
from app.ui.lorebook_editor import LorebookEditor
from app.ui.persona_test_bench import PersonaTestBench, open_test_bench
from app.ui.style_rules_form import StyleRulesForm, split_list

AVATAR_PX = 96
AVATAR_SAVE_PX = 256
IMAGE_FILTER = QT_TRANSLATE_NOOP("PersonaEditor", "Images (*.png *.jpg *.jpeg *.webp *.bmp *.svg)")
BLANK_CARD: dict[str, Any] = {"spec": "chara_card_v3", "spec_version": "3.0", "data": {"extensions": {}}}


def square_png(path: Path, size: int = AVATAR_SAVE_PX) -> bytes:
    """An image file as a ``size``-pixel square PNG (centre crop); SVGs are rendered."""
    if path.suffix.lower() == ".svg":
        renderer = QSvgRenderer(str(path))
        if not renderer.isValid():
            raise PersonaError(f"{path.name}: not a readable SVG image")
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
    else:
        source = QImage(str(path))
        if source.isNull():
            raise PersonaError(f"{path.name}: not a readable image")
        image = square_crop(source).scaled(
            size, size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs miss the QIODevice overload
    buffer.close()
    return bytes(data.data())


def as_shown(value: Any) -> Any:
    """A card value as the editor's widgets give it back (text boxes turn CRLF into LF; lines are stripped)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list):
        return [as_shown(v) for v in value]
    return value


def _text_box(placeholder: str = "", height: int = 0) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    if height:
        box.setMinimumHeight(height)
    return box


class PersonaEditor(QDialog):
    """Edit one persona (``None``: a new one). ``saved`` carries the id the card was saved under."""

    saved = Signal(str)

    def __init__(
        self,
        library: PersonaLibrary,
        persona: Persona | None = None,
        parent: QWidget | None = None,
        model_work: ModelWorkQueue | None = None,  # the chat worker's queue, for "Test this persona"
    ) -> None:
        super().__init__(parent)
        self.setObjectName("persona-editor")
        self._model_work = model_work
        self.test_bench: PersonaTestBench | None = None
        self._library = library
        self._persona = persona
        self._card: dict[str, Any] = copy.deepcopy(persona.card if persona else BLANK_CARD)
        self._avatar_png: bytes | None = None  # a newly chosen picture; None keeps the one the persona has
        self._greetings: list[str] = []
        self._previewed = 0  # 0: the first message; n: alternate greeting n (the one last picked or edited)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(120)
        self._preview_timer.timeout.connect(self.update_preview)
        self.resize(1040, 720)
        self._build()
        self._load()
        if persona is None:
            self.setWindowTitle(self.tr("New persona"))
        elif persona.builtin:
            self.setWindowTitle(
                self.tr("Edit persona — {name} (built-in: changes are saved as a copy)").format(name=persona.name)
            )
        else:
            self.setWindowTitle(self.tr("Edit persona — {name}").format(name=persona.name))
        self.update_preview()

    # Building

    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self._character_page(), self.tr("Character"))
        self.tabs.addTab(self._greetings_page(), self.tr("Greetings"))
        self.tabs.addTab(self._prompt_page(), self.tr("Prompt"))
        self.style_rules = StyleRulesForm()
        self.tabs.addTab(self.style_rules, self.tr("Tutor style"))
        self.lorebook = LorebookEditor()
        self.tabs.addTab(self.lorebook, self.tr("Lorebook"))

        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setAccessibleName(self.tr("Greeting preview"))
        self.preview_title = QLabel()
        self.preview_title.setStyleSheet("font-weight: 600")
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(6, 0, 0, 0)
        preview_layout.addWidget(self.preview_title)
        preview_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tabs)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 380])

        self.problems_label = QLabel()
        self.problems_label.setObjectName("validation")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.save_new_button = QPushButton(
            self.tr("Save as copy") if self._is_builtin() else self.tr("Save as new persona")
        )
        self.save_new_button.clicked.connect(lambda: self.save(as_new=True))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(lambda: self.save(as_new=False))
        own = self._persona is not None and not self._persona.builtin
        self.save_button.setVisible(own or self._persona is None)
        self.save_new_button.setVisible(self._persona is not None)
        (self.save_new_button if self._is_builtin() else self.save_button).setDefault(True)
        self.test_button = QPushButton(self.tr("Test this persona…"))
        self.test_button.setToolTip(self.tr("Ask the probe questions on the loaded model and score the replies"))
        self.test_button.clicked.connect(self.test_persona)
        self.test_button.setVisible(self._model_work is not None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_new_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        if self._is_builtin():
            banner = QLabel(
                self.tr("This is a built-in persona: it cannot be changed, but “Save as copy” keeps your edits.")
            )
            banner.setStyleSheet("background: #f4ecd8; color: #5c4500; padding: 6px; border-radius: 4px")
            layout.addWidget(banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.problems_label)
        layout.addLayout(buttons)

        for widget in self._text_widgets():
            widget.textChanged.connect(self._changed)
        self.first_mes.textChanged.connect(self._preview_first)
        self.name.textChanged.connect(self._name_changed)
        self.style_rules.changed.connect(self._changed)
        self.lorebook.changed.connect(self._changed)

    def _character_page(self) -> QWidget:
        self.avatar_label = QLabel()
        self.avatar_label.setFixedSize(AVATAR_PX, AVATAR_PX)
        self.avatar_label.setAccessibleName(self.tr("Picture"))
        choose = QPushButton(self.tr("Choose picture…"))
        choose.clicked.connect(self._choose_avatar)
        picture = QHBoxLayout()
        picture.addWidget(self.avatar_label)
        picture.addWidget(choose, 0, Qt.AlignmentFlag.AlignBottom)
        picture.addStretch(1)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Required"))
        self.description = _text_box(self.tr("Who the character is; {{char}} and {{user}} are filled in"), 110)
        self.personality = _text_box(self.tr("A short summary of the personality"))
        self.scenario = _text_box(self.tr("The situation the chat happens in"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("Comma-separated"))
        self.creator = QLineEdit()
        self.version = QLineEdit()
        self.version.setMaximumWidth(120)
        credits = QHBoxLayout()
        credits.addWidget(self.creator, 1)
        credits.addWidget(QLabel(self.tr("Version")))
        credits.addWidget(self.version)
        self.creator_notes = _text_box(self.tr("Shown to users, never sent to the model"))
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("", picture)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Personality"), self.personality)
        form.addRow(self.tr("Scenario"), self.scenario)
        form.addRow(self.tr("Tags"), self.tags)
        form.addRow(self.tr("Creator"), credits)
        form.addRow(self.tr("Creator's notes"), self.creator_notes)
        return page

    def _greetings_page(self) -> QWidget:
        self.first_mes = _text_box(self.tr("The first message of every chat"), 120)
        self.alternates = QListWidget()
        self.alternates.setMaximumHeight(110)
        self.alternates.currentRowChanged.connect(self._show_alternate)
        self.alternates.itemClicked.connect(lambda _item: self._show_alternate(self.alternates.currentRow()))
        self.alternate_text = _text_box(self.tr("Select or add an alternate greeting"), 100)
        self.alternate_text.textChanged.connect(self._store_alternate)
        add = QPushButton(self.tr("Add greeting"))
        add.clicked.connect(lambda: self.add_alternate())
        self.remove_alternate_button = QPushButton(self.tr("Remove"))
        self.remove_alternate_button.clicked.connect(self._remove_alternate)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_alternate_button)
        buttons.addStretch(1)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(self.tr("First message"), self.first_mes)
        form.addRow(self.tr("Alternates"), self.alternates)
        form.addRow("", buttons)
        form.addRow(self.tr("Greeting"), self.alternate_text)
        hint = QLabel(self.tr("Learners switch between greetings with ‹ › in a new chat."))
        hint.setStyleSheet("color: #777777")
        form.addRow("", hint)
        return page

    def _prompt_page(self) -> QWidget:
        self.system_prompt = _text_box(self.tr("Empty: the app's own. {{original}} inserts the app's own here"), 110)
        self.post_history = _text_box(self.tr("Sent after the conversation, every turn; {{original}} works here too"))
        self.mes_example = _text_box("<START>\n{{user}}: a question\n{{char}}: an answer in the persona's voice", 200)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(self.tr("System prompt"), self.system_prompt)
        form.addRow(self.tr("Post-history instructions"), self.post_history)
        form.addRow(self.tr("Example dialogue"), self.mes_example)
        return page

    def _text_widgets(self) -> list[QLineEdit | QPlainTextEdit]:
        return [
            self.name,
            self.description,
            self.personality,
            self.scenario,
            self.tags,
            self.creator,
            self.version,
            self.creator_notes,
            self.first_mes,
            self.system_prompt,
            self.post_history,
            self.mes_example,
        ]

    # Loading and reading back

    def _is_builtin(self) -> bool:
        return self._persona is not None and self._persona.builtin

    def _load(self) -> None:
        data = self._card["data"]
        self.name.setText(str(data.get("name", "")))
        self.description.setPlainText(str(data.get("description", "")))
        self.personality.setPlainText(str(data.get("personality", "")))
        self.scenario.setPlainText(str(data.get("scenario", "")))
        self.tags.setText(", ".join(data.get("tags", [])))
        self.creator.setText(str(data.get("creator", "")))
        self.version.setText(str(data.get("character_version", "")))
        self.creator_notes.setPlainText(str(data.get("creator_notes", "")))
        self.first_mes.setPlainText(str(data.get("first_mes", "")))
        self._greetings = list(data.get("alternate_greetings", []))
        self.alternates.clear()
        self.alternates.addItems([self._label(n) for n in range(len(self._greetings))])
        self.alternates.setCurrentRow(0 if self._greetings else -1)
        self._show_alternate(self.alternates.currentRow())
        self.system_prompt.setPlainText(str(data.get("system_prompt", "")))
        self.post_history.setPlainText(str(data.get("post_history_instructions", "")))
        self.mes_example.setPlainText(str(data.get("mes_example", "")))
        tutor = data.get("extensions", {}).get("persona_tutor", {})
        self.style_rules.load(tutor if isinstance(tutor, dict) else {})
        self.lorebook.load(data.get("character_book"))
        self._show_avatar()
        self._previewed = 0

    def card(self) -> dict[str, Any]:
        """The card as it would be saved: the original with every edited field replaced."""
        card = copy.deepcopy(self._card)
        data = card["data"]
        edited: dict[str, Any] = {
            "name": self.name.text().strip(),
            "description": self.description.toPlainText(),
            "personality": self.personality.toPlainText(),
            "scenario": self.scenario.toPlainText(),
            "tags": split_list(self.tags.text()),
            "creator": self.creator.text().strip(),
            "character_version": self.version.text().strip(),
            "creator_notes": self.creator_notes.toPlainText(),
            "first_mes": self.first_mes.toPlainText(),
            "alternate_greetings": [g for g in self._greetings if g.strip()],
            "system_prompt": self.system_prompt.toPlainText(),
            "post_history_instructions": self.post_history.toPlainText(),
            "mes_example": self.mes_example.toPlainText(),
        }
        for key, value in edited.items():
            if value != as_shown(data.get(key)):  # untouched fields keep their bytes (CRLF, spacing)
                data[key] = value
        extensions = data.setdefault("extensions", {})
        tutor = self.style_rules.values()
        if tutor:
            extensions["persona_tutor"] = tutor
        else:
            extensions.pop("persona_tutor", None)
        book = self.lorebook.book()
        if book is None:
            data.pop("character_book", None)
        else:
            data["character_book"] = book
        return card

    def problems(self) -> list[str]:
        """What must be fixed before saving, one clear sentence each."""
        found = []
        if not self.name.text().strip():
            found.append(self.tr("Name: a persona needs a name."))
        if not self.first_mes.toPlainText().strip() and any(g.strip() for g in self._greetings):
            found.append(self.tr("Greetings: write the first message; the alternates are offered next to it."))
        return found

    def warnings(self) -> list[str]:
        """What is probably a mistake but may be saved."""
        found = []
        if not self.first_mes.toPlainText().strip() and not any(g.strip() for g in self._greetings):
            found.append(self.tr("Greetings: there is none, so chats open without a greeting."))
        return found + self.lorebook.warnings()

    def _show_validation(self, problems: list[str], warnings: list[str]) -> None:
        lines = [f'<span style="color:#a12622">✘ {html.escape(p)}</span>' for p in problems]
        lines += [f'<span style="color:#8a5a00">⚠ {html.escape(w)}</span>' for w in warnings[:4]]
        if len(warnings) > 4:
            more = self.tr("… and {count} more").format(count=len(warnings) - 4)
            lines.append(f'<span style="color:#8a5a00">{more}</span>')
        self.problems_label.setText("<br/>".join(lines))

    # Greetings list

    def _label(self, n: int) -> str:
        first = " ".join(self._greetings[n].split())[:60] if n < len(self._greetings) else ""
        return f"{n + 2}. {first or self.tr('(empty)')}"

    def add_alternate(self, text: str = "") -> None:
        self._greetings.append(text)
        self.alternates.addItem(self._label(len(self._greetings) - 1))
        self.alternates.setCurrentRow(len(self._greetings) - 1)
        self.alternate_text.setFocus()
        self._changed()

    def _remove_alternate(self) -> None:
        row = self.alternates.currentRow()
        if 0 <= row < len(self._greetings):
            del self._greetings[row]
            self.alternates.takeItem(row)
            for n in range(len(self._greetings)):
                self.alternates.item(n).setText(self._label(n))
            self._show_alternate(self.alternates.currentRow())
            self._changed()

    def _show_alternate(self, row: int) -> None:
        valid = 0 <= row < len(self._greetings)
        self.alternate_text.blockSignals(True)
        self.alternate_text.setPlainText(self._greetings[row] if valid else "")
        self.alternate_text.blockSignals(False)
        self.alternate_text.setEnabled(valid)
        self.remove_alternate_button.setEnabled(valid)
        self._previewed = row + 1 if valid else 0
        self._preview_timer.start()

    def _store_alternate(self) -> None:
        row = self.alternates.currentRow()
        if 0 <= row < len(self._greetings):
            self._greetings[row] = self.alternate_text.toPlainText()
            self.alternates.item(row).setText(self._label(row))
            self._previewed = row + 1
            self._changed()

    # Picture

    def _choose_avatar(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a picture"), "", self.tr(IMAGE_FILTER))
        if name:
            self.set_avatar_file(Path(name))

    def set_avatar_file(self, path: Path) -> bool:
        try:
            self._avatar_png = square_png(path)
        except PersonaError as exc:
            self._show_validation([str(exc)], [])
            return False
        self._show_avatar()
        return True

    def _avatar_image(self, size: int) -> QImage:
        """The picture as it will be saved, round like everywhere else in the app."""
        own_png = self._persona.avatar if self._persona and self._persona.avatar else None
        if self._avatar_png is not None:
            source = QImage.fromData(self._avatar_png)
        elif own_png is not None and own_png.suffix.lower() == ".png":
            source = QImage(str(own_png))
        else:
            persona_id = self._persona.id if self._persona else "__new__"
            return avatar_image(persona_id, self.name.text() or "?", size)
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        clip = QPainterPath()
        clip.addEllipse(QRectF(0, 0, size, size))
        painter.setClipPath(clip)
        painter.drawImage(QRectF(0, 0, size, size), square_crop(source))
        painter.end()
        return image

    def _show_avatar(self) -> None:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap.fromImage(self._avatar_image(round(AVATAR_PX * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        self.avatar_label.setPixmap(pixmap)
        self._preview_timer.start()

    # Preview and validation

    def _name_changed(self) -> None:
        if self._persona is None and self._avatar_png is None:
            self._show_avatar()  # the drawn initial follows the name

    def _preview_first(self) -> None:
        self._previewed = 0

    def _changed(self, *_args: object) -> None:
        self._preview_timer.start()

    def _previewed_greeting(self) -> tuple[int, str]:
        """The greeting last picked or edited: the first message or one of the alternates."""
        if 0 < self._previewed <= len(self._greetings):
            return self._previewed + 1, self._greetings[self._previewed - 1]
        return 1, self.first_mes.toPlainText()

    def update_preview(self) -> None:
        name = self.name.text().strip() or "?"
        number, text = self._previewed_greeting()
        count = 1 + len([g for g in self._greetings if g.strip()])
        self.preview_title.setText(
            self.tr("Greeting {number} of {count}, as {user} will see it").format(
                number=number, count=count, user=DEFAULT_USER_NAME
            )
        )
        nickname = self._card["data"].get("nickname")
        char = nickname.strip() if isinstance(nickname, str) and nickname.strip() else name
        filled = macros.fill(text, char, DEFAULT_USER_NAME).strip()
        no_greeting = self.tr("(no greeting)")
        body = markdown_to_html(filled) if filled else f'<p style="color:#777777">{no_greeting}</p>'
        self.preview.document().addResource(
            QTextDocument.ResourceType.ImageResource.value, QUrl("avatar:preview"), self._avatar_image(52)
        )
        who = f'<img src="avatar:preview" width="26" height="26" style="vertical-align: middle"> {html.escape(name)}'
        self.preview.setHtml(f'<p style="font-weight:600">{who}</p>{body}')
        problems = self.problems()
        self._show_validation(problems, self.warnings())
        if not self._is_builtin():
            self.save_button.setEnabled(not problems)
        self.save_new_button.setEnabled(not problems)

    def test_persona(self) -> PersonaTestBench | None:
        """The test bench on the card as edited now (saved or not), run on the chat's model."""
        if self._model_work is None:
            return None
        persona_id = self._persona.id if self._persona else f"new:{self.name.text().strip()}"
        try:
            self.test_bench = open_test_bench(self.card(), persona_id, self._model_work, self)
        except PersonaError as exc:
            self._show_validation([str(exc)], [])
            return None
        return self.test_bench

    def save(self, as_new: bool = False) -> Persona | None:
        """Validate and save; on success ``saved`` is emitted and the dialog closes."""
        problems = self.problems()
        if problems:
            self._show_validation(problems, self.warnings())
            return None
        own = self._persona is not None and not self._persona.builtin
        target = self._persona.id if own and not as_new and self._persona else None
        avatar = self._avatar_png
        if avatar is None and target is None and self._persona is not None:
            avatar = self._library.avatar_png(self._persona.id)
        try:
            persona = self._library.save(self.card(), target, avatar)
        except PersonaError as exc:
            self._show_validation([str(exc)], [])
            return None
        self.saved.emit(persona.id)
        self.accept()
        return persona
