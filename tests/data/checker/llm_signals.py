"""Does the loaded model, shown the topic pack as reference, separate right from wrong replies? (tuning split only)

Run from the repository root: ``python tests/data/checker/llm_signals.py``. It never loads the held-out split.
For every non-derived tuning reply the starter model (n_ctx 2048, 2 threads) scores, from token probabilities
and without sampling:

* ``ref_pmi``: mean log p(reply token) with the pack's reference (the question's expected answer, the key facts,
  the corrections of the misconceptions) in the system message, minus the same without it;
* ``self_logprob`` / ``self_entropy``: mean log p and mean entropy of the reply's tokens without the reference;
* ``judge_yes``: log p("是"/"Yes") − log p("否"/"No") for the next token after a judge prompt that shows the
  reference, the question and the reply; ``judge_cont`` asks the same as a follow-up turn after the reply in the
  reference prompt (it reuses that pass's KV, a few dozen tokens more);
* ``misc_pmi``: mean log p of the reply given the pack's misconceptions minus given its facts.

Each signal is reported alone (AUROC on tuning) and blended with the lexical accuracy badge two ways, both with
leave-one-topic-out weights: onto the current score's log-odds, and jointly with the lexical weights that
``tune_accuracy.py`` refits (whose out-of-fold AUROC, 0.886, is the baseline). Results are cached in
``/tmp/llm_signals.jsonl`` so reruns only redo the statistics.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import itertools
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import tune_accuracy

from app.checker.answer_key import question_key
from app.checker.evaluation import auroc
from app.checker.topic_pack import TopicPack, load_packs
from app.paths import AppPaths
from app.starter_model import STARTER

CACHE = Path("/tmp/llm_signals.jsonl")
MAX_REPLY_TOKENS = 256
SIGNALS = ("ref_pmi", "self_logprob", "self_entropy", "judge_yes", "judge_cont", "misc_pmi")
LLM_GRID = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, -0.5, -1.0, -2.0]  # per standard deviation of the signal

_TEXT = {
    "zh": {
        "tutor": "你是一位耐心的老师，用中文回答学生的问题。",
        "ref": "参考资料（正确）：",
        "answer": "这个问题的标准答案：",
        "misc": "常见说法：",
        "judge_sys": "你是严格的阅卷老师。",
        "judge": "参考资料：\n{ref}\n\n问题：{q}\n\n学生的回答：{reply}\n\n"
        "这个回答的内容和参考资料一致、没有错误吗？只回答“是”或“否”。",
        "cont": "上面的回答和参考资料一致、没有错误吗？只回答“是”或“否”。",
        "yes": "是",
        "no": "否",
    },
    "en": {
        "tutor": "You are a patient teacher. Answer the student's question in English.",
        "ref": "Reference (correct):",
        "answer": "The expected answer to this question:",
        "misc": "Common statements:",
        "judge_sys": "You are a strict examiner.",
        "judge": "Reference:\n{ref}\n\nQuestion: {q}\n\nStudent's answer: {reply}\n\nDoes this answer agree with the "
        "reference, without errors? Answer only Yes or No.",
        "cont": "Does the answer above agree with the reference, without errors? Answer only Yes or No.",
        "yes": "Yes",
        "no": "No",
    },
}


def _chat(system: str, user: str) -> str:
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


def reference(pack: TopicPack, question: str, lang: str) -> str:
    """The reference a judge is shown: the question's expected answer, the key facts, the corrections."""
    zh = lang == "zh"
    lines = []
    key = question_key(question, pack)
    if key is not None:
        lines.append(f"{_TEXT[lang]['answer']} {key.answer_zh if zh else key.answer}")
    lines += [f"- {f_zh if zh and f_zh else f_en}" for f_en, f_zh in pack.facts]
    lines += [f"- {m.correction_zh if zh and m.correction_zh else m.correction}" for m in pack.misconceptions]
    return "\n".join(lines)


def misconceptions_text(pack: TopicPack, lang: str) -> str:
    return "\n".join(f"- {m.claim_zh if lang == 'zh' and m.claim_zh else m.claim}" for m in pack.misconceptions)


def facts_text(pack: TopicPack, lang: str) -> str:
    return "\n".join(f"- {zh if lang == 'zh' and zh else en}" for en, zh in pack.facts)


