"""`persona-tutor check`: the JSON contract, stdin, notes files, batch mode and clear errors, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CARDS = Path(__file__).resolve().parents[1] / "data" / "checker" / "cards"


def run_check(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", "check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def assert_contract(result: dict[str, object]) -> None:
    assert set(result) == {"consistency", "accuracy", "elapsed_ms"}
    for badge in ("consistency", "accuracy"):
        item = result[badge]
        assert isinstance(item, dict) and set(item) == {"score", "label", "reasons"}
        assert 0.0 <= item["score"] <= 1.0 and item["label"] in ("ok", "doubtful", "off")
        assert all(isinstance(r, str) for r in item["reasons"])
    assert isinstance(result["elapsed_ms"], (int, float))


def test_reply_from_stdin_with_a_topic(isolated_home: Path) -> None:
    reply = "喵~ 池化层会把特征图放大，细节就更多了喵！"
    result = run_check(
        ["--persona", "xiaomiao", "--topic", "cnn", "--question", "池化层是做什么的？", "--reply-file", "-", "--json"],
        isolated_home,
        stdin=reply,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert_contract(data)
    assert data["consistency"]["label"] == "ok"
    assert data["accuracy"]["label"] == "off"
    assert any("池化会缩小特征图" in r for r in data["accuracy"]["reasons"])


def test_reply_file_with_notes_file(isolated_home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("2023年全国粮食总产量达到6.9亿吨，比上年增长1.3%。", encoding="utf-8")
    reply = tmp_path / "reply.txt"
    reply.write_text("As an AI language model, I can tell you the harvest was 8.2 billion tonnes.", encoding="utf-8")
    result = run_check(
        ["--persona", "xiaomiao", "--notes-file", str(notes), "--reply-file", str(reply), "--json"], isolated_home
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert_contract(data)
    assert data["consistency"]["label"] == "off"
    assert any("as an ai" in r.lower() for r in data["consistency"]["reasons"])
    assert any("8.2" in r for r in data["accuracy"]["reasons"])


def test_batch_prints_one_result_per_line(isolated_home: Path, tmp_path: Path) -> None:
    lines = [
        {"persona": "xiaomiao", "topic": "cnn", "question": "池化层做什么？", "reply": "喵~ 池化把特征图变小喵！"},
        {"persona": str(CARDS / "professor-hoot.json"), "topic": "photosynthesis", "question": "How?",
         "reply": "Hoo-hoo! Photosynthesis absorbs oxygen and releases carbon dioxide."},
        {"persona": "xiaomiao", "notes": "卷积核在图像上滑动。", "question": "卷积？", "reply": "我是一个语言模型。"},
    ]  # fmt: skip
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    result = run_check(["--batch", str(batch), "--json"], isolated_home)
    assert result.returncode == 0, result.stderr
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(results) == 3
    for item in results:
        assert_contract(item)
    assert [r["accuracy"]["label"] for r in results[:2]] == ["ok", "off"]
    assert results[2]["consistency"]["label"] == "off"


def test_bad_input_gets_one_clear_line_and_no_partial_output(isolated_home: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"persona": "xiaomiao", "topic": "cnn", "reply": "喵"}\n{"persona": "nobody"}\n', encoding="utf-8"
    )
    result = run_check(["--batch", str(batch), "--json"], isolated_home)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "persona-tutor: error: batch.jsonl line 2: 'reply' must be non-empty text"
    missing = run_check(
        ["--persona", "xiaomiao", "--topic", "cnn", "--reply-file", str(tmp_path / "no.txt")], isolated_home
    )
    assert missing.returncode == 1 and "no.txt: cannot read the reply file" in missing.stderr
    assert "Traceback" not in missing.stderr
    unknown = run_check(["--persona", "xiaomiao", "--topic", "knitting", "--reply-file", "-"], isolated_home, "喵")
    assert unknown.returncode == 1 and "No topic pack 'knitting'" in unknown.stderr
    both = run_check(
        ["--persona", "xiaomiao", "--topic", "cnn", "--notes-file", "x", "--reply-file", "-"], isolated_home
    )
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_bench_checker_reports_both_badges_and_uhgeval(isolated_home: Path, tmp_path: Path) -> None:
    item = {
        "newsBeginning": "新华社北京电 今年全国粮食总产量达到6.9亿吨。",
        "hallucinatedContinuation": "比上年增长7.5%，创下12年来新高。",
        "realContinuation": "比上年增长1.3%。",
        "newsRemainder": "比上年增长1.3%。这1.3%的增长主要来自秋粮。",
    }
    uhg = tmp_path / "uhg.jsonl"
    uhg.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(isolated_home)}
    result = subprocess.run(
        [sys.executable, "-m", "app", "bench", "checker", "--uhgeval", str(uhg), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for badge in ("persona", "accuracy"):
        assert set(data["devset"][badge]) >= {"precision", "recall", "auroc", "balanced_accuracy"}
    assert set(data["devset"]["latency_ms"]) == {"p50", "p95"}
    assert data["uhgeval"]["items"] == 1
    assert data["uhgeval"]["accuracy"]["auroc"] == 1.0  # 7.5% and 12 are in no note; 1.3% is


def test_a_broken_topic_pack_is_left_out_with_a_warning(isolated_home: Path) -> None:
    """As in the window: the learner's broken pack does not stop the check; stdout keeps the JSON contract."""
    topics = isolated_home / "topics"
    topics.mkdir(parents=True, exist_ok=True)
    (topics / "broken.md").write_text("# Broken\nno facts here\n", encoding="utf-8")
    args = ["--persona", "xiaomiao", "--topic", "cnn", "--question", "池化层呢？", "--reply-file", "-", "--json"]
    done = run_check(args, isolated_home, stdin="池化层就是全连接层。")
    assert done.returncode == 0, done.stderr
    assert "topic pack left out: broken.md: no '## Facts' list" in done.stderr
    result = json.loads(done.stdout)
    assert_contract(result)
    assert result["accuracy"]["label"] == "off"
