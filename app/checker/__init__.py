"""The reply checker: two explainable badges for every tutor reply, computed on the CPU in milliseconds.

Public API (the GUI and the store use only this)::

    from app.checker import check, check_partial, Verdict, Badge, Signal, CHECKER_VERSION

    verdict = check(persona, reply, question=learner_text, topic="cnn", history=earlier_messages)
    verdict.consistency.score    # 0..1, higher = more in character ("Persona" badge)
    verdict.consistency.label    # "ok" | "doubtful" | "off"
    verdict.consistency.reasons  # plain-language strings for the tooltip
    verdict.consistency.signals  # (name, value, contribution) for the detail panel
    verdict.accuracy             # the same for the "Accuracy" badge
    verdict.elapsed_ms, verdict.version  # store CHECKER_VERSION with the verdict; recompute when it changes
    verdict.to_json()            # the CLI's JSON ({"consistency", "accuracy", "elapsed_ms"})

``check_partial(persona, text_so_far, ...)`` is the streaming entry point: same arguments, skips the checks
that need the whole reply (catchphrase counts on one sentence, coverage, drift). Pass ``notes=`` (reference
text) instead of, or besides, ``topic=``; the packs the question is about are detected from ``question`` (or
the last user turn in ``history``), so a topic switch mid-chat is followed. ``ledger=`` (the conversation's
facts ledger rows, :mod:`app.facts_ledger`) flags a reply that contradicts one of them. ``topics_dir`` adds the
learner's own packs (``<data dir>/topics/*.md``). Everything is local and deterministic; no Qt, no network, no model.
"""

from app.checker.checker import CHECKER_VERSION, check, check_partial, resolve_topic
from app.checker.topic_pack import TopicPack, TopicPackError, load_packs, parse_markdown_pack
from app.checker.verdict import Badge, Signal, Verdict

__all__ = [
    "CHECKER_VERSION",
    "Badge",
    "Signal",
    "TopicPack",
    "TopicPackError",
    "Verdict",
    "check",
    "check_partial",
    "load_packs",
    "parse_markdown_pack",
    "resolve_topic",
]
