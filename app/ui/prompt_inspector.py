"""The prompt inspector: what the model saw for one reply, part by part, with the tokens each part cost.

Reads the record :class:`app.chat.ChatService` keeps for every reply (``Store.prompt_record``; the same data as
``persona-tutor conversations show ID --message MID --prompt --json``): the parts as a list with token counts
and a bar, the selected part's text, the rendered chat template in a monospace view, the tokens reused from
the KV cache, the sampler settings and the model.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFontDatabase, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store import Message, PromptRecord, RecordedPart, Store
from app.ui.language import QT_TRANSLATE_NOOP

PROMPT_ACTION = "prompt"  # the link under a reply and the chat's context-menu action, never translated
SHARE_ROLE = Qt.ItemDataRole.UserRole + 1  # a part's share of the prompt, 0..1, for the bar
_KIND_LABELS = {
    "system_prompt": QT_TRANSLATE_NOOP("PromptInspector", "System prompt"),
    "description": QT_TRANSLATE_NOOP("PromptInspector", "Character"),
    "personality": QT_TRANSLATE_NOOP("PromptInspector", "Personality"),
    "scenario": QT_TRANSLATE_NOOP("PromptInspector", "Scenario"),
    "teaching_approach": QT_TRANSLATE_NOOP("PromptInspector", "Teaching approach"),
    "topic": QT_TRANSLATE_NOOP("PromptInspector", "Topic"),
    "goal": QT_TRANSLATE_NOOP("PromptInspector", "Learning goal"),
    "level": QT_TRANSLATE_NOOP("PromptInspector", "Level"),
    "ledger": QT_TRANSLATE_NOOP("PromptInspector", "Facts ledger"),
    "examples": QT_TRANSLATE_NOOP("PromptInspector", "Example dialogue"),
    "memory": QT_TRANSLATE_NOOP("PromptInspector", "Learner memory"),
    "summary": QT_TRANSLATE_NOOP("PromptInspector", "Summary of dropped turns"),
    "user": QT_TRANSLATE_NOOP("PromptInspector", "Learner"),
    "assistant": QT_TRANSLATE_NOOP("PromptInspector", "Tutor"),
    "system": QT_TRANSLATE_NOOP("PromptInspector", "System message"),
    "post_history": QT_TRANSLATE_NOOP("PromptInspector", "Post-history instructions"),
    "template": QT_TRANSLATE_NOOP("PromptInspector", "Chat template markup"),
    "continued": QT_TRANSLATE_NOOP("PromptInspector", "Reply so far (continued)"),
}
_LORE_PREFIX = "Lorebook: "
_TURN_KINDS = ("user", "assistant", "continued")


def part_label(part: RecordedPart) -> str:
    """A part's name in the interface language; kinds this version does not know keep the core's label."""
    if part.kind == "lore" and part.label.startswith(_LORE_PREFIX):
        name = part.label[len(_LORE_PREFIX) :]
        return QCoreApplication.translate("PromptInspector", "Lorebook: {name}").format(name=name)
    if part.kind == "lore":
        return QCoreApplication.translate("PromptInspector", "Lorebook entry")
    known = _KIND_LABELS.get(part.kind)
    return QCoreApplication.translate("PromptInspector", known) if known else part.label


class ShareBar(QStyledItemDelegate):
    """Draws a part's share of the prompt as a bar behind its percentage."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        share = float(index.data(SHARE_ROLE) or 0.0)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect: QRect = option.rect
        inner = rect.adjusted(2, 3, -2, -3)
        bar = QRect(inner.left(), inner.top(), max(1, int(inner.width() * share)), inner.height())
        colour = option.palette.link().color()
        colour.setAlpha(110)
        painter.fillRect(bar, colour)
        painter.setPen(option.palette.text().color())
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(rect.adjusted(0, 0, -4, 0), align, f"{share * 100:.1f}%")
        painter.restore()


