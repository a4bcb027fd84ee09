"""What the checker returns: two badges, each with a score, a label, plain-language reasons and its signals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from app.checker.reasons import Reason

Label = Literal["ok", "doubtful", "off"]


@dataclass(frozen=True)
class Signal:
    """One piece of evidence: its measured ``value`` and how much it moved the badge's log-odds."""

    name: str
    value: float
    contribution: float

    def to_json(self) -> list[Any]:
        return [self.name, round(self.value, 4), round(self.contribution, 4)]


@dataclass(frozen=True)
class Badge:
    """One badge: ``score`` in 0..1 (higher is better), its label, reasons for a person (English text with a code
    for translation, :mod:`app.checker.reasons`), signals for a panel."""

    score: float
    label: Label
    reasons: tuple[Reason, ...] = ()
    signals: tuple[Signal, ...] = ()

    def to_json(self, *, with_signals: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"score": round(self.score, 4), "label": self.label, "reasons": list(self.reasons)}
        if with_signals:
            out["signals"] = [s.to_json() for s in self.signals]
        return out


@dataclass(frozen=True)
class Verdict:
    """The checker's judgement of one reply (``version`` is :data:`app.checker.CHECKER_VERSION`)."""

    consistency: Badge
    accuracy: Badge
    elapsed_ms: float
    version: str
    topics: tuple[str, ...] = field(default=())

    def to_json(self, *, with_signals: bool = False) -> dict[str, Any]:
        return {
            "consistency": self.consistency.to_json(with_signals=with_signals),
            "accuracy": self.accuracy.to_json(with_signals=with_signals),
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


@dataclass(frozen=True)
class Thresholds:
    """Score cut-offs: at or above ``ok`` is on track, below ``off`` is off, between is doubtful."""

    ok: float
    off: float

    def label(self, score: float) -> Label:
        if score >= self.ok:
            return "ok"
        if score < self.off:
            return "off"
        return "doubtful"


def make_badge(bias: float, signals: list[Signal], reasons: list[Reason], thresholds: Thresholds) -> Badge:
    """Sum the contributions onto ``bias`` (log-odds) and squash to 0..1."""
    z = bias + sum(s.contribution for s in signals)
    score = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    return Badge(score=score, label=thresholds.label(score), reasons=tuple(reasons), signals=tuple(signals))
