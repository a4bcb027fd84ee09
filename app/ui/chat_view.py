"""The conversation as rendered Markdown; the streaming reply is re-rendered in place, at most every 40 ms."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QContextMenuEvent,
    QDesktopServices,
    QImage,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.rendering import COPY_SCHEME, markdown_to_html, warm_up_in_background
from app.ui.avatars import accent_color, avatar_image
from app.ui.checker_reasons import reason_texts
from app.ui.event_turns import next_turn
from app.ui.language import QT_TRANSLATE_NOOP

RENDER_INTERVAL_MS = 40

_STYLE = """
p { margin-top: 2px; margin-bottom: 6px; }
pre { background: %(code_bg)s; padding: 6px; }
code { background: %(code_bg)s; }
code.math { font-family: serif; font-style: italic; }
.who { font-weight: 600; margin-top: 8px; }
.note { color: %(note)s; font-style: italic; }
.actions { color: %(muted)s; font-size: small; }
.copy { font-size: small; margin-top: 0px; }
.badges { font-size: small; }
table { border-collapse: collapse; margin-bottom: 6px; }
th, td { border: 1px solid %(rule)s; padding: 3px 8px; }
th { background: %(code_bg)s; }
.reason { color: %(muted)s; }
a { color: %(link)s; text-decoration: none; }
.error { color: %(error)s; }
"""
_THEMES = {
    False: {
        "code_bg": "#f4f1ec",
        "note": "#8a6d3b",
        "muted": "#666666",
        "link": "#3f5f8a",
        "error": "#a12622",
        "rule": "#c8c2b8",
    },
    True: {
        "code_bg": "#2b2b2b",
        "note": "#d9b66f",
        "muted": "#a8a8a8",
        "link": "#8fb4e6",
        "error": "#ff8a80",
        "rule": "#555555",
    },
}


def style_sheet(dark: bool) -> str:
    return _STYLE % _THEMES[dark]


_COPY_LINK = re.compile(rf'href="{COPY_SCHEME}:(\d+)"')
USER_AVATAR = "__user__"
AVATAR_PX = 26


@dataclass(frozen=True)
class Bubble:
    """One message as the view shows it; ``persona_id`` picks the avatar and accent colour."""

    role: str
    speaker: str
    content: str
    status: str = "complete"
    persona_id: str = ""
    message_id: int = 0
    version: tuple[int, int] = (1, 1)  # which of how many alternatives (regenerations, edits)
    actions: tuple[str, ...] = ()  # "regenerate", "continue", "edit": offered as links under the message
    verdict: dict[str, Any] | None = None  # the reply checker's badges (Verdict.to_json())
    thumbs: int | None = None  # the learner's thumbs up (1) or down (-1), shown highlighted
    feedback_note: str = ""  # what else the learner said about it ("flagged: boring")

    def with_text(self, content: str) -> Bubble:
        return replace(self, content=content)


_ACTION_LABELS = {
    "regenerate": QT_TRANSLATE_NOOP("ChatView", "↻ Regenerate"),
    "continue": QT_TRANSLATE_NOOP("ChatView", "→ Continue"),
    "edit": QT_TRANSLATE_NOOP("ChatView", "Edit"),
    "up": QT_TRANSLATE_NOOP("ChatView", "▲ Good"),  # not 👍/👎: many desktops have no emoji font (empty boxes)
    "down": QT_TRANSLATE_NOOP("ChatView", "▼ Bad"),
    "flag": QT_TRANSLATE_NOOP("ChatView", "⚑ Flag"),
    "prompt": QT_TRANSLATE_NOOP("ChatView", "Prompt"),  # the prompt inspector (app.ui.prompt_inspector)
}
_THUMB_ACTIONS = {"up": 1, "down": -1}


def _action_link(action: str, bubble: Bubble) -> str:
    label = QCoreApplication.translate("ChatView", _ACTION_LABELS[action])
    if _THUMB_ACTIONS.get(action, 0) == bubble.thumbs:
        label = f"<b><u>{label}</u></b>"  # no colour of its own, so it reads in light and dark themes
    return f'<a href="action:{action}/{bubble.message_id}">{label}</a>'


def _actions_html(bubble: Bubble) -> str:
    links = []
    index, count = bubble.version
    if count > 1:
        links.append(
            f'<a href="action:prev/{bubble.message_id}">‹</a> {index}/{count} '
            f'<a href="action:next/{bubble.message_id}">›</a>'
        )
    links += [_action_link(a, bubble) for a in bubble.actions]
    if bubble.feedback_note:
        links.append(f'<span class="reason">{html.escape(bubble.feedback_note)}</span>')
    return f'<p class="actions">{" &nbsp; ".join(links)}</p>' if links else ""


BADGE_LOOK = {
    "ok": ("✔", QT_TRANSLATE_NOOP("ChatView", "on track"), "#2e7d4f"),
    "doubtful": ("?", QT_TRANSLATE_NOOP("ChatView", "doubtful"), "#9a6b00"),
    "off": ("✘", QT_TRANSLATE_NOOP("ChatView", "off"), "#b3261e"),
}
BADGE_COLOURS_DARK = {"#2e7d4f": "#7fd39b", "#9a6b00": "#f0c05a", "#b3261e": "#ff8a80", "#777777": "#aaaaaa"}


def badges_html(verdict: dict[str, Any], message_id: int, dark: bool = False) -> str:
    """The Persona and Accuracy badges: icon, word and colour (never colour alone), and the main reasons."""
    parts = []
    reasons = []
    titles = (
        ("consistency", QCoreApplication.translate("ChatView", "Persona")),
        ("accuracy", QCoreApplication.translate("ChatView", "Accuracy")),
    )
    for key, title in titles:
        badge = verdict.get(key) or {}
        icon, word, colour = BADGE_LOOK.get(
            str(badge.get("label")), ("·", QT_TRANSLATE_NOOP("ChatView", "unknown"), "#777777")
        )
        word = QCoreApplication.translate("ChatView", word)
        graded = badge.get("source") == "quiz"  # a quiz's grading reply: accuracy is the answer key's grade
        if graded:
            word = QCoreApplication.translate("ChatView", "graded by the answer key")
        colour = BADGE_COLOURS_DARK[colour] if dark else colour
        parts.append(
            f'<a href="action:badge/{message_id}"><span style="color:{colour}">{icon} {title}: {word}</span></a>'
        )
        if graded:
            reasons += [f"{title}: {r}" for r in reason_texts(list(badge.get("reasons", []))[:1])]
        elif badge.get("label") != "ok":
            reasons += [f"{title}: {r}" for r in reason_texts(list(badge.get("reasons", []))[:2])]
    reason_html = "".join(f"<br/>{html.escape(r)}" for r in reasons)
    return f'<p class="badges">{" &nbsp;·&nbsp; ".join(parts)}<span class="reason">{reason_html}</span></p>'


def bubble_html(bubble: Bubble, dark: bool = False) -> str:
    head, body, foot = bubble_parts(bubble, dark)
    return head + body + foot


def bubble_parts(bubble: Bubble, dark: bool = False, body_text: str | None = None) -> tuple[str, str, str]:
    """A message as HTML in three parts: who wrote it, the Markdown body (of ``body_text`` when given), and
    what follows (status note, badges, action links, rule)."""
    cls = "user" if bubble.role == "user" else "assistant"
    key = USER_AVATAR if bubble.role == "user" else bubble.persona_id
    colour = ("#8fb4e6" if dark else "#1f5fa8") if bubble.role == "user" else accent_color(bubble.persona_id).name()
    size = f'width="{AVATAR_PX}" height="{AVATAR_PX}"'
    avatar = f'<img src="avatar:{html.escape(key)}" {size} style="vertical-align: middle"> ' if key else ""
    text = bubble.content if body_text is None else body_text
    body = markdown_to_html(text, dark) if text else ""
    if bubble.message_id:  # each code block's copy link names its message: "action:copy-<n>/<message id>"
        body = _COPY_LINK.sub(lambda m: f'href="action:copy-{m.group(1)}/{bubble.message_id}"', body)
    note = ""
    if bubble.status == "interrupted":
        stopped = QCoreApplication.translate("ChatView", "Stopped")
        note = f'<p class="note">■ {stopped}</p>'
    elif bubble.status == "error":
        failed = QCoreApplication.translate("ChatView", "This reply failed.")
        note = f'<p class="error">⚠ {failed}</p>'
    elif bubble.status == "streaming" and not bubble.content:
        note = '<p class="note">…</p>'
    anchor = f'<a name="m{bubble.message_id}"></a>' if bubble.message_id else ""
    who = f'<p class="who {cls}">{anchor}{avatar}<span style="color:{colour}">{html.escape(bubble.speaker)}</span></p>'
    badges = badges_html(bubble.verdict, bubble.message_id, dark) if bubble.verdict and bubble.content else ""
    return who, body, f"{note}{badges}{_actions_html(bubble)}<hr/>"


_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def stable_prefix(text: str) -> int:
    """How much of a growing Markdown text is complete blocks (up to a blank line outside code fences):
    that part renders the same whatever comes next, so a streaming view lays it out once."""
    end = text.rfind("\n\n")
    while end > 0:
        if len(_FENCE.findall(text, 0, end)) % 2 == 0:
            return end + 2
        end = text.rfind("\n\n", 0, end)
    return 0


FIRST_BUBBLES = 12  # laid out at once: a screenful (laying out 30 took most of a long conversation's open)
CHUNK_BUBBLES = 12  # the rest of a long page follows a chunk per event-loop turn, keeping the window responsive
LONG_MESSAGE_CHARS = 10_000  # a longer message shows this much and a "Show all" link (the store keeps all of it)
PIECE_CHARS = 4_000  # "Show all" lays out the rest a piece this long per event-loop turn


def display_pieces(text: str, size: int = LONG_MESSAGE_CHARS) -> list[str]:
    """``text`` in pieces of at most about ``size`` characters, each laid out on its own. Cuts fall after
    complete Markdown blocks where there are any (so the pieces render as the whole would), else after a line,
    else anywhere (one huge paragraph)."""
    pieces = []
    while len(text) > size:
        cut = stable_prefix(text[:size]) or text.rfind("\n", 0, size) + 1 or size
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text] if text or not pieces else pieces


class ChatView(QTextBrowser):
    """Finished messages are appended once. Of the streaming reply, complete Markdown blocks are laid out
    once as they close; only the open block and the badges under it are replaced as tokens arrive, so a
    long reply costs the same per update at its end as at its start."""

    action_requested = Signal(str, int)  # "regenerate" | "continue" | "edit" | "prev" | "next" | "up" | …, id
    rendering_finished = Signal()  # every bubble handed to show_bubbles / prepend_bubbles is laid out

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self._names: dict[str, str] = {}
        # called with the streaming text; returns provisional badges (the checker's streaming entry point)
        self.stream_annotator: Callable[[str], dict[str, Any] | None] | None = None
        self.dark = False
        self.document().setDefaultStyleSheet(style_sheet(False))
        warm_up_in_background()  # the highlighter loads now, not in the middle of a reply
        self._stream_start: int | None = None
        self._stream_laid_out = 0
        self._streaming: Bubble | None = None
        self._turn_start: int | None = None  # where the bubbles of the turn under way begin (see mark_turn)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._render_stream)
        # a long page goes in a chunk per event-loop turn: the bubbles still to go above and below those shown
        self._above: list[Bubble] = []
        self._below: list[Bubble] = []
        self._footer = ""  # "Show later", added once nothing is left below
        self._top = 0  # where the first message begins (after the "Show earlier" link)
        self._long: dict[int, list[str]] = {}  # message id -> the pieces of a long message not shown yet
        self._unsent = 0  # a long message not stored yet (the question just sent) goes by -1, -2, … instead
        self._long_shown: dict[int, str] = {}  # message id -> the piece of a long message shown first
        self._generation = 0  # counts show_bubbles calls: a piece of a long message is for the page it was on
        self._chunks = QTimer(self)
        self._chunks.setSingleShot(True)
        self._chunks.setInterval(0)
        self._chunks.timeout.connect(self._render_chunk)

    def loadResource(self, kind: int, url: QUrl) -> Any:
        """Only our own avatars load: a reply or card can never make the app fetch a remote image."""
        if kind == QTextDocument.ResourceType.ImageResource.value and url.scheme() == "avatar":
            key = url.path()
            if key == USER_AVATAR:
                return avatar_image(USER_AVATAR, self.tr("You"), AVATAR_PX * 2)
            return avatar_image(key, self._names.get(key, key), AVATAR_PX * 2)
        return QImage()

    @Slot(QUrl)
    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == "action":
            name, _, message_id = url.path().partition("/")
            if name == "showall" and message_id.removeprefix("-").isdigit():
                self._show_all(int(message_id))
            elif message_id.isdigit():
                self.action_requested.emit(name, int(message_id))
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def set_dark(self, dark: bool) -> None:
        """Colours for a dark or light window; the caller shows the messages again."""
        self.dark = dark
        self.document().setDefaultStyleSheet(style_sheet(dark))

    def set_persona_names(self, names: dict[str, str]) -> None:
        self._names = dict(names)

    def add_persona_names(self, names: dict[str, str]) -> None:
        """Names of more personas (the picker reads them a batch at a time)."""
        self._names.update(names)

    def show_bubbles(self, bubbles: list[Bubble], earlier: int = 0, later: int = 0, anchor: int | None = None) -> None:
        """Show ``bubbles``; ``earlier`` messages before them and ``later`` ones after them are left out behind
        "Show earlier" and "Show later" links. The view opens at the end, or at message ``anchor``: the bubbles
        there are laid out at once, the rest of a long page a chunk per event-loop turn around them."""
        self._timer.stop()
        self._chunks.stop()
        self._streaming = None
        self._stream_start = self._turn_start = None
        self._long, self._long_shown = {}, {}
        self._generation += 1
        ids = [b.message_id for b in bubbles]
        if anchor in ids:
            first = max(0, ids.index(anchor) - 3)
            last = min(len(bubbles), first + FIRST_BUBBLES)
        else:
            first, last = max(0, len(bubbles) - FIRST_BUBBLES), len(bubbles)
        self._above, self._below = bubbles[:first], bubbles[last:]
        self._footer = self._later_html(later)
        header = self._earlier_html(earlier)
        shown = "".join(self._bubble_html(b) for b in bubbles[first:last])
        self.setHtml(header + shown + ("" if self._below else self._footer))
        self._top = self.document().findBlockByNumber(2).position() if header else 0  # a link and a rule
        if anchor in ids:
            self.scroll_to_message(anchor)
        else:
            self._scroll_to_end()
        self._continue_rendering()

    def prepend_bubbles(self, bubbles: list[Bubble], earlier: int = 0) -> None:
        """Put ``bubbles`` (the page before those shown) above them, a chunk per event-loop turn, keeping what
        the learner looks at in place; ``earlier`` messages are still left out before them."""
        self._above = bubbles + self._above
        self._replace_header(self._earlier_html(earlier))
        self._continue_rendering()

    @property
    def rendering(self) -> bool:
        """Whether bubbles are still waiting to be laid out."""
        return bool(self._above or self._below)

    def finish_rendering(self) -> None:
        """Lay out whatever is still waiting, now (before the view changes in other ways)."""
        while self.rendering:
            self._render_chunk()

    def _finish_below(self) -> None:
        """What goes at the end must follow the bubbles still waiting to go there."""
        while self._below:
            self._render_chunk()

    def _earlier_html(self, earlier: int) -> str:
        if not earlier:
            return ""
        label = self.tr("↑ Show earlier messages ({count} more)").format(count=earlier)
        return f'<p class="actions"><a href="action:earlier/0">{label}</a></p><hr/>'

    def _later_html(self, later: int) -> str:
        if not later:
            return ""
        label = self.tr("↓ Show later messages ({count} more)").format(count=later)
        return f'<p class="actions"><a href="action:later/0">{label}</a></p>'

    def _bubble_html(self, bubble: Bubble) -> str:
        """A bubble's HTML; of a very long message only the first piece, with a "Show all" link (laying out all
        of a pasted book at once would freeze the window for seconds)."""
        if len(bubble.content) <= LONG_MESSAGE_CHARS:
            return bubble_html(bubble, self.dark)
        key = bubble.message_id
        if not key:
            self._unsent -= 1
            key = self._unsent
        first = display_pieces(bubble.content)[0]
        self._long[key] = display_pieces(bubble.content[len(first) :], PIECE_CHARS)
        self._long_shown[key] = first
        head, body, foot = bubble_parts(bubble, self.dark, first)
        label = self.tr("Show all ({count} characters)").format(count=f"{len(bubble.content):,}")
        more = f'<p class="actions"><a href="action:showall/{key}">{label}</a></p>'
        return head + body + more + foot

    def _continue_rendering(self) -> None:
        if self.rendering:
            self._chunks.start()
        else:
            self.rendering_finished.emit()

    @Slot()
    def _render_chunk(self) -> None:
        """Lay out the next chunk: below the shown bubbles first (nothing on screen moves), then above them,
        moving the scroll position by what was added so the view stays on the same message."""
        if self._below:
            chunk, self._below = self._below[:CHUNK_BUBBLES], self._below[CHUNK_BUBBLES:]
            tail = "" if self._below else self._footer
            self._append("".join(self._bubble_html(b) for b in chunk) + tail)
        elif self._above:
            chunk, self._above = self._above[-CHUNK_BUBBLES:], self._above[:-CHUNK_BUBBLES]
            self._keeping_view(lambda: self._insert_at(self._top, "".join(self._bubble_html(b) for b in chunk)))
        self._continue_rendering()

    def _keeping_view(self, change: Callable[[], object]) -> None:
        """Make ``change`` above what is shown and scroll by the height it added (a streaming reply below it
        moves by the characters it added)."""
        bar = self.verticalScrollBar()
        value, maximum = bar.value(), bar.maximum()
        length = self.document().characterCount()
        change()
        added = self.document().characterCount() - length
        if self._stream_start is not None:
            self._stream_start += added
        if self._turn_start is not None:
            self._turn_start += added
        bar.setValue(value + bar.maximum() - maximum)

    def _fragment(self, fragment: str) -> tuple[QTextDocumentFragment, QTextBlockFormat | None]:
        """``fragment`` parsed as this view would, and its first block's format: inserted HTML merges its first
        block into the block at the cursor, which keeps its own format unless given this one. None: it opens with
        a list or a table, which never merge (they start blocks of their own after the cursor's block)."""
        document = QTextDocument()
        document.setDefaultStyleSheet(self.document().defaultStyleSheet())
        document.setHtml(fragment)
        first = document.begin()
        apart = first.textList() is not None or QTextCursor(first).currentTable() is not None
        return QTextDocumentFragment(document), None if apart else first.blockFormat()

    def _insert_at(self, position: int, fragment: str) -> int:
        """Insert HTML as blocks of its own before the block at ``position``; returns where it ends."""
        parsed, first_format = self._fragment(fragment)
        cursor = QTextCursor(self.document())
        if first_format is None and position > 0:
            cursor.setPosition(position - 1)  # the end of the block before, which a list or table stays out of
            cursor.insertFragment(parsed)
            return cursor.position()
        cursor.setPosition(position)
        cursor.insertBlock()  # the fragment's last block must not merge into the block that follows it
        cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
        if first_format is not None:
            cursor.setBlockFormat(first_format)
        cursor.insertFragment(parsed)
        return cursor.position()

    def _append(self, fragment: str) -> int:
        """Insert HTML at the end as blocks of its own (its first block must not merge into the closing rule);
        returns where it ends."""
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self._add_blocks(cursor, fragment)
        return cursor.position()

    def _add_blocks(self, cursor: QTextCursor, fragment: str) -> None:
        """Insert HTML after the block ``cursor`` is at the end of, as blocks of their own (the first taking the
        fragment's first block's look); in an empty view, in its one empty block."""
        parsed, first_format = self._fragment(fragment)
        if first_format is not None and self.document().isEmpty():
            cursor.setBlockFormat(first_format)
        elif first_format is not None:
            cursor.insertBlock(first_format, QTextCharFormat())
        cursor.insertFragment(parsed)

    def _replace_header(self, header: str) -> None:
        def replace_it() -> None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._top, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            self._top = self._insert_at(0, header) + 1 if header else 0

        self._keeping_view(replace_it)

    def _show_all(self, message_id: int) -> None:
        """The rest of a long message, in place of its "Show all" link: a piece per event-loop turn."""
        pieces = self._long.pop(message_id, None)
        link = self._find_block(f"action:showall/{message_id}")
        if pieces is None or link is None:
            return
        cursor = QTextCursor(link)
        cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
        cursor.removeSelectedText()
        shown = self._long_shown.pop(message_id, "")
        self._insert_piece(cursor.position() + 1, message_id, len(_FENCE.findall(shown)) // 2, pieces)

    def _insert_piece(self, position: int, message_id: int, code_blocks: int, pieces: list[str]) -> None:
        body = markdown_to_html(pieces[0], self.dark)
        body = _COPY_LINK.sub(lambda m: f'href="action:copy-{int(m.group(1)) + code_blocks}/{message_id}"', body)
        end = self._insert_at(position, body)
        code_blocks += len(_FENCE.findall(pieces[0])) // 2
        generation = self._generation

        def next_piece() -> None:
            if generation == self._generation:  # still the page the link was on
                self._insert_piece(end + 1, message_id, code_blocks, pieces[1:])

        if pieces[1:]:
            next_turn(self, next_piece)

    def _find_block(self, href: str) -> Any:
        """The block holding a link to ``href``, or None."""
        block = self.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                if fragments.fragment().charFormat().anchorHref() == href:
                    return block
                fragments += 1
            block = block.next()
        return None

    def scroll_to_message(self, message_id: int) -> None:
        self.scrollToAnchor(f"m{message_id}")

    def message_at(self, position: QPoint) -> int | None:
        """The id of the message shown at ``position`` (viewport coordinates): the nearest anchor above it."""
        block = self.cursorForPosition(position).block()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                for name in fragments.fragment().charFormat().anchorNames():
                    if name.startswith("m") and name[1:].isdigit():
                        return int(name[1:])
                fragments += 1
            block = block.previous()
        return None

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        message_id = self.message_at(event.pos())
        if message_id is not None and self._streaming is None:
            menu.addSeparator()
            delete = menu.addAction(self.tr("Delete message…"))
            delete.triggered.connect(lambda: self.action_requested.emit("delete", message_id))
            prompt = menu.addAction(self.tr("Show prompt…"))
            prompt.triggered.connect(lambda: self.action_requested.emit("prompt", message_id))
        menu.exec(event.globalPos())

    def mark_turn(self) -> None:
        """What is shown now stays as the turn goes on: only what comes after it (the question, the reply) is
        shown anew when the turn ends (:meth:`finish_turn`)."""
        self._finish_below()
        self._turn_start = self.document().characterCount() - 1

    @property
    def turn_marked(self) -> bool:
        """Whether the page shown when the turn began is still shown (:meth:`finish_turn` can be used)."""
        return self._turn_start is not None

    def finish_turn(self, bubbles: list[Bubble]) -> None:
        """The turn is over: ``bubbles`` (the question and reply as stored) replace what was shown after
        :meth:`mark_turn`; the page above them is not laid out again."""
        if self._turn_start is None:
            raise RuntimeError("finish_turn without mark_turn")
        self._timer.stop()
        at_end = self._at_end()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._turn_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._streaming = None
        self._stream_start = self._turn_start = None
        self._append("".join(self._bubble_html(b) for b in bubbles))
        if at_end:
            self._scroll_to_end()

    def append_bubble(self, bubble: Bubble) -> None:
        """Add a message at the end; a very long one (a pasted book) shows its first part and "Show all"."""
        self._finish_below()
        at_end = self._at_end()
        self._append(self._bubble_html(bubble))
        if at_end:
            self._scroll_to_end()

    def begin_stream(self, speaker: str, persona_id: str = "", text: str = "") -> None:
        self._finish_below()
        self._streaming = Bubble("assistant", speaker, text, "streaming", persona_id)
        self._stream_start = self._append(bubble_parts(self._streaming, self.dark, "")[0])  # the speaker's line
        self._stream_laid_out = 0  # how many characters of the reply are laid out for good
        self._render_stream()

    @Slot(str)
    def append_stream_text(self, text: str) -> None:
        if self._streaming is None:
            return
        b = self._streaming
        self._streaming = b.with_text(b.content + text)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def refresh_stream(self) -> None:
        """Redraw the open part of the streaming reply soon (its badges changed)."""
        if self._streaming is not None and not self._timer.isActive():
            self._timer.start()

    def streaming_text(self) -> str:
        return self._streaming.content if self._streaming else ""

    def _render_stream(self) -> None:
        if self._streaming is None or self._stream_start is None:
            return
        at_end = self._at_end()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._stream_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        streaming = self._streaming
        text = streaming.content
        stable = stable_prefix(text)
        if stable > self._stream_laid_out:
            self._add_blocks(cursor, markdown_to_html(text[self._stream_laid_out : stable], self.dark))
            self._stream_laid_out = stable
            self._stream_start = cursor.position()
        if self.stream_annotator is not None and text:
            streaming = replace(streaming, verdict=self.stream_annotator(text))
        _head, body, foot = bubble_parts(streaming, self.dark, text[self._stream_laid_out :])
        self._add_blocks(cursor, body + foot)
        if at_end:
            self._scroll_to_end()

    def _at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
