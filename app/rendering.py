"""Model output and card text to HTML, with raw HTML disabled so nothing a model writes becomes markup."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # commonmark with html off: "<script>" and "<b>" in a reply are shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def markdown_to_html(text: str) -> str:
    """Render Markdown to an HTML fragment; raw HTML in ``text`` is escaped."""
    return _parser().render(text)
