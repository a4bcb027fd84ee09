"""Choose the accuracy badge's new weights on the tuning topics only, with leave-one-topic-out cross-validation.

Run from the repository root: ``python tests/data/checker/tune_accuracy.py``. It never loads the held-out split.
Each reply is checked once; the weights of the checker 1.2 signals (``foreign_terms``, ``identity_claim``,
``answer_wording``) and of 1.6's ``wrong_relation`` are then re-applied from the signals' values, picked on five
topics by coordinate search and scored on the sixth. The pooled out-of-fold AUROC is the honest estimate; the
last line is the fit on all six.
"""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from app.checker import accuracy
from app.checker.checker import check
from app.checker.evaluation import DEVSET, auroc, dev_persona, load_devset
from app.checker.topic_pack import load_packs

GRID = {
    "foreign": [0.0, -0.5, -1.0, -1.5, -2.0, -3.0],
    "identity": [0.0, -1.0, -2.5],
    "wording": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "relation": [0.0, -1.0, -2.0, -3.0, -4.0],
}
Row = tuple[dict, float, dict[str, float]]


def _rows() -> list[Row]:
    rows = [r for r in load_devset(DEVSET, "tune") if not r["derived"]]
    packs = load_packs(None)
    personas = {p: dev_persona(p) for p in {r["persona"] for r in rows}}
    out = []
    for row in rows:
        badge = check(personas[row["persona"]], row["reply"], question=row["question"], topic=row["topic"], packs=packs)
        values = {s.name.split(":")[0]: s.value for s in badge.accuracy.signals}
        base = accuracy.BIAS + sum(
            s.contribution
            for s in badge.accuracy.signals
            if s.name not in ("foreign_terms", "identity_claim", "answer_wording")
            and not s.name.startswith("wrong_relation")
        )
        out.append((row, base, values))
    return out


def _z(base: float, values: dict[str, float], w: dict[str, float]) -> float:
    z = base + w["foreign"] * min(accuracy.FOREIGN_CAP, values.get("foreign_terms", 0))
    z += w["identity"] * values.get("identity_claim", 0)
    z += w["relation"] * values.get("wrong_relation", 0)
    if "answer_wording" in values:
        z += w["wording"] * (values["answer_wording"] - accuracy.SIMILARITY_PIVOT)
    return z


def _auroc(rows: list[Row], w: dict[str, float]) -> float:
    return auroc([1 - int(r["accurate"]) for r, _, _ in rows], [-_z(b, v, w) for _, b, v in rows])


def _fit(rows: list[Row]) -> dict[str, float]:
    w = {name: 0.0 for name in GRID}
    for _, name in itertools.product(range(2), GRID):
        w[name] = max(GRID[name], key=lambda g: (round(_auroc(rows, {**w, name: g}), 4), -abs(g)))
    return w


def main() -> None:
    rows = _rows()
    current = {
        "foreign": accuracy.FOREIGN_WEIGHT,
        "identity": accuracy.IDENTITY,
        "wording": accuracy.SIMILARITY_WEIGHT,
        "relation": accuracy.RELATION,
    }
    off = {name: 0.0 for name in GRID}
    print(
        f"tuning replies {len(rows)}: AUROC without the 1.2 and 1.6 signals {_auroc(rows, off):.4f}, "
        f"with the chosen weights {_auroc(rows, current):.4f} {current}"
    )
    pooled: list[tuple[int, float]] = []
    for topic in sorted({r["topic"] for r, _, _ in rows}):
        w = _fit([x for x in rows if x[0]["topic"] != topic])
        test = [x for x in rows if x[0]["topic"] == topic]
        pooled += [(1 - int(r["accurate"]), -_z(b, v, w)) for r, b, v in test]
        print(f"  held {topic:22} weights {w}  topic AUROC {_auroc(test, off):.3f} -> {_auroc(test, w):.3f}")
    print(f"leave-one-topic-out pooled AUROC {auroc([p[0] for p in pooled], [p[1] for p in pooled]):.4f}")
    best = _fit(rows)
    print(f"fit on all tuning topics {best} AUROC {_auroc(rows, best):.4f}")
    assert math.isfinite(_auroc(rows, best))


if __name__ == "__main__":
    main()
