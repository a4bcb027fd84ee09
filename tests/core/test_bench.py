"""The benchmark runs end to end (its targets are checked by `make bench`, never in tests)."""

from pathlib import Path

from app.bench import EngineBenchConfig, format_table, run_engine_bench


def test_engine_bench_reports_every_key(starter_path: Path) -> None:
    heard: list[str] = []
    result = run_engine_bench(
        EngineBenchConfig(starter_path, threads=2, decode_tokens=8, decode_rounds=1, turns=2, turn_tokens=4),
        progress=heard.append,
    )
    for key in (
        "decode_ratio",
        "ttft_turn1_s",
        "ttft_turn2_s",
        "ttft_growth",
        "ttft_growth_naive",
        "resume_ttft_s",
        "resume_ttft_naive_s",
    ):
        assert result[key] > 0, key
    assert "decode_ratio" in format_table(result)
    # a long run says where it is: each phase, and the last turn of each series
    assert any(line.startswith("with KV reuse: turn 2/2") for line in heard)
    assert any(line.startswith("re-evaluating every turn: turn 2/2") for line in heard)
