"""The Persona badge: does the reply still sound like the persona, or has the model collapsed into an assistant?"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.checker.persona_profile import PersonaProfile
from app.checker.reasons import Reason, reason
from app.checker.text import cjk_ratio, cosine, ngram_profile, sentences
from app.checker.verdict import Badge, Signal, Thresholds, make_badge

THRESHOLDS = Thresholds(ok=0.6, off=0.35)
BIAS = 0.6

_AI_DISCLAIMER = re.compile(
    r"作为(?:一[个名款]?)?(?:AI|人工智能|语言模型|大模型|智能助手|AI助手|机器人)|我是(?:一[个名款]?)?(?:AI|人工智能|语言模型|大模型|智能助手|AI助手)"
    r"|我(?:只是|仅仅是)?(?:一[个名款]?)?(?:语言模型|人工智能程序)|由(?:OpenAI|阿里云|Anthropic)"
    r"|\bas an? (?:ai|artificial intelligence|language model|large language model|ai language model|ai assistant)\b"
    r"|\bi(?: am|'m) (?:just )?an? (?:ai|artificial intelligence|language model|virtual assistant|ai assistant)\b"
    r"|\b(?:large )?language model\b|\bi don't have (?:personal|feelings|a body)\b|\bqwen\b|通义千问",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"希望(?:这|以上|我的)?(?:些)?(?:信息|回答|解释|内容)?(?:对你|能)(?:有所)?帮助|如果你?(?:还)?有(?:其他|任何|更多)(?:的)?问题"
    r"|请随时(?:提问|告诉我)|以下是|总结(?:一下)?[:：]|总之，|综上所述|具体来说|主要(?:作用|功能)(?:包括|如下)|原理如下"
    r"|\bi hope this helps\b|\bfeel free to\b|\blet me know if\b|\bif you have any (?:other |more )?questions\b"
    r"|\bcertainly!|\bsure[!,] here\b|\bhere(?:'s| is) (?:a|an|the) (?:brief|simple|step-by-step|detailed)\b"
    r"|\bin summary\b|\bin conclusion\b|\boverall,|\bhere are (?:some|the)\b",
    re.IGNORECASE,
)
_NUMBERED_BOLD = re.compile(r"^\s*(?:\d+[.、)]|[-*])\s*\*\*", re.MULTILINE)
_HEADING = re.compile(r"^\s*#{1,4}\s", re.MULTILINE)
# Stage directions (*ruffles feathers*, （摇尾巴）) and the tilde of a cute register; not **bold** or "(CNN)".
_ROLEPLAY_ACTION = re.compile(
    r"(?<!\*)\*[a-z\u4e00-\u9fff][^*\n]{1,40}\*(?!\*)|[（(][\u4e00-\u9fff]{1,12}[)）]|[~～]", re.IGNORECASE
)
_DROP_REQUEST = re.compile(
    r"别再?(?:角色)?扮演|不要(?:再)?(?:角色)?扮演|停止(?:角色)?扮演|别演了|不要演了|出戏|像(?:一个)?(?:工程师|老师|教科书)一样"
    r"|正常(?:地)?回答|\bstop (?:role-?playing|acting|pretending)\b|\bdrop the (?:role|act|persona|character)\b"
    r"|\bout of character\b|\bas an engineer\b|\banswer plainly\b|\bno role-?play",
    re.IGNORECASE,
)
_FIRST_PERSON_ZH = re.compile(r"我|咱|本喵|人家")
_FIRST_PERSON_EN = re.compile(r"\b(?:i|me|my|mine|i'm|i've|i'll|we|us|our)\b", re.IGNORECASE)

_NEUTRAL_ZH = ngram_profile(
    "以下是关于这个问题的详细解释。具体来说，主要包括以下几个方面：1. 定义；2. 原理；3. 应用。"
    "该方法通过计算得到结果，从而提高模型的性能。总之，希望这些信息对你有所帮助。如果你有其他问题，请随时提问。"
    "它的工作原理如下：首先，输入数据经过处理；其次，模型进行计算；最后，输出结果。通常用于图像识别、自然语言处理等领域。"
)
_NEUTRAL_EN = ngram_profile(
    "Certainly! Here is a detailed explanation. The main components are as follows: 1. Definition 2. How it works "
    "3. Applications. This method is commonly used in machine learning to improve the performance of the model. "
    "In summary, it is an important technique. I hope this helps! Let me know if you have any other questions. "
    "It works by processing the input data, computing the output, and updating the parameters of the model."
)


@dataclass(frozen=True)
class HistoryTurn:
    role: str
    content: str


def asked_to_drop_role(question: str | None) -> bool:
    return bool(question and _DROP_REQUEST.search(question))


def style_margin(profile: PersonaProfile, reply: str) -> float:
    """How much closer the reply's n-grams are to the persona's own lines than to a neutral assistant."""
    grams = ngram_profile(reply)
    neutral = _NEUTRAL_ZH if profile.language == "zh" else _NEUTRAL_EN
    return cosine(grams, profile.style) - cosine(grams, neutral)


def _catchphrase_signals(profile: PersonaProfile, reply: str, n_sentences: int) -> tuple[list[Signal], list[Reason]]:
    signals: list[Signal] = []
    reasons: list[Reason] = []
    low = reply.lower()
    for phrase in profile.catchphrases:
        count = low.count(phrase.text)
        if phrase.min_per_reply <= 0:
            if count:
                signals.append(Signal(f"catchphrase:{phrase.text}", count, 0.3))
            continue
        if count >= phrase.min_per_reply:
            signals.append(Signal(f"catchphrase:{phrase.text}", count, 1.4))
        else:
            weight = -2.0
            signals.append(Signal(f"catchphrase:{phrase.text}", count, weight))
            if n_sentences > 1:
                reasons.append(reason("catchphrase_missing", phrase=phrase.text, count=n_sentences))
            else:
                reasons.append(reason("catchphrase_missing_reply", phrase=phrase.text))
    return signals, reasons


def _language_signal(profile: PersonaProfile, reply: str) -> tuple[Signal | None, Reason | None]:
    cjk, latin = cjk_ratio(reply)
    if cjk == 0 and latin == 0:
        return None, None
    if profile.language == "zh":
        if cjk < 0.35:
            return Signal("language", cjk, -3.0), reason("switched_to_english")
        return Signal("language", cjk, 0.2), None
    if latin < 0.5:
        return Signal("language", latin, -3.0), reason("switched_to_chinese")
    return Signal("language", latin, 0.2), None


def _drift_signal(profile: PersonaProfile, margin: float, history: Sequence[HistoryTurn]) -> Signal | None:
    recent = [t.content for t in history if t.role == "assistant" and t.content.strip()][-4:]
    earlier = [style_margin(profile, text) for text in recent]
    if len(earlier) < 2:
        return None
    drop = sum(earlier) / len(earlier) - margin
    return Signal("drift", drop, -min(2.0, 8.0 * (drop - 0.08))) if drop > 0.08 else Signal("drift", drop, 0.0)


def consistency_badge(
    profile: PersonaProfile,
    reply: str,
    *,
    question: str | None = None,
    history: Sequence[HistoryTurn] = (),
    partial: bool = False,
) -> Badge:
    """Score the Persona badge; ``partial`` (a streaming prefix) skips the checks that need the whole reply."""
    signals: list[Signal] = []
    reasons: list[Reason] = []
    n_sentences = len(sentences(reply))
    allowed_out = asked_to_drop_role(question) and profile.may_step_out
    if allowed_out:
        signals.append(Signal("step_out_allowed", 1.0, 2.5))
        reasons.append(reason("step_out_allowed", persona=profile.name))
    elif asked_to_drop_role(question):
        reasons.append(reason("step_out_refused", persona=profile.name))

    lowered = reply.lower()
    forbidden = [f for f in profile.forbidden if f in lowered]
    disclaimer = _AI_DISCLAIMER.search(reply)
    if forbidden or disclaimer:
        said = forbidden[0] if forbidden else disclaimer.group(0) if disclaimer else ""
        signals.append(Signal("ai_disclaimer", 1.0, -5.0))
        reasons.append(reason("ai_disclaimer", phrase=said))

    boiler = _BOILERPLATE.findall(reply)
    structure = len(_NUMBERED_BOLD.findall(reply)) + len(_HEADING.findall(reply))
    if boiler or structure >= 2:
        value = len(boiler) + 0.5 * structure
        signals.append(Signal("assistant_boilerplate", value, 0.0 if allowed_out else -min(2.4, 0.9 * value)))
        if not allowed_out:
            reasons.append(reason("assistant_phrase", phrase=boiler[0]) if boiler else reason("assistant_lists"))

    if not partial or n_sentences >= 2:
        cp_signals, cp_reasons = _catchphrase_signals(profile, reply, n_sentences)
        if allowed_out:
            cp_signals = [Signal(s.name, s.value, max(0.0, s.contribution)) for s in cp_signals]
            cp_reasons = []
        signals += cp_signals
        reasons += cp_reasons

    language, language_reason = _language_signal(profile, reply)
    if language is not None and (not partial or len(reply) >= 12):
        signals.append(language)
        if language_reason:
            reasons.append(language_reason)

    first_person = _FIRST_PERSON_ZH if profile.language == "zh" else _FIRST_PERSON_EN
    voiced = bool(first_person.search(reply)) or any(n.lower() in lowered for n in profile.self_names)
    if n_sentences >= 3 and not partial:
        signals.append(Signal("first_person", float(voiced), 0.3 if voiced else (0.0 if allowed_out else -0.8)))
        if not voiced and not allowed_out:
            reasons.append(reason("no_first_person", persona=profile.name))

    actions = len(_ROLEPLAY_ACTION.findall(reply))
    if actions:
        signals.append(Signal("roleplay_marks", actions, min(1.0, 0.4 * actions)))

    margin = style_margin(profile, reply)
    signals.append(Signal("style_margin", margin, 0.0 if allowed_out else max(-1.5, min(1.5, 10.0 * margin))))
    if margin < -0.05 and not allowed_out:
        reasons.append(reason("neutral_style", persona=profile.name))

    if history and not partial:
        drift = _drift_signal(profile, margin, history)
        if drift is not None:
            signals.append(drift)
            if drift.contribution < -0.5:
                reasons.append(reason("drift", persona=profile.name))
    return make_badge(BIAS, signals, reasons, THRESHOLDS)
