"""Measuring the checker: the labelled development set (held-out part) and UHGEval, pairwise.

Problems are the positive class: a reply whose persona label is "off" (role collapse) or whose accuracy label
is "wrong" (knowledge distortion). A badge "predicts a problem" when its label is not ``ok``; AUROC uses
``1 - score``.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.checker.checker import check
from app.checker.topic_pack import load_packs
from app.errors import PersonaTutorError
from app.personas import Persona, PersonaLibrary, load_card_file

REPO = Path(__file__).resolve().parents[2]
DEVSET = REPO / "tests" / "data" / "checker" / "devset.jsonl"
DEV_CARDS = DEVSET.with_name("cards")
UHGEVAL = REPO.parent / "shared" / "eval" / "uhgeval" / "dataset_uhgeval_concise.jsonl"


def auroc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve by ranks (ties count half); 0.5 when one class is missing."""
    pairs = sorted(zip(scores, labels, strict=True))
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid_rank = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += mid_rank * sum(label for _, label in pairs[i:j])
        i = j
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


@dataclass(frozen=True)
class BadgeMetrics:
    n: int
    problems: int
    precision: float
    recall: float
    balanced_accuracy: float
    auroc: float

    @classmethod
    def of(cls, labels: Sequence[int], scores: Sequence[float], flagged: Sequence[bool]) -> BadgeMetrics:
        tp = sum(1 for y, f in zip(labels, flagged, strict=True) if y and f)
        fp = sum(1 for y, f in zip(labels, flagged, strict=True) if not y and f)
        fn = sum(1 for y, f in zip(labels, flagged, strict=True) if y and not f)
        tn = len(labels) - tp - fp - fn
        recall = tp / (tp + fn) if tp + fn else 0.0
        specificity = tn / (tn + fp) if tn + fp else 0.0
        return cls(
            n=len(labels),
            problems=sum(labels),
            precision=round(tp / (tp + fp), 4) if tp + fp else 0.0,
            recall=round(recall, 4),
            balanced_accuracy=round((recall + specificity) / 2, 4),
            auroc=round(auroc(labels, scores), 4),
        )


def load_devset(path: Path = DEVSET, split: str | None = "heldout") -> list[dict[str, Any]]:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise PersonaTutorError(f"{path}: cannot read the development set ({exc})") from None
    return [r for r in rows if split is None or r["split"] == split]


def dev_persona(persona_id: str, cards: Path = DEV_CARDS) -> Persona:
    card = cards / f"{persona_id}.json"
    return load_card_file(card) if card.is_file() else PersonaLibrary(None).get(persona_id)


def run_devset(rows: Sequence[dict[str, Any]], cards: Path = DEV_CARDS) -> dict[str, Any]:
    packs = load_packs(None)
    personas = {pid: dev_persona(pid, cards) for pid in {r["persona"] for r in rows}}
    persona_rows: list[tuple[int, float, bool]] = []
    accuracy_rows: list[tuple[int, float, bool]] = []
    latencies = []
    for row in rows:
        started = time.perf_counter()
        verdict = check(
            personas[row["persona"]], row["reply"], question=row["question"], topic=row["topic"], packs=packs
        )
        latencies.append((time.perf_counter() - started) * 1000)
        c, a = verdict.consistency, verdict.accuracy
        persona_rows.append((1 - int(row["persona_ok"]), 1 - c.score, c.label != "ok"))
        accuracy_rows.append((1 - int(row["accurate"]), 1 - a.score, a.label != "ok"))
    return {
        "replies": len(rows),
        "persona": _metrics(persona_rows),
        "accuracy": _metrics(accuracy_rows),
        "latency_ms": latency_summary(latencies),
    }


def _metrics(rows: Sequence[tuple[int, float, bool]]) -> dict[str, Any]:
    return BadgeMetrics.of([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]).__dict__


def latency_summary(latencies: Sequence[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0
    return {"p50": round(statistics.median(ordered), 3) if ordered else 0.0, "p95": round(p95, 3)}


def uhgeval_notes(item: dict[str, Any]) -> str:
    """The reference without the answer: the news beginning plus the remainder minus the real continuation."""
    remainder = item["newsRemainder"].lstrip()
    real = item["realContinuation"].strip()
    remainder = remainder[len(real) :] if remainder.startswith(real) else remainder.replace(real, "", 1)
    return item["newsBeginning"] + "\n" + remainder


def run_uhgeval(path: Path = UHGEVAL, limit: int | None = None) -> dict[str, Any]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PersonaTutorError(f"{path}: cannot read UHGEval ({exc.strerror or exc})") from None
    items = [json.loads(line) for line in lines if line.strip()][:limit]
    persona = PersonaLibrary(None).get("xiaomiao")
    packs = load_packs(None)
    labels: list[int] = []
    scores: list[float] = []
    flagged: list[bool] = []
    latencies = []
    for item in items:
        notes = uhgeval_notes(item)
        for label, text in ((1, item["hallucinatedContinuation"]), (0, item["realContinuation"])):
            started = time.perf_counter()
            badge = check(persona, text.strip(), notes=notes, packs=packs).accuracy
            latencies.append((time.perf_counter() - started) * 1000)
            labels.append(label)
            scores.append(1 - badge.score)
            flagged.append(badge.label != "ok")
    return {
        "items": len(items),
        "accuracy": BadgeMetrics.of(labels, scores, flagged).__dict__,
        "latency_ms": latency_summary(latencies),
    }


def format_report(result: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, what in (("devset_generated_only", "generated replies"), ("devset", "with wrong-topic pairings")):
        dev = result.get(key)
        if dev:
            lines += _devset_lines(dev, what)
    uhg = result.get("uhgeval")
    if uhg:
        m = uhg["accuracy"]
        lines.append(f"UHGEval, pairwise with notes ({uhg['items']} items, {2 * uhg['items']} continuations)")
        lines.append(f"  accuracy  AUROC {m['auroc']:.3f}  balanced acc {m['balanced_accuracy']:.3f}")
        lines.append(f"  latency   p50 {uhg['latency_ms']['p50']:.2f} ms  p95 {uhg['latency_ms']['p95']:.2f} ms")
    if result.get("uhgeval_skipped"):
        lines.append(f"UHGEval skipped: {result['uhgeval_skipped']}")
    return "\n".join(lines)


def _devset_lines(dev: dict[str, Any], what: str) -> list[str]:
    part = {"heldout": "held-out part", "tune": "tuning part"}.get(dev.get("split", ""), "all of it")
    lines = [f"Development set, {part}, {what} ({dev['replies']} items; replies from the starter model)"]
    for badge in ("persona", "accuracy"):
        m = dev[badge]
        lines.append(
            f"  {badge:9} AUROC {m['auroc']:.3f}  precision {m['precision']:.3f}  recall {m['recall']:.3f}"
            f"  balanced acc {m['balanced_accuracy']:.3f}  ({m['problems']}/{m['n']} problems)"
        )
    lines.append(f"  latency   p50 {dev['latency_ms']['p50']:.2f} ms  p95 {dev['latency_ms']['p95']:.2f} ms")
    return lines
