"""The store at scale: how fast a 10,000-message conversation opens and how fast 100,000 messages are searched.

Measured in one run on a throwaway database (`persona-tutor bench store`); the targets are checked by
`make bench`, never in tests.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.store.database import Store
from app.store.schema import now

TARGETS_MS = {"open_10k_ms": 100.0, "search_100k_ms": 50.0}
PAGE = 200
_PHRASES = [
    "卷积核在图片上滑动", "池化层把特征图缩小", "反向传播计算梯度喵~", "激活函数带来非线性", "学习率太大会震荡",
    "the kernel slides over the image", "gradients flow backwards", "batch normalization keeps scales steady",
    "dropout fights overfitting", "a residual block adds its input", "小鱼干", "毛线球", "喵~", "stride and padding",
]  # fmt: skip
QUERIES = {"fts_chinese": "特征图", "fts_english": "residual block", "fts_rare": "第12345号"}
SHORT_QUERIES = {"like_common": "梯度", "like_missing": "鲸鱼"}  # 1-2 characters: LIKE, the worst case scans all


@dataclass(frozen=True)
class StoreBenchConfig:
    conversation_messages: int = 10_000
    total_messages: int = 100_000
    repeats: int = 5


def _fill(path: Path, config: StoreBenchConfig) -> int:
    """Write the messages straight through sqlite3 (the FTS triggers still run); returns the big conversation."""
    Store(path).close()
    rng = random.Random(7)
    connection = sqlite3.connect(path)
    try:
        stamp = now().isoformat(" ")
        sizes = [config.conversation_messages]
        rest = config.total_messages - config.conversation_messages
        while rest > 0:
            sizes.append(min(rest, 5_000))
            rest -= sizes[-1]
        number = 0
        for index, size in enumerate(sizes, start=1):
            connection.execute(
                "INSERT INTO conversations (id, persona_id, topic, model, title, created_at, updated_at) "
                "VALUES (?, 'xiaomiao', 'CNN', 'bench', ?, ?, ?)",
                (index, f"lesson {index}", stamp, stamp),
            )
            rows = []
            for position in range(size):
                number += 1
                text = "，".join(rng.choice(_PHRASES) for _ in range(rng.randint(2, 8))) + f" 第{number}号"
                role = "user" if position % 2 else "assistant"
                rows.append((number, index, number - 1 if position else None, role, text, stamp))
            connection.executemany(
                "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at) "
                "VALUES (?, ?, ?, ?, ?, 'complete', ?)",
                rows,
            )
            connection.commit()
    finally:
        connection.close()
    return 1


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _searcher(store: Store, query: str) -> Callable[[], object]:
    return lambda: store.search(query)


def run_store_bench(config: StoreBenchConfig | None = None) -> dict[str, Any]:
    config = config or StoreBenchConfig()
    with tempfile.TemporaryDirectory(prefix="persona-tutor-bench-") as folder:
        path = Path(folder) / "bench.db"
        start = time.perf_counter()
        big = _fill(path, config)
        fill_s = time.perf_counter() - start

        def open_conversation() -> None:
            store = Store(path)
            try:
                store.conversation(big)
                page = store.messages(big, limit=PAGE)
                assert len(page) == min(PAGE, config.conversation_messages)
            finally:
                store.close()

        store = Store(path)
        try:
            searches = {name: _median_ms(_searcher(store, q), config.repeats) for name, q in QUERIES.items()}
            short = {name: _median_ms(_searcher(store, q), config.repeats) for name, q in SHORT_QUERIES.items()}
            hits = len(store.search(QUERIES["fts_chinese"]))
        finally:
            store.close()
        result: dict[str, Any] = {
            "open_10k_ms": _median_ms(open_conversation, config.repeats),
            "search_100k_ms": max(searches.values()),
            **{f"search_{name}_ms": value for name, value in searches.items()},
            **{f"search_{name}_ms": value for name, value in short.items()},
            "search_hits_returned": hits,
            "conversation_messages": config.conversation_messages,
            "total_messages": config.total_messages,
            "fill_s": round(fill_s, 1),
            "database_mb": round(path.stat().st_size / 1e6, 1),
        }
    result["open_10k_ratio"] = round(result["open_10k_ms"] / TARGETS_MS["open_10k_ms"], 3)
    result["search_100k_ratio"] = round(result["search_100k_ms"] / TARGETS_MS["search_100k_ms"], 3)
    result["meets_targets"] = result["open_10k_ratio"] <= 1 and result["search_100k_ratio"] <= 1
    return result
