"""The sidebar's filter in SQL: which conversations a text is found in, so a page of matches is read, not all rows.

A conversation matches when the text is in its title, its topic or its persona's name (case folded as Python
does, through the ``casefold`` function the store registers on each connection). Persona names live in the card
files, not the database, so the caller says which persona ids match; likewise whether the name an untitled
conversation is shown with ("New conversation", in the interface language) matches.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SummaryFilter:
    """``text`` (already case folded) to find; ``persona_ids`` whose names contain it; ``untitled``: the name shown
    for a conversation without a title contains it."""

    text: str
    persona_ids: tuple[str, ...] = ()
    untitled: bool = False


def _caseless(text: str) -> bool:
    return text == text.upper() == text.casefold()


def summary_conditions(include_archived: bool, matching: SummaryFilter | None) -> tuple[str, dict[str, object]]:
    """The WHERE clause (and its parameters) of a page of conversation summaries."""
    conditions = ["deleted_at IS NULL"]
    params: dict[str, object] = {}
    if not include_archived:
        conditions.append("archived = 0")
    if matching is not None and matching.text:
        params["needle"] = matching.text
        fold = "" if _caseless(matching.text) else "casefold"  # Chinese and digits: no Python call per row
        found = [f"instr({fold}(title), :needle) > 0", f"instr({fold}(topic), :needle) > 0"]
        if matching.untitled:
            found.append("title = ''")
        if matching.persona_ids:
            names = [f":persona{n}" for n in range(len(matching.persona_ids))]
            params.update({f"persona{n}": pid for n, pid in enumerate(matching.persona_ids)})
            found.append(f"persona_id IN ({', '.join(names)})")
        conditions.append(f"({' OR '.join(found)})")
    return " AND ".join(conditions), params
