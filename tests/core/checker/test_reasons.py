"""Every checker reason is a stable code with arguments and the same English text as before, and that text (as a
stored verdict keeps it) leads back to its code, so the GUI can show it in the learner's language."""

from __future__ import annotations

import json
import pickle

from app.checker import check
from app.checker.evaluation import DEVSET, dev_persona, load_devset
from app.checker.ledger import ledger_reason
from app.checker.reasons import REASONS, Reason, fields, parse_reason, reason
from app.checker.topic_pack import load_packs
from app.facts_ledger import FactCandidate, describe


def _sample(code: str) -> dict[str, str]:
    """Arguments unlike each other and unlike any template's fixed words."""
    return {name: f"«{name}-{i}» 值" for i, name in enumerate(sorted(fields(REASONS[code])))}


def test_every_code_formats_and_its_text_parses_back_to_the_same_code() -> None:
    for code in REASONS:
        args = _sample(code)
        text = reason(code, **args)
        assert isinstance(text, Reason) and (text.code, dict(text.args)) == (code, args)
        assert parse_reason(str(text)) == (code, args), code  # the text alone, as a stored verdict has it


def test_a_reason_stays_a_plain_string_for_json_and_copies() -> None:
    text = reason("catchphrase_missing", phrase="喵", count=12)
    assert text == "no “喵” in 12 sentences"
    assert json.loads(json.dumps({"reasons": [text]})) == {"reasons": ["no “喵” in 12 sentences"]}
    copied = pickle.loads(pickle.dumps(text))
    assert copied == text and copied.code == "catchphrase_missing" and copied.args == {"phrase": "喵", "count": "12"}


def test_text_from_elsewhere_has_no_code() -> None:
    assert parse_reason("an older checker's wording") is None


def test_ledger_reasons_read_as_the_ledger_describes_its_rows() -> None:
    rows = (
        FactCandidate("learner", "name", "小明"),
        FactCandidate("learner", "level", "beginner"),
        FactCandidate("learner", "goal", "wants to pass the exam"),
        FactCandidate("correction", "pooling has weights", "pooling has no weights"),
        FactCandidate("correction", "", "kernels are learned"),
        FactCandidate("story", "毛线球", "红色"),
        FactCandidate("story", "ship", "Nautilus"),
    )
    codes = set()
    for row in rows:
        text = ledger_reason(row)
        assert text == f"contradicts the ledger: {describe(row)}"
        assert parse_reason(str(text)) == (text.code, dict(text.args))
        codes.add(text.code)
    assert codes == {code for code in REASONS if code.startswith("ledger_")}


def test_the_checker_gives_only_coded_reasons_on_the_development_set() -> None:
    rows = load_devset(DEVSET, split=None)[::4]
    packs = load_packs(None)
    seen: set[str] = set()
    for row in rows:
        persona = dev_persona(row["persona"])
        verdict = check(persona, row["reply"], question=row["question"], topic=row["topic"], packs=packs)
        for badge in (verdict.consistency, verdict.accuracy):
            for text in badge.reasons:
                assert isinstance(text, Reason), text
                assert parse_reason(str(text)) == (text.code, dict(text.args)), text
                seen.add(text.code)
    assert len(seen) >= 8, seen  # the set exercises many of them, not one or two
