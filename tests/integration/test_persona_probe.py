"""The persona test bench on the real starter model: every probe asked, every reply scored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.engine import LlamaEngine, SamplingParams
from app.paths import AppPaths
from app.persona_probe import PROBE_SAMPLING, PROBES, comparison_run, record_run, results_of, run_probes, summary
from app.personas import PersonaLibrary, card_hash, parse_card
from app.store import Store

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
    store = Store(AppPaths.resolve(tmp_path).database_path)
    try:  # the run is kept for the editor's test bench, keyed by persona, card and model
        [run] = store.probe_runs("socrates")
        assert run.card_hash == card_hash(PersonaLibrary().get("socrates"))
        assert run.model == report["model"] and [r["reply"] for r in run.results] == [
            p["reply"] for p in report["probes"]
        ]
    finally:
        store.close()
    bad = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "personas", "probe"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and "one of them" in bad.stderr


def test_runs_are_recorded_and_the_comparison_is_another_card_or_model(tmp_path: Path, engine: LlamaEngine) -> None:
    persona = PersonaLibrary().get("xiaomiao")
    heard: list[str] = []
    results = run_probes(persona, engine, "starter", sampling=SHORT, on_result=lambda r: heard.append(r.probe))
    assert heard == [p.id for p in PROBES]
    store = Store(tmp_path / "runs.db")
    try:
        first = record_run(store, persona, "starter", "CNN", results)
        assert results_of(first) == results
        same = record_run(store, persona, "starter", "CNN", results)
        other_model = record_run(store, persona, "bigger", "CNN", results)
        runs = store.probe_runs("xiaomiao")
        assert [r.id for r in runs] == [other_model.id, same.id, first.id]
        mine = card_hash(persona)
        # a new run of this card on the starter: beside it, the newest run of another model
        assert comparison_run(runs, mine, "starter") == other_model
        # an edited card: the newest run of the previous version
        assert comparison_run(runs, "edited", "bigger") == other_model
        # only runs of the same card and model: the newest earlier one
        assert comparison_run(runs[1:], mine, "starter", exclude_id=same.id) == first
        assert comparison_run([], mine, "starter") is None
    finally:
        store.close()