class Scorer:
    """Token log-probabilities from one ``Llama`` with ``logits_all``; a shared prefix is not evaluated twice."""

    def __init__(self, model_path: Path) -> None:
        from llama_cpp import Llama

        self.llm = Llama(str(model_path), n_ctx=2048, n_threads=2, logits_all=True, verbose=False)

    def tokens(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _eval(self, tokens: list[int], logits_from: int) -> None:
        """Evaluate ``tokens``, reusing the common prefix; logits (the vocabulary-wide output layer, a quarter of
        this model's compute) only from position ``logits_from`` on."""
        llm = self.llm
        same = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens], tokens, strict=False):
            if a != b:
                break
            same += 1
        llm.n_tokens = min(same, logits_from)
        if llm.n_tokens < logits_from:
            llm._logits_all = False
            llm.eval(tokens[llm.n_tokens : logits_from])
        llm._logits_all = True
        llm.eval(tokens[logits_from:])

    def continuation(self, prompt: list[int], reply: list[int]) -> tuple[float, float]:
        """Mean log p and mean entropy (nats) of ``reply``'s tokens after ``prompt``."""
        self._eval(prompt + reply, len(prompt) - 1)
        logits = np.asarray(self.llm.scores[len(prompt) - 1 : len(prompt) + len(reply) - 1], dtype=np.float64)
        logz = np.logaddexp.reduce(logits, axis=1)
        logp = logits - logz[:, None]
        chosen = logp[np.arange(len(reply)), reply]
        entropy = -(np.exp(logp) * logp).sum(axis=1)
        return float(chosen.mean()), float(entropy.mean())

    def yes_no(self, prompt: list[int], yes: str, no: str) -> float:
        """log p(yes) − log p(no) for the token after ``prompt``."""
        self._eval(prompt, len(prompt) - 1)
        last = np.asarray(self.llm.scores[len(prompt) - 1], dtype=np.float64)
        return float(last[self.tokens(yes)[0]] - last[self.tokens(no)[0]])


def score_row(scorers: tuple[Scorer, Scorer], row: dict[str, Any], pack: TopicPack, *, extra: bool) -> dict[str, Any]:
    """The signals of one reply; ``scorers`` hold the prompts without and with the reference, each keeping its
    question's prefix for the next reply to the same question."""
    plain_scorer, scorer = scorers
    lang = "zh" if row["lang"] == "zh" else "en"
    t = _TEXT[lang]
    q = row["question"]
    reply_tokens = scorer.tokens(row["reply"])[:MAX_REPLY_TOKENS]
    ref = reference(pack, q, lang)
    started = time.perf_counter()
    plain = scorer.tokens(_chat(t["tutor"], q))
    self_lp, self_ent = plain_scorer.continuation(plain, reply_tokens)
    with_ref = scorer.tokens(_chat(f"{t['tutor']}\n{t['ref']}\n{ref}", q))
    ref_lp, _ = scorer.continuation(with_ref, reply_tokens)
    pmi_ms = (time.perf_counter() - started) * 1000
    follow = scorer.tokens(f"<|im_end|>\n<|im_start|>user\n{t['cont']}<|im_end|>\n<|im_start|>assistant\n")
    item: dict[str, Any] = {
        "id": row["id"],
        "ref_pmi": ref_lp - self_lp,
        "self_logprob": self_lp,
        "self_entropy": -self_ent,  # higher = more certain, so "higher means more accurate" holds for every signal
        "judge_cont": scorer.yes_no(with_ref + reply_tokens + follow, t["yes"], t["no"]),
        "reply_tokens": len(reply_tokens),
        "prompt_tokens": len(with_ref),
        "ms_pmi": pmi_ms,  # ref_pmi and self_logprob (two passes)
        "ms_total": (time.perf_counter() - started) * 1000,  # those plus judge_cont
    }
    if extra:
        item.update(extra_signals(plain_scorer, row, pack, reply_tokens))
    return item