class PromptInspector(QDialog):
    """One reply's prompt record; explains plainly when the reply has none (older replies, the learner's)."""

    def __init__(self, message: Message, record: PromptRecord | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prompt of reply {id}").format(id=message.id))
        self.setAccessibleName(self.tr("Prompt inspector"))
        self.resize(980, 640)
        self.record = record
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.parts = QTreeWidget()
        self.part_text = QPlainTextEdit()
        self.template = QPlainTextEdit()
        self.tabs = QTabWidget()
        if record is None:
            self.summary.setText(_no_record_text(message))
        else:
            self.summary.setText(self._summary_html(record))
            layout.addWidget(self._body(record), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _body(self, record: PromptRecord) -> QSplitter:
        self.parts.setHeaderLabels([self.tr("Part"), self.tr("Tokens"), self.tr("Share")])
        self.parts.setAccessibleName(self.tr("Prompt parts"))
        self.parts.setRootIsDecorated(False)
        self.parts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.parts.setItemDelegateForColumn(2, ShareBar(self.parts))
        total = max(sum(p.tokens for p in record.parts), 1)
        for part in record.parts:
            self.parts.addTopLevelItem(self._item(part, total))
        header = self.parts.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(2, 150)
        header.setStretchLastSection(False)
        self.parts.currentItemChanged.connect(self._show_part)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for view, name in ((self.part_text, self.tr("Part text")), (self.template, self.tr("Rendered template"))):
            view.setReadOnly(True)
            view.setAccessibleName(name)
            view.setFont(mono)
        self.template.setPlainText(record.template or self.tr("The server rendered the chat template itself."))
        self.tabs.addTab(self.part_text, self.tr("Part text"))
        self.tabs.addTab(self.template, self.tr("Rendered template"))
        splitter = QSplitter()
        splitter.addWidget(self.parts)
        splitter.addWidget(self.tabs)
        splitter.setSizes([430, 550])
        first = self.parts.topLevelItem(0)
        if first is not None:
            self.parts.setCurrentItem(first)
        return splitter

    def _item(self, part: RecordedPart, total: int) -> QTreeWidgetItem:
        tokens = f"~{part.tokens}" if part.estimated else str(part.tokens)
        item = QTreeWidgetItem([part_label(part) + _snippet(part), tokens, ""])
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setData(2, SHARE_ROLE, part.tokens / total)
        where = self.tr("message {n}").format(n=part.message) if part.message >= 0 else ""
        item.setToolTip(0, f"{part.kind} {part.role} {where}".strip())
        return item

    def _show_part(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        if current is None or self.record is None:
            return
        part = self.record.parts[self.parts.indexOfTopLevelItem(current)]
        self.part_text.setPlainText(part.text)
        self.tabs.setCurrentWidget(self.part_text)

    def _summary_html(self, record: PromptRecord) -> str:
        model = self.tr("<b>Model:</b> {model} ({source}, {backend}, context {context} tokens)").format(
            model=html.escape(record.model),
            source=html.escape(record.model_source),
            backend=record.backend,
            context=record.context_size,
        )
        tokens = self.tr("<b>Prompt:</b> {total} tokens: {reused} reused from the cache, {evaluated} evaluated").format(
            total=record.prompt_tokens, reused=record.cached_prompt_tokens, evaluated=record.evaluated_tokens
        )
        settings = ", ".join(f"{key} {'—' if value is None else value}" for key, value in record.sampler.items())
        sampler = html.escape(settings)  # the parameter names are ids, as in the sampling panel
        lines = [model, tokens, self.tr("<b>Sampler:</b> {settings}").format(settings=sampler)]
        if record.estimated:
            lines.append(self.tr("Counts marked ~ are estimates, not the model's own tokenizer's."))
        return "<br/>".join(lines)


def _snippet(part: RecordedPart, limit: int = 24) -> str:
    """The start of a turn's text, so the turns of a long conversation can be told apart in the list."""
    if part.kind not in _TURN_KINDS:
        return ""
    flat = " ".join(part.text.split())
    return " · " + (flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _no_record_text(message: Message) -> str:
    if message.role != "assistant":
        return QCoreApplication.translate("PromptInspector", "Only the tutor's replies have a prompt.")
    return QCoreApplication.translate(
        "PromptInspector",
        "No prompt was kept for this reply: it was written before Persona Tutor recorded prompts, imported, "
        "or it failed before the model read anything.",
    )


def open_prompt_inspector(parent: QWidget, store: Store, message_id: int) -> PromptInspector:
    """Show the prompt inspector for reply ``message_id`` (non-modal)."""
    dialog = PromptInspector(store.message(message_id), store.prompt_record(message_id), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
