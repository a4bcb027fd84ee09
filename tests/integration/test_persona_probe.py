"""The persona test bench on the real starter model: every probe asked, every reply scored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.engine import LlamaEngine, SamplingParams
from app.persona_probe import PROBE_SAMPLING, PROBES, run_probes, summary
from app.personas import PersonaLibrary, parse_card

SHORT = SamplingParams(temperature=PROBE_SAMPLING.temperature, max_tokens=24, seed=PROBE_SAMPLING.seed)


def test_every_probe_is_asked_and_scored(engine: LlamaEngine) -> None:
    persona = PersonaLibrary().get("xiaomiao")
    results = run_probes(persona, engine, "starter", sampling=SHORT)
    assert [r.probe for r in results] == [p.id for p in PROBES]
    assert results[0].question == "你是谁？请介绍一下你自己。"  # in the persona's language
    assert all(r.reply.strip() for r in results)
    assert all(r.consistency["label"] in ("ok", "doubtful", "off") for r in results)
    overall = summary(results)
    assert 0 <= overall["consistency"] <= 1
    # same probes, same seed: a second run of the same card on the same model gives the same replies
    again = run_probes(persona, engine, "starter", sampling=SHORT)
    assert [r.reply for r in again] == [r.reply for r in results]


def test_an_unsaved_card_is_probed_without_being_installed(engine: LlamaEngine) -> None:
    data = {"name": "Prof Plain", "description": "A plain English lecturer.", "first_mes": "Hello."}
    card = {"spec": "chara_card_v2", "spec_version": "2.0", "data": data}
    persona = parse_card(card, "draft-prof")
    results = run_probes(persona, engine, "starter", topic="binary search", sampling=SHORT)
    assert results[3].question == "Explain binary search to me, your way."


def test_probe_cli_json(tmp_path: Path, starter_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "personas", "probe", "socrates",
         "--model", str(starter_path), "--max-tokens", "16", "--json"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["persona"] == "socrates"
    assert {p["probe"] for p in report["probes"]} == {p.id for p in PROBES}
    assert set(report["summary"]) == {"consistency", "accuracy", "flagged"}
    bad = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "personas", "probe"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and "one of them" in bad.stderr