def extra_signals(scorer: Scorer, row: dict[str, Any], pack: TopicPack, reply_tokens: list[int]) -> dict[str, Any]:
    """The standalone judge prompt and the misconceptions-vs-facts lift (three more full passes)."""
    lang = "zh" if row["lang"] == "zh" else "en"
    t = _TEXT[lang]
    q = row["question"]
    reply = scorer.llm.detokenize(reply_tokens).decode("utf-8", errors="ignore")
    started = time.perf_counter()
    judge = scorer.tokens(_chat(t["judge_sys"], t["judge"].format(ref=reference(pack, q, lang), q=q, reply=reply)))
    judge_yes = scorer.yes_no(judge, t["yes"], t["no"])
    judge_ms = (time.perf_counter() - started) * 1000
    misc_lp, _ = scorer.continuation(
        scorer.tokens(_chat(f"{t['tutor']}\n{t['misc']}\n{misconceptions_text(pack, lang)}", q)), reply_tokens
    )
    facts_lp, _ = scorer.continuation(
        scorer.tokens(_chat(f"{t['tutor']}\n{t['misc']}\n{facts_text(pack, lang)}", q)), reply_tokens
    )
    return {"judge_yes": judge_yes, "misc_pmi": facts_lp - misc_lp, "ms_judge": judge_ms}


def _version() -> str:
    text = json.dumps([_TEXT, MAX_REPLY_TOKENS, inspect.getsource(reference), inspect.getsource(_chat)])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def llm_signals(rows: list[dict[str, Any]], *, extra: bool, limit: int | None) -> dict[str, dict[str, Any]]:
    """Cached signals of ``rows``; computes the missing ones (at most ``limit`` new replies).

    Questions come in a fixed shuffled order, so that a partial run still samples every topic, and the replies to
    one question together, so that its prompt is evaluated once."""
    version = _version()
    cached: dict[str, dict[str, Any]] = {}
    if CACHE.is_file():
        for line in CACHE.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("version") == version:
                cached[item["id"]] = {**cached.get(item["id"], {}), **item}
    order = sorted(rows, key=lambda r: (hashlib.sha256(r["question"].encode()).hexdigest(), r["id"]))
    missing = [r for r in order if r["id"] not in cached or (extra and "misc_pmi" not in cached[r["id"]])]
    missing = missing[:limit] if limit is not None else missing
    if missing:
        model = AppPaths.resolve().models_dir / STARTER.file_name
        scorers = (Scorer(model), Scorer(model))
        packs = {p.id: p for p in load_packs(None)}
        with CACHE.open("a", encoding="utf-8") as out:
            for n, row in enumerate(missing, 1):
                pack = packs[row["topic"]]
                if row["id"] in cached:
                    reply_tokens = scorers[0].tokens(row["reply"])[:MAX_REPLY_TOKENS]
                    item = {"id": row["id"], **extra_signals(scorers[0], row, pack, reply_tokens)}
                else:
                    item = score_row(scorers, row, pack, extra=extra)
                item.update(version=version, load=os.getloadavg()[0])
                out.write(json.dumps(item) + "\n")
                out.flush()
                cached[row["id"]] = {**cached.get(row["id"], {}), **item}
                if n % 10 == 0:
                    print(
                        f"  scored {n}/{len(missing)} (last {item.get('ms_total', 0):.0f} ms, load {item['load']:.1f})"
                    )
    return cached


def _standardise(values: list[float], ref: list[float]) -> list[float]:
    mean, sd = statistics.mean(ref), statistics.pstdev(ref) or 1.0
    return [(v - mean) / sd for v in values]


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def blend_on_score(rows: list[tune_accuracy.Row], llm: dict[str, dict[str, Any]], name: str) -> float:
    """Pooled leave-one-topic-out AUROC of logit(current score) + w · signal (w picked on the other topics)."""
    scores = [_logit(1 / (1 + math.exp(-tune_accuracy._z(b, v, _current())))) for _, b, v in rows]
    values = [llm[r["id"]][name] for r, _, _ in rows]
    labels = [1 - int(r["accurate"]) for r, _, _ in rows]
    pooled: list[tuple[int, float]] = []
    topics = [r["topic"] for r, _, _ in rows]
    for topic in sorted(set(topics)):
        train = [i for i, t in enumerate(topics) if t != topic]
        test = [i for i, t in enumerate(topics) if t == topic]
        z = _standardise(values, [values[i] for i in train])

        def fit_auroc(w: float, idx: list[int] = train, z: list[float] = z) -> float:
            return auroc([labels[i] for i in idx], [-(scores[i] + w * z[i]) for i in idx])

        w = max(LLM_GRID, key=lambda g: (round(fit_auroc(g), 4), -abs(g)))
        pooled += [(labels[i], -(scores[i] + w * z[i])) for i in test]
    return auroc([p[0] for p in pooled], [p[1] for p in pooled])


