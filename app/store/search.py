"""Full-text search over messages, Chinese included.

The FTS5 index uses the trigram tokenizer, so any substring of three or more characters is found without a
word segmenter. Shorter words (most Chinese words are one or two characters) cannot be looked up in a trigram
index; they are matched with LIKE on the rows the longer words narrowed down, or on all rows when every word is
short.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.store.records import SearchHit

MARK_START = "«"
MARK_END = "»"
_CONTEXT_CHARS = 40


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet(content: str, terms: list[str]) -> str:
    """A window of ``content`` around the first match, every match wrapped in « »."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(content)
    start = max(0, (first.start() if first else 0) - _CONTEXT_CHARS)
    end = min(len(content), (first.end() if first else 0) + _CONTEXT_CHARS * 2)
    window = " ".join(content[start:end].split())
    marked = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", window)
    return ("…" if start > 0 else "") + marked + ("…" if end < len(content) else "")


def search_messages(session: Session, query: str, limit: int = 50) -> list[SearchHit]:
    """Messages containing every whitespace-separated word of ``query``, newest first."""
    terms = query.split()
    if not terms:
        return []
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    params: dict[str, object] = {"limit": limit}
    conditions = ["c.deleted_at IS NULL"]
    for i, term in enumerate(short_terms):
        conditions.append(f"m.content LIKE :like{i} ESCAPE '\\'")
        params[f"like{i}"] = _like_pattern(term)
    if long_terms:
        params["match"] = " ".join(_fts_phrase(t) for t in long_terms)
        source = "messages_fts JOIN messages m ON m.id = messages_fts.rowid"
        conditions.append("messages_fts MATCH :match")
        order = "messages_fts.rowid DESC"
    else:
        source = "messages m"
        order = "m.id DESC"
    sql = (
        "SELECT m.id, m.conversation_id, c.title, m.role, m.created_at, m.content "
        f"FROM {source} JOIN conversations c ON c.id = m.conversation_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT :limit"
    )
    rows = session.execute(text(sql), params).all()
    return [
        SearchHit(
            message_id=row[0],
            conversation_id=row[1],
            conversation_title=row[2],
            role=row[3],
            created_at=row[4] if isinstance(row[4], datetime) else datetime.fromisoformat(row[4]),
            snippet=snippet(row[5], terms),
        )
        for row in rows
    ]
