"""The store benchmark runs end to end on a small scale (its targets are checked by `make bench`, never here)."""

from app.store.bench import StoreBenchConfig, run_store_bench


def test_store_bench_reports_every_key() -> None:
    result = run_store_bench(StoreBenchConfig(conversation_messages=500, total_messages=1_200, repeats=1))
    for key in ("open_10k_ms", "search_100k_ms", "search_like_missing_ms", "open_10k_ratio", "search_100k_ratio"):
        assert result[key] > 0, key
    assert result["search_hits_returned"] == 50
    assert result["total_messages"] == 1_200
    assert isinstance(result["meets_targets"], bool)