def _current() -> dict[str, float]:
    a = tune_accuracy.accuracy
    return {"foreign": a.FOREIGN_WEIGHT, "identity": a.IDENTITY, "wording": a.SIMILARITY_WEIGHT, "relation": a.RELATION}


def joint_refit(rows: list[tune_accuracy.Row], llm: dict[str, dict[str, Any]], name: str | None) -> float:
    """tune_accuracy.py's leave-one-topic-out refit with the LLM signal as a fifth weight (None: without it)."""
    topics = [r["topic"] for r, _, _ in rows]
    values = [llm[r["id"]][name] for r, _, _ in rows] if name else [0.0] * len(rows)
    grid = {**tune_accuracy.GRID, "llm": LLM_GRID if name else [0.0]}
    labels = [1 - int(r["accurate"]) for r, _, _ in rows]
    pooled: list[tuple[int, float]] = []
    for topic in sorted(set(topics)):
        train = [i for i, t in enumerate(topics) if t != topic]
        z = _standardise(values, [values[i] for i in train])

        def zed(i: int, w: dict[str, float], z: list[float] = z) -> float:
            _, b, v = rows[i]
            return tune_accuracy._z(b, v, w) + w["llm"] * z[i]

        def fit_auroc(w: dict[str, float], train: list[int] = train) -> float:
            return auroc([labels[i] for i in train], [-zed(i, w) for i in train])

        w = {k: 0.0 for k in grid}
        for _, key in itertools.product(range(2), grid):
            w[key] = max(grid[key], key=lambda g, key=key: (round(fit_auroc({**w, key: g}), 4), -abs(g)))
        pooled += [(labels[i], -zed(i, w)) for i, t in enumerate(topics) if t == topic]
    return auroc([p[0] for p in pooled], [p[1] for p in pooled])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", action="store_true", help="also the standalone judge and misc_pmi (slower)")
    parser.add_argument("--limit", type=int, help="score at most this many new replies, then report what is cached")
    args = parser.parse_args()
    all_rows = tune_accuracy._rows()  # non-derived tuning rows only
    llm = llm_signals([r for r, _, _ in all_rows], extra=args.extra, limit=args.limit)
    rows = [x for x in all_rows if x[0]["id"] in llm]
    for r, _, _ in rows:  # a control: a signal of pure noise shows how much each blend gains by chance
        llm[r["id"]]["noise"] = int(hashlib.sha256(r["id"].encode()).hexdigest()[:8], 16) / 2**32
    labels = [1 - int(r["accurate"]) for r, _, _ in rows]
    lexical = [-tune_accuracy._z(b, v, _current()) for _, b, v in rows]
    print(f"tuning replies scored {len(rows)} of {len(all_rows)} ({sum(labels)} wrong)")
    print(f"lexical in-sample AUROC {auroc(labels, lexical):.4f} (the baseline of 'on score': its weights saw all)")
    print(f"lexical refit leave-one-topic-out pooled AUROC {joint_refit(rows, llm, None):.4f} (the baseline)")
    print(f"{'signal':14} {'n':>4} {'alone':>7} {'on score (oof)':>15} {'joint refit (oof)':>18}")
    for name in (*SIGNALS, "noise"):
        have = [x for x in rows if name in llm[x[0]["id"]]]
        if not have:
            continue
        if len(have) < len(rows):
            print(f"{name:14} {len(have):4} (only part of the replies; run with --extra to score all)")
            continue
        alone = auroc(labels, [-llm[r["id"]][name] for r, _, _ in rows])
        print(
            f"{name:14} {len(have):4} {alone:7.4f} {blend_on_score(rows, llm, name):15.4f} "
            f"{joint_refit(rows, llm, name):18.4f}"
        )
    items = [llm[r["id"]] for r, _, _ in rows]
    for key in ("ms_pmi", "ms_total", "ms_judge"):
        ms = sorted(i[key] for i in items if key in i)
        if ms:
            print(f"{key:9} p50 {statistics.median(ms):7.0f} ms  p95 {ms[round(0.95 * (len(ms) - 1))]:7.0f} ms")
    print(
        f"reply tokens p50 {statistics.median(i['reply_tokens'] for i in items):.0f}, reference prompt tokens p50 "
        f"{statistics.median(i['prompt_tokens'] for i in items):.0f}; load average while scoring "
        f"{min(i['load'] for i in items):.1f}-{max(i['load'] for i in items):.1f}"
    )


if __name__ == "__main__":
    main()
