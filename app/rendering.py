"""Model output and card text to HTML, with raw HTML disabled so nothing a model writes becomes markup.

Fenced code is highlighted by Pygments with inline colours (Qt's rich text has no stylesheet classes for
it) and followed by a copy link; inline math (``$…$``) and display math (``$$…$$``) are shown as
code-styled text, as they read best without a TeX engine.
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

COPY_SCHEME = "copy"  # the copy link of the n-th code block of a text is "copy:n"
_STYLES = {False: "friendly", True: "monokai"}
_MATH_BODY = re.compile(r"[^$\n]+")


def _highlighter(dark: bool):  # type: ignore[no-untyped-def]
    formatter = HtmlFormatter(noclasses=True, nowrap=True, style=_STYLES[dark])

    def render(code: str, lang: str, _attrs: str) -> str:
        try:
            lexer = get_lexer_by_name(lang.strip().split()[0]) if lang.strip() else None
        except ClassNotFound:
            lexer = None
        if lexer is None:
            return ""  # markdown-it escapes the code itself
        return str(highlight(code, lexer, formatter))

    return render


def _math(state: StateInline, silent: bool) -> bool:
    """``$x^2$`` or ``$$x^2$$`` on one line: a math span (not ``$5 and $6``: no space inside the delimiters)."""
    start = state.pos
    if state.src[start] != "$":
        return False
    fence = "$$" if state.src.startswith("$$", start) else "$"
    body_start = start + len(fence)
    end = state.src.find(fence, body_start)
    if end <= body_start:
        return False
    body = state.src[body_start:end]
    if not _MATH_BODY.fullmatch(body) or body != body.strip():
        return False
    if fence == "$" and end + 1 < len(state.src) and state.src[end + 1].isdigit():
        return False  # "$5 and $6" is money, as in pandoc
    if not silent:
        token = state.push("math_inline", "code", 0)
        token.content = body
        token.markup = fence
    state.pos = end + len(fence)
    return True


@lru_cache(maxsize=2)
def _parser(dark: bool) -> MarkdownIt:
    # commonmark with html off: "<script>" and "<b>" in a reply are shown as text, never interpreted.
    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "highlight": _highlighter(dark)}
    ).enable("table")
    md.inline.ruler.before("escape", "math_inline", _math)
    md.add_render_rule("math_inline", _render_math)
    default_fence = md.renderer.rules["fence"]  # type: ignore[attr-defined]

    def fence(_self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
        env["code_blocks"] = env.get("code_blocks", 0) + 1
        copy = f'<p class="copy"><a href="{COPY_SCHEME}:{env["code_blocks"] - 1}">Copy code</a></p>'
        return str(default_fence(tokens, idx, options, env)) + copy

    md.add_render_rule("fence", fence)
    return md


def _render_math(self, tokens, idx, _options, _env) -> str:  # type: ignore[no-untyped-def]
    token = tokens[idx]
    cls = "math display" if token.markup == "$$" else "math"
    return f'<code class="{cls}">{html.escape(token.content)}</code>'


def markdown_to_html(text: str, dark: bool = False) -> str:
    """Render Markdown to an HTML fragment; raw HTML in ``text`` is escaped."""
    return _parser(dark).render(text, {})


_warm_up: threading.Thread | None = None


def warm_up_in_background() -> None:
    """Compile the highlighter's patterns (a tenth of a second of regular expressions) on a thread, once, so
    neither opening the window nor the first code block of a reply waits for them."""
    global _warm_up
    if _warm_up is None:
        _warm_up = threading.Thread(
            target=markdown_to_html, args=("```python\npass\n```",), name="highlighter-warm-up", daemon=True
        )
        _warm_up.start()


def code_blocks(text: str) -> list[str]:
    """The fenced code blocks of ``text``, in order (what the copy links copy)."""
    tokens = _parser(False).parse(text)
    return [t.content for t in tokens if t.type == "fence"]
