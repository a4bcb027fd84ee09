"""`persona-tutor progress [--json]`: topics studied, quiz scores over time, facts to review."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.paths import AppPaths
from app.store import Grade, Store


def run_cli(args: list[str], paths: AppPaths) -> str:
    env = {**os.environ, "PERSONA_TUTOR_HOME": str(paths.data_dir)}
    done = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_progress_lists_topics_scores_and_missed_facts(paths: AppPaths) -> None:
    assert run_cli(["progress"], paths) == "No topics studied yet.\n"
    store = Store(paths.database_path)
    conversation = store.create_conversation("xiaomiao", "TCP 三次握手", "starter", level="beginner")
    store.create_conversation("socrates", "Gradient descent", "starter")
    quiz = store.add_quiz(conversation.id, "tcp-handshake", "zh", [(0, "Q1", "A1"), (1, "Q2", "A2"), (2, "Q3", "A3")])
    store.grade_quiz(
        quiz.id, [Grade("a", "correct", True), Grade("b", "partial", False), Grade("", "incorrect", False)], 1.5
    )
    store.close()

    topics = json.loads(run_cli(["progress", "--json"], paths))
    assert [(t["topic"], t["conversations"]) for t in topics] == [("tcp-handshake", 1), ("gradient-descent", 1)]
    tcp = topics[0]
    assert tcp["title"] == "The TCP handshake" and tcp["title_zh"] == "TCP 三次握手"
    assert [(q["quiz_id"], q["conversation_id"], q["score"], q["total"]) for q in tcp["quizzes"]] == [
        (quiz.id, conversation.id, 1.5, 3)
    ]
    assert [m["zh"] for m in tcp["missed"]] == [
        "双方都要确认自己能收能发，并同步初始序列号",
        "SYN、SYN-ACK、ACK：双方各自发送序列号并确认对方的",
    ]
    assert topics[1]["quizzes"] == [] and topics[1]["missed"] == []

    out = run_cli(["progress"], paths)
    assert "The TCP handshake (tcp-handshake): 1 conversations; quizzes: " in out and "1.5/3" in out
    assert "  to review: both sides must confirm they can send and receive" in out

    listed = json.loads(run_cli(["conversations", "list", "--json"], paths))  # goal and level, added
    assert {(c["topic"], c["level"], c["goal"]) for c in listed} == {
        ("TCP 三次握手", "beginner", ""),
        ("Gradient descent", "", ""),
    }
